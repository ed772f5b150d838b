import { randomBytes, randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { redisNamespace } from '../src/store/bucket-stores.js';
import { loadSigningKey } from '../src/store/signing-key-repository.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { startServer, type Served } from './helpers/cli.js';
import { PG_URL, scratchSchema } from './helpers/dialects.js';

const REDIS_URL = process.env['TEST_REDIS_URL'];
const KEY = `shared-key-${randomBytes(8).toString('hex')}`;
const REQUESTS = 16;
/**
 * Tokens a second: slow, so the checks below hold on a loaded machine, where a second can pass
 * between two requests (at 1 a second, the last check failed on CI while Chromium tests ran).
 */
const RATE = 0.25;

/** A fresh schema and a database URL that puts every connection of a server in it. */
async function freshSchema(): Promise<{ schema: string; url: string; keyId: number; drop: () => Promise<void> }> {
  const { schema, url, drop } = await scratchSchema('rl');
  // Migrate once before the servers start; the key gets an unusual id so nothing else matches it.
  const store = await openPreparedStore({ kind: 'postgres', url: PG_URL ?? '', schema, poolSize: 1 });
  let keyId: number;
  try {
    await sql`select setval(pg_get_serial_sequence('api_keys', 'id'), ${randomInt(1_000_000, 2_000_000_000)})`.execute(store.db);
    keyId = (await new ApiKeyRepository(store).add(KEY, 'shared')).id;
  } finally {
    await store.close();
  }
  return { schema, url, keyId, drop };
}

interface Answer {
  readonly server: number;
  readonly status: number;
  readonly retryAfter: string | null;
}

describe.skipIf(!PG_URL)('one rate limit shared by several roster serve processes', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const backends: ReadonlyArray<{ name: string; redisUrl?: string }> = [
    { name: 'buckets in PostgreSQL' },
    ...(REDIS_URL ? [{ name: 'buckets in Redis', redisUrl: REDIS_URL }] : []),
  ];

  for (const backend of backends) {
    it(`two servers on one PostgreSQL draw on one bucket per key: ${backend.name}`, async () => {
      const db = await freshSchema();
      cleanups.push(db.drop);
      const redis = backend.redisUrl ? new Redis(backend.redisUrl) : undefined;
      // Buckets are named per database (from its signing key), so this run's key is its own.
      const redisKey = async () => {
        const store = await openPreparedStore({ kind: 'postgres', url: PG_URL ?? '', schema: db.schema, poolSize: 1 });
        try {
          return `roster:${redisNamespace(await loadSigningKey(store))}:rate:key:${db.keyId}`;
        } finally {
          await store.close();
        }
      };
      // Named before the requests: the bucket expires a second after it is full again (about 6 s
      // after the burst), so it is read straight after them, not after opening stores on a busy machine.
      const bucketKey = redis ? await redisKey() : '';
      if (redis) {
        cleanups.push(async () => {
          await redis.del(bucketKey);
          await redis.quit();
        });
      }

      const args = ['--database-url', db.url, '--api-key', KEY, '--rate-limit', `${RATE}/5`];
      if (backend.redisUrl) args.push('--redis-url', backend.redisUrl);
      // One after the other: each start ensures the key exists.
      const servers: Served[] = [];
      for (let i = 0; i < 2; i++) {
        const served = await startServer(args);
        servers.push(served);
        cleanups.push(() => served.stop());
      }
      expect(servers[0]?.banner).toContain(`PostgreSQL at`);
      expect(servers[0]?.url).not.toBe(servers[1]?.url);

      const answers: Answer[] = [];
      const started = performance.now();
      for (let i = 0; i < REQUESTS; i++) {
        const server = i % 2;
        const res = await fetch(`${servers[server]?.url ?? ''}/api/users`, {
          headers: { 'X-COUPA-API-KEY': KEY, accept: 'application/json' },
        });
        await res.arrayBuffer();
        answers.push({ server, status: res.status, retryAfter: res.headers.get('retry-after') });
      }
      const elapsedSeconds = (performance.now() - started) / 1000;
      const bucket = redis ? await redis.get(bucketKey) : null;

      const ok = answers.filter((a) => a.status === 200).length;
      const report = JSON.stringify({ elapsedSeconds, answers });
      expect(
        answers.every((a) => a.status === 200 || a.status === 429),
        report,
      ).toBe(true);
      // One bucket: the burst of 5, plus what refilled while they ran (and one for rounding).
      // A bucket per process would let through at least 10 (5 each).
      expect(ok, report).toBeGreaterThanOrEqual(5);
      expect(ok, report).toBeLessThanOrEqual(5 + Math.ceil(elapsedSeconds * RATE) + 1);
      // The burst went to both servers, and both refused once it was spent.
      expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      for (const server of [0, 1]) {
        const refused = answers.filter((a) => a.server === server && a.status === 429);
        expect(refused.length, report).toBeGreaterThan(0);
        // Retry-After is the wait for the next token, in whole seconds: at most 1 / RATE.
        for (const a of refused) expect(Number(a.retryAfter), report).toBeGreaterThanOrEqual(1);
        for (const a of refused) expect(Number(a.retryAfter), report).toBeLessThanOrEqual(1 / RATE);
      }

      // From here the bucket refills at RATE a second; checking where it lives takes a moment too.
      const drained = performance.now();
      // The bucket lives where it should: the other place holds nothing.
      const rows = async () => {
        const store = await openPreparedStore({ kind: 'postgres', url: PG_URL ?? '', schema: db.schema, poolSize: 1 });
        try {
          return (await store.db.selectFrom('rate_limits').select('bucket').execute()).map((r) => r['bucket']);
        } finally {
          await store.close();
        }
      };
      if (redis) {
        expect(await rows()).toEqual([]);
        expect(Number(bucket)).toBeGreaterThan(Date.now() - 60_000);
      } else {
        expect(await rows()).toEqual([`key:${db.keyId}`]);
      }

      // After a pause the bucket holds a token or two again. Spend them on the first server: the
      // second then refuses at once, where a bucket of its own would have refilled too.
      await new Promise((resolve) => setTimeout(resolve, 1000 / RATE + 100));
      const get = async (server: number) => {
        const res = await fetch(`${servers[server]?.url ?? ''}/api/users`, {
          headers: { 'X-COUPA-API-KEY': KEY, accept: 'application/json' },
        });
        await res.arrayBuffer();
        return res.status;
      };
      let refilled = 0;
      while (refilled < 10 && (await get(0)) === 200) refilled++;
      expect(refilled).toBeGreaterThanOrEqual(1);
      // What the pause refilled, and no more (one bucket, not one per server); a loaded machine pauses longer.
      expect(refilled).toBeLessThanOrEqual(Math.ceil(((performance.now() - drained) / 1000) * RATE) + 1);
      expect(await get(1)).toBe(429);
      // Two real processes and a freshly migrated PostgreSQL schema: 15 s on an idle machine, past
      // 30 s while the rest of the suite runs beside it.
    }, 90_000);
  }
});
