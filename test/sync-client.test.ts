// `roster sync`'s HTTP client against in-test node:http servers (fetch is not mocked): retries, the
// write rules, OAuth tokens, client-side limits, error texts, and no secret in the journal.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs } from '../src/sync/client/backoff.js';
import {
  CoupaClient,
  DEFAULT_RETRY,
  type ClientOptions,
  type CoupaOutcome,
  type CoupaRequest,
} from '../src/sync/client/coupa-client.js';
import { coupaErrorText } from '../src/sync/client/coupa-errors.js';
import { Gate, TokenBucket, type Clock } from '../src/sync/client/rate-limiter.js';
import { openJournal, type Journal, type JournalEntry } from '../src/sync/journal.js';
import { SyncFatalError } from '../src/sync/types.js';

const API_KEY = 'k3y-0123456789abcdef0123456789abcdef';
const CLIENT_ID = 'sync.client';
const CLIENT_SECRET = 's3cret-fedcba9876543210fedcba9876543210';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
/** Epoch-scale, on a whole second (HTTP-dates have second resolution). */
const T0 = 1_700_000_000_000;

// ---------------------------------------------------------------------------------------------- servers

interface Seen {
  readonly n: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

interface TestServer {
  readonly url: string;
  readonly seen: Seen[];
  readonly maxInFlight: () => number;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A server on 127.0.0.1:0 answering with `handler` once each request's body is read. */
async function serve(handler: Handler): Promise<TestServer> {
  const seen: Seen[] = [];
  let inFlight = 0;
  let most = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const s: Seen = {
        n: seen.length + 1,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(s);
      inFlight += 1;
      most = Math.max(most, inFlight);
      let done = false;
      const end = (): void => {
        if (!done) inFlight -= 1;
        done = true;
      };
      // 'finish' (handed to the OS) comes before the client can have read the answer and sent another.
      res.on('finish', end).on('close', end);
      handler(req, res, s);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, maxInFlight: () => most };
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, typeof body === 'string' ? { 'content-type': 'text/plain', ...headers } : { ...JSON_TYPE, ...headers });
  res.end(text);
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

// ---------------------------------------------------------------------------------------------- clients

class MemoryJournal implements Journal {
  readonly entries: JournalEntry[] = [];
  write(entry: JournalEntry): void {
    this.entries.push(entry);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

interface Harness {
  readonly client: CoupaClient;
  readonly journal: MemoryJournal;
  /** Every sleep asked for, in ms. */
  readonly waits: number[];
  /** The fake clock (epoch ms); sleeping advances it. */
  readonly clock: { t: number };
}

/** Runs `tick` once the promise jobs queued now have run, as time passing would. */
const later = (tick: () => void): Promise<void> =>
  new Promise((resolve) =>
    setImmediate(() => {
      tick();
      resolve();
    }),
  );

/** A client with a fake clock that sleeping advances (no real waits), jitter 0.5 and an API key. */
function harness(baseUrl: string, options: Partial<ClientOptions> = {}): Harness {
  const journal = new MemoryJournal();
  const waits: number[] = [];
  const clock = { t: T0 };
  const client = new CoupaClient({
    baseUrl,
    credentials: { kind: 'api-key', key: API_KEY },
    rate: null,
    concurrency: 4,
    timeoutMs: 2_000,
    retry: DEFAULT_RETRY,
    journal,
    now: () => clock.t,
    sleep: (ms) => {
      waits.push(ms);
      return later(() => (clock.t += ms));
    },
    random: () => 0.5,
    ...options,
  });
  closers.push(() => client.close());
  return { client, journal, waits, clock };
}

const GET: CoupaRequest = { method: 'GET', path: '/api/users', query: { login: 'jdoe' }, key: 'jdoe' };
const PUT: CoupaRequest = { method: 'PUT', path: '/api/users/12', body: { firstname: 'Jo' }, key: 'jdoe' };

function expectKind<K extends CoupaOutcome['kind']>(outcome: CoupaOutcome, kind: K): Extract<CoupaOutcome, { kind: K }> {
  expect(outcome.kind, JSON.stringify(outcome)).toBe(kind);
  return outcome as Extract<CoupaOutcome, { kind: K }>;
}

// ---------------------------------------------------------------------------------------------- tests

describe('answers', () => {
  it('sends the headers, the URL and the JSON body, parses JSON answers, and journals the attempt', async () => {
    const server = await serve((_req, res) => answer(res, 200, { id: 12, login: 'jdoe' }));
    const { client, journal } = harness(`${server.url}/prefix/`);
    const outcome = await client.send({
      ...PUT,
      query: { fields: '["id"]', 'updated_at[gt]': '2024-01-01 00:00', login: 'a&b' },
    });
    expect(outcome).toEqual({ kind: 'answer', status: 200, body: { id: 12, login: 'jdoe' }, errorText: undefined, attempts: 1 });
    const [seen] = server.seen;
    expect(seen?.method).toBe('PUT');
    expect(seen?.url).toBe('/prefix/api/users/12?fields=%5B%22id%22%5D&updated_at[gt]=2024-01-01%2000%3A00&login=a%26b');
    expect(seen?.headers['accept']).toBe('application/json');
    expect(seen?.headers['user-agent']).toMatch(/^roster-sync\//);
    expect(seen?.headers['x-coupa-api-key']).toBe(API_KEY);
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen?.body ?? '')).toEqual({ firstname: 'Jo' });
    expect(journal.entries).toEqual([
      {
        time: new Date(T0).toISOString(),
        method: 'PUT',
        url: `${server.url}/prefix/api/users/12?fields=%5B%22id%22%5D&updated_at[gt]=2024-01-01%2000%3A00&login=a%26b`,
        status: 200,
        durationMs: expect.any(Number) as number,
        key: 'jdoe',
        attempt: 1,
        error: undefined,
        coupaError: undefined,
        retryInMs: undefined,
        note: undefined,
      },
    ]);
    expect(client.stats).toEqual({ requests: 1, throttled: 0, retries: 0 });
  });

  it('keeps a non-JSON body as text, sends no Content-Type without a body, and does not follow redirects', async () => {
    const server = await serve((req, res) =>
      req.url === '/moved' ? answer(res, 302, 'elsewhere', { location: 'http://example.invalid/' }) : answer(res, 200, 'plain'),
    );
    const { client } = harness(server.url);
    expect(await client.send({ method: 'GET', path: '/api/users' })).toMatchObject({ kind: 'answer', body: 'plain' });
    expect(server.seen[0]?.headers['content-type']).toBeUndefined();
    expect(await client.send({ method: 'GET', path: '/moved' })).toMatchObject({
      kind: 'answer',
      status: 302,
      errorText: 'elsewhere',
    });
    expect(server.seen).toHaveLength(2);
  });

  it("gives Coupa's error text for XML and JSON error answers", async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<errors>\n  <error><![CDATA[Login has already been taken]]></error>\n' +
      "  <error><![CDATA[Firstname can't be blank]]></error>\n</errors>\n";
    const server = await serve((req, res) => {
      if (req.url === '/xml') {
        res.writeHead(400, { 'content-type': 'application/xml' });
        res.end(xml);
      } else answer(res, 400, { errors: { user: ['Email is invalid'] } });
    });
    const { client, journal } = harness(server.url);
    const fromXml = expectKind(await client.send({ method: 'POST', path: '/xml', body: {} }), 'answer');
    expect(fromXml).toMatchObject({
      status: 400,
      body: xml,
      errorText: "Login has already been taken; Firstname can't be blank",
    });
    const fromJson = expectKind(await client.send({ method: 'POST', path: '/json', body: {} }), 'answer');
    expect(fromJson).toMatchObject({
      status: 400,
      body: { errors: { user: ['Email is invalid'] } },
      errorText: 'Email is invalid',
    });
    expect(journal.entries.map((e) => e.coupaError)).toEqual([fromXml.errorText, 'Email is invalid']);
  });
});

describe('retries', () => {
  it('honours Retry-After on a 429, journals both attempts, and counts it', async () => {
    const server = await serve((_req, res, { n }) =>
      n === 1 ? answer(res, 429, 'slow down', { 'retry-after': '2' }) : answer(res, 200, []),
    );
    const { client, journal, waits } = harness(server.url);
    expect(await client.send(GET)).toMatchObject({ kind: 'answer', status: 200, attempts: 2 });
    expect(waits).toEqual([2_000]);
    expect(journal.entries.map((e) => [e.status, e.attempt, e.retryInMs, e.coupaError])).toEqual([
      [429, 1, 2_000, 'slow down'],
      [200, 2, undefined, undefined],
    ]);
    expect(client.stats).toEqual({ requests: 2, throttled: 1, retries: 1 });
  });

  it('reads a Retry-After HTTP-date, and caps any Retry-After at capMs', async () => {
    const server = await serve((_req, res, { n }) => {
      if (n === 1) answer(res, 429, '', { 'retry-after': new Date(T0 + 5_000).toUTCString() });
      else if (n === 2) answer(res, 503, '', { 'retry-after': '3600' });
      else answer(res, 200, []);
    });
    const { client, waits } = harness(server.url);
    expect(await client.send(GET)).toMatchObject({ kind: 'answer', status: 200, attempts: 3 });
    expect(waits).toEqual([5_000, DEFAULT_RETRY.capMs]);
  });

  it('pauses the whole client after a 429, so other requests wait too', async () => {
    const server = await serve((req, res, { n }) =>
      req.url === '/a' && n === 1 ? answer(res, 429, '', { 'retry-after': '1' }) : answer(res, 200, []),
    );
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const waits: number[] = [];
    const clock = { t: T0 };
    const { client } = harness(server.url, {
      // The first sleep (A's pause) is held until B has gone through its own.
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 1) await firstHeld;
        clock.t += ms;
      },
      now: () => clock.t,
    });
    const a = client.send({ method: 'GET', path: '/a' });
    await expect.poll(() => waits.length).toBe(1);
    const b = await client.send({ method: 'GET', path: '/b' });
    expect(b).toMatchObject({ kind: 'answer', status: 200, attempts: 1 });
    expect(waits).toEqual([1_000, 1_000]);
    releaseFirst();
    expect(await a).toMatchObject({ kind: 'answer', status: 200, attempts: 2 });
    expect(server.seen.map((s) => s.url)).toEqual(['/a', '/b', '/a']);
  });

