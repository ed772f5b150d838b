// How long to wait before another attempt: the server's Retry-After when it sent one, else
// exponential backoff with full jitter (spreads retrying clients so they don't arrive together).

/** The backoff's shape: `baseMs` doubles per attempt up to `capMs` (both milliseconds). */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

const DELAY_SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * The wait a `Retry-After` header asks for, in milliseconds (≥ 0), or `undefined` when the header is
 * absent or unreadable. RFC 9110 §10.2.3: either delay-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`), read against `now` (epoch milliseconds); a date in the past is 0.
 * Fractional seconds are accepted although the RFC has none (some proxies send them).
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = DELAY_SECONDS.exec(header);
  if (seconds?.[1] !== undefined) return Math.round(Number(seconds[1]) * 1000);
  const at = Date.parse(header);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Full-jitter exponential backoff after the `attempt`-th attempt (1-based) failed:
 * `random() * min(capMs, baseMs * 2^(attempt-1))`, in whole milliseconds. `random` returns [0, 1).
 */
export function backoffMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
