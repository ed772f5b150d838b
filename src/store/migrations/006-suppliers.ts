import type { Kysely, Migration } from 'kysely';
import { RESOURCES } from '../../catalog/registry.js';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { addResourceColumns, createResourceIndexes, createResourceTable } from '../schema/resource-table.js';

const VERSION = 6;

/** Suppliers, the reference data the Worker API's workers belong to (served at /api/suppliers). */
export function suppliersMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      for (const def of RESOURCES) {
        if (def.since === VERSION) await createResourceTable(db, def, dialect, VERSION).execute();
        else for (const statement of addResourceColumns(db, def, dialect, VERSION)) await statement.execute();
        await createResourceIndexes(db, def, VERSION);
      }
    },
  };
}
