import type { ApiFamily } from '../../catalog/families.js';
import { idCodecOf } from '../../catalog/ids.js';
import { assertNever, indexCatalog } from '../../catalog/lookup.js';
import { resourceNamed } from '../../catalog/registry.js';
import type { ResourceDef } from '../../catalog/resource.js';
import type { CompositeElement, Element, ScalarType } from '../../catalog/types.js';
import { componentName } from './component-names.js';
import { described, orNull, schemaRef, type JsonSchema } from './json-schema.js';
import { idParameterSchema, scalarSchema, typeSchema, type Direction } from './value-schemas.js';

/** The kinds of schema a resource has in a document: its record, its nested form, its request body, a reference to it. */
type Kind = 'record' | 'nested' | 'input' | 'ref';

const SUFFIX: Readonly<Record<Kind, string>> = { record: '', nested: 'Nested', input: 'Input', ref: 'Ref' };

const TEXT_TYPES: ReadonlySet<ScalarType> = new Set(['string', 'text', 'symbol']);

/**
 * The `components.schemas` of one family's document, made from the resource definitions on
 * demand: asking for a resource's schema adds it (and every schema it points at) once, and
 * answers a `$ref` to it. The shapes follow render/present-record.ts: a record is its Api_Out
 * elements in order; a reference renders the target's `simple` elements (or the reference's
 * own `nested` list), from the third level on only its id and natural key; a collection an
 * array of those; owned children arrays of full child records; a composite an object of its
 * parts; a through element the scalar it reads. Core JSON keeps nulls (render/json.ts), so
 * every core value but a list may be null; CSO leaves null and empty values out
 * (render/cso-json.ts), so its values are never null and its texts never empty.
 */
export class ResourceSchemas {
  readonly #components = new Map<string, JsonSchema>();
  readonly #responses = new Map<string, JsonSchema>();

  constructor(readonly family: ApiFamily) {}

  /** The schemas made so far, by name, sorted. */
  components(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.#components].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The responses shared so far (`components.responses`), by name, sorted. */
  responses(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.#responses].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Adds a Response Object many operations give under `name`, once, and answers a `$ref` to it. */
  sharedResponse(name: string, make: () => JsonSchema): JsonSchema {
    if (!this.#responses.has(name)) this.#responses.set(name, make());
    return { $ref: `#/components/responses/${name}` };
  }

  /** Adds a schema that is not a resource's (an error body, an envelope) under `name`, once. */
  shared(name: string, make: () => JsonSchema): JsonSchema {
    if (!this.#components.has(name)) this.#components.set(name, make());
    return schemaRef(name);
  }

  /** The record as an answer renders it: `User`. */
  record(def: ResourceDef): JsonSchema {
    return this.#ensure(def, 'record', () => this.#recordSchema(def));
  }

  /** The record as another one nests it: `UserNested`. */
  nested(def: ResourceDef): JsonSchema {
    return this.#ensure(def, 'nested', () =>
      described(this.#nestedSchema(def, def.simple), `A ${this.#title(def)} nested in another record.`),
    );
  }

  /** The document a create or an update sends: `UserInput`, its Api_In elements. */
  input(def: ResourceDef): JsonSchema {
    return this.#ensure(def, 'input', () => this.#inputSchema(def));
  }

  /** How a request names a row of `def` in an association: `DepartmentRef`. */
  ref(def: ResourceDef): JsonSchema {
    return this.#ensure(def, 'ref', () => this.#refSchema(def));
  }

  /** An id of `def` as a request body or a path gives it. */
  idSchema(def: ResourceDef): JsonSchema {
    return idParameterSchema(idCodecOf(def));
  }

  #ensure(def: ResourceDef, kind: Kind, make: () => JsonSchema): JsonSchema {
    const name = `${componentName(this.family, def)}${SUFFIX[kind]}`;
    if (!this.#components.has(name)) {
      // Placed before it is made, so a schema that points back at itself (a user's `created-by`) ends.
      this.#components.set(name, {});
      this.#components.set(name, make());
    }
    return schemaRef(name);
  }

  /** What descriptions call a resource: its schema's name (`WorkerEmail`, not `Worker::WorkerEmail`). */
  #title(def: ResourceDef): string {
    return componentName(this.family, def);
  }

  /** Core keeps nulls in its JSON; CSO leaves the key out instead. */
  #nullable(schema: JsonSchema): JsonSchema {
    return this.family === 'core' ? orNull(schema) : schema;
  }

  /** A text CSO renders is never empty (render/cso-json.ts leaves an empty one out). */
  #outType(type: ScalarType): JsonSchema {
    const schema = typeSchema(type, 'out');
    return this.family === 'cso' && TEXT_TYPES.has(type) ? { ...schema, minLength: 1 } : schema;
  }

