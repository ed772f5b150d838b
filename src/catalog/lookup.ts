import type { Element, ResourceCatalog, ScalarElement } from './types.js';

/** Coupa accepts `employee_number` and `employee-number` alike. */
export const normalizeName = (name: string): string => name.replaceAll('_', '-');

export interface CatalogIndex {
  readonly catalog: ResourceCatalog;
  /** Every element by wire name and by each alias. */
  readonly byName: ReadonlyMap<string, Element>;
  readonly scalars: readonly ScalarElement[];
  /** Stored scalars a client may write. */
  readonly writableScalars: readonly ScalarElement[];
  readonly outElements: readonly Element[];
}

const cache = new WeakMap<ResourceCatalog, CatalogIndex>();

/** Derived lookups for a catalogue, computed once per catalogue. */
export function indexCatalog(catalog: ResourceCatalog): CatalogIndex {
  const hit = cache.get(catalog);
  if (hit) return hit;
  const byName = new Map<string, Element>();
  for (const el of catalog.elements) {
    if (byName.has(el.name)) throw new Error(`Element ${el.name} is defined twice in ${catalog.plural}`);
    byName.set(el.name, el);
    for (const alias of el.aliases ?? []) byName.set(alias, el);
  }
  const scalars = catalog.elements.filter((e): e is ScalarElement => e.kind === 'scalar');
  const index: CatalogIndex = {
    catalog,
    byName,
    scalars,
    writableScalars: scalars.filter((e) => e.in),
    outElements: catalog.elements.filter((e) => e.out),
  };
  cache.set(catalog, index);
  return index;
}

export function findElement(index: CatalogIndex, name: string): Element | undefined {
  return index.byName.get(normalizeName(name)) ?? index.byName.get(name);
}

/** "employee-number" -> "Employee number", as Rails humanizes attribute names in messages. */
export function humanize(name: string): string {
  const words = name.replace(/\?$/, '').replaceAll('-', ' ').replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
