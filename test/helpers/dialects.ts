import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store } from '../../src/store/database.js';
import { openPreparedStore } from '../../src/store/prepare.js';

export interface TestDialect {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, migrated, seeded database; `drop` removes it. */
  open(): Promise<{ store: Store; drop: () => Promise<void> }>;
}

/** PostgreSQL runs when TEST_DATABASE_URL is set (.ci/run sets it); SQLite always. */
export const PG_URL = process.env['TEST_DATABASE_URL'];

/** Runs one statement on the PostgreSQL test database outside any store (schema setup). */
export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const sqlite: TestDialect = {
  name: 'sqlite',
  async open() {
    const store = await openPreparedStore({ kind: 'sqlite', filename: ':memory:' });
    return { store, drop: () => store.close() };
  },
};

const postgres: TestDialect = {
  name: 'postgres',
  async open() {
    const schema = `roster_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create schema ${schema}`);
    let store: Store;
    try {
      store = await openPreparedStore({ kind: 'postgres', url: PG_URL ?? '', schema, poolSize: 4 });
    } catch (err) {
      // Leave no schema behind when the store cannot be opened.
      await adminQuery(`drop schema ${schema} cascade`);
      throw err;
    }
    return {
      store,
      drop: async () => {
        await store.close();
        await adminQuery(`drop schema ${schema} cascade`);
      },
    };
  },
};

export const DIALECTS: readonly TestDialect[] = PG_URL ? [sqlite, postgres] : [sqlite];
