import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialService } from '../src/cli/credentials.js';
import { DEFAULTS } from '../src/config.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { createUser, dbSnapshot } from './helpers/api.js';
import { DIALECTS, type TestDialect } from './helpers/dialects.js';
import {
  credentialsEverywhere,
  describeRequest,
  describeResponse,
  httpLayerErrors,
  malformedBodies,
  multipartGarbage,
  OAUTH_CLIENT,
  oauthForms,
  oddPaths,
  oddStrings,
  outOfRange,
  oversizeBodies,
  protoNames,
  captureServerErrors,
  envInteger,
  FUZZ_PATH,
  FUZZ_RUNS,
  FUZZ_SEED,
  queryMisuse,
  responseProblems,
  sendOverSocket,
  snapshotDiff,
  truncate,
  wrongTypes,
  userUploads,
  type FuzzRequest,
  type FuzzResponse,
} from './helpers/fuzz-requests.js';
import { multipartFile, makePng } from './helpers/images.js';
import { JSON_IO, makeTestApp, TEST_KEY, validUser, type TestApp } from './helpers/test-app.js';
import { createWorker } from './helpers/workers.js';

/**
 * A standing fuzz suite: a few thousand hostile requests per database, in classes (malformed
 * bodies, wrong types, odd strings, prototype names, odd paths, multipart garbage, truncated and
 * badly delimited uploads, oversize bodies, query misuse, out-of-range values, junk token forms,
 * credentials in every spelling, requests Node's HTTP layer refuses). Whatever the request, the
 * server must answer without a 5xx and within FUZZ_SLOW_MS, keep the connection (the multipart
 * and oversize classes go over a real socket) or close it after refusing a request whole,
 * leave the database as it was whenever it refuses a write, and shape every error as Coupa does
 * (RFC 6749 on the token endpoint) with its `x-roster-error-code` (the ones the request allows,
 * in the format it asks for). The credentials class runs against an app logging at trace into
 * memory: no log line may hold a secret a request carried. Each class runs on a fresh app
 * seeded by `seed` below.
 *
 * Environment:
 *   FUZZ_SEED=n     the seed (printed at the start, in the summary and in every failure); CI uses CI_SEED
 *   FUZZ_PATH=p     with FUZZ_SEED and `-t '<dialect> <class>'`, replay one counterexample
 *   FUZZ_RUNS=n     runs per class and database instead of the defaults (oversize: at most 100)
 *   FUZZ_COLLECT=1  record every distinct failure (not shrunk) and print them all, failing at the end
 *   FUZZ_CLASS_MS=n how long one class may run, shrinking included (default 60000); then it stops and passes
 *   FUZZ_SLOW_MS=n  the longest a request may take (default 5000; 0 turns the check off)
 */

const SEED = FUZZ_SEED;
const PATH = FUZZ_PATH;
const RUNS = FUZZ_RUNS;
const COLLECT = process.env['FUZZ_COLLECT'] === '1';
const SLOW_MS = envInteger('FUZZ_SLOW_MS') ?? 5000;

/** fast-check stops a class after this long (shrinking included) and reports what it has. */
const CLASS_TIME_LIMIT_MS = envInteger('FUZZ_CLASS_MS') ?? 60_000;
const CLASS_TIMEOUT_MS = 180_000;
const SOCKET_TIMEOUT_MS = 30_000;

console.log(`fuzz: seed ${SEED}${PATH ? `, path ${PATH}` : ''} (replay with FUZZ_SEED=${SEED})`);

interface FuzzClass {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<FuzzRequest>;
  /**
   * Default runs per database: about 20 s per database on a 2-core machine in all. SQLite takes
   * ~3 ms a request; PostgreSQL ~6 ms, and ~0.8 s to set up each class.
   */
  readonly runs: { readonly sqlite: number; readonly postgres: number };
  /** Over a real socket instead of app.inject. */
  readonly socket?: boolean;
  readonly maxRuns?: number;
  /** On an app logging at trace into memory: no line may hold a secret the request carries (options.secrets). */
  readonly logged?: boolean;
  /** What the class needs beyond `seed`. */
  readonly prepare?: (t: TestApp) => Promise<void>;
}

/**
 * The credentials class's OAuth client: its secret random for the run, its token issued by the
 * app in `prepareLogged` (the generator reads it as it makes each request).
 */
const LOGGED_CLIENT = { id: 'fuzz.logged', secret: `Zq${randomBytes(18).toString('base64url')}`, token: '' };

