import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Sqlite from 'better-sqlite3';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ScalarValue } from '../../catalog/types.js';

/**
 * The bulk-loading pieces the seeders share. They bypass Kysely and the service layer on
 * purpose: a million rows through per-row validation would take many minutes. SQLite gets
 * prepared multi-row INSERTs inside the caller's transaction, PostgreSQL COPY FROM STDIN.
 */

/** A stored value as the driver takes it (booleans already 0/1 on SQLite). */
export type DbValue = ScalarValue | null;

/** Same value for every row: written into the statement (or the COPY line) once instead of bound per row. */
export interface ConstantColumn {
  readonly name: string;
  readonly constant: DbValue;
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const columnList = (names: readonly string[]): string => names.map(quoteIdent).join(', ');

// --- SQLite -------------------------------------------------------------------------------

function sqliteLiteral(v: DbValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return `'${v.replaceAll("'", "''")}'`;
}

/** SQLite's bound-parameter ceiling is 32766; a few dozen rows per statement already amortise the call. */
export const SQLITE_ROWS_PER_STATEMENT = 64;

export interface SqliteAppenderOptions {
  /** Columns with the same value in every row, written into the statement. */
  readonly constants?: readonly ConstantColumn[];
  readonly rowsPerStatement?: number;
  /**
   * `INSERT OR FAIL`: a constraint violation still fails the statement (and the caller's
   * transaction), but SQLite need not be able to undo the statement alone. With foreign-key
   * checks off (`withoutForeignKeyChecks`) nothing else asks for that, so SQLite keeps no
   * statement journal: before, every multi-row INSERT inside the batch copied each page it
   * touched to a temporary file first (four in five of a worker seed's writes).
   */
  readonly orFail?: boolean;
}

/**
 * Appends rows to one SQLite table with prepared multi-row INSERTs, inside the caller's
 * transaction (better-sqlite3 is synchronous). Rows are queued with `add` and written by
 * `write`, so the caller decides the order of tables: a child row only after its owner's.
 */
export class SqliteAppender {
  /** Rows written so far. */
  written = 0;
  private values: DbValue[] = [];
  private readonly statements = new Map<number, Sqlite.Statement>();
  private readonly head: string;
  private readonly rowSql: string;
  private readonly width: number;
  private readonly rowsPerStatement: number;

  constructor(
    private readonly db: Sqlite.Database,
    table: string,
    columns: readonly string[],
    options: SqliteAppenderOptions = {},
  ) {
    const constants = options.constants ?? [];
    this.rowsPerStatement = options.rowsPerStatement ?? SQLITE_ROWS_PER_STATEMENT;
    this.width = columns.length;
    const verb = options.orFail === true ? 'insert or fail' : 'insert';
    this.head = `${verb} into ${quoteIdent(table)} (${columnList([...columns, ...constants.map((c) => c.name)])}) values `;
    this.rowSql = `(${[...columns.map(() => '?'), ...constants.map((c) => sqliteLiteral(c.constant))].join(', ')})`;
  }

  /** Rows queued and not yet written. */
  get pending(): number {
    return this.values.length / this.width;
  }

  /** Queues one row: its values in the order of the constructor's columns. */
  add(row: readonly DbValue[]): void {
    for (const v of row) this.values.push(v);
  }

  /** Writes the queued rows in whole statements, and with `all` the remainder too. */
  write(all: boolean): void {
    const per = this.rowsPerStatement * this.width;
    let at = 0;
    while (this.values.length - at >= per || (all && this.values.length > at)) {
      const chunk = this.values.slice(at, at + per);
      const rows = chunk.length / this.width;
      this.insert(rows).run(chunk);
      this.written += rows;
      at += chunk.length;
    }
    if (at > 0) this.values = this.values.slice(at);
  }

  private insert(rows: number): Sqlite.Statement {
    let st = this.statements.get(rows);
    if (!st) {
      st = this.db.prepare(this.head + Array<string>(rows).fill(this.rowSql).join(', '));
      this.statements.set(rows, st);
    }
    return st;
  }
}

/** The next id an AUTOINCREMENT table hands out: past both its sequence (ids are never reused) and its rows. */
export function sqliteNextId(db: Sqlite.Database, table: string): () => number {
  const name = sqliteLiteral(table);
  const st = db.prepare<[], { id: number }>(
    `select max(coalesce((select seq from sqlite_sequence where name = ${name}), 0), ` +
      `coalesce((select max(id) from ${quoteIdent(table)}), 0)) as id`,
  );
  return () => (st.get()?.id ?? 0) + 1;
}

/**
 * Runs `load` (which opens its own transactions) with foreign-key checks off on this
 * connection, as replica mode does on PostgreSQL (`skipForeignKeyChecks`): every id a seeder
 * writes was just read from its table or handed out by it, and reference rows are never
 * deleted. The checks cost little themselves, but they make SQLite keep a statement journal
 * for every multi-row INSERT (see `SqliteAppenderOptions.orFail`). The pragma is a no-op
 * inside a transaction, so this must be called outside one.
 */
export function withoutForeignKeyChecks<T>(db: Sqlite.Database, load: () => T): T {
  const on = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    return load();
  } finally {
    db.pragma(`foreign_keys = ${on ? 'ON' : 'OFF'}`);
  }
}

