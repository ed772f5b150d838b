import { createHash } from 'node:crypto';
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type Sqlite from 'better-sqlite3';
import type { Database, Row, Store } from './database.js';
import { rowMaker, type RowMaker } from './row-maker.js';

/**
 * A hot query compiled once and run with fresh parameters. Building and compiling a Kysely
 * query costs more than running a point lookup, so the few queries every request makes
 * (API key, user by id, a page's users) skip it. `build` receives placeholder values in
 * parameter order.
 *
 * On PostgreSQL the query also runs as a named prepared statement: planning the user query
 * (five joins, a hundred columns) takes longer than executing it, and a named statement is
 * planned once per connection.
 */
export class PreparedQuery<R extends Row = Row> {
  private compiled: CompiledQuery<R> | undefined;
  private name: string | undefined;
  /** The statement in raw mode, on SQLite (null: it returns no rows, run through Kysely). */
  private raw: Sqlite.Statement | null | undefined;
  private maker: RowMaker | undefined;

  constructor(
    private readonly store: Store,
    private readonly build: (db: Kysely<Database>) => Compilable<R>,
  ) {}

  /**
   * Runs it and returns its rows. Outside a transaction the rows are read by position
   * (better-sqlite3's raw mode, `pg`'s array mode) and made by a compiled row maker
   * (store/row-maker.ts); the same rows as Kysely's, at less cost.
   */
  async execute(parameters: readonly unknown[]): Promise<R[]> {
    const compiled = this.compiledFor(parameters);
    const { pool, sqlite } = this.store;
    // Inside a chunk the query must run on the chunk's connection, to see its writes.
    if (pool && !this.store.inChunk) {
      this.name ??= `roster_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 16)}`;
      const result = await pool.query<unknown[]>({
        name: this.name,
        text: compiled.sql,
        values: [...parameters],
        rowMode: 'array',
      });
      const make = (this.maker ??= rowMaker(result.fields.map((f) => f.name)));
      return result.rows.map(make) as R[];
    }
    // SQLite has one connection: while a transaction is open on it (a write's, a chunk's), the
    // query waits its turn through Kysely, as every other does, and never reads what is uncommitted.
    if (sqlite && !sqlite.inTransaction) {
      if (this.raw === undefined) this.raw = rawStatement(sqlite, compiled.sql);
      if (this.raw) {
        const make = (this.maker ??= rowMaker(this.raw.columns().map((c) => c.name)));
        return (this.raw.all(parameters) as unknown[][]).map(make) as R[];
      }
    }
    return this.executeIn(this.store.db, parameters);
  }

  /** Runs it in `db`, a write's transaction (compiled once, as `execute`; never a named statement). */
  async executeIn(db: Pick<Kysely<Database>, 'executeQuery'>, parameters: readonly unknown[]): Promise<R[]> {
    return (await db.executeQuery<R>({ ...this.compiledFor(parameters), parameters })).rows;
  }

  /** The query, compiled on first use; throws when `parameters` are not as many as its placeholders. */
  private compiledFor(parameters: readonly unknown[]): CompiledQuery<R> {
    this.compiled ??= this.build(this.store.db).compile();
    if (this.compiled.parameters.length !== parameters.length) {
      throw new Error(`Prepared query takes ${this.compiled.parameters.length} parameters, got ${parameters.length}`);
    }
    return this.compiled;
  }
}

/** `sql` prepared in raw mode (rows as arrays), or null for a statement that returns no rows. */
function rawStatement(sqlite: Sqlite.Database, sql: string): Sqlite.Statement | null {
  const statement = sqlite.prepare(sql);
  return statement.reader ? statement.raw(true) : null;
}
