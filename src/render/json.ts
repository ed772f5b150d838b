import { formatDatetime, type OutNode, type OutObject } from './out.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function node(n: OutNode): Json {
  switch (n.t) {
    case 'object':
      return n.v === null ? null : object(n.v);
    case 'array':
      return n.v.map(object);
    case 'datetime':
      return typeof n.v === 'string' ? formatDatetime(n.v) : n.v;
    case 'decimal':
      // Coupa sends decimals as strings in JSON to keep their precision.
      return n.v === null ? null : String(n.v);
    default:
      return n.v;
  }
}

export function object(o: OutObject): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const [name, value] of o.fields) out[name] = node(value);
  return out;
}

/** JSON as Coupa sends it: dashed keys, nulls kept, no root node; a list is a bare array. */
export function renderJson(body: OutObject | readonly OutObject[]): string {
  return JSON.stringify(Array.isArray(body) ? body.map(object) : object(body as OutObject));
}

/** Coupa's JSON error shape: `{"errors":{"user":["Login has already been taken"]}}`. */
export function renderJsonErrors(resource: string, messages: readonly string[]): string {
  return JSON.stringify({ errors: { [resource]: messages } });
}
