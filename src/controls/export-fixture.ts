import type { ResourceDef } from '../catalog/resource.js';
import type { Engine } from '../domain/engine.js';
import type { FixtureRow } from '../store/default-reference-data.js';
import type { StoredRecord } from '../store/record-codec.js';
import { FIXTURE_RESOURCES } from '../store/reference-seed.js';
import { API_USER, documentOf, NaturalKeys, type DocumentMode } from './fixture-document.js';
import { RECORD_SECTIONS, type SeedFixture } from './fixture-file.js';

/** Rows read per query: an export of many users holds a page in memory at a time, not the table. */
const PAGE = 500;

/**
 * The current data as a seed fixture (`GET /_roster/export`, docs/controls.md): every reference
 * row, then the users (not the users behind API credentials) and the workers, each as a
 * document without ids, stamps or secrets, associations by natural key, owned children nested.
 * Loaded with `--seed` into an empty database, it exports the same again.
 */
export async function exportSeedFixture(engine: Engine): Promise<SeedFixture> {
  const keys = new NaturalKeys((name) => engine.repository(name));
  const fixture: SeedFixture = {};
  for (const def of FIXTURE_RESOURCES) {
    const rows = await documents(engine, keys, def, 'reference');
    if (rows.length > 0) fixture[def.name] = rows;
  }
  for (const def of RECORD_SECTIONS) fixture[def.name] = await documents(engine, keys, def, 'record');
  return fixture;
}

/** Every row of `def`, in id order (a row before the ones made after it, which may name it), as documents. */
async function documents(engine: Engine, keys: NaturalKeys, def: ResourceDef, mode: DocumentMode): Promise<FixtureRow[]> {
  const repo = engine.repository(def.name);
  const out: FixtureRow[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page: StoredRecord[] = await repo.findPage((q) => q.orderBy('id'), offset, PAGE);
    // Credential users are made by their credential (roster keys create), not by a fixture.
    const kept = page.filter((r) => r.values.get(API_USER) !== true);
    await keys.load(def, kept, mode);
    for (const r of kept) out.push(documentOf(def, r, keys, mode));
    if (page.length < PAGE) return out;
  }
}

/** The formats `GET /_roster/export?format=` answers in, and their media types. */
export const EXPORT_FORMATS = { json: 'application/json; charset=utf-8', yaml: 'application/yaml; charset=utf-8' } as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** A fixture as the text of a seed file: JSON (two-space indented) or YAML, each read back by `--seed`. */
export async function fixtureText(fixture: SeedFixture, format: ExportFormat): Promise<string> {
  // YAML is loaded only for a YAML export, as it is only for a YAML fixture.
  return format === 'yaml' ? (await import('yaml')).stringify(fixture) : `${JSON.stringify(fixture, null, 2)}\n`;
}
