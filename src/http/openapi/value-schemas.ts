import type { ApiFamily } from '../../catalog/families.js';
import type { IdCodec } from '../../catalog/ids.js';
import type { ScalarElement, ScalarType } from '../../catalog/types.js';
import { coerceScalar } from '../../catalog/values.js';
import type { JsonSchema } from './json-schema.js';

/** Which way a value travels: rendered in an answer, or sent by a client in a request body. */
export type Direction = 'out' | 'in';

/** A signed 64-bit integer as its decimal text (CSO's ids, any `bigint` element). */
export const BIGINT_PATTERN = '^-?[0-9]+$';

/**
 * The JSON value of a catalogue type, as render/json.ts (core) and render/cso-json.ts (CSO) write
 * it: texts as strings, integers as numbers, `bigint`s and decimals as strings (so no digit is
 * lost), instants as ISO 8601 `date-time`, days as `date`. A client may send a decimal as a
 * number too.
 */
export function typeSchema(type: ScalarType, direction: Direction): JsonSchema {
  switch (type) {
    case 'string':
    case 'text':
    case 'symbol':
      return { type: 'string' };
    case 'integer':
      return { type: 'integer' };
    case 'bigint':
      return { type: 'string', pattern: BIGINT_PATTERN };
    case 'boolean':
      return { type: 'boolean' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'decimal':
      return direction === 'out' ? { type: 'string' } : { type: ['string', 'number'] };
  }
}

const TEXT_TYPES: ReadonlySet<ScalarType> = new Set(['string', 'text', 'symbol']);

/**
 * An allowed value as JSON carries it: the catalogue spells them as text (`"0"` for an integer
 * element), the wire by the element's type (`0`); decimals and `bigint`s stay text.
 */
function allowedValue(el: ScalarElement, value: string): string | number | boolean {
  if (el.type !== 'integer' && el.type !== 'boolean') return value;
  const c = coerceScalar(el.type, value);
  if (!c.ok || c.value === null) throw new Error(`${el.name}: the allowed value ${value} is not a ${el.type}`);
  return c.value;
}

/**
 * A stored scalar's schema, its rules included: the longest text (`length`, in characters, as
 * JSON Schema counts them), the shortest, the allowed values, the least number, an e-mail's
 * format. CSO leaves an empty text out of its answers, so a CSO text it renders is never empty.
 */
export function scalarSchema(el: ScalarElement, family: ApiFamily, direction: Direction): JsonSchema {
  const schema: Record<string, unknown> = { ...typeSchema(el.type, direction) };
  const text = TEXT_TYPES.has(el.type);
  if (text && el.length !== undefined) schema['maxLength'] = el.length;
  if (text && el.minLength !== undefined) schema['minLength'] = el.minLength;
  else if (text && family === 'cso' && direction === 'out') schema['minLength'] = 1;
  if (el.allowed) schema['enum'] = el.allowed.map((value) => allowedValue(el, value));
  if (el.minimum !== undefined && el.type === 'integer') schema['minimum'] = el.minimum;
  if (el.format === 'email') schema['format'] = 'email';
  return schema;
}

/** A row id in a path: a positive integer (core), or its digits as text (a `bigint` id, CSO). */
export function idParameterSchema(codec: IdCodec): JsonSchema {
  return codec.type === 'integer' ? { type: 'integer', minimum: 1 } : { type: 'string', pattern: '^[1-9][0-9]*$' };
}
