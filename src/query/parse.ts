import { normalizeName } from '../catalog/lookup.js';
import type { QueryAliases } from '../catalog/resource.js';
import type { ScalarValue } from '../catalog/types.js';
import { coerceScalar } from '../catalog/values.js';
import type { Condition, Ordering, ParsedQuery } from './filter.js';
import { OPERATOR_NAMES, OPERATORS, operatorNamed, type Operator } from './operators.js';
import type { Hop, Meaning, QueryField, QuerySchema } from './schema.js';
import { parseView, type Shape, type View } from './view.js';

/** Core resources return at most 50 records a page; a larger limit is capped, not refused. */
export const MAX_LIMIT = 50;

/** Most values an `in`/`not_in` list may hold: each is a bound parameter, and the databases cap those. */
export const MAX_LIST_VALUES = 1000;

/** Paths longer than this are refused: the schema has no meaningful deeper chain, and SQL size stays bounded. */
export const MAX_DEPTH = 4;

/** Everything the parser needs to know about one resource. */
export interface QueryResource {
  readonly schema: QuerySchema;
  readonly shape: Shape;
  readonly aliases?: QueryAliases;
  /** The most records a page holds, and how many it holds unless `limit` says fewer (`MAX_LIMIT` when absent; CSO's 250). */
  readonly pageSize?: number;
}

export type Parsed<T> = { ok: true; query: T } | { ok: false; problems: string[] };

const VIEW_PARAMS = new Set(['return-object', 'fields']);
const NAME = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

function nonNegativeInt(raw: string): number | undefined {
  return /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined;
}

interface Target {
  readonly path: readonly Hop[];
  readonly field: QueryField;
  readonly op: Operator;
}

/**
 * Rails' foreign-key spelling of a belongs-to (`department_id=1`, Coupa's `from_currency_id`
 * in its Arguments page) means the association's id: the hop, then the target's `id` field.
 */
function foreignKey(schema: QuerySchema, table: string, name: string): Meaning | undefined {
  const base = /^(.+)[-_]id$/.exec(name)?.[1];
  const hop = base === undefined ? undefined : schema.meaning(table, base);
  if (hop?.is !== 'hop' || hop.hop.via !== 'column') return undefined;
  const id = schema.meaning(hop.hop.target, 'id');
  return id?.is === 'field' ? { is: 'through', hop: hop.hop, field: id.field } : undefined;
}

/** Resolves `roles[name][in]` to a path, a field and an operator, or says what is wrong with it. */
function resolveTarget(schema: QuerySchema, param: string): Target | string {
  const m = NAME.exec(param);
  if (!m) return `Query parameter '${param}' is malformed: use element[association-element][operator]=value`;
  const names = [m[1] ?? '', ...[...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((s) => s[1] ?? '')];
  const last = names.at(-1) ?? '';
  const lastOp = names.length > 1 ? operatorNamed(last) : undefined;
  if (lastOp) names.pop();
  const op: Operator = lastOp ?? 'eq';
  let table = schema.root;
  let field: QueryField | null = null;
  const path: Hop[] = [];
  let owner = schema.plural;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? '';
    if (field) {
      return i === names.length - 1 && !lastOp
        ? `Query parameter '${param}': '${name}' is not an operator (${OPERATOR_NAMES.filter((o) => o !== 'eq').join(', ')})`
        : `Query parameter '${param}': ${field.name} is not an association`;
    }
    const meaning = schema.meaning(table, name) ?? foreignKey(schema, table, name);
    if (!meaning) {
      return i === 0
        ? `Unknown query parameter '${param}': ${schema.plural} have no such element`
        : `Query parameter '${param}': ${owner} has no element '${name}'`;
    }
    switch (meaning.is) {
      case 'hidden':
        return `Query parameter '${param}': '${meaning.name}' cannot be queried`;
      case 'field':
        field = meaning.field;
        break;
      case 'group': {
        const part = names[i + 1];
        const f = part === undefined ? undefined : meaning.fields.get(normalizeName(part));
        if (!f) return `Query parameter '${param}': name a part of ${meaning.name} (${[...meaning.fields.keys()].join(', ')})`;
        field = f;
        i++;
        break;
      }
      case 'through':
        // `manager_id` is `manager[id]`: `manager_id[blank]=true` asks for the rows without a manager.
        path.push(meaning.hop);
        field = meaning.field;
        break;
      case 'hop':
        path.push(meaning.hop);
        if (path.length > MAX_DEPTH) return `Query parameter '${param}' goes more than ${MAX_DEPTH} associations deep`;
        table = meaning.hop.target;
        owner = meaning.hop.name;
        break;
    }
  }
  // Coupa refuses `manager[blank]` too: the rows without a manager are `manager[id][blank]=true`.
  if (!field) {
    const hint = lastOp ? `${param.slice(0, param.lastIndexOf('['))}[id][${last}]` : `${param}[id]`;
    return `Query parameter '${param}': ${owner} is an association; name one of its elements, as in ${hint}=…`;
  }
  return { path, field, op };
}

