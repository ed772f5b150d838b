import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { credentialService } from '../src/cli/credentials.js';
import {
  DEFAULT_RATE_LIMIT,
  gcra,
  parseRateLimit,
  RateLimiter,
  type BucketStore,
  type Decision,
  type RateLimit,
} from '../src/domain/rate-limit.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { DatabaseBuckets, MemoryBuckets, openBucketStore, RedisBuckets } from '../src/store/bucket-stores.js';
import type { Store } from '../src/store/database.js';
import { ACCEPT_JSON, dbSnapshot, expectError, userCount } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, TEST_KEY, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

const REDIS_URL = process.env['TEST_REDIS_URL'];

/** Epoch-scale instants, as the system clock gives them: the arithmetic must stay exact there too. */
const T0 = 1_700_000_000_000;

const MESSAGE = 'Rate limit exceeded; retry after the time in the Retry-After header';

/** A bucket name no other run (or concurrent test process sharing Redis) uses. */
const uniqueBucket = (label: string): string => `test:${label}:${randomBytes(8).toString('hex')}`;

/** The decisions `gcra` makes for one bucket over these instants, keeping its state as a store would. */
function gcraDecisions(limit: RateLimit, nows: readonly number[]): Decision[] {
  let tat: number | undefined;
  return nows.map((now) => {
    const d = gcra(tat, now, limit);
    if (d.allowed) tat = d.tat;
    return { allowed: d.allowed, retryAfterMs: d.retryAfterMs };
  });
}

/** The same instants through a store, one take at a time. */
async function storeDecisions(
  store: BucketStore,
  bucket: string,
  limit: RateLimit,
  nows: readonly number[],
): Promise<Decision[]> {
  const out: Decision[] = [];
  for (const now of nows) {
    out.push(await take(store, bucket, now, limit));
  }
  return out;
}

/** Only the decision a store answers (MemoryBuckets also hands back gcra's new state). */
async function take(store: BucketStore | RateLimiter, bucket: string, now?: number, limit?: RateLimit): Promise<Decision> {
  const d =
    store instanceof RateLimiter ? await store.take(bucket) : await store.take(bucket, now ?? T0, limit ?? DEFAULT_RATE_LIMIT);
  return { allowed: d.allowed, retryAfterMs: d.retryAfterMs };
}

/** Instants from offsets (ms) relative to T0. */
const at = (...offsets: number[]): number[] => offsets.map((o) => T0 + o);

/** A deterministic pseudo-random walk of instants: steps of 0–300 ms in 10 ms units. */
function walk(seed: number, steps: number): number[] {
  let x = seed;
  let now = T0;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    now += (x % 31) * 10;
    out.push(now);
  }
  return out;
}

/** Scenarios whose every quantity is exactly representable, so every store must agree with `gcra` to the bit. */
const SCENARIOS: ReadonlyArray<{ name: string; limit: RateLimit; nows: number[] }> = [
  {
    name: "Coupa's 25/20: a burst of 25 at once, then the sustained rate, then a long idle",
    limit: { rate: 25, burst: 20 },
    nows: [...at(...Array<number>(25).fill(0)), ...at(39, 40, 40, 79, 80, 120, 120), ...at(...Array<number>(22).fill(60_000))],
  },
  {
    name: '2/3 with steps shorter and longer than the interval',
    limit: { rate: 2, burst: 3 },
    nows: at(0, 0, 0, 0, 100, 499, 500, 500, 1000, 1250, 1500, 1500, 5000, 5000, 5000, 5000, 5001),
  },
  { name: '4/5 on a pseudo-random walk', limit: { rate: 4, burst: 5 }, nows: walk(7, 80) },
  { name: '0.5/2 (one request every 2 s) on a pseudo-random walk', limit: { rate: 0.5, burst: 2 }, nows: walk(11, 60) },
];

