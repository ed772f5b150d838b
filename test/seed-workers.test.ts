import { rmSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { openStore, type Store } from '../src/store/database.js';
import { runBinary, runInProcess, tempDir, type Run } from './helpers/cli.js';
import { adminQuery, PG_URL, scratchSchema } from './helpers/dialects.js';
import { TEST_KEY } from './helpers/test-app.js';

/**
 * `roster seed --workers N`: the real command line seeds workers with their children into a
 * new database, the API serves them, a second run appends, and a random seed repeats a run.
 */

const CHILD_TABLES = [
  'worker_emails',
  'worker_phone_numbers',
  'worker_addresses',
  'worker_skills',
  'worker_external_identifiers',
  'worker_national_identifiers',
];

const SUMMARY =
  /^Seeded ([\d,]+) workers \(ids (\d+)\.\.(\d+)\) with ([\d,]+) children into (.*) in \d+\.\d s \([\d,]+ workers\/s\)$/m;

interface Summary {
  readonly workers: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly children: number;
  readonly where: string;
}

function summary(run: Run): Summary {
  expect(run.code, run.stderr).toBe(0);
  const m = SUMMARY.exec(run.stdout);
  if (!m) throw new Error(`no worker summary in: ${run.stdout}`);
  const n = (s: string | undefined) => Number((s ?? '').replaceAll(',', ''));
  return { workers: n(m[1]), firstId: n(m[2]), lastId: n(m[3]), children: n(m[4]), where: m[5] ?? '' };
}

async function count(store: Store, table: string): Promise<number> {
  const r = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function childCount(store: Store): Promise<number> {
  let total = 0;
  for (const t of CHILD_TABLES) total += await count(store, t);
  return total;
}

/** Every table's rows in id order, timestamps left out (they are drawn back from the time of the run). */
async function content(store: Store): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const t of ['workers', ...CHILD_TABLES]) {
    const rows = await store.db.selectFrom(t).selectAll().orderBy('id').execute();
    out[t] = rows.map((row) => Object.entries(row).filter(([column]) => column !== 'created_at' && column !== 'updated_at'));
  }
  return JSON.stringify(out);
}

type JsonWorker = Record<string, unknown> & {
  readonly id: number;
  readonly 'first-name': string;
  readonly 'last-name': string;
  readonly 'worker-emails': Array<{ 'email-address': string; 'email-type': string }>;
  readonly 'worker-phone-numbers': Array<{ 'phone-type': string; 'phone-number': Record<string, string | null> }>;
  readonly 'worker-addresses': Array<Record<string, unknown>>;
  readonly 'worker-skills': Array<{ skill: { name: string } }>;
  readonly supplier: { name: string } | null;
};

/** An app over `store`, and a GET that answers JSON. */
async function api(store: Store): Promise<{ app: FastifyInstance; get: (url: string) => Promise<JsonWorker[]> }> {
  await new ApiKeyRepository(store).add(TEST_KEY, 'test');
  const app = await buildApp({ config: makeConfig({ rateLimit: null }), store });
  const get = async (url: string): Promise<JsonWorker[]> => {
    const res = await app.inject({ method: 'GET', url, headers: { 'x-coupa-api-key': TEST_KEY, accept: 'application/json' } });
    expect(res.statusCode, res.body).toBe(200);
    return JSON.parse(res.body) as JsonWorker[];
  };
  return { app, get };
}

/** What the API must show of seeded workers, and one of them found by its e-mail address. */
async function checkServed(store: Store, expected: number): Promise<void> {
  const { app, get } = await api(store);
  try {
    const page = await get('/api/workers?limit=40');
    expect(page).toHaveLength(Math.min(40, expected));
    for (const w of page) {
      expect(w['worker-emails'].length).toBeGreaterThanOrEqual(1);
      expect(w['worker-emails'].length).toBeLessThanOrEqual(2);
      const work = w['worker-emails'].find((e) => e['email-type'] === 'work');
      expect(work?.['email-address']).toMatch(new RegExp(`^[a-z]+\\.[a-z]+\\.${w.id}@[a-z.]+$`));
      expect(w['worker-phone-numbers']).toHaveLength(1);
      const phone = w['worker-phone-numbers'][0]?.['phone-number'];
      expect(phone?.['number']).toMatch(/^\d{6,12}$/);
      expect(phone?.['country-code']).toMatch(/^[A-Z]{2}$/);
      expect(w['worker-addresses']).toHaveLength(1);
      expect(w['worker-skills'].length).toBeLessThanOrEqual(3);
      expect(new Set(w['worker-skills'].map((s) => s.skill.name)).size).toBe(w['worker-skills'].length);
      expect(['m', 'f']).toContain(w['gender-code']);
      expect(['open', 'assigned']).toContain(w['status']);
      expect(String(w['date-of-birth'])).toMatch(/^(19[5-9]\d|200[0-5])-\d\d-\d\d$/);
      expect(Number(w['total-experience-in-years'])).toBeLessThanOrEqual(35);
    }
    expect(page.some((w) => w.supplier !== null && typeof w.supplier.name === 'string')).toBe(true);
    expect(page.some((w) => w['worker-skills'].length > 0)).toBe(true);

    const one = page[7] as JsonWorker;
    const email = one['worker-emails'][0]?.['email-address'] ?? '';
    const found = await get(`/api/workers?worker-emails[email-address]=${encodeURIComponent(email)}`);
    expect(found.map((w) => w.id)).toEqual([one.id]);
    expect(found[0]).toEqual(one);
  } finally {
    await app.close();
  }
}

