import type { ScalarValue } from '../catalog/types.js';
import { formatDatetime, type OutNode, type OutObject } from './out.js';

/**
 * CSO's JSON (seed 001; reference doc 0462), which differs from core Coupa's: ids and other
 * 64-bit integers are strings (`"id": "9219595862193003588"`), and a null or empty value is left
 * out ("Response payload does not show null values"; "Empty or null values are not supposed to
 * be sent when using JSON"), so the key is absent rather than `null`.
 */
export type CsoValue = ScalarValue | CsoObject | CsoObject[] | string[];
export interface CsoObject {
  [name: string]: CsoValue;
}

function plain(n: OutNode): CsoValue | undefined {
  if (n.v === null) return undefined;
  switch (n.t) {
    case 'object':
      return csoObject(n.v);
    case 'array':
      return n.v.map(csoObject);
    case 'texts':
      return [...n.v];
    case 'datetime':
      return formatDatetime(String(n.v));
    case 'decimal':
    case 'bigint':
      return String(n.v);
    default:
      return n.v === '' ? undefined : n.v;
  }
}

/** One record as CSO sends it: its fields in order, those without a value left out. */
export function csoObject(o: OutObject): CsoObject {
  const out: CsoObject = {};
  for (const [name, node] of o.fields) {
    const value = plain(node);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** One entry of CSO's `result` list: `{"type": "api.post.added", "description": "2 objects created."}`. */
export interface CsoResult {
  readonly type: string;
  readonly description: string;
}

/** What a bulk item's failure says: its position in the request, how it named its row, why. */
export interface CsoItemError {
  /** 0-based position of the item in the request's list. */
  readonly index: number;
  /** The item's `id` as sent (updates), or its natural key (`name`) as sent, if any. */
  readonly key?: { readonly element: string; readonly value: string };
  /** The error code, as in `X-Roster-Error-Code`: `validation_failed`, `not_found`, … */
  readonly code: string;
  readonly messages: readonly string[];
}

/** An error entry of CSO's `result` list: `api.error.<code>`, Roster's naming in CSO's style (docs/cso-api.md). */
export const csoErrorType = (code: string): string => `api.error.${code}`;

/**
 * The answer to a create (`api.post.added`, `added`, the new ids under the plural) or an update
 * (`api.put.updated`, `updated`), byte for byte as seed 001's samples when every item was
 * written; items refused add `api.<verb>.failed`, `failed` and `errors` (docs/cso-api.md).
 */
export function csoWriteAnswer(
  mode: 'create' | 'update',
  plural: string,
  written: readonly string[],
  failures: readonly CsoItemError[],
): CsoObject {
  const [verb, done, past] = mode === 'create' ? ['post', 'added', 'created'] : ['put', 'updated', 'updated'];
  const result: CsoObject[] = [{ type: `api.${verb}.${done}`, description: `${written.length} objects ${past}.` }];
  if (failures.length > 0) result.push({ type: `api.${verb}.failed`, description: `${failures.length} objects failed.` });
  const body: CsoObject = { result, [done]: written.length };
  if (mode === 'create') body[plural] = written.map((id) => ({ id }));
  if (failures.length > 0) {
    body['failed'] = failures.length;
    body['errors'] = failures.map((f) => ({
      index: f.index,
      ...(f.key ? { [f.key.element]: f.key.value } : {}),
      type: csoErrorType(f.code),
      description: f.messages.join('; '),
    }));
  }
  return body;
}

/** A refused request: one `api.error.<code>` result per message. */
export function csoErrorBody(code: string, messages: readonly string[]): CsoObject {
  return { result: messages.map((description) => ({ type: csoErrorType(code), description })) };
}
