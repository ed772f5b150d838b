// `npm run bench:sync` (and `npm run bench`): `roster sync` (docs/sync.md) against the real server,
// each figure next to a bare client doing the same HTTP work in the same run (issue 21).
//
//   node bench/sync.mjs [--users N] [--changes N] [--writes N] [--limited-users N] [--limited-writes N]
//                       [--contrast-writes N] [--rounds R] [--concurrency C] [--database-url postgres://...] [--keep]
//
// Environment twins: BENCH_SYNC_USERS (100,000 seeded users), BENCH_SYNC_CHANGES (1,000: the plan's
// updates, 1 %), BENCH_SYNC_WRITES (2,000: the unlimited apply), BENCH_SYNC_LIMITED_USERS (5,000),
// BENCH_SYNC_LIMITED_WRITES (500), BENCH_SYNC_CONTRAST_WRITES (200), BENCH_SYNC_ROUNDS (2),
// BENCH_SYNC_CONCURRENCY (4), BENCH_SYNC_DATABASE_URL. (Their own names: BENCH_USERS is run.mjs's million.)
//
// 1. Seeds a fresh database (`roster seed --users N`; a temp dir for SQLite, or a schema of its
//    own on PostgreSQL, dropped at the end), makes an API key (`roster keys create --scopes
//    "core.user.read core.user.write"`), reads the seeded users straight from the database and
//    starts `roster serve --port 0 --sftp-port off --cso-port off --rate-limit off --log-level warn`.
//    Every export below is a full snapshot of those users (login, email, firstname, lastname,
//    status Active/Inactive) in id order, with some active users' last names changed; the runner
//    keeps what the database holds, so every export plans exactly the changes meant.
// 2. Plan: `roster sync --dry-run --rate 0 --quiet --concurrency C` over an export with `--changes`
//    updates, timed from spawning the process to its exit; its journal splits the time into
//    start-up (process start to the first request: loading, reading the CSV and mapping), reading
//    (first page asked → last page answered) and planning (last page → exit). The baseline is this
//    file run bare (BENCH_SYNC_BARE): the same `GET /api/users?fields=[…]&limit=50&offset=K&order_by=id`
//    with fetch, C in flight, each body JSON.parsed, nothing else, until a short page; also timed
//    from spawn to exit. Rounds run bare, Roster, then Roster, bare (ABBA), so drift cancels.
// 3. Apply, rate limit off: `roster sync --rate 0` over an export changing `--writes` users. From
//    its journal: writes/s = PUTs / (first PUT's start → last PUT's end); requests/s of the apply
//    (each write is the seeds' `GET /api/users?login=…` then the `PUT`) and of the validation
//    (`GET /api/users/:id` per written user). Two bare baselines, each on its own `--writes` other
//    users: the same PUT bodies to the same URLs (`/api/users/:id?fields=[…]`, `{"lastname": …}`)
//    C in flight; and the seeds' whole flow bare (GET by login, PUT, then every user read back).
// 4. Rate limit on: a second fresh database of `--limited-users`, the server with `--rate-limit 25/20`
//    (Coupa's, the default). `roster sync --rate 25 --burst 20` (its defaults) over `--limited-writes`
//    changes: from the journal, requests/s, the attempts not answered 429 against what the limit
//    admits over the run (BURST + RATE × span), the most started in any 1 s, and the 429s (the
//    report's `requests.throttled`: how many, how close to the attempt before, how long they paused the client). Then the contrast: `--rate 0` against the same server
//    over `--contrast-writes` other changes: 429s, retries, failures, exit status, and whether it ends;
//    and `--rate 25 --burst 10` over as many others (the client's burst under the server's, a margin).
// 5. Server and client CPU: both sampled from /proc/<pid>/stat every 100 ms while a client runs and
//    split into the phases its journal (or the bare client's own timings) shows (SQLite runs in the
//    server process; PostgreSQL's own processes are not counted); each client's total CPU and peak
//    RSS from process.resourceUsage() at its exit (a `--import` hook for `roster sync`, which is unchanged).
// 6. Prints a Markdown report; writes it and the figures as JSON to bench/results/sync[-postgres].{md,json}.
// It runs the built CLI (dist/), so build first (`npm run bench:sync` does).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cpuMs } from './common.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/roster.mjs');
const SELF = fileURLToPath(import.meta.url);
const RESULTS = path.join(ROOT, 'bench/results');
/** Coupa's largest page of users (src/sync/users-api.ts PAGE_SIZE). */
const PAGE = 50;
/** The mapped elements; `fields` as roster sync sends it (src/sync/values.ts fieldsParam): id, active, api-user first. */
const ELEMENTS = ['login', 'email', 'firstname', 'lastname'];
const FIELDS = JSON.stringify(['id', 'active', 'api-user', ...ELEMENTS]);
/** The issue's target for the plan, and Coupa's limit. */
const TARGET_PLAN_SECONDS = 30;
const LIMIT = { rate: 25, burst: 20 };
/** The client's burst in the margin row: half the server's. */
const MARGIN_BURST = 10;

// ---------------------------------------------------------------------------------------------
// The bare client: this file run with BENCH_SYNC_BARE naming a JSON job. Node's fetch, JSON.parse,
// a pool of `concurrency`, and nothing else; prints one JSON line of timings and exits.
// ---------------------------------------------------------------------------------------------