  it('retries a GET answered 500, with full-jitter backoff', async () => {
    const server = await serve((_req, res, { n }) => (n === 1 ? answer(res, 500, { errors: ['boom'] }) : answer(res, 200, [])));
    const { client, journal, waits } = harness(server.url);
    expect(await client.send(GET)).toMatchObject({ kind: 'answer', status: 200, attempts: 2 });
    expect(waits).toEqual([250]); // 0.5 × 500 ms
    expect(journal.entries.map((e) => [e.status, e.retryInMs, e.coupaError])).toEqual([
      [500, 250, 'boom'],
      [200, undefined, undefined],
    ]);
  });

  it('does not retry a PUT or POST answered 500 or 502: the outcome is unknown', async () => {
    const server = await serve((req, res) => answer(res, req.method === 'PUT' ? 500 : 502, { errors: { user: ['Internal'] } }));
    const { client, journal, waits } = harness(server.url);
    expect(await client.send(PUT)).toEqual({ kind: 'unknown', reason: 'HTTP 500: Internal', attempts: 1 });
    expect(await client.send({ method: 'POST', path: '/api/users', body: {} })).toMatchObject({ kind: 'unknown', attempts: 1 });
    expect(server.seen).toHaveLength(2);
    expect(waits).toEqual([]);
    expect(journal.entries.every((e) => e.retryInMs === undefined)).toBe(true);
  });

