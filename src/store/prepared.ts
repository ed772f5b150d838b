import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * A hot query compiled once and run with fresh parameters. Building and compiling a Kysely
 * query costs more than running a point lookup, so the few queries every request makes
 * (API key, user by id) skip it. `build` receives placeholder values in parameter order.
 */
export class PreparedQuery<R> {
  private compiled: CompiledQuery<R> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly build: (db: Kysely<Database>) => Compilable<R>,
  ) {}

  async execute(parameters: readonly unknown[]): Promise<R[]> {
    this.compiled ??= this.build(this.db).compile();
    if (this.compiled.parameters.length !== parameters.length) {
      throw new Error(`Prepared query takes ${this.compiled.parameters.length} parameters, got ${parameters.length}`);
    }
    const result = await this.db.executeQuery<R>({ ...this.compiled, parameters });
    return result.rows;
  }
}
