import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { gcra, gcraParams, type BucketStore, type Decision, type RateLimit } from './gcra.js';
import type { Store } from './database.js';
import type { SigningKey } from './signing-key-repository.js';

/** Buckets in this process: right for one server on SQLite. */
export class MemoryBuckets implements BucketStore {
  private readonly tats = new Map<string, number>();

  take(bucket: string, now: number, limit: RateLimit): Promise<Decision> {
    const { allowed, retryAfterMs, tat } = gcra(this.tats.get(bucket), now, limit);
    if (allowed) this.tats.set(bucket, tat);
    return Promise.resolve({ allowed, retryAfterMs });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Buckets in the database, so every server process on one PostgreSQL shares them. The GCRA
 * step is one upsert: it writes only when the request is allowed, and the row lock makes
 * concurrent requests from several processes queue instead of racing.
 */
export class DatabaseBuckets implements BucketStore {
  constructor(private readonly store: Store) {}

  async take(bucket: string, now: number, limit: RateLimit): Promise<Decision> {
    const { interval, tolerance, admit } = gcraParams(limit);
    const { greatest } = this.store.dialect;
    // As gcra(): a tat beyond `admit` ahead means the clock went back, and the bucket starts full.
    const from = sql`case when rate_limits.tat > ${now + admit} then ${now} else ${greatest}(rate_limits.tat, ${now}) end`;
    const allowed = await sql<{ tat: number }>`
      insert into rate_limits (bucket, tat) values (${bucket}, ${now + interval})
      on conflict (bucket) do update set tat = ${from} + ${interval}
      where ${from} + ${interval} - ${now} <= ${admit}
      returning tat`.execute(this.store.db);
    if (allowed.rows.length > 0) return { allowed: true, retryAfterMs: 0 };
    const row = await this.store.db.selectFrom('rate_limits').select('tat').where('bucket', '=', bucket).executeTakeFirst();
    const tat = Number(row?.['tat'] ?? now);
    return { allowed: false, retryAfterMs: Math.max(0, Math.max(tat, now) + interval - now - tolerance) };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const fmt = (n: number): string => n.toPrecision(17);

/** Names one database's buckets in a shared Redis: derived from its signing key, which is unique to it. */
export const redisNamespace = (key: SigningKey): string => createHash('sha256').update(key.secret).digest('hex').slice(0, 12);

/** The same GCRA step as a Lua script: Redis runs it atomically. */
const GCRA_LUA = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local admit = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat > now + admit then tat = now end
local nxt = math.max(tat, now) + interval
if nxt - now > admit then return {0, string.format('%.17g', nxt - now - tolerance)} end
redis.call('SET', KEYS[1], string.format('%.17g', nxt), 'PX', math.ceil(nxt - now) + 1000)
return {1, '0'}`;

/**
 * Buckets in Redis (`--redis-url`), shared by every process that uses the same Redis. Keys
 * carry `namespace` (one per database), so two Rosters sharing a Redis keep apart.
 */
export class RedisBuckets implements BucketStore {
  private constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  /** Connects and checks Redis answers, so a wrong URL stops the start rather than every request. */
  static async connect(url: string, namespace: string, onError: (err: Error) => void): Promise<RedisBuckets> {
    // Loaded only when Redis is asked for: it is a large module most starts never need.
    const { Redis: Client } = await import('ioredis');
    const redis = new Client(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    // Without a listener ioredis prints every reconnection failure; the caller logs them.
    redis.on('error', onError);
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new Error(`Cannot reach Redis at ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return new RedisBuckets(redis, namespace);
  }

  async take(bucket: string, now: number, limit: RateLimit): Promise<Decision> {
    const { interval, tolerance, admit } = gcraParams(limit);
    const key = `roster:${this.namespace}:rate:${bucket}`;
    // %.17g in the script and here: Redis's Lua prints 14 digits by default, too few for epoch milliseconds.
    const reply = (await this.redis.eval(GCRA_LUA, 1, key, fmt(now), fmt(interval), fmt(tolerance), fmt(admit))) as [
      number,
      string,
    ];
    return { allowed: reply[0] === 1, retryAfterMs: Number(reply[1]) };
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** Redis when given, else the database when it is shared (PostgreSQL), else this process. */
export async function openBucketStore(
  store: Store,
  redis: { url: string; namespace: string; onError: (err: Error) => void } | undefined,
): Promise<BucketStore> {
  if (redis) return RedisBuckets.connect(redis.url, redis.namespace, redis.onError);
  return store.dialect.sharedByProcesses ? new DatabaseBuckets(store) : new MemoryBuckets();
}