async function bareClient(job) {
  const headers = { accept: 'application/json', 'x-coupa-api-key': job.key };
  const fields = encodeURIComponent(FIELDS);
  const statuses = {};
  let firstStart = Infinity;
  let lastEnd = 0;
  const call = async (method, url, body) => {
    const t0 = performance.now();
    firstStart = Math.min(firstStart, t0);
    const res = await globalThis.fetch(`${job.url}${url}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = JSON.parse(await res.text());
    lastEnd = Math.max(lastEnd, performance.now());
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    return parsed;
  };
  /** `work` over `items`, `concurrency` at once, while `more()` holds. */
  const pool = async (next, work) => {
    const worker = async () => {
      for (let item = next(); item !== undefined; item = next()) await work(item);
    };
    await Promise.all(Array.from({ length: job.concurrency }, worker));
  };
  const span = () => {
    // Epoch milliseconds too, so the runner can line the span up with its CPU samples.
    const s = { spanMs: lastEnd - firstStart, start: performance.timeOrigin + firstStart, end: performance.timeOrigin + lastEnd };
    firstStart = Infinity;
    lastEnd = 0;
    return s;
  };
  const out = {};
  if (job.mode === 'read') {
    let offset = 0;
    let done = false;
    let pages = 0;
    let users = 0;
    await pool(
      () => {
        if (done) return undefined;
        const o = offset;
        offset += PAGE;
        return o;
      },
      async (o) => {
        const page = await call('GET', `/api/users?fields=${fields}&limit=${PAGE}&offset=${o}&order_by=id`);
        pages += 1;
        users += page.length;
        if (page.length < PAGE) done = true;
      },
    );
    Object.assign(out, { pages, users }, span());
  } else {
    // put: { id, body } items, PUT only. flow: { login, body } items, the seeds' GET by login then PUT, then reads back.
    const items = JSON.parse(readFileSync(job.items, 'utf8'));
    const ids = [];
    let i = 0;
    await pool(
      () => items[i++],
      async (item) => {
        let id = item.id;
        if (job.mode === 'flow') {
          const found = await call('GET', `/api/users?login=${encodeURIComponent(item.login)}&fields=${fields}`);
          id = found.find((u) => u.login === item.login).id;
        }
        await call('PUT', `/api/users/${id}?fields=${fields}`, item.body);
        ids.push([id, item.body.lastname]);
      },
    );
    Object.assign(out, { writes: ids.length, apply: span() });
    if (job.mode === 'flow') {
      let wrong = 0;
      let k = 0;
      await pool(
        () => ids[k++],
        async ([id, lastname]) => {
          const shown = await call('GET', `/api/users/${id}?fields=${fields}`);
          if (shown.lastname !== lastname) wrong += 1;
        },
      );
      Object.assign(out, { validate: span(), wrong });
    }
  }
  const usage = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ ...out, statuses, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS })}\n`,
  );
}

if (process.env.BENCH_SYNC_BARE) {
  await bareClient(JSON.parse(readFileSync(process.env.BENCH_SYNC_BARE, 'utf8')));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The runner.
// ---------------------------------------------------------------------------------------------

const { execFileSync } = await import('node:child_process');
const { mkdirSync, mkdtempSync, rmSync, statSync } = await import('node:fs');
const { default: os } = await import('node:os');
const { parseArgs } = await import('node:util');
const { setInterval, clearInterval } = await import('node:timers');
const { default: pg } = await import('pg');
const { count, fixed, freshSchema, log, machine, mb, startChild, stop } = await import('./common.mjs');

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: process.env.BENCH_SYNC_USERS ?? '100000' },
    changes: { type: 'string', default: process.env.BENCH_SYNC_CHANGES ?? '1000' },
    writes: { type: 'string', default: process.env.BENCH_SYNC_WRITES ?? '2000' },
    'limited-users': { type: 'string', default: process.env.BENCH_SYNC_LIMITED_USERS ?? '5000' },
    'limited-writes': { type: 'string', default: process.env.BENCH_SYNC_LIMITED_WRITES ?? '500' },
    'contrast-writes': { type: 'string', default: process.env.BENCH_SYNC_CONTRAST_WRITES ?? '200' },
    rounds: { type: 'string', default: process.env.BENCH_SYNC_ROUNDS ?? '2' },
    concurrency: { type: 'string', default: process.env.BENCH_SYNC_CONCURRENCY ?? '4' },
    'database-url': { type: 'string', default: process.env.BENCH_SYNC_DATABASE_URL },
    keep: { type: 'boolean', default: false },
  },
});
const USERS = count('users', args.users);
const CHANGES = count('changes', args.changes);
const WRITES = count('writes', args.writes);
const LIMITED_USERS = count('limited-users', args['limited-users']);
const LIMITED_WRITES = count('limited-writes', args['limited-writes']);
const CONTRAST_WRITES = count('contrast-writes', args['contrast-writes']);
const ROUNDS = count('rounds', args.rounds);
const CONCURRENCY = count('concurrency', args.concurrency);
const DATABASE_URL = args['database-url'];

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (\`npm run bench:sync\` does)`);
if (CHANGES + 3 * WRITES > USERS * 0.9) throw new Error('--changes plus three times --writes must stay under 90 % of --users');
if (LIMITED_WRITES + 2 * CONTRAST_WRITES > LIMITED_USERS * 0.9)
  throw new Error('--limited-writes plus twice --contrast-writes must stay under 90 % of --limited-users');

/**
 * Runs a child to completion: its exit code, output, and wall time from spawn to exit in ms. With
 * `serverPid`, samples the child's and the server's CPU every 100 ms: `samples` of [epoch ms, child
 * CPU ms, server CPU ms], for `cpuIn`.
 */
function child(argv, env = {}, serverPid = undefined) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const startedAt = Date.now();
    const c = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const samples = [];
    const sample = () => {
      const own = cpuMs(c.pid);
      if (Number.isFinite(own)) samples.push([Date.now(), own, cpuMs(serverPid)]);
    };
    const timer = serverPid === undefined ? undefined : setInterval(sample, 100);
    if (serverPid !== undefined) samples.push([startedAt, 0, cpuMs(serverPid)]);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - t0, startedAt, endedAt: Date.now(), samples });
    });
  });
}

/** CPU ms used by column `col` (1: the client, 2: the server) of `samples` between two epoch times, interpolated. */
function cpuIn(samples, col, from, to) {
  const at = (t) => {
    if (samples.length === 0) return NaN;
    let i = 0;
    while (i < samples.length - 1 && samples[i + 1][0] <= t) i++;
    const [ta, a] = [samples[i][0], samples[i][col]];
    const next = samples[i + 1];
    if (!next || t <= ta) return a;
    return a + ((next[col] - a) * (t - ta)) / (next[0] - ta);
  };
  return at(to) - at(from);
}

