import { indexCatalog } from './lookup.js';
import type { ResourceDef } from './resource.js';
import type { RecordId, ScalarType } from './types.js';
import { coerceScalar } from './values.js';

/**
 * How a resource's ids are written, by its id element's type: `integer` for core Coupa (the
 * database numbers rows from 1, sent as JSON numbers), `bigint` for CSO (19-digit ids numbered
 * from `FIRST_BIGINT_ID`, sent as JSON strings, seed 001). One rule for ids from a path, a
 * body, a query or a bulk item.
 */
export interface IdCodec {
  /** The id element's type. */
  readonly type: Extract<ScalarType, 'integer' | 'bigint'>;
  /** A positive id as a client sent it (text or a JSON value); undefined when it is not one. */
  parse(raw: unknown): RecordId | undefined;
  /** The id as the driver returned it (a `bigint` column is read as text). */
  fromDb(value: unknown): RecordId;
}

/**
 * The first id of a table of `bigint` ids: 19 digits, as CSO's (`9220538753483272432`), above
 * every id in seed 001's samples so none is mistaken for one, with room for 3·10^15 rows
 * before a signed 64-bit integer's end.
 */
export const FIRST_BIGINT_ID = '9220600000000000001';

function codecOf(type: IdCodec['type']): IdCodec {
  return {
    type,
    parse(raw) {
      const c = coerceScalar(type, typeof raw === 'string' ? raw.trim() : raw);
      if (!c.ok || c.value === null || typeof c.value === 'boolean') return undefined;
      if (typeof c.value === 'number') return c.value > 0 ? c.value : undefined;
      return /^[1-9]\d*$/.test(c.value) ? c.value : undefined;
    },
    fromDb: type === 'integer' ? (value) => Number(value) : (value) => String(value),
  };
}

const INTEGER_IDS = codecOf('integer');
const BIGINT_IDS = codecOf('bigint');

/** The id codec of `def`; its id element must be an `integer` or a `bigint` (the registry's check). */
export function idCodecOf(def: ResourceDef): IdCodec {
  const id = indexCatalog(def).byName.get('id');
  if (id?.kind !== 'scalar') throw new Error(`${def.name} has no id element`);
  switch (id.type) {
    case 'integer':
      return INTEGER_IDS;
    case 'bigint':
      return BIGINT_IDS;
    default:
      throw new Error(`${def.name}'s id is a ${id.type}: ids are integers or bigints`);
  }
}

/**
 * The id of a row of a core resource (integer ids) as the number it is: for code that only
 * ever handles core rows (a user signing in, a load's data file source). A `bigint` id here is
 * a programming error, not a client's, and throws.
 */
export function serialId(id: RecordId): number {
  if (typeof id !== 'number') throw new Error(`Expected an integer id, got the bigint id ${id}`);
  return id;
}
