import type { Store } from './database.js';
import type { WriteDb } from './write-db.js';

/** What became of one CSV row. */
export type RowOutcome = 'created' | 'updated' | 'failed';

/**
 * One mark per CSV row a load has applied, written with the record it wrote (or its upload
 * error) in the row's savepoint, so the mark commits exactly when the row does. A load resumed
 * after a crash skips the rows marked, so each row is applied once, and counts its results
 * from the marks.
 */
export class LoadRowRepository {
  constructor(private readonly store: Store) {}

  async mark(trx: WriteDb, sourceId: number, row: number, outcome: RowOutcome): Promise<void> {
    await trx.insertInto('data_file_rows').values({ source_id: sourceId, row, outcome }).execute();
  }

  /** The outcome of every row of load `sourceId` applied so far, by row number. */
  async outcomes(sourceId: number): Promise<Map<number, RowOutcome>> {
    const rows = await this.store.db
      .selectFrom('data_file_rows')
      .select(['row', 'outcome'])
      .where('source_id', '=', sourceId)
      .execute();
    return new Map(rows.map((r) => [Number(r['row']), String(r['outcome']) as RowOutcome]));
  }
}
