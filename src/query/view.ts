import { normalizeName } from '../catalog/lookup.js';

/**
 * What a response shows of a record, from `return_object` and `fields`
 * (Coupa's "API Return Formats" page, 0008-API_Return_Formats.md).
 */
export type View =
  | { readonly kind: 'full' }
  /** Ids only. */
  | { readonly kind: 'limited' }
  /** Attributes, and only ids and natural keys of first-level associations. */
  | { readonly kind: 'shallow' }
  /** No body at all; writes only. */
  | { readonly kind: 'none' }
  | { readonly kind: 'fields'; readonly fields: FieldTree };

/** Requested fields by wire name: `true` keeps the whole element, a subtree keeps part of an association. */
export type FieldTree = ReadonlyMap<string, FieldTree | true>;

/** The names a rendered record can carry at each level: `null` for a value, a sub-shape for an association. */
export type Shape = ReadonlyMap<string, Shape | null>;

export const FULL_VIEW: View = { kind: 'full' };

export type ViewResult = { ok: true; view: View } | { ok: false; problems: string[] };

const RETURN_OBJECTS = { read: ['limited', 'shallow'], write: ['none', 'limited', 'shallow'] } as const;

function fieldTree(spec: unknown, shape: Shape, at: string, problems: string[]): FieldTree {
  const tree = new Map<string, FieldTree | true>();
  if (!Array.isArray(spec)) {
    problems.push(`Query parameter 'fields' must give ${at === '' ? 'a JSON array' : `an array for ${at}`} of names`);
    return tree;
  }
  const place = (name: string): string => (at === '' ? `'${name}'` : `'${name}' in ${at}`);
  for (const item of spec as unknown[]) {
    if (typeof item === 'string') {
      const name = shape.has(item) ? item : normalizeName(item);
      if (shape.has(name)) tree.set(name, true);
      else problems.push(`Query parameter 'fields' names an unknown field ${place(item)}`);
      continue;
    }
    const entries =
      typeof item === 'object' && item !== null && !Array.isArray(item) ? Object.entries(item as Record<string, unknown>) : [];
    if (entries.length === 0) {
      problems.push(`Query parameter 'fields' may hold only names and {"association": [...]} objects`);
      continue;
    }
    for (const [raw, sub] of entries) {
      const name = shape.has(raw) ? raw : normalizeName(raw);
      const subShape = shape.get(name);
      if (subShape === undefined) problems.push(`Query parameter 'fields' names an unknown field ${place(raw)}`);
      else if (subShape === null) problems.push(`Query parameter 'fields' gives fields of ${place(raw)}, which has none`);
      else tree.set(name, fieldTree(sub, subShape, at === '' ? raw : `${at}.${raw}`, problems));
    }
  }
  return tree;
}

/**
 * Reads `return_object` and `fields`. Reads take limited and shallow; writes also none.
 * Both at once are refused rather than one silently winning.
 */
export function parseView(returnObject: unknown, fields: unknown, shape: Shape, mode: 'read' | 'write'): ViewResult {
  const problems: string[] = [];
  if (Array.isArray(returnObject) || Array.isArray(fields)) {
    return {
      ok: false,
      problems: [`Query parameter '${Array.isArray(fields) ? 'fields' : 'return_object'}' is given more than once`],
    };
  }
  if (returnObject !== undefined && fields !== undefined) {
    return { ok: false, problems: [`Give either return_object or fields, not both`] };
  }
  if (typeof returnObject === 'string') {
    const allowed: readonly string[] = RETURN_OBJECTS[mode];
    if (allowed.includes(returnObject)) return { ok: true, view: { kind: returnObject as 'none' | 'limited' | 'shallow' } };
    return {
      ok: false,
      problems: [`Query parameter 'return_object' must be ${allowed.join(', ')}${mode === 'read' ? ' on reads' : ''}`],
    };
  }
  if (typeof fields === 'string') {
    let spec: unknown;
    try {
      spec = JSON.parse(fields);
    } catch {
      return { ok: false, problems: [`Query parameter 'fields' is not valid JSON, e.g. ["id","login",{"roles":["name"]}]`] };
    }
    const tree = fieldTree(spec, shape, '', problems);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, view: { kind: 'fields', fields: tree } };
  }
  return { ok: true, view: FULL_VIEW };
}
