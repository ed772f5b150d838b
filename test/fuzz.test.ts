import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialService } from '../src/cli/credentials.js';
import { DEFAULTS } from '../src/config.js';
import { createUser, dbSnapshot } from './helpers/api.js';
import { DIALECTS, type TestDialect } from './helpers/dialects.js';
import {
  describeRequest,
  describeResponse,
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
  type FuzzRequest,
  type FuzzResponse,
} from './helpers/fuzz-requests.js';
import { multipartFile, makePng } from './helpers/images.js';
import { makeTestApp, TEST_KEY, validUser, type TestApp } from './helpers/test-app.js';

/**
 * A standing fuzz suite: a few thousand hostile requests per database, in classes (malformed
 * bodies, wrong types, odd strings, prototype names, odd paths, multipart garbage, oversize
 * bodies, query misuse, out-of-range values, junk token forms). Whatever the request, the server
 * must answer without a 5xx and within FUZZ_SLOW_MS, keep the connection (the multipart and
 * oversize classes go over a real socket), leave the database as it was whenever it refuses a
 * write, and shape every error as Coupa does (RFC 6749 on the token endpoint) with its
 * `x-roster-error-code`. Each class runs on a fresh app seeded by `seed` below.
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
}

const CLASSES: readonly FuzzClass[] = [
  { name: 'malformed XML and JSON bodies', arbitrary: malformedBodies, runs: { sqlite: 800, postgres: 400 } },
  { name: 'wrong types for elements', arbitrary: wrongTypes, runs: { sqlite: 800, postgres: 400 } },
  { name: 'huge and odd strings', arbitrary: oddStrings, runs: { sqlite: 800, postgres: 400 } },
  { name: 'prototype names', arbitrary: protoNames, runs: { sqlite: 500, postgres: 250 } },
  { name: 'encoded and odd paths without credentials', arbitrary: oddPaths, runs: { sqlite: 600, postgres: 300 } },
  { name: 'multipart garbage on the avatar', arbitrary: multipartGarbage, runs: { sqlite: 500, postgres: 250 }, socket: true },
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
        const t = await makeTestApp(dialect);
        const logged = captureServerErrors(t);
        let requests = 0;
        let failed = false;
        const statuses = new Map<string, number>();
        const runs = runsFor(cls, dialect);
        try {
          await seed(t);
          let port = 0;
          if (cls.socket) {
            await t.app.listen({ port: 0, host: '127.0.0.1' });
            port = (t.app.server.address() as AddressInfo).port;
          }
          const property = fc.asyncProperty(cls.arbitrary, async (req) => {
            requests++;
            const before = req.isWrite ? await dbSnapshot(t.store, 'users') : undefined;
            logged.take();
            const problems: string[] = [];
            let res: FuzzResponse | undefined;
            const sent = Date.now();
            if (cls.socket) {
              const outcome = await sendOverSocket(port, req, TEST_KEY, SOCKET_TIMEOUT_MS);
              res = outcome.response;
              if (outcome.dropped !== undefined) problems.push(`connection dropped: ${outcome.dropped}`);
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
