import { sql, type ColumnDataType, type Expression } from 'kysely';
import type { ScalarType } from '../catalog/types.js';
import { DECIMAL_PRECISION, DECIMAL_SCALE } from '../catalog/values.js';
import type { DialectName } from './database.js';

type DataType = ColumnDataType | Expression<unknown>;

/**
 * Storage type of a catalogue scalar per dialect. SQLite keeps datetimes as ISO-8601 UTC text
 * (which sorts correctly) and decimals as text (exact); PostgreSQL uses its native types.
 * PostgreSQL text uses the "C" collation: it compares and sorts byte-wise as SQLite does, so
 * `gt`, `order_by` and ILIKE's case folding agree on both, whatever the database's locale.
 */
export function columnType(dialect: DialectName, type: ScalarType, length?: number): DataType {
  switch (type) {
    case 'integer':
      return dialect === 'postgres' ? 'bigint' : 'integer';
    case 'boolean':
      return dialect === 'postgres' ? 'boolean' : 'integer';
    case 'datetime':
      return dialect === 'postgres' ? 'timestamptz' : 'text';
    case 'date':
      return dialect === 'postgres' ? 'date' : 'text';
    case 'decimal':
      return dialect === 'postgres'
        ? sql`numeric(${sql.raw(String(DECIMAL_PRECISION))}, ${sql.raw(String(DECIMAL_SCALE))})`
        : 'text';
    case 'text':
      return dialect === 'postgres' ? sql`text collate "C"` : 'text';
    case 'string':
    case 'symbol':
      if (dialect === 'sqlite') return 'text';
      return length === undefined ? sql`text collate "C"` : sql`varchar(${sql.raw(String(length))}) collate "C"`;
  }
}
