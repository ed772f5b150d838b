import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { ScalarType } from '../../catalog/types.js';
import { DECIMAL_PRECISION, DECIMAL_SCALE } from '../../catalog/values.js';
import type { Database } from '../database.js';
import type { DataType, StoreDialect, TableInfo } from './dialect.js';

/**
 * PostgreSQL (pg): native types. Text uses the "C" collation: it compares and sorts byte-wise
 * as SQLite does, so `gt`, `order_by` and ILIKE's case folding agree on both, whatever the
 * database's locale. Decimals are `numeric(32, 4)`.
 */
export const POSTGRES: StoreDialect = {
  name: 'postgres',
  idType: 'bigserial',
  primaryKey: (c) => c.primaryKey(),
  fkType: 'bigint',
  blobType: 'bytea',
  floatType: 'double precision',
  now: sql`now()`,
  columnType(type: ScalarType, length?: number): DataType {
    switch (type) {
      case 'integer':
      case 'bigint':
        return 'bigint';
      case 'boolean':
        return 'boolean';
      case 'datetime':
        return 'timestamptz';
      case 'date':
        return 'date';
      case 'decimal':
        return sql`numeric(${sql.raw(String(DECIMAL_PRECISION))}, ${sql.raw(String(DECIMAL_SCALE))})`;
      case 'text':
        return sql`text collate "C"`;
      case 'string':
      case 'symbol':
        return length === undefined ? sql`text collate "C"` : sql`varchar(${sql.raw(String(length))}) collate "C"`;
    }
  },
  narrowIdIndex: false,
  toDb: (_type, value) => value,
  comparable: (value) => value,
  ilike: sql.raw('ilike'),
  foldValue: (value) => sql`lower(${value} collate "C")`,
  stringAgg: sql.raw('string_agg'),
  bookmarksAStatement: 100,
  greatest: sql.raw('greatest'),
  jsonValue(value, type) {
    // The driver gives a timestamptz as a Date (decoded by toISOString) and numeric as its text.
    if (type === 'datetime') return sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    if (type === 'decimal' || type === 'bigint') return sql`(${value})::text`;
    return value;
  },
  jsonArray: (values) => sql`json_build_array(${sql.join(values)})`,
  jsonArrayAgg: (value, orderBy) => sql`json_agg(${value} order by ${orderBy})`,
  claimLock: sql`for update skip locked`,
  sharedByProcesses: true,
  async serialize(trx, key) {
    await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
  },
  uniqueIndexOf(err) {
    if (typeof err !== 'object' || err === null) return undefined;
    const e = err as { code?: unknown; constraint?: unknown };
    return e.code === '23505' && typeof e.constraint === 'string' ? e.constraint : undefined;
  },
  missingRowOf(err) {
    if (typeof err !== 'object' || err === null) return undefined;
    const e = err as { code?: unknown; detail?: unknown };
    if (e.code !== '23503') return undefined;
    // `Key (worker_document_id)=(12) is not present in table "worker_documents".`
    const named = typeof e.detail === 'string' ? /\)=\((\d+)\) is not present in table "([^"]+)"/.exec(e.detail) : null;
    return named ? { id: named[1], table: named[2] } : {};
  },
  async startIds(db, table, first) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), ${sql.raw(first)}, false)`.execute(db);
  },
  async migrationSchema(db) {
    // Kysely looks for its bookkeeping tables in every schema unless told which one, so a second
    // Roster (or test) schema in the same database would make it skip creating them.
    const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    return result.rows[0]?.schema;
  },
  async makeForeignKeysDeferrable(db) {
    const { rows } = await sql<{ tbl: string; con: string }>`
      select conrelid::regclass::text as tbl, conname as con from pg_constraint
      where contype = 'f' and not condeferrable and connamespace = current_schema()::regnamespace
      order by 1, 2`.execute(db);
    for (const r of rows)
      await sql`alter table ${sql.raw(r.tbl)} alter constraint ${sql.id(r.con)} deferrable initially immediate`.execute(db);
  },
  async tables(db) {
    // pg_catalog, not information_schema: the views cost hundreds of milliseconds on a busy catalogue.
    const { rows } = await sql<{ name: string; counter: string | null }>`
      select c.relname as name,
             (select pg_get_serial_sequence(quote_ident(c.relname), 'id') from pg_attribute a
               where a.attrelid = c.oid and a.attname = 'id' and not a.attisdropped) as counter
      from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
      order by 1`.execute(db);
    return rows.map((r) => (r.counter === null ? { name: r.name } : { name: r.name, counter: r.counter }));
  },
  // DELETE, not TRUNCATE: a TRUNCATE makes new files for every table and index, ~20 ms a table
  // however few its rows. runWhole turns the foreign-key triggers off where the role may.
  emptyTables: (db, tables) => tables.map((t) => sql`delete from ${sql.id(t)}`.compile(db)),
  saveCounters(db, into, tables) {
    // Names are the schema's own (pg_get_serial_sequence), written as literals: CREATE TABLE AS takes no parameters.
    const parts = counted(tables).map(
      (t) => sql`select ${sql.lit(t.name)}::text as table_name,
                 (select case when is_called then last_value + 1 else last_value end from ${sql.raw(t.counter)})::bigint as next_id`,
    );
    return sql`create table ${sql.id(into)} as ${sql.join(parts, sql` union all `)}`.compile(db);
  },
  restoreCounters: (db, from, tables) =>
    counted(tables).length === 0
      ? []
      : [
          sql`select setval(c.counter::regclass, coalesce(s.next_id, 1), false)
              from (values ${sql.join(counted(tables).map((t) => sql`(${t.counter}, ${t.name})`))}) as c(counter, table_name)
              left join ${sql.id(from)} s on s.table_name = c.table_name`.compile(db),
        ],
  setCounters(db, next) {
    const rows = [...next].filter(([t]) => t.counter !== undefined);
    if (rows.length === 0) return [];
    return [
      sql`select setval(c.counter::regclass, c.next_id::bigint, false)
          from (values ${sql.join(rows.map(([t, n]) => sql`(${t.counter}, ${n})`))}) as c(counter, next_id)`.compile(db),
    ];
  },
  async runWhole({ db }, statements) {
    // Another process writing (or resetting) at the same moment can make this transaction
    // unserializable or deadlock it; nothing of it is then kept, and it runs again.
    for (let attempt = 1; ; attempt++) {
      try {
        await runWholeOnce(db, statements);
        return;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (attempt >= 3 || (code !== '40001' && code !== '40P01')) throw err;
      }
    }
  },
};

/** The tables with a sequence numbering their ids. */
const counted = (tables: readonly TableInfo[]): (TableInfo & { counter: string })[] =>
  tables.filter((t): t is TableInfo & { counter: string } => t.counter !== undefined);

/** One whole-state transaction (see runWhole). */
async function runWholeOnce(db: Kysely<Database>, statements: readonly CompiledQuery[]): Promise<void> {
  // Repeatable read: a snapshot's copies of every table come from one instant.
  await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      // A superuser skips the foreign-key triggers: the rows come whole from one consistent
      // copy, and checking each deleted user against every table that points at users costs
      // seconds. Other roles check every key at commit.
      const { rows } = await sql<{
        replica: boolean;
      }>`select rolsuper as replica from pg_roles where rolname = current_user`.execute(trx);
      if (rows[0]?.replica) await sql`set local session_replication_role = replica`.execute(trx);
      else await sql`set constraints all deferred`.execute(trx);
      for (const q of statements) await trx.executeQuery(q);
    });
}
