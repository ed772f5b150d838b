import type { ResourceDef } from '../../catalog/resource.js';
import type { Element } from '../../catalog/types.js';

/**
 * Fails loudly when the catalogue renames an element a seeder still names: each `[name, kind]`
 * must be an element of `def` of that kind. Throws an Error naming the first that is not.
 */
export function checkSeededNames(def: ResourceDef, names: Iterable<readonly [string, Element['kind']]>): void {
  for (const [name, kind] of names) {
    const el = def.elements.find((e) => e.name === name);
    if (el?.kind !== kind)
      throw new Error(`Seeder names ${kind} element '${name}', which the ${def.name} catalogue does not have`);
  }
}
