import { sql, type Kysely, type Migration } from 'kysely';
import { indexCatalog } from '../../catalog/lookup.js';
import { RESOURCES } from '../../catalog/registry.js';
import type { ScalarElement } from '../../catalog/types.js';
import { comparedCaseless } from '../../query/caseless.js';
import type { Database } from '../database.js';

/** The text elements a row is looked up by: natural and alternate keys, unique and indexed elements. */
function lookedUpBy(def: (typeof RESOURCES)[number]): ScalarElement[] {
  const index = indexCatalog(def);
  const keys = new Set([index.key, ...index.alternateKeys]);
  return index.scalars.filter((el) => comparedCaseless(el.type) && (keys.has(el) || el.unique === true || el.indexed === true));
}

/**
 * Text is matched without regard to case (query/caseless.ts): `lower(column) = lower(?)`. An
 * index on `(lower(column), id)` for each text element a row is looked up by keeps those
 * lookups (`login=`, a supplier by name, uniqueness checks) off a table scan, on both
 * databases. Not unique: rows that differ only in case may already be stored, and the write
 * path's check refuses new ones.
 */
export const caselessKeysMigration: Migration = {
  async up(db: Kysely<Database>) {
    for (const def of RESOURCES) {
      for (const el of lookedUpBy(def)) {
        const name = `${def.table}_${el.column}_caseless`;
        await sql`create index ${sql.id(name)} on ${sql.table(def.table)} (lower(${sql.ref(el.column)}), ${sql.ref('id')})`.execute(
          db,
        );
      }
    }
  },
};
