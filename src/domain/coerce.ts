import type { ScalarType, ScalarValue } from '../catalog/types.js';

export type Coerced = { ok: true; value: ScalarValue | null } | { ok: false; problem: string };

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/** Canonical decimal text as Rails' BigDecimal prints it: "1000.0", "12.5", "-0.0001". */
export function canonicalDecimal(text: string): string {
  const t = text.trim().replace(/^\+/, '');
  const negative = t.startsWith('-');
  const [intRaw = '', frac = ''] = (negative ? t.slice(1) : t).split('.');
  const intPart = intRaw.replace(/^0+(?=\d)/, '') || '0';
  const trimmed = frac.replace(/0+$/, '');
  const body = `${intPart}.${trimmed === '' ? '0' : trimmed}`;
  return negative && body !== '0.0' ? `-${body}` : body;
}

/** A bare date is midnight UTC; a datetime must carry an offset or `Z` (a `+` sent unescaped arrives as a space). */
function parseDatetime(text: string): string | undefined {
  const t = text.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.exec(t);
  if (!m) return undefined;
  // Date.parse would roll 2021-02-29 over into March; an impossible date is refused instead.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if (Number(m[4] ?? 0) > 23 || Number(m[5] ?? 0) > 59 || Number(m[6] ?? 0) > 59) return undefined;
  const iso = m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : t.replace(' ', 'T');
  const ms = Date.parse(iso.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * Turns a value from a JSON body, an XML body (always text) or a query string into the
 * JS value of a catalogue type. Empty text means "no value" for every non-string type.
 */
export function coerceScalar(type: ScalarType, raw: unknown): Coerced {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return { ok: false, problem: 'must be a single value, not a list or an object' };
  }
  if (type === 'string' || type === 'text' || type === 'symbol') return { ok: true, value: String(raw) };
  if (typeof raw === 'string' && raw.trim() === '') return { ok: true, value: null };
  const text = String(raw).trim();
  switch (type) {
    case 'integer':
      if (typeof raw === 'number' ? Number.isSafeInteger(raw) : INTEGER.test(text) && Number.isSafeInteger(Number(text))) {
        return { ok: true, value: Number(text) };
      }
      return { ok: false, problem: 'is not an integer' };
    case 'decimal':
      if (typeof raw !== 'boolean' && DECIMAL.test(text)) return { ok: true, value: canonicalDecimal(text) };
      return { ok: false, problem: 'is not a number' };
    case 'boolean':
      if (raw === true || TRUE.has(text.toLowerCase())) return { ok: true, value: true };
      if (raw === false || FALSE.has(text.toLowerCase())) return { ok: true, value: false };
      return { ok: false, problem: 'must be true or false' };
    case 'datetime': {
      const iso = parseDatetime(text);
      return iso === undefined ? { ok: false, problem: 'is not an ISO 8601 date or datetime' } : { ok: true, value: iso };
    }
  }
}
