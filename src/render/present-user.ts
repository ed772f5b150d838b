import { refTable } from '../catalog/reference-data.js';
import type { Element } from '../catalog/types.js';
import { USER_SIMPLE_FIELDS, USERS } from '../catalog/users.js';
import { indexCatalog } from '../catalog/lookup.js';
import type { RefRow } from '../store/reference-repository.js';
import type { StoredUser } from '../store/user-repository.js';
import type { Shape, View } from '../query/view.js';
import type { OutNode, OutObject } from './out.js';
import { pick, project, shapeOf } from './project.js';

/** What the presenter needs already loaded: associated rows by id. */
export interface PresentLookups {
  ref(table: string, id: number): RefRow | undefined;
  user(id: number): StoredUser | undefined;
}

const index = indexCatalog(USERS);

/**
 * A reference row with its fields; its links are nested in full one level down (account ->
 * account type), and the next level by id and natural key only (account type -> currency).
 */
function presentRef(table: string, tag: string, row: RefRow, lookups: PresentLookups, depth = 0): OutObject {
  const def = refTable(table);
  const fields: Array<readonly [string, OutNode]> = [['id', { t: 'integer', v: row.id }]];
  const shallow = depth >= 2;
  for (const f of def.fields) {
    if (!shallow || f.name === def.key) fields.push([f.name, { t: f.type, v: row.fields.get(f.name) ?? null }]);
  }
  for (const link of def.links ?? []) {
    if (shallow) continue;
    const id = row.links.get(link.name);
    const linked = typeof id === 'number' ? lookups.ref(link.target, id) : undefined;
    fields.push([link.name, { t: 'object', v: linked ? presentRef(link.target, link.name, linked, lookups, depth + 1) : null }]);
  }
  return { tag, fields };
}

function presentUserSimple(tag: string, u: StoredUser): OutObject {
  return {
    tag,
    fields: USER_SIMPLE_FIELDS.map((name) => {
      const el = index.byName.get(name);
      return [name, el ? valueOf(el, u) : { t: 'string', v: null }] as const;
    }),
  };
}

function valueOf(el: Element, u: StoredUser): OutNode {
  switch (el.kind) {
    case 'scalar':
      return { t: el.type, v: u.values.get(el.name) ?? null };
    case 'computed':
      return { t: el.type, v: el.compute(u.values) };
    default:
      return { t: 'string', v: null };
  }
}

function elementNode(el: Element, u: StoredUser, lookups: PresentLookups): OutNode {
  switch (el.kind) {
    case 'scalar':
    case 'computed':
      return valueOf(el, u);
    case 'composite': {
      const parts = u.composites.get(el.name);
      if (!parts) return { t: 'object', v: null };
      return {
        t: 'object',
        v: { tag: el.name, fields: el.fields.map((f) => [f.name, { t: 'string', v: parts.get(f.name) ?? null }] as const) },
      };
    }
    case 'reference': {
      const id = u.refs.get(el.name);
      if (typeof id !== 'number') return { t: 'object', v: null };
      if (el.target === USERS.table) {
        const other = lookups.user(id);
        return { t: 'object', v: other ? presentUserSimple(el.name, other) : null };
      }
      const row = lookups.ref(el.target, id);
      return { t: 'object', v: row ? presentRef(el.target, el.name, row, lookups) : null };
    }
    case 'collection': {
      const def = refTable(el.target);
      const items: OutObject[] = [];
      for (const id of u.collections.get(el.membership) ?? []) {
        const row = lookups.ref(el.target, id);
        if (row) items.push(presentRef(el.target, def.tag, row, lookups));
      }
      return { t: 'array', item: def.tag, v: items };
    }
    case 'secret':
      return { t: 'string', v: null };
  }
}

/** The full user as Coupa renders it, associations nested. */
export function presentUser(u: StoredUser, lookups: PresentLookups): OutObject {
  return {
    tag: USERS.singular,
    fields: index.outElements.map((el) => [el.name, elementNode(el, u, lookups)] as const),
  };
}

/** Every associated id a set of users needs loaded before it can be presented. */
export function associatedIds(users: readonly StoredUser[]): { refs: Map<string, number[]>; users: number[] } {
  const refs = new Map<string, number[]>();
  const userIds: number[] = [];
  const add = (table: string, id: number) => {
    const list = refs.get(table) ?? [];
    list.push(id);
    refs.set(table, list);
  };
  for (const el of index.outElements) {
    for (const u of users) {
      if (el.kind === 'reference') {
        const id = u.refs.get(el.name);
        if (typeof id !== 'number') continue;
        if (el.target === USERS.table) userIds.push(id);
        else add(el.target, id);
      } else if (el.kind === 'collection') {
        for (const id of u.collections.get(el.membership) ?? []) add(el.target, id);
      }
    }
  }
  return { refs, users: userIds };
}

/** What `return_object=shallow` keeps of each association: its id and natural key (a user's login and email, as Coupa shows). */
const SHALLOW_KEYS = new Map(
  index.outElements.flatMap((el) => {
    if (el.kind !== 'reference' && el.kind !== 'collection') return [];
    const keys = el.target === USERS.table ? ['id', 'login', 'email'] : ['id', refTable(el.target).key];
    return [[el.name, new Set(keys)] as const];
  }),
);

function shallow(o: OutObject): OutObject {
  return {
    tag: o.tag,
    fields: o.fields.map(([name, node]) => {
      const keys = SHALLOW_KEYS.get(name);
      if (!keys) return [name, node] as const;
      if (node.t === 'object') return [name, { t: 'object', v: node.v ? pick(node.v, keys) : null }] as const;
      if (node.t === 'array') return [name, { ...node, v: node.v.map((item) => pick(item, keys)) }] as const;
      return [name, node] as const;
    }),
  };
}

const ID_ONLY = new Set(['id']);

/** The user as the request's view asks: full, shallow, ids only, or the requested fields; `none` shows nothing. */
export function presentUserAs(u: StoredUser, lookups: PresentLookups, view: View): OutObject | undefined {
  switch (view.kind) {
    case 'none':
      return undefined;
    case 'limited':
      return pick(presentUser(u, lookups), ID_ONLY);
    case 'shallow':
      return shallow(presentUser(u, lookups));
    case 'fields':
      return project(presentUser(u, lookups), view.fields);
    case 'full':
      return presentUser(u, lookups);
  }
}

/**
 * Every name a rendered user can carry, for checking `fields` before any query runs: the
 * shape of a user with every association set, so it can never disagree with presentUser.
 */
export const USER_SHAPE: Shape = (() => {
  const template: StoredUser = {
    id: 1,
    values: new Map(),
    refs: new Map(index.outElements.flatMap((el) => (el.kind === 'reference' ? [[el.name, 1] as const] : []))),
    composites: new Map(index.outElements.flatMap((el) => (el.kind === 'composite' ? [[el.name, new Map()] as const] : []))),
    collections: new Map(index.outElements.flatMap((el) => (el.kind === 'collection' ? [[el.membership, [1]] as const] : []))),
    related: new Map(),
  };
  const lookups: PresentLookups = {
    ref: (table, id) => ({ id, fields: new Map(), links: new Map((refTable(table).links ?? []).map((l) => [l.name, 1])) }),
    user: () => template,
  };
  return shapeOf(presentUser(template, lookups));
})();
