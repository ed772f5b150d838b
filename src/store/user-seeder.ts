import type Sqlite from 'better-sqlite3';
import type pg from 'pg';
import type { CompositeElement, Element, ScalarElement, ScalarValue } from '../catalog/types.js';
import { assertNever, indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import { fromDb } from './codec.js';
import type { Store } from './database.js';
import {
  analyzeSqlite,
  copyInto,
  copyLine,
  copySuffix,
  COPY_CHUNK,
  CopyChunks,
  PgBatches,
  reserveIds,
  SqliteAppender,
  sqliteNextId,
  SQLITE_ROWS_PER_STATEMENT,
  withLargeCache,
  withoutForeignKeyChecks,
  type ConstantColumn,
  type DbValue,
} from './seed/bulk-insert.js';
import { checkSeededNames } from './seed/catalog-names.js';
import { FIRST_NAMES, LAST_NAMES, MIDDLE_INITIALS, type Name } from './seed/names.js';
import { drawStamps, mulberry32, pickFrom, type Random, type Stamps } from './seed/random.js';

/** The seeder makes users: the one resource it is written for. */
const USERS = resourceNamed('users');

/**
 * Bulk generator of realistic users for demos and benchmarks. The column list comes from the
 * catalogue; this file only says how to invent a value for some elements (by wire name), and
 * every other stored scalar gets its catalogue default. It bypasses the service layer on
 * purpose: a million users through Kysely and per-user validation would take many minutes.
 */

export interface SeedOptions {
  readonly users: number;
  /** Users per transaction; also how often `onProgress` is called. */
  readonly batchSize?: number;
  /** Seed of the pseudo-random generator, so a run can be repeated exactly. */
  readonly randomSeed?: number;
  readonly onProgress?: (inserted: number) => void;
}

export interface SeedResult {
  readonly inserted: number;
  readonly memberships: number;
  readonly firstId: number | null;
  readonly lastId: number | null;
  readonly elapsedMs: number;
}

const DOMAINS = ['example.com', 'acme.example', 'corp.example'];
const LOCALES = ['en', 'en-US', 'en-US', 'en-US', 'en-GB', 'de', 'fr', 'nl', 'es', 'ja', 'pt-BR', 'zh-CN'];
const FUNCTIONS = ['Finance', 'Procurement', 'Engineering', 'Sales', 'Marketing', 'Operations', 'Legal', 'IT', 'HR'];
const SENIORITY = ['Individual Contributor', 'Senior', 'Lead', 'Manager', 'Director', 'Vice President'];
const PHONE_REGIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['1', ['415', '212', '312', '617', '206']],
  ['44', ['20', '161', '131']],
  ['31', ['20', '10']],
  ['49', ['30', '89']],
];

/** What is decided once per user and read by several columns. */
interface SeedRow {
  readonly id: number;
  readonly first: Name;
  readonly last: Name;
  readonly login: string;
  readonly saml: boolean;
  readonly composites: Map<string, ReadonlyMap<string, string> | null>;
  /** Stamps as stored: created within the last three years, updated some time after. */
  readonly stamps: Stamps;
}

type ScalarGen = (row: SeedRow, rnd: Random) => ScalarValue | null;
const chance =
  (p: number): ScalarGen =>
  (_r, rnd) =>
    rnd() < p;
const sometimes =
  (p: number, list: readonly string[]): ScalarGen =>
  (_r, rnd) =>
    rnd() < p ? pickFrom(rnd, list) : null;

/** Invented values by element name; scalars not listed get their catalogue default (or stay null). */
const SCALARS: Readonly<Record<string, ScalarGen>> = {
  login: (r) => r.login,
  email: (r, rnd) => `${r.login}@${pickFrom(rnd, DOMAINS)}`,
  'employee-number': (r) => `E${String(r.id).padStart(7, '0')}`,
  firstname: (r) => r.first.display,
  lastname: (r) => r.last.display,
  middlename: sometimes(0.15, MIDDLE_INITIALS),
  active: chance(0.95),
  'purchasing-user': chance(0.6),
  'expense-user': chance(0.7),
  'invoicing-user': chance(0.1),
  'sourcing-user': chance(0.05),
  'analytics-user': chance(0.05),
  'authentication-method': (r) => (r.saml ? 'saml' : 'coupa_credentials'),
  'sso-identifier': (r) => (r.saml ? r.login : null),
  'default-locale': sometimes(0.8, LOCALES),
  'business-function': sometimes(0.6, FUNCTIONS),
  'seniority-level': sometimes(0.5, SENIORITY),
  'employee-payment-channel': (_r, rnd) => (rnd() < 0.1 ? 'CoupaPay' : 'ERP'),
};

