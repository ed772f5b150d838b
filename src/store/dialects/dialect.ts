import type Sqlite from 'better-sqlite3';
import type { ColumnDataType, ColumnDefinitionBuilder, CompiledQuery, Expression, Kysely, RawBuilder } from 'kysely';
import type { ScalarType, ScalarValue } from '../../catalog/types.js';
import type { Database } from '../database.js';
import type { WriteDb } from '../write-db.js';

export type DialectName = 'sqlite' | 'postgres';

/** What a column placed in a JSON array holds: a catalogue scalar, or JSON built by the same query. */
export type JsonCarried = ScalarType | 'json';

/** A column's storage type: a Kysely type name or raw SQL (`varchar(40) collate "C"`). */
export type DataType = ColumnDataType | Expression<unknown>;

/** The row a foreign-key violation found missing, as far as the database says. */
export interface MissingRow {
  readonly table?: string;
  readonly id?: string;
}

/** A table of the schema, and what numbers its ids if the database does (store/state-copy.ts). */
export interface TableInfo {
  readonly name: string;
  /** PostgreSQL: the id's sequence; SQLite: the table's own name when AUTOINCREMENT numbers it. */
  readonly counter?: string;
}

/** The raw handles a whole-state operation may run on. */
export interface RawHandles {
  readonly db: Kysely<Database>;
  readonly sqlite?: Sqlite.Database;
}

/**
 * Everything that differs between the two databases, in one object per dialect
 * (`sqlite.ts`, `postgres.ts`); no other module branches on the database. Kysely writes the
 * SQL; this says which types, functions and locks that SQL uses.
 */
export interface StoreDialect {
  readonly name: DialectName;

