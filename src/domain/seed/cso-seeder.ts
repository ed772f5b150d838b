import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { CSO_COMPANIES } from '../../catalog/resources/cso-companies.js';
import { CSO_USERS } from '../../catalog/resources/cso-users.js';
import type { RecordId } from '../../catalog/types.js';
import type { Store } from '../../store/database.js';
import { FIRST_NAMES, LAST_NAMES } from '../../store/seed/names.js';
import { mulberry32, pickFrom, type Random } from '../../store/seed/random.js';
import type { Actor } from '../actor.js';
import type { Engine } from '../engine.js';
import type { Document } from '../record-input.js';
import type { RecordService } from '../record-service.js';

/** What `roster seed --cso-companies M --cso-users N` asks for. */
export interface CsoSeedOptions {
  readonly companies: number;
  readonly users: number;
  /** Records per transaction (each still its own savepoint); 500 unless given. */
  readonly batchSize?: number;
  /** Seed of the generator, to repeat a run's values (names get a per-run suffix to stay unique). */
  readonly randomSeed?: number;
  /** Called after each batch with the records written so far. */
  readonly onProgress?: (written: number) => void;
}

/** What a seed run wrote: counts that add up (`written + failed` per resource is what was asked). */
export interface CsoSeedResult {
  readonly companies: number;
  readonly users: number;
  /** Items the engine refused (none, unless the data was changed meanwhile); the first reasons in `reasons`. */
  readonly failed: number;
  readonly reasons: readonly string[];
  readonly firstUserId: RecordId | null;
  readonly lastUserId: RecordId | null;
  readonly elapsedMs: number;
}

const SEEDER: Actor = { name: 'roster seed', userId: null };
const FORMS = ['BV', 'GmbH', 'Ltd', 'Inc.', 'SA', 'AB', 'S.p.A.', 'Oy'];
const CITIES: ReadonlyArray<readonly [string, string]> = [
  ['Rotterdam', 'Netherlands'],
  ['Amsterdam', 'Netherlands'],
  ['Hamburg', 'Germany'],
  ['Lyon', 'France'],
  ['Milan', 'Italy'],
  ['Gothenburg', 'Sweden'],
  ['Austin', 'United States'],
  ['Toronto', 'Canada'],
  ['Osaka', 'Japan'],
  ['Pune', 'India'],
];
const STATES = ['Active', 'Active', 'Active', 'Active', 'Active', 'Active', 'Blocked', 'Disabled'];

function companyDoc(rnd: Random, run: string, n: number): Document {
  const [city, country] = pickFrom(rnd, CITIES);
  return {
    name: `${pickFrom(rnd, LAST_NAMES).display} ${pickFrom(rnd, FORMS)} ${run}-${n}`,
    street: `${pickFrom(rnd, LAST_NAMES).display}straat ${1 + Math.floor(rnd() * 200)}`,
    'zip-code': String(1000 + Math.floor(rnd() * 9000)),
    city,
    country,
  };
}

function userDoc(rnd: Random, run: string, n: number, company: RecordId | undefined): Document {
  const first = pickFrom(rnd, FIRST_NAMES);
  const last = pickFrom(rnd, LAST_NAMES);
  const [city, country] = pickFrom(rnd, CITIES);
  const phone = () => `+31${String(100_000_000 + Math.floor(rnd() * 900_000_000))}`;
  return {
    state: pickFrom(rnd, STATES),
    // CSO logins look like `dekke434` (seed 001); the run and number keep them unique.
    name: `${first.slug.slice(0, 5)}${last.slug.slice(0, 3)}${run}${n}`,
    'first-name': first.display,
    'last-name': last.display,
    'phone-number': phone(),
    ...(rnd() < 0.6 ? { 'mobile-number': phone() } : {}),
    email: `${first.slug}.${last.slug}.${run}${n}@example.com`,
    ...(company === undefined ? {} : { 'company-id': company }),
    city,
    country,
    'accepts-agreement': rnd() < 0.7,
    'provide-information': rnd() < 0.3,
    'change-password': rnd() < 0.1,
  };
}

/**
 * Adds generated CSO companies and users through the CSO resources' record services (every
 * value validated as an API write would be), `batchSize` records per transaction. Users are
 * spread over the new companies, or over existing ones (the first 250) when none are asked for.
 */
export async function seedCso(engine: Engine, store: Store, options: CsoSeedOptions): Promise<CsoSeedResult> {
  const started = Date.now();
  const rnd = mulberry32(options.randomSeed ?? Date.now() >>> 0);
  const run = randomBytes(3).toString('hex');
  const batch = options.batchSize ?? 500;
  const reasons: string[] = [];
  let failed = 0;
  let progress = 0;

  /** Writes `count` documents of `service` in batches; returns the ids written, in order. */
  const write = async (service: RecordService, count: number, doc: (n: number) => Document): Promise<RecordId[]> => {
    const ids: RecordId[] = [];
    for (let from = 0; from < count; from += batch) {
      const items = Array.from({ length: Math.min(batch, count - from) }, (_, i) => ({ doc: doc(from + i + 1) }));
      const result = await store.chunk(() => service.writeMany(items, SEEDER));
      for (const outcome of result.outcomes) {
        if (outcome.ok) ids.push(outcome.id);
        else if (reasons.length < 5) reasons.push(outcome.error.messages.join('; '));
      }
      failed += result.failed;
      progress += result.succeeded;
      options.onProgress?.(progress);
    }
    return ids;
  };

  const companies = await write(engine.service(CSO_COMPANIES), options.companies, (n) => companyDoc(rnd, run, n));
  let owners = companies;
  if (owners.length === 0 && options.users > 0) {
    const service = engine.service(CSO_COMPANIES);
    owners = (await service.list(service.parseQuery({}))).map((r) => r.id);
  }
  const users = await write(engine.service(CSO_USERS), options.users, (n) =>
    userDoc(rnd, run, n, owners.length === 0 ? undefined : owners[Math.floor(rnd() * owners.length)]),
  );
  // Fresh statistics, as the other seeders leave them: without, PostgreSQL plans a page's
  // offset as a scan and sort of every row (docs/performance.md, issue 20).
  for (const def of [CSO_COMPANIES, CSO_USERS]) await sql`analyze ${sql.table(def.table)}`.execute(store.db);
  return {
    companies: companies.length,
    users: users.length,
    failed,
    reasons,
    firstUserId: users[0] ?? null,
    lastUserId: users.at(-1) ?? null,
    elapsedMs: Date.now() - started,
  };
}
