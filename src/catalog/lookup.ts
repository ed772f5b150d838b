import type { ResourceDef } from './resource.js';
import type { ChildrenElement, CollectionElement, CompositeElement, Element, ReferenceElement, ScalarElement } from './types.js';

/** Coupa accepts `employee_number` and `employee-number` alike. */
export const normalizeName = (name: string): string => name.replaceAll('_', '-');

/** Derived lookups over one resource's elements, computed once per resource. */
export interface CatalogIndex {
  readonly def: ResourceDef;
  /** Every element by wire name and by each alias. */
  readonly byName: ReadonlyMap<string, Element>;
  readonly scalars: readonly ScalarElement[];
  /** Stored scalars a client may write. */
  readonly writableScalars: readonly ScalarElement[];
  readonly references: readonly ReferenceElement[];
  readonly collections: readonly CollectionElement[];
  readonly composites: readonly CompositeElement[];
  readonly children: readonly ChildrenElement[];
  readonly outElements: readonly Element[];
  /** The natural key element. */
  readonly key: ScalarElement;
  /** The elements of `def.alternateKeys`, in their order. */
  readonly alternateKeys: readonly ScalarElement[];
}

const cache = new WeakMap<ResourceDef, CatalogIndex>();

/** Derived lookups for a resource; throws if the definition is inconsistent (a programming error). */
export function indexCatalog(def: ResourceDef): CatalogIndex {
  const hit = cache.get(def);
  if (hit) return hit;
  const byName = new Map<string, Element>();
  for (const el of def.elements) {
    if (byName.has(el.name)) throw new Error(`Element ${el.name} is defined twice in ${def.name}`);
    byName.set(el.name, el);
    for (const alias of el.aliases ?? []) byName.set(alias, el);
  }
  const scalars = def.elements.filter((e): e is ScalarElement => e.kind === 'scalar');
  const key = scalars.find((e) => e.name === def.key);
  if (!key) throw new Error(`${def.name} has no scalar element ${def.key} for its key`);
  for (const name of def.simple) if (!byName.has(name)) throw new Error(`${def.name} simple names unknown ${name}`);
  const alternateKeys = (def.alternateKeys ?? []).map((name) => {
    const el = scalars.find((e) => e.name === name);
    // Looked up as text (domain/reference-resolver.ts), so only a string element can be one.
    if (!el || el.type !== 'string' || name === def.key)
      throw new Error(`${def.name} has no string element ${name} for an alternate key`);
    return el;
  });
  const index: CatalogIndex = {
    def,
    byName,
    scalars,
    writableScalars: scalars.filter((e) => e.in),
    references: def.elements.filter((e): e is ReferenceElement => e.kind === 'reference'),
    collections: def.elements.filter((e): e is CollectionElement => e.kind === 'collection'),
    composites: def.elements.filter((e): e is CompositeElement => e.kind === 'composite'),
    children: def.elements.filter((e): e is ChildrenElement => e.kind === 'children'),
    outElements: def.elements.filter((e) => e.out),
    key,
    alternateKeys,
  };
  cache.set(def, index);
  return index;
}

export function findElement(index: CatalogIndex, name: string): Element | undefined {
  return index.byName.get(normalizeName(name)) ?? index.byName.get(name);
}

/** "employee-number" -> "Employee number", as Rails humanizes attribute names in messages. */
export function humanize(name: string): string {
  let label = humanized.get(name);
  if (label === undefined) {
    const words = name.replace(/\?$/, '').replaceAll('-', ' ').replaceAll('_', ' ');
    label = words.charAt(0).toUpperCase() + words.slice(1);
    // Element names are few; a write labels each of its elements, so the labels are kept.
    if (humanized.size < 10_000) humanized.set(name, label);
  }
  return label;
}

const humanized = new Map<string, string>();

/** Fails to compile when a switch over a closed union misses a case. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected ${JSON.stringify(value)}`);
}
