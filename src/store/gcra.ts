/**
 * The generic cell rate algorithm, the step every rate-limit bucket store applies atomically
 * (in memory, as one SQL upsert, as one Redis script). Pure: no I/O.
 */

/** A sustained rate (requests per second) with a burst allowance, as Coupa publishes its limit: 25/s, burst 20. */
export interface RateLimit {
  readonly rate: number;
  readonly burst: number;
}

export interface Decision {
  readonly allowed: boolean;
  /** When the next request would be allowed, in milliseconds from now (0 when allowed). */
  readonly retryAfterMs: number;
}

/** GCRA's two constants: the spacing of requests at the sustained rate, and how far ahead a burst may run. */
export function gcraParams(limit: RateLimit): { interval: number; tolerance: number; admit: number } {
  const interval = 1000 / limit.rate;
  const tolerance = limit.burst * interval;
  // `admit` is the tolerance plus 10 µs: 1000/7 ms is not exact in floating point, and at
  // epoch-scale times the rounding would refuse the last request of a burst (every one at burst 1).
  return { interval, tolerance, admit: tolerance + 0.01 };
}

/**
 * The generic cell rate algorithm, a token bucket kept as one number: the theoretical arrival
 * time (`tat`) of the next request. `burst` requests pass at once, then one every 1/rate s.
 * Every bucket store applies exactly this step atomically.
 */
export function gcra(tat: number | undefined, now: number, limit: RateLimit): Decision & { tat: number } {
  const { interval, tolerance, admit } = gcraParams(limit);
  // No admitted request leaves its bucket's `tat` further ahead than `admit`: one that is means
  // the server's clock went back (PUT /_roster/clock), and the bucket starts full again.
  const from = tat === undefined || tat > now + admit ? now : Math.max(tat, now);
  const next = from + interval;
  if (next - now > admit) return { allowed: false, retryAfterMs: next - now - tolerance, tat: tat ?? now };
  return { allowed: true, retryAfterMs: 0, tat: next };
}

/** Where buckets live: this process, the database, or Redis, so several processes share one limit. */
export interface BucketStore {
  take(bucket: string, now: number, limit: RateLimit): Promise<Decision>;
  close(): Promise<void>;
}