/** A worker with a document (the routes of the credentials class name worker 1 and its document 1), and a token. */
async function prepareLogged(t: TestApp): Promise<void> {
  await createWorker(t);
  const doc = await t.request({
    method: 'POST',
    url: '/api/workers/1/worker_documents',
    headers: JSON_IO,
    payload: { type: { name: 'Work Permit' } },
  });
  expect(doc.statusCode, doc.body).toBe(201);
  await credentialService(t.store).createClient({
    name: 'Fuzz logged',
    // What the class's routes need (users, workers and their documents, reference data).
    scopes: [
      'core.user.read',
      'core.user.write',
      'core.services_procurement.workers.read',
      'core.services_procurement.workers.write',
      'core.common.read',
    ],
    clientId: LOGGED_CLIENT.id,
    secret: LOGGED_CLIENT.secret,
  });
  const token = await t.app.inject({
    method: 'POST',
    url: '/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `grant_type=client_credentials&client_id=${LOGGED_CLIENT.id}&client_secret=${LOGGED_CLIENT.secret}`,
  });
  expect(token.statusCode, token.body).toBe(200);
  LOGGED_CLIENT.token = (JSON.parse(token.body) as { access_token: string }).access_token;
}

const CLASSES: readonly FuzzClass[] = [
  { name: 'malformed XML and JSON bodies', arbitrary: malformedBodies, runs: { sqlite: 800, postgres: 400 } },
  { name: 'wrong types for elements', arbitrary: wrongTypes, runs: { sqlite: 800, postgres: 400 } },
  { name: 'huge and odd strings', arbitrary: oddStrings, runs: { sqlite: 800, postgres: 400 } },
  { name: 'prototype names', arbitrary: protoNames, runs: { sqlite: 500, postgres: 250 } },
  { name: 'encoded and odd paths without credentials', arbitrary: oddPaths, runs: { sqlite: 600, postgres: 300 } },
  { name: 'multipart garbage on the avatar', arbitrary: multipartGarbage, runs: { sqlite: 500, postgres: 250 }, socket: true },
  // Over a socket: @fastify/multipart took a body cut short for a whole one there (and not through inject).
  { name: 'truncated and badly delimited uploads', arbitrary: userUploads, runs: { sqlite: 200, postgres: 100 }, socket: true },
  {
    name: 'oversize bodies over a socket',
    arbitrary: oversizeBodies(DEFAULTS),
    runs: { sqlite: 30, postgres: 20 },
    socket: true,
    maxRuns: 100,
  },
  { name: 'operator misuse in queries', arbitrary: queryMisuse, runs: { sqlite: 800, postgres: 400 } },
  { name: 'out-of-range values in bodies', arbitrary: outOfRange, runs: { sqlite: 600, postgres: 300 } },
  { name: 'junk token forms', arbitrary: oauthForms, runs: { sqlite: 300, postgres: 120 } },
  {
    name: 'credentials in every spelling, traced',
    arbitrary: credentialsEverywhere({
      clientId: LOGGED_CLIENT.id,
      clientSecret: LOGGED_CLIENT.secret,
      token: () => LOGGED_CLIENT.token,
    }),
    runs: { sqlite: 150, postgres: 80 },
    logged: true,
    prepare: prepareLogged,
  },
  {
    name: 'what the HTTP layer refuses, over a socket',
    arbitrary: httpLayerErrors,
    runs: { sqlite: 150, postgres: 80 },
    socket: true,
  },
];

const runsFor = (cls: FuzzClass, dialect: TestDialect): number =>
  Math.min(RUNS ?? cls.runs[dialect.name], cls.maxRuns ?? Infinity);

/** Requests sent per dialect and class (shrinking included), for the summary. */
const tally: Array<{
  dialect: string;
  cls: string;
  runs: number;
  requests: number;
  ms: number;
  statuses: string;
  failed: boolean;
}> = [];

/** In FUZZ_COLLECT mode: one smallest example per distinct failure. */
const collected = new Map<string, { count: number; text: string }>();

// ---------------------------------------------------------------------------------------------

/** Users 1..3 (roles, a department, a manager, an approval limit, an avatar) and an OAuth client. */
async function seed(t: TestApp): Promise<void> {
  await createUser(t, { ...validUser(1), roles: [{ name: 'Buyer' }, { name: 'Admin' }], department: { name: 'Finance' } });
  await createUser(t, {
    ...validUser(2),
    manager: { login: 'user_1' },
    'expense-approval-limit': { amount: '1000', currency: { code: 'USD' } },
    'phone-work': { 'country-code': '1', number: '5550100' },
  });
  await createUser(t, { ...validUser(3), manager: { id: 2 }, active: false, 'user-groups': [] });
  const upload = multipartFile({ filename: 'a.png', contentType: 'image/png', data: makePng() });
  const res = await t.request({ method: 'PUT', url: '/api/users/1/avatar', ...upload });
  expect(res.statusCode, res.body).toBe(200);
  await credentialService(t.store).createClient({
    name: 'Fuzz',
    scopes: OAUTH_CLIENT.scopes,
    clientId: OAUTH_CLIENT.id,
    secret: OAUTH_CLIENT.secret,
  });
}