async function cli(argv) {
  const r = await child([CLI, ...argv]);
  if (r.code !== 0) throw new Error(`roster ${argv.join(' ')} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Starts `roster serve` on `database` with `--rate-limit rateLimit` (other listeners off) and resolves once its banner names its URL; later output (warnings) is kept and echoed. */
async function serve(database, rateLimit) {
  const argv = [
    ...database.args,
    '--port',
    '0',
    '--sftp-port',
    'off',
    '--cso-port',
    'off',
    '--rate-limit',
    rateLimit,
    '--log-level',
    'warn',
  ];
  const { child, match, logged } = await startChild([CLI, 'serve', ...argv], /at (http:\/\/[\d.:]+)/);
  return { child, url: match[1], logged };
}

/** A fresh database: a temp dir (SQLite) or a schema of its own (PostgreSQL). */
async function freshDatabase(tmp, name) {
  if (DATABASE_URL) {
    const schema = await freshSchema(DATABASE_URL, `roster_bench_sync_${name}`);
    return { kind: 'postgres', label: schema.label, args: ['--database-url', schema.url], url: schema.url, drop: schema.drop };
  }
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  return {
    kind: 'sqlite',
    label: 'SQLite (temp dir)',
    args: ['--data', dir],
    file: path.join(dir, 'roster.sqlite'),
    drop: async () => {},
  };
}

/** Seeds `n` users and makes the bench's key; the seeded users (not API users) in id order. */
async function seed(db, n) {
  const t0 = performance.now();
  log((await cli(['seed', '--users', String(n), ...db.args])).trim());
  const seconds = (performance.now() - t0) / 1000;
  const { key } = JSON.parse(
    await cli(['keys', 'create', '--name', 'bench-sync', '--scopes', 'core.user.read core.user.write', ...db.args]),
  );
  const sql = 'select id, login, email, firstname, lastname, active from users where not api_user order by id';
  let rows;
  if (db.kind === 'sqlite') {
    const { default: Sqlite } = await import('better-sqlite3');
    const conn = new Sqlite(db.file, { readonly: true });
    rows = conn.prepare(sql.replace('not api_user', 'api_user = 0')).all();
    conn.close();
  } else {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    rows = (await client.query(sql)).rows;
    await client.end();
  }
  const users = rows.map((r) => ({ ...r, id: Number(r.id), active: r.active === true || r.active === 1 }));
  return { key, users, seconds };
}

const MAPPING = `key: login
fields:
  login: login
  email: email
  firstname: firstname
  lastname: lastname
status: { column: status, active: [Active] }
`;

const cell = (v) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The export: every user as the database holds it (`users`), `changed` (login → last name) applied. */
function writeExport(file, users, changed) {
  const lines = ['login,email,firstname,lastname,status'];
  for (const u of users) {
    const lastname = changed.get(u.login) ?? u.lastname;
    lines.push([u.login, u.email, u.firstname, lastname, u.active ? 'Active' : 'Inactive'].map(cell).join(','));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * `n` active users not yet `taken`, spread evenly over the id range (so pages and indexes are hit
 * all over, not only the first rows); marks them taken.
 */
function pickUsers(users, n, taken) {
  const free = users.filter((u) => u.active && !taken.has(u.login));
  if (free.length < n) throw new Error(`only ${free.length} active users left to change, ${n} wanted`);
  const picked = Array.from({ length: n }, (_, i) => free[Math.floor((i * free.length) / n)]);
  for (const u of picked) taken.add(u.login);
  return picked;
}

/** Changes the runner's copy of the database after a write it checked. */
const applyChanges = (users, changed) => {
  for (const u of users) if (changed.has(u.login)) u.lastname = changed.get(u.login);
};

/** One `roster sync`, the client's CPU and peak RSS from a `--import` hook at its exit. */
async function rosterSync(tmp, name, urlOf, key, argv, serverPid) {
  const journal = path.join(tmp, `${name}.jsonl`);
  const report = path.join(tmp, `${name}-report.json`);
  const cpuFile = path.join(tmp, `${name}-cpu.json`);
  const r = await child(
    [
      '--import',
      path.join(tmp, 'cpu-hook.mjs'),
      CLI,
      'sync',
      '--mapping',
      path.join(tmp, 'mapping.yaml'),
      '--url',
      urlOf,
      '--quiet',
      '--concurrency',
      String(CONCURRENCY),
      '--journal',
      journal,
      '--report',
      report,
      '--state',
      path.join(tmp, `${name}-state.json`),
      ...argv,
    ],
    { ROSTER_SYNC_API_KEY: key, BENCH_SYNC_CPU_FILE: cpuFile },
    serverPid,
  );
  const usage = existsSync(cpuFile) ? JSON.parse(readFileSync(cpuFile, 'utf8')) : undefined;
  return {
    ...r,
    report: existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined,
    journal: readFileSync(journal, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
    cpuMs: usage ? (usage.userCPUTime + usage.systemCPUTime) / 1000 : NaN,
    maxRssKb: usage?.maxRSS ?? NaN,
  };
}

/** The bare client, this file as a child process; its JSON line and wall time. */
async function bare(tmp, name, job, serverPid) {
  const jobFile = path.join(tmp, `${name}-job.json`);
  writeFileSync(jobFile, JSON.stringify({ concurrency: CONCURRENCY, ...job }));
  const r = await child([SELF], { BENCH_SYNC_BARE: jobFile }, serverPid);
  if (r.code !== 0) throw new Error(`bare ${name} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  // Client and server CPU over each span the bare client timed.
  for (const part of ['apply', 'validate'])
    if (out[part]) out[part] = { ...out[part], ...cpuOver(r.samples, out[part].start, out[part].end) };
  if (job.mode === 'read') out.read = cpuOver(r.samples, out.start, out.end);
  return { ...out, wallMs: r.wallMs, serverCpuMs: cpuIn(r.samples, 2, r.startedAt, r.endedAt) };
}

/** Wall, client CPU and server CPU between two epoch times. */
const cpuOver = (samples, from, to) => ({
  wallMs: to - from,
  clientCpuMs: cpuIn(samples, 1, from, to),
  serverCpuMs: cpuIn(samples, 2, from, to),
});

/** A roster sync run's phases from its journal: reading (pages), applying (finds and writes), validating (reads by id). */
function phasesOf(run, a) {
  const { page, find, put, post, show } = a.kinds;
  const phases = {};
  if (page) phases.reading = cpuOver(run.samples, page.start, page.end);
  const writeEnd = Math.max(put?.end ?? 0, post?.end ?? 0);
  if (writeEnd > 0)
    phases.applying = cpuOver(
      run.samples,
      Math.min(find?.start ?? Infinity, put?.start ?? Infinity, post?.start ?? Infinity),
      writeEnd,
    );
  if (show) phases.validating = cpuOver(run.samples, show.start, show.end);
  return phases;
}

/** What a journal line is: a page of the read, the seeds' find by key, a write, a read-back by id. */
function kindOf(line) {
  if (line.method === 'PUT' || line.method === 'POST') return line.method.toLowerCase();
  if (line.method !== 'GET') return 'other';
  if (/[?&]offset=/.test(line.url)) return 'page';
  if (/\/api\/users\/[^/?]+/.test(line.url)) return 'show';
  return 'find';
}

/** Per kind of line: count, first start and last end (epoch ms), statuses; and the whole journal's. */
function analyse(journal) {
  const kinds = {};
  const all = { n: 0, start: Infinity, end: 0, statuses: {} };
  for (const line of journal) {
    const start = Date.parse(line.time);
    const end = start + line.durationMs;
    for (const k of [(kinds[kindOf(line)] ??= { n: 0, start: Infinity, end: 0, statuses: {} }), all]) {
      k.n += 1;
      k.start = Math.min(k.start, start);
      k.end = Math.max(k.end, end);
      k.statuses[line.status] = (k.statuses[line.status] ?? 0) + 1;
    }
  }
  const rate = (n, from, to) => (to > from ? (n * 1000) / (to - from) : NaN);
  const { find = { n: 0 }, put = { n: 0 }, post = { n: 0 }, show = { n: 0 } } = kinds;
  const writes = put.n + post.n;
  const writeStart = Math.min(put.start ?? Infinity, post.start ?? Infinity);
  const writeEnd = Math.max(put.end ?? 0, post.end ?? 0);
  const applyStart = Math.min(find.start ?? Infinity, writeStart);
  // Starts in every 1 s window [t, t + 1000) over the run, the most of them.
  const starts = journal.map((l) => Date.parse(l.time)).sort((a, b) => a - b);
  const mostInAnySecond = (times) => {
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  };
  // Each 429: how long after the attempt before it this one started, and the pause it asked for.
  const ordered = journal.map((l) => ({ ...l, start: Date.parse(l.time) })).sort((x, y) => x.start - y.start);
  const refused = ordered.flatMap((l, i) =>
    l.status === 429
      ? [
          {
            at: l.start,
            answered: l.start + l.durationMs,
            gapMs: i > 0 ? l.start - ordered[i - 1].start : NaN,
            until: l.start + l.durationMs + (l.retryInMs ?? 0),
          },
        ]
      : [],
  );
  const gaps = refused.map((r) => r.gapMs).sort((x, y) => x - y);
  // The client pauses every request until a 429's Retry-After has passed (pauses overlap): their union.
  let pausedMs = 0;
  let pausedTo = 0;
  for (const r of refused) {
    const from = Math.max(r.answered, pausedTo);
    if (r.until > from) pausedMs += r.until - from;
    pausedTo = Math.max(pausedTo, r.until);
  }
  return {
    kinds,
    all,
    writes,
    writesPerSecond: rate(writes, writeStart, writeEnd),
    applyRequestsPerSecond: rate(find.n + writes, applyStart, writeEnd),
    validateRequestsPerSecond: rate(show.n, show.start, show.end),
    requestsPerSecond: rate(all.n, all.start, all.end),
    /** Attempts the server let through, and what a RATE/BURST limit admits over the run's span: BURST + RATE × span. */
    admitted: all.n - (all.statuses[429] ?? 0),
    allowed: LIMIT.burst + (LIMIT.rate * (all.end - all.start)) / 1000,
    mostInOneSecond: mostInAnySecond(starts),
    throttled: all.statuses[429] ?? 0,
    /** 429s: the most in any 1 s window, the median time since the attempt before each, the pauses they asked for in all. */
    mostThrottledInOneSecond: mostInAnySecond(refused.map((r) => r.at)),
    medianGapBefore429Ms: gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)] : NaN,
    pausedMs,
  };
}

