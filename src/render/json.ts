import { formatDatetime, type OutNode, type OutObject } from './out.js';

/** `"name":` for each key, escaped once: the same few dozen keys are written for every user. */
const keys = new Map<string, string>();
function key(name: string): string {
  let k = keys.get(name);
  if (k === undefined) {
    k = `${JSON.stringify(name)}:`;
    keys.set(name, k);
  }
  return k;
}

function node(n: OutNode): string {
  if (n.v === null) return 'null';
  switch (n.t) {
    case 'object':
      return object(n.v);
    case 'array':
      return `[${n.v.map(object).join(',')}]`;
    case 'datetime':
      return JSON.stringify(formatDatetime(String(n.v)));
    case 'decimal':
      // Coupa sends decimals as strings in JSON to keep their precision.
      return JSON.stringify(String(n.v));
    default:
      return JSON.stringify(n.v);
  }
}

/**
 * Written straight from the tree rather than through an intermediate object: the output is
 * the same as JSON.stringify of that object, at a fraction of the cost for wide users.
 */
function object(o: OutObject): string {
  let out = '{';
  let first = true;
  for (const [name, value] of o.fields) {
    out += (first ? '' : ',') + key(name) + node(value);
    first = false;
  }
  return `${out}}`;
}

/** JSON as Coupa sends it: dashed keys, nulls kept, no root node; a list is a bare array. */
export function renderJson(body: OutObject | readonly OutObject[]): string {
  return Array.isArray(body) ? `[${body.map(object).join(',')}]` : object(body as OutObject);
}

/** Coupa's JSON error shape: `{"errors":{"user":["Login has already been taken"]}}`. */
export function renderJsonErrors(resource: string, messages: readonly string[]): string {
  return JSON.stringify({ errors: { [resource]: messages } });
}