describe('parseRateLimit', () => {
  it('reads RATE/BURST, with decimals and spaces', () => {
    expect(parseRateLimit('25/20')).toEqual({ rate: 25, burst: 20 });
    expect(parseRateLimit('1/5')).toEqual({ rate: 1, burst: 5 });
    expect(parseRateLimit('0.5/1')).toEqual({ rate: 0.5, burst: 1 });
    expect(parseRateLimit(' 2.25 / 3 ')).toEqual({ rate: 2.25, burst: 3 });
  });

  it("reads 'off' in any case as no limit", () => {
    expect(parseRateLimit('off')).toBeNull();
    expect(parseRateLimit('OFF')).toBeNull();
    expect(parseRateLimit(' Off ')).toBeNull();
  });

  it.each(['', '25', '25/', '/20', '0/20', '25/0', '25/1.5', '-1/5', '25/-1', 'abc', '25/20/1', '1e3/5', 'on', 'none'])(
    'refuses %j',
    (text) => {
      expect(() => parseRateLimit(text)).toThrow(
        `A rate limit is 'off' or RATE/BURST with RATE > 0 and BURST >= 1 (for example 25/20), got '${text}'`,
      );
    },
  );

  it('defaults to Coupa’s published 25 per second with a burst of 20', () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({ rate: 25, burst: 20 });
  });
});

describe('gcra', () => {
  const limit: RateLimit = { rate: 25, burst: 20 };

  /** Takes `n` requests at `now` from a bucket whose state is `tat`; returns the new state and the decisions. */
  function burst(tat: number | undefined, now: number, n: number) {
    const decisions: Decision[] = [];
    let state = tat;
    for (let i = 0; i < n; i++) {
      const d = gcra(state, now, limit);
      decisions.push({ allowed: d.allowed, retryAfterMs: d.retryAfterMs });
      if (d.allowed) state = d.tat;
    }
    return { tat: state, decisions };
  }

  it('25/20: 20 pass at t=0, the 21st is denied with retryAfterMs 40, and after 40 ms one more passes', () => {
    const first = burst(undefined, 0, 21);
    expect(first.decisions.slice(0, 20)).toEqual(Array<Decision>(20).fill({ allowed: true, retryAfterMs: 0 }));
    expect(first.decisions[20]).toEqual({ allowed: false, retryAfterMs: 40 });
    expect(first.tat).toBe(800);

    // A denied request changes nothing: the state a store keeps is only the allowed one.
    expect(gcra(800, 0, limit)).toEqual({ allowed: false, retryAfterMs: 40, tat: 800 });
    expect(gcra(800, 39, limit)).toEqual({ allowed: false, retryAfterMs: 1, tat: 800 });
    expect(gcra(800, 40, limit)).toEqual({ allowed: true, retryAfterMs: 0, tat: 840 });
    expect(gcra(840, 40, limit)).toEqual({ allowed: false, retryAfterMs: 40, tat: 840 });
  });

  it('allows the sustained rate: one request every 40 ms forever after the burst', () => {
    let { tat } = burst(undefined, T0, 20);
    for (let i = 1; i <= 100; i++) {
      const now = T0 + i * 40;
      const d = gcra(tat, now, limit);
      expect(d).toEqual({ allowed: true, retryAfterMs: 0, tat: now + 800 });
      tat = d.tat;
      expect(gcra(tat, now, limit)).toEqual({ allowed: false, retryAfterMs: 40, tat });
    }
  });

  it('refills only up to the burst after a long idle', () => {
    const { tat } = burst(undefined, 0, 20);
    for (const idle of [800, 10_000, 86_400_000]) {
      const again = burst(tat, idle, 25);
      expect(again.decisions.filter((d) => d.allowed)).toHaveLength(20);
      expect(again.decisions.slice(20)).toEqual(Array<Decision>(5).fill({ allowed: false, retryAfterMs: 40 }));
    }
    // Half refilled after 400 ms: 10 pass.
    expect(burst(tat, 400, 15).decisions.filter((d) => d.allowed)).toHaveLength(10);
  });

  it('a fresh bucket starts full', () => {
    expect(gcra(undefined, T0, limit)).toEqual({ allowed: true, retryAfterMs: 0, tat: T0 + 40 });
    expect(gcra(undefined, T0, { rate: 1, burst: 1 })).toEqual({ allowed: true, retryAfterMs: 0, tat: T0 + 1000 });
    expect(gcra(T0 + 1000, T0 + 1, { rate: 1, burst: 1 })).toEqual({ allowed: false, retryAfterMs: 999, tat: T0 + 1000 });
  });

  it('the scenarios the stores are checked against are what they claim', () => {
    const [coupa, twoThree] = SCENARIOS;
    const allowed = (ds: Decision[]) => ds.map((d) => (d.allowed ? 1 : 0)).join('');
    expect(allowed(gcraDecisions(coupa?.limit ?? limit, coupa?.nows ?? []))).toBe(
      `${'1'.repeat(20)}${'0'.repeat(5)}0100110${'1'.repeat(20)}00`,
    );
    expect(allowed(gcraDecisions(twoThree?.limit ?? limit, twoThree?.nows ?? []))).toBe('11100010101011100');
    for (const s of SCENARIOS) {
      const ds = gcraDecisions(s.limit, s.nows);
      expect(ds.some((d) => d.allowed)).toBe(true);
      expect(ds.some((d) => !d.allowed)).toBe(true);
    }
  });

  // With an interval that is not a whole number of milliseconds, the float sum
  // `max(tat, now) + interval - now` can exceed `burst * interval` by one ulp; the limiter must
  // still pass exactly BURST requests (with BURST 1, e.g. --rate-limit 7/1, it must pass any).
  it('passes exactly BURST requests at once for rates whose interval is not a whole millisecond', () => {
    for (const rate of [3, 6, 7, 11, 13, 15, 1.5]) {
      for (const b of [1, 2, 3, 7, 10, 20]) {
        let tat: number | undefined;
        let passed = 0;
        for (let i = 0; i < b + 3; i++) {
          const d = gcra(tat, T0, { rate, burst: b });
          if (d.allowed) {
            passed++;
            tat = d.tat;
          }
        }
        expect({ rate, burst: b, passed }).toEqual({ rate, burst: b, passed: b });
      }
    }
  });
});