/** Types the raw value(s) for the operator, applying a value alias (`status=active`) first. */
function typeValues(
  param: string,
  target: Target,
  raw: string,
  alias: QueryAliases[string] | undefined,
): ScalarValue[] | (ScalarValue | null)[] | string | typeof UNMATCHABLE {
  const def = OPERATORS[target.op];
  const field = target.field;
  if (!def.fits(field.type)) {
    return `Query parameter '${param}': ${target.op} does not apply to ${field.type} elements, only to ${def.fitsText}`;
  }
  if (def.takes === 'flag') {
    const c = coerceScalar('boolean', raw);
    return c.ok && c.value !== null ? [c.value] : `Query parameter '${param}' must be true or false`;
  }
  const items = def.takes === 'list' ? raw.split(',') : [raw];
  if (items.length > MAX_LIST_VALUES) return `Query parameter '${param}' may list at most ${MAX_LIST_VALUES} values`;
  const values: (ScalarValue | null)[] = [];
  let unmatchable = false;
  for (const item of items) {
    const key = item.trim().toLowerCase();
    const mapped = alias ? (Object.hasOwn(alias.values, key) ? alias.values[key] : undefined) : item;
    if (mapped === undefined) return `Query parameter '${param}' must be one of ${Object.keys(alias?.values ?? {}).join(', ')}`;
    const c = coerceScalar(field.type, mapped);
    if (!c.ok && field.type === 'integer' && !INTEGER_TEXT.test(mapped.trim())) {
      // Rails casts text that is no number to NULL: `id=NON_EXISTING` is no results, not a 400
      // (0011-Differences_between_XML_and_JSON_in_Coupa.md). In a list it is a NULL item: `in`
      // still matches the others; `not_in`, like every other operator, matches nothing.
      if (target.op !== 'in') return UNMATCHABLE;
      unmatchable = true;
      continue;
    }
    if (!c.ok) return `Query parameter '${param}' ${c.problem}`;
    // A value the element can never hold would silently match nothing (or everything, for not_eq): name the allowed ones.
    if (def.exact && field.allowed && c.value !== null && c.value !== '' && !isAllowed(field.allowed, c.value)) {
      return `Query parameter '${param}' must be one of ${field.allowed.join(', ')}`;
    }
    if (c.value === null && target.op !== 'eq' && target.op !== 'not_eq') {
      return def.takes === 'list'
        ? `Query parameter '${param}' must list values separated by commas`
        : `Query parameter '${param}' needs a value`;
    }
    values.push(c.value);
  }
  return unmatchable && values.length === 0 ? UNMATCHABLE : values;
}

/** Text an integer element could hold: digits with an optional sign (too many digits is still a 400). */
const INTEGER_TEXT = /^[+-]?\d+$/;
/** `typeValues`' answer for a condition that holds for no row (`Condition.unmatchable`). */
const UNMATCHABLE = Symbol('unmatchable');

function parseCondition(resource: QueryResource, name: string, raw: string): Condition | string {
  const m = NAME.exec(name);
  const base = normalizeName(m?.[1] ?? name);
  // Own keys only: a client-supplied name must never find Object.prototype's members.
  const aliases = resource.aliases;
  const alias = aliases && Object.hasOwn(aliases, base) ? aliases[base] : undefined;
  // An alias stands for an element at the top level: `status[in]=active` reads as `active[in]=true`.
  const target = resolveTarget(resource.schema, alias && m ? `${alias.element}${m[2] ?? ''}` : name);
  if (typeof target === 'string') return alias ? target.replace(alias.element, m?.[1] ?? name) : target;
  const values = typeValues(name, target, raw, alias);
  if (typeof values === 'string') return values;
  if (values === UNMATCHABLE) return { param: name, ...target, values: [], unmatchable: true };
  return { param: name, ...target, values };
}

/**
 * A name as Rack (before 3.0) reads it: brackets before the first name are skipped, and so are
 * those right after it, so `[lookup][name]` is `lookup[name]` (Coupa's own example:
 * `/api/lookup_values?[lookup][created-at][gt]=2014-04-22`; docs/reference-data.md).
 */
