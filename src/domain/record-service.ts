import { idCodecOf, type IdCodec } from '../catalog/ids.js';
import { indexCatalog } from '../catalog/lookup.js';
import { resourceNamed, servedOwner } from '../catalog/registry.js';
import { FAMILIES } from '../catalog/families.js';
import { familyOf, type ResourceDef } from '../catalog/resource.js';
import type { CollectionElement, RecordId, ReferenceElement, ScalarType, ScalarValue } from '../catalog/types.js';
import { yieldTurn } from './turns.js';
import { coerceScalar, textProblem } from '../catalog/values.js';
import { compileQuery } from '../query/compile.js';
import type { ParsedQuery } from '../query/filter.js';
import { parseQuery, parseViewQuery, type Parsed, type QueryResource, type ViewQuery } from '../query/parse.js';
import { querySchema } from '../query/schema.js';
import type { OutObject } from '../render/out.js';
import { presentAs, shapeOfResource, type PresentLookups } from '../render/present-record.js';
import type { RowName } from '../render/response-cache.js';
import { recordWriter } from '../render/compiled-writer.js';
import { recordingLookups, shownRows, viewKey } from '../render/shown-rows.js';
import { formOf, pageBytes, recordBytes, type CoreFormat, type RecordForm, type WireFormat } from '../render/wire-bytes.js';
import type { View } from '../query/view.js';
import type { StoredRecord } from '../store/record-codec.js';
import type { RecordRepository } from '../store/record-repository.js';
import type { Actor } from './actor.js';
import { RosterError } from './errors.js';
import { isPlainObject, normalizedKeys, type Document } from './record-input.js';
import { RecordWriter, type BatchItem, type EngineDeps, type ItemOutcome, type WriteOptions } from './record-writer.js';
import { ReferenceResolver } from './reference-resolver.js';

/** The result of one write: the record as stored, and what the client sent that was ignored. */
export interface WriteResult {
  readonly record: StoredRecord;
  /** Element names the client sent that were ignored (read-only or unknown). */
  readonly ignored: readonly string[];
  /** The response cache's mark taken before `record` was read back (`bytesOf` may then keep its rendering). */
  readonly mark: number;
}

/** A batch's result: one outcome per item, in order; `succeeded + failed` is the number of items. */
export interface BatchResult {
  readonly outcomes: readonly ItemOutcome[];
  readonly succeeded: number;
  readonly failed: number;
}

/** How a family's bulk writes read their items (core Coupa's when empty). */
export interface BulkPolicy {
  /**
   * Items name rows by `id` alone (CSO: "User ID is required for updates"); a create ignores an
   * `id` it is given (a GET's answer posted back, doc 0462), where core reads it as an element.
   */
  readonly idOnly?: boolean;
  /** Elements the resource does not take refuse the item (`WriteOptions.strict`). */
  readonly strict?: boolean;
  /**
   * The items are written in one transaction, each in a savepoint of its own (store/chunks.ts):
   * still applied or refused one by one, but committed once, which makes a CSO bulk write of 250
   * users several times faster (docs/performance.md). A crash loses the request's items whole.
   */
  readonly together?: boolean;
  /** Each item's natural key in `BulkResult.keys` is the one it sent, not read back (an answer that shows ids alone: CSO's). */
  readonly sentKeys?: boolean;
}

/** A bulk request's result: a batch's, and each item's unique keys (`id` null for an item not written). */
export interface BulkResult extends BatchResult {
  readonly keys: ReadonlyArray<{ readonly id: RecordId | null; readonly key: ScalarValue | null }>;
}

type Association = { readonly el: ReferenceElement | CollectionElement; readonly cached: boolean };
const associationCache = new WeakMap<ResourceDef, readonly Association[]>();

/**
 * The associations a rendering of `def` reads, and whether their targets are cached reference
 * data: those it shows, and those a shown through element reads a value of (`warehouse-name`).
 */
