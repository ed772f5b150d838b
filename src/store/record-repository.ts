import { sql, type Expression, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { idCodecOf, type IdCodec } from '../catalog/ids.js';
import { indexCatalog } from '../catalog/lookup.js';
import { ownedBy } from '../catalog/registry.js';
import { membershipOwner, membershipTable, type ResourceDef } from '../catalog/resource.js';
import type { ChildrenElement, RecordId } from '../catalog/types.js';
import type { Database, Row, Store } from './database.js';
import type { JsonCarried } from './dialects/dialect.js';
import { caseless, comparedCaseless } from '../query/caseless.js';
import { BOOKMARK_EVERY, PageBookmarks } from './page-bookmarks.js';
import { PreparedQuery } from './prepared.js';
import { joinedName, recordCodec, type RecordCodec, type StoredRecord } from './record-codec.js';
import type { WriteDb } from './write-db.js';

/** The most values one JSON array of a child row may hold (PostgreSQL's limit on a function's arguments). */
const MAX_JSON_ARRAY = 100;

/** Filters and ordering compiled from a query string, applicable to any select on the resource's table. */
export type RecordQuery = <O>(qb: SelectQueryBuilder<Database, string, O>) => SelectQueryBuilder<Database, string, O>;

/**
 * Reads and writes the rows of one resource. Writes take the transaction they run in (`db`),
 * so everything one request writes commits or rolls back together.
 */
export class RecordRepository {
  readonly def: ResourceDef;
  private readonly codec: RecordCodec;
  private readonly byId: PreparedQuery;
  /** Full rows by a list of ids, compiled once per list length (a page has at most 50). */
  private readonly byIds = new Map<number, PreparedQuery>();
  private readonly byUnique = new Map<string, PreparedQuery>();
  private existsById: PreparedQuery | undefined;
  /** Where deep pages of id-ordered queries start. */
  private readonly bookmarks = new PageBookmarks();
  private readonly takenBy = new Map<string, PreparedQuery>();
  private readonly insertOf = new Map<string, PreparedQuery>();
  /** Each children element with the child's repository and the column naming the owner. */
  private readonly owned: ReadonlyArray<{ el: ChildrenElement; repo: RecordRepository; column: string }>;
  /** How ids of this resource are read (`bigint` ones as text). */
  private readonly ids: IdCodec;
  private readonly idSelected: ReturnType<RecordCodec['selected']>;
  /** The row's own columns as a select reads them. */
  private readonly plainColumns: ReadonlyArray<ReturnType<RecordCodec['selected']>>;
  /** What `selectFull` returns, in order, and how each value travels inside a JSON array. */
  private readonly outputs: ReadonlyArray<{ readonly name: string; readonly type: JsonCarried }>;

  constructor(
    private readonly store: Store,
    def: ResourceDef,
  ) {
    this.def = def;
    this.codec = recordCodec(def);
    this.ids = idCodecOf(def);
    this.idSelected = this.codec.selected(def.table, 'id');
    this.plainColumns = this.codec.columns.map((c) => this.codec.selected(def.table, c));
    this.byId = new PreparedQuery(store, (db) => this.selectFull(db).where(`${def.table}.id`, '=', 0));
    this.owned = indexCatalog(def).children.map((el) => {
      const { child, owner } = ownedBy(el);
      const repo = new RecordRepository(store, child);
      // json_build_array takes at most 100 arguments: fail at start, not on a child's first read.
      if (repo.outputs.length > MAX_JSON_ARRAY) {
        throw new Error(`${child.name} reads ${repo.outputs.length} columns; an owned child may read at most ${MAX_JSON_ARRAY}`);
      }
      return { el, repo, column: owner.column };
    });
    const { columns, types, joins, membershipKinds } = this.codec;
    this.outputs = [
      ...columns.map((name) => ({ name, type: types.get(name) ?? 'string' })),
      ...joins.flatMap((join) => {
        const target = recordCodec(join.target).types;
        return join.columns.map((c) => ({ name: joinedName(join.element.column, c), type: target.get(c) ?? 'string' }));
      }),
      ...(membershipKinds.size > 0 ? [{ name: 'memberships', type: 'text' as const }] : []),
      ...(this.owned.length > 0 ? [{ name: 'children', type: 'json' as const }] : []),
    ];
  }

  /** Decodes rows read by `selectFull`, their owned children (in the `children` column) with them. */
  private records(rows: readonly Row[]): StoredRecord[] {
    return rows.map((row) => this.decode(row));
  }

  private decode(row: Row): StoredRecord {
    const record = this.codec.decode(row);
    if (this.owned.length === 0) return record;
    // One JSON array per children element; SQLite sends the text, PostgreSQL's driver parses it.
    const raw = row['children'];
    const lists: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
    const children = new Map<string, readonly StoredRecord[]>();
    this.owned.forEach(({ el, repo }, i) => {
      const items: unknown = Array.isArray(lists) ? lists[i] : undefined;
      children.set(el.name, Array.isArray(items) ? items.map((values) => repo.decode(repo.rowOf(values))) : []);
    });
    return { ...record, children };
  }

  /** A child row carried as a JSON array (`selectOwned`) back as the row `selectFull` returns. */
  private rowOf(values: unknown): Row {
    const row: Row = {};
    if (!Array.isArray(values)) return row;
    this.outputs.forEach((o, i) => {
      row[o.name] = values[i];
    });
    return row;
  }

  /**
   * This (child) resource's rows that the owner row `ownerId` owns through `column`, as one
   * JSON array of arrays (`outputs` in order; id order): a column of the owner's own query, so
   * a show or a page reads every child in the same statement as its owners.
   */
  private selectOwned(db: WriteDb, column: string, ownerId: Expression<unknown>): RawBuilder<unknown> {
    const { dialect } = this.store;
    const alias = `${this.def.table}__rows`;
    const rows = this.selectFull(db).where(sql.ref(`${this.def.table}.${column}`), '=', ownerId);
    const array = dialect.jsonArray(this.outputs.map((o) => dialect.jsonValue(sql.ref(`${alias}.${o.name}`), o.type)));
    return sql`(select ${dialect.jsonArrayAgg(array, sql.ref(`${alias}.id`))} from (${rows}) as ${sql.table(alias)})`;
  }

  /**
   * A full row in one query: its columns, its memberships as `kind:ref_id,…` (ordered; both
   * dialects take ORDER BY inside the aggregate), the rows of uncached resources it points at,
   * and its owned children as JSON (`children`: one array per children element, see `selectOwned`).
   * `outputs` lists what it returns.
   */
  private selectFull(db: WriteDb) {
    const { table } = this.def;
    let q = db.selectFrom(table).select(this.codec.columns.map((c) => this.codec.selected(table, c)));
    if (this.codec.membershipKinds.size > 0) {
      const agg = this.store.dialect.stringAgg;
      const owner = sql.ref(`m.${membershipOwner(this.def)}`);
      q = q.select(
        sql<
          string | null
        >`(select ${agg}(m.kind || ':' || m.ref_id, ',' order by m.kind, m.position) from ${sql.table(membershipTable(this.def))} m where ${owner} = ${sql.ref(`${table}.id`)})`.as(
          'memberships',
        ),
      );
    }
    for (const join of this.codec.joins) {
      const a = join.alias;
      q = q
        .leftJoin(`${join.target.table} as ${a}`, `${a}.id`, `${table}.${join.element.column}`)
        .select(join.columns.map((c) => recordCodec(join.target).selected(a, c, joinedName(join.element.column, c))));
    }
    if (this.owned.length > 0) {
      const id = sql.ref(`${table}.id`);
      const lists = this.owned.map(({ repo, column }) => this.store.dialect.jsonValue(repo.selectOwned(db, column, id), 'json'));
      q = q.select(this.store.dialect.jsonArray(lists).as('children'));
    }
    return q;
  }

  async findById(id: RecordId): Promise<StoredRecord | undefined> {
    const [found] = this.records(await this.byId.execute([id]));
    return found;
  }

  /**
   * The rows whose unique `column` holds `value` (one at most; text in any case, query/caseless.ts);
   * one prepared query per column.
   */
  async findByUnique(column: string, value: unknown): Promise<StoredRecord[]> {
    let q = this.byUnique.get(column);
    if (!q) {
      q = new PreparedQuery(this.store, (db) => this.selectFull(db).where(this.matches(`${this.def.table}.${column}`, '')));
      this.byUnique.set(column, q);
    }
    return this.records(await q.execute([value]));
  }

  /**
   * `column = value`, ignoring case where the column holds text, as Coupa's collation does
   * (query/caseless.ts); the `lower()` index migration 10 made serves it.
   */
  private matches(column: string, value: unknown): RawBuilder<boolean> {
    const bare = column.slice(column.lastIndexOf('.') + 1);
    const type = this.codec.types.get(bare);
    return type !== undefined && comparedCaseless(type)
      ? sql<boolean>`${caseless(sql.ref(column))} = ${this.store.dialect.foldValue(sql`${value}`)}`
      : sql<boolean>`${sql.ref(column)} = ${value}`;
  }

  /** A page of rows; `query` adds the filters and ordering compiled from the query string. */
  async findPage(query: RecordQuery, offset: number, limit: number, keyset?: 'asc' | 'desc'): Promise<StoredRecord[]> {
    return this.findByIds(await this.pickPage(query, offset, limit, keyset));
  }

  /**
   * The ids of a page, in its order. A page is picked by id first: skipping `offset` rows then
   * reads ids only, and the wide rows and their memberships are read for the page alone (or not
   * at all, for records whose rendering is cached). `keyset` (the query's id order) says the
   * query orders by id alone and its conditions read only this table's columns: deep pages then
   * start from a bookmark.
   */
  async pickPage(query: RecordQuery, offset: number, limit: number, keyset?: 'asc' | 'desc'): Promise<RecordId[]> {
    const ids = query(this.store.db.selectFrom(this.def.table).select(this.idSelected));
    let start = offset;
    let picked = ids;
    const blocks = keyset ? Math.floor(offset / BOOKMARK_EVERY) : 0;
    if (keyset && blocks > 0) {
      // Deep in an id ordering: from the last bookmark known before the offset (store/page-bookmarks.ts).
      const { sql: text, parameters } = ids.compile();
      const marks = this.bookmarks.known(`${text}\n${JSON.stringify(parameters)}`, blocks, (after, count) =>
        this.readBookmarks(query, keyset, after, count),
      );
      const used = Math.min(blocks, marks.length);
      const mark = marks[used - 1];
      if (mark !== undefined) {
        start = offset - used * BOOKMARK_EVERY;
        picked = ids.where(`${this.def.table}.id`, keyset === 'asc' ? '>' : '<', mark);
      }
    }
    const rows = await picked.offset(start).limit(limit).execute();
    return rows.map((r) => this.ids.fromDb(r['id']));
  }

  /**
   * `count` bookmarks of the id-ordered `query` after the bookmark `after` (from the start when
   * undefined). Each is found from the one before (`id > previous`, skipping
   * `BOOKMARK_EVERY - 1` rows), so finding them steps over the rows once, as the plain OFFSET
   * query would. The dialect's `bookmarksAStatement` steps go in one recursive query (`WITH
   * RECURSIVE`, the same SQL on both databases): on PostgreSQL 100, 10 round trips at a million
   * rows instead of 1,000; on SQLite one, so the process answers other requests between them.
   * (A window function numbering every row took 20 times longer on SQLite at a million rows.)
   */
  private async readBookmarks(
    query: RecordQuery,
    dir: 'asc' | 'desc',
    after: RecordId | undefined,
    count: number,
  ): Promise<RecordId[]> {
    const marks: RecordId[] = [];
    const column = `${this.def.table}.id`;
    const op = dir === 'asc' ? '>' : '<';
    const ids = query(this.store.db.selectFrom(this.def.table).select(this.idSelected));
    const step = (q: typeof ids) => q.offset(BOOKMARK_EVERY - 1).limit(1);
    // The previous step's bookmark, read back in the id column's type (a bigint one is selected as text).
    const previous =
      this.codec.types.get('id') === 'bigint' ? sql`cast(${sql.ref('roster_marks.id')} as bigint)` : sql.ref('roster_marks.id');
    const next = step(ids.where(column, op, previous));
    let last = after;
    while (marks.length < count) {
      const first = step(last === undefined ? ids : ids.where(column, op, last));
      const wanted = Math.min(this.store.dialect.bookmarksAStatement, count - marks.length);
      const { rows } = await sql<Row>`with recursive roster_marks(n, id) as (
        select 1, (${first})
        union all
        select n + 1, (${next}) from roster_marks where id is not null and n < ${wanted}
      ) select id from roster_marks where id is not null order by n`.execute(this.store.db);
      for (const row of rows) marks.push(this.ids.fromDb(row['id']));
      if (rows.length < wanted) break;
      last = marks[marks.length - 1];
    }
    return marks;
  }

  /** How many bookmarks this table's queries have: for tests. */
  bookmarksKnown(): number {
    return this.bookmarks.size;
  }

  /** Settles when the bookmarks being found are: for tests. */
  bookmarksFound(): Promise<void> {
    return this.bookmarks.found();
  }

  /** The table changed (through any process): deep pages find their bookmarks again. */
  forgetBookmarks(): void {
    this.bookmarks.forget();
  }

  /** Full rows (as `findById`) of `ids`, in their order; ids with no row are left out. */
  async findByIds(ids: readonly RecordId[]): Promise<StoredRecord[]> {
    if (ids.length === 0) return [];
    let full = this.byIds.get(ids.length);
    if (!full) {
      const placeholders = ids.map(() => 0);
      full = new PreparedQuery(this.store, (db) => this.selectFull(db).where(`${this.def.table}.id`, 'in', placeholders));
      // A page has at most a few hundred; other lengths are only compiled anew.
      if (this.byIds.size < 300) this.byIds.set(ids.length, full);
    }
    const rows = await full.execute(ids);
    const byId = new Map(rows.map((r) => [this.ids.fromDb(r['id']), r]));
    return this.records(
      ids.flatMap((id): Row[] => {
        const row = byId.get(id);
        return row ? [row] : [];
      }),
    );
  }

  /** Rows by id, their own columns only (no memberships, nothing joined): for caches and nested renderings. */
  async findPlain(ids: readonly RecordId[], db: WriteDb = this.store.db): Promise<StoredRecord[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const rows = await db.selectFrom(this.def.table).select(this.plainColumns).where('id', 'in', unique).execute();
    return rows.map((r) => this.codec.decode(r, new Map()));
  }

  /** The row whose natural key is `key`, own columns only. */
  async findPlainByKey(key: string, db: WriteDb = this.store.db): Promise<StoredRecord | undefined> {
    const row = await db
      .selectFrom(this.def.table)
      .select(this.plainColumns)
      .where(this.matches(indexCatalog(this.def).key.column, key))
      .executeTakeFirst();
    return row ? this.codec.decode(row, new Map()) : undefined;
  }

  async exists(id: RecordId): Promise<boolean> {
    // Every reference a write names is checked: compiled once.
    this.existsById ??= new PreparedQuery(this.store, (db) => db.selectFrom(this.def.table).select('id').where('id', '=', 0));
    return (await this.existsById.execute([id])).length > 0;
  }

  /**
   * The id of the row whose natural key is `key`, or, with `element` (one of the definition's
   * `alternateKeys`, or another unique scalar: a user's `employee-number`), whose that element
   * is. Coupa keeps alternate keys unique, Roster's fixtures need not: then the oldest row, as
   * Rails' `find_by` returns one.
   */
  async idByKey(key: string, element?: string): Promise<RecordId | undefined> {
    const index = indexCatalog(this.def);
    const el =
      element === undefined
        ? index.key
        : (index.alternateKeys.find((e) => e.name === element) ??
          index.scalars.find((e) => e.name === element && e.unique === true));
    if (!el) throw new Error(`${this.def.name} has no alternate or unique key ${element ?? ''}`);
    const query = this.store.db.selectFrom(this.def.table).select(this.idSelected).where(this.matches(el.column, key));
    // The natural key is unique: no ordering, so the planner keeps to its lower(key) index (migration 10).
    const row = await (element === undefined ? query : query.orderBy('id')).executeTakeFirst();
    return row ? this.ids.fromDb(row['id']) : undefined;
  }

  /** The stored (hashed) value of secret element `name` of row `id`: null when unset, undefined when there is no such row. */
  async secret(id: RecordId, name: string): Promise<string | null | undefined> {
    const el = this.def.elements.find((e) => e.kind === 'secret' && e.name === name);
    if (el?.kind !== 'secret') throw new Error(`${this.def.name} has no secret ${name}`);
    const row = await this.store.db.selectFrom(this.def.table).select(el.column).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const value = row[el.column];
    return typeof value === 'string' && value !== '' ? value : null;
  }

  /**
   * Which of the given unique column values already belong to another row (than `exceptId`),
   * read in the running write's transaction. Each shape is compiled once: every write asks.
   */
  async taken(values: ReadonlyMap<string, string>, exceptId?: RecordId): Promise<Set<string>> {
    const taken = new Set<string>();
    for (const [column, value] of values) {
      const shape = `${column}:${exceptId === undefined ? 'any' : 'other'}`;
      let q = this.takenBy.get(shape);
      if (!q) {
        q = new PreparedQuery(this.store, (db) => {
          const match = db.selectFrom(this.def.table).select('id').where(this.matches(column, ''));
          return exceptId === undefined ? match : match.where('id', '<>', 0);
        });
        this.takenBy.set(shape, q);
      }
      if ((await q.execute(exceptId === undefined ? [value] : [value, exceptId])).length > 0) taken.add(column);
    }
    return taken;
  }

  /** Inserts one row in `db`, the write's transaction; its new id. One compiled statement per set of columns. */
  async insert(db: WriteDb, columns: Row): Promise<RecordId> {
    const names = Object.keys(columns);
    const shape = names.join(',');
    let q = this.insertOf.get(shape);
    if (!q) {
      const placeholders = Object.fromEntries(names.map((name) => [name, null]));
      q = new PreparedQuery(this.store, (d) => d.insertInto(this.def.table).values(placeholders).returning(this.idSelected));
      // A resource's writes come in a few shapes; a runaway mix is only compiled anew.
      if (this.insertOf.size < 100) this.insertOf.set(shape, q);
    }
    const [row] = await q.executeIn(
      db,
      names.map((name) => columns[name]),
    );
    if (!row) throw new Error(`Inserting into ${this.def.table} returned no id`);
    return this.ids.fromDb(row['id']);
  }

  /** Rows for a fresh table (seed data): one statement; rows whose key is already there are skipped. */
  async insertMany(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.store.db
      .insertInto(this.def.table)
      .values([...rows])
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /**
   * Sets columns of row `id`; false when no row has that id (any more: a concurrent delete won).
   * With no columns to set it only says whether the row is there.
   */
  async update(db: WriteDb, id: RecordId, columns: Row): Promise<boolean> {
    if (Object.keys(columns).length === 0) {
      return (await db.selectFrom(this.def.table).select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
    }
    const result = await db.updateTable(this.def.table).set(columns).where('id', '=', id).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Removes one row (an owned child whose owner's write sent `_destroy`, or a DELETE); its own
   * children go with it. False when there was no such row: of concurrent deletes, one is true.
   */
  async remove(db: WriteDb, id: RecordId): Promise<boolean> {
    const result = await db.deleteFrom(this.def.table).where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Replaces one collection of a row, keeping the client's order. */
  async setMemberships(db: WriteDb, ownerId: RecordId, kind: string, refIds: readonly RecordId[]): Promise<void> {
    const table = membershipTable(this.def);
    const owner = membershipOwner(this.def);
    await db.deleteFrom(table).where(owner, '=', ownerId).where('kind', '=', kind).execute();
    const unique = [...new Set(refIds)];
    if (unique.length === 0) return;
    await db
      .insertInto(table)
      .values(unique.map((refId, position) => ({ [owner]: ownerId, kind, ref_id: refId, position })))
      .execute();
  }

  /**
   * Inside a write transaction: the id of the first row whose columns equal `match` (an
   * approval limit of the same amount and currency), or of a new row made by `create`.
   * Creators of one table are serialized (`StoreDialect.serialize`), so concurrent requests naming the same new
   * row all find the one the first created. Everything goes through `trx`: if the transaction
   * rolls back, nothing of it remains.
   */
  async findOrCreate(trx: WriteDb, match: Row, create: () => Promise<Row>): Promise<RecordId> {
    await this.store.dialect.serialize(trx, `roster.find-or-create.${this.def.table}`);
    let q = trx.selectFrom(this.def.table).select(this.idSelected);
    for (const [column, value] of Object.entries(match)) {
      q = value === null ? q.where(column, 'is', null) : q.where(this.matches(column, value));
    }
    const existing = await q.orderBy('id').executeTakeFirst();
    if (existing) return this.ids.fromDb(existing['id']);
    return this.insert(trx, await create());
  }

  /** Whether a row with this natural key exists, read through `trx` (uncommitted rows of the same write count). */
  async keyTaken(trx: WriteDb, key: string): Promise<boolean> {
    const row = await trx
      .selectFrom(this.def.table)
      .select('id')
      .where(this.matches(indexCatalog(this.def).key.column, key))
      .executeTakeFirst();
    return row !== undefined;
  }

  /** How many rows the query's conditions match (its paging and ordering aside). */
  async countMatching(query: RecordQuery): Promise<number> {
    // Counted over the filtered ids, unordered (an ORDER BY would only make the count sort).
    const matching = query(this.store.db.selectFrom(this.def.table).select('id')).clearOrderBy();
    const r = await this.store.db
      .selectFrom(matching.as('matching'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return r.n;
  }

  async count(): Promise<number> {
    const r = await this.store.db
      .selectFrom(this.def.table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return r.n;
  }
}
