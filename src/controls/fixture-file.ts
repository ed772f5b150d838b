import { resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { Fixture } from '../store/default-reference-data.js';
import { readFixtureFile } from '../store/reference-seed.js';

/**
 * A seed fixture (`--seed FILE`, `GET /_roster/export`, docs/controls.md): reference tables by
 * name, and the record sections below, each a list of objects.
 */
export type SeedFixture = Fixture;

/**
 * The sections written through their record services, as the API writes them, in this order
 * (a worker's supplier is reference data, loaded before them): every other section is a
 * reference table, loaded by the store (store/reference-seed.ts).
 */
export const RECORD_SECTIONS: readonly ResourceDef[] = [resourceNamed('users'), resourceNamed('workers')];

/** The record resource a section's name names (`users`, `workers`), if it is one. */
export const recordSection = (name: string): ResourceDef | undefined =>
  RECORD_SECTIONS.find((def) => def.name === name.toLowerCase() || def.plural === name.toLowerCase());

/** A fixture split into its reference tables and its record sections (in `RECORD_SECTIONS` order). */
export function splitSeedFixture(fixture: SeedFixture): {
  reference: Fixture;
  records: ReadonlyArray<readonly [ResourceDef, readonly unknown[]]>;
} {
  const reference: Fixture = {};
  const given = new Map<ResourceDef, unknown[]>();
  for (const [name, rows] of Object.entries(fixture)) {
    const def = recordSection(name);
    if (def) given.set(def, [...(given.get(def) ?? []), ...rows]);
    else reference[name] = rows;
  }
  return { reference, records: RECORD_SECTIONS.flatMap((def) => (given.has(def) ? [[def, given.get(def) ?? []] as const] : [])) };
}

/** Reads a seed fixture from a JSON or YAML file (by its extension); throws naming the file when it is not an object of lists. */
export function readSeedFile(file: string): Promise<SeedFixture> {
  return readFixtureFile(file);
}
