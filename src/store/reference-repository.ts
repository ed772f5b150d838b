import { sql, type Kysely, type Transaction } from 'kysely';
import { refTable } from '../catalog/reference-data.js';
import type { RefTable, ScalarValue } from '../catalog/types.js';
import { fromDb, toDb } from './codec.js';
import type { Database, Store } from './database.js';

/** A reference-data row decoded by its table definition: fields by wire name, links by name -> id. */
export interface RefRow {
  readonly id: number;
  readonly fields: ReadonlyMap<string, ScalarValue | null>;
  readonly links: ReadonlyMap<string, number | null>;
}

function decode(def: RefTable, row: Record<string, unknown>): RefRow {
  return {
    id: Number(row['id']),
    fields: new Map(def.fields.map((f) => [f.name, fromDb(f.type, row[f.column])])),
    links: new Map((def.links ?? []).map((l) => [l.name, row[l.column] == null ? null : Number(row[l.column])])),
  };
}

const keyColumn = (def: RefTable): string => def.fields.find((f) => f.name === def.key)?.column ?? def.key;

/** The database, or the write transaction a request runs in. */
export type WriteDb = Kysely<Database> | Transaction<Database>;

interface TableCache {
  readonly byId: Map<number, RefRow>;
  readonly byKey: Map<string, RefRow>;
  loaded: boolean;
}

/**
 * Reference data is small and, through the API, only ever added to, so each process keeps
 * it in memory and reads through to the database on a miss. A row added by another process
 * (or the CLI) is found on first use.
 */
export class ReferenceRepository {
  private readonly caches = new Map<string, TableCache>();

  constructor(private readonly store: Store) {}

  private cache(table: string): TableCache {
    let c = this.caches.get(table);
    if (!c) {
      c = { byId: new Map(), byKey: new Map(), loaded: false };
      this.caches.set(table, c);
    }
    return c;
  }

  private remember(def: RefTable, row: RefRow): RefRow {
    const c = this.cache(def.table);
    c.byId.set(row.id, row);
    const key = row.fields.get(def.key);
    if (key !== null && key !== undefined) c.byKey.set(String(key), row);
    return row;
  }

  /** Loads the whole table once; later misses query single rows. */
  async all(table: string): Promise<RefRow[]> {
    const def = refTable(table);
    const c = this.cache(table);
    if (!c.loaded) {
      const rows = await this.store.db.selectFrom(table).selectAll().orderBy('id').execute();
      for (const r of rows) this.remember(def, decode(def, r));
      c.loaded = true;
    }
    return [...c.byId.values()].sort((a, b) => a.id - b.id);
  }

  /** Synchronous lookup for rendering; call `ensure` first. */
  cached(table: string, id: number): RefRow | undefined {
    return this.caches.get(table)?.byId.get(id);
  }

  async byId(table: string, id: number): Promise<RefRow | undefined> {
    const hit = this.cached(table, id);
    if (hit) return hit;
    const def = refTable(table);
    const row = await this.store.db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.remember(def, decode(def, row)) : undefined;
  }

  async byKey(table: string, key: string): Promise<RefRow | undefined> {
    const def = refTable(table);
    const hit = this.caches.get(table)?.byKey.get(key);
    if (hit) return hit;
    const row = await this.store.db.selectFrom(table).selectAll().where(keyColumn(def), '=', key).executeTakeFirst();
    return row ? this.remember(def, decode(def, row)) : undefined;
  }

  /** Makes sure every id (and every row those rows link to) is in the cache. */
  async ensure(table: string, ids: Iterable<number>): Promise<void> {
    const def = refTable(table);
    const missing = [...new Set(ids)].filter((id) => !this.cached(table, id));
    if (missing.length > 0) {
      const rows = await this.store.db.selectFrom(table).selectAll().where('id', 'in', missing).execute();
      for (const r of rows) this.remember(def, decode(def, r));
    }
    for (const link of def.links ?? []) {
      const linked: number[] = [];
      for (const id of ids) {
        const l = this.cached(table, id)?.links.get(link.name);
        if (typeof l === 'number') linked.push(l);
      }
      if (linked.length > 0) await this.ensure(link.target, linked);
    }
  }

