import type { ScalarType, ScalarValue } from '../catalog/types.js';
import { canonicalDecimal } from '../catalog/values.js';

const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : JSON.stringify(value);

/** Driver value back to the JS value of a catalogue type, from either database (the way in is `StoreDialect.toDb`). */
export function fromDb(type: ScalarType, value: unknown): ScalarValue | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'boolean':
      return value === true || value === 1 || value === '1' || value === 't';
    case 'integer':
      return typeof value === 'number' ? value : Number(value);
    case 'datetime':
      return value instanceof Date ? value.toISOString() : text(value);
    case 'decimal':
      return canonicalDecimal(text(value));
    case 'bigint':
      // Read as text (RecordRepository selects these columns cast): a number here has lost digits.
      if (typeof value === 'number' && !Number.isSafeInteger(value))
        throw new Error(`A bigint column was read as a rounded number`);
      return text(value);
    default:
      return text(value);
  }
}

/** A stored timestamp (SQLite text, PostgreSQL Date) as ISO text, or null. */
export function datetimeFromDb(value: unknown): string | null {
  const iso = fromDb('datetime', value);
  return iso === null ? null : String(iso);
}

/**
 * Real time as stored (ISO 8601 UTC, whole seconds), for what keeps real time whatever the
 * server's clock says: the pages' sessions, whose cookies a browser expires by its own clock.
 * Everything else stamps `store.clock.iso()` (store/server-clock.ts).
 */
export function nowIso(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== stamp.second) stamp = { second, text: new Date(second * 1000).toISOString() };
  return stamp.text;
}

let stamp = { second: Number.NaN, text: '' };
