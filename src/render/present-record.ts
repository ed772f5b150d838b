import { idCodecOf } from '../catalog/ids.js';
import { assertNever, indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import { shallowKeys, type ResourceDef } from '../catalog/resource.js';
import type { Element, RecordId } from '../catalog/types.js';
import type { Shape, View } from '../query/view.js';
import type { StoredRecord } from '../store/record-codec.js';
import type { OutNode, OutObject } from './out.js';
import { pick, project, shapeOf } from './project.js';

/** What the presenter needs already loaded: rows of other resources, by resource name and id. */
export interface PresentLookups {
  record(target: string, id: RecordId): StoredRecord | undefined;
}

/**
 * Below this nesting level a row shows only its id and natural key. Three levels keep what
 * Coupa's Swagger requires of the deepest rows a user nests (a default account's account
 * type's currency, with its `name`).
 */
export const FULL_DEPTH = 3;

const NULL_OBJECT: OutNode = { t: 'object', v: null };

function scalarNode(el: Element, r: StoredRecord): OutNode {
  switch (el.kind) {
    case 'scalar':
      return { t: el.type, v: r.values.get(el.name) ?? null };
    case 'computed':
      return { t: el.type, v: el.compute(r.values) };
    case 'composite': {
      const parts = r.composites.get(el.name);
      if (!parts) return NULL_OBJECT;
      return {
        t: 'object',
        v: {
          tag: el.name,
          fields: el.fields.map((f) => [f.name, { t: 'string', v: parts.get(f.name) ?? f.blank ?? null }] as const),
        },
      };
    }
    case 'secret':
    case 'reference':
    case 'through':
    case 'collection':
    case 'children':
      return { t: 'string', v: null };
    default:
      return assertNever(el);
  }
}

/** The row another one points at: read with it (joined), or from the lookups. */
export function referenced(r: StoredRecord, name: string, target: string, lookups: PresentLookups): StoredRecord | undefined {
  const id = r.refs.get(name);
  if (id == null) return undefined;
  return r.joined.get(name) ?? lookups.record(target, id);
}

/**
 * A row nested in another record, as Coupa nests it: the resource's simple elements (a
 * user's UserSimple, a role's fields), its own references nested one level further, and
 * from `FULL_DEPTH` on only the id and the natural key.
 */
function presentNested(
  def: ResourceDef,
  tag: string,
  r: StoredRecord,
  lookups: PresentLookups,
  depth: number,
  names: readonly string[] = def.simple,
): OutObject {
  const index = indexCatalog(def);
  if (depth >= FULL_DEPTH) {
    return {
      tag,
      fields: [
        ['id', { t: idCodecOf(def).type, v: r.id }],
        [def.key, { t: index.key.type, v: r.values.get(def.key) ?? null }],
      ],
    };
  }
  const fields: Array<readonly [string, OutNode]> = [];
  for (const name of names) {
    const el = index.byName.get(name);
    if (!el) continue;
    fields.push([name, elementNode(el, r, lookups, depth + 1)]);
  }
  return { tag, fields };
}

function elementNode(el: Element, r: StoredRecord, lookups: PresentLookups, depth: number): OutNode {
  switch (el.kind) {
    case 'reference': {
      const other = referenced(r, el.name, el.target, lookups);
      if (!other) return NULL_OBJECT;
      return { t: 'object', v: presentNested(resourceNamed(el.target), el.name, other, lookups, depth, el.nested) };
    }
    case 'collection': {
      const target = resourceNamed(el.target);
      const items: OutObject[] = [];
      for (const id of r.collections.get(el.membership) ?? []) {
        const row = lookups.record(el.target, id);
        if (row) items.push(presentNested(target, target.singular, row, lookups, depth));
      }
      return { t: 'array', item: target.singular, v: items };
    }
    case 'through': {
      if (el.field === 'id') return { t: el.type, v: r.refs.get(el.reference) ?? null };
      return { t: el.type, v: referenced(r, el.reference, el.target, lookups)?.values.get(el.field) ?? null };
    }
    case 'children': {
      const target = resourceNamed(el.target);
      const rows = r.children.get(el.name) ?? [];
      return { t: 'array', item: target.singular, v: rows.map((row) => presentRecord(target, row, lookups)) };
    }
    default:
      return scalarNode(el, r);
  }
}

/** The full record as Coupa renders it, associations nested. */
export function presentRecord(def: ResourceDef, r: StoredRecord, lookups: PresentLookups): OutObject {
  return {
    tag: def.singular,
    fields: indexCatalog(def).outElements.map((el) => [el.name, elementNode(el, r, lookups, 0)] as const),
  };
}

const shallowCache = new WeakMap<ResourceDef, ReadonlyMap<string, ReadonlySet<string>>>();

/** What `return_object=shallow` keeps of each association of `def`: its id and natural key (a user's login and email). */
export function shallowKeysOf(def: ResourceDef): ReadonlyMap<string, ReadonlySet<string>> {
  let keys = shallowCache.get(def);
  if (!keys) {
    keys = new Map(
      indexCatalog(def).outElements.flatMap((el) =>
        el.kind === 'reference' || el.kind === 'collection' || el.kind === 'children'
          ? [[el.name, new Set(shallowKeys(resourceNamed(el.target)))] as const]
          : [],
      ),
    );
    shallowCache.set(def, keys);
  }
  return keys;
}

function shallow(def: ResourceDef, o: OutObject): OutObject {
  const keysOf = shallowKeysOf(def);
  return {
    tag: o.tag,
    fields: o.fields.map(([name, node]) => {
      const keys = keysOf.get(name);
      if (!keys) return [name, node] as const;
      if (node.t === 'object') return [name, { t: 'object', v: node.v ? pick(node.v, keys) : null }] as const;
      if (node.t === 'array') return [name, { ...node, v: node.v.map((item) => pick(item, keys)) }] as const;
      return [name, node] as const;
    }),
  };
}

const ID_ONLY = new Set(['id']);

/** The record as the request's view asks: full, shallow, ids only, or the requested fields; `none` shows nothing. */
export function presentAs(def: ResourceDef, r: StoredRecord, lookups: PresentLookups, view: View): OutObject | undefined {
  switch (view.kind) {
    case 'none':
      return undefined;
    case 'limited':
      return pick(presentRecord(def, r, lookups), ID_ONLY);
    case 'shallow':
      return shallow(def, presentRecord(def, r, lookups));
    case 'fields':
      return project(presentRecord(def, r, lookups), view.fields);
    case 'full':
      return presentRecord(def, r, lookups);
  }
}

/** A row of `def` with every association set and one child of each kind, for working out the shape of a rendering. */
function templateRecord(def: ResourceDef): StoredRecord {
  const index = indexCatalog(def);
  return {
    id: 1,
    values: new Map(),
    refs: new Map(index.references.map((el) => [el.name, 1] as const)),
    composites: new Map(index.composites.map((el) => [el.name, new Map()] as const)),
    collections: new Map(index.collections.map((el) => [el.membership, [1]] as const)),
    joined: new Map(),
    children: new Map(index.children.map((el) => [el.name, [templateRecord(resourceNamed(el.target))]] as const)),
  };
}

const shapes = new WeakMap<ResourceDef, Shape>();

/**
 * Every name a rendered record can carry, for checking `fields` before any query runs: the
 * shape of a record with every association set, so it can never disagree with presentRecord.
 */
export function shapeOfResource(def: ResourceDef): Shape {
  let shape = shapes.get(def);
  if (!shape) {
    const lookups: PresentLookups = { record: (target) => templateRecord(resourceNamed(target)) };
    shape = shapeOf(presentRecord(def, templateRecord(def), lookups));
    shapes.set(def, shape);
  }
  return shape;
}
