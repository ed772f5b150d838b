import { indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import { foldCase } from '../query/caseless.js';
import type { RecordId } from '../catalog/types.js';
import type { StoredRecord } from './record-codec.js';
import type { RecordRepository } from './record-repository.js';

/** How many links `ensure` follows from the rows it is given (see `ensureLinked`). */
const MAX_LINK_LEVELS = 8;

interface TableCache {
  readonly byId: Map<RecordId, StoredRecord>;
  /** By natural key, case folded (query/caseless.ts): `engineering` finds Engineering, as Coupa's collation does. */
  readonly byKey: Map<string, StoredRecord>;
}

/**
 * The rows of cached (reference-data) resources this process has rendered or resolved, by id
 * and natural key, read through to the database on a miss. A write through this process drops
 * the table's entries (`forget`); writes by other processes are noticed by `store/change-feed.ts`.
 */
export class RecordCaches {
  private readonly tables = new Map<string, TableCache>();

  /** `poll` drops what another process changed (see change-feed.ts); `refresh` runs it. */
  constructor(
    private readonly repository: (name: string) => RecordRepository,
    private readonly poll: () => void = () => undefined,
  ) {}

  /**
   * Drops what another process changed since the last call. Once per request, before its
   * first read through the caches: the check is cheap but not free (SQLite's data_version).
   */
  refresh(): void {
    this.poll();
  }

  private table(name: string): TableCache {
    let c = this.tables.get(name);
    if (!c) {
      c = { byId: new Map(), byKey: new Map() };
      this.tables.set(name, c);
    }
    return c;
  }

  private remember(name: string, row: StoredRecord): StoredRecord {
    const c = this.table(name);
    c.byId.set(row.id, row);
    const key = row.values.get(resourceNamed(name).key);
    if (key !== null && key !== undefined) c.byKey.set(foldCase(String(key)), row);
    return row;
  }

  /** Synchronous lookup for rendering; call `ensure` first. */
  cached(name: string, id: RecordId): StoredRecord | undefined {
    return this.tables.get(name)?.byId.get(id);
  }

  async byId(name: string, id: RecordId): Promise<StoredRecord | undefined> {
    const hit = this.cached(name, id);
    if (hit) return hit;
    const [row] = await this.repository(name).findPlain([id]);
    return row ? this.remember(name, row) : undefined;
  }

  async byKey(name: string, key: string): Promise<StoredRecord | undefined> {
    const hit = this.tables.get(name)?.byKey.get(foldCase(key));
    if (hit) return hit;
    const row = await this.repository(name).findPlainByKey(key);
    return row ? this.remember(name, row) : undefined;
  }

  /**
   * Makes sure every id, and every row a nested rendering of those rows shows, is in the cache.
   * Undefined when they all are already (no promise: most requests find them there), else a
   * promise settled once they are read. `level` counts the links followed from the first rows.
   */
  ensure(name: string, ids: Iterable<RecordId>, level = 0): Promise<void> | undefined {
    const list = [...new Set(ids)];
    const missing = list.filter((id) => !this.cached(name, id));
    return missing.length > 0 ? this.read(name, list, missing, level) : this.ensureLinked(name, list, level);
  }

  private async read(name: string, list: readonly RecordId[], missing: readonly RecordId[], level: number): Promise<void> {
    for (const row of await this.repository(name).findPlain(missing)) this.remember(name, row);
    await this.ensureLinked(name, list, level);
  }

  /**
   * `ensure` for the cached rows that rows `list` of `name` show nested (a currency's, an account
   * type's), up to `MAX_LINK_LEVELS` links away: a rendering nests four levels at most
   * (render/present-record.ts), and a loop of references (a lookup value saved as its own
   * parent) would otherwise be followed forever.
   */
  private ensureLinked(name: string, list: readonly RecordId[], level: number): Promise<void> | undefined {
    if (level >= MAX_LINK_LEVELS) return undefined;
    const def = resourceNamed(name);
    const pending: Array<Promise<void>> = [];
    for (const el of indexCatalog(def).references) {
      if (!def.simple.includes(el.name) || !resourceNamed(el.target).cached) continue;
      const linked: RecordId[] = [];
      for (const id of list) {
        const l = this.cached(name, id)?.refs.get(el.name);
        if (l != null) linked.push(l);
      }
      const reading = linked.length > 0 ? this.ensure(el.target, linked, level + 1) : undefined;
      if (reading) pending.push(reading);
    }
    return pending.length > 0 ? Promise.all(pending).then(() => undefined) : undefined;
  }

  /** Drops what is cached of a table (after a write to it), or of every table. */
  forget(name?: string): void {
    if (name === undefined) this.tables.clear();
    else this.tables.delete(name);
  }
}
