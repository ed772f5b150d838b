import { createHash } from 'node:crypto';
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database, Row, Store } from './database.js';

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

  constructor(
    private readonly store: Store,
    private readonly build: (db: Kysely<Database>) => Compilable<R>,
  ) {}

  async execute(parameters: readonly unknown[]): Promise<R[]> {
    const compiled = this.compiledFor(parameters);
    const { pool } = this.store;
    // Inside a chunk the query must run on the chunk's connection, to see its writes.
    if (pool && !this.store.inChunk) {
      this.name ??= `roster_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 16)}`;
      const result = await pool.query<R>({ name: this.name, text: compiled.sql, values: [...parameters] });
      return result.rows;
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