/** Share of users with each composite set. */
const COMPOSITES: Readonly<Record<string, number>> = { 'phone-work': 0.6, 'phone-mobile': 0.3 };

/** Share of users pointing at an existing row for each belongs-to association. */
const REFERENCES: Readonly<Record<string, number>> = {
  department: 0.9,
  'default-currency': 0.8,
  'default-address': 0.7,
  'country-of-residence': 0.6,
  'legal-entity': 0.5,
  'default-account-type': 0.3,
  'default-account': 0.3,
  'requisition-approval-limit': 0.2,
  'expense-approval-limit': 0.2,
  manager: 0.85,
};

/** Share of users in each has-many association, and at most how many rows they get. */
const COLLECTIONS: Readonly<Record<string, { readonly p: number; readonly max: number }>> = {
  roles: { p: 1, max: 2 },
  'content-groups': { p: 0.6, max: 2 },
  'user-groups': { p: 0.15, max: 1 },
  'approval-groups': { p: 0.05, max: 1 },
};

function phoneParts(rnd: Random): ReadonlyMap<string, string> {
  const [country, areas] = pickFrom(rnd, PHONE_REGIONS);
  const digits = String(1_000_000 + Math.floor(rnd() * 9_000_000));
  return new Map([
    ['country-code', country],
    ['area-code', pickFrom(rnd, areas)],
    ['number', `${digits.slice(0, 3)}-${digits.slice(3)}`],
  ]);
}

interface VaryingColumn {
  readonly name: string;
  readonly value: (row: SeedRow) => DbValue;
}

interface Membership {
  readonly kind: string;
  readonly target: string;
  readonly p: number;
  readonly max: number;
}

interface Plan {
  readonly varying: readonly VaryingColumn[];
  readonly constants: readonly ConstantColumn[];
  readonly composites: readonly CompositeElement[];
  readonly memberships: readonly Membership[];
  /** Ids of the rows each reference and collection may point at. */
  readonly refIds: ReadonlyMap<string, readonly number[]>;
}

/** Ids of usable rows: inactive or disabled ones (a retired department) are left alone. */
async function usableIds(store: Store, table: string): Promise<number[]> {
  const flag = indexCatalog(resourceNamed(table)).scalars.find(
    (f) => f.type === 'boolean' && (f.name === 'active' || f.name === 'enabled'),
  );
  const rows = await store.db.selectFrom(table).selectAll().orderBy('id').execute();
  return rows.filter((r) => !flag || fromDb('boolean', r[flag.column]) !== false).map((r) => Number(r['id']));
}

async function makePlan(store: Store, rnd: Random, runIds: number[]): Promise<Plan> {
  const { dialect } = store;
  const named = (table: object, kind: Element['kind']) => Object.keys(table).map((name) => [name, kind] as const);
  checkSeededNames(USERS, [
    ...named(SCALARS, 'scalar'),
    ...named(COMPOSITES, 'composite'),
    ...named(REFERENCES, 'reference'),
    ...named(COLLECTIONS, 'collection'),
  ]);
  const refIds = new Map<string, readonly number[]>();
  const idsOf = async (table: string): Promise<readonly number[]> => {
    let ids = refIds.get(table);
    if (!ids) {
      ids = await usableIds(store, table);
      refIds.set(table, ids);
    }
    return ids;
  };

  const varying: VaryingColumn[] = [];
  const constants: ConstantColumn[] = [];
  const composites: CompositeElement[] = [];
  const memberships: Membership[] = [];
  const encode = (el: ScalarElement, v: ScalarValue | null): DbValue => dialect.toDb(el.type, v);
  for (const el of USERS.elements) {
    switch (el.kind) {
      case 'scalar': {
        const gen = SCALARS[el.name];
        const auto = el.auto;
        if (auto === 'id') varying.push({ name: el.column, value: (r) => r.id });
        else if (auto === 'created-at' || auto === 'updated-at') {
          varying.push({ name: el.column, value: (r) => encode(el, r.stamps[auto]) });
        } else if (gen) varying.push({ name: el.column, value: (r) => encode(el, gen(r, rnd)) });
        else if (el.default !== undefined) constants.push({ name: el.column, constant: encode(el, el.default) });
        break;
      }
      case 'composite': {
        if (COMPOSITES[el.name] === undefined) break;
        composites.push(el);
        for (const f of el.fields) {
          varying.push({ name: f.column, value: (r) => r.composites.get(el.name)?.get(f.name) ?? null });
        }
        break;
      }
      case 'reference': {
        const p = REFERENCES[el.name];
        if (p === undefined) break;
        if (el.target === USERS.name) {
          // Managers are drawn from the earliest users of the run, so the org chart has a top.
          varying.push({
            name: el.column,
            value: () => (runIds.length > 0 && rnd() < p ? pickManager(rnd, runIds) : null),
          });
        } else {
          const ids = await idsOf(el.target);
          if (ids.length > 0) varying.push({ name: el.column, value: () => (rnd() < p ? pickFrom(rnd, ids) : null) });
        }
        break;
      }
      case 'collection': {
        const spec = COLLECTIONS[el.name];
        if (spec && (await idsOf(el.target)).length > 0) memberships.push({ kind: el.membership, target: el.target, ...spec });
        break;
      }
      case 'computed':
      case 'through':
      case 'secret':
      case 'children':
        break;
      default:
        assertNever(el);
    }
  }
  return {
    varying,
    constants,
    composites,
    memberships,
    refIds,
  };
}

