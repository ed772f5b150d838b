import { spelledAsAllowed } from '../catalog/allowed.js';
import { findElement, humanize, indexCatalog } from '../catalog/lookup.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { RecordId, ScalarValue } from '../catalog/types.js';
import { coerceScalar } from '../catalog/values.js';
import type { Actor } from '../domain/actor.js';
import type { Engine } from '../domain/engine.js';
import { isRosterError, RosterError } from '../domain/errors.js';
import { verifyPassword } from '../domain/passwords.js';
import { isPlainObject, normalizedKeys, type Document } from '../domain/record-input.js';
import type { RecordService } from '../domain/record-service.js';
import type { Store } from '../store/database.js';
import { loadFixture, resourceFor } from '../store/reference-seed.js';
import { documentElements, documentOf, fixtureSets, NaturalKeys, sameValue } from './fixture-document.js';
import { splitSeedFixture, type SeedFixture } from './fixture-file.js';

/** Who a fixture's writes are by: no user (created-by stays empty, as for a server-made row). */
const FIXTURE_ACTOR: Actor = { name: 'seed fixture', userId: null };

/** What applying a fixture did: reference rows written, and per record section the records created, changed and left as they were. */
export interface SeedResult {
  readonly referenceRows: number;
  readonly records: Readonly<Record<string, { created: number; updated: number; unchanged: number }>>;
}

/**
 * Applies a seed fixture (docs/controls.md): its reference tables upserted by natural key (as
 * the store loads them), then its users and workers, each written through its resource's
 * record service with the API's parsing and validation, upserted by the elements a fixture
 * names it by (a user's login; a worker's names and date of birth). Applying the same fixture
 * again writes nothing. A refused record throws a RosterError whose messages name it
 * (`users[3] (login 'ada'): Email can't be blank`); records before it stay written.
 */
export async function applySeedFixture(store: Store, engine: Engine, fixture: SeedFixture): Promise<SeedResult> {
  const { reference, records } = splitSeedFixture(fixture);
  const referenceRows = await loadFixture(store, reference);
  // Written around the engine: its cached copies of these tables are stale now.
  for (const name of Object.keys(reference)) engine.caches.forget(resourceFor(name)?.name ?? name);
  const counts: Record<string, { created: number; updated: number; unchanged: number }> = {};
  for (const [def, entries] of records) counts[def.name] = await applySection(engine, def, entries);
  return { referenceRows, records: counts };
}

/** One record's document, split: what is written first, its references to records of its own section (a manager), read-only values. */
interface Planned {
  readonly label: string;
  readonly now: Document;
  readonly deferred: Document;
  readonly system: Map<string, ScalarValue>;
}

async function applySection(
  engine: Engine,
  def: ResourceDef,
  entries: readonly unknown[],
): Promise<{ created: number; updated: number; unchanged: number }> {
  const service = engine.service(def);
  const keys = new NaturalKeys((name) => engine.repository(name));
  const identity = def.fixtureKey ?? [def.key];
  const seen = new Map<string, number>();
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const later: Array<{ id: RecordId; plan: Planned }> = [];
  for (const [i, entry] of entries.entries()) {
    if (!isPlainObject(entry)) {
      throw new RosterError('malformed_body', `${def.name}[${i}] must be an object of ${def.singular} elements`);
    }
    const doc = normalizedKeys(entry);
    const named = identity.map((name) => `${name} '${String(doc[name] as ScalarValue | undefined)}'`).join(', ');
    const plan = planOf(def, doc, `${def.name}[${i}] (${named})`);
    // The nth record a fixture names by the same identity is the nth such row (two workers may share a name).
    const nth = seen.get(named) ?? 0;
    seen.set(named, nth + 1);
    const existing = await locate(service, identity, doc, nth);
    let id: RecordId;
    if (existing === undefined) {
      id = await written(service.write({ doc: plan.now }, FIXTURE_ACTOR, { system: plan.system }), plan.label);
      counts.created++;
    } else {
      id = existing;
      const changed = await changesOf(service, keys, id, plan.now, plan.system);
      if (changed) {
        await written(service.write({ id, doc: changed.doc }, FIXTURE_ACTOR, { system: changed.system }), plan.label);
        counts.updated++;
      } else counts.unchanged++;
    }
    if (Object.keys(plan.deferred).length > 0) later.push({ id, plan });
  }
  // References within the section, once every record it names exists.
  for (const { id, plan } of later) {
    const changed = await changesOf(service, keys, id, plan.deferred, new Map());
    if (changed) await written(service.write({ id, doc: changed.doc }, FIXTURE_ACTOR, {}), plan.label);
  }
  return counts;
}

