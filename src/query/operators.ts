import type { ScalarType } from '../catalog/types.js';

/**
 * Coupa's query operators (`attr[op]=value`). The names are Arel's predicates, which is
 * how Coupa evaluates them: SQL semantics, so `not_eq` and `not_in` never match a NULL.
 */
export type Operator =
  'eq' | 'contains' | 'starts_with' | 'ends_with' | 'gt' | 'lt' | 'gt_or_eq' | 'lt_or_eq' | 'not_eq' | 'in' | 'not_in' | 'blank';

export interface OperatorDef {
  /** `one` value, a comma-separated `list`, or a true/false `flag`. */
  readonly takes: 'one' | 'list' | 'flag';
  readonly fits: (type: ScalarType) => boolean;
  /** Says which types the operator fits, for the 400 when it does not. */
  readonly fitsText: string;
  /** Compares whole values (`eq`, `in`, …), so a value outside an element's allowed ones can match nothing. */
  readonly exact?: true;
}

const TEXT_TYPES = new Set<ScalarType>(['string', 'text', 'symbol']);
const isText = (t: ScalarType): boolean => TEXT_TYPES.has(t);
const any = (): boolean => true;

const TEXT: Pick<OperatorDef, 'fits' | 'fitsText'> = { fits: isText, fitsText: 'text elements' };
const ORDERED: Pick<OperatorDef, 'fits' | 'fitsText'> = {
  fits: (t) => t !== 'boolean',
  fitsText: 'text, number and date elements',
};

export const OPERATORS: Readonly<Record<Operator, OperatorDef>> = {
  eq: { takes: 'one', fits: any, fitsText: 'every element', exact: true },
  contains: { takes: 'one', ...TEXT },
  starts_with: { takes: 'one', ...TEXT },
  ends_with: { takes: 'one', ...TEXT },
  gt: { takes: 'one', ...ORDERED },
  lt: { takes: 'one', ...ORDERED },
  gt_or_eq: { takes: 'one', ...ORDERED },
  lt_or_eq: { takes: 'one', ...ORDERED },
  not_eq: { takes: 'one', fits: any, fitsText: 'every element', exact: true },
  in: { takes: 'list', fits: any, fitsText: 'every element', exact: true },
  not_in: { takes: 'list', fits: any, fitsText: 'every element', exact: true },
  // Coupa documents blank as "not available for datetime fields".
  blank: { takes: 'flag', fits: (t) => t !== 'datetime' && t !== 'date', fitsText: 'every element but dates' },
};

export const OPERATOR_NAMES = Object.keys(OPERATORS) as Operator[];

/** The bracketed operator names a client may write; `eq` is the bare `attr=value`. */
export function operatorNamed(name: string): Operator | undefined {
  const op = name.replaceAll('-', '_');
  // Own keys only: `login[constructor]=x` names no operator, whatever Object.prototype holds.
  return op !== 'eq' && Object.hasOwn(OPERATORS, op) ? (op as Operator) : undefined;
}

export { isText as isTextType };
