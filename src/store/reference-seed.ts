import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { normalizeName } from '../catalog/lookup.js';
import { REF_TABLES, refTable } from '../catalog/reference-data.js';
import type { ScalarValue } from '../catalog/types.js';
import { coerceScalar } from '../catalog/values.js';
import type { Fixture, FixtureRow } from './default-reference-data.js';
import type { ReferenceRepository } from './reference-repository.js';

/** Table names are matched loosely: `approval-limits`, `approval_limits` and `approvalLimits` all work. */
function tableFor(name: string): string | undefined {
  const wanted = name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replaceAll('-', '_');
  return REF_TABLES.find((t) => t.table === wanted)?.table;
}

/**
 * Writes fixture rows into the reference tables, upserting by natural key, in dependency
 * order (currencies before account types). Throws with the offending row on bad data.
 */
export async function loadFixture(refs: ReferenceRepository, fixture: Fixture, onlyIntoEmpty = false): Promise<number> {
  const entries = Object.entries(fixture).map(([name, rows]) => {
    const table = tableFor(name);
    if (!table)
      throw new Error(`Fixture names an unknown reference table '${name}' (known: ${REF_TABLES.map((t) => t.table).join(', ')})`);
    return [table, rows] as const;
  });
  let written = 0;
  for (const def of REF_TABLES) {
    const rows = entries.filter(([t]) => t === def.table).flatMap(([, r]) => r);
    if (rows.length === 0) continue;
    const empty = (await refs.count(def.table)) === 0;
    if (onlyIntoEmpty && !empty) continue;
    const decoded = [];
    for (const row of rows) decoded.push(await decodeRow(refs, def.table, row));
    // A fresh table takes one multi-row insert; otherwise rows are upserted by natural key.
    if (empty) await refs.insertMany(def, decoded);
    else for (const r of decoded) await refs.upsert(def, r.fields, r.links);
    written += rows.length;
  }
  return written;
}

interface DecodedRow {
  readonly fields: Map<string, ScalarValue | null>;
  readonly links: Map<string, number | null>;
}

async function decodeRow(refs: ReferenceRepository, table: string, row: FixtureRow): Promise<DecodedRow> {
  const def = refTable(table);
  const input = new Map(Object.entries(row).map(([k, v]) => [normalizeName(k), v]));
  const fields = new Map<string, ScalarValue | null>();
  for (const f of def.fields) {
    if (!input.has(f.name)) continue;
    const c = coerceScalar(f.type, input.get(f.name));
    if (!c.ok) throw new Error(`${table} row ${JSON.stringify(row)}: ${f.name} ${c.problem}`);
    fields.set(f.name, c.value);
  }
  const links = new Map<string, number | null>();
  for (const link of def.links ?? []) {
    const raw = input.get(link.name);
    if (raw === undefined || raw === null) continue;
    const target = refTable(link.target);
    const key = typeof raw === 'object' ? (raw as Record<string, unknown>)[target.key] : raw;
    const found = await refs.byKey(link.target, String(key));
    if (!found) throw new Error(`${table} row ${JSON.stringify(row)}: no ${target.tag} with ${target.key} '${String(key)}'`);
    links.set(link.name, found.id);
  }
  if (fields.get(def.key) == null) throw new Error(`${table} row ${JSON.stringify(row)} has no ${def.key}`);
  return { fields, links };
}

export async function readFixtureFile(file: string): Promise<Fixture> {
  const text = await readFile(file, 'utf8');
  const data: unknown = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error(`${file}: expected an object of table name -> rows`);
  for (const [name, rows] of Object.entries(data)) {
    if (!Array.isArray(rows)) throw new Error(`${file}: '${name}' must be a list of rows`);
  }
  return data as Fixture;
}
