import type { Kysely, Migration } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { migrateResources } from '../schema/resource-table.js';

const VERSION = 6;

/** Suppliers, the reference data the Worker API's workers belong to (served at /api/suppliers). */
export function suppliersMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      await migrateResources(db, dialect, VERSION, { indexes: true });
    },
  };
}
