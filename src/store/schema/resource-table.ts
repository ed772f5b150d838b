import { sql, type AlterTableBuilder, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import { FIRST_BIGINT_ID, idCodecOf } from '../../catalog/ids.js';
import { assertNever } from '../../catalog/lookup.js';
import { RESOURCES, resourceNamed } from '../../catalog/registry.js';
import { membershipOwner, membershipTable, type ResourceDef } from '../../catalog/resource.js';
import type { Element, ScalarElement } from '../../catalog/types.js';
import { comparedCaseless } from '../../query/caseless.js';
import type { Database } from '../database.js';
import type { DataType, StoreDialect } from '../dialects/index.js';

/** The elements whose columns migration `version` adds (an element without `since` came with its table). */
export const elementsOf = (def: ResourceDef, version: number): Element[] =>
  def.elements.filter((el) => (el.since ?? def.since ?? 1) === version);

type ColumnSpec = readonly [string, DataType, ((c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder)?];

/**
 * The columns an element is stored in. Timestamps are NOT NULL with a default when their table
 * is created; added later (`altering`) they are nullable, as SQLite cannot add a column whose
 * default is not constant, and the migration fills them.
 */
function columnsFor(el: Element, dialect: StoreDialect, altering: boolean): ColumnSpec[] {
  switch (el.kind) {
    case 'scalar':
      if (el.auto === 'id') return [['id', dialect.idType, (c) => dialect.primaryKey(c)]];
      if ((el.auto === 'created-at' || el.auto === 'updated-at') && !altering) {
        return [[el.column, dialect.columnType(el.type), (c) => c.notNull().defaultTo(dialect.now)]];
      }
      return [[el.column, dialect.columnType(el.type, el.length)]];
    case 'secret':
      return [[el.column, 'text']];
    case 'reference': {
      const target = `${resourceNamed(el.target).table}.id`;
      if (el.owner) return [[el.column, dialect.fkType, (c) => c.notNull().references(target).onDelete('cascade')]];
      return [[el.column, dialect.fkType, (c) => c.references(target)]];
    }
    case 'composite':
      return el.fields.map((part) => [part.column, dialect.columnType('string', part.length)] as const);
    case 'computed':
    case 'through':
    case 'collection':
    case 'children':
      return [];
    default:
      return assertNever(el);
  }
}

/** `CREATE TABLE` for a resource, with the columns of the elements migration `version` brings. */
export function createResourceTable(db: Kysely<Database>, def: ResourceDef, dialect: StoreDialect, version: number) {
  let table = db.schema.createTable(def.table);
  for (const el of elementsOf(def, version)) {
    for (const [name, type, build] of columnsFor(el, dialect, false)) table = table.addColumn(name, type, build);
  }
  return table;
}

/** `ALTER TABLE … ADD COLUMN` statements for the elements migration `version` adds to an existing table. */
export function addResourceColumns(
  db: Kysely<Database>,
  def: ResourceDef,
  dialect: StoreDialect,
  version: number,
): Array<ReturnType<AlterTableBuilder['addColumn']>> {
  // One column per statement: SQLite adds no more.
  return elementsOf(def, version).flatMap((el) =>
    columnsFor(el, dialect, true).map(([name, type, build]) => db.schema.alterTable(def.table).addColumn(name, type, build)),
  );
}

/** The first migration that indexes text lookups caselessly itself; migration 10 rebuilt those before it. */
const CASELESS_SINCE = 11;

/**
 * Whether `el` is a text element rows are looked up by (a natural or alternate key, a unique or
 * indexed element), which is matched without regard to case (query/caseless.ts) and so
 * indexed on `(lower(column), id)` as `<table>_<column>_caseless`.
 */
export function lookedUpCaseless(def: ResourceDef, el: Element): el is ScalarElement {
  if (el.kind !== 'scalar' || !comparedCaseless(el.type)) return false;
  return el.name === def.key || (def.alternateKeys ?? []).includes(el.name) || el.unique === true || el.indexed === true;
}

/** `<table>_<column>_caseless` on `(lower(column), id)`. */
export async function createCaselessIndex(db: Kysely<Database>, def: ResourceDef, el: ScalarElement): Promise<void> {
  const folded = sql`lower(${sql.ref(el.column)}), ${sql.ref('id')}`;
  await sql`create index ${sql.id(`${def.table}_${el.column}_caseless`)} on ${sql.table(def.table)} (${folded})`.execute(db);
}

/**
 * The indexes of the elements migration `version` brings, as migration 001 made them: a unique
 * index `<table>_<column>_unique` per unique element (the name is how a clash between two
 * writers becomes a Coupa 400, store/unique-violation.ts; an optional one allows any number of
 * empty values), and `<table>_<column>` on `(column, id)` per indexed element and reference.
 * From migration 11 on, a text element looked up by gets its caseless index instead
 * (`lookedUpCaseless`), as migration 10 gave the earlier ones.
 */
export async function createResourceIndexes(db: Kysely<Database>, def: ResourceDef, version: number): Promise<void> {
  for (const el of elementsOf(def, version)) {
    if (el.kind === 'scalar' && el.unique) {
      const unique = db.schema.createIndex(`${def.table}_${el.column}_unique`).on(def.table).column(el.column).unique();
      await (el.required ? unique : unique.where(sql<boolean>`${sql.ref(el.column)} <> ''`)).execute();
    }
    if (version >= CASELESS_SINCE && lookedUpCaseless(def, el)) await createCaselessIndex(db, def, el);
    else if ((el.kind === 'scalar' && el.indexed) || el.kind === 'reference') {
      await db.schema.createIndex(`${def.table}_${el.column}`).on(def.table).columns([el.column, 'id']).execute();
    }
  }
}

/**
 * The table of `def`'s has-many memberships (`membershipTable`): rows (owner, kind, ref_id,
 * position), one per associated row, in the order the client gave them.
 */
export async function createMembershipTable(db: Kysely<Database>, def: ResourceDef, dialect: StoreDialect): Promise<void> {
  const members = membershipTable(def);
  const owner = membershipOwner(def);
  await db.schema
    .createTable(members)
    .addColumn(owner, dialect.fkType, (c) => c.notNull().references(`${def.table}.id`).onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', dialect.fkType, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${members}_pk`, [owner, 'kind', 'ref_id'])
    .execute();
  // Covers `roles[name]=…`: from the role's id straight to its owners' ids.
  await db.schema.createIndex(`${members}_kind_ref`).on(members).columns(['kind', 'ref_id', owner]).execute();
}

/** Whether migration `version` brings `def`'s first collection, and with it the membership table. */
const bringsMemberships = (def: ResourceDef, version: number): boolean => {
  const collections = def.elements.filter((el) => el.kind === 'collection');
  return (
    collections.some((el) => (el.since ?? def.since ?? 1) === version) &&
    collections.every((el) => (el.since ?? def.since ?? 1) >= version)
  );
};

/**
 * What migration `version` does for every resource: creates the tables of the resources it
 * brings (`since: version`), adds its elements' columns to the others, the membership table of
 * a resource given its first collection, and, with `indexes`, their indexes (`createResourceIndexes`).
 */
export async function migrateResources(
  db: Kysely<Database>,
  dialect: StoreDialect,
  version: number,
  { indexes }: { readonly indexes: boolean },
): Promise<void> {
  for (const def of RESOURCES) {
    if (def.since === version) {
      await createResourceTable(db, def, dialect, version).execute();
      // CSO's 19-digit ids: the database numbers them from there (catalog/ids.ts).
      if (idCodecOf(def).type === 'bigint') await dialect.startIds(db, def.table, FIRST_BIGINT_ID);
    } else for (const statement of addResourceColumns(db, def, dialect, version)) await statement.execute();
    if (version > 1 && bringsMemberships(def, version)) await createMembershipTable(db, def, dialect);
    if (indexes) await createResourceIndexes(db, def, version);
  }
}
