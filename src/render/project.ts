import type { FieldTree, Shape } from '../query/view.js';
import type { OutNode, OutObject } from './out.js';

/** Keeps the requested fields of a rendered record, and within associations their requested parts. */
export function project(o: OutObject, tree: FieldTree): OutObject {
  const fields: Array<readonly [string, OutNode]> = [];
  for (const [name, node] of o.fields) {
    const want = tree.get(name);
    if (want === undefined) continue;
    fields.push([name, want === true ? node : projectNode(node, want)]);
  }
  return { tag: o.tag, fields };
}

function projectNode(node: OutNode, tree: FieldTree): OutNode {
  if (node.t === 'object') return { t: 'object', v: node.v ? project(node.v, tree) : null };
  if (node.t === 'array') return { t: 'array', item: node.item, v: node.v.map((item) => project(item, tree)) };
  return node;
}

/** Keeps only the named fields, in the record's own order. */
export function pick(o: OutObject, names: ReadonlySet<string>): OutObject {
  return { tag: o.tag, fields: o.fields.filter(([name]) => names.has(name)) };
}

/** The names a rendered record carries at each level; arrays take the shape of their first item. */
export function shapeOf(o: OutObject): Shape {
  const shape = new Map<string, Shape | null>();
  for (const [name, node] of o.fields) {
    if (node.t === 'object') shape.set(name, node.v ? shapeOf(node.v) : new Map());
    else if (node.t === 'array') shape.set(name, node.v[0] ? shapeOf(node.v[0]) : new Map());
    else shape.set(name, null);
  }
  return shape;
}
