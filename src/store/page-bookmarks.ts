import type { RecordId } from '../catalog/types.js';

/**
 * A bookmark is kept at every this many rows of an ordering. Issue 23 asked for every 10,000th;
 * at 1,000 a page at any offset skips at most 999 rows (tens of microseconds, not the
 * milliseconds 9,999 cost on SQLite), for 1,000 ids a query at a million rows: one pass finds
 * them either way (docs/performance.md).
 */
export const BOOKMARK_EVERY = 1_000;

/** Queries whose bookmarks one table keeps; past it, the oldest goes (a client pages through a few). */
const MAX_QUERIES = 64;

/**
 * Where deep pages of an id-ordered query start (issue 23): the id at every
 * `BOOKMARK_EVERY`-th position, so `?offset=900000` skips to the 900th bookmark with
 * `id > bookmark` and counts the last few hundred rows only, instead of stepping over 900,000.
 * Coupa's offset semantics are unchanged: the rows are the plain query's rows.
 *
 * Valid until the table changes: every write to it (through any process: the change feed)
 * calls `forget`. Only queries whose conditions read the table's own columns use bookmarks
 * (store/record-repository.ts), so no other table's write can move their rows.
 */
export class PageBookmarks {
  /**
   * Query text → `marks[j]`: the id at position `(j + 1) * BOOKMARK_EVERY - 1`, as many as were
   * asked for; `all` when the query has no more.
   */
  private readonly lists = new Map<string, { readonly marks: readonly RecordId[]; readonly all: boolean }>();
  private generation = 0;

  /**
   * The first `wanted` bookmarks of `query` (fewer when its rows end sooner), read with `read`
   * (which returns at most `count`) when not known.
   */
  async marks(query: string, wanted: number, read: (count: number) => Promise<RecordId[]>): Promise<readonly RecordId[]> {
    const known = this.lists.get(query);
    if (known && (known.all || known.marks.length >= wanted)) return known.marks;
    const before = this.generation;
    const marks = await read(wanted);
    // A write that finished while they were read may have moved them: used once, not kept.
    if (before === this.generation) {
      this.lists.delete(query);
      if (this.lists.size >= MAX_QUERIES) {
        const [oldest] = this.lists.keys();
        if (oldest !== undefined) this.lists.delete(oldest);
      }
      this.lists.set(query, { marks, all: marks.length < wanted });
    }
    return marks;
  }

  /** The table changed: every bookmark is gone. */
  forget(): void {
    this.generation++;
    this.lists.clear();
  }
}
