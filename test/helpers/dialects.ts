import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/database.js';
import { openPreparedStore } from '../../src/store/prepare.js';

export interface TestDialect {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, migrated, seeded database; `drop` releases it. */
  open(): Promise<{ store: Store; drop: () => Promise<void> }>;
}

/** PostgreSQL runs when TEST_DATABASE_URL is set (.ci/run sets it); SQLite always. */
export const PG_URL = process.env['TEST_DATABASE_URL'];

/**
 * Schemas this run creates start with this prefix; the global teardown drops them
 * (test/helpers/global-build.ts sets ROSTER_TEST_RUN before the workers start).
 */
export const RUN_SCHEMA_PREFIX = `roster_test_${process.env['ROSTER_TEST_RUN'] ?? 'solo'}_`;

let admin: Promise<pg.Client> | undefined;

/**
 * Runs SQL on the PostgreSQL test database outside any store (schema setup and resets), on one
 * connection per worker: connecting costs more than a reset. Its socket is unreferenced, so
 * it never keeps a finished worker alive.
 */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string): Promise<R[]> {
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    (client as unknown as { connection: { stream: { unref(): void } } }).connection.stream.unref();
    client.on('error', () => {
      admin = undefined;
    });
    return client;
  })();
  const client = await admin;
  return (await client.query<R>(text)).rows;
}

/**
 * A fresh schema of this run (`RUN_SCHEMA_PREFIX`, so the teardown drops it if a test does
 * not) on the PostgreSQL test database, and a database URL whose every connection works in
 * it, for a process or CLI command under test; `drop` removes it.
 */
export async function scratchSchema(label: string): Promise<{ schema: string; url: string; drop: () => Promise<void> }> {
  const schema = `${RUN_SCHEMA_PREFIX}${label}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  const url = new URL(PG_URL ?? '');
  url.searchParams.set('options', `-c search_path=${schema}`);
  const drop = async (): Promise<void> => {
    await adminQuery(`drop schema if exists ${schema} cascade`);
  };
  return { schema, url: url.toString(), drop };
}

/**
 * Migrating and seeding a database costs ~50 ms on SQLite and ~750 ms on PostgreSQL, far more
 * than most tests. So each worker prepares one database once, and every test gets a copy:
 * on SQLite an in-memory database opened from the prepared one's serialized image (~0.1 ms);
 * on PostgreSQL the worker's schema, reset to its seeded rows (every row deleted, the seeded
 * rows copied back from a side schema, every id sequence set past them). Each test still gets its own store and app.
 */
let sqliteImage: Promise<Buffer> | undefined;

async function prepareSqliteImage(): Promise<Buffer> {
  const store = await openPreparedStore({ kind: 'sqlite', filename: ':memory:' });
  try {
    if (!store.sqlite) throw new Error('SQLite store without its handle');
    return store.sqlite.serialize();
  } finally {
    await store.close();
  }
}

const sqlite: TestDialect = {
  name: 'sqlite',
  async open() {
    sqliteImage ??= prepareSqliteImage();
    const store = openStore({ kind: 'sqlite', filename: ':memory:', image: await sqliteImage });
    return { store, drop: () => store.close() };
  },
};

/** A schema migrated and seeded for this worker, and the SQL that puts it back as it was. */
interface WorkerSchema {
  readonly schema: string;
  readonly reset: string;
}

let workerSchema: Promise<WorkerSchema> | undefined;
/** The worker schema is handed to one test at a time; a second open meanwhile gets a schema of its own. */
let workerSchemaInUse = false;
let workerPool: pg.Pool | undefined;

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function prepareWorkerSchema(): Promise<WorkerSchema> {
  const schema = `${RUN_SCHEMA_PREFIX}w${randomBytes(4).toString('hex')}`;
  const seeded = `${schema}_seed`;
  await adminQuery(`create schema ${schema}; create schema ${seeded}`);
  const store = await openPreparedStore({ kind: 'postgres', url: PG_URL ?? '', schema, poolSize: 1 });
  await store.close();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string; sequence: string | null }>(
      `select t.table_name,
              case when exists (select 1 from information_schema.columns c
                                 where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'id')
                   then pg_get_serial_sequence(format('%I.%I', t.table_schema, t.table_name), 'id') end as sequence
         from information_schema.tables t
        where t.table_schema = $1 and t.table_type = 'BASE TABLE' and t.table_name not like 'kysely_migration%'
        order by t.table_name`,
      [schema],
    );
    const tables = rows.map((r) => ({
      name: `${ident(schema)}.${ident(r.table_name)}`,
      copy: `${ident(seeded)}.${ident(r.table_name)}`,
      sequence: r.sequence,
    }));
    for (const t of tables) await client.query(`create table ${t.copy} as select * from ${t.name}`);
    // Where the migration started a sequence past 1 (CSO's 19-digit ids, catalog/ids.ts), a reset
    // keeps that start: each sequence's next value now is the least it is reset to.
    const starts = new Map<string, string>();
    for (const t of tables) {
      if (t.sequence === null) continue;
      const { rows: seq } = await client.query<{ next: string }>(
        `select (case when is_called then last_value + 1 else last_value end)::text as next from ${t.sequence}`,
      );
      starts.set(t.sequence, seq[0]?.next ?? '1');
    }
    // Reference rows point at users (created-by) and users at reference rows, so no table order
    // satisfies the foreign keys: the reset runs with them off (`replica`), as a restore does.
    // DELETE costs a fraction of TRUNCATE on tables of a few rows.
    const reset = [
      'set session_replication_role = replica',
      ...tables.map((t) => `delete from ${t.name}`),
      ...tables.map((t) => `insert into ${t.name} select * from ${t.copy}`),
      ...tables.flatMap((t) =>
        t.sequence === null
          ? []
          : [
              `select setval('${t.sequence}', greatest(coalesce((select max(id) from ${t.name}), 0) + 1, ${starts.get(t.sequence) ?? '1'}), false)`,
            ],
      ),
      'set session_replication_role = origin',
    ].join(';\n');
    return { schema, reset };
  } finally {
    await client.end();
  }
}

/** A schema of its own, migrated and seeded, dropped with the store: for a test that holds two databases at once. */
async function openOwnSchema(): Promise<{ store: Store; drop: () => Promise<void> }> {
  const schema = `${RUN_SCHEMA_PREFIX}${randomBytes(6).toString('hex')}`;
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
}

const postgres: TestDialect = {
  name: 'postgres',
  async open() {
    if (workerSchemaInUse) return openOwnSchema();
    workerSchemaInUse = true;
    try {
      workerSchema ??= prepareWorkerSchema();
      const { schema, reset } = await workerSchema;
      await adminQuery(reset);
      // One pool per worker, kept across tests: connecting costs more than a test. Each test
      // still gets a store of its own over it (per-store caches start empty) and its own app.
      workerPool ??= openStore({ kind: 'postgres', url: PG_URL ?? '', schema, poolSize: 4 }).pool;
      return {
        store: openStore({ kind: 'postgres', url: PG_URL ?? '', pool: workerPool }),
        drop: () => {
          workerSchemaInUse = false;
          return Promise.resolve();
        },
      };
    } catch (err) {
      workerSchemaInUse = false;
      throw err;
    }
  },
};

export const DIALECTS: readonly TestDialect[] = PG_URL ? [sqlite, postgres] : [sqlite];
