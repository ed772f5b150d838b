import { sql, type Expression, type RawBuilder } from 'kysely';
import type { ScalarType } from '../catalog/types.js';
import { isTextType } from './operators.js';

/**
 * Text is matched without regard to case, as Coupa matches it: Coupa runs Rails on MySQL, whose
 * default collations (`utf8mb4_general_ci`, `utf8mb4_0900_ai_ci`) compare text
 * case-insensitively, so `name=acme staffing` finds "Acme Staffing" (evidence and its limits:
 * docs/query-language.md, "Case"). Roster folds ASCII letters only: `lower()` under
 * PostgreSQL's "C" collation (every text column's; a query value is folded under it too, the
 * dialect's `foldValue`) and SQLite's built-in `lower()` both do exactly that, so the two
 * databases agree, and `contains` (LIKE / ILIKE) already did.
 * Used for `=`, `<>`, `in`, `not_in`, natural-key lookups and uniqueness checks; ordering stays
 * byte-wise.
 */
/** A text column folded: `lower(column)`, the expression migration 10's indexes are on. */
export const caseless = (e: Expression<unknown>): RawBuilder<unknown> => sql`lower(${e})`;

/** Whether values of `type` are compared `caseless`: the text types. */
export const comparedCaseless = (type: ScalarType): boolean => isTextType(type);

/** The same fold in JS, for keys held in memory: ASCII letters to lower case, nothing else. */
export const foldCase = (text: string): string => text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
