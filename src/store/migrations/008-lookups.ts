import type { Kysely, Migration } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { migrateResources } from '../schema/resource-table.js';

const VERSION = 8;

/** Lookups and their values (/api/lookups, /api/lookup_values), a value indexed on its lookup and its parent value. */
export function lookupsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      await migrateResources(db, dialect, VERSION, { indexes: true });
    },
  };
}
