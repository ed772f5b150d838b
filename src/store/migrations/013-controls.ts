import type { Kysely, Migration } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';

/**
 * The emulator's controls (issue 22, docs/controls.md): settings every process on the database
 * shares (the clock), the list of saved snapshots (their tables are `roster_snap_<tag>_<table>`,
 * made when one is saved), and foreign keys that a whole state's copy may check at commit.
 */
export function controlsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      await db.schema
        .createTable('roster_settings')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('roster_snapshots')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('tag', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', dialect.columnType('datetime'), (c) => c.notNull())
        .addColumn('migration', 'text', (c) => c.notNull())
        .execute();
      await dialect.makeForeignKeysDeferrable(db);
    },
  };
}
