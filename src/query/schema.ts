import { findElement, indexCatalog, normalizeName } from '../catalog/lookup.js';
import { REF_TABLES } from '../catalog/reference-data.js';
import type { ResourceCatalog, ScalarType } from '../catalog/types.js';

/** A column a condition can test, in the table of its context. */
export interface QueryField {
  readonly name: string;
  readonly column: string;
  readonly type: ScalarType;
  /** No two rows share a non-empty value, so an exact match is a point lookup. */
  readonly unique?: boolean;
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
    };

/** What a name means in a table: a field, an association to follow, or a value object's parts. */
export type Meaning =
  | { readonly is: 'field'; readonly field: QueryField }
  | { readonly is: 'hop'; readonly hop: Hop }
  | { readonly is: 'group'; readonly name: string; readonly fields: ReadonlyMap<string, QueryField> }
  | { readonly is: 'hidden'; readonly name: string };

/** The queryable shape of a resource and the reference tables it reaches, by table name. */
export interface QuerySchema {
  readonly root: string;
  /** Singular name for messages ("users have no such element"). */
  readonly plural: string;
  /** Fields `order_by` may name: the root's scalars. */
  orderable(name: string): QueryField | undefined;
  meaning(table: string, name: string): Meaning | undefined;
}

const idField: QueryField = { name: 'id', column: 'id', type: 'integer' };

/**
 * Derives the query schema from a resource catalogue and the reference tables, so every
 * element that is stored is queryable under its wire name, through associations too.
 */
export function querySchema(catalog: ResourceCatalog): QuerySchema {
  const index = indexCatalog(catalog);
  const membershipTable = `${catalog.singular}_memberships`;
  const owner = `${catalog.singular}_id`;

  const rootMeaning = (name: string): Meaning | undefined => {
    const el = findElement(index, name);
    switch (el?.kind) {
      case undefined:
        return undefined;
      case 'scalar':
        return {
          is: 'field',
          field: { name: el.name, column: el.column, type: el.type, unique: el.unique === true || el.column === 'id' },
        };
      case 'reference':
        return { is: 'hop', hop: { via: 'column', name: el.name, column: el.column, target: el.target } };
      case 'collection':
        return {
          is: 'hop',
          hop: {
            via: 'membership',
            name: el.name,
            table: membershipTable,
            owner,
            kind: el.membership,
            ref: 'ref_id',
            target: el.target,
          },
        };
      case 'composite':
        return {
          is: 'group',
          name: el.name,
          fields: new Map(
            el.fields.map((f) => [f.name, { name: `${el.name}[${f.name}]`, column: f.column, type: 'string' as const }]),
          ),
        };
      // Computed values are not stored and secrets are never matched against.
      case 'computed':
      case 'secret':
        return { is: 'hidden', name: el.name };
    }
  };

  const refMeanings = new Map<string, Map<string, Meaning>>();
  for (const t of REF_TABLES) {
    const m = new Map<string, Meaning>([['id', { is: 'field', field: idField }]]);
    for (const f of t.fields) m.set(f.name, { is: 'field', field: { name: f.name, column: f.column, type: f.type } });
    for (const l of t.links ?? [])
      m.set(l.name, { is: 'hop', hop: { via: 'column', name: l.name, column: l.column, target: l.target } });
    refMeanings.set(t.table, m);
  }

  return {
    root: catalog.table,
    plural: catalog.plural,
    orderable(name) {
      const m = rootMeaning(name);
      return m?.is === 'field' ? m.field : undefined;
    },
    meaning(table, name) {
      if (table === catalog.table) return rootMeaning(name);
      return refMeanings.get(table)?.get(normalizeName(name));
    },
  };
}