async function checkStored(store: Store, s: Summary): Promise<void> {
  expect(await count(store, 'workers')).toBe(s.workers);
  expect(await childCount(store)).toBe(s.children);
  const emails = await store.db.selectFrom('worker_emails').select('email_address').execute();
  expect(new Set(emails.map((e) => e.email_address)).size).toBe(emails.length);
  // Every worker has an e-mail, a phone number and an address.
  for (const t of ['worker_emails', 'worker_phone_numbers', 'worker_addresses']) {
    const owners = await store.db.selectFrom(t).select('worker_id').distinct().execute();
    expect(owners).toHaveLength(s.workers);
  }
}

const dirs: string[] = [];
const dataDir = (): string => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
const sqliteStore = (dir: string): Store => openStore({ kind: 'sqlite', filename: path.join(dir, 'roster.sqlite') });

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('roster seed --workers on SQLite', () => {
  it('seeds workers with children that the API serves, appends on a second run, and keeps foreign keys whole', async () => {
    const dir = dataDir();
    const first = summary(await runBinary('seed', '--workers', '300', '--data', dir));
    expect(first).toMatchObject({ workers: 300, firstId: 1, lastId: 300, where: path.join(dir, 'roster.sqlite') });
    expect(first.children).toBeGreaterThan(4 * 300);

    const store = sqliteStore(dir);
    try {
      await checkStored(store, first);
      await checkServed(store, 300);
    } finally {
      await store.close();
    }

    // A second run appends: ids go on, e-mail addresses stay unique.
    const second = summary(await runInProcess('seed', '--workers', '50', '--data', dir));
    expect(second).toMatchObject({ workers: 50, firstId: 301, lastId: 350 });
    const again = sqliteStore(dir);
    try {
      await checkStored(again, { ...second, workers: 350, children: first.children + second.children });
      // The seeder loads with foreign-key checks off; every row it wrote must satisfy them.
      expect(again.sqlite?.pragma('foreign_key_check')).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('repeats a run exactly given the same --random-seed', async () => {
    const [a, b, c] = [dataDir(), dataDir(), dataDir()];
    const runs = [
      summary(await runInProcess('seed', '--workers', '120', '--random-seed', '42', '--data', a)),
      summary(await runInProcess('seed', '--workers', '120', '--random-seed', '42', '--data', b)),
      summary(await runInProcess('seed', '--workers', '120', '--random-seed', '43', '--data', c)),
    ];
    expect(runs[1]?.children).toBe(runs[0]?.children);
    const stores = [a, b, c].map(sqliteStore);
    try {
      const [ca, cb, cc] = await Promise.all(stores.map(content));
      expect(cb).toBe(ca);
      expect(cc).not.toBe(ca);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('seeds users then workers when given both, and neither is refused', async () => {
    const dir = dataDir();
    const both = await runInProcess('seed', '--workers', '30', '--users', '20', '--data', dir, '--batch-size', '7');
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toMatch(
      /^Seeded 20 users \(ids 1\.\.20\) and [\d,]+ memberships into .*\nSeeded 30 workers \(ids 1\.\.30\) with /,
    );
    expect(summary(both).workers).toBe(30);

    const neither = await runInProcess('seed', '--data', dir, '--random-seed', '1');
    expect(neither.code).toBe(1);
    expect(neither.stderr).toMatch(/seed needs --demo, --users <n>, --workers <n>, --cso-users <n> or --cso-companies <n>/);
    expect(neither.stdout).toBe('');

    const bad = await runInProcess('seed', '--workers', 'lots', '--data', dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--workers must be a non-negative integer, got 'lots'/);
  });
});

describe.runIf(PG_URL)('roster seed --workers on PostgreSQL', () => {
  it('seeds workers with children by COPY, appends on a second run, and the API serves them', async () => {
    const { schema, url, drop } = await scratchSchema('seedw');
    try {
      const first = summary(await runInProcess('seed', '--workers', '200', '--database-url', url));
      expect(first).toMatchObject({ workers: 200, firstId: 1, lastId: 200 });
      expect(first.where).toMatch(/^PostgreSQL at /);
      const second = summary(await runInProcess('seed', '--workers', '40', '--batch-size', '15', '--database-url', url));
      expect(second).toMatchObject({ workers: 40, firstId: 201, lastId: 240 });

      const store = openStore({ kind: 'postgres', url: PG_URL ?? '', schema, poolSize: 2 });
      try {
        await checkStored(store, { ...second, workers: 240, children: first.children + second.children });
        await checkServed(store, 240);
        // Each child got its id from its table's sequence: the API can still add one after the seed.
        const [next] = await adminQuery<{ id: string }>(`select nextval('${schema}.worker_emails_id_seq') as id`);
        expect(Number(next?.id)).toBeGreaterThan(await count(store, 'worker_emails'));
      } finally {
        await store.close();
      }
    } finally {
      await drop();
    }
  });
});
