import { AsyncLocalStorage } from 'node:async_hooks';
import type { ControlledTransaction, Kysely } from 'kysely';
import type { Database } from './database.js';
import type { WriteDb } from './write-db.js';

/** The chunk an async context runs in: which store's, and its transaction. */
interface Chunk {
  readonly owner: object;
  readonly trx: ControlledTransaction<Database>;
  /** What waits for the commit (telling other processes a cached table changed). */
  readonly afterCommit: Array<() => Promise<void>>;
}

const current = new AsyncLocalStorage<Chunk>();

/**
 * Many writes in one transaction, each still applied or refused on its own: `chunk(body)` opens
 * a transaction that every query `body` makes through the store joins (`db` is it, in that async
 * context only), and a write transaction inside it (`transact`) is a savepoint, rolled back
 * alone when its write is refused. Committing many rows at once is what makes a CSV load fast
 * (docs/performance.md); a crash before the commit loses the chunk whole, and the loader's marks
 * go with it, so a resumed load redoes exactly those rows.
 *
 * Other async contexts never see the chunk: on PostgreSQL they use other connections; on SQLite
 * (one connection) their queries wait until it commits, so no request's write joins a chunk.
 */
export class Chunks {
  constructor(private readonly base: Kysely<Database>) {}

  private mine(): Chunk | undefined {
    const chunk = current.getStore();
    return chunk?.owner === this ? chunk : undefined;
  }

  /** The running chunk's transaction in this async context, else the database. */
  get db(): Kysely<Database> {
    return this.mine()?.trx ?? this.base;
  }

  /** Whether this async context runs inside a chunk of this store. */
  get active(): boolean {
    return this.mine() !== undefined;
  }

  /** Runs `body` inside one transaction and commits it; anything `body` throws rolls it all back. */
  async chunk<T>(body: () => Promise<T>): Promise<T> {
    if (this.active) return body();
    const trx = await this.base.startTransaction().execute();
    const afterCommit: Array<() => Promise<void>> = [];
    let result: T;
    try {
      result = await current.run({ owner: this, trx, afterCommit }, body);
    } catch (err) {
      await trx.rollback().execute();
      throw err;
    }
    await trx.commit().execute();
    for (const run of afterCommit) await run();
    return result;
  }

  /** Runs `effect` now, or, inside a chunk, once the chunk has committed (never if it rolls back). */
  async afterCommit(effect: () => Promise<void>): Promise<void> {
    const chunk = this.mine();
    if (chunk) chunk.afterCommit.push(effect);
    else await effect();
  }

  /** One write transaction: its own, or a savepoint of the running chunk (released, or rolled back if `body` throws). */
  async transact<T>(body: (trx: WriteDb) => Promise<T>): Promise<T> {
    const chunk = this.mine();
    if (!chunk) return this.base.transaction().execute(body);
    // One name for every savepoint: they nest as a stack, and a fixed SQL text stays prepared.
    const name = 'roster_write';
    const trx = await chunk.trx.savepoint(name).execute();
    let result: T;
    try {
      result = await body(trx);
    } catch (err) {
      await trx.rollbackToSavepoint(name).execute();
      throw err;
    }
    await trx.releaseSavepoint(name).execute();
    return result;
  }
}
