import { RESOURCES } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { StoreDialect } from './dialects/index.js';

/** The row a write found missing: its resource and id where the database names them. */
export interface MissingRecord {
  readonly def?: ResourceDef;
  readonly id?: string;
}

const BY_TABLE = new Map<string, ResourceDef>(RESOURCES.map((def) => [def.table, def]));

/**
 * The row behind a foreign-key violation from either database, for any resource's table;
 * undefined for any other error. A write racing the delete of the row it belongs to (an
 * attachment uploaded to a document being deleted) lands here.
 */
export function missingRecord(dialect: StoreDialect, err: unknown): MissingRecord | undefined {
  const row = dialect.missingRowOf(err);
  if (!row) return undefined;
  const def = row.table === undefined ? undefined : BY_TABLE.get(row.table);
  return { ...(def ? { def } : {}), ...(row.id === undefined ? {} : { id: row.id }) };
}
