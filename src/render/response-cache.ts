import type { RecordId } from '../catalog/types.js';

/** A row a rendering shows something of: its resource's name and its id. */
export interface RowName {
  readonly resource: string;
  readonly id: RecordId;
}

interface Entry {
  readonly bytes: Buffer;
  /** What the entry holds in memory, in bytes: its bytes, its key, and its share of the indexes (an estimate). */
  readonly cost: number;
  /** The rows the bytes show something of (the record itself first): its evictions' keys. */
  readonly rows: readonly RowName[];
  /** Read since it was stored or last spared: the next time it is the oldest, it is spared once more. */
  used: boolean;
}

/** Evictions remembered for `put`'s check; a read older than the oldest of them is not stored. */
const EVICTION_LOG = 4096;

/** Keys the doorkeeper remembers (`admits`): a few times what a full cache of small answers holds. */
const DOORKEEPER = 100_000;

/** What a table-wide eviction is logged as. */
const WHOLE_TABLE = '*';

const rowKey = (resource: string, id: RecordId | string): string => `${resource}#${id}`;

/**
 * Rendered responses, as the bytes sent, per record, wire form and view (issue 23): a show or a
 * page assembles its answer from these without reading or rendering the record again. Bounded by
 * bytes (the oldest not read since goes first: second chance); every entry names the rows its bytes show (the record,
 * the rows it nests, its owned children), and a write to any of them evicts it:
 *
 * - `evictRows(resource, ids)`: a record's own write (and its owner's, for a served child);
 * - `evictTable(resource)`: a cached reference table changed (a department renamed): every
 *   entry that shows any of its rows;
 * - `clear()`: everything (a reset, a restore, another SQLite connection's commit).
 *
 * A read races the writes that finish while it runs: `mark()` is taken before the read, and
 * `put` stores nothing when a row the bytes show was evicted since (or when the mark is older
 * than the last `EVICTION_LOG` evictions), so stale bytes never outlive the eviction that
 * should have removed them. Pure memory: what evicts is the record engine's (domain/engine.ts).
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  /** Row key (`users#7`) → the entry keys whose bytes show that row. */
  private readonly byRow = new Map<string, Set<string>>();
  /** Resource → its row keys in `byRow`, for table-wide evictions. */
  private readonly byTable = new Map<string, Set<string>>();
  private size = 0;
  /** Keys missed once and not stored yet (the doorkeeper of `admits`); emptied when full. */
  private readonly missedOnce = new Set<string>();
  /** Evictions so far; `log[n % EVICTION_LOG]` is the row key (or `resource#*`) of the n-th. */
  private evictions = 0;
  private readonly log: string[] = new Array<string>(EVICTION_LOG);
  hits = 0;
  misses = 0;

  /** `capacity` in bytes: the rendered responses, their keys and their index entries (estimated). */
  constructor(readonly capacity: number) {}

  /** The stored bytes, or undefined (counted as a miss). */
  get(key: string): Buffer | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Second chance (CLOCK) rather than strict LRU: a hit only sets a flag, where moving the
    // entry to the end of the Map cost more than the rest of the lookup.
    entry.used = true;
    return entry.bytes;
  }

  /**
   * Whether bytes missed under `key` are worth storing: only on their second miss (a doorkeeper,
   * as TinyLFU's). Reads at random over a million records then store (and evict, and index)
   * nothing, where every one would have pushed out an entry that was about to be read again;
   * a suite reading its fixtures stores each on its second read.
   */
  admits(key: string): boolean {
    if (this.missedOnce.delete(key)) return true;
    if (this.missedOnce.size >= DOORKEEPER) this.missedOnce.clear();
    this.missedOnce.add(key);
    return false;
  }

  /** A point to give `put`: take it before reading what the bytes will be rendered from. */
  mark(): number {
    return this.evictions;
  }

  /**
   * Stores `bytes` under `key` unless a row they show was evicted after `mark` (the read may
   * have seen it before its write), or they alone exceed a quarter of the capacity.
   */
  put(key: string, bytes: Buffer, rows: readonly RowName[], mark: number): void {
    if (bytes.length > this.capacity / 4 || this.evictedSince(mark, rows)) return;
    this.drop(key);
    // About 100 bytes an entry and 120 a row it names (Map and Set slots, the row key, the RowName).
    const cost = bytes.length + 2 * key.length + 100 + 120 * rows.length;
    this.entries.set(key, { bytes, cost, rows, used: false });
    this.size += cost;
    for (const row of rows) {
      const name = rowKey(row.resource, row.id);
      let keys = this.byRow.get(name);
      if (!keys) {
        keys = new Set();
        this.byRow.set(name, keys);
        let table = this.byTable.get(row.resource);
        if (!table) {
          table = new Set();
          this.byTable.set(row.resource, table);
        }
        table.add(name);
      }
      keys.add(key);
    }
    // Oldest first (Map keeps insertion order); one read since it was stored or spared spares it once more.
    for (const [oldest, entry] of this.entries) {
      if (this.size <= this.capacity) break;
      if (entry.used) {
        entry.used = false;
        this.entries.delete(oldest);
        this.entries.set(oldest, entry);
      } else {
        this.drop(oldest);
      }
    }
  }

  private evictedSince(mark: number, rows: readonly RowName[]): boolean {
    if (mark === this.evictions) return false;
    if (this.evictions - mark > EVICTION_LOG) return true;
    const names = new Set(rows.flatMap((r) => [rowKey(r.resource, r.id), rowKey(r.resource, WHOLE_TABLE)]));
    for (let n = mark; n < this.evictions; n++) if (names.has(this.log[n % EVICTION_LOG] ?? '')) return true;
    return false;
  }

  private logEviction(name: string): void {
    this.log[this.evictions % EVICTION_LOG] = name;
    this.evictions++;
  }

  /** Evicts every entry showing one of these rows of `resource`. */
  evictRows(resource: string, ids: Iterable<RecordId>): void {
    for (const id of ids) {
      const name = rowKey(resource, id);
      this.logEviction(name);
      this.evictShowing(name);
    }
  }

  /** Evicts every entry showing any row of `resource`. */
  evictTable(resource: string): void {
    this.logEviction(rowKey(resource, WHOLE_TABLE));
    for (const name of this.byTable.get(resource) ?? []) this.evictShowing(name);
  }

  /** Evicts everything. */
  clear(): void {
    // Every mark taken before now is refused: as many evictions as the log holds.
    this.evictions += EVICTION_LOG + 1;
    this.missedOnce.clear();
    this.entries.clear();
    this.byRow.clear();
    this.byTable.clear();
    this.size = 0;
  }

  private evictShowing(name: string): void {
    const keys = this.byRow.get(name);
    if (!keys) return;
    for (const key of [...keys]) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.size -= entry.cost;
    for (const row of entry.rows) {
      const name = rowKey(row.resource, row.id);
      const keys = this.byRow.get(name);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size > 0) continue;
      this.byRow.delete(name);
      const table = this.byTable.get(row.resource);
      table?.delete(name);
      if (table?.size === 0) this.byTable.delete(row.resource);
    }
  }

  /** Entries and what they hold (`bytes`: their estimated cost, as the capacity counts it): for tests and the bench. */
  stats(): { readonly entries: number; readonly bytes: number; readonly hits: number; readonly misses: number } {
    return { entries: this.entries.size, bytes: this.size, hits: this.hits, misses: this.misses };
  }
}