  // Schema
  /** The type of an auto-numbered id, and the column modifier that makes it the primary key. */
  readonly idType: DataType;
  primaryKey(c: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** The type of a foreign key to such an id. */
  readonly fkType: DataType;
  readonly blobType: DataType;
  readonly floatType: DataType;
  /** The current time as a column default. */
  readonly now: RawBuilder<unknown>;
  /** Storage type of a catalogue scalar of at most `length` characters. */
  columnType(type: ScalarType, length?: number): DataType;
  /** Whether paging needs an index on the id alone (SQLite skips rows through the narrowest index). */
  readonly narrowIdIndex: boolean;

  // Values and queries
  /** JS value of a catalogue type to what the driver stores. */
  toDb(type: ScalarType, value: ScalarValue | null): ScalarValue | null;
  /** A column or value of `type` as it must be compared and sorted (SQLite's text decimals as numbers). */
  comparable(value: Expression<unknown>, type: ScalarType): Expression<unknown>;
  /** The case-insensitive LIKE operator: ASCII case folding on both. */
  readonly ilike: RawBuilder<unknown>;
  /**
   * A query value folded to lower case as a text column folds (query/caseless.ts): ASCII letters
   * only. PostgreSQL folds a parameter by the database's locale unless told the column's "C".
   */
  foldValue(value: Expression<unknown>): RawBuilder<unknown>;
  /** `string_agg` or `group_concat`: both take ORDER BY inside. */
  readonly stringAgg: RawBuilder<unknown>;
  /** The two-argument maximum function. */
  readonly greatest: RawBuilder<unknown>;
  /**
   * `value` as an element of a JSON array, such that the parsed element decodes (`fromDb`) to
   * what the driver gives for the column itself (PostgreSQL: timestamps as ISO-8601 UTC text
   * with milliseconds, exact decimals as text). Used to read owned children inside their owner's row.
   */
  jsonValue(value: Expression<unknown>, type: JsonCarried): Expression<unknown>;
  /** A JSON array of the values, in order (`json_array`, `json_build_array`: at most 100 of them). */
  jsonArray(values: readonly Expression<unknown>[]): RawBuilder<unknown>;
  /** The aggregate JSON array of `value` over a group's rows, ordered by `orderBy`; `[]` or null when none. */
  jsonArrayAgg(value: Expression<unknown>, orderBy: Expression<unknown>): RawBuilder<unknown>;
  /**
   * How many deep-page bookmarks one recursive query finds (store/record-repository.ts). On
   * PostgreSQL a statement runs beside the process, and each costs a round trip: 100. A SQLite
   * statement holds the process until it ends, and a step under a selective filter may walk a
   * good part of the table: one, so requests are answered between the steps.
   */
  readonly bookmarksAStatement: number;
  /**
   * Whether several server processes usually write this database at once (a PostgreSQL
   * shared by a fleet), so per-process state such as rate-limit buckets belongs in it.
   */
  readonly sharedByProcesses: boolean;

  // Writes and errors
  /**
   * Inside a write transaction: waits until no other transaction holds `key`, until this one
   * ends (PostgreSQL's advisory lock; SQLite runs one write transaction at a time anyway).
   */
  serialize(trx: WriteDb, key: string): Promise<void>;
  /**
   * What a claim's `SELECT … LIMIT 1` inside an `UPDATE` adds so that two processes never claim
   * one row and neither waits for the other: PostgreSQL's `FOR UPDATE SKIP LOCKED`; nothing on
   * SQLite, which runs one writing statement at a time (store/job-repository.ts).
   */
  readonly claimLock: RawBuilder<unknown>;
  /** The unique index a uniqueness violation names, as `<index>` or `<table>.<column>`; undefined for other errors. */
  uniqueIndexOf(err: unknown): string | undefined;
  /**
   * For a foreign-key violation, the row that was missing: its table and id where the database
   * names them (PostgreSQL does; SQLite only says one failed: `{}`); undefined for other errors.
   * A write whose owner a concurrent request deleted lands here.
   */
  missingRowOf(err: unknown): MissingRow | undefined;

  // Migrations
  /**
   * Makes the next id the database numbers in `table` be `first` (decimal text; CSO's ids have
   * 19 digits): PostgreSQL's `setval` on the bigserial's sequence, SQLite's `sqlite_sequence`
   * row of the AUTOINCREMENT table. Ids stay increasing and are never reused.
   */
  startIds(db: Kysely<Database>, table: string, first: string): Promise<void>;
  /** The schema Kysely's migrator must keep its bookkeeping in, if the database has schemas. */
  migrationSchema(db: Kysely<Database>): Promise<string | undefined>;
  /**
   * Makes every foreign key of the schema checkable at commit (`SET CONSTRAINTS ALL DEFERRED`),
   * so a whole state can be copied in whatever order its tables come: PostgreSQL's keys are
   * immediate unless declared deferrable; SQLite's can be deferred as they are.
   */
  makeForeignKeysDeferrable(db: Kysely<Database>): Promise<void>;

  // Whole-state operations: reset and snapshots (store/state-copy.ts)
  /** The schema's tables (not the database's own catalogue), with what numbers each one's ids. */
  tables(db: Kysely<Database>): Promise<TableInfo[]>;
  /** Statements that delete every row of `tables` (one table may point at another), leaving id counters alone. */
  emptyTables(db: Kysely<Database>, tables: readonly string[]): CompiledQuery[];
  /** A statement that copies the id counters of `tables` into a new table `into` (`table_name`, `next_id`). */
  saveCounters(db: Kysely<Database>, into: string, tables: readonly TableInfo[]): CompiledQuery;
  /** Statements that set the id counters of `tables` from such a copy (a table it lacks numbers from 1). */
  restoreCounters(db: Kysely<Database>, from: string, tables: readonly TableInfo[]): CompiledQuery[];
  /** Statements that make each table's next id `next` (decimal text), as a fresh database numbers them. */
  setCounters(db: Kysely<Database>, next: ReadonlyMap<TableInfo, string>): CompiledQuery[];
  /**
   * Runs `statements` as one transaction that no other query of the store sees half done and no
   * other query of this process interleaves with. Foreign keys are checked at its end
   * (PostgreSQL) or not at all (SQLite, where checking each of a whole state's rows against
   * every table that points at it would cost seconds; the rows come whole from one consistent copy).
   */
  runWhole(handles: RawHandles, statements: readonly CompiledQuery[]): Promise<void>;
}
