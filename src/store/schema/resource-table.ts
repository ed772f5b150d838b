import { sql, type AlterTableBuilder, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import { assertNever } from '../../catalog/lookup.js';
import { resourceNamed } from '../../catalog/registry.js';
import type { ResourceDef } from '../../catalog/resource.js';
import type { Element } from '../../catalog/types.js';
import { columnType } from '../column-types.js';
import type { Database, DialectName } from '../database.js';

/** The column types and defaults every migration shares, per dialect. */
export function schemaTypes(dialect: DialectName) {
  return {
    idType: dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const),
    fkType: dialect === 'postgres' ? ('bigint' as const) : ('integer' as const),
    // bigserial numbers itself; SQLite needs AUTOINCREMENT so ids are never reused.
    primaryKey: (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    now: dialect === 'postgres' ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
  };
}

/** The elements whose columns migration `version` adds (an element without `since` came with version 1). */
export const elementsOf = (def: ResourceDef, version: number): Element[] =>
  def.elements.filter((el) => (el.since ?? 1) === version);

type ColumnSpec = readonly [string, Parameters<CreateTableBuilder<string>['addColumn']>[1], ((c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder)?];

/**
 * The columns an element is stored in. Timestamps are NOT NULL with a default when their table
 * is created; added later (`altering`) they are nullable, as SQLite cannot add a column whose
 * default is not constant, and the migration fills them.
 */
function columnsFor(el: Element, dialect: DialectName, altering: boolean): ColumnSpec[] {
  const t = schemaTypes(dialect);
  switch (el.kind) {
    case 'scalar':
      if (el.auto === 'id') return [['id', t.idType, t.primaryKey]];
      if ((el.auto === 'created-at' || el.auto === 'updated-at') && !altering) {
        return [[el.column, columnType(dialect, el.type), (c) => c.notNull().defaultTo(t.now)]];
      }
      return [[el.column, columnType(dialect, el.type, el.length)]];
    case 'secret':
      return [[el.column, 'text']];
    case 'reference':
      return [[el.column, t.fkType, (c) => c.references(`${resourceNamed(el.target).table}.id`)]];
    case 'composite':
      return el.fields.map((part) => [part.column, columnType(dialect, 'string', part.length)] as const);
    case 'computed':
    case 'collection':
      return [];
    default:
      return assertNever(el);
  }
}

/** `CREATE TABLE` for a resource, with the columns of the elements migration `version` brings. */
export function createResourceTable(db: Kysely<Database>, def: ResourceDef, dialect: DialectName, version: number) {
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
  dialect: DialectName,
  version: number,
): Array<ReturnType<AlterTableBuilder['addColumn']>> {
  // One column per statement: SQLite adds no more.
  return elementsOf(def, version).flatMap((el) =>
    columnsFor(el, dialect, true).map(([name, type, build]) => db.schema.alterTable(def.table).addColumn(name, type, build)),
  );
}
