import type { Kysely, Migration } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { migrateResources } from '../schema/resource-table.js';

const VERSION = 12;

/**
 * The CSO API family (issue 20): CSO companies and users (resources, ids numbered from
 * `FIRST_BIGINT_ID`), and the API each key opens (`api_keys.api`: `core`, or `cso` for an
 * `X-CSO-API-KEY`); keys made before are core keys.
 */
export function csoMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      await migrateResources(db, dialect, VERSION, { indexes: true });
      await db.schema
        .alterTable('api_keys')
        .addColumn('api', 'text', (c) => c.notNull().defaultTo('core'))
        .execute();
    },
  };
}
