// Client-side limits, so a sync stays inside what Coupa allows (its docs: 25 requests/s per instance,
// bursts of 20) instead of learning the limit from 429s: a token bucket for the rate, a gate for the
// number of requests in flight. Both are FIFO: a waiter is never overtaken by a later one.

import { setTimeout as delay } from 'node:timers/promises';

/** Time as the limiter sees it: `now` in milliseconds, `sleep` resolving after `ms` milliseconds of that clock. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Wall-clock time and real timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
};

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** Removes `waiter` from `queue` (when still there) and rejects it with its signal's reason. */
function abandon(queue: Waiter[], waiter: Waiter): void {
  const at = queue.indexOf(waiter);
  if (at >= 0) queue.splice(at, 1);
  waiter.reject(waiter.signal?.reason);
}

/** Queues a waiter that `abort` removes; `grant` is how the owner later lets it through. */
function enqueue(queue: Waiter[], signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<void>((resolve, reject) => {
    const waiter: Waiter = {
      resolve,
      reject,
      signal,
      onAbort: () => {
        abandon(queue, waiter);
      },
    };
    signal?.addEventListener('abort', waiter.onAbort, { once: true });
    queue.push(waiter);
  });
}

/** Lets the first waiter of `queue` through. */
function grant(queue: Waiter[]): void {
  const waiter = queue.shift();
  if (!waiter) return;
  waiter.signal?.removeEventListener('abort', waiter.onAbort);
  waiter.resolve();
}

/**
 * A token bucket: `perSecond` tokens a second, holding at most `burst` (it starts full). `take` waits for
 * one token. One timer runs while someone waits (no polling); waiters are served in arrival order.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly queue: Waiter[] = [];
  private pumping = false;

  /** Throws RangeError unless `perSecond` > 0 and `burst` ≥ 1. */
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError(`Bad rate: ${perSecond}/s, burst ${burst}`);
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Resolves when a token is taken; rejects with the signal's reason if `signal` aborts first (no token is used). */
  take(signal?: AbortSignal): Promise<void> {
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1 && !signal?.aborted) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    const taken = enqueue(this.queue, signal);
    void this.pump();
    return taken;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  /** Serves waiters as tokens accrue, sleeping until the next one is due. One pump at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        this.refill();
        while (this.tokens >= 1 && this.queue.length > 0) {
          this.tokens -= 1;
          grant(this.queue);
        }
        if (this.queue.length === 0) return;
        // At least 1 ms, so float rounding can't make a zero-length sleep loop.
        await this.clock.sleep(Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond)));
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** At most `permits` holders at once; `acquire` waits its turn (FIFO) and resolves with the release function. */
export class Gate {
  private inUse = 0;
  private readonly queue: Waiter[] = [];

  /** Throws RangeError unless `permits` is a positive integer. */
  constructor(private readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`Bad concurrency: ${permits}`);
  }

  /** Holders right now. */
  get holders(): number {
    return this.inUse;
  }

  /**
   * Resolves with `release` (idempotent) once a permit is held; rejects with the signal's reason if
   * `signal` aborts first.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.inUse < this.permits && this.queue.length === 0 && !signal?.aborted) {
      this.inUse += 1;
    } else {
      // A released permit passes straight to the next waiter, so `inUse` is already counted for it.
      await enqueue(this.queue, signal);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (this.queue.length > 0) grant(this.queue);
      else this.inUse -= 1;
    };
  }
}
