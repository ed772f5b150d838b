// The controls that replace the state (docs/controls.md): POST /_roster/reset, snapshots and the
// clock, on each dialect; on PostgreSQL also across two servers on one database.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialService } from '../src/cli/credentials.js';
import { makeConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { CREDENTIAL_TABLES, KEPT_TABLES } from '../src/store/state-copy.js';
import { adminQuery, DIALECTS, PG_URL, scratchSchema } from './helpers/dialects.js';
import { clientToken, JSON_IO, makeTestApp, TEST_KEY, validUser, type TestApp } from './helpers/test-app.js';

const ADMIN_KEY = 'admin-key-0123456789';
const ADMIN = { 'x-roster-admin-key': ADMIN_KEY, 'content-type': 'application/json' };

interface Failure {
  error: { code: string; messages: string[] };
}

const userJson = (login: string): Record<string, unknown> => ({ ...validUser(login), login });

describe.each(DIALECTS)('state controls ($name)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp(dialect);
    await new ApiKeyRepository(t.store).add(ADMIN_KEY, 'ci harness', null, null, 'admin');
  });
  afterEach(() => t.close());

  const control = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    t.app.inject({ method, url, headers: ADMIN, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  const exported = async (): Promise<unknown> => {
    const res = await control('GET', '/_roster/export');
    expect(res.statusCode, res.body).toBe(200);
    return JSON.parse(res.body);
  };
  const createUser = async (login: string, key = TEST_KEY) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...JSON_IO, 'x-coupa-api-key': key },
      payload: JSON.stringify(userJson(login)),
    });
    expect(res.statusCode, res.body).toBe(201);
    return JSON.parse(res.body) as { id: number; 'created-at': string; 'created-by': { login: string } | null };
  };
  const logins = async (): Promise<string[]> => {
    const res = await t.request({ method: 'GET', url: '/api/users?fields=["login"]&order_by=id', headers: JSON_IO });
    return (JSON.parse(res.body) as { login: string }[]).map((u) => u.login);
  };
  const refused = (res: { statusCode: number; body: string; headers: Record<string, unknown> }) => {
    const body = JSON.parse(res.body) as Failure;
    return [res.statusCode, res.headers['x-roster-error-code'], body.error.code, body.error.messages.join(' | ')];
  };

  it('reset: the data as a fresh start leaves it, ids from the start, every credential kept with its API user', async () => {
    const fresh = await exported();
    const { key } = await credentialService(t.store).createKey({ name: 'harness', scopes: null });
    const first = await createUser('ada', key);
    expect(first['created-by']?.login).toMatch(/^api\.key\./);
    await createUser('grace');
    const dept = await t.request({
      method: 'POST',
      url: '/api/departments',
      headers: JSON_IO,
      payload: JSON.stringify({ name: 'Reset Me' }),
    });
    expect(dept.statusCode, dept.body).toBe(201);
    expect(await exported()).not.toEqual(fresh);

    const res = await control('POST', '/_roster/reset');
    expect(res.statusCode, res.body).toBe(204);
    expect(await exported()).toEqual(fresh);
    expect(await logins()).not.toContain('ada');

    // The key still opens the API, its writes still show its own API user, and ids start again.
    const again = await createUser('ada', key);
    expect(again['created-by']?.login).toBe(first['created-by']?.login);
    const apiUsers = await t.request({ method: 'GET', url: '/api/users?api_user=true&fields=["login"]', headers: JSON_IO });
    expect((JSON.parse(apiUsers.body) as { login: string }[]).map((u) => u.login)).toEqual([first['created-by']?.login]);
    const second = await t.request({ method: 'GET', url: `/api/users/${again.id}`, headers: JSON_IO });
    expect(second.statusCode).toBe(200);
    // The admin key is kept too: this request was made with it.
    expect((await control('GET', '/_roster/snapshots')).statusCode).toBe(200);
  });

  it('snapshots: save, change, restore brings back the export and the id counters; list and drop', async () => {
    await createUser('before');
    const saved = await control('POST', '/_roster/snapshots', { name: 'base_1.0' });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(JSON.parse(saved.body)).toMatchObject({ name: 'base_1.0', 'created-at': expect.stringMatching(/^\d{4}-/) as string });
    const atSave = await exported();
    const next = await createUser('after-1');
    await t.request({
      method: 'PUT',
      url: `/api/users/${next.id - 1}`,
      headers: JSON_IO,
      payload: JSON.stringify({ firstname: 'Changed' }),
    });
    await createUser('after-2');
    expect(await exported()).not.toEqual(atSave);

    const restored = await control('POST', '/_roster/snapshots/base_1.0/restore');
    expect(restored.statusCode, restored.body).toBe(204);
    expect(await exported()).toEqual(atSave);
    // The counters came back too: the next user takes the id it took after the save.
    expect((await createUser('after-again')).id).toBe(next.id);
    // A restore may be repeated.
    expect((await control('POST', '/_roster/snapshots/base_1.0/restore')).statusCode).toBe(204);
    expect(await exported()).toEqual(atSave);

    // Saving under a taken name replaces it.
    await createUser('replaced');
    expect((await control('POST', '/_roster/snapshots', { name: 'base_1.0' })).statusCode).toBe(201);
    expect((await control('POST', '/_roster/snapshots', { name: 'other' })).statusCode).toBe(201);
    const list = JSON.parse((await control('GET', '/_roster/snapshots')).body) as { snapshots: { name: string }[] };
    expect(list.snapshots.map((s) => s.name).sort()).toEqual(['base_1.0', 'other']);
    await control('POST', '/_roster/reset');
    expect((await control('POST', '/_roster/snapshots/base_1.0/restore')).statusCode).toBe(204);
    expect(await logins()).toContain('replaced');

    expect((await control('DELETE', '/_roster/snapshots/other')).statusCode).toBe(204);
    expect(refused(await control('DELETE', '/_roster/snapshots/other'))).toEqual([
      404,
      'snapshot_not_found',
      'snapshot_not_found',
      'No snapshot is named other',
    ]);
  });

  it('bad input to reset, snapshots and the clock: a clear 4xx, nothing changed', async () => {
    await createUser('keep-me');
    const before = await exported();
    const bad: [string, string, unknown, number, string, string][] = [
      ['POST', '/_roster/snapshots', { name: 'a/b' }, 400, 'invalid_control', "A snapshot's name is"],
      ['POST', '/_roster/snapshots', { name: '..' }, 400, 'invalid_control', "A snapshot's name is"],
      ['POST', '/_roster/snapshots', { name: '' }, 400, 'invalid_control', "A snapshot's name is"],
      ['POST', '/_roster/snapshots', { name: 'x'.repeat(65) }, 400, 'invalid_control', "A snapshot's name is"],
      ['POST', '/_roster/snapshots', { name: 5 }, 400, 'invalid_control', 'A snapshot needs a "name"'],
      ['POST', '/_roster/snapshots', {}, 400, 'invalid_control', 'A snapshot needs a "name"'],
      ['POST', '/_roster/snapshots', ['x'], 400, 'invalid_control', 'A snapshot is saved with a JSON object'],
      ['POST', '/_roster/snapshots', { name: 'ok', tag: 'x' }, 400, 'invalid_control', 'A snapshot has no tag'],
      ['POST', '/_roster/snapshots/missing/restore', undefined, 404, 'snapshot_not_found', 'No snapshot is named missing'],
      ['POST', '/_roster/snapshots/..%2F..%2Fetc/restore', undefined, 400, 'invalid_control', "A snapshot's name is"],
      ['POST', '/_roster/snapshots/a%20b/restore', undefined, 400, 'invalid_control', "A snapshot's name is"],
      ['PUT', '/_roster/clock', { now: 'tomorrow' }, 400, 'invalid_control', `The clock's "now" is an ISO 8601`],
      ['PUT', '/_roster/clock', { now: '2027-13-01T00:00:00Z' }, 400, 'invalid_control', `The clock's "now" is an ISO 8601`],
      ['PUT', '/_roster/clock', { now: '2027-01-01' }, 400, 'invalid_control', `The clock's "now" is an ISO 8601`],
      ['PUT', '/_roster/clock', { now: '1969-12-31T23:59:59Z' }, 400, 'invalid_control', `The clock's "now" is an ISO 8601`],
      ['PUT', '/_roster/clock', { now: 1798761600000 }, 400, 'invalid_control', `The clock's "now" is an ISO 8601`],
      ['PUT', '/_roster/clock', { frozen: 'yes' }, 400, 'invalid_control', `The clock's "frozen" is true or false`],
      ['PUT', '/_roster/clock', {}, 400, 'invalid_control', 'The clock needs "now", "frozen" or both'],
      ['PUT', '/_roster/clock', { now: '2027-01-01T00:00:00Z', speed: 2 }, 400, 'invalid_control', 'The clock has no speed'],
      ['PUT', '/_roster/clock', 'now', 400, 'invalid_control', 'The clock takes a JSON object'],
      ['PATCH', '/_roster/clock', {}, 404, 'route_not_found', 'No control at PATCH /_roster/clock'],
      ['GET', '/_roster/snapshot', undefined, 404, 'route_not_found', 'No control at GET /_roster/snapshot'],
    ];
    for (const [method, url, body, status, code, message] of bad) {
      const res = await t.app.inject({
        method: method as 'GET',
        url,
        headers: ADMIN,
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      const [gotStatus, header, gotCode, messages] = refused(res);
      expect([gotStatus, header, gotCode], `${method} ${url} ${JSON.stringify(body)}`).toEqual([status, code, code]);
      expect(messages).toContain(message);
    }
    const malformed = await t.app.inject({ method: 'PUT', url: '/_roster/clock', headers: ADMIN, payload: '{"now": ' });
    expect(refused(malformed).slice(0, 2)).toEqual([400, 'malformed_body']);
    expect(await exported()).toEqual(before);
    const clock = JSON.parse((await control('GET', '/_roster/clock')).body) as { 'real-time': boolean };
    expect(clock['real-time']).toBe(true);
    expect((JSON.parse((await control('GET', '/_roster/snapshots')).body) as { snapshots: unknown[] }).snapshots).toEqual([]);
  });

  it('the clock: records, tokens and rate limits follow it; frozen stands still; DELETE returns to real time', async () => {
    const set = await control('PUT', '/_roster/clock', { now: '2031-02-03T04:05:06Z', frozen: true });
    expect(set.statusCode, set.body).toBe(200);
    expect(JSON.parse(set.body)).toEqual({ now: '2031-02-03T04:05:06.000Z', frozen: true, 'real-time': false });
    const user = await createUser('time-traveller');
    expect(user['created-at']).toMatch(/^2031-02-03T04:05:06/);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await createUser('still-then'))['created-at']).toBe(user['created-at']);
    const after = await t.request({ method: 'GET', url: '/api/users?updated_at[gt]=2031-01-01T00:00:00Z', headers: JSON_IO });
    expect((JSON.parse(after.body) as unknown[]).length).toBe(2);

    // Running from a set time: it moves on.
    const running = await control('PUT', '/_roster/clock', { now: '2031-02-03T04:05:06+02:00' });
    expect(JSON.parse(running.body)).toMatchObject({ frozen: false, 'real-time': false });
    expect(Date.parse((JSON.parse(running.body) as { now: string }).now)).toBeGreaterThanOrEqual(
      Date.parse('2031-02-03T02:05:06Z'),
    );
    // {"frozen": true} alone stops it where it is; {"frozen": false} starts it again from there.
    const stopped = JSON.parse((await control('PUT', '/_roster/clock', { frozen: true })).body) as { now: string };
    await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse((await control('GET', '/_roster/clock')).body)).toMatchObject({ now: stopped.now, frozen: true });
    const restarted = JSON.parse((await control('PUT', '/_roster/clock', { frozen: false })).body) as { now: string };
    expect(Date.parse(restarted.now) - Date.parse(stopped.now)).toBeLessThan(1000);

    const real = await control('DELETE', '/_roster/clock');
    expect(JSON.parse(real.body)).toMatchObject({ frozen: false, 'real-time': true });
    expect(Math.abs(Date.parse((JSON.parse(real.body) as { now: string }).now) - Date.now())).toBeLessThan(5000);
  });

  it('the clock: a frozen clock refills no rate-limit bucket, and one set back starts it full', async () => {
    await t.close();
    t = await makeTestApp(dialect, { rateLimit: { rate: 1, burst: 2 } });
    await new ApiKeyRepository(t.store).add(ADMIN_KEY, 'ci harness', null, null, 'admin');
    const read = async () => (await t.request({ method: 'GET', url: '/api/users', headers: JSON_IO })).statusCode;
    await control('PUT', '/_roster/clock', { now: '2035-06-01T00:00:00Z', frozen: true });
    expect([await read(), await read(), await read()]).toEqual([200, 200, 429]);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await read()).toBe(429);
    // Back to real time, years earlier: the buckets written in 2035 do not hold the key back.
    await control('DELETE', '/_roster/clock');
    expect(await read()).toBe(200);
  });

  it('the clock: an OAuth token expires by it, and a reset returns to real time', async () => {
    const { client, secret } = await credentialService(t.store).createClient({
      name: 'clocked',
      scopes: ['core.user.read'],
      secret: 'clock-client-secret-1',
    });
    const token = await clientToken(t.app, client.clientId, secret, 'core.user.read');
    const read = () =>
      t.app.inject({ method: 'GET', url: '/api/users', headers: { ...JSON_IO, authorization: `Bearer ${token.access_token}` } });
    expect((await read()).statusCode).toBe(200);
    const later = new Date(Date.now() + (token.expires_in + 60) * 1000).toISOString();
    await control('PUT', '/_roster/clock', { now: later });
    expect((await read()).statusCode).toBe(401);
    await control('POST', '/_roster/reset');
    expect(JSON.parse((await control('GET', '/_roster/clock')).body)).toMatchObject({ 'real-time': true });
    expect((await read()).statusCode).toBe(200);
  });
});

