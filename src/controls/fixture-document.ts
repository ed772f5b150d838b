import { normalizeName } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { Element, RecordId, ScalarElement, ScalarValue } from '../catalog/types.js';
import type { Document } from '../domain/record-input.js';
import type { StoredRecord } from '../store/record-codec.js';
import type { RecordRepository } from '../store/record-repository.js';

/**
 * Which elements a fixture document holds: `record`, what the API writes (users, workers) and
 * the read-only values a fixture may set (`fixtureSets`); `reference`, every stored value of a
 * reference row, as the store's fixture loader reads it (store/reference-seed.ts).
 */
export type DocumentMode = 'record' | 'reference';

/** The user element that marks the user behind an API credential: such users are made by their credential, never by a fixture. */
export const API_USER = 'api-user';

/**
 * A read-only scalar a fixture may set, as the server would (a worker's `status`, which only a
 * fixture sets): neither a stamp, nor the API-user flag, nor a description of an avatar image
 * (a fixture carries no image).
 */
export function fixtureSets(def: ResourceDef, el: ScalarElement): boolean {
  return !el.in && el.auto === undefined && el.name !== API_USER && !(def.avatar && el.name.startsWith('avatar-'));
}

/** Whether a fixture document of `def` in `mode` holds element `el`. */
function holds(def: ResourceDef, el: Element, mode: DocumentMode): boolean {
  switch (el.kind) {
    case 'scalar':
      return el.auto === undefined && (mode === 'reference' || el.in || fixtureSets(def, el));
    case 'composite':
    case 'children':
      return mode === 'reference' || el.in;
    case 'reference':
    case 'collection': {
      if (el.kind === 'reference' && (el.auto !== undefined || el.owner === true)) return false;
      const target = resourceNamed(el.target);
      // A row named by its id cannot be named in another database; reference data loads before any user.
      if (target.key === 'id') return false;
      return mode === 'reference' ? target.cached === true : el.in;
    }
    case 'secret':
    case 'computed':
    case 'through':
      return false;
  }
}

/** The elements a fixture document of `def` holds, in render order. */
export const documentElements = (def: ResourceDef, mode: DocumentMode): readonly Element[] =>
  def.elements.filter((el) => holds(def, el, mode));

/**
 * The natural keys of the rows documents name, read in one query per resource and kept: a
 * reference becomes `{name: …}` without a query per row.
 */
export class NaturalKeys {
  private readonly known = new Map<string, Map<RecordId, ScalarValue | null>>();

  constructor(private readonly repository: (name: string) => RecordRepository) {}

  /** Reads the keys of every row the records (and their children) name, that are not known yet. */
  async load(def: ResourceDef, records: readonly StoredRecord[], mode: DocumentMode): Promise<void> {
    const wanted = new Map<string, Set<RecordId>>();
    const visit = (d: ResourceDef, rows: readonly StoredRecord[]) => {
      for (const el of documentElements(d, mode)) {
        if (el.kind === 'reference' || el.kind === 'collection') {
          const ids = wanted.get(el.target) ?? new Set<RecordId>();
          for (const r of rows) {
            if (el.kind === 'reference') {
              const id = r.refs.get(el.name);
              if (id != null) ids.add(id);
            } else for (const id of r.collections.get(el.membership) ?? []) ids.add(id);
          }
          wanted.set(el.target, ids);
        } else if (el.kind === 'children') {
          visit(
            resourceNamed(el.target),
            rows.flatMap((r) => r.children.get(el.name) ?? []),
          );
        }
      }
    };
    visit(def, records);
    for (const [target, ids] of wanted) {
      const known = this.known.get(target) ?? new Map<RecordId, ScalarValue | null>();
      this.known.set(target, known);
      const missing = [...ids].filter((id) => !known.has(id));
      const key = resourceNamed(target).key;
      for (const r of await this.repository(target).findPlain(missing)) known.set(r.id, r.values.get(key) ?? null);
    }
  }

  /** `{key: value}` naming row `id` of `target`; null if the row is gone. */
  named(target: string, id: RecordId): Document | null {
    const value = this.known.get(target)?.get(id);
    return value === undefined || value === null ? null : { [resourceNamed(target).key]: value };
  }
}

/** Whether a value left out of a document would read differently from null (the element has a default). */
function defaulted(el: Element): boolean {
  return (el.kind === 'scalar' && el.default !== undefined) || (el.kind === 'reference' && el.default !== undefined);
}

/**
 * A stored record as a fixture document: element names as in the JSON API, associations by
 * natural key, owned children nested; no ids, stamps or secrets. A null is left out unless the
 * element has a default (which an absent value would get), and so is an empty list unless a
 * creation default would fill it (a user's roles).
 */
export function documentOf(def: ResourceDef, record: StoredRecord, keys: NaturalKeys, mode: DocumentMode): Document {
  const doc: Document = {};
  for (const el of documentElements(def, mode)) {
    switch (el.kind) {
      case 'scalar': {
        const value = record.values.get(el.name) ?? null;
        if (value !== null || defaulted(el)) doc[el.name] = value;
        break;
      }
      case 'composite': {
        const parts = record.composites.get(el.name);
        const given = parts ? [...parts].filter(([, v]) => v !== null && v !== '') : [];
        if (given.length > 0) doc[el.name] = Object.fromEntries(given);
        break;
      }
      case 'reference': {
        const id = record.refs.get(el.name);
        const named = id == null ? null : keys.named(el.target, id);
        if (named !== null || defaulted(el)) doc[el.name] = named;
        break;
      }
      case 'collection': {
        const items = (record.collections.get(el.membership) ?? []).flatMap((id) => keys.named(el.target, id) ?? []);
        if (items.length > 0 || el.default !== undefined) doc[el.name] = items;
        break;
      }
      case 'children': {
        const child = resourceNamed(el.target);
        const items = (record.children.get(el.name) ?? []).map((r) => documentOf(child, r, keys, mode));
        if (items.length > 0) doc[el.name] = items;
        break;
      }
      default:
        break;
    }
  }
  return doc;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Whether a fixture's value reads as the current one: scalars as text (numbers as numbers,
 * `5` is `5.00`), objects by the names the fixture gives, lists item by item; absent, null and
 * empty are alike. A value written differently (a phone as one string) reads as a change,
 * which writes the same value again.
 */
export function sameValue(given: unknown, current: unknown): boolean {
  const blank = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  if (blank(given) || blank(current)) return blank(given) && blank(current);
  if (Array.isArray(given) || Array.isArray(current)) {
    if (!Array.isArray(given) || !Array.isArray(current) || given.length !== current.length) return false;
    return given.every((item, i) => sameValue(item, current[i]));
  }
  if (typeof given === 'object' && given !== null) {
    if (typeof current !== 'object' || current === null) return false;
    const now = current as Record<string, unknown>;
    return Object.entries(given).every(([k, v]) => sameValue(v, now[normalizeName(k)]));
  }
  if (typeof current === 'object' && current !== null) {
    // A reference given by its key alone (`"department": "Finance"`).
    const values = Object.values(current);
    return values.length === 1 && sameValue(given, values[0]);
  }
  const [a, b] = [String(given), String(current)];
  return a === b || (NUMBER.test(a) && NUMBER.test(b) && Number(a) === Number(b));
}
