import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import { indexCatalog } from '../catalog/lookup.js';
import { USER_SIMPLE_FIELDS, USERS } from '../catalog/users.js';
import type { ScalarValue } from '../catalog/types.js';
import { fromDb } from './codec.js';
import type { Database, DialectName, Row, Store } from './database.js';
import { PreparedQuery } from './prepared.js';

/** A user as stored, decoded by the catalogue. */
export interface StoredUser {
  readonly id: number;
  readonly values: ReadonlyMap<string, ScalarValue | null>;
  readonly refs: ReadonlyMap<string, number | null>;
  readonly composites: ReadonlyMap<string, ReadonlyMap<string, string | null> | null>;
  readonly collections: ReadonlyMap<string, readonly number[]>;
  /** Users this one points at (manager, created-by…), as far as they were read with it. */
  readonly related: ReadonlyMap<number, StoredUser>;
}

const index = indexCatalog(USERS);
const refElements = USERS.elements.filter((e) => e.kind === 'reference');
const compositeElements = USERS.elements.filter((e) => e.kind === 'composite');
const membershipKinds = new Set(USERS.elements.flatMap((e) => (e.kind === 'collection' ? [e.membership] : [])));

/** Columns read for a full user: everything but secrets. */
const READ_COLUMNS = [
  ...index.scalars.map((e) => e.column),
  ...refElements.map((e) => e.column),
  ...compositeElements.flatMap((e) => e.fields.map((f) => f.column)),
];

/** Associations to other users, rendered as Coupa's UserSimple: joined into the same query. */
const userRefElements = refElements.filter((e) => e.target === USERS.table && e.out);
const SIMPLE_SCALARS = index.scalars.filter((e) => (USER_SIMPLE_FIELDS as readonly string[]).includes(e.name));
const alias = (refColumn: string): string => `r_${refColumn}`;
const joinedName = (refColumn: string, column: string): string => `${refColumn}__${column}`;

/**
 * A user's collections ride along in the same row as `kind:ref_id,kind:ref_id`, ordered, so
 * a show or a page is one query. Both dialects take ORDER BY inside the aggregate.
 */
function membershipsColumn(dialect: DialectName) {
  const agg = dialect === 'postgres' ? sql.raw('string_agg') : sql.raw('group_concat');
  return sql<
    string | null
  >`(select ${agg}(m.kind || ':' || m.ref_id, ',' order by m.kind, m.position) from user_memberships m where m.user_id = users.id)`.as(
    'memberships',
  );
}

function parseMemberships(text: unknown): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (typeof text !== 'string' || text === '') return out;
  for (const pair of text.split(',')) {
    const at = pair.lastIndexOf(':');
    const kind = pair.slice(0, at);
    if (!membershipKinds.has(kind)) continue;
    const list = out.get(kind) ?? [];
    list.push(Number(pair.slice(at + 1)));
    out.set(kind, list);
  }
  return out;
}

function decode(
  row: Row,
  memberships: ReadonlyMap<string, readonly number[]> = parseMemberships(row['memberships']),
): StoredUser {
  const composites = new Map<string, ReadonlyMap<string, string | null> | null>();
  for (const el of compositeElements) {
    const parts = new Map(el.fields.map((f) => [f.name, row[f.column] == null ? null : String(row[f.column])]));
    composites.set(el.name, [...parts.values()].every((v) => v === null) ? null : parts);
  }
  const related = new Map<number, StoredUser>();
  for (const el of userRefElements) {
    const id = row[joinedName(el.column, 'id')];
    if (id == null || related.has(Number(id))) continue;
    related.set(Number(id), {
      id: Number(id),
      values: new Map(SIMPLE_SCALARS.map((e) => [e.name, fromDb(e.type, row[joinedName(el.column, e.column)])])),
      refs: new Map(),
      composites: new Map(),
      collections: new Map(),
      related: new Map(),
    });
  }
  return {
    id: Number(row['id']),
    values: new Map(index.scalars.map((e) => [e.name, fromDb(e.type, row[e.column])])),
    refs: new Map(refElements.map((e) => [e.name, row[e.column] == null ? null : Number(row[e.column])])),
    composites,
    collections: memberships,
    related,
  };
}

/** Filters and ordering compiled from a query string, applicable to any select on users. */
export type UserQuery = <O>(qb: SelectQueryBuilder<Database, 'users', O>) => SelectQueryBuilder<Database, 'users', O>;

type Db = Kysely<Database> | Transaction<Database>;

export class UserRepository {
  private readonly byId: PreparedQuery;
  private readonly simpleById: PreparedQuery;
  /** Full users by a list of ids, compiled once per list length (a page has at most 50). */
  private readonly byIds = new Map<number, PreparedQuery>();
  private readonly byUnique = new Map<string, PreparedQuery>();

