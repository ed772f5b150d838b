import type { Kysely, Migration } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { migrateResources } from '../schema/resource-table.js';

const VERSION = 9;

/**
 * The rest of the elements of Coupa's Swagger definitions for the reference data served (columns,
 * membership tables and indexes), with purposes and contacts (docs/reference-data.md).
 */
export function referenceElementsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      await migrateResources(db, dialect, VERSION, { indexes: true });
    },
  };
}