  it('retries a PUT answered 503 (the server did nothing), honouring Retry-After', async () => {
    const server = await serve((_req, res, { n }) =>
      n === 1 ? answer(res, 503, '', { 'retry-after': '1' }) : answer(res, 200, { id: 12 }),
    );
    const { client, waits } = harness(server.url);
    expect(await client.send(PUT)).toMatchObject({ kind: 'answer', status: 200, attempts: 2 });
    expect(waits).toEqual([1_000]);
    expect(server.seen.map((s) => s.method)).toEqual(['PUT', 'PUT']);
  });

  it('retries a GET that hangs past timeoutMs; a PUT that hangs is unknown', async () => {
    const server = await serve((_req, res, { n }) => {
      if (n !== 2) return; // no answer: the client times out
      answer(res, 200, []);
    });
    const { client, journal } = harness(server.url, { timeoutMs: 300 });
    expect(await client.send(GET)).toMatchObject({ kind: 'answer', status: 200, attempts: 2 });
    expect(journal.entries[0]).toMatchObject({ status: null, error: 'timed out after 300 ms', retryInMs: 250 });
    expect(journal.entries[0]?.durationMs).toBeGreaterThanOrEqual(250);
    expect(await client.send(PUT)).toEqual({ kind: 'unknown', reason: 'timed out after 300 ms', attempts: 1 });
    expect(server.seen).toHaveLength(3);
  });

