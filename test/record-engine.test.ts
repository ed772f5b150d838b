import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../src/config.js';
import { Engine } from '../src/domain/engine.js';
import { buildApp } from '../src/http/app.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import type { Store } from '../src/store/database.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { dbSnapshot } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeTestApp, TEST_KEY, type TestApp } from './helpers/test-app.js';

const ACTOR = { name: 'test', userId: null };
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json', 'x-coupa-api-key': TEST_KEY };

async function departmentCount(store: Store): Promise<number> {
  return (await store.db.selectFrom('departments').select('id').execute()).length;
}

/** Asks until `check` holds or `ms` pass: a change announced by another process arrives asynchronously. */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

async function departmentOf(app: FastifyInstance, userId: number): Promise<string> {
  const res = await app.inject({ method: 'GET', url: `/api/users/${userId}`, headers: JSON_HEADERS });
  return (JSON.parse(res.body) as { department: { name: string } }).department.name;
}

for (const dialect of DIALECTS) {
  describe(`record engine on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(() => t.close());

    it('writes a batch item by item: one outcome each, counts that add up, refused items write nothing', async () => {
      const departments = Engine.detached(t.store).service('departments');
      const before = await departmentCount(t.store);
      const result = await departments.writeMany(
        [
          { doc: { name: 'Research' } },
          { doc: { name: '' } },
          { doc: { name: 'Design', active: 'maybe' } },
          { doc: { name: 'Research' } },
          { doc: { name: 'Support' } },
        ],
        ACTOR,
      );
      expect(result.outcomes.map((o) => (o.ok ? 'ok' : o.error.messages.join('; ')))).toEqual([
        'ok',
        "Name can't be blank",
        'Active must be true or false',
        'Name has already been taken',
        'ok',
      ]);
      expect([result.succeeded, result.failed]).toEqual([2, 3]);
      expect(await departmentCount(t.store)).toBe(before + 2);
    });

    it('updates in a batch by id, and an unknown id is that item’s not_found', async () => {
      const users = Engine.detached(t.store).service('users');
      const created = await users.create(
        { login: 'ada', email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' },
        ACTOR,
      );
      const before = await dbSnapshot(t.store);
      const result = await users.writeMany(
        [
          { id: created.record.id, doc: { department: { name: 'Nowhere' } } },
          { id: 999_999, doc: { lastname: 'X' } },
          { id: created.record.id, doc: { lastname: 'Byron' } },
        ],
        ACTOR,
      );
      expect(result.outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['unknown_reference', 'not_found', 'ok']);
      expect((await users.show(created.record.id)).values.get('lastname')).toBe('Byron');
      const after = await dbSnapshot(t.store);
      expect(Object.keys(after).filter((table) => JSON.stringify(after[table]) !== JSON.stringify(before[table]))).toEqual([
        'users',
      ]);
    });

    it('two writers racing for one department name: one 201, the rest a Coupa 400, never a 500', async () => {
      const second = await buildApp({ config: makeConfig({ rateLimit: null }), store: t.store });
      try {
        const responses = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 === 0 ? t.app : second).inject({
              method: 'POST',
              url: '/api/departments',
              headers: JSON_HEADERS,
              payload: { name: 'Racing' },
            }),
          ),
        );
        expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 400, 400, 400, 400, 400, 400, 400]);
        for (const r of responses.filter((x) => x.statusCode === 400)) {
          expect(JSON.parse(r.body)).toEqual({ errors: { department: ['Name has already been taken'] } });
        }
      } finally {
        await second.close();
      }
    });

    it('a department renamed through one app shows renamed in users rendered by another app on the same database', async () => {
      const second = await buildApp({ config: makeConfig({ rateLimit: null }), store: t.store });
      try {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/users',
          headers: JSON_HEADERS,
          payload: { login: 'ada', email: 'ada@example.com', firstname: 'Ada', lastname: 'L', department: { name: 'Sales' } },
        });
        const { id, department } = JSON.parse(res.body) as { id: number; department: { id: number } };
        expect(await departmentOf(second, id)).toBe('Sales'); // now cached by the second app
        await t.app.inject({
          method: 'PUT',
          url: `/api/departments/${department.id}`,
          headers: JSON_HEADERS,
          payload: { name: 'Revenue' },
        });
        expect(await departmentOf(t.app, id)).toBe('Revenue');
        // SQLite apps on one store share one connection; PostgreSQL ones hear each other's NOTIFY.
        expect(await eventually(async () => (await departmentOf(second, id)) === 'Revenue')).toBe(true);
      } finally {
        await second.close();
      }
    });
  });
}

describe('record caches across SQLite connections', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'roster-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a write by another connection to the same file is seen at once (data_version)', async () => {
    const file = path.join(dir, 'roster.sqlite');
    const one = await openPreparedStore({ kind: 'sqlite', filename: file });
    const two = await openPreparedStore({ kind: 'sqlite', filename: file });
    await new ApiKeyRepository(one).add(TEST_KEY, 'test');
    const a = await buildApp({ config: makeConfig({ rateLimit: null }), store: one });
    const b = await buildApp({ config: makeConfig({ rateLimit: null }), store: two });
    try {
      const res = await a.inject({
        method: 'POST',
        url: '/api/users',
        headers: JSON_HEADERS,
        payload: { login: 'ada', email: 'ada@example.com', firstname: 'Ada', lastname: 'L', department: { name: 'Legal' } },
      });
      const { id, department } = JSON.parse(res.body) as { id: number; department: { id: number } };
      expect(await departmentOf(b, id)).toBe('Legal');
      await a.inject({
        method: 'PUT',
        url: `/api/departments/${department.id}`,
        headers: JSON_HEADERS,
        payload: { name: 'Counsel' },
      });
      expect(await departmentOf(b, id)).toBe('Counsel');
    } finally {
      await a.close();
      await b.close();
      await one.close();
      await two.close();
    }
  });
});
