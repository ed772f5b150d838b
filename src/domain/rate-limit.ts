import type { BucketStore, Decision, RateLimit } from '../store/gcra.js';
import type { Clock } from './clock.js';

export type { BucketStore, Decision, RateLimit } from '../store/gcra.js';
export { gcra, gcraParams } from '../store/gcra.js';

export const DEFAULT_RATE_LIMIT: RateLimit = { rate: 25, burst: 20 };

/** `off`, or `RATE/BURST` such as `25/20`. */
export function parseRateLimit(text: string): RateLimit | null {
  if (text.trim().toLowerCase() === 'off') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\s*$/.exec(text);
  const rate = Number(m?.[1]);
  const burst = Number(m?.[2]);
  if (!m || !(rate > 0) || !Number.isInteger(burst) || burst < 1) {
    throw new Error(`A rate limit is 'off' or RATE/BURST with RATE > 0 and BURST >= 1 (for example 25/20), got '${text}'`);
  }
  return { rate, burst };
}

export class RateLimiter {
  constructor(
    private readonly limit: RateLimit,
    private readonly buckets: BucketStore,
    private readonly clock: Clock,
  ) {}

  take(bucket: string): Promise<Decision> {
    return this.buckets.take(bucket, this.clock(), this.limit);
  }
}