  it('counts reading the whole body in the timeout: a GET whose body stalls is retried', async () => {
    const server = await serve((_req, res, { n }) => {
      if (n === 2) return answer(res, 200, []);
      res.writeHead(200, { ...JSON_TYPE, 'content-length': '100' });
      res.write('[{"id":'); // and nothing more
    });
    const { client, journal } = harness(server.url, { timeoutMs: 300 });
    expect(await client.send(GET)).toMatchObject({ kind: 'answer', body: [], attempts: 2 });
    expect(journal.entries[0]).toMatchObject({ status: null, error: 'timed out after 300 ms' });
  });

  it('retries a GET whose connection is destroyed; a PUT whose connection is destroyed is unknown', async () => {
    const server = await serve((req, res, { n }) => {
      if (n === 1 || req.method === 'PUT') req.socket.destroy();
      else answer(res, 200, []);
    });
    const { client, journal } = harness(server.url);
    expect(await client.send(GET)).toMatchObject({ kind: 'answer', status: 200, attempts: 2 });
    expect(journal.entries[0]).toMatchObject({
      status: null,
      error: expect.stringMatching(/^connection (closed|reset)$/) as string,
    });
    const put = expectKind(await client.send(PUT), 'unknown');
    expect(put.reason).toMatch(/^connection (closed|reset)$/);
    expect(server.seen.filter((s) => s.method === 'PUT')).toHaveLength(1);
  });

  it('retries a GET whose answer is cut off mid-body; such a PUT is unknown', async () => {
    const server = await serve((req, res, { n }) => {
      if (n === 1 || req.method === 'PUT') {
        res.writeHead(200, { ...JSON_TYPE, 'content-length': '100' });
        res.write('{"id":', () => req.socket.destroy());
      } else answer(res, 200, [{ id: 1 }]);
    });
    const { client, journal } = harness(server.url);
    expect(await client.send(GET)).toMatchObject({ kind: 'answer', body: [{ id: 1 }], attempts: 2 });
    expect(journal.entries[0]).toMatchObject({ status: null, error: 'connection lost mid-answer (HTTP 200)' });
    expect(await client.send(PUT)).toEqual({ kind: 'unknown', reason: 'connection lost mid-answer (HTTP 200)', attempts: 1 });
  });

  it('gives the last answer once attempts are exhausted, and fails when the last attempt had none', async () => {
    const server = await serve((_req, res) => answer(res, 500, { errors: ['still broken'] }));
    const retry = { ...DEFAULT_RETRY, attempts: 3 };
    const { client, journal, waits } = harness(server.url, { retry });
    expect(await client.send(GET)).toEqual({
      kind: 'answer',
      status: 500,
      body: { errors: ['still broken'] },
      errorText: 'still broken',
      attempts: 3,
    });
    expect(waits).toEqual([250, 500]);
    expect(journal.entries.map((e) => e.retryInMs)).toEqual([250, 500, undefined]);
    expect(client.stats).toEqual({ requests: 3, throttled: 0, retries: 2 });

    const hanging = await serve(() => undefined);
    const slow = harness(hanging.url, { retry: { ...retry, attempts: 2 }, timeoutMs: 150 });
    expect(await slow.client.send(GET)).toEqual({ kind: 'failed', reason: 'timed out after 150 ms (2 attempts)', attempts: 2 });
  });

  it('retries a refused connection, for a write too (nothing was sent)', async () => {
    const { client, waits } = harness(await closedPort(), { retry: { ...DEFAULT_RETRY, attempts: 3 } });
    expect(await client.send(GET)).toEqual({ kind: 'failed', reason: 'connection refused (3 attempts)', attempts: 3 });
    expect(await client.send(PUT)).toEqual({ kind: 'failed', reason: 'connection refused (3 attempts)', attempts: 3 });
    expect(waits).toEqual([250, 500, 250, 500]);
  });

  it('stops when the next wait would pass totalMs since the first attempt', async () => {
    const server = await serve((_req, res) => answer(res, 502, 'bad gateway'));
    const { client, waits } = harness(server.url, {
      retry: { attempts: 10, totalMs: 1_000, baseMs: 800, capMs: 30_000 },
      random: () => 0.999,
    });
    // 799 ms fits in 1 s; the next, 1598 ms, would end at 2397 ms.
    expect(await client.send(GET)).toMatchObject({ kind: 'answer', status: 502, errorText: 'bad gateway', attempts: 2 });
    expect(waits).toEqual([799]);
  });