function pickManager(rnd: Random, runIds: readonly number[]): number {
  return runIds[Math.floor(rnd() * Math.ceil(runIds.length / 8))] as number;
}

/** Makes one user's row context and memberships; ids are given, everything else is drawn. */
class RowMaker {
  constructor(
    private readonly plan: Plan,
    private readonly rnd: Random,
    private readonly now: number,
  ) {}

  make(id: number): SeedRow {
    const { rnd } = this;
    const first = pickFrom(rnd, FIRST_NAMES);
    const last = pickFrom(rnd, LAST_NAMES);
    const composites = new Map<string, ReadonlyMap<string, string> | null>();
    for (const el of this.plan.composites) composites.set(el.name, rnd() < (COMPOSITES[el.name] ?? 0) ? phoneParts(rnd) : null);
    const stamps = drawStamps(rnd, this.now);
    // The id makes login (and so email) unique against every other user this seeder ever made.
    return { id, first, last, login: `${first.slug}.${last.slug}.${id}`, saml: rnd() < 0.2, composites, stamps };
  }

  /** Calls `add(kind, refId, position)` for each membership of a new user. */
  memberships(add: (kind: string, refId: number, position: number) => void): void {
    const { rnd } = this;
    for (const m of this.plan.memberships) {
      if (rnd() >= m.p) continue;
      const ids = this.plan.refIds.get(m.target) ?? [];
      const want = Math.min(ids.length, 1 + Math.floor(rnd() * m.max));
      const chosen: number[] = [];
      while (chosen.length < want) {
        const id = pickFrom(rnd, ids);
        if (!chosen.includes(id)) chosen.push(id);
      }
      chosen.forEach((refId, position) => add(m.kind, refId, position));
    }
  }
}

interface Counts {
  inserted: number;
  memberships: number;
}

/** better-sqlite3 is synchronous: prepared multi-row INSERTs inside one IMMEDIATE transaction per batch. */
function seedSqlite(
  db: Sqlite.Database,
  plan: Plan,
  maker: RowMaker,
  runIds: number[],
  total: number,
  batchSize: number,
  onProgress: (n: number) => void,
): Counts {
  const users = new SqliteAppender(
    db,
    'users',
    plan.varying.map((c) => c.name),
    { constants: plan.constants, orFail: true },
  );
  const links = new SqliteAppender(db, 'user_memberships', ['user_id', 'kind', 'ref_id', 'position'], { orFail: true });
  const nextId = sqliteNextId(db, 'users');

  const counts: Counts = { inserted: 0, memberships: 0 };
  const batch = db.transaction((count: number) => {
    const base = nextId() - 1;
    for (let i = 1; i <= count; i++) {
      const id = base + i;
      const row = maker.make(id);
      users.add(plan.varying.map((c) => c.value(row)));
      runIds.push(id);
      maker.memberships((kind, refId, position) => links.add([id, kind, refId, position]));
      if (users.pending === SQLITE_ROWS_PER_STATEMENT || i === count) {
        users.write(true);
        // Memberships only after their users: the foreign key is checked per statement.
        links.write(i === count);
      }
    }
  });

  // As the worker seeder does: no statement journal for every multi-row INSERT (seed/bulk-insert.ts).
  withoutForeignKeyChecks(db, () =>
    withLargeCache(db, () => {
      while (counts.inserted < total) {
        const count = Math.min(batchSize, total - counts.inserted);
        batch.immediate(count);
        counts.inserted += count;
        onProgress(counts.inserted);
      }
    }),
  );
  counts.memberships = links.written;
  // A statement whose plan reads a sample is prepared again for every new binding, and for the
  // hundred-column user query that tripled the cost of a show. Point lookups on unique keys gain
  // nothing from samples, so theirs go; ranges (updated-at) and skewed values (active) keep them.
  analyzeSqlite(db, ['users', 'user_memberships'], POINT_LOOKUP_INDEXES);
  return counts;
}