/** Everything an app logs, as text, and the lines at error level and above as captureServerErrors reports them. */
interface MemoryLog {
  readonly stream: Writable;
  text(): string;
  errors(): { take(): string[]; restore(): void };
}

function memoryLog(): MemoryLog {
  const chunks: string[] = [];
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const all = (): string => {
    if (chunks.length > 0) text += chunks.splice(0).join('');
    return text;
  };
  return {
    stream,
    text: all,
    errors() {
      let read = all().length;
      return {
        take() {
          const fresh = all().slice(read);
          read += fresh.length;
          return fresh.split('\n').filter((line) => /"level":(5|6)\d/.test(line));
        },
        restore() {},
      };
    },
  };
}

/**
 * An app as makeTestApp builds it (the test key known, rate limits off), but logging at trace
 * into `log`, as test/log-redaction.test.ts builds it. (captureServerErrors would replace the
 * logger's error method, and so keep error lines out of the log checked for secrets.)
 */
async function loggedTestApp(dialect: TestDialect, log: MemoryLog): Promise<TestApp> {
  return makeTestApp(dialect, { logLevel: 'trace' }, { logger: { stream: log.stream } });
}

/** The log lines holding any of `secrets`, each with the secret it leaks. */
function leaks(text: string, secrets: Iterable<string>): string[] {
  const out: string[] = [];
  for (const secret of secrets) {
    for (const line of text.split('\n')) if (line.includes(secret)) out.push(`${secret} is logged: ${truncate(line, 800)}`);
  }
  return out;
}

async function inject(t: TestApp, req: FuzzRequest): Promise<FuzzResponse> {
  const opts = { method: req.method, url: req.url, ...(req.body === undefined ? {} : { payload: req.body }) };
  const res =
    req.options.credentials === false
      ? await t.app.inject({ ...opts, headers: { ...req.headers } })
      : await t.request({ ...opts, headers: { ...req.headers } });
  return { status: res.statusCode, headers: res.headers, body: res.body };
}

/** A failure's kind, for FUZZ_COLLECT: the rules broken and the server's error, without the particulars. */
function signature(cls: string, problems: readonly string[], res: FuzzResponse | undefined, logged: readonly string[]): string {
  const generic = (s: string) =>
    s
      .replace(/'[^']*'|"[^"]*"/g, '…')
      .replace(/\d+/g, '#')
      .slice(0, 160);
  return [
    cls,
    String(res?.status ?? 'no response'),
    problems.map((p) => generic(p.split('\n')[0] ?? '')).join('; '),
    String(res?.headers['x-roster-error-code'] ?? ''),
    logged.map(generic).join('; '),
  ].join(' | ');
}

