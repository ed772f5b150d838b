import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../dialects/index.js';

/**
 * OAuth clients, the token signing key, rate-limit buckets, and the API user behind each
 * credential (so created-by shows who wrote a record, as Coupa shows its API user).
 */
export function authMigration(dialect: StoreDialect): Migration {
  const { fkType, now } = dialect;
  const datetime = dialect.columnType('datetime');
  const userFk = (c: ColumnDefinitionBuilder) => c.references('users.id');

  return {
    async up(db: Kysely<Database>) {
      await db.schema
        .createTable('oauth_clients')
        .addColumn('client_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        // scrypt, because `--secret` lets an operator choose a weak one.
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('user_id', fkType, userFk)
        .addColumn('created_at', datetime, (c) => c.notNull().defaultTo(now))
        .addColumn('revoked_at', datetime)
        .execute();

      await db.schema.alterTable('api_keys').addColumn('user_id', fkType, userFk).execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', datetime, (c) => c.notNull().defaultTo(now))
        .execute();

      // GCRA state: the theoretical arrival time of the next request, in epoch milliseconds.
      await db.schema
        .createTable('rate_limits')
        .addColumn('bucket', 'text', (c) => c.primaryKey())
        .addColumn('tat', dialect.floatType, (c) => c.notNull())
        .execute();
    },
  };
}
