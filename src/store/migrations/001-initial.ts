import { sql, type Kysely, type Migration } from 'kysely';
import { indexCatalog } from '../../catalog/lookup.js';
import { RESOURCES } from '../../catalog/registry.js';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { createMembershipTable, createResourceTable, elementsOf } from '../schema/resource-table.js';

/**
 * Non-unique columns of uncached resources (users) with a lookup index in this migration:
 * Coupa's documented lookups, then every association's join key. Frozen here as released;
 * the catalogue's `indexed` flags must agree (test/catalog-indexes.test.ts).
 */
const LOOKUP_COLUMNS = ['sso_identifier', 'updated_at', 'created_at', 'active'];

/**
 * Creates the reference-data tables, users, memberships, avatars and API keys from the
 * catalogue's version-1 elements. The DDL it emits is pinned by test/migration-ddl.test.ts,
 * so a catalogue change cannot alter it unnoticed: later elements carry `since` and their
 * own migration.
 */
export function initialMigration(dialect: StoreDialect): Migration {
  const { fkType, now } = dialect;

  return {
    async up(db: Kysely<Database>) {
      // Resources whose table a later migration creates have no version-1 elements.
      for (const def of RESOURCES.filter((r) => elementsOf(r, 1).length > 0)) {
        await createResourceTable(db, def, dialect, 1).execute();
        const index = indexCatalog(def);
        // This migration's own: a later element's column does not exist yet.
        const own = new Set(elementsOf(def, 1));
        const references = index.references.filter((el) => own.has(el));
        if (def.cached) {
          // Reference data: the natural key is unique where given.
          await db.schema
            .createIndex(`${def.table}_${index.key.column}_unique`)
            .on(def.table)
            .column(index.key.column)
            .unique()
            .where(sql.ref(index.key.column), 'is not', null)
            .execute();
          continue;
        }
        for (const el of index.scalars) {
          if (!el.unique || !own.has(el)) continue;
          const unique = db.schema.createIndex(`${def.table}_${el.column}_unique`).on(def.table).column(el.column).unique();
          if (el.required) {
            await unique.execute();
            continue;
          }
          // An optional unique element may be empty (the seed sample shows `<employee-number />`),
          // and empty values never collide. SQLite only uses a partial index when the query
          // implies its condition, which `employee_number = ?` does not, so lookups get their own index.
          await unique.where(sql<boolean>`${sql.ref(el.column)} <> ''`).execute();
          await db.schema.createIndex(`${def.table}_${el.column}`).on(def.table).columns([el.column, 'id']).execute();
        }
        // Paging skips rows by id; a narrow index makes the skip read ids, not whole rows (SQLite).
        if (dialect.narrowIdIndex) await db.schema.createIndex(`${def.table}_id`).on(def.table).column('id').execute();
        // Each index ends in id, so an equality match comes out in page order: `active=true`
        // reads 50 entries, not half the table.
        for (const column of [...LOOKUP_COLUMNS, ...references.map((el) => el.column)]) {
          await db.schema.createIndex(`${def.table}_${column}`).on(def.table).columns([column, 'id']).execute();
        }
        if (index.collections.length > 0) await createMembershipTable(db, def, dialect);
      }

      await db.schema
        .createTable('avatars')
        .addColumn('user_id', fkType, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('data', dialect.blobType, (c) => c.notNull())
        .addColumn('updated_at', dialect.columnType('datetime'), (c) => c.notNull().defaultTo(now))
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', dialect.idType, (c) => dialect.primaryKey(c))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('scopes', 'text')
        .addColumn('created_at', dialect.columnType('datetime'), (c) => c.notNull().defaultTo(now))
        .addColumn('revoked_at', dialect.columnType('datetime'))
        .execute();
    },
  };
}
