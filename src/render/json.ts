import { formatDatetime, type OutNode, type OutObject } from './out.js';

/** A JSON value of the tree, as a plain value JSON.stringify writes. */
type Plain = string | number | boolean | null | PlainObject | PlainObject[] | string[];
interface PlainObject {
  [name: string]: Plain;
}

function plain(n: OutNode): Plain {
  if (n.v === null) return null;
  switch (n.t) {
    case 'object':
      return plainObject(n.v);
    case 'array':
      return n.v.map(plainObject);
    case 'texts':
      return [...n.v];
    case 'datetime':
      return formatDatetime(String(n.v));
    case 'decimal':
      // Coupa sends decimals as strings in JSON to keep their precision.
      return String(n.v);
    default:
      return n.v;
  }
}

/**
 * Element names are never integer-like, so a plain object keeps the tree's field order
 * (JavaScript orders integer-like keys first).
 */
function plainObject(o: OutObject): PlainObject {
  const out: PlainObject = {};
  for (const [name, value] of o.fields) out[name] = plain(value);
  return out;
}

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
    case 'texts':
      return JSON.stringify(n.v);
    case 'datetime':
    case 'decimal':
      return JSON.stringify(plain(n));
    default:
      return JSON.stringify(n.v);
  }
}

/** One object written straight from the tree: the same text as JSON.stringify of `plainObject(o)`. */
function object(o: OutObject): string {
  let out = '{';
  let first = true;
  for (const [name, value] of o.fields) {
    out += (first ? '' : ',') + key(name) + node(value);
    first = false;
  }
  return `${out}}`;
}

/**
 * JSON as Coupa sends it: dashed keys, nulls kept, no root node; a list is a bare array.
 * Measured under load (docs/performance.md), one record is cheaper written straight from the
 * tree, but a page is cheaper as one JSON.stringify of plain objects: concatenating a page's
 * thousands of pieces leaves a string the socket must flatten first, and that costs more than
 * the plain objects do. Golden files pin both paths.
 */
export function renderJson(body: OutObject | readonly OutObject[]): string {
  return Array.isArray(body) ? JSON.stringify(body.map(plainObject)) : object(body as OutObject);
}

/** Coupa's JSON error shape: `{"errors":{"user":["Login has already been taken"]}}`. */
export function renderJsonErrors(resource: string, messages: readonly string[]): string {
  return JSON.stringify({ errors: { [resource]: messages } });
}
