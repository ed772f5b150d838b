import type { Transaction } from 'kysely';
import { humanize, indexCatalog } from '../catalog/lookup.js';
import type { CollectionElement, ReferenceElement, ScalarType, ScalarValue } from '../catalog/types.js';
import { USERS } from '../catalog/users.js';
import { compileQuery } from '../query/compile.js';
import type { ParsedQuery } from '../query/filter.js';
import { parseQuery, parseViewQuery, type Parsed, type QueryResource } from '../query/parse.js';
import { querySchema } from '../query/schema.js';
import type { View } from '../query/view.js';
import { associatedIds, USER_SHAPE, type PresentLookups } from '../render/present-user.js';
import { nowIso, toDb } from '../store/codec.js';
import type { Database, Row, Store } from '../store/database.js';
import type { ReferenceRepository, WriteDb } from '../store/reference-repository.js';
import { uniqueViolation, type StoredUser, type UserRepository } from '../store/user-repository.js';
import type { Actor } from './actor.js';
import { RosterError } from './errors.js';
import { hashPassword } from './passwords.js';
import { ReferenceResolver, type Resolved } from './reference-resolver.js';
import { parseInput, type Document, type ParsedInput } from './user-input.js';
import { validateUser } from './user-rules.js';

const index = indexCatalog(USERS);

const notFound = (id: string): RosterError => new RosterError('not_found', `Couldn't find User with 'id'=${id}`);

/** Ids arrive from the path as text; anything but a positive integer names no user (Rails' message quotes it as sent). */
export function userIdFrom(raw: string): number {
  const id = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound(raw);
  return id;
}

const takenMessage = (column: string): string => `${humanize(column)} has already been taken`;

/** Non-empty values of unique elements in a write, by column. */
function uniqueValues(input: ParsedInput): Map<string, string> {
  const unique = new Map<string, string>();
  for (const [el, value] of input.scalars) {
    if (el.unique && typeof value === 'string' && value !== '') unique.set(el.column, value);
  }
  return unique;
}

/** How users are queried; `status=active|inactive` is Coupa's documented way to filter on `active`. */
export const USER_QUERY: QueryResource = {
  schema: querySchema(USERS),
  shape: USER_SHAPE,
  aliases: { status: { element: 'active', values: { active: 'true', inactive: 'false' } } },
};

function orThrow<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new RosterError('invalid_query', parsed.problems);
  return parsed.query;
}

/** Reads an index query string; a 400 names every parameter it cannot honour. */
export const parseUserQuery = (params: Record<string, unknown>): ParsedQuery => orThrow(parseQuery(USER_QUERY, params));

/** Reads the view (`return_object`, `fields`) of a show or a write, before anything is done. */
export const parseUserView = (params: Record<string, unknown>, mode: 'read' | 'write'): View =>
  orThrow(parseViewQuery(USER_SHAPE, params, mode));

/**
 * `login=…` and the like match one row at most: read it in one prepared query instead of
 * picking a page of ids first. Ordering cannot matter, and paging only if it skips the row.
 */
function pointLookup(query: ParsedQuery): { column: string; type: ScalarType; value: ScalarValue } | undefined {
  const [only, ...more] = query.conditions;
  if (!only || more.length > 0 || only.op !== 'eq' || only.path.length > 0 || !only.field?.unique) return undefined;
  const [value = null] = only.values;
  if (value === null || value === '' || query.offset > 0 || query.limit === 0) return undefined;
  return { column: only.field.column, type: only.field.type, value };
}

export interface WriteResult {
  readonly user: StoredUser;
  /** Element names the client sent that were ignored (read-only or unknown). */
  readonly ignored: readonly string[];
}

interface ResolvedAssociations {
  readonly references: Map<ReferenceElement, Resolved | null>;
  readonly collections: Map<CollectionElement, Resolved[]>;
}

/** The Users resource: create, update, show, query. Knows nothing of HTTP. */
export class UserService {
  private readonly resolver: ReferenceResolver;

  constructor(
    private readonly store: Store,
    private readonly users: UserRepository,
    private readonly refs: ReferenceRepository,
  ) {
    this.resolver = new ReferenceResolver(refs, users);
  }

  async show(id: number): Promise<StoredUser> {
    const user = await this.users.findById(id);
    if (!user) throw notFound(String(id));
    return user;
  }

  async list(query: ParsedQuery): Promise<StoredUser[]> {
    const point = pointLookup(query);
    if (point) return this.users.findByUnique(point.column, toDb(this.store.dialect, point.type, point.value));
    return this.users.findPage(compileQuery(this.store.dialect, 'users', query), query.offset, query.limit);
  }

  async create(doc: Document, actor: Actor): Promise<WriteResult> {
    const input = parseInput(USERS, doc);
    const associations = await this.check(input);
    const columns = await this.columns(input);
    const now = nowIso();
    for (const el of index.scalars) {
      if (!(el.column in columns) && el.default !== undefined) columns[el.column] = toDb(this.store.dialect, el.type, el.default);
    }
    Object.assign(columns, { created_at: now, updated_at: now, created_by_id: actor.userId, updated_by_id: actor.userId });
    const id = await this.write(async (trx) => {
      const newId = await this.users.insert(trx, { ...columns, ...(await this.referenceColumns(trx, associations)) });
      await this.writeCollections(trx, newId, associations);
      return newId;
    });
    return { user: await this.show(id), ignored: input.ignored };
  }

