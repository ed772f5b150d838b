import { FAMILIES, type ApiFamily } from '../../catalog/families.js';
import type { ResourceDef } from '../../catalog/resource.js';
import type { ScalarType } from '../../catalog/types.js';
import { OPERATOR_NAMES, OPERATORS } from '../../query/operators.js';
import { typeSchema } from './value-schemas.js';
import type { JsonSchema } from './json-schema.js';

/** An OpenAPI Parameter Object, as plain data. */
export type ParameterObject = { readonly [field: string]: unknown };

const query = (name: string, description: string, schema: JsonSchema, extra: Record<string, unknown> = {}): ParameterObject => ({
  name,
  in: 'query',
  description,
  schema,
  ...extra,
});

/** `text` ending as a sentence does: `Does the user have a license?` stays, `login` becomes `login.`. */
const sentence = (text: string): string => (/[.?!]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** The bracketed operators (`login[contains]=…`) that fit a type, as query/operators.ts lists them. */
function operatorsFor(type: ScalarType): string[] {
  return OPERATOR_NAMES.filter((op) => op !== 'eq' && OPERATORS[op].fits(type));
}

/** `return_object` and `fields` (Coupa's return formats, query/view.ts): reads take limited and shallow, writes also none. */
export function viewParameters(mode: 'read' | 'write'): ParameterObject[] {
  return [
    query(
      'return_object',
      'limited: ids only; shallow: associations by id and natural key only' + (mode === 'write' ? '; none: no body' : ''),
      { type: 'string', enum: mode === 'write' ? ['none', 'limited', 'shallow'] : ['limited', 'shallow'] },
    ),
    query('fields', 'A JSON array of the elements to show, associations as objects: ["id","login",{"roles":["name"]}]', {
      type: 'string',
    }),
  ];
}

/** Core's `bulk=1`: the write takes a list and answers one result per item (http/records/bulk.ts). */
export function bulkParameter(required: boolean): ParameterObject {
  return query(
    'bulk',
    required ? 'Must be 1: this route updates in bulk' : '1: create a list of records, answered with one result per item',
    { type: 'string', enum: required ? ['1', 'true'] : ['1', '0', 'true', 'false'] },
    { required },
  );
}

/**
 * What an index's conditions are, for its description: `element=value`, and each operator of
 * query/operators.ts with what it takes and the elements it fits.
 */
export function conditionsText(): string {
  const takes = { one: 'one value', list: 'a comma-separated list', flag: 'true or false' } as const;
  const ops = OPERATOR_NAMES.filter((op) => op !== 'eq').map(
    (op) => `\`${op}\` (${takes[OPERATORS[op].takes]}; ${OPERATORS[op].fitsText})`,
  );
  return (
    'Conditions: `element=value` matches exactly (text ignoring case); `element[op]=value` with op one of ' +
    `${ops.join(', ')}; through associations: \`association[element][op]=value\`. docs/query-language.md.`
  );
}

/** Names an index takes for paging, ordering and views, which no element's filter may shadow. */
const CONTROL = new Set(['offset', 'limit', 'order_by', 'order-by', 'dir', 'return_object', 'return-object', 'fields', 'filter']);

/**
 * The query parameters of an index (docs/query-language.md, read alike by both families):
 * paging (`limit` up to the family's page size), ordering, views, one parameter per element a condition may
 * test (`login=…`, the operators it fits in its description), the resource's aliases
 * (`status=active`), and every other condition (`login[contains]=…`, `roles[name]=…`) as a
 * free-form set of parameters.
 */
export function indexParameters(def: ResourceDef, family: ApiFamily): ParameterObject[] {
  const pageSize = FAMILIES[family].pageSize;
  const out: ParameterObject[] = [
    query('offset', 'How many matching records to skip', { type: 'integer', minimum: 0, default: 0 }),
    query(`limit`, `How many records a page holds, at most ${pageSize} (a larger limit is capped)`, {
      type: 'integer',
      minimum: 0,
      maximum: pageSize,
      default: pageSize,
    }),
  ];
  const orderable = def.elements.flatMap((el) =>
    el.kind === 'scalar' || (el.kind === 'through' && el.field === 'id') ? [el.name] : [],
  );
  out.push(
    query('order_by', 'The element to sort by (by id unless given)', { type: 'string', enum: orderable }),
    query('dir', 'Sort direction', { type: 'string', enum: ['asc', 'desc'], default: 'asc' }),
    ...viewParameters('read'),
  );
  const taken = new Set(CONTROL);
  for (const el of def.elements) {
    if ((el.kind !== 'scalar' && el.kind !== 'through') || taken.has(el.name)) continue;
    taken.add(el.name);
    const ops = operatorsFor(el.type);
    const schema: JsonSchema = {
      ...(el.type === 'decimal' ? { type: 'string' } : typeSchema(el.type, 'in')),
      ...(el.kind === 'scalar' && el.allowed ? { enum: [...el.allowed] } : {}),
    };
    const text = el.type === 'string' || el.type === 'text' || el.type === 'symbol';
    out.push(
      query(
        el.name,
        `${sentence(el.description)} Matches exactly${text ? ' (ignoring case)' : ''}; ${el.name}[op]=… ${ops.length === OPERATOR_NAMES.length - 1 ? 'takes every operator' : `takes ${ops.join(', ')}`}.`,
        schema,
      ),
    );
  }
  for (const [name, alias] of Object.entries(def.api?.aliases ?? {})) {
    if (taken.has(name)) continue;
    taken.add(name);
    out.push(query(name, `Another way of writing ${alias.element}`, { type: 'string', enum: Object.keys(alias.values) }));
  }
  if (taken.has('conditions')) return out;
  out.push(
    query(
      'conditions',
      'Any other condition, each its own parameter (this name is not sent): an element with an operator ' +
        '(`name[contains]=…`), an association path (`department[name]=…`, `roles[name][in]=a,b`). docs/query-language.md.',
      { type: 'object', additionalProperties: { type: 'string' } },
      // An empty example, so a viewer's "Try it out" does not send made-up conditions.
      { style: 'form', explode: true, example: {} },
    ),
  );
  return out;
}
