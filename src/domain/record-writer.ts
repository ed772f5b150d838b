import { findElement, humanize, indexCatalog } from '../catalog/lookup.js';
import { ownedBy, ownerReferenceOf, resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type {
  AssociationDefault,
  ChildrenElement,
  CollectionElement,
  CompositeElement,
  InstanceSettings,
  RecordId,
  ReferenceElement,
  ScalarValue,
} from '../catalog/types.js';
import type { Row, Store } from '../store/database.js';
import type { RecordCaches } from '../store/record-caches.js';
import type { ResponseCache } from '../render/response-cache.js';
import type { StoredRecord } from '../store/record-codec.js';
import type { RecordRepository } from '../store/record-repository.js';
import { missingRecord } from '../store/missing-row.js';
import { uniqueViolation } from '../store/unique-violation.js';
import type { WriteDb } from '../store/write-db.js';
import type { Actor } from './actor.js';
import { isRosterError, RosterError } from './errors.js';
import { hashPassword } from './passwords.js';
import {
  parseInput,
  type ChildItem,
  type CompositeParts,
  type Document,
  type ParsedInput,
  type RefSpec,
} from './record-input.js';
import { validateRecord } from './record-rules.js';
import type { ReferenceResolver, Resolved, RowWriter } from './reference-resolver.js';

/** One item of a batch: written, or refused with the error a single write would have answered. */
export type ItemOutcome =
  | { readonly ok: true; readonly id: RecordId; readonly ignored: readonly string[] }
  | { readonly ok: false; readonly error: RosterError };

/** One item of a batch: a document to create, or to apply to the row `id`. */
export interface BatchItem {
  readonly id?: RecordId;
  readonly doc: Document;
}

export interface WriteOptions {
  /**
   * More rows a write writes in its own transaction, once the row has its id (an uploaded
   * attachment's bytes, the mark that a CSV row was applied). Throwing rolls the write back.
   */
  readonly alongside?: (trx: WriteDb, id: RecordId) => Promise<void>;
  /**
   * Values the server sets itself, by element name: read-only scalars (an API user's
   * `api-user`, a worker's `portal-access`) and references by id (the owner named by the path).
   */
  readonly system?: ReadonlyMap<string, ScalarValue>;
  /**
   * Elements the resource does not take (unknown, or read-only) refuse the write instead of
   * being ignored: the CSO family's rule (docs/cso-api.md), where core Coupa ignores them.
   */
  readonly strict?: boolean;
}

/** What every record service of one app shares: the store, each resource's repository, the caches. */
export interface EngineDeps {
  readonly store: Store;
  readonly repository: (name: string) => RecordRepository;
  readonly caches: RecordCaches;
  /** The instance's settings, which creation defaults may name (its reporting currency). */
  readonly settings: InstanceSettings;
  /** Rendered responses of this process, when kept (render/response-cache.ts). */
  readonly responses: ResponseCache | undefined;
  /** Called after a committed write to a cached resource, so every process drops its copies. */
  changed(name: string): Promise<void>;
  /** Called after a committed write to rows `ids` of an uncached resource: every process evicts the responses showing them. */
  rowsChanged(name: string, ids: readonly RecordId[]): Promise<void>;
}

/** What a successful write returns before the record is read back. */
interface Written {
  readonly id: RecordId;
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

/** The columns of a value object: each part, null where not given (all null when the value is). */
function partColumns(el: CompositeElement, parts: CompositeParts | null): Row {
  return Object.fromEntries(el.fields.map((f) => [f.column, parts?.get(f.name) ?? null]));
}

/**
 * The writes of one resource: validation, association resolution, creation defaults, owned
 * children and the transaction, for one item at a time. A refused item throws nothing: its
 * outcome carries the RosterError a single write answers with.
 */
export class RecordWriter {
  /** The reference naming an owned child's owner, whose responses show the child. */
  private readonly owner: ReferenceElement | undefined;

  constructor(
    private readonly def: ResourceDef,
    private readonly deps: EngineDeps,
    private readonly repo: RecordRepository,
    private readonly resolver: ReferenceResolver,
    /** The current row of an update, or the not_found its id answers. */
    private readonly load: (id: RecordId) => Promise<StoredRecord>,
  ) {
    this.owner = ownerReferenceOf(def);
  }

  /** Rails' message for a taken unique value; a clash in another resource's table (a find-or-create) names that resource. */
  private takenMessage(def: ResourceDef, element: string): string {
    return def === this.def
      ? `${humanize(element)} has already been taken`
      : `${humanize(def.singular)} ${element} has already been taken`;
  }

  /** The document read by the definition; with `strict`, an element it does not accept is refused here. */
  private parse(doc: Document, options: WriteOptions): ParsedInput {
    const input = parseInput(this.def, doc);
    if (options.strict && input.ignored.length > 0) {
      const index = indexCatalog(this.def);
      throw new RosterError(
        'validation_failed',
        input.ignored.map((name) =>
          findElement(index, name) ? `${name} is read-only` : `${name} is not an element of a ${this.def.singular}`,
        ),
      );
    }
    return input;
  }

  async writeItem(item: BatchItem, actor: Actor, options: WriteOptions): Promise<ItemOutcome> {
    try {
      const written =
        item.id === undefined
          ? await this.insert(item.doc, actor, options)
          : await this.change(item.id, item.doc, actor, options);
      return { ok: true, ...written };
    } catch (err) {
      if (isRosterError(err)) return { ok: false, error: err };
      throw err;
    }
  }

  private async insert(doc: Document, actor: Actor, options: WriteOptions): Promise<Written> {
    const input = this.parse(doc, options);
    await this.applyDefaults(input);
    const associations = await this.check(input);
    const columns = { ...this.creating(this.def, actor), ...(await this.columns(input)), ...this.systemColumns(options) };
    const writer = this.rowWriter(actor);
    const ownerColumn = this.owner === undefined ? undefined : columns[this.owner.column];
    const id = await this.write(async (trx) => {
      const newId = await this.repo.insert(trx, { ...columns, ...(await this.referenceColumns(trx, associations, writer)) });
      await this.writeCollections(trx, newId, associations, writer);
      await this.writeChildren(trx, newId, associations, actor, writer);
      await options.alongside?.(trx, newId);
      return newId;
    }, ownerColumn);
    return { id, ignored: input.ignored };
  }

  private async change(id: RecordId, doc: Document, actor: Actor, options: WriteOptions): Promise<Written> {
    const current = await this.load(id);
    const input = this.parse(doc, options);
    await this.applyDefaults(input, current);
    const associations = await this.check(input, current);
    const columns = {
      ...(await this.columns(input, current)),
      ...this.systemColumns(options),
      ...this.stamps(this.def, actor, 'update'),
    };
    const writer = this.rowWriter(actor);
    await this.write(
      async (trx) => {
        const row = { ...columns, ...(await this.referenceColumns(trx, associations, writer)) };
        // The row was read above; a concurrent delete may have won since.
        if (!(await this.repo.update(trx, id, row))) throw this.gone(this.def, String(id));
        await this.writeCollections(trx, id, associations, writer);
        await this.writeChildren(trx, id, associations, actor, writer);
        await options.alongside?.(trx, id);
        return id;
      },
      this.owner === undefined ? undefined : current.refs.get(this.owner.name),
    );
    return { id, ignored: input.ignored };
  }

  /** The columns of values the server sets itself (`WriteOptions.system`): read-only scalars, or the id a reference holds. */
  private systemColumns(options: WriteOptions): Row {
    const index = indexCatalog(this.def);
    const columns: Row = {};
    for (const [name, value] of options.system ?? []) {
      const el = index.byName.get(name);
      if (el?.kind === 'scalar') columns[el.column] = this.deps.store.dialect.toDb(el.type, value);
      else if (el?.kind === 'reference' && typeof value !== 'boolean') columns[el.column] = value;
      else throw new Error(`${this.def.name} has no scalar or reference ${name} to set to ${String(value)}`);
    }
    return columns;
  }

  /**
   * Creation defaults of associations (`default` on the element): what a create leaves out gets
   * them, and so does a reference an update leaves out on a row that has none. A default row
   * that no longer exists (a renamed `User` role) is left out rather than refusing the write.
   * A create's scalar with `defaultJoin` gets its parts joined when it is not given.
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
    for (const el of index.writableScalars) {
      const given = input.scalars.get(el);
      if (!el.defaultJoin || (typeof given === 'string' && given.trim() !== '')) continue;
      const parts = el.defaultJoin.map((name) => {
        const part = index.byName.get(name);
        return part?.kind === 'scalar' ? input.scalars.get(part) : undefined;
      });
      const joined = parts.filter((p) => p !== undefined && p !== null && String(p).trim() !== '').join('-');
      if (joined !== '') input.scalars.set(el, joined);
    }
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

  /** Validates and resolves everything before any write, so a bad request changes nothing. */
  private async check(input: ParsedInput, current?: StoredRecord): Promise<ResolvedAssociations> {
    this.deps.caches.refresh();
    const messages = validateRecord(
      this.def,
      input,
      current === undefined ? 'create' : 'update',
      this.deps.store.clock.iso().slice(0, 10),
    );
    if (current) {
      for (const [el, value] of input.scalars) {
        const was = current.values.get(el.name) ?? null;
        if (el.immutable && was !== null && value !== was) messages.push(`${humanize(el.name)} cannot be changed`);
      }
    }
    const missing: string[] = [];
    const associations = await this.resolve(input, missing);
    if (current) {
      for (const [el, resolved] of associations.references) {
        const was = current.refs.get(el.name) ?? null;
        if (el.immutable && was !== null && !(resolved?.kind === 'id' && resolved.id === was)) {
          messages.push(`${humanize(el.name)} cannot be changed`);
        }
      }
    }
    this.checkOwnership(input, current, missing);
    const unique = new Map<string, string>();
    const byColumn = new Map<string, string>();
    for (const [el, value] of input.scalars) {
      if (!el.unique || typeof value !== 'string' || value === '') continue;
      unique.set(el.column, value);
      byColumn.set(el.column, el.name);
    }
    for (const column of await this.repo.taken(unique, current?.id)) {
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
  /**
   * The columns of the given values. For an update (`current`), a scalar sent with the value it
   * already has is left out: the row reads the same, and the database maintains no index for it
   * (a CSV row that names a user by login sets that login again).
   */
  private async columns(input: ParsedInput, current?: StoredRecord): Promise<Row> {
    const { dialect } = this.deps.store;
    const columns: Row = {};
    for (const [el, value] of input.scalars) {
      if (current && value === (current.values.get(el.name) ?? null)) continue;
      columns[el.column] = dialect.toDb(el.type, value);
    }
    for (const [el, parts] of input.composites) Object.assign(columns, partColumns(el, parts));
    for (const [el, secret] of input.secrets) columns[el.column] = secret === null ? null : await hashPassword(secret);
    return columns;
  }

  /** Timestamps and audit users a write stamps on a row of `def`. */
  private stamps(def: ResourceDef, actor: Actor, mode: 'create' | 'update'): Row {
    const now = this.deps.store.clock.iso();
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
  private rowWriter(actor: Actor): RowWriter {
    const { dialect } = this.deps.store;
    return {
      encode: (target, fields, links, parts = new Map()) => {
        const index = indexCatalog(resourceNamed(target));
        const row: Row = {};
        for (const el of index.scalars)
          if (fields.has(el.name)) row[el.column] = dialect.toDb(el.type, fields.get(el.name) ?? null);
        for (const el of index.references) if (links.has(el.name)) row[el.column] = links.get(el.name) ?? null;
        for (const el of index.composites) {
          const given = parts.get(el.name);
          if (given !== undefined) Object.assign(row, partColumns(el, given));
        }
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

  private async writeCollections(trx: WriteDb, ownerId: RecordId, a: ResolvedAssociations, writer: RowWriter): Promise<void> {
    for (const [el, list] of a.collections) {
      const ids: RecordId[] = [];
      for (const r of list) ids.push(await this.resolver.materialize(trx, r, writer));
      await this.repo.setMemberships(trx, ownerId, el.membership, ids);
    }
  }

  /** Nested items, inside the write: removed, changed or added under the owner `ownerId`, in the client's order. */
  private async writeChildren(
    trx: WriteDb,
    ownerId: RecordId,
    a: ResolvedAssociations,
    actor: Actor,
    writer: RowWriter,
  ): Promise<void> {
    for (const [el, items] of a.children) {
      const child = resourceNamed(el.target);
      const repo = this.deps.repository(child.name);
      for (const { item, associations } of items) {
        // An item's row was this owner's when checked (`checkOwnership`); a concurrent write
        // may have removed it since, and then the item is refused as a missing one is.
        const lost = () =>
          new RosterError(
            'unknown_reference',
            `Couldn't find ${child.model} with ID=${item.id} for ${this.def.model} with ID=${ownerId}`,
          );
        if (item.destroy) {
          if (item.id !== undefined && !(await repo.remove(trx, item.id))) throw lost();
          continue;
        }
        const columns = { ...(await this.columns(item.input)), ...(await this.referenceColumns(trx, associations, writer)) };
        if (item.id === undefined) {
          await repo.insert(trx, { ...this.creating(child, actor), ...columns, [ownedBy(el).owner.column]: ownerId });
        } else if (!(await repo.update(trx, item.id, { ...columns, ...this.stamps(child, actor, 'update') }))) {
          throw lost();
        }
      }
    }
  }

  /** Deletes one row and, by the foreign keys' cascade, its owned children; of concurrent deletes, the others are not_found. */
  /** Deletes the row `record` was read from (with its owned children). */
  async remove(record: StoredRecord): Promise<void> {
    const { id } = record;
    await this.write(
      async (trx) => {
        if (!(await this.repo.remove(trx, id))) throw this.gone(this.def, String(id));
        return id;
      },
      this.owner === undefined ? undefined : record.refs.get(this.owner.name),
    );
  }

  /** Rails' 404 for a row that is not there (any more). */
  private gone(def: ResourceDef | undefined, id: string | undefined): RosterError {
    const which = id === undefined ? '' : ` with 'id'=${id}`;
    return new RosterError('not_found', `Couldn't find ${def?.model ?? 'the record this write belongs to'}${which}`);
  }

  /**
   * Runs the write in one transaction. Uniqueness was checked up front so every taken value
   * is reported at once; the database's unique indexes still decide races between writers,
   * on any table the write touches.
   */
  private async write(body: (trx: WriteDb) => Promise<RecordId>, ownerId?: unknown): Promise<RecordId> {
    let id: RecordId;
    try {
      // Its own transaction, or a savepoint when it runs in a chunk (a CSV load's rows).
      id = await this.deps.store.transact(body);
    } catch (err) {
      const clash = uniqueViolation(this.deps.store.dialect, err);
      if (clash) throw new RosterError('validation_failed', this.takenMessage(clash.def, clash.element.name));
      // A row this write points at (its owner) was deleted by a concurrent request.
      const missing = missingRecord(this.deps.store.dialect, err);
      if (missing) throw this.gone(missing.def, missing.id);
      throw err;
    }
    // Other processes re-read the table once the write is theirs to see: after the chunk's commit, in a chunk.
    if (this.def.cached) await this.deps.store.afterCommit(() => this.deps.changed(this.def.name));
    else await this.deps.store.afterCommit(() => this.deps.rowsChanged(this.def.name, [id]));
    // An owned child shows in its owner's responses (a worker's documents).
    const owner = this.owner;
    if (owner && (typeof ownerId === 'number' || typeof ownerId === 'string')) {
      await this.deps.store.afterCommit(() => this.deps.rowsChanged(owner.target, [ownerId]));
    }
    return id;
  }
}
