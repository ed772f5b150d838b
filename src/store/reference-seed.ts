import { readFile } from 'node:fs/promises';
import { indexCatalog, normalizeName } from '../catalog/lookup.js';
import { ownedBy, RESOURCES, resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { RecordId } from '../catalog/types.js';
import { coerceScalar } from '../catalog/values.js';
import type { Row, Store } from './database.js';
import type { Fixture, FixtureRow, LazyFixture } from './default-reference-data.js';
import { RecordRepository } from './record-repository.js';

/**
 * Reference data a fixture may fill: the cached resources, each after those its references
 * name (a column a later migration added may point at a table the registry lists later:
 * an account group's account type).
 */
export const FIXTURE_RESOURCES = dependencyOrder(RESOURCES.filter((r) => r.cached));

function dependencyOrder(defs: readonly ResourceDef[]): ResourceDef[] {
  const ordered: ResourceDef[] = [];
  const visit = (def: ResourceDef, path: ReadonlySet<string>) => {
    if (ordered.includes(def) || path.has(def.name)) return;
    for (const el of indexCatalog(def).references) {
      const target = defs.find((d) => d.name === el.target);
      if (target && target !== def) visit(target, new Set([...path, def.name]));
    }
    ordered.push(def);
  };
  for (const def of defs) visit(def, new Set());
  return ordered;
}

/** Names are matched loosely: `approval-limits`, `approval_limits` and `approvalLimits` all work. */
export function resourceFor(name: string): ResourceDef | undefined {
  const wanted = name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replaceAll('-', '_');
  return FIXTURE_RESOURCES.find((r) => r.name === wanted);
}

/**
 * Writes fixture rows into the reference tables, upserting by natural key, in dependency
 * order (currencies before account types). Throws with the offending row on bad data.
 */
export async function loadFixture(store: Store, fixture: Fixture | LazyFixture, onlyIntoEmpty = false): Promise<number> {
  const entries = Object.entries(fixture).map(([name, rows]) => {
    const def = resourceFor(name);
    if (!def) {
      throw new Error(
        `Fixture names an unknown reference table '${name}' (known: ${FIXTURE_RESOURCES.map((t) => t.name).join(', ')})`,
      );
    }
    return [def, rows] as const;
  });
  let written = 0;
  for (const def of FIXTURE_RESOURCES) {
    const given = entries.filter(([d]) => d === def).map(([, r]) => r);
    if (given.length === 0) continue;
    const repo = new RecordRepository(store, def);
    const empty = (await repo.count()) === 0;
    if (onlyIntoEmpty && !empty) continue;
    const rows = given.flatMap((r) => (typeof r === 'function' ? r() : r));
    if (rows.length === 0) continue;
    const decoded: Row[] = [];
    for (const row of rows) decoded.push(await decodeRow(store, def, row));
    // A fresh table takes one multi-row insert; otherwise rows are upserted by natural key.
    if (empty) await repo.insertMany(decoded.map((row) => ({ ...defaultsOf(store, def), ...row })));
    else for (const row of decoded) await upsert(store, repo, row);
    await replaceChildren(store, repo, rows);
    await replaceCollections(store, repo, rows);
    written += rows.length;
  }
  return written;
}

/** Each fixture row that gives the list `name`, with the list and the row's id (a list must be a list). */
async function* listsOf(
  owners: RecordRepository,
  rows: readonly FixtureRow[],
  name: string,
): AsyncGenerator<{ row: FixtureRow; items: readonly unknown[]; ownerId: RecordId }> {
  const key = indexCatalog(owners.def).key.name;
  for (const row of rows) {
    const fields = new Map(Object.entries(row).map(([k, v]) => [normalizeName(k), v]));
    const items = fields.get(name);
    if (items === undefined) continue;
    if (!Array.isArray(items)) throw new Error(`${owners.def.name} row ${JSON.stringify(row)}: ${name} must be a list`);
    const ownerId = await owners.idByKey(String(fields.get(key)));
    if (ownerId !== undefined) yield { row, items: items as unknown[], ownerId };
  }
}

/** A fixture row's owned children (a warehouse's `warehouse-locations`) replace the ones its row had. */
async function replaceChildren(store: Store, owners: RecordRepository, rows: readonly FixtureRow[]): Promise<void> {
  const index = indexCatalog(owners.def);
  for (const el of index.children) {
    const { child, owner } = ownedBy(el);
    const repo = new RecordRepository(store, child);
    for await (const { row, items, ownerId } of listsOf(owners, rows, el.name)) {
      await store.db.deleteFrom(child.table).where(owner.column, '=', ownerId).execute();
      for (const item of items) {
        if (typeof item !== 'object' || item === null || Array.isArray(item))
          throw new Error(`${owners.def.name} row ${JSON.stringify(row)}: each of ${el.name} must be an object`);
        const columns = await decodeRow(store, child, item as FixtureRow);
        await repo.insert(store.db, { ...defaultsOf(store, child), ...columns, [owner.column]: ownerId });
      }
    }
  }
}

/**
 * A fixture row's collections (a user group's `content-groups`), each item a row of the target
 * by natural key (`{name: …}` or the key alone), replace the ones its row had, in its order.
 */
async function replaceCollections(store: Store, owners: RecordRepository, rows: readonly FixtureRow[]): Promise<void> {
  const index = indexCatalog(owners.def);
  for (const el of index.collections) {
    const target = new RecordRepository(store, resourceNamed(el.target));
    for await (const { row, items, ownerId } of listsOf(owners, rows, el.name)) {
      const ids: RecordId[] = [];
      for (const item of items) ids.push(await idOfNamed(target, item, `${owners.def.name} row ${JSON.stringify(row)}`));
      await owners.setMemberships(store.db, ownerId, el.membership, ids);
    }
  }
}

/** The id of the row `raw` names by its natural key (the key, or an object holding it); throws naming `where` if none has it. */
async function idOfNamed(repo: RecordRepository, raw: unknown, where: string): Promise<RecordId> {
  const target = repo.def;
  const key = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[target.key] : raw;
  const found = await repo.idByKey(String(key));
  if (found === undefined) throw new Error(`${where}: no ${target.singular} with ${target.key} '${String(key)}'`);
  return found;
}

async function upsert(store: Store, repo: RecordRepository, row: Row): Promise<void> {
  const keyColumn = indexCatalog(repo.def).key.column;
  const existing = await repo.idByKey(String(row[keyColumn]));
  if (existing === undefined) {
    await repo.insert(store.db, { ...defaultsOf(store, repo.def), ...row });
    return;
  }
  // An upsert keeps the row's creation time.
  const created = indexCatalog(repo.def).scalars.find((el) => el.auto === 'created-at')?.column;
  const changes = Object.fromEntries(Object.entries(row).filter(([column]) => column !== created));
  await repo.update(store.db, existing, changes);
}

/** The columns of a new row a fixture leaves out but the catalogue gives a default (a location is `active`). */
function defaultsOf(store: Store, def: ResourceDef): Row {
  const row: Row = {};
  for (const el of indexCatalog(def).scalars) {
    if (el.default !== undefined) row[el.column] = store.dialect.toDb(el.type, el.default);
  }
  return row;
}

/** A fixture row as columns: every stored value by wire name, references by the target's natural key. */
async function decodeRow(store: Store, def: ResourceDef, row: FixtureRow): Promise<Row> {
  const index = indexCatalog(def);
  const input = new Map(Object.entries(row).map(([k, v]) => [normalizeName(k), v]));
  const columns: Row = {};
  const now = store.clock.iso();
  for (const el of index.scalars) {
    if (el.auto === 'created-at' || el.auto === 'updated-at') {
      columns[el.column] = now;
      continue;
    }
    if (el.auto === 'id' || !input.has(el.name)) continue;
    const c = coerceScalar(el.type, input.get(el.name), el.decimal);
    if (!c.ok) throw new Error(`${def.name} row ${JSON.stringify(row)}: ${el.name} ${c.problem}`);
    if (el.allowed && c.value !== null && !el.allowed.includes(String(c.value))) {
      throw new Error(`${def.name} row ${JSON.stringify(row)}: ${el.name} must be one of ${el.allowed.join(', ')}`);
    }
    columns[el.column] = store.dialect.toDb(el.type, c.value);
  }
  for (const el of index.references) {
    const raw = input.get(el.name);
    if (el.auto !== undefined || raw === undefined || raw === null) continue;
    const target = new RecordRepository(store, resourceNamed(el.target));
    columns[el.column] = await idOfNamed(target, raw, `${def.name} row ${JSON.stringify(row)}`);
  }
  // A value object (a contact's `phone-work`) is given as an object of its parts.
  for (const el of index.composites) {
    const raw = input.get(el.name);
    if (raw === undefined) continue;
    if (raw !== null && (typeof raw !== 'object' || Array.isArray(raw)))
      throw new Error(`${def.name} row ${JSON.stringify(row)}: ${el.name} must be an object of its parts`);
    const parts = new Map(Object.entries((raw ?? {}) as Record<string, unknown>).map(([k, v]) => [normalizeName(k), v]));
    for (const f of el.fields) {
      const v = parts.get(f.name);
      if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number')
        throw new Error(`${def.name} row ${JSON.stringify(row)}: ${el.name} ${f.name} must be text`);
      columns[f.column] = v === undefined || v === null || v === '' ? null : String(v);
    }
  }
  if (columns[index.key.column] == null) throw new Error(`${def.name} row ${JSON.stringify(row)} has no ${def.key}`);
  return columns;
}

export async function readFixtureFile(file: string): Promise<Fixture> {
  const text = await readFile(file, 'utf8');
  // YAML is loaded only for a YAML fixture.
  const data: unknown = /\.ya?ml$/i.test(file) ? (await import('yaml')).parse(text) : JSON.parse(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error(`${file}: expected an object of table name -> rows`);
  for (const [name, rows] of Object.entries(data)) {
    if (!Array.isArray(rows)) throw new Error(`${file}: '${name}' must be a list of rows`);
  }
  return data as Fixture;
}
