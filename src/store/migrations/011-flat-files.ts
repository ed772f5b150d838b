import type { Kysely, Migration } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { migrateResources } from '../schema/resource-table.js';

const VERSION = 11;

/**
 * Flat files (issue 19): data file sources and their upload errors (resources); `stored_files`,
 * the bytes of every uploaded file with, while it is in the SFTP tree, its path there; the SFTP
 * accounts and the server's host key; the pages' sign-in sessions; `jobs`, work a process claims and leases (a load); and
 * `data_file_rows`, one row per CSV row applied, written in the row's own transaction so a load
 * resumed after a crash applies each row once.
 */
export function flatFilesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      await migrateResources(db, dialect, VERSION, { indexes: true });
      await db.schema
        .createTable('stored_files')
        .addColumn('id', dialect.idType, (c) => dialect.primaryKey(c))
        // Unique while the file is in the SFTP tree (`/Incoming/Users/a.csv`); null once it is only a load's.
        .addColumn('path', 'text', (c) => c.unique())
        .addColumn('owner_table', 'text')
        .addColumn('owner_id', dialect.fkType)
        .addColumn('slot', 'text')
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('data', dialect.blobType, (c) => c.notNull())
        .addColumn('created_at', dialect.columnType('datetime'), (c) => c.notNull().defaultTo(dialect.now))
        .addColumn('updated_at', dialect.columnType('datetime'), (c) => c.notNull().defaultTo(dialect.now))
        .execute();
      await db.schema.createIndex('stored_files_owner').on('stored_files').columns(['owner_table', 'owner_id', 'slot']).execute();
      await db.schema
        .createTable('sftp_accounts')
        .addColumn('id', dialect.idType, (c) => dialect.primaryKey(c))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('password_digest', 'text')
        // OpenSSH public key lines (`ssh-ed25519 AAAA… comment`), one per line.
        .addColumn('public_keys', 'text')
        .addColumn('created_at', dialect.columnType('datetime'), (c) => c.notNull().defaultTo(dialect.now))
        .addColumn('revoked_at', dialect.columnType('datetime'))
        .execute();
      await db.schema
        .createTable('host_keys')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('private_key', 'text', (c) => c.notNull())
        .addColumn('created_at', dialect.columnType('datetime'), (c) => c.notNull().defaultTo(dialect.now))
        .execute();
      await db.schema
        .createTable('jobs')
        .addColumn('id', dialect.idType, (c) => dialect.primaryKey(c))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', dialect.fkType, (c) => c.notNull())
        // pending → running → done; a running job whose lease ran out is claimed again.
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('lease_until', dialect.columnType('datetime'))
        .addColumn('claimed_by', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', dialect.columnType('datetime'), (c) => c.notNull().defaultTo(dialect.now))
        .execute();
      await db.schema.createIndex('jobs_state').on('jobs').columns(['state', 'id']).execute();
      // Sign-in sessions of the pages (/data_sources), shared by every process on the database.
      await db.schema
        .createTable('web_sessions')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('expires_at', dialect.columnType('datetime'), (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('data_file_rows')
        .addColumn('source_id', dialect.fkType, (c) => c.notNull().references('data_file_sources.id').onDelete('cascade'))
        .addColumn('row', 'integer', (c) => c.notNull())
        // created, updated or failed
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('data_file_rows_pkey', ['source_id', 'row'])
        .execute();
    },
  };
}
