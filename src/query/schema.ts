import { assertNever, findElement, indexCatalog, normalizeName } from '../catalog/lookup.js';
import { ownedBy, RESOURCES, resourceNamed } from '../catalog/registry.js';
import { membershipOwner, membershipTable, type ResourceDef } from '../catalog/resource.js';
import type { Element, ScalarType } from '../catalog/types.js';

/** A column a condition can test, in the table of its context. */
export interface QueryField {
  readonly name: string;
  readonly column: string;
  readonly type: ScalarType;
  /** No two rows share a non-empty value, so an exact match is a point lookup. */
  readonly unique?: boolean;
  /** The only values the element may hold (its catalogue `allowed`); an exact match on another is a 400. */
  readonly allowed?: readonly string[];
}

/** One step through an association, from the current table to `target`. */
export type Hop =
  /** A belongs-to: `column` of the current table holds the target's id. */
  | { readonly via: 'column'; readonly name: string; readonly column: string; readonly target: string }
  /** A has-many kept in a membership table: rows (owner, kind, ref) link the owner to target ids. */
  | {
      readonly via: 'membership';
      readonly name: string;
      readonly table: string;
      readonly owner: string;
      readonly kind: string;
      readonly ref: string;
      readonly target: string;
    }
  /** Owned children: rows of `target` whose `owner` column holds the current row's id. */
  | { readonly via: 'child'; readonly name: string; readonly owner: string; readonly target: string };

/** What a name means in a table: a field, an association to follow, or a value object's parts. */
export type Meaning =
  | { readonly is: 'field'; readonly field: QueryField }
  | { readonly is: 'hop'; readonly hop: Hop }
  | { readonly is: 'group'; readonly name: string; readonly fields: ReadonlyMap<string, QueryField> }
  /** A field of the row a belongs-to points at, under a name of its own (`account-type-id`, `warehouse-name`). */
  | { readonly is: 'through'; readonly hop: Hop; readonly field: QueryField }
  | { readonly is: 'hidden'; readonly name: string };

/** The queryable shape of a resource and of every table it reaches, by table name. */
export interface QuerySchema {
  readonly root: string;
  /** Plural name, for messages ("users have no such element"). */
  readonly plural: string;
  /** Fields `order_by` may name: the root's scalars and foreign keys. */
  orderable(name: string): QueryField | undefined;
  meaning(table: string, name: string): Meaning | undefined;
}

/** What an element means to a query, in the table of its resource. */
function elementMeaning(def: ResourceDef, el: Element): Meaning {
  switch (el.kind) {
    case 'scalar':
      return {
        is: 'field',
        field: {
          name: el.name,
          column: el.column,
          type: el.type,
          unique: el.unique === true || el.column === 'id',
          ...(el.allowed ? { allowed: el.allowed } : {}),
        },
      };
    case 'reference':
      return { is: 'hop', hop: { via: 'column', name: el.name, column: el.column, target: resourceNamed(el.target).table } };
    case 'collection':
      return {
        is: 'hop',
        hop: {
          via: 'membership',
          name: el.name,
          table: membershipTable(def),
          owner: membershipOwner(def),
          kind: el.membership,
          ref: 'ref_id',
          target: resourceNamed(el.target).table,
        },
      };
    case 'children': {
      const { child, owner } = ownedBy(el);
      return { is: 'hop', hop: { via: 'child', name: el.name, owner: owner.column, target: child.table } };
    }
    case 'composite':
      return {
        is: 'group',
        name: el.name,
        fields: new Map(
          el.fields.map((f) => [f.name, { name: `${el.name}[${f.name}]`, column: f.column, type: 'string' as const }]),
        ),
      };
    case 'through': {
      const target = resourceNamed(el.target);
      const ref = findElement(indexCatalog(def), el.reference);
      const field = findElement(indexCatalog(target), el.field);
      const meaning = field ? elementMeaning(target, field) : undefined;
      if (ref?.kind !== 'reference' || meaning?.is !== 'field') throw new Error(`${def.name} ${el.name} reads no field`);
      return {
        is: 'through',
        hop: { via: 'column', name: el.reference, column: ref.column, target: target.table },
        field: meaning.field,
      };
    }
    // Computed values are not stored and secrets are never matched against.
    case 'computed':
    case 'secret':
      return { is: 'hidden', name: el.name };
    default:
      return assertNever(el);
  }
}

const byTable = new Map(RESOURCES.map((r) => [r.table, r]));

/**
 * Derives the query schema of a resource from the registry, so every element that is stored
 * is queryable under its wire name, and through associations every element of the resource
 * they lead to.
 */
export function querySchema(def: ResourceDef): QuerySchema {
  const meaning = (table: string, name: string): Meaning | undefined => {
    const target = byTable.get(table);
    if (!target) return undefined;
    const el = findElement(indexCatalog(target), name);
    return el ? elementMeaning(target, el) : undefined;
  };
  return {
    root: def.table,
    plural: def.plural,
    orderable(name) {
      const m = meaning(def.table, name);
      if (m?.is === 'field') return m.field;
      // A foreign key (`account-type-id`) is a column of the root's own table.
      if (m?.is === 'through' && m.hop.via === 'column' && m.field.column === 'id') {
        return { name: normalizeName(name), column: m.hop.column, type: 'integer' };
      }
      return undefined;
    },
    meaning,
  };
}
