import type { RecordId } from '../catalog/types.js';

/**
 * A bookmark is kept at every this many rows of an ordering. Issue 23 asked for every 10,000th;
 * at 1,000 a page at any offset skips at most 999 rows (tens of microseconds, not the
 * milliseconds 9,999 cost on SQLite), for 1,000 ids a query at a million rows
 * (docs/performance.md).
 */
export const BOOKMARK_EVERY = 1_000;

/** Queries whose bookmarks one table keeps; past it, the oldest goes (a client pages through a few). */
const MAX_QUERIES = 64;

/**
 * Reads `count` more bookmarks of a query, the first after `after` (from the start when
 * undefined); fewer when its rows end sooner.
 */
export type ReadBookmarks = (after: RecordId | undefined, count: number) => Promise<RecordId[]>;

/**
 * Where deep pages of an id-ordered query start (issue 23): the id at every
 * `BOOKMARK_EVERY`-th position, so `?offset=900000` skips to the 900th bookmark with
 * `id > bookmark` and counts the last few hundred rows only, instead of stepping over 900,000.
 * Coupa's offset semantics are unchanged: the rows are the plain query's rows.
 *
 * A page never waits for them: it uses the bookmarks known, and those missing are found in the
 * background, one task per query at a time, continuing from the last one known. Valid until
 * the table changes: every write to it (through any process: the change feed) calls `forget`.
 * Only queries whose conditions read the table's own columns use bookmarks
 * (store/record-repository.ts), so no other table's write can move their rows.
 */
export class PageBookmarks {
  /**
   * Query text → `marks[j]`: the id at position `(j + 1) * BOOKMARK_EVERY - 1`; `all` when the
   * query has no more.
   */
  private readonly lists = new Map<string, { readonly marks: readonly RecordId[]; readonly all: boolean }>();
  /** The tasks finding more bookmarks, by query text. */
  private readonly finding = new Map<string, Promise<void>>();
  private generation = 0;

  /**
   * The bookmarks of `query` known now (the first `wanted` are what a page needs); when fewer
   * are known, more are found in the background with `read`.
   */
  known(query: string, wanted: number, read: ReadBookmarks): readonly RecordId[] {
    const entry = this.lists.get(query);
    const marks = entry?.marks ?? [];
    if (entry?.all === true || marks.length >= wanted || this.finding.has(query)) return marks;
    const before = this.generation;
    const task = read(marks[marks.length - 1], wanted - marks.length)
      .then((more) => {
        // A write that finished while they were read may have moved them: not kept.
        if (before !== this.generation) return;
        this.lists.delete(query);
        if (this.lists.size >= MAX_QUERIES) {
          const [oldest] = this.lists.keys();
          if (oldest !== undefined) this.lists.delete(oldest);
        }
        this.lists.set(query, { marks: [...marks, ...more], all: more.length < wanted - marks.length });
      })
      // A store closed meanwhile: pages go on without them.
      .catch(() => undefined)
      .finally(() => this.finding.delete(query));
    this.finding.set(query, task);
    return marks;
  }

  /** How many bookmarks are known, over every query: for tests. */
  get size(): number {
    let n = 0;
    for (const entry of this.lists.values()) n += entry.marks.length;
    return n;
  }

  /** Settles when every search under way has: for tests. */
  async found(): Promise<void> {
    await Promise.all(this.finding.values());
  }

  /** The table changed: every bookmark is gone. */
  forget(): void {
    this.generation++;
    this.lists.clear();
  }
}
