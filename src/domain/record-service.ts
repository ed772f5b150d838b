import { humanize, indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import { textProblem } from '../catalog/values.js';
import type {
  AssociationDefault,
  ChildrenElement,
  CollectionElement,
  InstanceSettings,
  ReferenceElement,
  ScalarType,
  ScalarValue,
} from '../catalog/types.js';
import { compileQuery } from '../query/compile.js';
import type { ParsedQuery } from '../query/filter.js';
import { parseQuery, parseViewQuery, type Parsed, type QueryResource, type ViewQuery } from '../query/parse.js';
import { querySchema } from '../query/schema.js';
import { shapeOfResource, type PresentLookups } from '../render/present-record.js';
import { nowIso } from '../store/codec.js';
import type { Row, Store } from '../store/database.js';
import type { RecordCaches } from '../store/record-caches.js';
import type { StoredRecord } from '../store/record-codec.js';
import type { RecordRepository } from '../store/record-repository.js';
import { uniqueViolation } from '../store/unique-violation.js';
import type { WriteDb } from '../store/write-db.js';
import type { Actor } from './actor.js';
import { isRosterError, RosterError } from './errors.js';
import { hashPassword } from './passwords.js';
import {
  isPlainObject,
  normalizedKeys,
  parseInput,
  type ChildItem,
  type Document,
  type ParsedInput,
  type RefSpec,
} from './record-input.js';
import { validateRecord } from './record-rules.js';
import { ReferenceResolver, type Resolved, type RowWriter } from './reference-resolver.js';

/** The result of one write: the record as stored, and what the client sent that was ignored. */
export interface WriteResult {
  readonly record: StoredRecord;
  /** Element names the client sent that were ignored (read-only or unknown). */
  readonly ignored: readonly string[];
}

/** One item of a batch: written, or refused with the error a single write would have answered. */
export type ItemOutcome =
  | { readonly ok: true; readonly id: number; readonly ignored: readonly string[] }
  | { readonly ok: false; readonly error: RosterError };

/** A batch's result: one outcome per item, in order; `succeeded + failed` is the number of items. */
export interface BatchResult {
  readonly outcomes: readonly ItemOutcome[];
  readonly succeeded: number;
  readonly failed: number;
}

/** A bulk request's result: a batch's, and each item's unique keys (`id` null for an item not written). */
export interface BulkResult extends BatchResult {
  readonly keys: ReadonlyArray<{ readonly id: number | null; readonly key: ScalarValue | null }>;
}

/** One item of a batch: a document to create, or to apply to the row `id`. */
export interface BatchItem {
  readonly id?: number;
  readonly doc: Document;
}

export interface WriteOptions {
  /** Values of read-only elements set by the server itself (an API user's `api-user`). */
  readonly system?: ReadonlyMap<string, ScalarValue>;
}

/** What every record service of one app shares: the store, each resource's repository, the caches. */
export interface EngineDeps {
  readonly store: Store;
  readonly repository: (name: string) => RecordRepository;
  readonly caches: RecordCaches;
  /** The instance's settings, which creation defaults may name (its reporting currency). */
  readonly settings: InstanceSettings;
  /** Called after a committed write to a cached resource, so every process drops its copies. */
  changed(name: string): Promise<void>;
}

/** What a successful write returns before the record is read back. */
interface Written {
  readonly id: number;
  readonly ignored: readonly string[];
}

interface ResolvedAssociations {
  readonly references: Map<ReferenceElement, Resolved | null>;
  readonly collections: Map<CollectionElement, Resolved[]>;
  readonly children: Map<ChildrenElement, ResolvedChild[]>;
}

/** A nested item with its own associations resolved. */
interface ResolvedChild {
  readonly item: ChildItem;
  readonly associations: ResolvedAssociations;
}

type Association = { readonly el: ReferenceElement | CollectionElement; readonly cached: boolean };
const associationCache = new WeakMap<ResourceDef, readonly Association[]>();

/** The associations a rendering of `def` shows, and whether their targets are cached reference data. */
function associationsOf(def: ResourceDef): readonly Association[] {
  let found = associationCache.get(def);
  if (!found) {
    found = indexCatalog(def).outElements.flatMap((el) =>
      el.kind === 'reference' || el.kind === 'collection' ? [{ el, cached: resourceNamed(el.target).cached === true }] : [],
    );
    associationCache.set(def, found);
  }
  return found;
}

/** The column of a child resource that names its owner. */
function ownerColumn(el: ChildrenElement): string {
  const owner = indexCatalog(resourceNamed(el.target)).references.find((r) => r.name === el.owner);
  if (!owner) throw new Error(`${el.target} has no reference ${el.owner}`);
  return owner.column;
}

/** A batch's result from its outcomes: the counts always add up to the number of items. */
function tally(outcomes: readonly ItemOutcome[]): BatchResult {
  const succeeded = outcomes.filter((o) => o.ok).length;
  return { outcomes, succeeded, failed: outcomes.length - succeeded };
}

function orThrow<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new RosterError('invalid_query', parsed.problems);
  return parsed.query;
}

