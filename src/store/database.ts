import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

/** Tables are derived from the catalogues at run time, so rows are typed loosely here and mapped by the repositories. */
export type Row = Record<string, unknown>;
export type Database = Record<string, Row>;

export type DialectName = 'sqlite' | 'postgres';

export type StoreOptions =
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly poolSize?: number };

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

// Return int8 (COUNT, bigserial) as numbers and numeric as its exact string.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openStore(options: StoreOptions): Store {
  if (options.kind === 'sqlite') {
    const sqlite = new Sqlite(options.filename);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** `postgres://` and `postgresql://` URLs select PostgreSQL; anything else is SQLite. */
export function storeOptionsFor(databaseUrl: string | undefined, sqliteFile: string): StoreOptions {
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) return { kind: 'postgres', url: databaseUrl };
  return { kind: 'sqlite', filename: sqliteFile };
}
