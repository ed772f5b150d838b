import type { ScalarElement, ScalarValue } from './types.js';

/** Lower case for A–Z only: Unicode's would let U+212A KELVIN SIGN stand for `k` (`en-au-ocker`). */
const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * The value an element with allowed values stores for `value`: the allowed value whose
 * spelling differs from it only in ASCII case (`F` → `f`, `coupapay` → `CoupaPay`), else
 * `value` as it came, for validation to accept or refuse. Clients write codes in either case
 * and Coupa's public docs show only one spelling (gender codes `m` and `f`, seed 004), so the
 * stored and rendered value is always the documented one. An element marked `caseSensitive`
 * (Coupa: "Authentication methods are case-sensitive"), a value two allowed ones match, and
 * non-text values are left alone.
 */
export function spelledAsAllowed(el: ScalarElement, value: ScalarValue | null): ScalarValue | null {
  if (!el.allowed || el.caseSensitive || typeof value !== 'string' || el.allowed.includes(value)) return value;
  const folded = asciiLower(value);
  const matches = el.allowed.filter((allowed) => asciiLower(allowed) === folded);
  return matches.length === 1 ? (matches[0] ?? value) : value;
}