/** How a resource is queried: its schema from the registry, the shape of its rendering, its aliases. */
export function queryResource(def: ResourceDef): QueryResource {
  return {
    schema: querySchema(def),
    shape: shapeOfResource(def),
    ...(def.api?.aliases ? { aliases: def.api.aliases } : {}),
  };
}

/**
 * One resource's operations: show, query, create, update, and batches of writes with a
 * result per item. Knows nothing of HTTP. Every rule comes from the resource's definition.
 */
export class RecordService {
  readonly query: QueryResource;
  private readonly repo: RecordRepository;
  private readonly resolver: ReferenceResolver;

  constructor(
    readonly def: ResourceDef,
    private readonly deps: EngineDeps,
  ) {
    this.repo = deps.repository(def.name);
    this.resolver = new ReferenceResolver(deps.repository, deps.caches);
    this.query = queryResource(def);
  }

  /** Rails' message for a taken unique value; a clash in another resource's table (a find-or-create) names that resource. */
  private takenMessage(def: ResourceDef, element: string): string {
    return def === this.def
      ? `${humanize(element)} has already been taken`
      : `${humanize(def.singular)} ${element} has already been taken`;
  }

  private notFound(id: string): RosterError {
    return new RosterError('not_found', `Couldn't find ${this.def.model} with 'id'=${id}`);
  }

