import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';
import { REF_TABLES } from '../../catalog/reference-data.js';
import { USERS } from '../../catalog/users.js';
import { columnType } from '../column-types.js';
import type { Database, DialectName } from '../database.js';

/** Non-unique user columns with an index: Coupa's documented lookups and the association keys. */
const USER_LOOKUP_COLUMNS = [
  'sso_identifier',
  'updated_at',
  'created_at',
  'active',
  ...USERS.elements.flatMap((el) => (el.kind === 'reference' ? [el.column] : [])),
];

/**
 * Creates the reference-data tables, users, memberships, avatars and API keys from the
 * catalogues. Until the first release this migration tracks the catalogue; after it, a
 * catalogue change ships as a new migration that alters the tables. The DDL it emits is
 * pinned by test/migration-ddl.test.ts, so a catalogue change cannot alter it unnoticed.
 */
export function initialMigration(dialect: DialectName): Migration {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const fkType = dialect === 'postgres' ? 'bigint' : 'integer';
  // bigserial numbers itself; SQLite needs AUTOINCREMENT so ids are never reused.
  const primaryKey = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const now = dialect === 'postgres' ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

  return {
    async up(db: Kysely<Database>) {
      for (const ref of REF_TABLES) {
        let t = db.schema.createTable(ref.table).addColumn('id', idType, primaryKey);
        for (const field of ref.fields) t = t.addColumn(field.column, columnType(dialect, field.type, field.length));
        for (const link of ref.links ?? []) {
          t = t.addColumn(link.column, fkType, (c) => c.references(`${link.target}.id`));
        }
        await t.execute();
        const key = ref.fields.find((fl) => fl.name === ref.key);
        if (key) {
          await db.schema
            .createIndex(`${ref.table}_${key.column}_unique`)
            .on(ref.table)
            .column(key.column)
            .unique()
            .where(sql.ref(key.column), 'is not', null)
            .execute();
        }
      }

      let users = db.schema.createTable(USERS.table);
      for (const el of USERS.elements) {
        if (el.kind === 'scalar') {
          if (el.name === 'id') {
            users = users.addColumn('id', idType, primaryKey);
          } else if (el.name === 'created-at' || el.name === 'updated-at') {
            users = users.addColumn(el.column, columnType(dialect, el.type), (c) => c.notNull().defaultTo(now));
          } else {
            users = users.addColumn(el.column, columnType(dialect, el.type, el.length));
          }
        } else if (el.kind === 'secret') {
          users = users.addColumn(el.column, 'text');
        } else if (el.kind === 'reference') {
          const target = el.target === USERS.table ? 'users' : el.target;
          users = users.addColumn(el.column, fkType, (c) => c.references(`${target}.id`));
        } else if (el.kind === 'composite') {
          for (const part of el.fields) users = users.addColumn(part.column, columnType(dialect, 'string', part.length));
        }
      }
      await users.execute();
      for (const el of USERS.elements) {
        if (el.kind !== 'scalar' || !el.unique) continue;
        const unique = db.schema.createIndex(`users_${el.column}_unique`).on(USERS.table).column(el.column).unique();
        if (el.required) {
          await unique.execute();
          continue;
        }
        // An optional unique element may be empty (the seed sample shows `<employee-number />`),
        // and empty values never collide. SQLite only uses a partial index when the query
        // implies its condition, which `employee_number = ?` does not, so lookups get their own index.
        await unique.where(sql<boolean>`${sql.ref(el.column)} <> ''`).execute();
        await db.schema.createIndex(`users_${el.column}`).on(USERS.table).columns([el.column, 'id']).execute();
      }
      // Paging skips rows by id; a narrow index makes the skip read ids, not whole rows (SQLite).
      if (dialect === 'sqlite') await db.schema.createIndex('users_id').on(USERS.table).column('id').execute();
      // Common lookups and every association's join key. Each index ends in id, so an equality
      // match comes out in page order: `active=true` reads 50 entries, not half the table.
      for (const column of USER_LOOKUP_COLUMNS) {
        await db.schema.createIndex(`users_${column}`).on(USERS.table).columns([column, 'id']).execute();
      }

      await db.schema
        .createTable('user_memberships')
        .addColumn('user_id', fkType, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ref_id', fkType, (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_memberships_pk', ['user_id', 'kind', 'ref_id'])
        .execute();
      // Covers `roles[name]=…`: from the role's id straight to its users' ids.
      await db.schema
        .createIndex('user_memberships_kind_ref')
        .on('user_memberships')
        .columns(['kind', 'ref_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('avatars')
        .addColumn('user_id', fkType, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addColumn('updated_at', columnType(dialect, 'datetime'), (c) => c.notNull().defaultTo(now))
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', idType, primaryKey)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('scopes', 'text')
        .addColumn('created_at', columnType(dialect, 'datetime'), (c) => c.notNull().defaultTo(now))
        .addColumn('revoked_at', columnType(dialect, 'datetime'))
        .execute();
    },
  };
}
