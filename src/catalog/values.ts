import { isoFromClientText } from './datetime-text.js';
import type { DecimalSize, ScalarType, ScalarValue } from './types.js';

export type Coerced = { ok: true; value: ScalarValue | null } | { ok: false; problem: string };

/**
 * Characters a stored text may not hold: those outside XML 1.0's `Char` production (NUL and
 * the other C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF). Coupa
 * serves every value as XML, so such a value could never be rendered; PostgreSQL refuses NUL
 * outright while SQLite would store it. Refusing them at input makes both databases agree.
 */
const FORBIDDEN_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** The first character of `text` that may not be stored, as `U+0000`; undefined when there is none. */
export function forbiddenCharacter(text: string): string | undefined {
  const c = FORBIDDEN_CHAR.exec(text)?.[0];
  return c === undefined ? undefined : `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** How a message says a text holds such a character: `contains the character U+0000, which is not allowed`. */
export const characterProblem = (character: string): string => `contains the character ${character}, which is not allowed`;

/** The problem with a text, for messages, or undefined. */
export function textProblem(text: string): string | undefined {
  const c = forbiddenCharacter(text);
  return c === undefined ? undefined : characterProblem(c);
}

/**
 * Length as Coupa's `string(40)` counts it: in characters (code points), as PostgreSQL's
 * varchar does, so an emoji counts once wherever a length is checked.
 */
export const textLength = (text: string): number => Array.from(text).length;

/** The problem with a text longer than `length` characters, in Rails' words, or undefined. */
export function lengthProblem(value: ScalarValue | null | undefined, length: number | undefined): string | undefined {
  return length !== undefined && typeof value === 'string' && textLength(value) > length
    ? `is too long (maximum is ${length} characters)`
    : undefined;
}

/**
 * Decimals are stored as `numeric(32, 4)` on PostgreSQL (and exact text on SQLite): 28 digits,
 * then 4 places, the size Coupa's Swagger gives amounts. An element may be smaller
 * (`ScalarElement.decimal`); its values are rounded to its size before they are stored.
 */
export const DECIMAL_PRECISION = 32;
export const DECIMAL_SCALE = 4;
export const DEFAULT_DECIMAL: DecimalSize = { precision: DECIMAL_PRECISION, scale: DECIMAL_SCALE };

/** Datetimes must fall within years 1 to 9999 in UTC, which both databases store and ISO 8601 writes in four digits. */
const MIN_DATETIME_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_DATETIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

const INTEGER = /^[+-]?\d+$/;
/** The largest and least values of a signed 64-bit integer (SQL `bigint`). */
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/**
 * Boolean spellings, compared case-insensitively: Coupa's element tables allow `true/false`
 * and `yes/no`, its CSV imports `Yes/No, True/False, Y/N, T/F`, and Rails reads `1/0`.
 */
const TRUE = new Set(['true', '1', 'yes', 'y', 't']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f']);

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

/**
 * A decimal rounded to `size.scale` places, half away from zero, as a SQL numeric column
 * rounds it (so both databases store the same value); undefined when its integer part has
 * more digits than `size` holds.
 */
function storableDecimal(text: string, { precision, scale }: DecimalSize): string | undefined {
  const integerDigits = precision - scale;
  const canonical = canonicalDecimal(text);
  const negative = canonical.startsWith('-');
  const [intPart = '0', frac = ''] = (negative ? canonical.slice(1) : canonical).split('.');
  if (intPart.length > integerDigits) return undefined;
  if (frac.length <= scale) return canonical;
  const scaled = BigInt(intPart + frac.slice(0, scale)) + (Number(frac[scale]) >= 5 ? 1n : 0n);
  const digits = scaled.toString().padStart(scale + 1, '0');
  const rounded = `${negative ? '-' : ''}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`;
  // Rounding up may carry into one more integer digit (9999….99995).
  return digits.length - scale > integerDigits ? undefined : canonicalDecimal(rounded);
}

/**
 * The datetime forms clients send, as Coupa "attempts to parse whatever we receive"
 * (0014-Querying_Options.md): a bare date (midnight UTC), or a date and a time with or
 * without seconds and fractions, `T` or a space between them, and `Z`, `±HH:MM`, `±HHMM`,
 * `±HH` or no zone at all (read as UTC, as a bare date is). A `+` sent unescaped in a query
 * string arrives as a space: `…06:00 05:00` is read as `…06:00+05:00`. Ruby's and RFC 2822's
 * forms (`2026-12-06 19:00:00 +0000`, `… UTC`, `Sun, 06 Dec 2026 19:00:00 GMT`) are read
 * too (datetime-text.ts).
 */
function parseDatetime(text: string): string | undefined {
  const t = isoFromClientText(text).replace(/(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$/, '$1+$2');
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i.exec(t);
  if (!m) return undefined;
  // Date.parse would roll 2021-02-29 over into March; an impossible date is refused instead.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if (Number(m[4] ?? 0) > 23 || Number(m[5] ?? 0) > 59 || Number(m[6] ?? 0) > 59) return undefined;
  const zone = m[8]?.toUpperCase() ?? 'Z';
  const offset = zone === 'Z' ? zone : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}`;
  const time = m[4] === undefined ? '00:00:00' : `${m[4]}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? ''}`;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${time}${offset}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

type Datetime = { ok: true; iso: string } | { ok: false; problem: string };

function datetime(text: string): Datetime {
  const iso = parseDatetime(text);
  if (iso === undefined) return { ok: false, problem: 'is not an ISO 8601 date or datetime' };
  const ms = Date.parse(iso);
  // Year 0, or 9999-12-31T23:59:59-14:00 (year 10000 in UTC), is a valid ISO text neither database can store.
  if (ms < MIN_DATETIME_MS || ms > MAX_DATETIME_MS) return { ok: false, problem: 'is out of range (years 0001 to 9999 UTC)' };
  return { ok: true, iso };
}

/**
 * Turns a value from a JSON body, an XML body (always text) or a query string into the
 * JS value of a catalogue type. Empty text means "no value" for every non-string type. A
 * decimal is rounded to `size` (an element's `decimal`; Coupa's default size otherwise).
 */
export function coerceScalar(type: ScalarType, raw: unknown, size: DecimalSize = DEFAULT_DECIMAL): Coerced {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return { ok: false, problem: 'must be a single value, not a list or an object' };
  }
  if (type === 'string' || type === 'text' || type === 'symbol') {
    const text = String(raw);
    const problem = textProblem(text);
    return problem === undefined ? { ok: true, value: text } : { ok: false, problem };
  }
  if (typeof raw === 'string' && raw.trim() === '') return { ok: true, value: null };
  const text = String(raw).trim();
  switch (type) {
    case 'integer':
      if (typeof raw === 'number' ? Number.isSafeInteger(raw) : INTEGER.test(text) && Number.isSafeInteger(Number(text))) {
        return { ok: true, value: Number(text) };
      }
      return { ok: false, problem: 'is not an integer' };
    case 'bigint': {
      // A JSON number past 2^53 was rounded before it got here: only text keeps every digit.
      if (typeof raw === 'number') {
        return Number.isSafeInteger(raw)
          ? { ok: true, value: String(raw) }
          : { ok: false, problem: 'must be given as a string of digits' };
      }
      if (typeof raw === 'boolean' || !INTEGER.test(text)) return { ok: false, problem: 'is not a string of digits' };
      const n = BigInt(text);
      if (n > INT64_MAX || n < INT64_MIN) return { ok: false, problem: 'is out of range (a 64-bit integer)' };
      return { ok: true, value: n.toString() };
    }
    case 'decimal': {
      if (typeof raw === 'boolean' || !DECIMAL.test(text)) return { ok: false, problem: 'is not a number' };
      const value = storableDecimal(text, size);
      if (value === undefined) {
        return { ok: false, problem: `is out of range (at most ${size.precision - size.scale} digits before the decimal point)` };
      }
      return { ok: true, value };
    }
    case 'boolean':
      if (raw === true || TRUE.has(text.toLowerCase())) return { ok: true, value: true };
      if (raw === false || FALSE.has(text.toLowerCase())) return { ok: true, value: false };
      return { ok: false, problem: 'must be true or false' };
    case 'datetime': {
      const d = datetime(text);
      return d.ok ? { ok: true, value: d.iso } : d;
    }
    case 'date': {
      const day = calendarDate(text) ?? writtenDate(text);
      return day === undefined ? { ok: false, problem: 'is not a date (YYYY-MM-DD)' } : { ok: true, value: day };
    }
  }
}

/**
 * The calendar date of a datetime, as written: Rails casts a datetime string to a Date without
 * converting its zone (`"1990-07-03T23:00:00-08:00".to_date` is 1990-07-03), so clients that
 * send dates as midnight datetimes (`1990-07-03T00:00:00Z`, `…T00:00:00.000-08:00`, Ruby's
 * `1990-07-03 00:00:00 +0000`, RFC 2822's `Tue, 03 Jul 1990 00:00:00 GMT`) keep their day. The
 * whole text must be a datetime `parseDatetime` reads.
 */
function writtenDate(text: string): string | undefined {
  const date = /^(\d{4}-\d{2}-\d{2})[T ]\d/i.exec(isoFromClientText(text))?.[1];
  return date === undefined || parseDatetime(text) === undefined ? undefined : calendarDate(date);
}

/** A real calendar day in years 0001–9999, as `YYYY-MM-DD`; `2001-02-29` is not one. */
function calendarDate(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  // Date.UTC maps years 0-99 onto 1900-1999; setUTCFullYear does not.
  const last = new Date(Date.UTC(2000, month, 0));
  last.setUTCFullYear(year, month, 0);
  return day > last.getUTCDate() ? undefined : text;
}
