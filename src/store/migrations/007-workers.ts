import type { Kysely, Migration } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';
import { migrateResources } from '../schema/resource-table.js';

const VERSION = 7;

/**
 * The Worker API (seed 004): workers, their owned collections (emails, phone numbers,
 * addresses, skills, identifiers, documents, each indexed on the worker), the reference data
 * they name (address purposes, skills, identifier and document types), workers' avatars, the
 * bytes of worker documents' uploaded attachments, and the outbound mail Roster records
 * (invitations).
 */
export function workersMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<Database>) {
      await migrateResources(db, dialect, VERSION, { indexes: true });
      await db.schema
        .createTable('worker_avatars')
        .addColumn('worker_id', dialect.fkType, (c) => c.primaryKey().references('workers.id').onDelete('cascade'))
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('data', dialect.blobType, (c) => c.notNull())
        .addColumn('updated_at', dialect.columnType('datetime'), (c) => c.notNull().defaultTo(dialect.now))
        .execute();
      await db.schema
        .createTable('attachment_files')
        .addColumn('attachment_id', dialect.fkType, (c) =>
          c.primaryKey().references('worker_document_attachments.id').onDelete('cascade'),
        )
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('data', dialect.blobType, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('mail_messages')
        .addColumn('id', dialect.idType, (c) => dialect.primaryKey(c))
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('from_address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('accepted', dialect.columnType('boolean'), (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', dialect.columnType('datetime'), (c) => c.notNull().defaultTo(dialect.now))
        .execute();
    },
  };
}
