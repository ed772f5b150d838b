// The response cache's consistency property (issue 23): random writes interleaved through two
// processes' apps on one database (two connections on one SQLite file; two pools on one
// PostgreSQL schema), and after every step each app's answers (cached or not) equal a fresh
// render by a third app with no cache. The writing app must agree at once; the other within the
// change feed's delay (docs/performance.md: "Response cache").
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/store/seed/random.js';
import { makeConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import type { Store, StoreOptions } from '../src/store/database.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { PG_URL, scratchSchema } from './helpers/dialects.js';
import { JSON_IO, TEST_KEY } from './helpers/test-app.js';
import { minimalWorker } from './helpers/workers.js';

interface Target {
  readonly name: string;
  readonly options: StoreOptions;
  readonly drop: () => Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roster-cache-'));
  return {
    name: 'SQLite (two connections on one file)',
    options: { kind: 'sqlite', filename: path.join(dir, 'roster.sqlite') },
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

async function postgresTarget(): Promise<Target> {
  const { schema, drop } = await scratchSchema('cache');
  return {
    name: 'PostgreSQL (two processes on one schema)',
    options: { kind: 'postgres', url: PG_URL ?? '', schema, poolSize: 2 },
    drop,
  };
}

const SEED = Number(process.env['CACHE_PROPERTY_SEED'] ?? 2312);
const STEPS = 40;

const targets: Array<() => Promise<Target>> = [() => Promise.resolve(sqliteTarget())];
if (PG_URL) targets.push(postgresTarget);

for (const makeTarget of targets) {
  describe('the response cache across two processes', () => {
    let target: Target;
    const stores: Store[] = [];
    let a: FastifyInstance;
    let b: FastifyInstance;
    let fresh: FastifyInstance;

    beforeAll(async () => {
      target = await makeTarget();
      for (let i = 0; i < 3; i++) stores.push(await openPreparedStore(target.options));
      const apps: FastifyInstance[] = [];
      for (const [i, store] of stores.entries()) {
        if (i === 0) await new ApiKeyRepository(store).add(TEST_KEY, 'test');
        apps.push(await buildApp({ config: makeConfig({ rateLimit: null, responseCache: i < 2 ? 2 ** 20 : 0 }), store }));
      }
      [a, b, fresh] = apps as [FastifyInstance, FastifyInstance, FastifyInstance];
    });
    afterAll(async () => {
      for (const app of [a, b, fresh] as Array<FastifyInstance | undefined>) await app?.close();
      for (const store of stores) await store.close();
      await (target as Target | undefined)?.drop();
    });

    const send = async (
      app: FastifyInstance,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      body?: unknown,
      accept = 'application/json',
    ) => {
      const res = await app.inject({
        method,
        url,
        headers: { ...(body === undefined ? {} : JSON_IO), accept, 'x-coupa-api-key': TEST_KEY },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.body;
    };

    it('every answer equals a fresh render after each random write, whichever process wrote', async () => {
      const next = mulberry32(SEED);
      const pick = <T>(list: readonly T[]): T => {
        const item = list[Math.floor(next() * list.length)];
        if (item === undefined) throw new Error('pick from an empty list');
        return item;
      };
      const created = async (url: string, body: unknown) => (JSON.parse(await send(a, 'POST', url, body)) as { id: number }).id;

      const departments = [
        await created('/api/departments', { name: 'Dept A' }),
        await created('/api/departments', { name: 'Dept B' }),
      ];
      const users: number[] = [];
      for (let i = 0; i < 5; i++) {
        users.push(
          await created('/api/users', {
            login: `cache.user.${i}`,
            email: `cache.user.${i}@example.com`,
            firstname: `First${i}`,
            lastname: 'Cached',
            department: { id: departments[i % 2] },
            ...(i > 0 ? { manager: { id: users[0] } } : {}),
          }),
        );
      }
      const worker = await created('/api/workers', {
        ...minimalWorker(1),
        'worker-emails': [{ 'email-address': 'w1@example.com' }],
      });
      const documents: number[] = [];

      // What is compared: shows in three views and two formats, and a page of each resource.
      const reads = [
        ...users.flatMap((id) => [
          [`/api/users/${id}`, 'application/json'],
          [`/api/users/${id}`, 'application/xml'],
          [`/api/users/${id}?return_object=shallow`, 'application/json'],
          [`/api/users/${id}?fields=["login",{"manager":["login"]},{"department":["name"]}]`, 'application/json'],
        ]),
        [`/api/workers/${worker}`, 'application/json'],
        [`/api/workers/${worker}`, 'application/xml'],
        ['/api/users?order_by=id', 'application/json'],
        ['/api/users?order_by=id', 'application/xml'],
        ['/api/departments?order_by=id', 'application/json'],
        [`/api/workers?order_by=id`, 'application/json'],
      ] as const;

      const check = async (app: FastifyInstance, wait: boolean): Promise<void> => {
        for (const [url, accept] of reads) {
          const want = await send(fresh, 'GET', url, undefined, accept);
          let got = await send(app, 'GET', url, undefined, accept);
          // The other process hears of the write through the change feed: within milliseconds.
          for (let i = 0; wait && got !== want && i < 100; i++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            got = await send(app, 'GET', url, undefined, accept);
          }
          expect(got, `${url} (${accept})`).toBe(want);
        }
      };

      const writes: Array<(app: FastifyInstance, n: number) => Promise<unknown>> = [
        (app, n) => send(app, 'PUT', `/api/users/${pick(users)}`, { firstname: `Renamed${n}` }),
        (app, n) => send(app, 'PUT', `/api/users/${users[0]}`, { login: `cache.manager.${n}` }),
        (app) => send(app, 'PUT', `/api/users/${pick(users)}`, { department: { id: pick(departments) } }),
        (app, n) => send(app, 'PUT', `/api/departments/${pick(departments)}`, { name: `Dept ${n}` }),
        (app) => send(app, 'PUT', `/api/users/${pick(users)}`, { roles: [{ name: pick(['Buyer', 'Admin', 'User']) }] }),
        (app, n) => send(app, 'PUT', `/api/workers/${worker}`, { 'worker-emails': [{ 'email-address': `w${n}@example.com` }] }),
        async (app) => {
          const res = await send(app, 'POST', `/api/workers/${worker}/worker_documents`, { type: { name: 'Certificate' } });
          documents.push((JSON.parse(res) as { id: number }).id);
        },
        async (app) => {
          const id = documents.pop();
          if (id !== undefined) await send(app, 'DELETE', `/api/workers/${worker}/worker_documents/${id}`);
        },
      ];

      await check(a, false);
      await check(b, false);
      for (let step = 0; step < STEPS; step++) {
        const [writer, other] = next() < 0.5 ? [a, b] : [b, a];
        await pick(writes)(writer, step);
        await check(writer, false);
        await check(other, true);
      }
    });
  });
}
