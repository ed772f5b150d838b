import { indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { RecordId } from '../catalog/types.js';
import type { FieldTree, View } from '../query/view.js';
import type { StoredRecord } from '../store/record-codec.js';
import type { PresentLookups } from './present-record.js';
import type { RowName } from './response-cache.js';

/**
 * The rows a rendering of `r` shows something of, for the response cache's evictions: the
 * record, every row it references (read with it or not), its collections' rows, its owned
 * children and theirs, and `looked`: the rows presenting it read through the lookups (nested
 * rows' own references). A superset is safe; a row left out would leave stale bytes.
 */
export function shownRows(def: ResourceDef, r: StoredRecord, looked: readonly RowName[]): RowName[] {
  // Each row once (a user's creator is often its updater too): the cache indexes every one.
  const seen = new Map<string, RowName>();
  const add = (resource: string, id: RecordId): void => {
    const key = `${resource}#${id}`;
    if (!seen.has(key)) seen.set(key, { resource, id });
  };
  const visit = (d: ResourceDef, row: StoredRecord): void => {
    add(d.name, row.id);
    const index = indexCatalog(d);
    for (const el of index.references) {
      const id = row.refs.get(el.name);
      if (id != null) add(el.target, id);
    }
    for (const el of index.collections) {
      for (const id of row.collections.get(el.membership) ?? []) add(el.target, id);
    }
    for (const el of index.children) {
      const child = resourceNamed(el.target);
      for (const c of row.children.get(el.name) ?? []) visit(child, c);
    }
  };
  visit(def, r);
  for (const row of looked) add(row.resource, row.id);
  return [...seen.values()];
}

/** Lookups that note every row they are asked for in `looked`. */
export function recordingLookups(lookups: PresentLookups, looked: RowName[]): PresentLookups {
  return {
    record(target: string, id: RecordId) {
      looked.push({ resource: target, id });
      return lookups.record(target, id);
    },
  };
}

function fieldsKey(tree: FieldTree): string {
  const parts: string[] = [];
  for (const [name, sub] of tree) parts.push(sub === true ? JSON.stringify(name) : `${JSON.stringify(name)}:{${fieldsKey(sub)}}`);
  return parts.join(',');
}

/** A view as a cache key: one text per distinct rendering. */
export function viewKey(view: View): string {
  return view.kind === 'fields' ? `fields{${fieldsKey(view.fields)}}` : view.kind;
}
