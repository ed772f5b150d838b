import type { Kysely, Migration } from 'kysely';
import { indexCatalog } from '../../catalog/lookup.js';
import { ownedBy, RESOURCES } from '../../catalog/registry.js';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { migrateResources } from '../schema/resource-table.js';

const VERSION = 4;

/**
 * Owned child collections: the tables of the resources this version brings (warehouse
 * locations), each indexed on the column naming its owner, as every read of an owner reads
 * its children by it; and the version-4 columns of tables that already exist.
 */
export function ownedChildrenMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      // Indexes by hand: only the owner column needs one (this migration predates createResourceIndexes).
      await migrateResources(db, dialect, VERSION, { indexes: false });
      for (const def of RESOURCES) {
        for (const el of indexCatalog(def).children) {
          const { child, owner } = ownedBy(el);
          if (child.since !== VERSION) continue;
          await db.schema.createIndex(`${child.table}_${owner.column}`).on(child.table).columns([owner.column, 'id']).execute();
        }
      }
    },
  };
}
