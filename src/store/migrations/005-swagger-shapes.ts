import type { Kysely, Migration } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { migrateResources } from '../schema/resource-table.js';

const VERSION = 5;

/**
 * What Coupa's Swagger `User` definition requires of the rows a user nests: warehouse types
 * (a new table), a warehouse's address, currency and type, an account group's type and
 * account type, an inventory organization's currency, a pcard's masked number. An inventory
 * organization's fulfillment type becomes one of the Swagger's values (`manual`, `automatic`).
 */
export function swaggerShapesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      await migrateResources(db, dialect, VERSION, { indexes: true });
      // Rows made before this migration get the type a new one defaults to.
      await db.updateTable('account_groups').set({ account_group_type: 1 }).where('account_group_type', 'is', null).execute();
      await db
        .updateTable('inventory_organizations')
        .set({ fulfillment_type: 'manual' })
        .where('fulfillment_type', 'not in', ['manual', 'automatic'])
        .execute();
    },
  };
}