const s = (ms) => fixed(ms / 1000, 1);
const thousands = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const sum = (list) => list.reduce((a, b) => a + b, 0);

function codeVersion() {
  try {
    const git = (...a) => execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
    const head = git('log', '-1', '--oneline');
    const changed = git('status', '--short', 'src').split('\n').filter(Boolean).length;
    return changed > 0 ? `${head} (plus ${changed} changed or new files under src/)` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function main() {
  const started = performance.now();
  const code = codeVersion();
  const builtMs = statSync(CLI).mtimeMs;
  const loadBefore = os.loadavg()[0];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-sync-'));
  writeFileSync(path.join(tmp, 'mapping.yaml'), MAPPING);
  // Measures `roster sync` from outside: its CPU and peak RSS, written when it exits.
  writeFileSync(
    path.join(tmp, 'cpu-hook.mjs'),
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.BENCH_SYNC_CPU_FILE, JSON.stringify(process.resourceUsage())));\n",
  );
  const databases = [];
  const servers = [];
  const problems = [];
  const check = (ok, what) => {
    if (!ok) {
      problems.push(what);
      log(`PROBLEM: ${what}`);
    }
  };
  try {
    // --- 1. the database of USERS users, the server without a rate limit ---
    const big = await freshDatabase(tmp, 'big');
    databases.push(big);
    log(`seeding ${thousands(USERS)} users into ${big.label}...`);
    const seeded = await seed(big, USERS);
    const users = seeded.users;
    const server = await serve(big, 'off');
    servers.push(server.child);
    const serverPid = server.child.pid;
    log(`roster serve at ${server.url} (pid ${serverPid}), ${thousands(users.length)} users to export`);
    const taken = new Set();

    // --- 2. plan time ---
    const planUsers = pickUsers(users, CHANGES, taken);
    const planChanged = new Map(planUsers.map((u) => [u.login, `${u.lastname}-plan`]));
    const planCsv = path.join(tmp, 'hr-plan.csv');
    writeExport(planCsv, users, planChanged);
    const plan = { roster: [], bare: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? ['bare', 'roster'] : ['roster', 'bare'];
      for (const side of order) {
        if (side === 'bare') {
          const r = await bare(tmp, `plan-bare-${round}`, { mode: 'read', url: server.url, key: seeded.key }, serverPid);
          check(r.statuses['200'] === r.pages, `plan, bare round ${round}: statuses ${JSON.stringify(r.statuses)}`);
          plan.bare.push(r);
          log(`plan, bare, round ${round}: ${s(r.wallMs)} s, ${r.pages} pages, ${thousands(r.users)} users`);
        } else {
          const r = await rosterSync(
            tmp,
            `plan-roster-${round}`,
            server.url,
            seeded.key,
            ['--input', planCsv, '--dry-run', '--rate', '0'],
            serverPid,
          );
          const serverCpu = cpuIn(r.samples, 2, r.startedAt, r.endedAt);
          const a = analyse(r.journal);
          const rep = r.report;
          check(r.code === 0, `plan, roster round ${round}: exit ${r.code}: ${r.stderr.slice(0, 500)}`);
          check(
            rep?.updated === CHANGES && rep.created + rep.deactivated + rep.reactivated + rep.failed === 0,
            `plan, roster round ${round}: planned ${JSON.stringify(rep && { updated: rep.updated, created: rep.created, deactivated: rep.deactivated, reactivated: rep.reactivated, failed: rep.failed })}, ${CHANGES} updates expected`,
          );
          const pageUrl = r.journal.find((l) => kindOf(l) === 'page')?.url ?? '';
          check(
            new URL(pageUrl).searchParams.get('fields') === FIELDS,
            `plan: roster sync's fields= (${new URL(pageUrl).searchParams.get('fields')}) differs from the bare client's ${FIELDS}`,
          );
          const pages = a.kinds.page;
          const result = {
            wallMs: r.wallMs,
            pages: pages.n,
            statuses: pages.statuses,
            startupMs: pages.start - r.startedAt,
            readMs: pages.end - pages.start,
            afterMs: r.endedAt - pages.end,
            cpuMs: r.cpuMs,
            maxRssKb: r.maxRssKb,
            serverCpuMs: serverCpu,
            planned: rep && { updated: rep.updated, unchanged: rep.unchanged, skipped: rep.skipped },
            phases: phasesOf(r, a),
          };
          plan.roster.push(result);
          log(
            `plan, roster sync, round ${round}: ${s(r.wallMs)} s (start-up ${s(result.startupMs)}, reading ${s(result.readMs)}, ` +
              `planning and exit ${s(result.afterMs)}), ${pages.n} pages, ${rep?.updated} updates planned`,
          );
        }
      }
    }

    // --- 3. apply, rate limit off ---
    const bareUsers = pickUsers(users, WRITES, taken);
    const bareChanged = new Map(bareUsers.map((u) => [u.login, `${u.lastname}-bare`]));
    const itemsFile = path.join(tmp, 'bare-put-items.json');
    writeFileSync(itemsFile, JSON.stringify(bareUsers.map((u) => ({ id: u.id, body: { lastname: bareChanged.get(u.login) } }))));
    const barePut = await bare(
      tmp,
      'apply-bare-put',
      { mode: 'put', url: server.url, key: seeded.key, items: itemsFile },
      serverPid,
    );
    check(barePut.statuses['200'] === WRITES, `apply, bare PUTs: statuses ${JSON.stringify(barePut.statuses)}`);
    applyChanges(users, bareChanged);
    log(
      `apply, bare PUTs: ${WRITES} in ${s(barePut.apply.spanMs)} s, ${fixed((WRITES * 1000) / barePut.apply.spanMs, 0)} writes/s`,
    );

    const applyUsers = pickUsers(users, WRITES, taken);
    const applyChanged = new Map(applyUsers.map((u) => [u.login, `${u.lastname}-sync`]));
    const applyCsv = path.join(tmp, 'hr-apply.csv');
    writeExport(applyCsv, users, applyChanged);
    const applyRun = await rosterSync(
      tmp,
      'apply-roster',
      server.url,
      seeded.key,
      ['--input', applyCsv, '--rate', '0'],
      serverPid,
    );
    const applyServerCpu = cpuIn(applyRun.samples, 2, applyRun.startedAt, applyRun.endedAt);
    const applyA = analyse(applyRun.journal);
    const applyPhases = phasesOf(applyRun, applyA);
    check(applyRun.code === 0, `apply, roster sync: exit ${applyRun.code}: ${applyRun.stdout.slice(0, 500)}`);
    check(applyRun.report?.updated === WRITES, `apply, roster sync: updated ${applyRun.report?.updated}, ${WRITES} expected`);
    check(applyA.kinds.put?.n === WRITES, `apply, roster sync: ${applyA.kinds.put?.n} PUTs in the journal, ${WRITES} expected`);
    applyChanges(users, applyChanged);
    log(
      `apply, roster sync: ${applyA.writes} writes, ${fixed(applyA.writesPerSecond, 0)} writes/s, ` +
        `${fixed(applyA.applyRequestsPerSecond, 0)} req/s applying, ${fixed(applyA.validateRequestsPerSecond, 0)} req/s validating, ${s(applyRun.wallMs)} s in all`,
    );

    const flowUsers = pickUsers(users, WRITES, taken);
    const flowChanged = new Map(flowUsers.map((u) => [u.login, `${u.lastname}-flow`]));
    const flowFile = path.join(tmp, 'bare-flow-items.json');
    writeFileSync(
      flowFile,
      JSON.stringify(flowUsers.map((u) => ({ login: u.login, body: { lastname: flowChanged.get(u.login) } }))),
    );
    const bareFlow = await bare(
      tmp,
      'apply-bare-flow',
      { mode: 'flow', url: server.url, key: seeded.key, items: flowFile },
      serverPid,
    );
    check(
      bareFlow.statuses['200'] === 3 * WRITES && bareFlow.wrong === 0,
      `apply, bare flow: statuses ${JSON.stringify(bareFlow.statuses)}, ${bareFlow.wrong} read back wrong`,
    );
    applyChanges(users, flowChanged);
    log(
      `apply, bare flow: ${fixed((WRITES * 1000) / bareFlow.apply.spanMs, 0)} writes/s, ${fixed((2 * WRITES * 1000) / bareFlow.apply.spanMs, 0)} req/s applying, ` +
        `${fixed((WRITES * 1000) / bareFlow.validate.spanMs, 0)} req/s validating`,
    );
    const bigServerHwm = readFileSync(`/proc/${serverPid}/status`, 'utf8').match(/^VmHWM:\s+(\d+)/m)?.[1];
    await stop(server.child);

    // --- 4. rate limit on ---
    const small = await freshDatabase(tmp, 'limited');
    databases.push(small);
    log(`seeding ${thousands(LIMITED_USERS)} users into a second database for the rate-limited server...`);
    const limitedSeed = await seed(small, LIMITED_USERS);
    const limitedUsers = limitedSeed.users;
    const limited = await serve(small, `${LIMIT.rate}/${LIMIT.burst}`);
    servers.push(limited.child);
    const limitedTaken = new Set();
    const onUsers = pickUsers(limitedUsers, LIMITED_WRITES, limitedTaken);
    const onChanged = new Map(onUsers.map((u) => [u.login, `${u.lastname}-limited`]));
    const onCsv = path.join(tmp, 'hr-limited.csv');
    writeExport(onCsv, limitedUsers, onChanged);
    log(`rate limit on: roster sync --rate ${LIMIT.rate} --burst ${LIMIT.burst}, ${LIMITED_WRITES} changes...`);
    const onRun = await rosterSync(tmp, 'limited-roster', limited.url, limitedSeed.key, [
      '--input',
      onCsv,
      '--rate',
      String(LIMIT.rate),
      '--burst',
      String(LIMIT.burst),
    ]);
    const onA = analyse(onRun.journal);
    check(onRun.code === 0, `rate limit on: exit ${onRun.code}: ${onRun.stdout.slice(0, 500)}`);
    check(
      onRun.report?.updated === LIMITED_WRITES,
      `rate limit on: updated ${onRun.report?.updated}, ${LIMITED_WRITES} expected`,
    );
    applyChanges(limitedUsers, onChanged);
    log(
      `  ${onA.all.n} requests in ${s(onA.all.end - onA.all.start)} s: ${fixed(onA.requestsPerSecond, 1)} req/s (${thousands(onA.admitted)} admitted of the ${thousands(onA.allowed)} the limit admits), ` +
        `at most ${onA.mostInOneSecond} in 1 s, ${onRun.report?.requests.throttled} answered 429, ${onRun.report?.requests.retries} retries`,
    );

    await sleep(2000); // the server's bucket for the key refills
    const offUsers = pickUsers(limitedUsers, CONTRAST_WRITES, limitedTaken);
    const offChanged = new Map(offUsers.map((u) => [u.login, `${u.lastname}-unlimited`]));
    const offCsv = path.join(tmp, 'hr-contrast.csv');
    writeExport(offCsv, limitedUsers, offChanged);
    log(`contrast: roster sync --rate 0 against the same server, ${CONTRAST_WRITES} changes...`);
    const offRun = await rosterSync(tmp, 'contrast-roster', limited.url, limitedSeed.key, ['--input', offCsv, '--rate', '0']);
    const offA = analyse(offRun.journal);
    log(
      `  exit ${offRun.code} in ${s(offRun.wallMs)} s: ${offA.all.n} requests, ${fixed(offA.requestsPerSecond, 1)} req/s, ` +
        `${offRun.report?.requests.throttled} answered 429, ${offRun.report?.requests.retries} retries, ` +
        `updated ${offRun.report?.updated}, failed ${offRun.report?.failed}`,
    );
    // What the contrast wrote (all of it, unless it failed some: those are left out of the next export's changes).
    const offFailed = new Set((offRun.report?.failures ?? []).map((f) => f.key));
    applyChanges(limitedUsers, new Map([...offChanged].filter(([login]) => !offFailed.has(login))));
    check(offRun.report !== undefined, `contrast: no report (exit ${offRun.code}): ${offRun.stderr.slice(0, 500)}`);
    // The same client limit with a smaller burst than the server's: the server's bucket keeps
    // (server burst - client burst) requests of slack for arrival jitter.
    await sleep(2000);
    const marginUsers = pickUsers(limitedUsers, CONTRAST_WRITES, limitedTaken);
    const marginChanged = new Map(marginUsers.map((u) => [u.login, `${u.lastname}-margin`]));
    const marginCsv = path.join(tmp, 'hr-margin.csv');
    writeExport(marginCsv, limitedUsers, marginChanged);
    log(
      `margin: roster sync --rate ${LIMIT.rate} --burst ${MARGIN_BURST} against the same server, ${CONTRAST_WRITES} changes...`,
    );
    const marginRun = await rosterSync(tmp, 'margin-roster', limited.url, limitedSeed.key, [
      '--input',
      marginCsv,
      '--rate',
      String(LIMIT.rate),
      '--burst',
      String(MARGIN_BURST),
    ]);
    const marginA = analyse(marginRun.journal);
    check(marginRun.code === 0, `margin: exit ${marginRun.code}: ${marginRun.stdout.slice(0, 500)}`);
    check(
      marginRun.report?.updated === CONTRAST_WRITES,
      `margin: updated ${marginRun.report?.updated}, ${CONTRAST_WRITES} expected`,
    );
    log(
      `  ${marginA.all.n} requests, ${fixed(marginA.requestsPerSecond, 1)} req/s (${thousands(marginA.admitted)} admitted of ${thousands(marginA.allowed)}), ` +
        `${marginRun.report?.requests.throttled} answered 429`,
    );
    await stop(limited.child);

    const rebuilt = statSync(CLI).mtimeMs !== builtMs;

    // --- the report ---
    const m = machine();
    const mean = (list, f) => sum(list.map(f)) / list.length;
    const rPlan = {
      wallMs: mean(plan.roster, (r) => r.wallMs),
      startupMs: mean(plan.roster, (r) => r.startupMs),
      readMs: mean(plan.roster, (r) => r.readMs),
      afterMs: mean(plan.roster, (r) => r.afterMs),
      cpuMs: mean(plan.roster, (r) => r.cpuMs),
      serverCpuMs: mean(plan.roster, (r) => r.serverCpuMs),
      maxRssKb: Math.max(...plan.roster.map((r) => r.maxRssKb)),
      pages: plan.roster[0].pages,
    };
    const bPlan = {
      wallMs: mean(plan.bare, (r) => r.wallMs),
      spanMs: mean(plan.bare, (r) => r.spanMs),
      cpuMs: mean(plan.bare, (r) => r.cpuMs),
      serverCpuMs: mean(plan.bare, (r) => r.serverCpuMs),
      maxRssKb: Math.max(...plan.bare.map((r) => r.maxRssKb)),
      pages: plan.bare[0].pages,
    };
    const barePutRate = (WRITES * 1000) / barePut.apply.spanMs;
    const flowWriteRate = (WRITES * 1000) / bareFlow.apply.spanMs;
    const flowApplyReq = (2 * WRITES * 1000) / bareFlow.apply.spanMs;
    const flowValidateReq = (WRITES * 1000) / bareFlow.validate.spanMs;
    const verdict = (ok) => (ok ? 'met' : '**not met**');
    const meanPhase = (list) => ({
      wallMs: mean(list, (x) => x.wallMs),
      clientCpuMs: mean(list, (x) => x.clientCpuMs),
      serverCpuMs: mean(list, (x) => x.serverCpuMs),
    });
    const planMet =
      rPlan.wallMs / 1000 <= TARGET_PLAN_SECONDS && plan.roster.every((r) => r.wallMs / 1000 <= TARGET_PLAN_SECONDS);
    const onUsed = onA.admitted / onA.allowed;
    const report = [
      `# roster sync benchmark`,
      '',
      `- date: ${new Date().toISOString()}`,
      `- machine: ${m.cpus} CPUs (${m.model}), ${m.memory} RAM, ${m.os}, Node ${m.node}`,
      `- database: ${big.label}; ${thousands(USERS)} users seeded in ${fixed(seeded.seconds, 1)} s (the plan and unlimited apply), ` +
        `${thousands(LIMITED_USERS)} in a second database for the rate-limited server`,
      `- code: ${code}; dist/roster.mjs built ${new Date(builtMs).toISOString()}${rebuilt ? ' (**rebuilt during the run**)' : ''}`,
      `- 1-minute load average: ${fixed(loadBefore)} before the run, ${fixed(os.loadavg()[0])} after it`,
      `- client, server and bare client on the same ${m.cpus} CPUs; --concurrency ${CONCURRENCY} for roster sync and the bare client alike`,
      '',
      `## Plan: ${thousands(users.length)}-row export against ${thousands(users.length + 1)} users (${CHANGES} updates), dry run, --rate 0`,
      '',
      '| round | roster sync s | start-up s | reading s | planning + exit s | bare read s | roster / bare |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...plan.roster.map(
        (r, i) =>
          `| ${i + 1} | ${s(r.wallMs)} | ${s(r.startupMs)} | ${s(r.readMs)} | ${s(r.afterMs)} | ${s(plan.bare[i].wallMs)} | ${fixed(r.wallMs / plan.bare[i].wallMs)}× |`,
      ),
      `| mean | ${s(rPlan.wallMs)} | ${s(rPlan.startupMs)} | ${s(rPlan.readMs)} | ${s(rPlan.afterMs)} | ${s(bPlan.wallMs)} | ${fixed(rPlan.wallMs / bPlan.wallMs)}× |`,
      '',
      `- pages: roster sync ${rPlan.pages}, bare ${bPlan.pages}; reading alone: roster ${s(rPlan.readMs)} s against bare ${s(bPlan.spanMs)} s (${fixed(rPlan.readMs / bPlan.spanMs)}×)`,
      `- CPU per run: roster sync ${s(rPlan.cpuMs)} s (peak RSS ${mb(rPlan.maxRssKb * 1024)} MB), bare ${s(bPlan.cpuMs)} s (${mb(bPlan.maxRssKb * 1024)} MB); ` +
        `the server ${s(rPlan.serverCpuMs)} s during roster sync, ${s(bPlan.serverCpuMs)} s during bare`,
      '',
      `## Apply, rate limit off (--rate 0), ${thousands(WRITES)} updates each`,
      '',
      '| | roster sync | bare: PUTs only | roster / bare | bare: seeds\u2019 flow | roster / bare |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      `| writes/s | ${fixed(applyA.writesPerSecond, 0)} | ${fixed(barePutRate, 0)} | ${fixed(applyA.writesPerSecond / barePutRate)}× | ${fixed(flowWriteRate, 0)} | ${fixed(applyA.writesPerSecond / flowWriteRate)}× |`,
      `| requests/s applying (GET by login + PUT) | ${fixed(applyA.applyRequestsPerSecond, 0)} | | | ${fixed(flowApplyReq, 0)} | ${fixed(applyA.applyRequestsPerSecond / flowApplyReq)}× |`,
      `| requests/s validating (GET by id) | ${fixed(applyA.validateRequestsPerSecond, 0)} | | | ${fixed(flowValidateReq, 0)} | ${fixed(applyA.validateRequestsPerSecond / flowValidateReq)}× |`,
      '',
      `- roster sync in all: ${s(applyRun.wallMs)} s, ${applyRun.report?.requests.total} requests (${applyA.kinds.page?.n} pages, ${applyA.kinds.find?.n} finds, ` +
        `${applyA.kinds.put?.n} PUTs, ${applyA.kinds.show?.n} read-backs), ${applyRun.report?.requests.retries} retries; CPU ${s(applyRun.cpuMs)} s, ` +
        `peak RSS ${mb(applyRun.maxRssKb * 1024)} MB; server CPU ${s(applyServerCpu)} s`,
      `- bare: PUTs ${s(barePut.apply.spanMs)} s (server CPU ${s(barePut.serverCpuMs)} s); seeds\u2019 flow ${s(bareFlow.apply.spanMs)} s applying, ` +
        `${s(bareFlow.validate.spanMs)} s validating (server CPU ${s(bareFlow.serverCpuMs)} s)`,
      '',
      '### Where the time goes: wall, client CPU and server CPU per phase (s; CPU sampled from /proc every 100 ms)',
      '',
      '| phase | roster sync: wall | client CPU | server CPU | bare: wall | client CPU | server CPU |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...[
        [
          `plan: reading ${rPlan.pages} pages (mean of ${ROUNDS})`,
          meanPhase(plan.roster.map((r) => r.phases.reading)),
          meanPhase(plan.bare.map((r) => r.read)),
        ],
        [`apply run: reading ${applyA.kinds.page?.n} pages`, applyPhases.reading, undefined],
        [`applying ${thousands(WRITES)}: GET by login + PUT (bare: seeds\u2019 flow)`, applyPhases.applying, bareFlow.apply],
        [`validating ${thousands(WRITES)}: GET by id (bare: seeds\u2019 flow)`, applyPhases.validating, bareFlow.validate],
        [`bare PUTs only, ${thousands(WRITES)}`, undefined, barePut.apply],
      ].map(([name, r, b]) => {
        const cells = (x) => (x ? [s(x.wallMs), s(x.clientCpuMs), s(x.serverCpuMs)] : ['', '', '']);
        return `| ${name} | ${[...cells(r), ...cells(b)].join(' | ')} |`;
      }),
      '',
      `## Rate limit on: the server at ${LIMIT.rate}/${LIMIT.burst} (Coupa's), ${thousands(LIMITED_USERS)} users`,
      '',
      '| run | changes | exit | requests | s | requests/s | admitted / what the limit admits | most in 1 s | 429s | retries | updated | failed |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...[
        [`--rate ${LIMIT.rate} --burst ${LIMIT.burst} (defaults)`, LIMITED_WRITES, onRun, onA],
        ['--rate 0 (contrast)', CONTRAST_WRITES, offRun, offA],
        [`--rate ${LIMIT.rate} --burst ${MARGIN_BURST} (a margin)`, CONTRAST_WRITES, marginRun, marginA],
      ].map(
        ([name, n, r, a]) =>
          `| ${name} | ${n} | ${r.code} | ${a.all.n} | ${s(a.all.end - a.all.start)} | ${fixed(a.requestsPerSecond, 1)} | ${thousands(a.admitted)} / ${thousands(a.allowed)} = ${fixed(a.admitted / a.allowed)} | ` +
          `${a.mostInOneSecond} | ${r.report?.requests.throttled} | ${r.report?.requests.retries} | ${r.report?.updated} | ${r.report?.failed} |`,
      ),
      '',
      `- requests/s: every attempt (429s too) over the span from the first one's start to the last one's end; admitted: attempts not answered 429, ` +
        `against ${LIMIT.burst} + ${LIMIT.rate} × the span, the most the limit lets through in that time; most in 1 s: attempts started in any 1 s window ` +
        `(the limit admits ${LIMIT.burst + LIMIT.rate} in the first second, ${LIMIT.rate} in any later one)`,
      ...[
        ['--rate 25', onA],
        ['--rate 0', offA],
        [`--burst ${MARGIN_BURST}`, marginA],
      ].map(([name, a]) =>
        a.throttled === 0
          ? `- ${name}: no 429s`
          : `- ${name}: 429s at most ${a.mostThrottledInOneSecond} in any 1 s; each came a median ${fixed(a.medianGapBefore429Ms, 0)} ms after the attempt before it ` +
            `(the limit's spacing is ${1000 / LIMIT.rate} ms); the client was paused (Retry-After) for ${s(a.pausedMs)} s of ${s(a.all.end - a.all.start)} s`,
      ),
      '',
      '| target | measured | verdict |',
      '| --- | --- | --- |',
      `| plan of ${thousands(users.length)} rows against ${thousands(users.length + 1)} users ≤ ${TARGET_PLAN_SECONDS} s | ${plan.roster.map((r) => s(r.wallMs)).join(', ')} s | ${verdict(planMet)} |`,
      `| rate limit on: at the limit | ${fixed(onA.requestsPerSecond, 1)} req/s; admitted ${fixed(onUsed)} of what ${LIMIT.rate}/${LIMIT.burst} admits over the run | ${verdict(onUsed >= 0.9)} |`,
      `| rate limit on: no 429 storms | ${onRun.report?.requests.throttled} answered 429 of ${onA.all.n}, at most ${onA.mostThrottledInOneSecond} in any 1 s | ${
        onA.throttled === 0
          ? 'met'
          : onA.mostThrottledInOneSecond > CONCURRENCY
            ? '**not met**: a storm'
            : 'no storm, but **not zero**'
      } |`,
      '',
      problems.length > 0
        ? `Problems:\n\n${problems.map((p) => `- ${p}`).join('\n')}\n`
        : 'Every run planned, wrote and read back what was expected.',
      '',
      `Total run time ${fixed((performance.now() - started) / 1000, 0)} s.`,
      '',
    ].join('\n');
    process.stdout.write(report);
    mkdirSync(RESULTS, { recursive: true });
    const base = path.join(RESULTS, DATABASE_URL ? 'sync-postgres' : 'sync');
    writeFileSync(`${base}.md`, report);
    writeFileSync(
      `${base}.json`,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: m,
          code,
          database: big.kind,
          settings: {
            users: USERS,
            changes: CHANGES,
            writes: WRITES,
            limitedUsers: LIMITED_USERS,
            limitedWrites: LIMITED_WRITES,
            contrastWrites: CONTRAST_WRITES,
            rounds: ROUNDS,
            concurrency: CONCURRENCY,
          },
          seedSeconds: seeded.seconds,
          loadAverage: { before: loadBefore, after: os.loadavg()[0] },
          plan,
          apply: {
            roster: {
              wallMs: applyRun.wallMs,
              ...applyA,
              phases: applyPhases,
              report: applyRun.report,
              cpuMs: applyRun.cpuMs,
              serverCpuMs: applyServerCpu,
            },
            barePut,
            bareFlow,
          },
          limited: {
            on: { wallMs: onRun.wallMs, exit: onRun.code, ...onA, report: onRun.report },
            contrast: { wallMs: offRun.wallMs, exit: offRun.code, ...offA, report: offRun.report },
            margin: { burst: MARGIN_BURST, wallMs: marginRun.wallMs, exit: marginRun.code, ...marginA, report: marginRun.report },
          },
          bigServerHwmKb: Number(bigServerHwm),
          problems,
          serverLog: [...server.logged, ...limited.logged].join(''),
        },
        null,
        2,
      )}\n`,
    );
    log(`written to ${path.relative(ROOT, base)}.md and .json`);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    for (const c of servers) await stop(c);
    if (args.keep) log(`kept ${tmp}`);
    else {
      rmSync(tmp, { recursive: true, force: true });
      for (const db of databases) await db.drop();
    }
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
