import type { CoupaUser, ElementValues } from './types.js';

/**
 * Coupa user elements that are booleans (Coupa's user docs: the license flags end in `-user`; `active`,
 * `generate-password-and-notify-user`). A mapped boolean reads Coupa's spellings (Yes/No, True/False, Y/N,
 * T/F, 1/0, the Users Import's own) and compares as `'true'`/`'false'`.
 */
export const isBooleanElement = (element: string): boolean => element === 'active' || element.endsWith('-user');

const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

/** A boolean cell → `'true'`/`'false'`; `''` stays `''`; anything else → undefined (the row is refused). */
export function booleanText(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  if (v === '') return '';
  if (TRUE.has(v)) return 'true';
  if (FALSE.has(v)) return 'false';
  return undefined;
}

/** Keys match without regard to ASCII case, as Coupa's lookups by login do (its MySQL collation). */
export const foldKey = (key: string): string => key.toLowerCase();

/** A JSON value from Coupa → the text the run compares: null → `''`, booleans and numbers as written. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** An element path's value in a Coupa user document (`department.name` reads `{"department": {"name": …}}`). */
export function readPath(doc: Readonly<Record<string, unknown>>, element: string): string {
  const [head, field] = element.split('.') as [string, string | undefined];
  const v = doc[head];
  if (field === undefined) return valueText(v);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? valueText((v as Record<string, unknown>)[field]) : '';
}

/**
 * A user as Coupa's JSON renders it → CoupaUser with the mapped elements. Returns undefined for a document
 * without an id (not a user).
 */
export function coupaUserOf(doc: unknown, key: string, elements: readonly string[]): CoupaUser | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  const id = d['id'];
  if (typeof id !== 'number' && typeof id !== 'string') return undefined;
  const values: Record<string, string> = {};
  for (const e of elements) values[e] = readPath(d, e);
  return { id, key: readPath(d, key), active: d['active'] !== false, apiUser: d['api-user'] === true, values };
}

/**
 * The `fields` query parameter (Coupa's "API Return Formats") that brings only what a run compares: id,
 * active, api-user and the mapped elements, an association as `{"department": ["name"]}`.
 */
export function fieldsParam(elements: readonly string[]): string {
  const tops: (string | Record<string, string[]>)[] = ['id', 'active', 'api-user'];
  const nested = new Map<string, string[]>();
  for (const e of elements) {
    const [head, field] = e.split('.') as [string, string | undefined];
    if (field === undefined) {
      if (!tops.includes(head)) tops.push(head);
    } else nested.set(head, [...(nested.get(head) ?? []), field]);
  }
  for (const [head, fields] of nested) tops.push({ [head]: fields });
  return JSON.stringify(tops);
}

/**
 * Changed elements → a Coupa JSON write body: `''` is null, booleans are JSON booleans, `a.b` nests as
 * `{"a": {"b": …}}` (an association by its natural key, as the Users API takes it).
 */
export function writeBody(changes: ElementValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [element, text] of Object.entries(changes)) {
    const [head, field] = element.split('.') as [string, string | undefined];
    const value = text === '' ? null : isBooleanElement(element) ? text === 'true' : text;
    if (field === undefined) body[head] = value;
    else body[head] = value === null ? null : { ...(body[head] ?? {}), [field]: value };
  }
  return body;
}

/**
 * Whether two values of an element are the same to Coupa: exact text, except an association's name
 * (`department.name`), which Coupa finds without regard to case and answers in its own spelling.
 */
const same = (element: string, a: string | undefined, b: string): boolean =>
  a === b || (a !== undefined && element.includes('.') && a.toLowerCase() === b.toLowerCase());

/** The elements of `desired` whose value differs from `current` (all of them when there is no current user). */
export function differences(desired: ElementValues, current: ElementValues | undefined): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const [element, value] of Object.entries(desired)) {
    if (current === undefined || !same(element, current[element], value)) changes[element] = value;
  }
  return changes;
}
