import { spelledAsAllowed } from '../catalog/allowed.js';
import { idCodecOf } from '../catalog/ids.js';
import { assertNever, findElement, humanize, indexCatalog, normalizeName } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type {
  ChildrenElement,
  CollectionElement,
  CompositeElement,
  Element,
  RecordId,
  ReferenceElement,
  ScalarElement,
  ScalarValue,
  SecretElement,
} from '../catalog/types.js';
import { coerceScalar, lengthProblem, textProblem } from '../catalog/values.js';
import { validateNestedValues } from './record-rules.js';

/**
 * How a client named an associated row: by id, by the value of a natural key (`element`: the
 * target's `key` when absent, or one of its `alternateKeys`), or by attributes to find or create.
 */
export type RefSpec =
  | { readonly by: 'id'; readonly id: RecordId }
  | { readonly by: 'key'; readonly key: string; readonly element?: string }
  | {
      readonly by: 'attrs';
      readonly attrs: ReadonlyMap<string, ScalarValue | null>;
      /** Value objects given with them (a new contact's `phone-work`), by element name. */
      readonly parts: ReadonlyMap<string, CompositeParts | null>;
      readonly links: ReadonlyMap<string, RefSpec | null>;
    };

/** One item of an owned collection, read by Rails' nested-attributes rules. */
export interface ChildItem {
  /** The child row to update or remove; absent for a new row. */
  readonly id?: RecordId;
  /** `_destroy` was true: remove the row `id` (a new item with it is skipped, as Rails skips it). */
  readonly destroy: boolean;
  /** The item's own elements, read against the child resource (its problems stay in it, unprefixed). */
  readonly input: ParsedInput;
}

export interface ParsedInput {
  readonly scalars: Map<ScalarElement, ScalarValue | null>;
  readonly secrets: Map<SecretElement, string | null>;
  readonly composites: Map<CompositeElement, ReadonlyMap<string, string | null> | null>;
  readonly references: Map<ReferenceElement, RefSpec | null>;
  readonly collections: Map<CollectionElement, RefSpec[]>;
  readonly children: Map<ChildrenElement, ChildItem[]>;
  /** Names the client sent that are read-only or unknown; Coupa ignores them and so do we. */
  readonly ignored: string[];
  /** Type problems, as full messages. */
  readonly problems: string[];
  /** Names of the elements whose value did not parse (reported in `problems`, so not again as blank). */
  readonly refused: Set<string>;
}

/** A request body as a plain object: parsed JSON, or XML turned into the same shape. */
export type Document = Record<string, unknown>;

/**
 * Most items one collection may name in a request. Each item is resolved with a lookup, so an
 * unbounded list would let one request hold the server; real users have a few dozen roles.
 */
export const MAX_COLLECTION_ITEMS = 1000;

/**
 * Most nested items (owned children, all collections together) one write may hold. They are
 * written in one transaction, which holds SQLite's only writer: at about 0.15 ms an item, 500
 * keep the wait of a request queued behind it near 100 ms (docs/security.md). Real workers
 * have a few e-mails, phones and addresses.
 */
export const MAX_NESTED_ITEMS = 500;

export const isPlainObject = (v: unknown): v is Document => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a reference to `target` may name a row by, for messages: `id or name`, `id, name or number`. */
function keyNames(target: string): string {
  const def = resourceNamed(target);
  const names = [...new Set(['id', def.key, ...(def.alternateKeys ?? [])])];
  return names.length === 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}

function normalizeKeys(doc: Document): Map<string, unknown> {
  return new Map(Object.entries(doc).map(([k, v]) => [normalizeName(k), v]));
}

/** The document with its element names dashed (`employee_number` → `employee-number`). */
export const normalizedKeys = (doc: Document): Document => Object.fromEntries(normalizeKeys(doc));

/** A row named by a natural key; the key is looked up in SQL, so it must be storable text. */
function keySpec(key: string, label: string, problems: string[], element?: string): RefSpec | undefined {
  const problem = textProblem(key);
  if (problem === undefined) return element === undefined ? { by: 'key', key } : { by: 'key', key, element };
  problems.push(`${label} ${problem}`);
  return undefined;
}

/**
 * The natural key an object names its row by: the first of the target's `key` and
 * `alternateKeys`, in that order, that is given a value (a blank one only if none has a
 * value). Rails, and so Coupa, looks an association up by the first attribute it recognises
 * (the id, checked before this, then the natural key) and does not compare the others, so a
 * supplier sent with both `name` and `number` is found by its name.
 */
function namedKey(def: ResourceDef, fields: ReadonlyMap<string, unknown>): { element: string; value: string } | undefined {
  const given: { element: string; value: string }[] = [];
  for (const element of [def.key, ...(def.alternateKeys ?? [])]) {
    const v = fields.get(element);
    if (typeof v === 'string' || typeof v === 'number') given.push({ element, value: String(v) });
  }
  return given.find((k) => k.value !== '') ?? given[0];
}

