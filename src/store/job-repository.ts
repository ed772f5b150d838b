import { sql } from 'kysely';
import type { Store } from './database.js';
import type { WriteDb } from './write-db.js';

/** A job a process claimed: the work of one `kind` on one row (`data_file_load` of data file source 7). */
export interface ClaimedJob {
  readonly id: number;
  readonly kind: string;
  readonly subjectId: number;
  /** How many times it has been claimed, this claim included: more than 1 after a crash. */
  readonly attempts: number;
}

/**
 * Work that outlives a request, kept in the database so any process on it may do it: a job is
 * `pending`, then `running` under a lease (until `lease_until`, by `claimed_by`), then `done`.
 * A process that dies mid-job leaves its lease to run out, and another claims the job again.
 */
export class JobRepository {
  constructor(private readonly store: Store) {}

  /** Adds a pending job, inside the transaction that creates its subject. */
  async enqueue(trx: WriteDb, kind: string, subjectId: number): Promise<void> {
    await trx.insertInto('jobs').values({ kind, subject_id: subjectId, state: 'pending', attempts: 0 }).execute();
  }

  /**
   * Claims the oldest job of these kinds that is pending, or running with a lease run out, for
   * `worker` until `leaseMs` from now. One statement: on PostgreSQL the row is locked with SKIP
   * LOCKED (`dialect.claimLock`), on SQLite the statement holds the write lock, so of several
   * processes exactly one gets each job.
   */
  async claim(kinds: readonly string[], worker: string, leaseMs: number): Promise<ClaimedJob | undefined> {
    const now = new Date();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const kindList = sql.join(kinds.map((k) => sql`${k}`));
    const { rows } = await sql<{ id: unknown; kind: unknown; subject_id: unknown; attempts: unknown }>`
      update jobs set state = 'running', lease_until = ${until}, claimed_by = ${worker}, attempts = attempts + 1
      where id = (
        select id from jobs
        where kind in (${kindList})
          and (state = 'pending' or (state = 'running' and lease_until < ${now.toISOString()}))
        order by id limit 1 ${this.store.dialect.claimLock}
      )
      returning id, kind, subject_id, attempts`.execute(this.store.db);
    const [row] = rows;
    return row
      ? { id: Number(row.id), kind: String(row.kind), subjectId: Number(row.subject_id), attempts: Number(row.attempts) }
      : undefined;
  }

  /** Extends `worker`'s lease on job `id`; false when it is no longer `worker`'s (its lease ran out and another took it). */
  async renew(id: number, worker: string, leaseMs: number): Promise<boolean> {
    const until = new Date(Date.now() + leaseMs).toISOString();
    const result = await this.store.db
      .updateTable('jobs')
      .set({ lease_until: until })
      .where('id', '=', id)
      .where('claimed_by', '=', worker)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Marks `worker`'s job `id` done, inside the transaction that records its result. */
  async finish(trx: WriteDb, id: number, worker: string): Promise<void> {
    await trx
      .updateTable('jobs')
      .set({ state: 'done', lease_until: null })
      .where('id', '=', id)
      .where('claimed_by', '=', worker)
      .execute();
  }
}