/** Indexes looked up by one exact value: the id, unique elements, and the SSO identifier. */
const POINT_LOOKUP_INDEXES = [
  'users_id',
  'users_sso_identifier',
  ...USERS.elements.flatMap((el) =>
    el.kind === 'scalar' && el.unique ? [`users_${el.column}_unique`, `users_${el.column}`] : [],
  ),
];

/** PostgreSQL: COPY FROM STDIN per batch, in one transaction with the batch's memberships. */
async function seedPostgres(
  pool: pg.Pool,
  plan: Plan,
  maker: RowMaker,
  runIds: number[],
  total: number,
  batchSize: number,
  onProgress: (n: number) => void,
): Promise<Counts> {
  const columns = [...plan.varying, ...plan.constants].map((c) => c.name);
  const suffix = copySuffix(plan.constants);
  const counts: Counts = { inserted: 0, memberships: 0 };
  const client = await pool.connect();
  try {
    const batches = new PgBatches(client);
    while (counts.inserted < total) {
      const count = Math.min(batchSize, total - counts.inserted);
      await batches.run(async () => {
        // Ids come from the sequence, so a server inserting meanwhile never collides with them.
        const reserved = await reserveIds(client, 'users', count);
        const links = new CopyChunks();
        function* users(): Generator<string> {
          let text = '';
          for (const id of reserved) {
            const row = maker.make(id);
            text += copyLine(
              plan.varying.map((c) => c.value(row)),
              suffix,
            );
            runIds.push(id);
            maker.memberships((kind, refId, position) => links.add([id, kind, refId, position]));
            if (text.length >= COPY_CHUNK) {
              yield text;
              text = '';
            }
          }
          if (text !== '') yield text;
        }
        await copyInto(client, 'users', columns, users());
        await copyInto(client, 'user_memberships', ['user_id', 'kind', 'ref_id', 'position'], links.take());
        counts.memberships += links.rows;
      });
      counts.inserted += count;
      onProgress(counts.inserted);
    }
    // Fresh statistics, so the planner uses the new indexes at once rather than after autovacuum.
    await client.query('analyze users, user_memberships');
  } finally {
    client.release();
  }
  return counts;
}

/** Appends `options.users` generated users (and their memberships) to a migrated store. */
export async function seedUsers(store: Store, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const total = options.users;
  if (!Number.isSafeInteger(total) || total < 0) throw new Error(`users must be a non-negative integer, got ${total}`);
  const batchSize = options.batchSize ?? (store.sqlite ? 50_000 : 100_000);
  const rnd = mulberry32(options.randomSeed ?? Date.now());
  const runIds: number[] = [];
  const plan = await makePlan(store, rnd, runIds);
  const maker = new RowMaker(plan, rnd, Date.parse(store.clock.iso()));
  const onProgress = options.onProgress ?? (() => undefined);
  let counts: Counts;
  // Bulk loading goes through the driver's own handle: a transaction of prepared multi-row
  // INSERTs on better-sqlite3, COPY on pg.
  if (store.sqlite) counts = seedSqlite(store.sqlite, plan, maker, runIds, total, batchSize, onProgress);
  else if (store.pool) counts = await seedPostgres(store.pool, plan, maker, runIds, total, batchSize, onProgress);
  else throw new Error('Seeding needs the store opened by openStore (raw handle missing)');
  return {
    inserted: counts.inserted,
    memberships: counts.memberships,
    firstId: runIds[0] ?? null,
    lastId: runIds.at(-1) ?? null,
    elapsedMs: performance.now() - started,
  };
}