function parseRefSpec(target: string, raw: unknown, label: string, problems: string[]): RefSpec | null | undefined {
  if (raw === null || raw === undefined || raw === '') return null;
  const ids = idCodecOf(resourceNamed(target));
  if (typeof raw === 'number') {
    const id = ids.parse(raw);
    if (id !== undefined) return { by: 'id', id };
    problems.push(`${label} id is not a positive integer`);
    return undefined;
  }
  if (typeof raw === 'string') return keySpec(raw, label, problems);
  if (!isPlainObject(raw)) {
    problems.push(`${label} must be an object naming a row by ${keyNames(target)}`);
    return undefined;
  }
  const fields = normalizeKeys(raw);
  const id = fields.get('id');
  if (id !== undefined && id !== null && id !== '') {
    const c = coerceScalar(ids.type, id);
    if (!c.ok || c.value === null || typeof c.value === 'boolean') {
      problems.push(`${label} id ${c.ok ? 'is not an integer' : c.problem}`);
      return undefined;
    }
    return { by: 'id', id: c.value };
  }
  const def = resourceNamed(target);
  const key = namedKey(def, fields);
  if (key) return keySpec(key.value, label, problems, key.element === def.key ? undefined : key.element);
  if (def.findOrCreateBy) {
    const reported = problems.length;
    const attrs = new Map<string, ScalarValue | null>();
    const links = new Map<string, RefSpec | null>();
    const index = indexCatalog(def);
    for (const field of index.writableScalars) {
      if (!fields.has(field.name)) continue;
      const c = coerceScalar(field.type, fields.get(field.name), field.decimal);
      const problem = c.ok ? lengthProblem(c.value, field.length) : c.problem;
      if (problem === undefined && c.ok) attrs.set(field.name, spelledAsAllowed(field, c.value));
      else problems.push(`${label} ${field.name} ${problem}`);
    }
    const parts = new Map<string, CompositeParts | null>();
    for (const el of index.composites) {
      if (!el.in || !fields.has(el.name)) continue;
      const value = parseComposite(el, fields.get(el.name), `${label} ${el.name}`, problems);
      if (value !== undefined) parts.set(el.name, value);
    }
    for (const link of index.references) {
      if (!link.in || !fields.has(link.name)) continue;
      const spec = parseRefSpec(link.target, fields.get(link.name), `${label} ${link.name}`, problems);
      if (spec !== undefined) links.set(link.name, spec);
    }
    const missing = def.findOrCreateBy.filter((n) => attrs.get(n) == null && links.get(n) == null);
    if (missing.length === 0) {
      const invalid = validateNestedValues(def, attrs, label);
      if (invalid.length === 0) return { by: 'attrs', attrs, parts, links };
      problems.push(...invalid);
      return undefined;
    }
    // A field that was refused above is already reported; it is not "missing" too.
    if (problems.length > reported) return undefined;
    problems.push(`${label} must give an id, a ${def.key}, or ${def.findOrCreateBy.join(' and ')}`);
    return undefined;
  }
  problems.push(`${label} must name a row by ${keyNames(target)}`);
  return undefined;
}

/** A value object's parts by name, as parsed. */
export type CompositeParts = ReadonlyMap<string, string | null>;

/**
 * A value object (a phone number) given as text, split by the element's `fromText`, or as an
 * object of its parts; null clears it. Undefined when it does not parse (the problem is pushed).
 */
function parseComposite(
  el: CompositeElement,
  raw: unknown,
  label: string,
  problems: string[],
): CompositeParts | null | undefined {
  if (raw === null || raw === '') return null;
  if (typeof raw === 'string' || typeof raw === 'number') {
    const text = String(raw).trim();
    const problem = textProblem(text);
    if (problem === undefined) return el.fromText ? el.fromText(text) : new Map([[el.fields[0]?.name ?? 'number', text]]);
    problems.push(`${label} ${problem}`);
    return undefined;
  }
  if (!isPlainObject(raw)) {
    problems.push(`${label} must be a phone number or an object of its parts`);
    return undefined;
  }
  const fields = normalizeKeys(raw);
  const parts = new Map<string, string | null>();
  const before = problems.length;
  for (const part of el.fields) {
    const v = fields.get(part.name);
    if (v === undefined) continue;
    const c = coerceScalar('string', v);
    if (c.ok) parts.set(part.name, c.value === null || c.value === '' ? null : String(c.value));
    else problems.push(`${label} ${part.name} ${c.problem}`);
  }
  return problems.length > before ? undefined : parts;
}

/** A list, or XML's `<roles><role>…</role></roles>` sent without `type="array"` (one child tag). */
function asList(raw: unknown): unknown[] | undefined {
  if (raw === null || raw === undefined || raw === '') return [];
  if (Array.isArray(raw)) return raw as unknown[];
  if (isPlainObject(raw)) {
    const values = Object.values(raw);
    const [only] = values;
    if (Array.isArray(only) && values.length === 1) return only as unknown[];
    if (isPlainObject(only) && values.length === 1) return [only];
  }
  return undefined;
}

