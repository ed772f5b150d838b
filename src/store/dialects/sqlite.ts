import { sql } from 'kysely';
import type { ScalarType } from '../../catalog/types.js';
import type { DataType, StoreDialect } from './dialect.js';

/**
 * SQLite (better-sqlite3): datetimes as ISO-8601 UTC text (which sorts correctly), decimals
 * as exact text compared as numbers, booleans as 0/1, and AUTOINCREMENT so ids are never reused.
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
  comparable: (value, type) => (type === 'decimal' ? sql`cast(${value} as real)` : value),
  // SQLite's LIKE folds ASCII case.
  ilike: sql.raw('like'),
  stringAgg: sql.raw('group_concat'),
  greatest: sql.raw('max'),
  sharedByProcesses: false,
  serialize: () => Promise.resolve(),
  uniqueIndexOf(err) {
    if (typeof err !== 'object' || err === null) return undefined;
    const e = err as { code?: unknown; message?: unknown };
    if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE' || typeof e.message !== 'string') return undefined;
    return /UNIQUE constraint failed: (\w+\.\w+)/.exec(e.message)?.[1];
  },
  migrationSchema: () => Promise.resolve(undefined),
};