function associationsOf(def: ResourceDef): readonly Association[] {
  let found = associationCache.get(def);
  if (!found) {
    const index = indexCatalog(def);
    const through = new Set(
      index.outElements.flatMap((el) => (el.kind === 'through' && el.field !== 'id' ? [el.reference] : [])),
    );
    found = def.elements.flatMap((el) =>
      (el.kind === 'reference' && (el.out || through.has(el.name))) || (el.kind === 'collection' && el.out)
        ? [{ el, cached: resourceNamed(el.target).cached === true }]
        : [],
    );
    associationCache.set(def, found);
  }
  return found;
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
    pageSize: FAMILIES[familyOf(def)].pageSize,
    ...(def.api?.aliases ? { aliases: def.api.aliases } : {}),
  };
}

/**
 * One resource's operations: show, query, create, update, and batches of writes with a
 * result per item. Knows nothing of HTTP. Every rule comes from the resource's definition.
 */
export class RecordService {
  readonly query: QueryResource;
  /**
   * For a resource served under its owner's path (`/api/workers/:worker_id/worker_documents`),
   * the reference naming the owner: every read and write then names the owner's id too.
   */
  readonly owner: ReferenceElement | undefined;
  private readonly repo: RecordRepository;
  private readonly writer: RecordWriter;
  private readonly ids: IdCodec;

  constructor(
    readonly def: ResourceDef,
    private readonly deps: EngineDeps,
  ) {
    this.repo = deps.repository(def.name);
    this.ids = idCodecOf(def);
    const resolver = new ReferenceResolver(deps.repository, deps.caches);
    this.writer = new RecordWriter(def, deps, this.repo, resolver, (id) => this.show(id));
    this.query = queryResource(def);
    this.owner = servedOwner(def);
  }

  private notFound(id: string): RosterError {
    return new RosterError('not_found', `Couldn't find ${this.def.model} with 'id'=${id}`);
  }