  it('ends waits when the signal aborts: interrupted, and no new attempt starts', async () => {
    const server = await serve((_req, res) => answer(res, 500, ''));
    const controller = new AbortController();
    const journal = new MemoryJournal();
    const client = new CoupaClient({
      baseUrl: server.url,
      credentials: { kind: 'api-key', key: API_KEY },
      rate: null,
      concurrency: 1,
      timeoutMs: 2_000,
      retry: { ...DEFAULT_RETRY, baseMs: 20_000 },
      journal,
      signal: controller.signal,
      random: () => 0.9, // a real 18 s wait, cut short
    });
    const started = Date.now();
    const pending = client.send(GET);
    await expect.poll(() => journal.entries.length).toBe(1);
    controller.abort();
    expect(await pending).toEqual({ kind: 'failed', reason: 'interrupted', attempts: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await client.send(GET)).toEqual({ kind: 'failed', reason: 'interrupted', attempts: 0 });
    expect(server.seen).toHaveLength(1);
    await client.close();
  });
});

describe('stopping', () => {
  it('cuts off a GET in flight when the signal aborts, but lets a write in flight finish', async () => {
    const server = await serve((_req, res) => setTimeout(() => answer(res, 200, { id: 12 }), 300));
    const controller = new AbortController();
    const { client, journal } = harness(server.url, { signal: controller.signal });
    const get = client.send(GET);
    const put = client.send(PUT);
    await expect.poll(() => server.seen.length).toBe(2);
    controller.abort();
    expect(await get).toEqual({ kind: 'failed', reason: 'interrupted', attempts: 1 });
    expect(await put).toMatchObject({ kind: 'answer', status: 200, attempts: 1 });
    expect(journal.entries.map((e) => [e.method, e.status, e.error])).toEqual([
      ['GET', null, 'interrupted'],
      ['PUT', 200, undefined],
    ]);
  });

  it('close ends waits, and later sends fail at once', async () => {
    const server = await serve((_req, res) => answer(res, 503, ''));
    const journal = new MemoryJournal();
    const client = new CoupaClient({
      baseUrl: server.url,
      credentials: { kind: 'api-key', key: API_KEY },
      rate: null,
      concurrency: 1,
      timeoutMs: 2_000,
      retry: { ...DEFAULT_RETRY, baseMs: 20_000 },
      journal,
      random: () => 0.9,
    });
    const pending = client.send(PUT);
    await expect.poll(() => journal.entries.length).toBe(1);
    await client.close();
    expect(await pending).toEqual({ kind: 'failed', reason: 'client closed', attempts: 1 });
    expect(await client.send(GET)).toEqual({ kind: 'failed', reason: 'client closed', attempts: 0 });
  });
});

describe('OAuth', () => {
  interface TokenServer {
    readonly server: TestServer;
    /** Token requests' parsed forms. */
    readonly forms: URLSearchParams[];
    /** Tokens the API accepts. */
    readonly valid: Set<string>;
  }

  async function tokenServer(expiresIn: number, refuse?: { status: number; body: unknown }): Promise<TokenServer> {
    const forms: URLSearchParams[] = [];
    const valid = new Set<string>();
    const server = await serve((req, res, seen) => {
      if (req.url === '/oauth2/token') {
        const form = new URLSearchParams(seen.body);
        forms.push(form);
        if (refuse) return answer(res, refuse.status, refuse.body);
        const token = `access-token-${forms.length}-abcdefghijklmnop`;
        valid.add(token);
        // Slow, so concurrent callers all arrive while it is in flight.
        setTimeout(() => answer(res, 200, { access_token: token, token_type: 'bearer', expires_in: expiresIn }), 50);
        return;
      }
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (valid.has(token)) answer(res, 200, { token });
      else answer(res, 401, { errors: { base: ['Unauthorized'] } });
    });
    return { server, forms, valid };
  }

  const oauth = {
    kind: 'oauth',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: 'core.user.read core.user.write',
  } as const;

  it('fetches one token for many concurrent requests, with the client-credentials form', async () => {
    const { server, forms } = await tokenServer(86_399);
    const { client, journal } = harness(server.url, { credentials: oauth, concurrency: 3 });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => client.send(GET)));
    expect(outcomes.every((o) => o.kind === 'answer' && o.status === 200)).toBe(true);
    expect(forms.map((f) => Object.fromEntries(f))).toEqual([
      {
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        scope: 'core.user.read core.user.write',
      },
    ]);
    expect(server.seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(journal.entries[0]).toMatchObject({
      method: 'POST',
      url: `${server.url}/oauth2/token`,
      status: 200,
      note: 'OAuth token',
    });
    expect(client.stats.requests).toBe(11);
  });

  it('renews the token 60 s before it expires, and at half-life when it lives under 2 minutes', async () => {
    const long = await tokenServer(3_600);
    const a = harness(long.server.url, { credentials: oauth });
    await a.client.send(GET);
    a.clock.t += 3_540_000 - 1;
    await a.client.send(GET);
    expect(long.forms).toHaveLength(1);
    a.clock.t += 1;
    expect(await a.client.send(GET)).toMatchObject({
      kind: 'answer',
      status: 200,
      body: { token: expect.stringContaining('-2-') as string },
    });
    expect(long.forms).toHaveLength(2);

    const short = await tokenServer(10);
    const b = harness(short.server.url, { credentials: oauth });
    await b.client.send(GET);
    b.clock.t += 4_999;
    await b.client.send(GET);
    expect(short.forms).toHaveLength(1);
    b.clock.t += 1;
    await b.client.send(GET);
    expect(short.forms).toHaveLength(2);
  });

  it('renews the token once on a 401, and gives the 401 if the new token is refused too', async () => {
    const { server, forms, valid } = await tokenServer(86_399);
    const { client, journal } = harness(server.url, { credentials: oauth });
    await client.send(GET);
    valid.clear(); // revoked
    expect(await client.send(GET)).toMatchObject({ kind: 'answer', status: 200, attempts: 2 });
    expect(forms).toHaveLength(2);
    expect(journal.entries.slice(2).map((e) => [e.url.endsWith('/oauth2/token'), e.status, e.retryInMs])).toEqual([
      [false, 401, 0],
      [true, 200, undefined],
      [false, 200, undefined],
    ]);

    const refusing = await serve((req, res) =>
      req.url === '/oauth2/token'
        ? answer(res, 200, { access_token: 'never-accepted-token', expires_in: 3600 })
        : answer(res, 401, ''),
    );
    const other = harness(refusing.url, { credentials: oauth });
    expect(await other.client.send(PUT)).toMatchObject({ kind: 'answer', status: 401, attempts: 2 });
    expect(refusing.seen.map((s) => s.url)).toEqual(['/oauth2/token', '/api/users/12', '/oauth2/token', '/api/users/12']);
  });

  it("is fatal when the token endpoint refuses the credentials, with Coupa's text and no secret", async () => {
    for (const [status, body, text] of [
      [
        401,
        { error: 'invalid_client', error_description: `Wrong secret ${CLIENT_SECRET}` },
        'invalid_client: Wrong secret [secret]',
      ],
      [400, { error: 'invalid_scope', error_description: 'Scope core.user.write was not granted' }, 'invalid_scope: Scope'],
    ] as const) {
      const { server, forms } = await tokenServer(3_600, { status, body });
      const { client, journal } = harness(server.url, { credentials: oauth });
      const results = await Promise.allSettled([client.send(GET), client.send(PUT)]);
      expect(forms).toHaveLength(1);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const err = (result as PromiseRejectedResult).reason as Error;
        expect(err).toBeInstanceOf(SyncFatalError);
        expect(err.message).toContain(`HTTP ${status}`);
        expect(err.message).toContain(text);
        expect(err.message).toContain(CLIENT_ID);
        expect(err.message).not.toContain(CLIENT_SECRET);
      }
      expect(JSON.stringify(journal.entries)).not.toContain(CLIENT_SECRET);
    }
  });
});

