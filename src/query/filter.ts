import type { ScalarValue } from '../catalog/types.js';
import type { Operator } from './operators.js';
import type { Hop, QueryField } from './schema.js';
import type { View } from './view.js';

/**
 * One condition of a query: follow `path` from the resource, then test `field` with `op`.
 * A condition through an association holds when some associated row satisfies it; `blank=true`
 * also holds when the path reaches no row at all, as a LEFT JOIN's NULLs are blank
 * (`manager[id][blank]=true`: the rows without a manager).
 */
export interface Condition {
  /** The parameter as the client wrote it, for messages. */
  readonly param: string;
  readonly path: readonly Hop[];
  readonly field: QueryField;
  readonly op: Operator;
  /** One value, the items of an `in` list, or the flag of `blank`. Null only for `eq`/`not_eq` of an empty non-text value. */
  readonly values: readonly (ScalarValue | null)[];
  /**
   * The value is text an integer element can never equal (`id=NON_EXISTING`): as Rails casts it
   * to NULL, the condition holds for no row (Coupa answers no results: 404 in XML, `[]` in JSON).
   */
  readonly unmatchable?: true;
}

export interface Ordering {
  readonly field: QueryField;
  readonly dir: 'asc' | 'desc';
}

/** A parsed index query: conditions are ANDed; rows are ordered by `order` then id, and paged. */
export interface ParsedQuery {
  readonly conditions: readonly Condition[];
  readonly order: Ordering | undefined;
  readonly offset: number;
  readonly limit: number;
  readonly view: View;
}
