import { humanize } from '../catalog/lookup.js';
import { isRefTable, refTable } from '../catalog/reference-data.js';
import type { ScalarValue } from '../catalog/types.js';
import type { ReferenceRepository, WriteDb } from '../store/reference-repository.js';
import type { UserRepository } from '../store/user-repository.js';
import type { RefSpec } from './user-input.js';

/** A reference resolved to an existing id, or to a row to create once the whole write is valid. */
export type Resolved =
  | { readonly kind: 'id'; readonly id: number }
  | {
      readonly kind: 'create';
      readonly table: string;
      readonly fields: ReadonlyMap<string, ScalarValue | null>;
      readonly links: ReadonlyMap<string, number | null>;
      /** The natural key a new row gets ("1000.0 USD"), worked out before the write transaction. */
      readonly name: string;
    };

/** Looks up associations named by id or natural key; never writes. */
export class ReferenceResolver {
  constructor(
    private readonly refs: ReferenceRepository,
    private readonly users: UserRepository,
  ) {}

  /** Returns the resolution, or pushes a message naming what was not found. */
  async resolve(target: string, spec: RefSpec, element: string, messages: string[]): Promise<Resolved | undefined> {
    const label = humanize(element);
    if (!isRefTable(target)) {
      const id =
        spec.by === 'id'
          ? (await this.users.exists(spec.id))
            ? spec.id
            : undefined
          : spec.by === 'key'
            ? await this.users.idByLogin(spec.key)
            : undefined;
      if (id === undefined)
        messages.push(
          `${label}: no user with ${spec.by === 'id' ? `id ${spec.id}` : spec.by === 'key' ? `login '${spec.key}'` : 'those attributes'}`,
        );
      return id === undefined ? undefined : { kind: 'id', id };
    }
    const def = refTable(target);
    if (spec.by === 'id') {
      if (await this.refs.byId(target, spec.id)) return { kind: 'id', id: spec.id };
      messages.push(`${label}: no ${def.tag.replaceAll('-', ' ')} with id ${spec.id}`);
      return undefined;
    }
    if (spec.by === 'key') {
      const row = await this.refs.byKey(target, spec.key);
      if (row) return { kind: 'id', id: row.id };
      messages.push(`${label}: no ${def.tag.replaceAll('-', ' ')} with ${def.key} '${spec.key}'`);
      return undefined;
    }
    const links = new Map<string, number | null>();
    for (const [name, linkSpec] of spec.links) {
      const link = def.links?.find((l) => l.name === name);
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
      const link = def.links?.find((l) => l.name === name);
      const linkedId = links.get(name);
      if (link && typeof linkedId === 'number') {
        const linked = await this.refs.byId(link.target, linkedId);
        parts.push(String(linked?.fields.get(refTable(link.target).key) ?? linkedId));
      } else {
        parts.push(String(spec.attrs.get(name) ?? ''));
      }
    }
    return { kind: 'create', table: target, fields: spec.attrs, links, name: parts.join(' ') };
  }

  /**
   * Inside the write transaction `trx`, which alone it queries (SQLite's one connection is
   * held by it): reuses the row that matches on the table's
   * find-or-create fields (an approval limit of the same amount and currency, whatever its
   * name), or creates one, named "1000.0 USD" unless the client gave other fields to keep.
   * Safe under concurrency (see ReferenceRepository.findOrCreateIn), and undone with the
   * transaction if the rest of the write fails.
   */
  async materialize(trx: WriteDb, r: Resolved): Promise<number> {
    if (r.kind === 'id') return r.id;
    const def = refTable(r.table);
    const by = new Set(def.findOrCreateBy);
    const match = {
      fields: new Map([...r.fields].filter(([k]) => by.has(k))),
      links: new Map([...r.links].filter(([k]) => by.has(k))),
    };
    return this.refs.findOrCreateIn(trx, def, match, async () => {
      // The natural key must stay unique: "1000.0 USD", then "1000.0 USD (2)"...
      let name = r.name;
      for (let n = 2; await this.refs.keyTakenIn(trx, def, name); n++) name = `${r.name} (${n})`;
      return { fields: new Map([...r.fields, [def.key, name]]), links: r.links };
    });
  }
}
