// The HTTP client `roster sync` talks to Coupa with: authentication, client-side rate and concurrency
// limits, retries that never repeat a write that may have been applied, and one journal line per attempt.

import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Journal } from '../journal.js';
import { SyncFatalError } from '../types.js';
import { backoffMs, retryAfterMs } from './backoff.js';
import { coupaErrorText } from './coupa-errors.js';
import { authorizer, redact, type AuthHeaders, type Authorizer, type Credentials } from './credentials.js';
import { exchange, type Exchange, type Spec } from './exchange.js';
import { Gate, realClock, TokenBucket, type Clock } from './rate-limiter.js';

/**
 * When to stop retrying: after `attempts` attempts in all, or when the next wait would end more than
 * `totalMs` after the first attempt started. Waits are exponential backoff with full jitter from `baseMs`,
 * at most `capMs` (which also caps a server's Retry-After). All in milliseconds.
 */
export interface RetryPolicy {
  readonly attempts: number;
  readonly totalMs: number;
  readonly baseMs: number;
  readonly capMs: number;
}

/** 6 attempts within 2 minutes, waits from 0.5 s doubling up to 30 s. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, totalMs: 120_000, baseMs: 500, capMs: 30_000 };

/** How a CoupaClient connects, limits itself and retries. */
export interface ClientOptions {
  /** `http(s)://host[:port][/prefix]`; a trailing slash is fine; no userinfo, query or fragment. */
  readonly baseUrl: string;
  readonly credentials: Credentials;
  /** Client-side limit (Coupa's docs: 25 requests/s per instance, burst 20); null: none. */
  readonly rate: { readonly perSecond: number; readonly burst: number } | null;
  /** Most requests in flight at once (a positive integer). */
  readonly concurrency: number;
  /** Per attempt, until the whole answer is read, in milliseconds. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly journal: Journal;
  /**
   * Aborted: no new attempt starts, waits end, and `send` resolves `{kind:'failed', reason:'interrupted'}`.
   * A GET in flight is cut off; a write in flight is let finish (within `timeoutMs`), so its outcome is known.
   */
  readonly signal?: AbortSignal;
  /** Injected for tests: sleeping (retry waits, 429 pauses) and random jitter in [0, 1). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /**
   * Injected for tests: the clock in epoch milliseconds (journal times, Retry-After dates, token lifetimes,
   * pauses, the retry budget). When given, the rate limiter sleeps with `sleep` on this clock too, so a test's
   * `sleep` must advance it. Addition to the original contract.
   */
  readonly now?: () => number;
}

/** One call to Coupa's API. */
export interface CoupaRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** `/api/users` or `/api/users/12`, after the base URL's prefix. */
  readonly path: string;
  /** Appended URL-encoded, in insertion order. */
  readonly query?: Readonly<Record<string, string>>;
  /** Sent as JSON (Content-Type: application/json). */
  readonly body?: unknown;
  /** The user's key, for the journal. */
  readonly key?: string;
}

/**
 * What a call came to, after any retries (`attempts` counts them all):
 * - `answer`: Coupa's last answer (`body` parsed JSON, or text); `errorText` is Coupa's error text for a
 *   non-2xx answer. A status given up on after retries (429, 5xx) is an answer too.
 * - `unknown`: a write that may or may not have been applied (timeout, connection lost after sending, a
 *   5xx other than 503); re-read before writing again.
 * - `failed`: nothing was answered and nothing was applied (`reason`: `interrupted`, `client closed`, a
 *   network error after the last attempt such as `connection refused (6 attempts)`).
 */
export type CoupaOutcome =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly body: unknown;
      readonly errorText: string | undefined;
      readonly attempts: number;
    }
  | { readonly kind: 'unknown'; readonly reason: string; readonly attempts: number }
  | { readonly kind: 'failed'; readonly reason: string; readonly attempts: number };

const USER_AGENT = 'roster-sync/0.1';

