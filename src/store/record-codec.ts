import { indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import { sql, type AliasedRawBuilder } from 'kysely';
import { idCodecOf } from '../catalog/ids.js';
import type { RecordId, ReferenceElement, ScalarElement, ScalarType, ScalarValue } from '../catalog/types.js';
import { fromDb } from './codec.js';
import type { Row } from './database.js';

/** A row of any resource as stored, decoded by its definition. */
export interface StoredRecord {
  readonly id: RecordId;
  /** Scalars by element name (the id included). */
  readonly values: ReadonlyMap<string, ScalarValue | null>;
  /** Reference element name -> id of the row it names. */
  readonly refs: ReadonlyMap<string, RecordId | null>;
  readonly composites: ReadonlyMap<string, ReadonlyMap<string, string | null> | null>;
  /** Membership kind -> ids, in the client's order. */
  readonly collections: ReadonlyMap<string, readonly number[]>;
  /** Rows of uncached resources this one points at, read in the same query: reference element name -> row. */
  readonly joined: ReadonlyMap<string, StoredRecord>;
  /** Owned child rows by children element name, in id order (RecordRepository attaches them). */
  readonly children: ReadonlyMap<string, readonly StoredRecord[]>;
}

const NO_JOINS: ReadonlyMap<string, StoredRecord> = new Map();
export const NO_CHILDREN: ReadonlyMap<string, readonly StoredRecord[]> = new Map();

/** A reference whose target is read in the same query as the row (users, for created-by). */
export interface Join {
  readonly element: ReferenceElement;
  readonly target: ResourceDef;
  readonly alias: string;
  /** The target's columns a nested rendering needs. */
  readonly columns: readonly string[];
}

/**
 * How one resource's rows are read and decoded: the columns, the joined references and the
 * membership kinds, all derived from the definition once.
 */
export interface RecordCodec {
  readonly def: ResourceDef;
  /** Every stored column but secrets. */
  readonly columns: readonly string[];
  /** The catalogue type of each of `columns` (a reference's column holds its target's id type, a composite's parts text). */
  readonly types: ReadonlyMap<string, ScalarType>;
  /**
   * `column` of `table` as a select reads it: as it is, or as text for a `bigint` (an id of
   * 19 digits a JS number would round; SQLite's driver has no other way to return it whole).
   */
  selected(table: string, column: string, as?: string): string | AliasedRawBuilder<unknown, string>;
  readonly joins: readonly Join[];
  readonly membershipKinds: ReadonlySet<string>;
  decode(row: Row, memberships?: ReadonlyMap<string, readonly number[]>): StoredRecord;
}

/**
 * Columns a nested rendering of `def` reads: of the elements it shows (its simple ones unless
 * the reference names others), the scalars, the values computed ones use, the references.
 */
function nestedColumns(def: ResourceDef, shown: readonly string[]): string[] {
  const index = indexCatalog(def);
  const names = new Set<string>();
  for (const name of shown) {
    const el = index.byName.get(name);
    if (el?.kind === 'computed') for (const from of el.from) names.add(from);
    else names.add(name);
  }
  const columns = new Set(['id']);
  for (const name of names) {
    const el = index.byName.get(name);
    if (el?.kind === 'scalar' || el?.kind === 'reference') columns.add(el.column);
    if (el?.kind === 'composite') for (const f of el.fields) columns.add(f.column);
  }
  return [...columns];
}

/** `column` of the joined row read for reference column `ref`. */
export const joinedName = (ref: string, column: string): string => `${ref}__${column}`;

const codecs = new WeakMap<ResourceDef, RecordCodec>();

export function recordCodec(def: ResourceDef): RecordCodec {
  const hit = codecs.get(def);
  if (hit) return hit;
  const index = indexCatalog(def);
  const columns = [
    ...index.scalars.map((e) => e.column),
    ...index.references.map((e) => e.column),
    ...index.composites.flatMap((e) => e.fields.map((f) => f.column)),
  ];
  const types = new Map<string, ScalarType>([
    ...index.scalars.map((e) => [e.column, e.type] as const),
    ...index.references.map((e) => [e.column, idCodecOf(resourceNamed(e.target)).type] as const),
    ...index.composites.flatMap((e) => e.fields.map((f) => [f.column, 'string'] as const)),
  ]);
  const joins: Join[] = index.references
    .filter((el) => el.out && !resourceNamed(el.target).cached)
    .map((el) => {
      const target = resourceNamed(el.target);
      return { element: el, target, alias: `r_${el.column}`, columns: nestedColumns(target, el.nested ?? target.simple) };
    });
  const membershipKinds = new Set(index.collections.map((e) => e.membership));

  const decodeJoined = (join: Join, row: Row): StoredRecord | undefined => {
    const id = row[joinedName(join.element.column, 'id')];
    if (id == null) return undefined;
    const sub: Row = {};
    for (const column of join.columns) sub[column] = row[joinedName(join.element.column, column)];
    return recordCodec(join.target).decode(sub, new Map());
  };

  const ids = idCodecOf(def);
  const refIds = new Map(index.references.map((el) => [el.name, idCodecOf(resourceNamed(el.target))] as const));
  const codec: RecordCodec = {
    def,
    columns,
    types,
    selected(table, column, as = column) {
      if (types.get(column) !== 'bigint') return as === column ? `${table}.${column}` : sql.ref(`${table}.${column}`).as(as);
      return sql`cast(${sql.ref(`${table}.${column}`)} as text)`.as(as);
    },
    joins,
    membershipKinds,
    decode(row, memberships = parseMemberships(row['memberships'], membershipKinds)) {
      const composites = new Map<string, ReadonlyMap<string, string | null> | null>();
      for (const el of index.composites) {
        const first = el.fields[0];
        if (!first || !(first.column in row)) continue;
        const parts = new Map(el.fields.map((f) => [f.name, row[f.column] == null ? null : String(row[f.column])]));
        composites.set(el.name, [...parts.values()].every((v) => v === null) ? null : parts);
      }
      let joined = NO_JOINS;
      if (joins.length > 0) {
        const found = new Map<string, StoredRecord>();
        for (const join of joins) {
          const other = decodeJoined(join, row);
          if (other) found.set(join.element.name, other);
        }
        joined = found;
      }
      const values = new Map<string, ScalarValue | null>();
      for (const el of index.scalars) if (el.column in row) values.set(el.name, decodeScalar(el, row[el.column]));
      const refs = new Map<string, RecordId | null>();
      for (const el of index.references) {
        const value = row[el.column];
        if (el.column in row) refs.set(el.name, value == null ? null : (refIds.get(el.name) ?? ids).fromDb(value));
      }
      return { id: ids.fromDb(row['id']), values, refs, composites, collections: memberships, joined, children: NO_CHILDREN };
    },
  };
  codecs.set(def, codec);
  return codec;
}

const decodeScalar = (el: ScalarElement, value: unknown): ScalarValue | null => fromDb(el.type, value);

/** Memberships ride along in the row as `kind:ref_id,kind:ref_id`, ordered (see RecordRepository). */
function parseMemberships(text: unknown, kinds: ReadonlySet<string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (typeof text !== 'string' || text === '') return out;
  for (const pair of text.split(',')) {
    const at = pair.lastIndexOf(':');
    const kind = pair.slice(0, at);
    if (!kinds.has(kind)) continue;
    const list = out.get(kind) ?? [];
    list.push(Number(pair.slice(at + 1)));
    out.set(kind, list);
  }
  return out;
}