for (const dialect of DIALECTS) {
  describe(`fuzz on ${dialect.name}`, () => {
    for (const cls of CLASSES) {
      it(cls.name, { timeout: CLASS_TIMEOUT_MS }, async () => {
        const started = Date.now();
        const log = cls.logged ? memoryLog() : undefined;
        const t = log ? await loggedTestApp(dialect, log) : await makeTestApp(dialect);
        const logged = log ? log.errors() : captureServerErrors(t);
        const keys = new ApiKeyRepository(t.store);
        /** Every secret the class's requests carried, to search the whole log for at the end. */
        const carried = new Set<string>();
        let requests = 0;
        let failed = false;
        const statuses = new Map<string, number>();
        const runs = runsFor(cls, dialect);
        try {
          await seed(t);
          await cls.prepare?.(t);
          let port = 0;
          if (cls.socket) {
            await t.app.listen({ port: 0, host: '127.0.0.1' });
            port = (t.app.server.address() as AddressInfo).port;
          }
          const property = fc.asyncProperty(cls.arbitrary, async (req) => {
            requests++;
            for (const key of req.options.apiKeys ?? []) await keys.add(key, 'fuzz');
            const before = req.isWrite ? await dbSnapshot(t.store, 'users') : undefined;
            logged.take();
            const logFrom = log?.text().length ?? 0;
            const problems: string[] = [];
            let res: FuzzResponse | undefined;
            const sent = Date.now();
            if (cls.socket) {
              const outcome = await sendOverSocket(port, req, TEST_KEY, SOCKET_TIMEOUT_MS);
              res = outcome.response;
              if (outcome.dropped !== undefined) problems.push(`connection dropped: ${outcome.dropped}`);
              if (outcome.open) problems.push('the server refused the request but kept its connection open');
            } else {
              try {
                res = await inject(t, req);
              } catch (err) {
                problems.push(`inject threw: ${err instanceof Error ? err.message : String(err)}`);
              }
            }
            const took = Date.now() - sent;
            const status = res
              ? `${res.status}${typeof res.headers['x-roster-error-code'] === 'string' ? ` ${res.headers['x-roster-error-code']}` : ''}`
              : 'dropped';
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (SLOW_MS > 0 && took > SLOW_MS) problems.push(`slow: answered in ${took} ms (FUZZ_SLOW_MS=${SLOW_MS})`);
            if (res) problems.push(...responseProblems(req, res));
            if (before && !(res && res.status >= 200 && res.status < 300)) {
              const diff = snapshotDiff(before, await dbSnapshot(t.store, 'users'));
              if (diff) problems.push(`database changed on a refused write (${res?.status ?? 'no response'}):\n  ${diff}`);
            }
            if (log) {
              // Lines logged once the response is out ('request completed') are written by now.
              await new Promise((resolve) => setImmediate(resolve));
              const written = log.text().slice(logFrom);
              if (!written.includes('"msg":"request completed"')) problems.push('the request left no line in the log');
              for (const secret of req.options.secrets ?? []) carried.add(secret);
              problems.push(...leaks(written, req.options.secrets ?? []));
            }
            if (problems.length === 0) return;
            const serverLog = logged.take();
            // fast-check prints the request itself (the counterexample, shrunk) above this report.
            const report = [
              ...problems,
              'response:',
              res ? describeResponse(res) : '  (none)',
              ...(serverLog.length > 0 ? ['server log:', ...serverLog.map((l) => `  ${truncate(l, 1000)}`)] : []),
            ].join('\n');
            if (!COLLECT) throw new Error(report);
            const key = `${dialect.name} | ${signature(cls.name, problems, res, serverLog)}`;
            const seen = collected.get(key);
            const text = `request:\n${describeRequest(req)}\n${report}`;
            if (!seen) collected.set(key, { count: 1, text });
            else collected.set(key, { count: seen.count + 1, text: text.length < seen.text.length ? text : seen.text });
          });
          try {
            await fc.assert(property, {
              seed: SEED,
              numRuns: runs,
              includeErrorInReport: true,
              interruptAfterTimeLimit: CLASS_TIME_LIMIT_MS,
              ...(PATH === undefined ? {} : { path: PATH }),
            });
            // A line written after its request was checked still counts.
            const late = log ? leaks(log.text(), carried) : [];
            if (late.length > 0) throw new Error(`secrets in the log:\n${late.slice(0, 10).join('\n')}`);
          } catch (err) {
            failed = true;
            const message = err instanceof Error ? err.message : String(err);
            const path = /path: "([^"]*)"/.exec(message)?.[1] ?? '';
            throw new Error(
              `fuzz class '${cls.name}' on ${dialect.name} failed; replay with\n` +
                `  FUZZ_SEED=${SEED} FUZZ_PATH=${path} npx vitest run test/fuzz.test.ts -t '${dialect.name} ${cls.name}'\n${message}`,
            );
          }
        } finally {
          logged.restore();
          await t.close();
          const histogram = [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}×${n}`);
          tally.push({
            dialect: dialect.name,
            cls: cls.name,
            runs,
            requests,
            ms: Date.now() - started,
            statuses: histogram.join(', '),
            failed,
          });
        }
      });
    }
  });
}

afterAll(() => {
  const lines = tally.map(
    (r) =>
      `  ${r.dialect.padEnd(8)} ${r.cls.padEnd(44)} ${String(r.requests).padStart(6)} requests ${String(r.ms).padStart(7)} ms` +
      `${r.failed ? ' FAILED' : r.requests < r.runs ? ` (stopped after ${CLASS_TIME_LIMIT_MS} ms)` : ''}\n      ${r.statuses}`,
  );
  const total = (d: string) =>
    tally.filter((r) => r.dialect === d).reduce((a, r) => ({ n: a.n + r.requests, ms: a.ms + r.ms }), { n: 0, ms: 0 });
  for (const d of new Set(tally.map((r) => r.dialect))) {
    const { n, ms } = total(d);
    lines.push(`  ${d.padEnd(8)} ${'total'.padEnd(44)} ${String(n).padStart(6)} requests ${String(ms).padStart(7)} ms`);
  }
  console.log(`fuzz summary (seed ${SEED}):\n${lines.join('\n')}`);
  if (COLLECT) {
    const entries = [...collected.entries()].sort(([a], [b]) => a.localeCompare(b));
    console.log(
      `fuzz: ${entries.length} distinct failures\n` +
        entries.map(([key, { count, text }]) => `=== ${key} (×${count})\n${text}`).join('\n\n'),
    );
    // Collecting must not turn failures into a green run.
    if (entries.length > 0) throw new Error(`fuzz: ${entries.length} distinct failures (listed above)`);
  }
});