  /**
   * Inside a write transaction: the id of the first row whose fields and links equal these
   * (an approval limit of the same amount and currency), or of a new row made by `create`.
   * Creators of one table are serialized (a transaction-scoped advisory lock on PostgreSQL;
   * SQLite runs one write transaction at a time), so concurrent requests naming the same new
   * row all find the one that the first created. The rows are read and written through `trx`
   * and never cached here: if the transaction rolls back, nothing of it remains.
   */
  async findOrCreateIn(
    trx: WriteDb,
    def: RefTable,
    match: { fields: ReadonlyMap<string, ScalarValue | null>; links: ReadonlyMap<string, number | null> },
    create: () => Promise<{ fields: ReadonlyMap<string, ScalarValue | null>; links: ReadonlyMap<string, number | null> }>,
  ): Promise<number> {
    if (this.store.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(hashtext(${`roster.find-or-create.${def.table}`}))`.execute(trx);
    }
    let q = trx.selectFrom(def.table).select('id');
    for (const [column, value] of Object.entries(this.encode(def, match.fields, match.links))) {
      q = value === null ? q.where(column, 'is', null) : q.where(column, '=', value);
    }
    const existing = await q.orderBy('id').executeTakeFirst();
    if (existing) return Number(existing['id']);
    const row = await create();
    const inserted = await trx
      .insertInto(def.table)
      .values(this.encode(def, row.fields, row.links))
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(inserted['id']);
  }

  /** Whether a row with this natural key exists, read through `trx` (uncommitted rows of the same write count). */
  async keyTakenIn(trx: WriteDb, def: RefTable, key: string): Promise<boolean> {
    const row = await trx.selectFrom(def.table).select('id').where(keyColumn(def), '=', key).executeTakeFirst();
    return row !== undefined;
  }

  private encode(
    def: RefTable,
    fields: ReadonlyMap<string, ScalarValue | null>,
    links: ReadonlyMap<string, number | null>,
  ): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const f of def.fields)
      if (fields.has(f.name)) values[f.column] = toDb(this.store.dialect, f.type, fields.get(f.name) ?? null);
    for (const l of def.links ?? []) if (links.has(l.name)) values[l.column] = links.get(l.name) ?? null;
    return values;
  }

  /**
   * Bulk insert for seeding a fresh table; the cache reloads on next use. Rows already there
   * are skipped: two servers starting at once on a fresh database both fill the defaults.
   */
  async insertMany(
    def: RefTable,
    rows: ReadonlyArray<{ fields: ReadonlyMap<string, ScalarValue | null>; links: ReadonlyMap<string, number | null> }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.store.db
      .insertInto(def.table)
      .values(rows.map((r) => this.encode(def, r.fields, r.links)))
      .onConflict((oc) => oc.doNothing())
      .execute();
    this.caches.delete(def.table);
  }

  async insert(
    def: RefTable,
    fields: ReadonlyMap<string, ScalarValue | null>,
    links: ReadonlyMap<string, number | null>,
  ): Promise<RefRow> {
    const values = this.encode(def, fields, links);
    const row = await this.store.db.insertInto(def.table).values(values).returningAll().executeTakeFirstOrThrow();
    return this.remember(def, decode(def, row));
  }

  /** Inserts or updates a row by natural key (seed data and fixtures). */
  async upsert(
    def: RefTable,
    fields: ReadonlyMap<string, ScalarValue | null>,
    links: ReadonlyMap<string, number | null>,
  ): Promise<RefRow> {
    const key = fields.get(def.key);
    const existing = key === null || key === undefined ? undefined : await this.byKey(def.table, String(key));
    if (!existing) return this.insert(def, fields, links);
    const values = this.encode(def, fields, links);
    const row = await this.store.db
      .updateTable(def.table)
      .set(values)
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.remember(def, decode(def, row));
  }

  async count(table: string): Promise<number> {
    const r = await this.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return r.n;
  }
}
