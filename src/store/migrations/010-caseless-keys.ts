import { sql, type Kysely, type Migration } from 'kysely';
import { RESOURCES } from '../../catalog/registry.js';
import type { Database } from '../database.js';
import { createCaselessIndex, lookedUpCaseless } from '../schema/resource-table.js';

const VERSION = 10;

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
    // Only what existed when it was released: later migrations index their own (createResourceIndexes).
    for (const def of RESOURCES.filter((d) => (d.since ?? 1) <= VERSION)) {
      for (const el of def.elements.filter((e) => (e.since ?? def.since ?? 1) <= VERSION)) {
        if (!lookedUpCaseless(def, el)) continue;
        await createCaselessIndex(db, def, el);
        await sql`drop index if exists ${sql.id(`${def.table}_${el.column}`)}`.execute(db);
      }
    }
  },
};
