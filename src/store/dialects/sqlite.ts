import { sql } from 'kysely';
import type { ScalarType } from '../../catalog/types.js';
import type { DataType, StoreDialect, TableInfo } from './dialect.js';

/** The SQL function, registered on every SQLite connection (store/database.ts), that `decimalKey` is. */
export const DECIMAL_KEY_FUNCTION = 'roster_decimal_key';

/** Digits a key gives the integer part: more than any storable decimal has (28, catalog/values.ts). */
const KEY_INTEGER_DIGITS = 32;
/** Digits a key gives the fraction: more than any stored decimal keeps (4). */
const KEY_FRACTION_DIGITS = 8;

/**
 * A decimal's text as a key whose byte order is the numbers' order, exactly: SQLite has no
 * exact decimal type, and `cast(… as real)` confuses decimals past 15 significant digits.
 * `1` and the padded digits for a number ≥ 0; `0` and the digits' nines' complement below 0.
 * Null for anything that is not a decimal's text.
 */
export function decimalKey(value: unknown): string | null {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return null;
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const int = (m[2] ?? '').replace(/^0+/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (int.length > KEY_INTEGER_DIGITS || frac.length > KEY_FRACTION_DIGITS) return null;
  const digits = int.padStart(KEY_INTEGER_DIGITS, '0') + frac.padEnd(KEY_FRACTION_DIGITS, '0');
  const negative = m[1] === '-' && /[1-9]/.test(digits);
  return negative ? `0${digits.replace(/\d/g, (d) => String(9 - Number(d)))}` : `1${digits}`;
}

/**
 * SQLite (better-sqlite3): datetimes as ISO-8601 UTC text (which sorts correctly), decimals
 * as exact text compared through an order-preserving key (`decimalKey`), booleans as 0/1, and AUTOINCREMENT so ids are never reused.
 */
export const SQLITE: StoreDialect = {
  name: 'sqlite',
  idType: 'integer',
  primaryKey: (c) => c.primaryKey().autoIncrement(),
  fkType: 'integer',
  blobType: 'blob',
  floatType: 'real',
  now: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
  columnType(type: ScalarType): DataType {
    switch (type) {
      case 'integer':
      case 'boolean':
        return 'integer';
      case 'bigint':
        return 'bigint';
      case 'datetime':
      case 'date':
      case 'decimal':
      case 'text':
      case 'string':
      case 'symbol':
        return 'text';
    }
  },
  narrowIdIndex: true,
  toDb: (type, value) => (value !== null && type === 'boolean' ? (value === true ? 1 : 0) : value),
  comparable: (value, type) => (type === 'decimal' ? sql`${sql.raw(DECIMAL_KEY_FUNCTION)}(${value})` : value),
  // SQLite's LIKE folds ASCII case.
  ilike: sql.raw('like'),
  // SQLite's built-in lower() folds ASCII letters only.
  foldValue: (value) => sql`lower(${value})`,
  stringAgg: sql.raw('group_concat'),
  bookmarksAStatement: 1,
  greatest: sql.raw('max'),
  // Text already holding JSON goes in as JSON, not as a string; everything else is stored as it decodes.
  jsonValue: (value, type) => (type === 'json' ? sql`json(${value})` : type === 'bigint' ? sql`cast(${value} as text)` : value),
  jsonArray: (values) => sql`json_array(${sql.join(values)})`,
  jsonArrayAgg: (value, orderBy) => sql`json_group_array(${value} order by ${orderBy})`,
  claimLock: sql``,
  sharedByProcesses: false,
  serialize: () => Promise.resolve(),
  uniqueIndexOf(err) {
    if (typeof err !== 'object' || err === null) return undefined;
    const e = err as { code?: unknown; message?: unknown };
    if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE' || typeof e.message !== 'string') return undefined;
    return /UNIQUE constraint failed: (\w+\.\w+)/.exec(e.message)?.[1];
  },
  missingRowOf(err) {
    if (typeof err !== 'object' || err === null) return undefined;
    return (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ? {} : undefined;
  },
  async startIds(db, table, first) {
    // AUTOINCREMENT numbers from the highest of the table's rows and its sqlite_sequence entry.
    await sql`insert into sqlite_sequence (name, seq) values (${table}, ${sql.raw(String(BigInt(first) - 1n))})`.execute(db);
  },
  migrationSchema: () => Promise.resolve(undefined),
  makeForeignKeysDeferrable: () => Promise.resolve(),
  async tables(db) {
    const { rows } = await sql<{ name: string; sql: string | null }>`
      select name, sql from sqlite_master where type = 'table' and substr(name, 1, 7) <> 'sqlite_'`.execute(db);
    return rows.map((r) => (/\bautoincrement\b/i.test(r.sql ?? '') ? { name: r.name, counter: r.name } : { name: r.name }));
  },
  emptyTables: (db, tables) => tables.map((t) => sql`delete from ${sql.id(t)}`.compile(db)),
  saveCounters: (db, into, tables) =>
    sql`create table ${sql.id(into)} as select name as table_name, seq + 1 as next_id from sqlite_sequence
        where name in (${sql.join(countedNames(tables))})`.compile(db),
  restoreCounters: (db, from, tables) => [
    sql`delete from sqlite_sequence where name in (${sql.join(countedNames(tables))})`.compile(db),
    sql`insert into sqlite_sequence (name, seq) select table_name, next_id - 1 from ${sql.id(from)}
        where table_name in (${sql.join(countedNames(tables))})`.compile(db),
  ],
  setCounters(db, next) {
    const names = countedNames([...next.keys()]);
    // A table absent from sqlite_sequence numbers from 1; one that starts higher (CSO) has its row.
    return [
      sql`delete from sqlite_sequence where name in (${sql.join(names)})`.compile(db),
      ...[...next]
        .filter(([t, n]) => t.counter !== undefined && n !== '1')
        .map(([t, n]) =>
          sql`insert into sqlite_sequence (name, seq) values (${t.name}, ${sql.raw(String(BigInt(n) - 1n))})`.compile(db),
        ),
    ];
  },
  async runWhole({ db, sqlite }, statements) {
    if (!sqlite) throw new Error('A SQLite store has its handle');
    // Holding Kysely's one connection keeps every other query of this process out; the
    // transaction itself runs synchronously, so no prepared read (store/prepared.ts) interleaves.
    // foreign_keys can only change outside a transaction.
    await db.connection().execute(() => {
      sqlite.pragma('foreign_keys = OFF');
      try {
        sqlite.transaction(() => {
          for (const q of statements) {
            const stmt = sqlite.prepare(q.sql);
            if (stmt.reader) stmt.all(...q.parameters);
            else stmt.run(...q.parameters);
          }
        })();
      } finally {
        sqlite.pragma('foreign_keys = ON');
      }
      return Promise.resolve();
    });
  },
};

/** The tables AUTOINCREMENT numbers (an empty list would be `in ()`, which SQLite refuses: `''` names none). */
function countedNames(tables: readonly TableInfo[]): string[] {
  const names = tables.filter((t) => t.counter !== undefined).map((t) => t.name);
  return names.length > 0 ? names : [''];
}
