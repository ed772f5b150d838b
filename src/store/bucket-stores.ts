import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { gcra, gcraParams, type BucketStore, type Decision, type RateLimit } from '../domain/rate-limit.js';
import type { Store } from './database.js';

/** Buckets in this process: right for one server on SQLite. */
export class MemoryBuckets implements BucketStore {
  private readonly tats = new Map<string, number>();

  take(bucket: string, now: number, limit: RateLimit): Promise<Decision> {
    const d = gcra(this.tats.get(bucket), now, limit);
    if (d.allowed) this.tats.set(bucket, d.tat);
    return Promise.resolve(d);
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
    const { interval, tolerance } = gcraParams(limit);
    const greatest = this.store.dialect === 'postgres' ? sql.raw('greatest') : sql.raw('max');
    const allowed = await sql<{ tat: number }>`
      insert into rate_limits (bucket, tat) values (${bucket}, ${now + interval})
      on conflict (bucket) do update set tat = ${greatest}(rate_limits.tat, ${now}) + ${interval}
      where ${greatest}(rate_limits.tat, ${now}) + ${interval} - ${now} <= ${tolerance}
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

/** The same GCRA step as a Lua script: Redis runs it atomically. */
const GCRA_LUA = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
local nxt = math.max(tat, now) + interval
if nxt - now > tolerance then return {0, tostring(nxt - now - tolerance)} end
redis.call('SET', KEYS[1], tostring(nxt), 'PX', math.ceil(nxt - now) + 1000)
return {1, '0'}`;

/** Buckets in Redis (`--redis-url`), shared by every process that uses the same Redis. */
export class RedisBuckets implements BucketStore {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  }

  async take(bucket: string, now: number, limit: RateLimit): Promise<Decision> {
    const { interval, tolerance } = gcraParams(limit);
    const reply = (await this.redis.eval(GCRA_LUA, 1, `roster:rate:${bucket}`, now, interval, tolerance)) as [number, string];
    return { allowed: reply[0] === 1, retryAfterMs: Number(reply[1]) };
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** Redis when given, else the database when it is shared (PostgreSQL), else this process. */
export function openBucketStore(store: Store, redisUrl: string | undefined): BucketStore {
  if (redisUrl) return new RedisBuckets(redisUrl);
  return store.dialect === 'postgres' ? new DatabaseBuckets(store) : new MemoryBuckets();
}
