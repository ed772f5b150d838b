import type { Kysely, Migration } from 'kysely';
import { indexCatalog } from '../../catalog/lookup.js';
import { RESOURCES, resourceNamed } from '../../catalog/registry.js';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { addResourceColumns, createResourceTable } from '../schema/resource-table.js';

const VERSION = 4;

/**
 * Owned child collections: the tables of the resources this version brings (warehouse
 * locations), each indexed on the column naming its owner, as every read of an owner reads
 * its children by it; and the version-4 columns of tables that already exist.
 */
export function ownedChildrenMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      for (const def of RESOURCES) {
        if (def.since === VERSION) await createResourceTable(db, def, dialect, VERSION).execute();
        else for (const statement of addResourceColumns(db, def, dialect, VERSION)) await statement.execute();
      }
      for (const def of RESOURCES) {
        for (const el of indexCatalog(def).children) {
          const child = resourceNamed(el.target);
          if (child.since !== VERSION) continue;
          const owner = indexCatalog(child).references.find((r) => r.name === el.owner);
          if (!owner) throw new Error(`${child.name} has no reference ${el.owner}`);
          await db.schema.createIndex(`${child.table}_${owner.column}`).on(child.table).columns([owner.column, 'id']).execute();
        }
      }
    },
  };
}
