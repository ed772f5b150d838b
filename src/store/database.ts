import { createRequire } from 'node:module';
import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import type pg from 'pg';
import { dialectNamed, type StoreDialect } from './dialects/index.js';
import { DECIMAL_KEY_FUNCTION, decimalKey } from './dialects/sqlite.js';
import { Chunks } from './chunks.js';
import { ServerClock } from './server-clock.js';
import type { WriteDb } from './write-db.js';

/** Tables are derived from the catalogues at run time, so rows are typed loosely here and mapped by the repositories. */
export type Row = Record<string, unknown>;
export type Database = Record<string, Row>;

export type { DialectName } from './dialects/index.js';

export type StoreOptions =
  | {
      readonly kind: 'sqlite';
      readonly filename: string;
      /** A serialized database (`Database#serialize()`) to open as an in-memory copy instead of the file. */
      readonly image?: Buffer;
    }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly schema?: string;
      readonly poolSize?: number;
      /** A pool to share instead of opening one (its owner ends it; closing this store does not). */
      readonly pool?: pg.Pool;
    };

export interface Store {
  /** The database; inside `chunk`, in that async context, the chunk's transaction (store/chunks.ts). */
  readonly db: Kysely<Database>;
  /** Runs `body` as one transaction that every query of this store in its async context joins. */
  chunk<T>(body: () => Promise<T>): Promise<T>;
  /** One write transaction, or a savepoint of the running chunk. */
  transact<T>(body: (trx: WriteDb) => Promise<T>): Promise<T>;
  /** Whether this async context runs inside a chunk (a prepared statement must then use its connection). */
  readonly inChunk: boolean;
  /** Runs `effect` now, or once the running chunk has committed. */
  afterCommit(effect: () => Promise<void>): Promise<void>;
  /** Everything that differs between the databases (store/dialects/). */
  readonly dialect: StoreDialect;
  /** The server's time (`PUT /_roster/clock`): what every stored timestamp and time-decided outcome reads. */
  readonly clock: ServerClock;
  /** The raw handles, for bulk work (seeding) that would be too slow through Kysely. */
  readonly sqlite?: Sqlite.Database;
  readonly pool?: pg.Pool;
  close(): Promise<void>;
}

let pgModule: typeof pg | undefined;

/**
 * The `pg` driver, loaded on first use: an embedded (SQLite) instance never pays for loading
 * it, which was a tenth of start-up (docs/performance.md). Loaded with `require` so opening a
 * store stays synchronous; the bundle leaves it to node_modules.
 */
export function pgDriver(): typeof pg {
  if (!pgModule) {
    pgModule = createRequire(import.meta.url)('pg') as typeof pg;
    // Return int8 (COUNT, bigserial) as numbers, but never a rounded one: past 2^53 (a CSO id
    // not read as text) the exact string; numeric as its exact string.
    pgModule.types.setTypeParser(pgModule.types.builtins.INT8, (v) => {
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v;
    });
    // A date is a calendar day, not an instant: keep PostgreSQL's `YYYY-MM-DD` text rather than a local-midnight Date.
    pgModule.types.setTypeParser(pgModule.types.builtins.DATE, (v) => v);
  }
  return pgModule;
}

/**
 * Kysely prepares every query anew, and preparing costs more than running a point lookup.
 * Queries are built from a fixed set of shapes, so prepared statements are kept by SQL text.
 * Reuse is safe: better-sqlite3 runs each statement to completion synchronously.
 */
function withStatementCache(sqlite: Sqlite.Database, max = 1000): SqliteDatabase {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/** A store over `db`: its queries join a running chunk (store/chunks.ts). */
function storeOver(
  db: Kysely<Database>,
  rest: Omit<Store, 'db' | 'chunk' | 'transact' | 'inChunk' | 'afterCommit' | 'clock'>,
): Store {
  const chunks = new Chunks(db);
  return {
    ...rest,
    clock: new ServerClock(),
    get db() {
      return chunks.db;
    },
    get inChunk() {
      return chunks.active;
    },
    chunk: (body) => chunks.chunk(body),
    transact: (body) => chunks.transact(body),
    afterCommit: (effect) => chunks.afterCommit(effect),
  };
}

export function openStore(options: StoreOptions): Store {
  if (options.kind === 'sqlite') {
    const sqlite = options.image ? new Sqlite(options.image) : new Sqlite(options.filename);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Refreshes planner statistics that have gone stale, cheaply (SQLite's advice for long-lived connections).
    sqlite.pragma('analysis_limit = 1000');
    sqlite.pragma('optimize = 0x10002');
    sqlite.function(DECIMAL_KEY_FUNCTION, { deterministic: true }, decimalKey);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return storeOver(db, { dialect: dialectNamed('sqlite'), sqlite, close: () => db.destroy() });
  }
  const pgLib = pgDriver();
  if (options.pool) {
    const shared = new Kysely<Database>({ dialect: new PostgresDialect({ pool: options.pool }) });
    return storeOver(shared, { dialect: dialectNamed('postgres'), pool: options.pool, close: () => Promise.resolve() });
  }
  const pool = new pgLib.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // Idle connections never keep a finished process (a CLI command, a test worker) alive.
    allowExitOnIdle: true,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return storeOver(db, { dialect: dialectNamed('postgres'), pool, close: () => db.destroy() });
}

/** `postgres://` and `postgresql://` URLs select PostgreSQL; anything else is SQLite. */
export function storeOptionsFor(databaseUrl: string | undefined, sqliteFile: string): StoreOptions {
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) return { kind: 'postgres', url: databaseUrl };
  return { kind: 'sqlite', filename: sqliteFile };
}