describe('limits', () => {
  it('spaces requests at the rate: 10/s with a burst of 2 takes 1 s over 12 requests (real time)', async () => {
    const server = await serve((_req, res) => answer(res, 200, []));
    const client = new CoupaClient({
      baseUrl: server.url,
      credentials: { kind: 'api-key', key: API_KEY },
      rate: { perSecond: 10, burst: 2 },
      concurrency: 12,
      timeoutMs: 5_000,
      retry: DEFAULT_RETRY,
      journal: new MemoryJournal(),
    });
    const started = performance.now();
    await Promise.all(Array.from({ length: 12 }, () => client.send(GET)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    await client.close();
  });

  it('spaces requests at the rate on an injected clock, and every attempt takes a token', async () => {
    const server = await serve((_req, res, { n }) => (n === 1 ? answer(res, 500, '') : answer(res, 200, [])));
    const { client, journal, clock } = harness(server.url, { rate: { perSecond: 10, burst: 2 }, random: () => 0 });
    await Promise.all(Array.from({ length: 12 }, () => client.send(GET)));
    // 13 attempts (one retry): 2 from the burst, 11 more at 100 ms each.
    expect(client.stats.requests).toBe(13);
    expect(clock.t - T0).toBe(1_100);
    const times = journal.entries.map((e) => Date.parse(e.time) - T0).sort((x, y) => x - y);
    expect(times).toEqual([0, 0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000, 1_100]);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const server = await serve((_req, res) => setTimeout(() => answer(res, 200, []), 25));
    const { client } = harness(server.url, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, () => client.send(GET)));
    expect(server.maxInFlight()).toBe(3);
  });

  it('TokenBucket serves waiters in order as tokens accrue; Gate hands permits on in order', async () => {
    const clock = { t: 0 };
    const fake: Clock = { now: () => clock.t, sleep: (ms) => later(() => (clock.t += ms)) };
    const bucket = new TokenBucket(4, 1, fake);
    const order: [number, number][] = [];
    await Promise.all([1, 2, 3].map((i) => bucket.take().then(() => order.push([i, clock.t]))));
    expect(order).toEqual([
      [1, 0],
      [2, 250],
      [3, 500],
    ]);
    const aborted = new AbortController();
    const lost = bucket.take(aborted.signal);
    aborted.abort(new Error('stop'));
    await expect(lost).rejects.toThrow('stop');

    const gate = new Gate(1);
    const release = await gate.acquire();
    const got: string[] = [];
    const second = gate.acquire().then((r) => (got.push('second'), r));
    const third = gate.acquire().then((r) => (got.push('third'), r));
    release();
    release(); // idempotent
    (await second)();
    (await third)();
    expect(got).toEqual(['second', 'third']);
    expect(gate.holders).toBe(0);
  });
});

describe('secrets and the journal', () => {
  it('keeps the API key, the client secret and the tokens out of the journal file, reasons and error texts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-client-'));
    try {
      const file = join(dir, 'journal.jsonl');
      const journal = await openJournal(file);
      const tokens: string[] = [];
      // A hostile server echoing every credential it gets into its errors.
      const server = await serve((req, res, seen) => {
        const credential = `${String(req.headers['x-coupa-api-key'] ?? '')} ${req.headers.authorization ?? ''} ${seen.body}`;
        if (req.url === '/oauth2/token') {
          tokens.push(`tok-${tokens.length}-0123456789abcdef`);
          return answer(res, 200, { access_token: tokens.at(-1), expires_in: 3600 });
        }
        if (seen.n % 2 === 0) return answer(res, 401, { errors: [`bad credential ${credential}`] });
        if (req.method === 'PUT') return answer(res, 500, `<errors><error>${credential}</error></errors>`);
        answer(res, 400, { error: 'nope', error_description: credential });
      });
      const results: CoupaOutcome[] = [];
      for (const credentials of [
        { kind: 'api-key', key: API_KEY },
        { kind: 'oauth', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: '' },
      ] as const) {
        const { client } = harness(server.url, { credentials, journal });
        for (const request of [GET, PUT, GET, PUT]) results.push(await client.send(request));
      }
      await journal.close();
      const text = readFileSync(file, 'utf8');
      const lines = text.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(8);
      expect(lines.every((line) => typeof (JSON.parse(line) as JournalEntry).url === 'string')).toBe(true);
      expect(text).toContain('[secret]'); // the echoes were there, scrubbed
      expect(tokens.length).toBeGreaterThan(0);
      for (const secret of [API_KEY, CLIENT_SECRET, ...tokens]) {
        expect(text).not.toContain(secret);
        expect(JSON.stringify(results.map((r) => (r.kind === 'answer' ? r.errorText : r.reason)))).not.toContain(secret);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('appends JSON Lines to the file, drops everything without one, and refuses an unopenable file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-journal-'));
    try {
      const file = join(dir, 'j.jsonl');
      const entry: JournalEntry = {
        time: new Date(T0).toISOString(),
        method: 'NOTE',
        url: '',
        status: null,
        durationMs: 0,
        note: 'hi',
      };
      for (let i = 0; i < 2; i++) {
        const journal = await openJournal(file);
        journal.write({ ...entry, attempt: i + 1 });
        await journal.close();
        journal.write(entry); // after close: dropped
      }
      expect(readFileSync(file, 'utf8')).toBe(
        `${JSON.stringify({ ...entry, attempt: 1 })}\n${JSON.stringify({ ...entry, attempt: 2 })}\n`,
      );
      const none = await openJournal(undefined);
      none.write(entry);
      await none.close();
      await expect(openJournal(join(dir, 'missing', 'j.jsonl'))).rejects.toBeInstanceOf(SyncFatalError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pieces', () => {
  it('coupaErrorText reads each of Coupa’s error shapes', () => {
    const cases: [unknown, string | undefined, string | undefined][] = [
      ['<errors><error><![CDATA[A & B]]></error><error>C &amp; D</error></errors>', 'application/xml', 'A & B; C & D'],
      ['<?xml version="1.0"?><errors><error>Only one</error></errors>', 'text/xml; charset=utf-8', 'Only one'],
      ['<hash><errors><error>Nested</error></errors></hash>', undefined, 'Nested'],
      [
        { errors: { user: ['Login has already been taken', 'Email is invalid'] } },
        'application/json',
        'Login has already been taken; Email is invalid',
      ],
      [{ errors: ['First', 'Second'] }, 'application/json', 'First; Second'],
      [{ errors: { base: 'Not found' } }, 'application/json', 'Not found'],
      [
        { error: 'invalid_client', error_description: 'Client authentication failed' },
        'application/json',
        'invalid_client: Client authentication failed',
      ],
      [{ error: 'invalid_request' }, 'application/json', 'invalid_request'],
      [
        { result: [{ type: 'api.error.not_found', description: "Couldn't find User" }] },
        'application/json',
        "Couldn't find User",
      ],
      ['{"errors":{"user":["From text"]}}', 'text/plain', 'From text'],
      ['<html><body>\n  502   Bad Gateway\n</body></html>', 'text/html', '<html><body> 502 Bad Gateway </body></html>'],
      ['x'.repeat(500), 'text/plain', 'x'.repeat(300)],
      ['', 'text/plain', undefined],
      [{ unexpected: true }, 'application/json', '{"unexpected":true}'],
    ];
    for (const [body, type, text] of cases) expect(coupaErrorText(body, type), JSON.stringify(body)).toBe(text);
  });

  it('retryAfterMs reads delta-seconds and HTTP-dates; backoffMs is full-jitter exponential, capped', () => {
    expect(retryAfterMs('120', T0)).toBe(120_000);
    expect(retryAfterMs('0', T0)).toBe(0);
    expect(retryAfterMs(new Date(T0 + 7_000).toUTCString(), T0)).toBe(7_000);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', T0)).toBe(0);
    expect(retryAfterMs('soon', T0)).toBeUndefined();
    expect(retryAfterMs(null, T0)).toBeUndefined();
    const policy = { baseMs: 500, capMs: 30_000 };
    expect([1, 2, 3, 4].map((n) => backoffMs(n, policy, () => 0.5))).toEqual([250, 500, 1_000, 2_000]);
    expect(backoffMs(20, policy, () => 0.5)).toBe(15_000);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
  });

  it('refuses a base URL with a password, without echoing it', () => {
    const make = (baseUrl: string): CoupaClient =>
      new CoupaClient({
        baseUrl,
        credentials: { kind: 'api-key', key: API_KEY },
        rate: null,
        concurrency: 1,
        timeoutMs: 1_000,
        retry: DEFAULT_RETRY,
        journal: new MemoryJournal(),
      });
    expect(() => make('https://user:hunter2@example.coupahost.com')).toThrow(SyncFatalError);
    expect(() => make('https://user:hunter2@example.coupahost.com')).not.toThrow(/hunter2/);
    expect(() => make('ftp://example.com')).toThrow(SyncFatalError);
    expect(make('https://example.coupahost.com/')).toBeInstanceOf(CoupaClient);
  });
});