const t0 = (): never => {
  throw new Error('no store opened');
};

describe.skipIf(!PG_URL)('state controls across two servers on one PostgreSQL', () => {
  it('a reset, a restore and the clock made through one server are what the other serves', async () => {
    const db = await scratchSchema('state');
    const apps: FastifyInstance[] = [];
    const stores = [];
    try {
      for (let i = 0; i < 2; i++) {
        const store = await openPreparedStore({ kind: 'postgres', url: PG_URL ?? '', schema: db.schema, poolSize: 2 });
        stores.push(store);
        apps.push(await buildApp({ config: makeConfig({ rateLimit: null }), store }));
      }
      const keys = new ApiKeyRepository(stores[0] ?? t0());
      await keys.add(ADMIN_KEY, 'harness', null, null, 'admin');
      await keys.add(TEST_KEY, 'test');
      const [a, b] = apps as [FastifyInstance, FastifyInstance];
      const admin = (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
        app.inject({ method, url, headers: ADMIN, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
      const departments = async (app: FastifyInstance) =>
        (
          JSON.parse(
            (
              await app.inject({
                method: 'GET',
                url: '/api/departments?fields=["name"]',
                headers: { ...JSON_IO, 'x-coupa-api-key': TEST_KEY },
              })
            ).body,
          ) as { name: string }[]
        ).map((d) => d.name);
      const eventually = async (check: () => Promise<boolean>) => {
        for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
        expect(await check()).toBe(true);
      };

      // B caches departments; A saves, adds one, and B sees it (the change feed), then A restores.
      const initial = await departments(b);
      expect((await admin(a, 'POST', '/_roster/snapshots', { name: 'shared' })).statusCode).toBe(201);
      await a.inject({
        method: 'POST',
        url: '/api/departments',
        headers: { ...JSON_IO, 'x-coupa-api-key': TEST_KEY },
        payload: JSON.stringify({ name: 'Only After' }),
      });
      await eventually(async () => (await departments(b)).includes('Only After'));
      expect((await admin(b, 'POST', '/_roster/snapshots/shared/restore')).statusCode).toBe(204);
      await eventually(async () => !(await departments(a)).includes('Only After'));
      expect(await departments(a)).toEqual(initial);

      await a.inject({
        method: 'POST',
        url: '/api/departments',
        headers: { ...JSON_IO, 'x-coupa-api-key': TEST_KEY },
        payload: JSON.stringify({ name: 'Before Reset' }),
      });
      await eventually(async () => (await departments(b)).includes('Before Reset'));
      expect((await admin(a, 'POST', '/_roster/reset')).statusCode).toBe(204);
      await eventually(async () => !(await departments(b)).includes('Before Reset'));

      expect((await admin(a, 'PUT', '/_roster/clock', { now: '2040-01-01T00:00:00Z', frozen: true })).statusCode).toBe(200);
      await eventually(async () =>
        (JSON.parse((await admin(b, 'GET', '/_roster/clock')).body) as { now: string }).now.startsWith('2040'),
      );
    } finally {
      for (const app of apps) await app.close();
      for (const store of stores) await store.close();
      await db.drop();
    }
  });
});

describe.skipIf(!PG_URL)('state controls for a PostgreSQL role that is no superuser', () => {
  it('a reset and a restore check every foreign key at commit, and come out the same', async () => {
    await adminQuery(
      `do $$ begin if not exists (select 1 from pg_roles where rolname = 'roster_plain') then create role roster_plain login; end if; end $$`,
    );
    const db = await scratchSchema('plain');
    await adminQuery(`alter schema ${db.schema} owner to roster_plain`);
    const url = new URL(db.url);
    url.username = 'roster_plain';
    const store = await openPreparedStore({ kind: 'postgres', url: url.toString(), poolSize: 2 });
    const app = await buildApp({ config: makeConfig({ rateLimit: null }), store });
    try {
      await new ApiKeyRepository(store).add(ADMIN_KEY, 'harness', null, null, 'admin');
      await new ApiKeyRepository(store).add(TEST_KEY, 'test');
      const admin = (method: 'GET' | 'POST', url: string, body?: unknown) =>
        app.inject({ method, url, headers: ADMIN, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
      const write = (url: string, body: unknown) =>
        app.inject({ method: 'POST', url, headers: { ...JSON_IO, 'x-coupa-api-key': TEST_KEY }, payload: JSON.stringify(body) });
      // A department and a user in it: rows that point at each other's tables (users ↔ departments).
      expect((await write('/api/departments', { name: 'Cycle' })).statusCode).toBe(201);
      expect((await write('/api/users', { ...userJson('cyclist'), department: { name: 'Cycle' } })).statusCode).toBe(201);
      const saved = JSON.parse((await admin('GET', '/_roster/export')).body) as unknown;
      expect((await admin('POST', '/_roster/snapshots', { name: 'plain' })).statusCode).toBe(201);
      expect((await admin('POST', '/_roster/reset')).statusCode).toBe(204);
      expect((await admin('POST', '/_roster/snapshots/plain/restore')).statusCode).toBe(204);
      expect(JSON.parse((await admin('GET', '/_roster/export')).body)).toEqual(saved);
    } finally {
      await app.close();
      await store.close();
      await db.drop();
    }
  });
});

describe.each(DIALECTS)('the tables a reset and a restore replace ($name)', (dialect) => {
  it('every kept table exists, and on PostgreSQL every foreign key may be checked at commit', async () => {
    const { store, drop } = await dialect.open();
    try {
      const names = (await store.dialect.tables(store.db)).map((t) => t.name);
      for (const kept of KEPT_TABLES) expect(names).toContain(kept);
      for (const { table } of CREDENTIAL_TABLES) expect(KEPT_TABLES).toContain(table);
      // A foreign key a later migration adds must be deferrable too (013-controls), or a
      // restore by a role that is no superuser fails on the first cycle (users ↔ departments).
      const immediate =
        dialect.name === 'postgres'
          ? (
              await sql<{ n: number }>`
                select count(*)::int as n from pg_constraint
                where contype = 'f' and not condeferrable and connamespace = current_schema()::regnamespace`.execute(store.db)
            ).rows[0]?.n
          : 0;
      expect(immediate).toBe(0);
    } finally {
      await drop();
    }
  });
});