  /** Ids arrive from the path as text; anything but a positive integer names no row (Rails' message quotes it as sent). */
  idFrom(raw: string): number {
    const id = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(id) || id <= 0) throw this.notFound(raw);
    return id;
  }

  /** Reads an index query string; a 400 names every parameter it cannot honour. */
  parseQuery(params: Record<string, unknown>): ParsedQuery {
    return orThrow(parseQuery(this.query, params));
  }

  /** Reads the view (`return_object`, `fields`) of a show or a write, before anything is done. */
  parseView(params: Record<string, unknown>, mode: 'read' | 'write'): ViewQuery {
    return orThrow(parseViewQuery(this.query.shape, params, mode));
  }

  async show(id: number): Promise<StoredRecord> {
    const record = await this.repo.findById(id);
    if (!record) throw this.notFound(String(id));
    return record;
  }

  async list(query: ParsedQuery): Promise<StoredRecord[]> {
    const point = pointLookup(query);
    if (point) return this.repo.findByUnique(point.column, this.deps.store.dialect.toDb(point.type, point.value));
    return this.repo.findPage(compileQuery(this.deps.store.dialect, this.def.table, query), query.offset, query.limit);
  }

  /** Creates one record; a refused write throws the RosterError its outcome carries. */
  async create(doc: Document, actor: Actor, options: WriteOptions = {}): Promise<WriteResult> {
    return this.single(await this.writeItem({ doc }, actor, options));
  }

  async update(id: number, doc: Document, actor: Actor): Promise<WriteResult> {
    return this.single(await this.writeItem({ id, doc }, actor, {}));
  }

  /**
   * Writes each item in its own transaction, in order: a refused item changes nothing and
   * never stops the others. Faults that are not the client's (the database gone) still throw.
   */
  async writeMany(items: readonly BatchItem[], actor: Actor): Promise<BatchResult> {
    const outcomes: ItemOutcome[] = [];
    for (const item of items) outcomes.push(await this.writeItem(item, actor, {}));
    return tally(outcomes);
  }

  /**
   * A bulk request (`POST /api/users?bulk=1`, and `PUT` for updates): each item written in its
   * own transaction, as `writeMany` does. An update item names its row by `id`, else by its
   * natural key; an item that is not an object, or names no row, is that item's refusal.
   * Returns the outcomes and each item's unique keys: the id and the natural key, as stored
   * for a written item, as sent for a refused one.
   */
  async bulk(mode: 'create' | 'update', items: readonly unknown[], actor: Actor): Promise<BulkResult> {
    const outcomes: ItemOutcome[] = [];
    const keyOf = indexCatalog(this.def).key;
    const sentKeys: Array<ScalarValue | null> = [];
    for (const item of items) {
      if (!isPlainObject(item)) {
        sentKeys.push(null);
        outcomes.push({ ok: false, error: new RosterError('malformed_body', `Each item must be a ${this.def.singular} object`) });
        continue;
      }
      const doc = normalizedKeys(item);
      const sentKey = doc[keyOf.name];
      sentKeys.push(typeof sentKey === 'string' || typeof sentKey === 'number' ? sentKey : null);
      if (mode === 'create') {
        outcomes.push(await this.writeItem({ doc: item }, actor, {}));
        continue;
      }
      const { id: rawId, ...rest } = doc;
      const id = await this.idNamedBy(rawId, sentKey);
      outcomes.push(typeof id === 'number' ? await this.writeItem({ id, doc: rest }, actor, {}) : { ok: false, error: id });
    }
    const written = new Map(
      (await this.repo.findPlain(outcomes.flatMap((o) => (o.ok ? [o.id] : [])))).map((r) => [r.id, r] as const),
    );
    const keys = outcomes.map((o, i) => {
      const row = o.ok ? written.get(o.id) : undefined;
      return { id: o.ok ? o.id : null, key: row ? (row.values.get(keyOf.name) ?? null) : (sentKeys[i] ?? null) };
    });
    return { ...tally(outcomes), keys };
  }

  /** The row an update item names: by `id`, else by natural key; otherwise the not_found it answers. */
  private async idNamedBy(rawId: unknown, key: unknown): Promise<number | RosterError> {
    if (rawId !== undefined && rawId !== null && rawId !== '') {
      const text = typeof rawId === 'number' || typeof rawId === 'string' ? String(rawId) : JSON.stringify(rawId);
      const id = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(id) || id <= 0 || !(await this.repo.exists(id))) return this.notFound(text);
      return id;
    }
    const field = indexCatalog(this.def).key.name;
    if (typeof key === 'string' && key !== '' && textProblem(key) === undefined) {
      const id = await this.repo.idByKey(key);
      if (id !== undefined) return id;
      return new RosterError('not_found', `Couldn't find ${this.def.model} with '${field}'=${key}`);
    }
    return new RosterError('not_found', `Each item of a bulk update names its ${this.def.singular} by id or ${field}`);
  }

  private async single(outcome: ItemOutcome): Promise<WriteResult> {
    if (!outcome.ok) throw outcome.error;
    return { record: await this.show(outcome.id), ignored: outcome.ignored };
  }

  private async writeItem(item: BatchItem, actor: Actor, options: WriteOptions): Promise<ItemOutcome> {
    try {
      const written =
        item.id === undefined ? await this.insert(item.doc, actor, options) : await this.change(item.id, item.doc, actor);
      return { ok: true, ...written };
    } catch (err) {
      if (isRosterError(err)) return { ok: false, error: err };
      throw err;
    }
  }

  private async insert(doc: Document, actor: Actor, options: WriteOptions): Promise<Written> {
    const input = parseInput(this.def, doc);
    await this.applyDefaults(input);
    const associations = await this.check(input);
    const columns = { ...this.creating(this.def, actor), ...(await this.columns(input)) };
    const index = indexCatalog(this.def);
    for (const [name, value] of options.system ?? []) {
      const el = index.scalars.find((e) => e.name === name);
      if (!el) throw new Error(`${this.def.name} has no element ${name}`);
      columns[el.column] = this.deps.store.dialect.toDb(el.type, value);
    }
    const writer = this.writer(actor);
    const id = await this.write(async (trx) => {
      const newId = await this.repo.insert(trx, { ...columns, ...(await this.referenceColumns(trx, associations, writer)) });
      await this.writeCollections(trx, newId, associations, writer);
      await this.writeChildren(trx, newId, associations, actor, writer);
      return newId;
    });
    return { id, ignored: input.ignored };
  }

  private async change(id: number, doc: Document, actor: Actor): Promise<Written> {
    const current = await this.show(id);
    const input = parseInput(this.def, doc);
    await this.applyDefaults(input, current);
    const associations = await this.check(input, current);
    const columns = { ...(await this.columns(input)), ...this.stamps(this.def, actor, 'update') };
    const writer = this.writer(actor);
    await this.write(async (trx) => {
      await this.repo.update(trx, id, { ...columns, ...(await this.referenceColumns(trx, associations, writer)) });
      await this.writeCollections(trx, id, associations, writer);
      await this.writeChildren(trx, id, associations, actor, writer);
      return id;
    });
    return { id, ignored: input.ignored };
  }

  /**
   * Creation defaults of associations (`default` on the element): what a create leaves out gets
   * them, and so does a reference an update leaves out on a row that has none. A default row
   * that no longer exists (a renamed `User` role) is left out rather than refusing the write.
   */
  private async applyDefaults(input: ParsedInput, current?: StoredRecord): Promise<void> {
    this.deps.caches.refresh();
    const index = indexCatalog(this.def);
    for (const el of index.references) {
      if (!el.default || !el.in || input.references.has(el) || (current && current.refs.get(el.name) != null)) continue;
      const spec = await this.existingDefault(el.target, el.default);
      if (spec) input.references.set(el, spec);
    }
    if (current) return;
    for (const el of index.collections) {
      if (!el.default || !el.in || input.collections.has(el)) continue;
      const specs: RefSpec[] = [];
      for (const d of el.default) {
        const spec = await this.existingDefault(el.target, d);
        if (spec) specs.push(spec);
      }
      input.collections.set(el, specs);
    }
  }

  private async existingDefault(target: string, d: AssociationDefault): Promise<RefSpec | undefined> {
    const spec: RefSpec = { by: 'key', key: 'key' in d ? d.key : this.deps.settings[d.setting] };
    const found = await this.resolver.resolve(target, spec, target, []);
    return found?.kind === 'id' ? { by: 'id', id: found.id } : undefined;
  }

  /** Loads every association the given records (and their owned children) render, so presenting them needs no I/O. */
  async lookups(records: readonly StoredRecord[]): Promise<PresentLookups> {
    this.deps.caches.refresh();
    const cachedIds = new Map<string, number[]>();
    const plainIds = new Map<string, number[]>();
    const add = (map: Map<string, number[]>, target: string, id: number) => {
      const list = map.get(target) ?? [];
      list.push(id);
      map.set(target, list);
    };
    const visit = (def: ResourceDef, rows: readonly StoredRecord[]) => {
      for (const { el, cached } of associationsOf(def)) {
        for (const r of rows) {
          if (el.kind === 'reference') {
            const id = r.refs.get(el.name);
            // Rows of uncached resources usually came joined with the record; only the rest are read.
            if (typeof id === 'number' && (cached || !r.joined.has(el.name))) add(cached ? cachedIds : plainIds, el.target, id);
          } else {
            for (const id of r.collections.get(el.membership) ?? []) add(cached ? cachedIds : plainIds, el.target, id);
          }
        }
      }
      for (const el of indexCatalog(def).children) {
        const owned = rows.flatMap((r) => r.children.get(el.name) ?? []);
        if (owned.length > 0) visit(resourceNamed(el.target), owned);
      }
    };
    visit(this.def, records);
    for (const [target, ids] of cachedIds) await this.deps.caches.ensure(target, ids);
    const plain = new Map<string, StoredRecord>();
    for (const [target, ids] of plainIds) {
      for (const r of await this.deps.repository(target).findPlain(ids)) plain.set(`${target}:${r.id}`, r);
    }
    return {
      record: (target, id) => this.deps.caches.cached(target, id) ?? plain.get(`${target}:${id}`),
    };
  }

  /** Validates and resolves everything before any write, so a bad request changes nothing. */
  private async check(input: ParsedInput, current?: StoredRecord): Promise<ResolvedAssociations> {
    this.deps.caches.refresh();
    const messages = validateRecord(this.def, input, current === undefined ? 'create' : 'update');
    if (current) {
      for (const [el, value] of input.scalars) {
        if (el.immutable && value !== (current.values.get(el.name) ?? null))
          messages.push(`${humanize(el.name)} cannot be changed`);
      }
    }
    const missing: string[] = [];
    const associations = await this.resolve(input, missing);
    this.checkOwnership(input, current, missing);
    const unique = new Map<string, string>();
    const byColumn = new Map<string, string>();
    for (const [el, value] of input.scalars) {
      if (!el.unique || typeof value !== 'string' || value === '') continue;
      unique.set(el.column, value);
      byColumn.set(el.column, el.name);
    }
    for (const column of await this.repo.taken(this.deps.store.db, unique, current?.id)) {
      messages.push(this.takenMessage(this.def, byColumn.get(column) ?? column));
    }
    if (messages.length > 0) throw new RosterError('validation_failed', [...messages, ...missing]);
    if (missing.length > 0) throw new RosterError('unknown_reference', missing);
    return associations;
  }

  /** Looks up every row the input names, its nested items' included; what is not found goes to `missing`. */
  private async resolve(input: ParsedInput, missing: string[]): Promise<ResolvedAssociations> {
    const references = new Map<ReferenceElement, Resolved | null>();
    const collections = new Map<CollectionElement, Resolved[]>();
    const children = new Map<ChildrenElement, ResolvedChild[]>();
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
    for (const [el, items] of input.children) {
      const list: ResolvedChild[] = [];
      for (const item of items) {
        if (!item.destroy) list.push({ item, associations: await this.resolve(item.input, missing) });
        else if (item.id !== undefined)
          list.push({ item, associations: { references: new Map(), collections: new Map(), children: new Map() } });
      }
      children.set(el, list);
    }
    return { references, collections, children };
  }

  /**
   * A nested item's `id` must name a row this record owns; Rails answers the rest with
   * "Couldn't find WarehouseLocation with ID=5 for Warehouse with ID=1" (and an empty ID on a create).
   */
  private checkOwnership(input: ParsedInput, current: StoredRecord | undefined, missing: string[]): void {
    for (const [el, items] of input.children) {
      const owned = new Set((current?.children.get(el.name) ?? []).map((r) => r.id));
      const child = resourceNamed(el.target);
      for (const { id } of items) {
        if (id !== undefined && !owned.has(id)) {
          missing.push(`Couldn't find ${child.model} with ID=${id} for ${this.def.model} with ID=${current?.id ?? ''}`);
        }
      }
    }
  }

  /** The columns of the record's own values; secrets are hashed here, before the transaction, as scrypt is slow. */
  private async columns(input: ParsedInput): Promise<Row> {
    const { dialect } = this.deps.store;
    const columns: Row = {};
    for (const [el, value] of input.scalars) columns[el.column] = dialect.toDb(el.type, value);
    for (const [el, parts] of input.composites) {
      for (const part of el.fields) columns[part.column] = parts?.get(part.name) ?? null;
    }
    for (const [el, secret] of input.secrets) columns[el.column] = secret === null ? null : await hashPassword(secret);
    return columns;
  }

  /** Timestamps and audit users a write stamps on a row of `def`. */
  private stamps(def: ResourceDef, actor: Actor, mode: 'create' | 'update'): Row {
    const now = nowIso();
    const row: Row = {};
    for (const el of def.elements) {
      if (el.kind !== 'scalar' && el.kind !== 'reference') continue;
      switch (el.auto) {
        case 'created-at':
          if (mode === 'create') row[el.column] = now;
          break;
        case 'updated-at':
          row[el.column] = now;
          break;
        case 'created-by':
          if (mode === 'create') row[el.column] = actor.userId;
          break;
        case 'updated-by':
          row[el.column] = actor.userId;
          break;
        case 'id':
        case undefined:
          break;
      }
    }
    return row;
  }

  /** A new row of `def`: its defaults, then its stamps. */
  private creating(def: ResourceDef, actor: Actor): Row {
    const row: Row = {};
    for (const el of indexCatalog(def).scalars) {
      if (el.default !== undefined) row[el.column] = this.deps.store.dialect.toDb(el.type, el.default);
    }
    return { ...row, ...this.stamps(def, actor, 'create') };
  }

  /** How rows of other resources made during this write (approval limits) are encoded and stamped. */
  private writer(actor: Actor): RowWriter {
    const { dialect } = this.deps.store;
    return {
      encode: (target, fields, links) => {
        const index = indexCatalog(resourceNamed(target));
        const row: Row = {};
        for (const el of index.scalars)
          if (fields.has(el.name)) row[el.column] = dialect.toDb(el.type, fields.get(el.name) ?? null);
        for (const el of index.references) if (links.has(el.name)) row[el.column] = links.get(el.name) ?? null;
        return row;
      },
      creating: (target) => this.creating(resourceNamed(target), actor),
    };
  }

  /** Foreign keys, inside the write: rows to find or create (approval limits) are made in the same transaction. */
  private async referenceColumns(trx: WriteDb, a: ResolvedAssociations, writer: RowWriter): Promise<Row> {
    const columns: Row = {};
    for (const [el, r] of a.references) columns[el.column] = r === null ? null : await this.resolver.materialize(trx, r, writer);
    return columns;
  }

  private async writeCollections(trx: WriteDb, ownerId: number, a: ResolvedAssociations, writer: RowWriter): Promise<void> {
    for (const [el, list] of a.collections) {
      const ids: number[] = [];
      for (const r of list) ids.push(await this.resolver.materialize(trx, r, writer));
      await this.repo.setMemberships(trx, ownerId, el.membership, ids);
    }
  }

  /** Nested items, inside the write: removed, changed or added under the owner `ownerId`, in the client's order. */
  private async writeChildren(
    trx: WriteDb,
    ownerId: number,
    a: ResolvedAssociations,
    actor: Actor,
    writer: RowWriter,
  ): Promise<void> {
    for (const [el, items] of a.children) {
      const child = resourceNamed(el.target);
      const repo = this.deps.repository(child.name);
      for (const { item, associations } of items) {
        if (item.destroy) {
          if (item.id !== undefined) await repo.remove(trx, item.id);
          continue;
        }
        const columns = { ...(await this.columns(item.input)), ...(await this.referenceColumns(trx, associations, writer)) };
        if (item.id === undefined) {
          await repo.insert(trx, { ...this.creating(child, actor), ...columns, [ownerColumn(el)]: ownerId });
        } else {
          await repo.update(trx, item.id, { ...columns, ...this.stamps(child, actor, 'update') });
        }
      }
    }
  }

  /**
   * Runs the write in one transaction. Uniqueness was checked up front so every taken value
   * is reported at once; the database's unique indexes still decide races between writers,
   * on any table the write touches.
   */
  private async write(body: (trx: WriteDb) => Promise<number>): Promise<number> {
    let id: number;
    try {
      id = await this.deps.store.db.transaction().execute(body);
    } catch (err) {
      const clash = uniqueViolation(this.deps.store.dialect, err);
      if (clash) throw new RosterError('validation_failed', this.takenMessage(clash.def, clash.element.name));
      throw err;
    }
    if (this.def.cached) await this.deps.changed(this.def.name);
    return id;
  }
}

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