  async update(id: number, doc: Document, actor: Actor): Promise<WriteResult> {
    await this.show(id);
    const input = parseInput(USERS, doc);
    const associations = await this.check(input, id);
    const columns = await this.columns(input);
    Object.assign(columns, { updated_at: nowIso(), updated_by_id: actor.userId });
    await this.write(async (trx) => {
      await this.users.update(trx, id, { ...columns, ...(await this.referenceColumns(trx, associations)) });
      await this.writeCollections(trx, id, associations);
      return id;
    });
    return { user: await this.show(id), ignored: input.ignored };
  }

  /**
   * The user behind an API credential, as Coupa keeps an API user: records written through
   * the credential show it in created-by and updated-by.
   */
  async createApiUser(login: string, name: string): Promise<number> {
    const doc = { login, email: `${login}@api.roster.invalid`, firstname: 'API', lastname: name.slice(0, 80) };
    const { user } = await this.create(doc, { name: 'roster', userId: null });
    await this.users.update(this.store.db, user.id, { api_user: toDb(this.store.dialect, 'boolean', true) });
    return user.id;
  }

  /** Loads every association the given users render, so presenting them needs no I/O. */
  async lookups(users: readonly StoredUser[]): Promise<PresentLookups> {
    const ids = associatedIds(users);
    for (const [table, list] of ids.refs) await this.refs.ensure(table, list);
    // Related users usually came joined with the user; only the rest are read here.
    const related = new Map(users.flatMap((u) => [...u.related]));
    const missing = ids.users.filter((id) => !related.has(id));
    for (const [id, user] of await this.users.findSimple(missing)) related.set(id, user);
    return {
      ref: (table, id) => this.refs.cached(table, id),
      user: (id) => related.get(id),
    };
  }

  /** Validates and resolves everything before any write, so a bad request changes nothing. */
  private async check(input: ParsedInput, exceptId?: number): Promise<ResolvedAssociations> {
    const mode = exceptId === undefined ? 'create' : 'update';
    const messages = validateUser(input, mode);
    const missing: string[] = [];
    const references = new Map<ReferenceElement, Resolved | null>();
    const collections = new Map<CollectionElement, Resolved[]>();
    for (const [el, spec] of input.references) {
      if (spec === null) references.set(el, null);
      else {
        const r = await this.resolver.resolve(el.target, spec, el.name, missing);
        if (r) references.set(el, r);
      }
    }
    for (const [el, specs] of input.collections) {
      const list: Resolved[] = [];
      for (const spec of specs) {
        const r = await this.resolver.resolve(el.target, spec, el.name, missing);
        if (r) list.push(r);
      }
      collections.set(el, list);
    }
    const taken = await this.users.taken(this.store.db, uniqueValues(input), exceptId);
    messages.push(...[...taken].map(takenMessage));
    if (messages.length > 0) throw new RosterError('validation_failed', [...messages, ...missing]);
    if (missing.length > 0) throw new RosterError('unknown_reference', missing);
    return { references, collections };
  }

  /** The columns of the user's own values; secrets are hashed here, before the transaction, as scrypt is slow. */
  private async columns(input: ParsedInput): Promise<Row> {
    const columns: Row = {};
    for (const [el, value] of input.scalars) columns[el.column] = toDb(this.store.dialect, el.type, value);
    for (const [el, parts] of input.composites) {
      for (const part of el.fields) columns[part.column] = parts?.get(part.name) ?? null;
    }
    for (const [el, secret] of input.secrets) columns[el.column] = secret === null ? null : await hashPassword(secret);
    return columns;
  }

  /** Foreign keys, inside the write: rows to find or create (approval limits) are made in the same transaction. */
  private async referenceColumns(trx: WriteDb, a: ResolvedAssociations): Promise<Row> {
    const columns: Row = {};
    for (const [el, r] of a.references) columns[el.column] = r === null ? null : await this.resolver.materialize(trx, r);
    return columns;
  }

  private async writeCollections(trx: WriteDb, userId: number, a: ResolvedAssociations): Promise<void> {
    for (const [el, list] of a.collections) {
      const ids: number[] = [];
      for (const r of list) ids.push(await this.resolver.materialize(trx, r));
      await this.users.setMemberships(trx, userId, el.membership, ids);
    }
  }

  /**
   * Runs the write in one transaction. Uniqueness was checked up front so every taken value
   * is reported at once; the database's unique indexes still decide races between requests.
   */
  private async write(body: (trx: Transaction<Database>) => Promise<number>): Promise<number> {
    try {
      return await this.store.db.transaction().execute(body);
    } catch (err) {
      const column = uniqueViolation(err);
      if (column) throw new RosterError('validation_failed', takenMessage(column));
      throw err;
    }
  }
}
