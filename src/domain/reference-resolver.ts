import { humanize, indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import type { RecordId, ScalarValue } from '../catalog/types.js';
import type { Row } from '../store/database.js';
import type { RecordCaches } from '../store/record-caches.js';
import type { RecordRepository } from '../store/record-repository.js';
import type { WriteDb } from '../store/write-db.js';
import type { CompositeParts, RefSpec } from './record-input.js';

/** A reference resolved to an existing id, or to a row to create once the whole write is valid. */
export type Resolved =
  | { readonly kind: 'id'; readonly id: RecordId }
  | {
      readonly kind: 'create';
      readonly target: string;
      readonly fields: ReadonlyMap<string, ScalarValue | null>;
      /** Value objects of the new row (`RefSpec` `parts`): set when it is created, not matched on. */
      readonly parts: ReadonlyMap<string, CompositeParts | null>;
      readonly links: ReadonlyMap<string, RecordId | null>;
      /** The natural key a new row gets ("1000.0 USD"), worked out before the write transaction. */
      readonly name: string;
    };

/** How the record service writes rows of another resource: its values as columns, and the stamps of a new row. */
export interface RowWriter {
  /** Columns of `target` for scalars and links by element name, and value objects' parts (`parts`, when given). */
  encode(
    target: string,
    fields: ReadonlyMap<string, ScalarValue | null>,
    links: ReadonlyMap<string, RecordId | null>,
    parts?: ReadonlyMap<string, CompositeParts | null>,
  ): Row;
  /** Timestamps, audit users and defaults of a new row of `target`. */
  creating(target: string): Row;
}

/** Looks up associations named by id or a natural key (or an alternate one), in any resource; never writes. */
export class ReferenceResolver {
  constructor(
    private readonly repository: (name: string) => RecordRepository,
    private readonly caches: RecordCaches,
  ) {}

  private async exists(target: string, id: RecordId): Promise<boolean> {
    if (resourceNamed(target).cached) return (await this.caches.byId(target, id)) !== undefined;
    return this.repository(target).exists(id);
  }

  /** The row whose `element` (the natural key unless given) is `key`; an alternate key is read from the database, not the caches. */
  private async idByKey(target: string, key: string, element?: string): Promise<RecordId | undefined> {
    if (element !== undefined) return this.repository(target).idByKey(key, element);
    if (resourceNamed(target).cached) return (await this.caches.byKey(target, key))?.id;
    return this.repository(target).idByKey(key);
  }

  /** Returns the resolution, or pushes a message naming what was not found. */
  async resolve(target: string, spec: RefSpec, element: string, messages: string[]): Promise<Resolved | undefined> {
    const label = humanize(element);
    const def = resourceNamed(target);
    const noun = def.singular.replaceAll('-', ' ');
    if (spec.by === 'id') {
      if (await this.exists(target, spec.id)) return { kind: 'id', id: spec.id };
      messages.push(`${label}: no ${noun} with id ${spec.id}`);
      return undefined;
    }
    if (spec.by === 'key') {
      const id = await this.idByKey(target, spec.key, spec.element);
      if (id !== undefined) return { kind: 'id', id };
      messages.push(`${label}: no ${noun} with ${spec.element ?? def.key} '${spec.key}'`);
      return undefined;
    }
    const index = indexCatalog(def);
    const links = new Map<string, RecordId | null>();
    for (const [name, linkSpec] of spec.links) {
      const link = index.references.find((l) => l.name === name);
      if (!link) continue;
      if (linkSpec === null) {
        links.set(name, null);
        continue;
      }
      const r = await this.resolve(link.target, linkSpec, `${element} ${name}`, messages);
      if (r?.kind === 'id') links.set(name, r.id);
      else return undefined;
    }
    // The name is read here, outside the write: inside it only the transaction may be queried.
    const parts: string[] = [];
    for (const name of def.findOrCreateBy ?? []) {
      const link = index.references.find((l) => l.name === name);
      const linkedId = links.get(name);
      if (link && linkedId != null) {
        const linkedDef = resourceNamed(link.target);
        const linked = linkedDef.cached
          ? await this.caches.byId(link.target, linkedId)
          : (await this.repository(link.target).findPlain([linkedId]))[0];
        parts.push(String(linked?.values.get(linkedDef.key) ?? linkedId));
      } else {
        parts.push(String(spec.attrs.get(name) ?? ''));
      }
    }
    return { kind: 'create', target, fields: spec.attrs, parts: spec.parts, links, name: parts.join(' ') };
  }

  /**
   * Inside the write transaction `trx`, which alone it queries (SQLite's one connection is
   * held by it): reuses the row that matches on the target's find-or-create elements (an
   * approval limit of the same amount and currency, whatever its name), or creates one, named
   * "1000.0 USD" unless the client gave other fields to keep. Safe under concurrency (see
   * RecordRepository.findOrCreate), and undone with the transaction if the rest of the write fails.
   */
  async materialize(trx: WriteDb, r: Resolved, writer: RowWriter): Promise<RecordId> {
    if (r.kind === 'id') return r.id;
    const def = resourceNamed(r.target);
    const repo = this.repository(r.target);
    const by = new Set(def.findOrCreateBy);
    const match = writer.encode(
      r.target,
      new Map([...r.fields].filter(([k]) => by.has(k))),
      new Map([...r.links].filter(([k]) => by.has(k))),
    );
    return repo.findOrCreate(trx, match, async () => {
      // A resource whose key is optional (a contact, an address) is created with what the client gave.
      if (!indexCatalog(def).key.required) {
        return { ...writer.creating(r.target), ...writer.encode(r.target, r.fields, r.links, r.parts) };
      }
      // The natural key must stay unique: "1000.0 USD", then "1000.0 USD (2)"...
      let name = r.name;
      for (let n = 2; await repo.keyTaken(trx, name); n++) name = `${r.name} (${n})`;
      const fields = new Map([...r.fields, [def.key, name]]);
      return { ...writer.creating(r.target), ...writer.encode(r.target, fields, r.links, r.parts) };
    });
  }
}
