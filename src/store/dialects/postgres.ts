import { sql } from 'kysely';
import type { ScalarType } from '../../catalog/types.js';
import { DECIMAL_PRECISION, DECIMAL_SCALE } from '../../catalog/values.js';
import type { DataType, StoreDialect } from './dialect.js';

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
};