/** Runs `load` with a bigger page cache, which keeps the indexes' hot pages in memory during a bulk load. */
export function withLargeCache<T>(db: Sqlite.Database, load: () => T): T {
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -262144');
  try {
    return load();
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
  }
}

/**
 * Full statistics for `tables`: with STAT4 histograms the planner chooses between an index
 * range and a scan in id order (`updated-at[gt]=<yesterday>` wants the index, `<three years
 * ago>` the scan). The connection's analysis_limit would skip the STAT4 samples, so it is
 * lifted meanwhile. A statement whose plan reads a sample is prepared again for every new
 * binding; indexes looked up by one exact value gain nothing from samples, so
 * `pointLookupIndexes` lose theirs.
 */
export function analyzeSqlite(db: Sqlite.Database, tables: readonly string[], pointLookupIndexes: readonly string[]): void {
  const limit = db.pragma('analysis_limit', { simple: true }) as number;
  db.pragma('analysis_limit = 0');
  db.exec(tables.map((t) => `analyze ${quoteIdent(t)}`).join('; '));
  db.pragma(`analysis_limit = ${limit}`);
  if (pointLookupIndexes.length > 0) {
    const names = pointLookupIndexes.map(() => '?').join(', ');
    db.prepare(`delete from sqlite_stat4 where idx in (${names})`).run(...pointLookupIndexes);
  }
  db.exec('analyze sqlite_schema');
}

// --- PostgreSQL ---------------------------------------------------------------------------

const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format. */
export function copyText(v: DbValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : v;
}

/** The tail of every COPY line for `constants`, each after a tab. */
export const copySuffix = (constants: readonly ConstantColumn[]): string =>
  constants.map((c) => `\t${copyText(c.constant)}`).join('');

/** Rows are sent in chunks of about this many characters, so Node builds the next while PostgreSQL parses one. */
export const COPY_CHUNK = 256 * 1024;

/** One row's COPY line: its values in column order, constants (`copySuffix`) after. */
export function copyLine(values: readonly DbValue[], suffix = ''): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += `${i === 0 ? '' : '\t'}${copyText(values[i] ?? null)}`;
  return `${line}${suffix}\n`;
}

/** COPY lines gathered into chunks of about COPY_CHUNK characters, for a COPY after the owners' one. */
export class CopyChunks {
  readonly chunks: string[] = [];
  /** Lines added so far. */
  rows = 0;
  private text = '';

  /** Adds one row's line: its values in column order, constants (`copySuffix`) after. */
  add(values: readonly DbValue[], suffix = ''): void {
    this.text += copyLine(values, suffix);
    this.rows++;
    if (this.text.length >= COPY_CHUNK) {
      this.chunks.push(this.text);
      this.text = '';
    }
  }

  /** Every chunk, the last partial one included; the buffer starts empty again. */
  take(): string[] {
    if (this.text !== '') this.chunks.push(this.text);
    this.text = '';
    return this.chunks.splice(0);
  }
}

/** COPY FROM STDIN of `source`'s text (whole lines) into `table`'s `columns`. */
export async function copyInto(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  source: Iterable<string>,
): Promise<void> {
  await pipeline(Readable.from(source), client.query(copyFrom(`copy ${quoteIdent(table)} (${columnList(columns)}) from stdin`)));
}

/** `count` ids reserved from `table`'s sequence: a server inserting meanwhile never collides with them. */
export async function reserveIds(client: pg.PoolClient, table: string, count: number): Promise<number[]> {
  const reserved = await client.query<{ id: number }>(
    'select nextval(pg_get_serial_sequence($1, $2)) as id from generate_series(1, $3)',
    [quoteIdent(table), 'id', count],
  );
  return reserved.rows.map((r) => r.id);
}

/**
 * Per-row foreign-key triggers more than double the load time (115 s instead of 50 s for a
 * million users here). Every id a seeder writes was just read from its table or reserved
 * from a sequence, and reference rows are never deleted, so where the role may set it the
 * batch runs in replica mode, which skips those triggers. Elsewhere the checks run.
 * Inside a transaction; returns whether replica mode is on.
 */
export async function skipForeignKeyChecks(client: pg.PoolClient): Promise<boolean> {
  await client.query('savepoint seed_replica');
  try {
    await client.query('set local session_replication_role = replica');
    await client.query('release savepoint seed_replica');
    return true;
  } catch {
    await client.query('rollback to savepoint seed_replica');
    return false;
  }
}

/**
 * Runs batches on one pooled connection, each in its own transaction, in replica mode while
 * the role allows it (asked once, at the first batch).
 */
export class PgBatches {
  private replica = true;

  constructor(readonly client: pg.PoolClient) {}

  async run(batch: () => Promise<void>): Promise<void> {
    const { client } = this;
    await client.query('begin');
    try {
      if (this.replica) this.replica = await skipForeignKeyChecks(client);
      await batch();
      await client.query('commit');
    } catch (err) {
      await client.query('rollback');
      throw err;
    }
  }
}