  constructor(private readonly store: Store) {
    this.byId = new PreparedQuery(store, (db) => this.selectFull(db).where('users.id', '=', 0));
    this.simpleById = new PreparedQuery(store, (db) => db.selectFrom('users').select(READ_COLUMNS).where('id', '=', 0));
  }

  /** A full user in one query: its columns, its memberships, and the users it points at. */
  private selectFull(db: Db) {
    let q = db
      .selectFrom('users')
      .select(READ_COLUMNS.map((c) => `users.${c}`))
      .select(membershipsColumn(this.store.dialect));
    for (const el of userRefElements) {
      const a = alias(el.column);
      q = q
        .leftJoin(`users as ${a}`, `${a}.id`, `users.${el.column}`)
        .select(SIMPLE_SCALARS.map((e) => sql.ref(`${a}.${e.column}`).as(joinedName(el.column, e.column))));
    }
    return q;
  }

  async findById(id: number): Promise<StoredUser | undefined> {
    const [row] = await this.byId.execute([id]);
    return row ? decode(row) : undefined;
  }

  /** The user whose unique `column` holds `value`, if any; one prepared query per column. */
  async findByUnique(column: string, value: unknown): Promise<StoredUser[]> {
    let q = this.byUnique.get(column);
    if (!q) {
      q = new PreparedQuery(this.store, (db) => this.selectFull(db).where(`users.${column}`, '=', ''));
      this.byUnique.set(column, q);
    }
    return (await q.execute([value])).map((row) => decode(row));
  }

  /** A page of users; `query` adds the filters and ordering compiled from the query string. */
  async findPage(query: UserQuery, offset: number, limit: number): Promise<StoredUser[]> {
    // Pick the page by id first: skipping `offset` rows then reads ids only, and the wide rows
    // and their memberships are read for the page alone.
    const picked = await query(this.store.db.selectFrom('users').select('id')).offset(offset).limit(limit).execute();
    const ids = picked.map((r) => Number(r['id']));
    if (ids.length === 0) return [];
    let full = this.byIds.get(ids.length);
    if (!full) {
      const placeholders = ids.map(() => 0);
      full = new PreparedQuery(this.store, (db) => this.selectFull(db).where('users.id', 'in', placeholders));
      this.byIds.set(ids.length, full);
    }
    const rows = await full.execute(ids);
    const byId = new Map(rows.map((r) => [Number(r['id']), r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [decode(row)] : [];
    });
  }

  /** The few columns rendered when a user is nested (manager, created-by). */
  async findSimple(ids: readonly number[]): Promise<Map<number, StoredUser>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    // A show needs one related user (its manager) at most often; that lookup is precompiled.
    const rows =
      unique.length === 1
        ? await this.simpleById.execute(unique)
        : await this.store.db.selectFrom('users').select(READ_COLUMNS).where('id', 'in', unique).execute();
    return new Map(rows.map((r) => [Number(r['id']), decode(r, new Map())]));
  }

  async exists(id: number): Promise<boolean> {
    const row = await this.store.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  async idByLogin(login: string): Promise<number | undefined> {
    const row = await this.store.db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst();
    return row ? Number(row['id']) : undefined;
  }

  /** Which of the given unique column values already belong to another user. */
  async taken(db: Db, values: ReadonlyMap<string, string>, exceptId?: number): Promise<Set<string>> {
    const taken = new Set<string>();
    for (const [column, value] of values) {
      let q = db.selectFrom('users').select('id').where(column, '=', value);
      if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
      if (await q.executeTakeFirst()) taken.add(column);
    }
    return taken;
  }

  async insert(db: Db, columns: Row): Promise<number> {
    const row = await db.insertInto('users').values(columns).returning('id').executeTakeFirstOrThrow();
    return Number(row['id']);
  }

  async update(db: Db, id: number, columns: Row): Promise<void> {
    await db.updateTable('users').set(columns).where('id', '=', id).execute();
  }

  /** Replaces one collection of a user, keeping the client's order. */
  async setMemberships(db: Db, userId: number, kind: string, refIds: readonly number[]): Promise<void> {
    await db.deleteFrom('user_memberships').where('user_id', '=', userId).where('kind', '=', kind).execute();
    const unique = [...new Set(refIds)];
    if (unique.length === 0) return;
    await db
      .insertInto('user_memberships')
      .values(unique.map((refId, position) => ({ user_id: userId, kind, ref_id: refId, position })))
      .execute();
  }
}

/** The unique column a database error complains about, if it is a uniqueness violation on users. */
export function uniqueViolation(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown };
  if (e.code === '23505' && typeof e.constraint === 'string') {
    return /^users_(.+)_unique$/.exec(e.constraint)?.[1];
  }
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof e.message === 'string') {
    return /users\.(\w+)/.exec(e.message)?.[1];
  }
  return undefined;
}