describe('RateLimiter', () => {
  it('takes from the bucket at the time its clock says', async () => {
    let now = T0;
    const limiter = new RateLimiter({ rate: 2, burst: 1 }, new MemoryBuckets(), () => now);
    expect(await take(limiter, 'a')).toEqual({ allowed: true, retryAfterMs: 0 });
    expect(await take(limiter, 'a')).toEqual({ allowed: false, retryAfterMs: 500 });
    now += 499;
    expect(await take(limiter, 'a')).toEqual({ allowed: false, retryAfterMs: 1 });
    now += 1;
    expect(await take(limiter, 'a')).toEqual({ allowed: true, retryAfterMs: 0 });
    expect(await take(limiter, 'b')).toEqual({ allowed: true, retryAfterMs: 0 });
  });
});

/** The contract every bucket store must meet: `gcra`'s decisions, exactly, per bucket, atomically. */
function bucketStoreContract(open: () => Promise<{ store: BucketStore; close: () => Promise<void> }>): void {
  // One store for all the cases: each uses buckets of its own, as concurrent clients would.
  let store: BucketStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(async () => {
    await close();
  });

  for (const s of SCENARIOS) {
    it(`decides as gcra does: ${s.name}`, async () => {
      expect(await storeDecisions(store, uniqueBucket('seq'), s.limit, s.nows)).toEqual(gcraDecisions(s.limit, s.nows));
    });
  }

  it('keeps buckets apart', async () => {
    const limit: RateLimit = { rate: 1, burst: 2 };
    const a = uniqueBucket('a');
    const b = uniqueBucket('b');
    expect(await storeDecisions(store, a, limit, at(0, 0, 0))).toEqual([
      { allowed: true, retryAfterMs: 0 },
      { allowed: true, retryAfterMs: 0 },
      { allowed: false, retryAfterMs: 1000 },
    ]);
    expect(await storeDecisions(store, b, limit, at(0, 0, 0))).toEqual([
      { allowed: true, retryAfterMs: 0 },
      { allowed: true, retryAfterMs: 0 },
      { allowed: false, retryAfterMs: 1000 },
    ]);
    expect(await take(store, a, T0 + 1000, limit)).toEqual({ allowed: true, retryAfterMs: 0 });
  });

  it('never lets concurrent takes exceed the burst', async () => {
    const limit: RateLimit = { rate: 1, burst: 3 };
    const bucket = uniqueBucket('race');
    const decisions = await Promise.all(Array.from({ length: 12 }, () => store.take(bucket, T0, limit)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
    // The bucket is then full until the next interval, whichever request came first.
    expect(await take(store, bucket, T0 + 999, limit)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(await take(store, bucket, T0 + 1000, limit)).toEqual({ allowed: true, retryAfterMs: 0 });
  });
}

describe('MemoryBuckets', () => {
  bucketStoreContract(() => {
    const store = new MemoryBuckets();
    return Promise.resolve({ store, close: () => store.close() });
  });
});

for (const dialect of DIALECTS) {
  describe(`DatabaseBuckets on ${dialect.name}`, () => {
    let db: Store;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      ({ store: db, drop } = await dialect.open());
    });
    afterAll(async () => {
      await drop();
    });

    bucketStoreContract(() => {
      const store = new DatabaseBuckets(db);
      return Promise.resolve({ store, close: () => store.close() });
    });

    it('keeps one row per bucket and writes only when a request is allowed', async () => {
      const buckets = new DatabaseBuckets(db);
      const bucket = uniqueBucket('rows');
      const limit: RateLimit = { rate: 2, burst: 2 };
      const rows = async () =>
        (await db.db.selectFrom('rate_limits').select(['bucket', 'tat']).where('bucket', '=', bucket).execute()).map((r) => [
          r['bucket'],
          Number(r['tat']),
        ]);
      expect(await rows()).toEqual([]);
      await buckets.take(bucket, T0, limit);
      expect(await rows()).toEqual([[bucket, T0 + 500]]);
      await buckets.take(bucket, T0, limit);
      expect(await rows()).toEqual([[bucket, T0 + 1000]]);
      expect(await take(buckets, bucket, T0 + 100, limit)).toEqual({ allowed: false, retryAfterMs: 400 });
      expect(await rows()).toEqual([[bucket, T0 + 1000]]);
      // A fractional instant survives the round trip (the column is a double).
      expect(await take(buckets, bucket, T0 + 1000.25, limit)).toEqual({ allowed: true, retryAfterMs: 0 });
      expect(await rows()).toEqual([[bucket, T0 + 1500.25]]);
    });

    it(`openBucketStore picks ${dialect.name === 'postgres' ? 'the database' : 'memory'} without a Redis URL`, async () => {
      const buckets = await openBucketStore(db, undefined);
      expect(buckets).toBeInstanceOf(dialect.name === 'postgres' ? DatabaseBuckets : MemoryBuckets);
      await buckets.close();
    });
  });
}

describe.skipIf(!REDIS_URL)('RedisBuckets', () => {
  bucketStoreContract(() => {
    return RedisBuckets.connect(REDIS_URL ?? '', uniqueBucket('ns'), () => undefined).then((store) => ({
      store,
      close: () => store.close(),
    }));
  });

  it('openBucketStore picks Redis when given a URL, whatever the database', async () => {
    const { store: db, drop } = await (DIALECTS[0] ?? { open: () => Promise.reject(new Error('no dialect')) }).open();
    try {
      const buckets = await openBucketStore(db, {
        url: REDIS_URL ?? '',
        namespace: uniqueBucket('ns'),
        onError: () => undefined,
      });
      expect(buckets).toBeInstanceOf(RedisBuckets);
      await buckets.close();
    } finally {
      await drop();
    }
  });

  // Redis's Lua prints 14 significant digits by default: at epoch-scale times the state would be
  // rounded to 0.1 ms and drift from gcra's when the interval is not a whole millisecond.
  it('refuses to start on a Redis it cannot reach', async () => {
    await expect(RedisBuckets.connect('redis://127.0.0.1:1', 'x', () => undefined)).rejects.toThrow(
      /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1: /,
    );
  });

  it('keeps full precision for intervals that are not whole milliseconds', async () => {
    const store = await RedisBuckets.connect(REDIS_URL ?? '', uniqueBucket('ns'), () => undefined);
    try {
      const limit: RateLimit = { rate: 3, burst: 4 };
      const nows = Array.from({ length: 12 }, (_, i) => T0 + 0.5 + i * 97.25);
      expect(await storeDecisions(store, uniqueBucket('precision'), limit, nows)).toEqual(gcraDecisions(limit, nows));
    } finally {
      await store.close();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`rate limiting over HTTP on ${dialect.name}`, () => {
    let now: number;
    let t: TestApp;
    const open = async (rateLimit: RateLimit | null) => {
      now = T0;
      t = await makeTestApp(dialect, { rateLimit }, { clock: () => now });
    };
    const get = (headers: Record<string, string> = {}) =>
      t.request({ method: 'GET', url: '/api/users', headers: { ...ACCEPT_JSON, ...headers } });
    afterEach(async () => {
      await t.close();
    });

    it('lets the burst through, then answers 429 in XML by default with Retry-After, then one more after 1/rate s', async () => {
      await open({ rate: 2, burst: 3 });
      for (let i = 0; i < 3; i++) {
        const res = await t.request({ method: 'GET', url: '/api/users' });
        expect(res.statusCode).not.toBe(429);
        expect(res.headers['retry-after']).toBeUndefined();
      }
      const denied = await t.request({ method: 'GET', url: '/api/users' });
      expect(denied.statusCode).toBe(429);
      expect(denied.headers['retry-after']).toBe('1');
      expect(denied.headers['x-roster-error-code']).toBe('rate_limited');
      expect(denied.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(denied.body).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<errors>\n  <error>${MESSAGE}</error>\n</errors>\n`);
      expectError(denied, 'rate_limited', [MESSAGE]);

      now += 499;
      expect((await get()).statusCode).toBe(429);
      now += 1;
      const again = await get();
      expect(again.statusCode).toBe(200);
      expect(again.body).toBe('[]');
      expect((await get()).statusCode).toBe(429);
    });

    it('answers 429 in JSON when asked for JSON, in Coupa’s error shape', async () => {
      await open({ rate: 2, burst: 3 });
      for (let i = 0; i < 3; i++) expect((await get()).statusCode).toBe(200);
      const denied = await get();
      expect(denied.statusCode).toBe(429);
      expect(denied.headers['retry-after']).toBe('1');
      expect(denied.headers['x-roster-error-code']).toBe('rate_limited');
      expect(denied.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(denied.body).toBe(`{"errors":{"user":["${MESSAGE}"]}}`);
      expectError(denied, 'rate_limited', [MESSAGE]);
      // A JSON body says JSON too, without Accept.
      const posted = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: { 'x-coupa-api-key': TEST_KEY, 'content-type': 'application/json' },
        payload: validUser(1),
      });
      expect({ status: posted.statusCode, body: posted.body }).toEqual({
        status: 429,
        body: `{"errors":{"user":["${MESSAGE}"]}}`,
      });
    });

    it('sends Retry-After as whole seconds rounded up, at least 1', async () => {
      await open({ rate: 0.25, burst: 1 }); // one request every 4 s
      expect((await get()).statusCode).toBe(200);
      const retryAfter = async () => {
        const res = await get();
        expect(res.statusCode).toBe(429);
        return res.headers['retry-after'];
      };
      expect(await retryAfter()).toBe('4');
      now += 1;
      expect(await retryAfter()).toBe('4'); // 3.999 s
      now += 999;
      expect(await retryAfter()).toBe('3');
      now += 2999;
      expect(await retryAfter()).toBe('1'); // 1 ms
      now += 1;
      expect((await get()).statusCode).toBe(200);
    });

    it('Coupa’s default 25/20: 20 at once, the 21st refused, one more every 40 ms', async () => {
      await open(DEFAULT_RATE_LIMIT);
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) statuses.push((await get()).statusCode);
      expect(statuses).toEqual([...Array<number>(20).fill(200), 429]);
      now += 40;
      expect((await get()).statusCode).toBe(200);
      expect((await get()).statusCode).toBe(429);
    });

    it('gives each API key its own bucket', async () => {
      await open({ rate: 2, burst: 3 });
      const other = 'second-key-0123456789';
      await new ApiKeyRepository(t.store).add(other, 'second');
      for (let i = 0; i < 3; i++) expect((await get()).statusCode).toBe(200);
      expect((await get()).statusCode).toBe(429);
      const second: number[] = [];
      for (let i = 0; i < 4; i++) second.push((await get({ 'x-coupa-api-key': other })).statusCode);
      expect(second).toEqual([200, 200, 200, 429]);
      now += 500;
      expect((await get()).statusCode).toBe(200);
      expect((await get({ 'x-coupa-api-key': other })).statusCode).toBe(200);
    });

    it('gives each OAuth client one bucket, shared by all its tokens, apart from API keys', async () => {
      await open({ rate: 2, burst: 3 });
      const { client, secret } = await credentialService(t.store).createClient({
        name: 'integration',
        scopes: ['core.user.read'],
      });
      const token = async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${encodeURIComponent(secret)}`,
        });
        expect(res.statusCode, res.body).toBe(200);
        return (JSON.parse(res.body) as { access_token: string }).access_token;
      };
      // The token endpoint is public and not limited.
      const tokens: string[] = [];
      for (let i = 0; i < 5; i++) tokens.push(await token());
      const statuses: number[] = [];
      for (const tok of [...tokens, ...tokens].slice(0, 4)) {
        statuses.push(
          (await t.app.inject({ method: 'GET', url: '/api/users', headers: { ...ACCEPT_JSON, authorization: `Bearer ${tok}` } }))
            .statusCode,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      // The API key's bucket is untouched.
      expect((await get()).statusCode).toBe(200);
    });

    it('a refused POST writes nothing', async () => {
      await open({ rate: 2, burst: 3 });
      for (let i = 0; i < 3; i++) expect((await get()).statusCode).toBe(200);
      const before = await dbSnapshot(t.store);
      const rateRows = await t.store.db.selectFrom('rate_limits').selectAll().execute();
      const xml = await t.request({ method: 'POST', url: '/api/users', headers: XML, payload: userXml(validUser(1)) });
      expectError(xml, 'rate_limited', [MESSAGE]);
      const json = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser(2) });
      expectError(json, 'rate_limited', [MESSAGE]);
      expect(json.headers['retry-after']).toBe('1');
      expect(await dbSnapshot(t.store)).toEqual(before);
      // Nor does the refusal move the bucket (on PostgreSQL the buckets are rows).
      expect(await t.store.db.selectFrom('rate_limits').selectAll().execute()).toEqual(rateRows);
      expect(await userCount(t.store)).toBe(0);
      now += 500;
      const created = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser(3) });
      expect(created.statusCode, created.body).toBe(201);
      expect(await userCount(t.store)).toBe(1);
    });

    it('does not spend the bucket on requests without a valid credential, nor on ones lacking the scope', async () => {
      await open({ rate: 2, burst: 3 });
      const readOnly = 'read-only-key-0123456789';
      await new ApiKeyRepository(t.store).add(readOnly, 'reader', ['core.user.read']);
      for (let i = 0; i < 10; i++) {
        const anonymous = await t.app.inject({ method: 'GET', url: '/api/users', headers: ACCEPT_JSON });
        expect(anonymous.statusCode).toBe(401);
        expect(anonymous.headers['x-roster-error-code']).toBe('unauthorized');
        expect(anonymous.headers['retry-after']).toBeUndefined();
        expect((await get({ 'x-coupa-api-key': 'not-a-key' })).statusCode).toBe(401);
        expect((await get({ authorization: 'Bearer not.a.token' })).statusCode).toBe(401);
        const forbidden = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: { ...JSON_IO, 'x-coupa-api-key': readOnly },
          payload: validUser(i),
        });
        expect(forbidden.statusCode).toBe(403);
      }
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await get()).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const reader: number[] = [];
      for (let i = 0; i < 4; i++) reader.push((await get({ 'x-coupa-api-key': readOnly })).statusCode);
      expect(reader).toEqual([200, 200, 200, 429]);
    });

    it('does not limit the health check', async () => {
      await open({ rate: 2, burst: 1 });
      expect((await get()).statusCode).toBe(200);
      expect((await get()).statusCode).toBe(429);
      for (let i = 0; i < 10; i++) {
        const res = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-coupa-api-key': TEST_KEY } });
        expect(res.statusCode).toBe(200);
      }
    });

    it('never limits when the limit is off (null)', async () => {
      await open(null);
      for (let i = 0; i < 50; i++) {
        const res = await get();
        expect(res.statusCode).toBe(200);
        expect(res.headers['retry-after']).toBeUndefined();
      }
      expect(await t.store.db.selectFrom('rate_limits').selectAll().execute()).toEqual([]);
    });
  });
}
