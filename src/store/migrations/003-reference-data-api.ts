import { sql, type Kysely, type Migration } from 'kysely';
import { indexCatalog } from '../../catalog/lookup.js';
import { RESOURCES } from '../../catalog/registry.js';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { addResourceColumns, elementsOf } from '../schema/resource-table.js';

/**
 * Reference data becomes resources of their own (served at /api/departments and the like):
 * the catalogue's version-3 elements, chiefly timestamps and audit users, and the fields of
 * Coupa's Swagger definitions Roster did not keep before. Rows already there get the
 * migration's time as their creation and update time.
 */
export function referenceDataMigration(dialect: StoreDialect): Migration {
  const { now } = dialect;
  return {
    async up(db: Kysely<Database>) {
      for (const def of RESOURCES) {
        for (const statement of addResourceColumns(db, def, dialect, 3)) await statement.execute();
        const stamps = elementsOf(def, 3).flatMap((el) =>
          el.kind === 'scalar' && (el.auto === 'created-at' || el.auto === 'updated-at') ? [el.column] : [],
        );
        if (stamps.length > 0) {
          await db
            .updateTable(def.table)
            .set(Object.fromEntries(stamps.map((column) => [column, now])))
            .execute();
        }
        const key = indexCatalog(def).key;
        // Only the tables migration 001 made carry its `<table>_<key>_unique` index.
        if (def.cached && !key.required && elementsOf(def, 1).length > 0) {
          const name = `${def.table}_${key.column}_unique`;
          await db.schema.dropIndex(name).execute();
          await db.schema
            .createIndex(name)
            .on(def.table)
            .column(key.column)
            .unique()
            .where(sql<boolean>`${sql.ref(key.column)} <> ''`)
            .execute();
        }
      }
    },
  };
}
