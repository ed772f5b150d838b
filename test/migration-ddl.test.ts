import type { DatabaseConnection, Driver, Kysely } from 'kysely';
import { describe, it } from 'vitest';
import type { Database, DialectName } from '../src/store/database.js';
import { dialectNamed } from '../src/store/dialects/index.js';
import { migrations } from '../src/store/migrate.js';
import { expectGolden } from './helpers/golden.js';
import { offlineDb } from './helpers/offline-db.js';

/** A Kysely that connects to nothing and records every statement it is asked to run. */
function recordingDb(dialect: DialectName, statements: string[]): Kysely<Database> {
  const connection: DatabaseConnection = {
    executeQuery(query) {
      const params = query.parameters.length > 0 ? ` -- ${JSON.stringify(query.parameters)}` : '';
      statements.push(`${query.sql};${params}`);
      return Promise.resolve({ rows: [] });
    },
    streamQuery() {
      throw new Error('migrations do not stream');
    },
  };
  const driver: Driver = {
    init: () => Promise.resolve(),
    acquireConnection: () => Promise.resolve(connection),
    beginTransaction: () => Promise.resolve(),
    commitTransaction: () => Promise.resolve(),
    rollbackTransaction: () => Promise.resolve(),
    releaseConnection: () => Promise.resolve(),
    destroy: () => Promise.resolve(),
  };
  return offlineDb(dialect, driver);
}

/**
 * Migrations are versioned: once released, what each migration creates must never change, or
 * new installs and upgraded ones would have different tables. Migrations are built from the
 * catalogue, so a catalogue change would silently change it; this snapshot of the DDL fails
 * instead. Change the catalogue together with a new migration that alters the tables; rewrite
 * these golden files (UPDATE_GOLDEN=1) only for a reviewed change made before a release.
 */
describe('migration DDL', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`is what the golden file says, on ${dialect}`, async () => {
      const statements: string[] = [];
      const db = recordingDb(dialect, statements);
      for (const [name, migration] of Object.entries(migrations(dialectNamed(dialect)))) {
        // 001's statements come first without a header, as the golden files have always had them.
        if (name !== '001-initial') statements.push(`-- ${name}`);
        await migration.up(db);
      }
      expectGolden(`migrations-${dialect}.sql.txt`, `${statements.join('\n')}\n`);
    });
  }
});