/**
 * Reads a request document (from JSON, or XML already turned into the same shape) against
 * the resource's elements. Nothing is looked up here: associations come back as specs to resolve.
 */
export function parseInput(def: ResourceDef, doc: Document): ParsedInput {
  const index = indexCatalog(def);
  const out: ParsedInput = {
    scalars: new Map(),
    secrets: new Map(),
    composites: new Map(),
    references: new Map(),
    collections: new Map(),
    children: new Map(),
    ignored: [],
    problems: [],
    refused: new Set(),
  };
  for (const [name, raw] of Object.entries(doc)) {
    const el = findElement(index, name);
    if (!el || !el.in) {
      out.ignored.push(name);
      continue;
    }
    if (el.kind === 'through') {
      // `"account-type-id": 5` is `"account-type": {"id": 5}`; null or "" clears the reference.
      const ref = index.byName.get(el.reference);
      if (ref) parseElement(ref, raw === null || raw === '' ? null : { [el.field]: raw }, out);
    } else {
      parseElement(el, raw, out);
    }
  }
  const nested = [...out.children.values()].reduce((sum, items) => sum + items.length, 0);
  if (nested > MAX_NESTED_ITEMS) {
    out.problems.push(
      `A ${humanize(def.singular).toLowerCase()} write may hold at most ${MAX_NESTED_ITEMS} nested items in all (${nested} given)`,
    );
  }
  return out;
}

/** Reads one element's value into `out`; a value that does not parse is a problem, and the element is refused. */
function parseElement(el: Element, raw: unknown, out: ParsedInput): void {
  const before = out.problems.length;
  parseValue(el, raw, out);
  if (out.problems.length > before) out.refused.add(el.name);
}

function parseValue(el: Element, raw: unknown, out: ParsedInput): void {
  const label = humanize(el.name);
  switch (el.kind) {
    case 'scalar': {
      const c = coerceScalar(el.type, raw, el.decimal);
      if (c.ok) out.scalars.set(el, spelledAsAllowed(el, c.value));
      else out.problems.push(`${label} ${c.problem}`);
      break;
    }
    case 'secret':
      if (raw === null || typeof raw === 'string') out.secrets.set(el, raw === '' ? null : raw);
      else out.problems.push(`${label} must be text`);
      break;
    case 'composite': {
      const parts = parseComposite(el, raw, label, out.problems);
      if (parts !== undefined) out.composites.set(el, parts);
      break;
    }
    case 'reference': {
      const spec = parseRefSpec(el.target, raw, label, out.problems);
      if (spec !== undefined) out.references.set(el, spec);
      break;
    }
    case 'collection': {
      const items = asList(raw);
      if (!items) {
        out.problems.push(`${label} must be a list`);
        break;
      }
      if (items.length > MAX_COLLECTION_ITEMS) {
        out.problems.push(`${label} may name at most ${MAX_COLLECTION_ITEMS} items (${items.length} given)`);
        break;
      }
      const specs: RefSpec[] = [];
      for (const item of items) {
        const spec = parseRefSpec(el.target, item, label, out.problems);
        if (spec) specs.push(spec);
      }
      out.collections.set(el, specs);
      break;
    }
    case 'children': {
      const items = asList(raw);
      if (!items) out.problems.push(`${label} must be a list`);
      else if (items.length > MAX_COLLECTION_ITEMS)
        out.problems.push(`${label} may hold at most ${MAX_COLLECTION_ITEMS} items (${items.length} given)`);
      else out.children.set(el, parseChildItems(el, items, out));
      break;
    }
    // Computed values are never Api_In, and parseInput reads a through element as its reference.
    case 'computed':
    case 'through':
      out.ignored.push(el.name);
      break;
    default:
      assertNever(el);
  }
}

/** Rails reads `_destroy` as a boolean; `id` names a child row to change. Both are the item's own, not the child's elements. */
function parseChildItems(el: ChildrenElement, items: readonly unknown[], out: ParsedInput): ChildItem[] {
  const child = resourceNamed(el.target);
  const label = humanize(el.name);
  const parsed: ChildItem[] = [];
  for (const item of items) {
    if (!isPlainObject(item)) {
      out.problems.push(`${label} must be a list of objects`);
      continue;
    }
    const { id: rawId, _destroy: rawDestroy, ...fields } = item;
    let id: RecordId | undefined;
    if (rawId !== undefined && rawId !== null && rawId !== '') {
      id = idCodecOf(child).parse(rawId);
      if (id === undefined) {
        out.problems.push(`${label} id is not a positive integer`);
        continue;
      }
    }
    let destroy = false;
    if (rawDestroy !== undefined && rawDestroy !== null && rawDestroy !== '') {
      const c = coerceScalar('boolean', rawDestroy);
      if (!c.ok) {
        out.problems.push(`${label} _destroy ${c.problem}`);
        continue;
      }
      destroy = c.value === true;
    }
    const input = parseInput(child, fields);
    out.ignored.push(...input.ignored.map((name) => `${el.name}.${name}`));
    parsed.push({ ...(id === undefined ? {} : { id }), destroy, input });
  }
  return parsed;
}