/** Splits a document: references to its own resource wait for the second pass; read-only values a fixture sets become system values. */
function planOf(def: ResourceDef, doc: Document, label: string): Planned {
  const index = indexCatalog(def);
  const now: Document = {};
  const deferred: Document = {};
  const system = new Map<string, ScalarValue>();
  for (const [name, raw] of Object.entries(doc)) {
    const el = findElement(index, name);
    if ((el?.kind === 'reference' || el?.kind === 'collection') && el.in && el.target === def.name) deferred[name] = raw;
    else if (el?.kind === 'scalar' && fixtureSets(def, el)) {
      const c = coerceScalar(el.type, raw, el.decimal);
      const value = c.ok ? spelledAsAllowed(el, c.value) : null;
      if (!c.ok) throw new RosterError('validation_failed', `${label}: ${humanize(el.name)} ${c.problem}`);
      if (value === null) continue;
      if (el.allowed && !el.allowed.includes(String(value))) {
        throw new RosterError('validation_failed', `${label}: ${humanize(el.name)} is not included in the list`);
      }
      system.set(el.name, value);
    } else now[name] = raw;
  }
  return { label, now, deferred, system };
}

/** The row a fixture's record names: by its natural key, or by its `fixtureKey` elements (the nth row with those values). */
async function locate(
  service: RecordService,
  identity: readonly string[],
  doc: Document,
  nth: number,
): Promise<RecordId | undefined> {
  const values = identity.map((name) => doc[name]);
  if (values.some((v) => typeof v !== 'string' && typeof v !== 'number')) return undefined;
  const [only] = values;
  if (identity.length === 1 && identity[0] !== 'id') return nth === 0 ? service.idByKey(String(only)) : undefined;
  try {
    const query = service.parseQuery(Object.fromEntries(identity.map((name, i) => [name, String(values[i])])));
    const rows = (await service.list(query))
      .filter((r) => identity.every((name, i) => sameValue(values[i], r.values.get(name))))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return rows[nth]?.id;
  } catch (err) {
    // A value the query cannot read (a date that is not one) names no row: the write will say why.
    if (isRosterError(err)) return undefined;
    throw err;
  }
}

/**
 * What of `doc` differs from row `id`, as a document to write (owned children replaced whole:
 * the current ones removed, the fixture's added), or undefined when nothing does. A password
 * that verifies against the stored digest is no change.
 */
async function changesOf(
  service: RecordService,
  keys: NaturalKeys,
  id: RecordId,
  doc: Document,
  system: ReadonlyMap<string, ScalarValue>,
): Promise<{ doc: Document; system: ReadonlyMap<string, ScalarValue> } | undefined> {
  const { def } = service;
  const current = await service.show(id);
  await keys.load(def, [current], 'record');
  const now = documentOf(def, current, keys, 'record');
  const held = new Set(documentElements(def, 'record'));
  const index = indexCatalog(def);
  const changes: Document = {};
  for (const [name, given] of Object.entries(doc)) {
    const el = findElement(index, name);
    if (!el?.in) continue;
    if (el.kind === 'secret') {
      const stored = await service.secretOf(id, el.name);
      const same =
        (given === null || given === '') === (stored === null) &&
        (stored === null || (typeof given === 'string' && (await verifyPassword(given, stored))));
      if (!same) changes[name] = given;
    } else if (!held.has(el)) changes[name] = given;
    else if (!sameValue(given, now[el.name])) {
      changes[name] =
        el.kind === 'children' && Array.isArray(given)
          ? [...(current.children.get(el.name) ?? []).map((r) => ({ id: r.id, _destroy: true })), ...(given as unknown[])]
          : given;
    }
  }
  const systemChanges = new Map([...system].filter(([name, value]) => !sameValue(value, current.values.get(name))));
  if (Object.keys(changes).length === 0 && systemChanges.size === 0) return undefined;
  return { doc: changes, system: systemChanges };
}

/** The id a write gave its record; a refusal thrown with the record named in each message. */
async function written(outcome: ReturnType<RecordService['write']>, label: string): Promise<RecordId> {
  const result = await outcome;
  if (result.ok) return result.id;
  throw new RosterError(
    result.error.code,
    result.error.messages.map((m) => `${label}: ${m}`),
  );
}