  #recordSchema(def: ResourceDef): JsonSchema {
    const index = indexCatalog(def);
    const properties = Object.fromEntries(index.outElements.map((el) => [el.name, this.#outElement(el)] as const));
    return {
      type: 'object',
      description:
        this.family === 'core'
          ? `A ${this.#title(def)} as Coupa renders it. Every property is present (null when it has no value) unless return_object or fields asks for less.`
          : `A ${this.#title(def)} as CSO renders it: a property without a value is left out (and an index's return_object or fields may ask for less).`,
      properties,
      additionalProperties: false,
      xml: { name: def.singular },
    };
  }

  /**
   * A row nested in another: `names` (the target's `simple` elements, or a reference's own
   * `nested` list), and always its id and natural key, which are all it shows from the third
   * level of nesting on. No property is required, as a view may keep fewer.
   */
  #nestedSchema(def: ResourceDef, names: readonly string[]): JsonSchema {
    const index = indexCatalog(def);
    const properties: Record<string, JsonSchema> = {};
    for (const name of ['id', ...names, def.key]) {
      const el = index.byName.get(name);
      if (el && !(name in properties)) properties[name] = this.#outElement(el);
    }
    return { type: 'object', properties, additionalProperties: false };
  }

  #outElement(el: Element): JsonSchema {
    switch (el.kind) {
      case 'scalar':
        return this.#nullable(described(scalarSchema(el, this.family, 'out'), el.description));
      case 'computed':
      case 'through':
        return this.#nullable(described(this.#outType(el.type), el.description));
      case 'secret':
        return this.#nullable(described(this.#outType('string'), el.description));
      case 'composite':
        return this.#nullable(described(this.#compositeObject(el, 'out'), el.description));
      case 'reference': {
        const target = resourceNamed(el.target);
        const shape = el.nested ? this.#nestedSchema(target, el.nested) : this.nested(target);
        return described(this.#nullable(shape), el.description);
      }
      case 'collection':
        return described({ type: 'array', items: this.nested(resourceNamed(el.target)) }, el.description);
      case 'children':
        return described({ type: 'array', items: this.record(resourceNamed(el.target)) }, el.description);
      default:
        return assertNever(el);
    }
  }

  #compositeObject(el: CompositeElement, direction: Direction): JsonSchema {
    const part = (length: number): JsonSchema => {
      const text: JsonSchema = { type: 'string', maxLength: length };
      if (direction === 'in') return this.#nullable(text);
      return this.family === 'cso' ? { ...text, minLength: 1 } : orNull(text);
    };
    return {
      type: 'object',
      properties: Object.fromEntries(el.fields.map((f) => [f.name, part(f.length)] as const)),
      additionalProperties: false,
    };
  }

  #inputSchema(def: ResourceDef): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const el of def.elements) {
      if (!el.in) continue;
      const schema = this.#inElement(el);
      if (schema) properties[el.name] = schema;
    }
    return {
      type: 'object',
      description:
        `The elements of a ${this.#title(def)} a client may write` +
        (this.family === 'cso'
          ? ": another element is the item's error."
          : ': others are ignored and named in X-Roster-Ignored-Elements.') +
        ' Names may be written with underscores for dashes.',
      properties,
      xml: { name: def.singular },
    };
  }

  #inElement(el: Element): JsonSchema | undefined {
    switch (el.kind) {
      case 'scalar':
        return this.#nullable(described(scalarSchema(el, this.family, 'in'), el.description));
      case 'secret':
        return this.#nullable(
          described({ type: 'string', writeOnly: true, ...(el.length ? { maxLength: el.length } : {}) }, el.description),
        );
      case 'through':
        return this.#nullable(
          described(
            typeSchema(el.type, 'in'),
            `${el.description} (names the ${el.reference} by its ${el.field}, as "${el.reference}": {"${el.field}": …} does)`,
          ),
        );
      case 'composite':
        return this.#nullable(
          described(
            { anyOf: [{ type: 'string', description: 'The whole value as one text' }, this.#compositeObject(el, 'in')] },
            el.description,
          ),
        );
      case 'reference':
        return described(this.#nullable(this.ref(resourceNamed(el.target))), el.description);
      case 'collection':
        return described({ type: 'array', items: this.ref(resourceNamed(el.target)) }, el.description);
      case 'children': {
        const child = resourceNamed(el.target);
        return described(
          {
            type: 'array',
            items: {
              type: 'object',
              allOf: [this.input(child)],
              properties: {
                id: { ...this.idSchema(child), description: 'The row to change or remove; without it, a new row' },
                _destroy: { type: 'boolean', description: 'Removes the row named by id' },
              },
            },
          },
          el.description,
        );
      }
      case 'computed':
        return undefined;
      default:
        return assertNever(el);
    }
  }

  /**
   * A row named in a request (domain/record-input.ts): an object giving its id, its natural key
   * or an alternate key (or, for a resource found or created by its values, those values), or
   * the bare natural key as a string, or (integer ids) the bare id.
   */
  #refSchema(def: ResourceDef): JsonSchema {
    const index = indexCatalog(def);
    const keys = [def.key, ...(def.alternateKeys ?? [])].filter((k) => k !== 'id');
    const properties: Record<string, JsonSchema> = { id: this.idSchema(def) };
    for (const key of keys) {
      const el = index.byName.get(key);
      if (el?.kind === 'scalar') properties[key] = scalarSchema(el, this.family, 'in');
    }
    if (def.findOrCreateBy) {
      for (const el of def.elements) {
        if (!el.in || el.name in properties) continue;
        if (el.kind !== 'scalar' && el.kind !== 'composite' && el.kind !== 'reference') continue;
        const schema = this.#inElement(el);
        if (schema) properties[el.name] = schema;
      }
    }
    const forms: JsonSchema[] = [{ type: 'object', properties, minProperties: 1 }];
    if (keys.length > 0) forms.push({ type: 'string', description: `The ${def.key}` });
    if (idCodecOf(def).type === 'integer') forms.push({ type: 'integer', minimum: 1, description: 'The id' });
    const names = ['id', ...keys].join(', ');
    const more = def.findOrCreateBy ? `, or ${def.findOrCreateBy.join(' and ')} (found, or created)` : '';
    return { description: `A ${this.#title(def)} named by ${names}${more}.`, anyOf: forms };
  }
}