const rackName = (name: string): string => name.replace(/^[[\]]+([^[\]]+)\]*/, '$1');

function single(name: string, value: unknown, problems: string[]): string | undefined {
  if (Array.isArray(value)) {
    problems.push(`Query parameter '${name}' is given more than once`);
    return undefined;
  }
  return typeof value === 'string' ? value : '';
}

/**
 * Reads an index query string into typed conditions, ordering, paging and view. Anything it
 * cannot honour is a problem naming the parameter; nothing is silently dropped.
 */
export function parseQuery(resource: QueryResource, params: Record<string, unknown>): Parsed<ParsedQuery> {
  const problems: string[] = [];
  const conditions: Condition[] = [];
  let offset = 0;
  const pageSize = resource.pageSize ?? MAX_LIMIT;
  let limit = pageSize;
  let order: Ordering | undefined;
  let dir: 'asc' | 'desc' = 'asc';
  let orderField: QueryField | undefined;

  for (const [given, rawValue] of Object.entries(params)) {
    const name = rackName(given);
    const param = normalizeName(name);
    if (VIEW_PARAMS.has(param)) continue;
    const value = single(name, rawValue, problems);
    if (value === undefined) continue;
    if (param === 'offset' || param === 'limit') {
      const n = nonNegativeInt(value);
      if (n === undefined) problems.push(`Query parameter '${name}' must be a non-negative integer`);
      else if (param === 'offset') offset = n;
      else limit = Math.min(n, pageSize);
    } else if (param === 'order-by') {
      orderField = resource.schema.orderable(value);
      if (!orderField) problems.push(`Query parameter 'order_by' names no sortable element: '${value}'`);
    } else if (param === 'dir') {
      const d = value.toLowerCase();
      if (d === 'asc' || d === 'desc') dir = d;
      else problems.push(`Query parameter 'dir' must be asc or desc`);
    } else if (param === 'filter') {
      problems.push(`Query parameter 'filter' (saved API filters) is not supported; give the conditions as parameters`);
    } else {
      const c = parseCondition(resource, name, value);
      if (typeof c === 'string') problems.push(c);
      else conditions.push(c);
    }
  }
  if (orderField) order = { field: orderField, dir };
  else if (dir === 'desc') order = { field: { name: 'id', column: 'id', type: 'integer' }, dir };

  const view = readView(params, resource.shape, 'read', problems);
  if (problems.length > 0 || !view) return { ok: false, problems };
  return { ok: true, query: { conditions, order, offset, limit, view } };
}

function readView(params: Record<string, unknown>, shape: Shape, mode: 'read' | 'write', problems: string[]): View | undefined {
  let returnObject: unknown;
  let fields: unknown;
  for (const [name, value] of Object.entries(params)) {
    const param = normalizeName(name);
    if (param === 'return-object') returnObject = value;
    if (param === 'fields') fields = value;
  }
  const v = parseView(returnObject, fields, shape, mode);
  if (v.ok) return v.view;
  problems.push(...v.problems);
  return undefined;
}

/** The view of a show or a write, and the query parameters a write ignored. */
export interface ViewQuery {
  readonly view: View;
  /** Parameters other than `return_object` and `fields` that a write was sent (always empty for a show). */
  readonly ignored: readonly string[];
}

/**
 * A show or a write takes only `return_object` and `fields` in its query string (a write also
 * takes `none`). Anything else is refused on a show, but ignored on a write, as Rails ignores
 * parameters it does not use (clients send `PUT /api/users/66?null`); a malformed
 * `return_object` or `fields` is refused on both, before anything is written.
 */
export function parseViewQuery(shape: Shape, params: Record<string, unknown>, mode: 'read' | 'write'): Parsed<ViewQuery> {
  const problems: string[] = [];
  const ignored: string[] = [];
  for (const name of Object.keys(params)) {
    if (VIEW_PARAMS.has(normalizeName(name))) continue;
    if (mode === 'write') ignored.push(name);
    else problems.push(`Query parameter '${name}' is not accepted here: only return_object and fields are`);
  }
  const view = readView(params, shape, mode, problems);
  return problems.length > 0 || !view ? { ok: false, problems } : { ok: true, query: { view, ignored } };
}

/** Whether `value` is one of `allowed`, ignoring ASCII case as the comparisons of text do. */
function isAllowed(allowed: readonly string[], value: ScalarValue): boolean {
  const text = String(value).toLowerCase();
  return allowed.some((a) => a.toLowerCase() === text);
}
