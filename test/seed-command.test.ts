import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seedCommand } from '../src/cli/seed.js';
import { makeConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import type { Store } from '../src/store/database.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { seedUsers } from '../src/store/user-seeder.js';
import { adminQuery, DIALECTS, PG_URL, scratchSchema } from './helpers/dialects.js';
import { JSON_IO, TEST_KEY, userXml, validUser, XML } from './helpers/test-app.js';

const N = 500;

interface JsonUser {
  id: number;
  login: string;
  email: string;
  firstname: string;
  lastname: string;
  fullname: string;
  'employee-number': string;
  active: boolean;
  department: { id: number; name: string } | null;
  'default-currency': { code: string } | null;
  manager: { id: number; login: string } | null;
  roles: Array<{ id: number; name: string }>;
}

async function logins(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('users').select('login').execute();
  return rows.map((r) => String(r['login']));
}

async function count(store: Store, table: string): Promise<number> {
  const r = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return r.n;
}

for (const dialect of DIALECTS) {
  describe(`seeding users on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let app: FastifyInstance | undefined;
    beforeEach(async () => {
      ({ store, drop } = await dialect.open());
      app = undefined;
    });
    afterEach(async () => {
      await app?.close();
      await drop();
    });

    const api = async () => {
      await new ApiKeyRepository(store).add(TEST_KEY, 'test');
      app = await buildApp({ config: makeConfig(), store });
      const a = app;
      return (url: string, headers: Record<string, string> = { accept: 'application/json' }) =>
        a.inject({ method: 'GET', url, headers: { 'x-coupa-api-key': TEST_KEY, ...headers } });
    };

    it('inserts N users with unique logins, emails and employee numbers, and their memberships', async () => {
      const result = await seedUsers(store, { users: N, batchSize: 200, randomSeed: 7 });
      expect(result.inserted).toBe(N);
      expect(result.elapsedMs).toBeGreaterThan(0);
      expect(await count(store, 'users')).toBe(N);
      const rows = await store.db.selectFrom('users').select(['login', 'email', 'employee_number']).execute();
      expect(new Set(rows.map((r) => r.login)).size).toBe(N);
      expect(new Set(rows.map((r) => r.email)).size).toBe(N);
      expect(new Set(rows.map((r) => r.employee_number)).size).toBe(N);
      expect(await count(store, 'user_memberships')).toBe(result.memberships);
      expect(result.memberships).toBeGreaterThanOrEqual(N);
      const withDepartment = await store.db.selectFrom('users').select('id').where('department_id', 'is not', null).execute();
      expect(withDepartment.length).toBeGreaterThan(N / 2);
      expect(withDepartment.length).toBeLessThan(N);
    });

    it('appends on a second run, after users made through the API, without collisions', async () => {
      const get = await api();
      const a = app as FastifyInstance;
      const created = await a.inject({
        method: 'POST',
        url: '/api/users',
        headers: { ...JSON_IO, 'x-coupa-api-key': TEST_KEY },
        payload: validUser('before'),
      });
      expect(created.statusCode).toBe(201);
      const first = await seedUsers(store, { users: N, randomSeed: 1 });
      // The same random seed again: ids, not luck, keep the logins apart.
      const second = await seedUsers(store, { users: N, randomSeed: 1 });
      expect(first.firstId).toBeGreaterThan((JSON.parse(created.body) as { id: number }).id);
      expect(second.firstId).toBeGreaterThan(first.lastId ?? Infinity);
      const all = await logins(store);
      expect(all).toHaveLength(2 * N + 1);
      expect(new Set(all).size).toBe(all.length);

      // The API still creates users after a seed: the id sequence moved past the seeded ids.
      const after = await a.inject({
        method: 'POST',
        url: '/api/users',
        headers: { ...XML, 'x-coupa-api-key': TEST_KEY },
        payload: userXml(validUser('after')),
      });
      expect(after.statusCode).toBe(201);
      const shown = await get(`/api/users?login=${validUser('after').login}`);
      expect((JSON.parse(shown.body) as JsonUser[])[0]?.id).toBeGreaterThan(second.lastId ?? Infinity);
    });

    it('serves seeded users through the API, associations included', async () => {
      const result = await seedUsers(store, { users: N, randomSeed: 42 });
      const get = await api();
      const firstId = result.firstId ?? 0;

      const page = await get('/api/users?offset=100');
      expect(page.statusCode).toBe(200);
      const users = JSON.parse(page.body) as JsonUser[];
      expect(users).toHaveLength(50);
      for (const u of users) {
        expect(u.login).toMatch(/^[a-z]+\.[a-z]+\.\d+$/);
        expect(u.email.startsWith(`${u.login}@`)).toBe(true);
        expect(u.fullname).toBe(`${u.firstname} ${u.lastname}`);
        expect(u.roles.length).toBeGreaterThanOrEqual(1);
      }
      const managed = users.find((u) => u.manager !== null);
      expect(managed?.manager?.id).toBeGreaterThanOrEqual(firstId);
      expect(users.some((u) => u.department !== null && typeof u.department.name === 'string')).toBe(true);
      expect(users.some((u) => u['default-currency'] !== null)).toBe(true);

      const one = users[7] as JsonUser;
      const shown = await get(`/api/users/${one.id}`);
      expect(shown.statusCode).toBe(200);
      expect(JSON.parse(shown.body)).toEqual(one);

      const xml = await get(`/api/users?login=${one.login}`, { accept: 'application/xml' });
      expect(xml.statusCode).toBe(200);
      expect(xml.body).toContain(`<login>${one.login}</login>`);
      expect(xml.body).toContain(`<id type="integer">${one.id}</id>`);
    });
  });
}

describe('roster seed command', () => {
  let out: string[];
  beforeEach(() => {
    out = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const run = async (...args: string[]) => {
    const program = new Command().exitOverride();
    seedCommand(program);
    await program.parseAsync(['seed', ...args], { from: 'user' });
  };

  it('migrates a new SQLite data directory, seeds it twice and prints a summary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roster-seed-'));
    try {
      await run('--users', '120', '--data', dir);
      await run('--users', '80', '--data', dir, '--random-seed', '3');
      expect(out.join('')).toMatch(/^Seeded 120 users \(ids 1\.\.120\) and [\d,]+ memberships into .* in \d+\.\d s/m);
      expect(out.join('')).toMatch(/^Seeded 80 users \(ids 121\.\.200\)/m);
      const store = await openPreparedStore({ kind: 'sqlite', filename: path.join(dir, 'roster.sqlite') });
      try {
        const all = await logins(store);
        expect(new Set(all).size).toBe(200);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('seeds CSO companies and users through the engine, twice, each user in a seeded company, ids of 19 digits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roster-seed-'));
    try {
      await run('--cso-companies', '7', '--cso-users', '300', '--data', dir, '--random-seed', '5');
      await run('--cso-users', '50', '--data', dir);
      expect(out.join('')).toMatch(
        /^Seeded 7 CSO companies and 300 CSO users \(user ids 9220600000000000001\.\.9220600000000000300\) into .* in \d+\.\d s/m,
      );
      expect(out.join('')).toMatch(
        /^Seeded 0 CSO companies and 50 CSO users \(user ids 9220600000000000301\.\.9220600000000000350\)/m,
      );
      const store = await openPreparedStore({ kind: 'sqlite', filename: path.join(dir, 'roster.sqlite') });
      try {
        const rows = await store.db
          .selectFrom('cso_users')
          .select(['name', 'state'])
          // As text: a 19-digit id read as a JS number would lose digits.
          .select((eb) => eb.cast<string>('cso_users.company_id', 'text').as('company_id'))
          .select((eb) => eb.cast<string>('cso_users.id', 'text').as('id'))
          .execute();
        expect(new Set(rows.map((r) => r['name'])).size).toBe(350);
        expect(rows.every((r) => /^92206\d{14}$/.test(r['id']))).toBe(true);
        const companies = await store.db
          .selectFrom('cso_companies')
          .select((eb) => eb.cast<string>('id', 'text').as('id'))
          .execute();
        expect(companies).toHaveLength(7);
        const companyIds = new Set(companies.map((c) => c['id']));
        // Spread over the companies (the second run over the existing ones), and read back whole.
        const used = new Set(rows.map((r) => r['company_id']));
        expect([...used].every((id) => companyIds.has(id))).toBe(true);
        expect(used.size).toBeGreaterThan(3);
        expect(new Set(rows.map((r) => r['state']))).toContain('Active');
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a --users that is not a number', async () => {
    await expect(run('--users', 'many', '--data', tmpdir())).rejects.toThrow(/--users must be a non-negative integer/);
  });

  it.runIf(PG_URL)('seeds PostgreSQL given --database-url', async () => {
    const { schema, url, drop } = await scratchSchema('seed');
    try {
      await run('--users', '150', '--database-url', url);
      expect(out.join('')).toMatch(/^Seeded 150 users .* into PostgreSQL at /m);
      const [n] = await adminQuery<{ n: string }>(`select count(distinct login) as n from ${schema}.users`);
      expect(Number(n?.n)).toBe(150);
    } finally {
      await drop();
    }
  });
});
