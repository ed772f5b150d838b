import { indexCatalog } from '../catalog/lookup.js';
import { RESOURCES } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { ScalarElement } from '../catalog/types.js';
import type { StoreDialect } from './dialects/index.js';

/** The unique element a database error complains about, in whichever resource's table. */
export interface UniqueClash {
  readonly def: ResourceDef;
  readonly element: ScalarElement;
}

/** Unique indexes are named `<table>_<column>_unique` (migrations); SQLite names `<table>.<column>`. */
const CLASHES = new Map<string, UniqueClash>(
  RESOURCES.flatMap((def) =>
    indexCatalog(def)
      .scalars.filter((el) => el.unique)
      .flatMap((element) => [
        [`${def.table}_${element.column}_unique`, { def, element }] as const,
        [`${def.table}.${element.column}`, { def, element }] as const,
      ]),
  ),
);

/**
 * The unique element behind a uniqueness violation from either database, for any resource's
 * table; undefined for any other error. Two writers racing past the up-front check land here.
 */
export function uniqueViolation(dialect: StoreDialect, err: unknown): UniqueClash | undefined {
  const index = dialect.uniqueIndexOf(err);
  return index === undefined ? undefined : CLASHES.get(index);
}
