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
 * path's check refuses new ones. The exact-case lookup index each replaces (`<table>_<column>`,
 * an indexed element's, or a unique one's second index from migration 1) serves no query any
 * more and is dropped, so a write keeps one lookup index per element: seeding 200,000 users and
 * 100,000 workers took twice as long with both (docs/performance.md).
 */
export const caselessKeysMigration: Migration = {
  async up(db: Kysely<Database>) {
    for (const def of RESOURCES) {
      for (const el of lookedUpBy(def)) {
        const name = `${def.table}_${el.column}_caseless`;
        const folded = sql`lower(${sql.ref(el.column)}), ${sql.ref('id')}`;
        await sql`create index ${sql.id(name)} on ${sql.table(def.table)} (${folded})`.execute(db);
        await sql`drop index if exists ${sql.id(`${def.table}_${el.column}`)}`.execute(db);
      }
    }
  },
};