/** `raw` as `scheme://host[:port][/prefix]` without a trailing slash. Throws SyncFatalError (never echoing `raw`: it may hold a password). */
function normaliseBase(raw: string): string {
  if (!URL.canParse(raw)) throw new SyncFatalError('The Coupa URL is not a valid URL (http://host:port or https://host)');
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SyncFatalError(`The Coupa URL must be http or https, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new SyncFatalError('The Coupa URL must not hold a user name or password; give the credentials separately');
  }
  if (url.search !== '' || url.hash !== '') throw new SyncFatalError('The Coupa URL must not hold a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Query parameters URL-encoded in order; brackets in names (`updated_at[gt]`) stay readable. */
function queryString(query: Readonly<Record<string, string>> | undefined): string {
  const pairs = Object.entries(query ?? {}).map(
    ([name, value]) => `${encodeURIComponent(name).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(value)}`,
  );
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

function checkOptions(options: ClientOptions): void {
  const { concurrency, timeoutMs, rate, retry } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new SyncFatalError('Concurrency must be a positive integer');
  if (!(timeoutMs > 0)) throw new SyncFatalError('The timeout must be positive');
  if (rate && (!(rate.perSecond > 0) || !(rate.burst >= 1))) {
    throw new SyncFatalError('The rate must be positive and the burst at least 1');
  }
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new SyncFatalError('Attempts must be at least 1');
}

const plural = (n: number): string => `${n} attempt${n === 1 ? '' : 's'}`;
const ok = (status: number): boolean => status >= 200 && status <= 299;

/** What to do after an attempt: another one after `waitMs` (`pause`: the whole client waits), or stop. */
type Next = { readonly waitMs: number; readonly pause: boolean; readonly renew?: boolean } | undefined;

/**
 * A Coupa API client. `send` retries as the RetryPolicy allows: a GET on 429, 5xx, timeouts and lost
 * connections; a write (POST, PUT) only when the server did nothing (429, 503, a refused connection).
 * 429 and 503 honour Retry-After (RFC 9110 §10.2.3), capped at `capMs`; a 429 pauses every request of
 * the client until then. On OAuth, a 401 renews the token once and retries. Every attempt (the token
 * request too) waits for the concurrency gate and a rate token, and writes one journal entry. No secret
 * (API key, client secret, access token) appears in the journal, a reason or an error text.
 */
export class CoupaClient {
  /** Attempts sent so far (all of them, token requests too), those answered 429, and those followed by another. */
  readonly stats = { requests: 0, throttled: 0, retries: 0 };

  private readonly base: string;
  private readonly auth: Authorizer;
  private readonly gate: Gate;
  private readonly bucket: TokenBucket | null;
  private readonly closing = new AbortController();
  private readonly stop: AbortSignal;
  private readonly running = new Set<Promise<unknown>>();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  /** Clock time until which no attempt starts (after a 429). */
  private pausedUntil = 0;

  /** Throws SyncFatalError for a bad base URL, empty credentials or out-of-range limits. */
  constructor(private readonly options: ClientOptions) {
    checkOptions(options);
    this.base = normaliseBase(options.baseUrl);
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {}));
    this.random = options.random ?? Math.random;
    const { now, sleep } = options;
    const clock: Clock = now ? { now, sleep: sleep ?? ((ms, signal) => realClock.sleep(ms, signal)) } : realClock;
    this.bucket = options.rate ? new TokenBucket(options.rate.perSecond, options.rate.burst, clock) : null;
    this.gate = new Gate(options.concurrency);
    this.stop = options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    this.auth = authorizer(options.credentials, `${this.base}/oauth2/token`, (url, form) => this.postToken(url, form), this.now);
  }

  /** Sends `request`, retrying as the policy allows. Never rejects, except with SyncFatalError from the credentials. */
  send(request: CoupaRequest): Promise<CoupaOutcome> {
    const run = this.sendNow(request);
    this.running.add(run);
    const done = (): void => {
      this.running.delete(run);
    };
    run.then(done, done);
    return run;
  }

  /** Ends waits (their sends resolve `failed`), lets attempts in flight finish; later sends fail at once. Leaves the journal open. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.running]);
  }

  private async sendNow(request: CoupaRequest): Promise<CoupaOutcome> {
    let body: string | undefined;
    try {
      body = request.body === undefined ? undefined : JSON.stringify(request.body);
    } catch (err) {
      return { kind: 'failed', reason: `the body is not JSON: ${err instanceof Error ? err.message : String(err)}`, attempts: 0 };
    }
    const path = request.path.startsWith('/') ? request.path : `/${request.path}`;
    const spec: Spec = {
      method: request.method,
      url: `${this.base}${path}${queryString(request.query)}`,
      body,
      contentType: body === undefined ? undefined : 'application/json',
      idempotent: request.method === 'GET',
      authenticated: true,
      key: request.key,
      note: undefined,
    };
    try {
      return await this.attempts(spec);
    } catch (err) {
      if (err instanceof SyncFatalError) throw err;
      // A bug, not Coupa: for a write, whether it was applied is unknown.
      const reason = this.scrub(`internal error: ${err instanceof Error ? err.message : String(err)}`);
      return spec.idempotent ? { kind: 'failed', reason, attempts: 0 } : { kind: 'unknown', reason, attempts: 0 };
    }
  }

  /** RFC 6749 §4.4.2's token request, retried like a GET (it changes nothing on the server). */
  private async postToken(url: string, form: URLSearchParams): Promise<CoupaOutcome | null> {
    const outcome = await this.attempts({
      method: 'POST',
      url,
      body: form.toString(),
      contentType: 'application/x-www-form-urlencoded',
      idempotent: true,
      authenticated: false,
      key: undefined,
      note: 'OAuth token',
    });
    return outcome.kind === 'failed' && this.stop.aborted ? null : outcome;
  }

  private isStopped(): boolean {
    return this.stop.aborted;
  }

  private stopped(attempts: number): CoupaOutcome {
    return { kind: 'failed', reason: this.options.signal?.aborted ? 'interrupted' : 'client closed', attempts };
  }

  private scrub(text: string): string;
  private scrub(text: string | undefined): string | undefined;
  private scrub(text: string | undefined): string | undefined {
    return text === undefined ? undefined : redact(text, this.auth.secrets());
  }

  /** Waits out the 429 pause, and any extension of it another answer makes meanwhile. Rejects when stopped. */
  private async waitPause(): Promise<void> {
    let waited = Number.NaN;
    for (;;) {
      const until = this.pausedUntil;
      const remaining = until - this.now();
      if (remaining <= 0 || until === waited) return;
      waited = until;
      await this.sleep(remaining, this.stop);
    }
  }

  /** The attempt loop: one journal entry per attempt; stops as the retry rules say. */
  private async attempts(spec: Spec): Promise<CoupaOutcome> {
    const policy = this.options.retry;
    let attempt = 0;
    let allowed = policy.attempts;
    let renewed = false;
    let first: number | undefined;
    for (;;) {
      if (this.stop.aborted) return this.stopped(attempt);
      let auth: AuthHeaders = {};
      if (spec.authenticated) {
        const headers = await this.auth.headers();
        if (headers === null) return this.stopped(attempt);
        auth = headers;
      }
      let release: (() => void) | undefined;
      try {
        release = await this.gate.acquire(this.stop);
        await this.waitPause();
        await this.bucket?.take(this.stop);
        // The waits may have ended because the run was stopped.
        if (this.isStopped()) throw new Error('stopped');
      } catch {
        release?.();
        return this.stopped(attempt);
      }
      attempt += 1;
      this.stats.requests += 1;
      const startedAt = this.now();
      first ??= startedAt;
      const t0 = performance.now();
      const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT, ...auth };
      if (spec.contentType !== undefined) headers['Content-Type'] = spec.contentType;
      let result: Exchange;
      try {
        result = await exchange(spec, headers, this.options.timeoutMs, this.stop);
      } finally {
        release();
      }
      const durationMs = Math.round(performance.now() - t0);

      const errorText =
        result.kind === 'answer' && !ok(result.status)
          ? this.scrub(coupaErrorText(result.body, result.headers.get('content-type') ?? undefined))
          : undefined;
      let next: Next;
      let final: CoupaOutcome | undefined;
      if (result.kind === 'interrupted') {
        final = this.stopped(attempt);
      } else if (result.kind === 'answer') {
        ({ next, final } = this.afterAnswer(spec, result, auth, renewed, attempt, errorText));
        if (next?.renew === true) {
          renewed = true;
          allowed += 1; // the renewal's retry is not a server failure
        }
      } else if (result.permanent) {
        final = { kind: 'failed', reason: this.scrub(result.error), attempts: attempt };
      } else if (spec.idempotent || !result.sent) {
        next = { waitMs: backoffMs(attempt, policy, this.random), pause: false };
      } else {
        final = { kind: 'unknown', reason: this.scrub(result.error), attempts: attempt };
      }
      if (next && (attempt >= allowed || this.now() - first + next.waitMs > policy.totalMs)) {
        final =
          result.kind === 'answer'
            ? { kind: 'answer', status: result.status, body: result.body, errorText, attempts: attempt }
            : {
                kind: 'failed',
                reason: `${this.scrub(result.kind === 'no-answer' ? result.error : '')} (${plural(attempt)})`,
                attempts: attempt,
              };
      }

      this.options.journal.write({
        time: new Date(startedAt).toISOString(),
        method: spec.method,
        url: this.scrub(spec.url),
        status: result.kind === 'answer' ? result.status : null,
        durationMs,
        key: spec.key,
        attempt,
        error: result.kind === 'no-answer' ? this.scrub(result.error) : result.kind === 'interrupted' ? 'interrupted' : undefined,
        coupaError: errorText,
        retryInMs: final ? undefined : next?.waitMs,
        note: !final && next?.renew === true ? 'token refused; renewing it' : spec.note,
      });
      if (final || !next) return final ?? this.stopped(attempt);

      this.stats.retries += 1;
      if (next.pause) {
        this.pausedUntil = Math.max(this.pausedUntil, this.now() + next.waitMs);
      } else if (next.waitMs > 0) {
        try {
          await this.sleep(next.waitMs, this.stop);
        } catch {
          return this.stopped(attempt);
        }
      }
    }
  }

  /** The retry rules for an answer. */
  private afterAnswer(
    spec: Spec,
    result: Extract<Exchange, { kind: 'answer' }>,
    auth: AuthHeaders,
    renewed: boolean,
    attempt: number,
    errorText: string | undefined,
  ): { next: Next; final: CoupaOutcome | undefined } {
    const { status } = result;
    const policy = this.options.retry;
    const server = (): number | undefined => {
      const ms = retryAfterMs(result.headers.get('retry-after'), this.now());
      return ms === undefined ? undefined : Math.min(ms, policy.capMs);
    };
    const backoff = (): number => backoffMs(attempt, policy, this.random);
    if (status === 401 && spec.authenticated && !renewed && this.auth.renew(auth)) {
      return { next: { waitMs: 0, pause: false, renew: true }, final: undefined };
    }
    if (status === 429) {
      this.stats.throttled += 1;
      return { next: { waitMs: server() ?? backoff(), pause: true }, final: undefined };
    }
    // 503: the server says it did nothing, so even a write may be repeated.
    if (status === 503) return { next: { waitMs: server() ?? backoff(), pause: false }, final: undefined };
    if (status >= 500 && spec.idempotent) return { next: { waitMs: backoff(), pause: false }, final: undefined };
    if (status >= 500) {
      const reason = `HTTP ${status}${errorText === undefined ? '' : `: ${errorText}`}`;
      return { next: undefined, final: { kind: 'unknown', reason, attempts: attempt } };
    }
    return { next: undefined, final: { kind: 'answer', status, body: result.body, errorText, attempts: attempt } };
  }
}