  /**
   * Ids arrive from the path as text; anything but an id of this resource (a positive integer,
   * or a 19-digit one for CSO) names no row (Rails' message quotes it as sent).
   */
  idFrom(raw: string): RecordId {
    const id = /^\d+$/.test(raw) ? this.ids.parse(raw) : undefined;
    if (id === undefined) throw this.notFound(raw);
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

  /** Row `id`; with `ownerId`, only if it belongs to that owner (a served child), else not_found. */
  async show(id: RecordId, ownerId?: RecordId): Promise<StoredRecord> {
    const record = await this.repo.findById(id);
    if (!record || (ownerId !== undefined && this.owner && record.refs.get(this.owner.name) !== ownerId)) {
      throw this.notFound(String(id));
    }
    return record;
  }

  /**
   * The owner's id as the path gives it, for a served child: a 404 in Rails' words ("Couldn't
   * find Worker with 'id'=9") unless that owner exists.
   */
  async ownerFrom(raw: string): Promise<RecordId> {
    if (!this.owner) throw new Error(`${this.def.name} is not served under an owner`);
    const target = resourceNamed(this.owner.target);
    const id = /^\d+$/.test(raw) ? idCodecOf(target).parse(raw) : undefined;
    if (id === undefined || !(await this.deps.repository(target.name).exists(id))) {
      throw new RosterError('not_found', `Couldn't find ${target.model} with 'id'=${raw}`);
    }
    return id;
  }

  /** An index page; with `ownerId`, among that owner's rows only (a served child). */
  async list(query: ParsedQuery, ownerId?: RecordId): Promise<StoredRecord[]> {
    const picked = await this.pick(query, ownerId);
    return 'records' in picked ? picked.records : this.repo.findByIds(picked.ids);
  }

  /**
   * An index page's rows: read whole when a point lookup names the one row (`login=…`), else
   * only their ids, in order, picked first (from a bookmark when deep).
   */
  private async pick(
    query: ParsedQuery,
    ownerId: RecordId | undefined,
  ): Promise<{ readonly records: StoredRecord[] } | { readonly ids: RecordId[] }> {
    const scoped = this.scoped(query, ownerId);
    const point = pointLookup(scoped);
    if (point) {
      return { records: await this.repo.findByUnique(point.column, this.deps.store.dialect.toDb(point.type, point.value)) };
    }
    const compiled = compileQuery(this.deps.store.dialect, this.def.table, scoped);
    return { ids: await this.repo.pickPage(compiled, scoped.offset, scoped.limit, keysetOf(scoped)) };
  }

  /**
   * How many rows match the query's conditions, whatever its page (CSO's `total`); with
   * `ownerId`, among that owner's rows only.
   */
  async count(query: ParsedQuery, ownerId?: RecordId): Promise<number> {
    const scoped = this.scoped(query, ownerId);
    return this.repo.countMatching(compileQuery(this.deps.store.dialect, this.def.table, scoped));
  }

  /**
   * The records as the view shows them (the whole record unless given), their associations
   * read first: for HTTP, and for any other writer of records (a CSV export, a connector).
   */
  async present(records: readonly StoredRecord[], view: View = { kind: 'full' }): Promise<OutObject[]> {
    const lookups = await this.lookups(records);
    return records.flatMap((r) => presentAs(this.def, r, lookups, view) ?? []);
  }

  /**
   * Row `id` (of `ownerId`, for a served child) as `view` shows it in `format`, as the bytes a
   * show sends: from the response cache when it holds them (no query at all), else read,
   * rendered and kept. Throws not_found as `show` does.
   */
  async showBytes(id: RecordId, ownerId: RecordId | undefined, view: View, format: WireFormat): Promise<Buffer> {
    const hit = this.cachedBytes(id, ownerId, view, format);
    if (hit) return hit;
    const form = formOf(format, false);
    const mark = this.deps.responses?.mark() ?? 0;
    const [bytes] = await this.rendered([await this.show(id, ownerId)], view, form, mark);
    if (!bytes) throw new Error(`${this.def.name} ${String(id)} rendered nothing`);
    return bytes;
  }

  /**
   * What `showBytes` would answer, if the response cache holds it; synchronous, so a route can
   * answer a hit without a promise. A served child's owner is checked by the key (`entryKey`).
   */
  cachedBytes(id: RecordId, ownerId: RecordId | undefined, view: View, format: WireFormat): Buffer | undefined {
    const responses = this.deps.responses;
    if (!responses) return undefined;
    // Another SQLite connection's commit empties the caches: seen before trusting them.
    this.deps.caches.refresh();
    return responses.get(this.entryKey(id, ownerId, formOf(format, false), view));
  }

  /**
   * One record as `view` shows it in `format`, alone (a write's answer); undefined for
   * `return_object=none`. With the `mark` taken before `record` was read, the bytes are kept.
   */
  async bytesOf(record: StoredRecord, view: View, format: WireFormat, mark?: number): Promise<Buffer | undefined> {
    if (view.kind === 'none') return undefined;
    // A client that wrote a record usually reads it back: kept at once.
    const [bytes] = await this.rendered([record], view, formOf(format, false), mark, true);
    return bytes;
  }

  /**
   * An index page in `format` (a bare JSON array, or Rails' `<users type="array">`), or
   * undefined when no row matches. Ids are picked first; only records the response cache does
   * not hold are read in full and rendered.
   */
  async pageBytes(query: ParsedQuery, ownerId: RecordId | undefined, format: CoreFormat): Promise<Buffer | undefined> {
    const items = await this.pageItems(query, ownerId, format);
    return items.length === 0 ? undefined : pageBytes(format, this.def.plural, items);
  }

  /** The bytes of each record of an index page, in order, in `format`'s page form (`pageBytes`, and CSO's page). */
  async pageItems(query: ParsedQuery, ownerId: RecordId | undefined, format: WireFormat): Promise<readonly Buffer[]> {
    const form = formOf(format, true);
    this.deps.caches.refresh();
    const mark = this.deps.responses?.mark() ?? 0;
    const picked = await this.pick(query, ownerId);
    return 'records' in picked
      ? this.rendered(picked.records, query.view, form, mark)
      : this.cachedOrRendered(picked.ids, ownerId, query.view, form, mark);
  }

  /** The bytes of each id, in order: the cache's, the rest read in one query and rendered (ids with no row left out). */
  private async cachedOrRendered(
    ids: readonly RecordId[],
    ownerId: RecordId | undefined,
    view: View,
    form: RecordForm,
    mark: number,
  ): Promise<Buffer[]> {
    const responses = this.deps.responses;
    const found = new Map<RecordId, Buffer>();
    const missing: RecordId[] = [];
    for (const id of ids) {
      const hit = responses?.get(this.entryKey(id, ownerId, form, view));
      if (hit) found.set(id, hit);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const records = await this.repo.findByIds(missing);
      const bytes = await this.rendered(records, view, form, mark);
      records.forEach((r, i) => {
        const b = bytes[i];
        if (b) found.set(r.id, b);
      });
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /**
   * Renders each record to its bytes in `form` with the compiled writer of its view (none for
   * `return_object=none`); with a `mark`,
   * each the response cache admits (a read's second miss; every `written` answer) is kept, with
   * the rows it shows.
   */
  private async rendered(
    records: readonly StoredRecord[],
    view: View,
    form: RecordForm,
    mark?: number,
    written = false,
  ): Promise<Buffer[]> {
    const write = recordWriter(this.def, view, form);
    if (!write) return [];
    const lookups = await this.lookups(records);
    const responses = mark === undefined ? undefined : this.deps.responses;
    return records.map((r) => {
      const key = responses && this.entryKey(r.id, this.ownerOf(r), form, view);
      const keep = key !== undefined && (written || responses?.admits(key) === true);
      const looked: RowName[] = [];
      const bytes = recordBytes(write(r, keep ? recordingLookups(lookups, looked) : lookups));
      if (keep && mark !== undefined) responses?.put(key, bytes, shownRows(this.def, r, looked), mark);
      return bytes;
    });
  }

  /**
   * A response's cache key: the record, the form and the view. A served child's key names its
   * owner too, so a show under another owner's path never finds it (it reads, and 404s).
   */
  private entryKey(id: RecordId, ownerId: RecordId | undefined, form: RecordForm, view: View): string {
    return `${this.def.name}#${id}${ownerId === undefined ? '' : `@${ownerId}`}|${form}|${viewKey(view)}`;
  }

  private ownerOf(r: StoredRecord): RecordId | undefined {
    return this.owner ? (r.refs.get(this.owner.name) ?? undefined) : undefined;
  }

  /** The query with, for a served child, the condition that the rows are `ownerId`'s. */
  private scoped(query: ParsedQuery, ownerId: RecordId | undefined): ParsedQuery {
    if (ownerId === undefined || !this.owner) return query;
    const type = idCodecOf(resourceNamed(this.owner.target)).type;
    const field = { name: this.owner.name, column: this.owner.column, type };
    const mine = { param: this.owner.column, path: [], field, op: 'eq' as const, values: [ownerId] };
    return { ...query, conditions: [mine, ...query.conditions] };
  }

  /** Creates one record; a refused write throws the RosterError its outcome carries. */
  async create(doc: Document, actor: Actor, options: WriteOptions = {}): Promise<WriteResult> {
    return this.single(await this.writer.writeItem({ doc }, actor, options));
  }

  /** Updates one record; `options.system` sets read-only values (a worker's `portal-access` on an invitation). */
  async update(id: RecordId, doc: Document, actor: Actor, options: WriteOptions = {}): Promise<WriteResult> {
    return this.single(await this.writer.writeItem({ id, doc }, actor, options));
  }

  /** Deletes row `id` (with its owned children), only from `ownerId` when given; returns it as it was. */
  async destroy(id: RecordId, ownerId?: RecordId): Promise<StoredRecord> {
    const record = await this.show(id, ownerId);
    await this.writer.remove(record);
    return record;
  }

  /**
   * Writes one item (a create, or an update of `item.id`) in its own transaction; a refusal is
   * the outcome, not a throw. For batch jobs that handle each item's outcome (a CSV load).
   */
  write(item: BatchItem, actor: Actor, options: WriteOptions = {}): Promise<ItemOutcome> {
    return this.writer.writeItem(item, actor, options);
  }

  /** The id of the row whose unique element `element` (its natural key when absent) is `value`. */
  idByKey(value: string, element?: string): Promise<RecordId | undefined> {
    return this.repo.idByKey(value, element);
  }

  /** The stored hash of secret element `name` (a user's `password`) of row `id`; null when unset or no such row. */
  async secretOf(id: RecordId, name: string): Promise<string | null> {
    return (await this.repo.secret(id, name)) ?? null;
  }

  /**
   * Tells this process and every other that row `id` changed beside this service's writes (its
   * avatar was stored or removed): the responses showing it are evicted.
   */
  async changedBeside(id: RecordId): Promise<void> {
    if (this.def.cached) await this.deps.changed(this.def.name);
    else await this.deps.rowsChanged(this.def.name, [id]);
  }

  /** Whether row `id` exists. */
  exists(id: RecordId): Promise<boolean> {
    return this.repo.exists(id);
  }

  /**
   * Writes each item in its own transaction, in order: a refused item changes nothing and
   * never stops the others. Faults that are not the client's (the database gone) still throw.
   */
  async writeMany(items: readonly BatchItem[], actor: Actor): Promise<BatchResult> {
    const outcomes: ItemOutcome[] = [];
    for (const item of items) {
      await yieldTurn();
      outcomes.push(await this.writer.writeItem(item, actor, {}));
    }
    return tally(outcomes);
  }

  /**
   * A bulk request (`POST /api/users?bulk=1`, and `PUT` for updates): each item written in its
   * own transaction, as `writeMany` does. An update item names its row by `id`, else by its
   * natural key; an item that is not an object, or names no row, is that item's refusal.
   * Returns the outcomes and each item's unique keys: the id and the natural key, as stored
   * for a written item, as sent for a refused one.
   */
  async bulk(mode: 'create' | 'update', items: readonly unknown[], actor: Actor, policy: BulkPolicy = {}): Promise<BulkResult> {
    if (policy.together) return this.deps.store.chunk(() => this.bulk(mode, items, actor, { ...policy, together: false }));
    const options: WriteOptions = policy.strict ? { strict: true } : {};
    const outcomes: ItemOutcome[] = [];
    const keyOf = indexCatalog(this.def).key;
    const sentKeys: Array<ScalarValue | null> = [];
    for (const item of items) {
      await yieldTurn();
      if (!isPlainObject(item)) {
        sentKeys.push(null);
        outcomes.push({ ok: false, error: new RosterError('malformed_body', `Each item must be a ${this.def.singular} object`) });
        continue;
      }
      const doc = normalizedKeys(item);
      const sentKey = doc[keyOf.name];
      // Echoed with its element's type, as a written item's is: a key that is not one (`abc` for an id) is nil.
      const typed = coerceScalar(keyOf.type, sentKey);
      sentKeys.push(typed.ok ? typed.value : null);
      if (mode === 'create') {
        outcomes.push(await this.writer.writeItem({ doc: policy.idOnly ? withoutId(doc) : item }, actor, options));
        continue;
      }
      const { id: rawId, ...rest } = doc;
      const id = await this.idNamedBy(rawId, sentKey, policy.idOnly === true);
      outcomes.push(
        id instanceof RosterError ? { ok: false, error: id } : await this.writer.writeItem({ id, doc: rest }, actor, options),
      );
    }
    const stored = policy.sentKeys ? [] : await this.repo.findPlain(outcomes.flatMap((o) => (o.ok ? [o.id] : [])));
    const written = new Map(stored.map((r) => [r.id, r] as const));
    const keys = outcomes.map((o, i) => {
      const row = o.ok ? written.get(o.id) : undefined;
      return { id: o.ok ? o.id : null, key: row ? (row.values.get(keyOf.name) ?? null) : (sentKeys[i] ?? null) };
    });
    return { ...tally(outcomes), keys };
  }

  /** The row an update item names: by `id`, else by natural key; otherwise the not_found it answers. */
  private async idNamedBy(rawId: unknown, key: unknown, idOnly: boolean): Promise<RecordId | RosterError> {
    if (typeof rawId === 'number' && !Number.isSafeInteger(rawId)) {
      // JSON.parse has already rounded it: `9220600000000000001` arrives as …000.
      return new RosterError('validation_failed', ROUNDED_ID);
    }
    if (rawId !== undefined && rawId !== null && rawId !== '') {
      const text = typeof rawId === 'number' || typeof rawId === 'string' ? String(rawId) : JSON.stringify(rawId);
      const id = /^\d+$/.test(text) ? this.ids.parse(text) : undefined;
      if (id === undefined || !(await this.repo.exists(id))) return this.notFound(text);
      return id;
    }
    const field = indexCatalog(this.def).key.name;
    if (!idOnly && typeof key === 'string' && key !== '' && textProblem(key) === undefined) {
      const id = await this.repo.idByKey(key);
      if (id !== undefined) return id;
      return new RosterError('not_found', `Couldn't find ${this.def.model} with '${field}'=${key}`);
    }
    const by = field === 'id' || idOnly ? 'id' : `id or ${field}`;
    return new RosterError('not_found', `Each item of a bulk update names its ${this.def.singular} by ${by}`);
  }

  private async single(outcome: ItemOutcome): Promise<WriteResult> {
    if (!outcome.ok) throw outcome.error;
    const mark = this.deps.responses?.mark() ?? 0;
    return { record: await this.show(outcome.id), ignored: outcome.ignored, mark };
  }

  /** Loads every association the given records (and their owned children) render, so presenting them needs no I/O. */
  async lookups(records: readonly StoredRecord[]): Promise<PresentLookups> {
    this.deps.caches.refresh();
    const cachedIds = new Map<string, RecordId[]>();
    const plainIds = new Map<string, RecordId[]>();
    const add = (map: Map<string, RecordId[]>, target: string, id: RecordId) => {
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
            if (id != null && (cached || !r.joined.has(el.name))) add(cached ? cachedIds : plainIds, el.target, id);
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
    for (const [target, ids] of cachedIds) {
      const reading = this.deps.caches.ensure(target, ids);
      if (reading) await reading;
    }
    const plain = new Map<string, StoredRecord>();
    for (const [target, ids] of plainIds) {
      for (const r of await this.deps.repository(target).findPlain(ids)) plain.set(`${target}:${r.id}`, r);
    }
    return {
      record: (target, id) => this.deps.caches.cached(target, id) ?? plain.get(`${target}:${id}`),
    };
  }
}

/** Why an id sent as a JSON number past 2^53 is refused: JSON.parse has already rounded it. */
export const ROUNDED_ID = 'id must be given as a string of digits (this number is too long to keep its digits)';

/** A document without its `id` (a create reads none). */
function withoutId(doc: Document): Document {
  return Object.fromEntries(Object.entries(doc).filter(([name]) => name !== 'id'));
}

/**
 * The id order of a query whose deep pages may start from a bookmark (store/page-bookmarks.ts):
 * ordered by id alone, with conditions on the resource's own columns only (a write to another
 * table cannot move its rows).
 */
function keysetOf(query: ParsedQuery): 'asc' | 'desc' | undefined {
  if (query.conditions.some((c) => c.path.length > 0)) return undefined;
  if (!query.order) return 'asc';
  return query.order.field.column === 'id' ? query.order.dir : undefined;
}

/**
 * `login=…` and the like match one row at most: read it in one prepared query instead of
 * picking a page of ids first. Ordering cannot matter, and paging only if it skips the row.
 */
function pointLookup(query: ParsedQuery): { column: string; type: ScalarType; value: ScalarValue } | undefined {
  const [only, ...more] = query.conditions;
  if (!only || more.length > 0 || only.op !== 'eq' || only.path.length > 0 || !only.field.unique) return undefined;
  const [value = null] = only.values;
  if (value === null || value === '' || query.offset > 0 || query.limit === 0) return undefined;
  return { column: only.field.column, type: only.field.type, value };
}
