// `npm run bench:cso` (and the end of `npm run bench`): the CSO User API under load, each
// scenario next to a bare Fastify baseline measured in the same run.
//
//   node bench/cso.mjs [--users N] [--companies M] [--bulk-seconds S] [--duration S] [--rounds R] [--connections C]
//                      [--warmup S] [--database-url postgres://...] [--analyze] [--only REGEXP] [--cpu-prof DIR] [--keep]
//
// Environment twins: BENCH_USERS (20,000 seeded CSO users), BENCH_COMPANIES (100 CSO companies),
// BENCH_BULK_SECONDS (10, per side of a bulk-create row), BENCH_DURATION (12, per side of a read
// row), BENCH_ROUNDS (3: a read row's bare and Roster sides alternate in this many slices),
// BENCH_CONNECTIONS (32), BENCH_WARMUP (2), BENCH_DATABASE_URL, BENCH_ANALYZE, BENCH_ONLY, BENCH_CPU_PROF.
//
// 1. Seeds a fresh database (`roster seed --cso-companies M --cso-users N`: a temp dir for
//    SQLite; on PostgreSQL a schema of its own, `roster_bench_cso_<hex>`, dropped at the end) and
//    starts `roster serve --cso-port 0 --port 0 --sftp-port off --rate-limit off --log-level warn
//    --cso-api-key <random>` and the bare server (bench/bare-server.mjs), each a child process.
// 2. show: autocannon `GET /api/users/:id` over ids sampled from the seeded users, against the
//    bare server sending the bytes of a real show captured first.
// 3. page of 250: autocannon `GET /api/users?limit=250&offset=<random>`, against the bare server
//    sending a real page's bytes.
// 4. bulk create: `POST /api/users` with 250 new users a request (unique names, realistic values,
//    a seeded company), back to back for S seconds from 1 and then 4 concurrent clients; every
//    answer must be 201 with `added: 250`, and the users total must add up afterwards. The bare
//    server's POST parses the same JSON body and answers a same-shaped body of 250 ids.
//    (The reads run first, so they see the seeded table as it was seeded.)
// 5. Samples the server's VmRSS every 100 ms (and VmHWM at the end).
// 6. Prints a Markdown table; writes it and the figures as JSON to bench/results/cso[-postgres].{md,json}.
//
// `--analyze` (BENCH_ANALYZE=1) runs ANALYZE on the CSO tables after seeding, as `roster seed
// --users` does for users; without it the run measures the tables as `roster seed --cso-*` leaves them.
// `--only bulk` (a regexp over the rows' names: `show`, `page`, `bulk`) runs some rows; `--cpu-prof
// DIR` starts the server under `node --cpu-prof` (200 µs) and leaves its profile in DIR at the end.
// It runs the built server (dist/), so build first (`npm run bench:cso` does).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  autocannonSlice,
  startChild,
  count,
  fixed,
  freshSchema,
  log,
  machine,
  mb,
  memory,
  percentile,
  pick,
  randomInt,
  run,
  stop,
  withPeakRss,
} from './common.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/roster.mjs');
const BARE = path.join(ROOT, 'bench/bare-server.mjs');
const RESULTS = path.join(ROOT, 'bench/results');

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: process.env.BENCH_USERS ?? '20000' },
    companies: { type: 'string', default: process.env.BENCH_COMPANIES ?? '100' },
    'bulk-seconds': { type: 'string', default: process.env.BENCH_BULK_SECONDS ?? '10' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '12' },
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '3' },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '32' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '2' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL },
    only: { type: 'string', default: process.env.BENCH_ONLY },
    'cpu-prof': { type: 'string', default: process.env.BENCH_CPU_PROF },
    analyze: { type: 'boolean', default: process.env.BENCH_ANALYZE === '1' },
    keep: { type: 'boolean', default: false },
  },
});

const USERS = count('users', args.users);
const COMPANIES = count('companies', args.companies);
const BULK_SECONDS = count('bulk-seconds', args['bulk-seconds']);
const DURATION = count('duration', args.duration);
const ROUNDS = count('rounds', args.rounds);
/** Seconds of one read slice: a side's DURATION split over ROUNDS, bare and Roster alternating. */
const SLICE = Math.max(1, Math.round(DURATION / ROUNDS));
const CONNECTIONS = count('connections', args.connections);
const WARMUP = Number(args.warmup);
const DATABASE_URL = args['database-url'];
const ONLY = args.only === undefined ? undefined : new RegExp(args.only);
const CPU_PROF = args['cpu-prof'] === undefined ? undefined : path.resolve(args['cpu-prof']);
const CSO_KEY = `bench-cso-${randomBytes(12).toString('hex')}`;
const CORE_KEY = `bench-${randomBytes(12).toString('hex')}`;
/** Users in each bulk-create request, and in a page: CSO's most a page holds. */
const BATCH = 250;
/** Bulk requests sent before each bulk row is timed (JIT, caches, the first pages of the indexes). */
const BULK_WARMUP_REQUESTS = 4;
/** The issue's targets. */
const TARGET_BULK_SQLITE = 10_000;
const TARGET_SHOW = 0.5;

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (\`npm run bench:cso\` does)`);

const wanted = (name) => !ONLY || ONLY.test(name);

const load = (url, pathOf, seconds, headers) => autocannonSlice(url, pathOf, seconds, headers, CONNECTIONS);

/** Several `load` slices of one side as one: rates over their summed time, percentiles over every latency. */
function merge(slices) {
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const requests = slices.reduce((n, s) => n + s.requests, 0);
  const statuses = {};
  for (const s of slices) for (const [k, v] of Object.entries(s.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  return {
    rate: requests / slices.reduce((n, s) => n + s.seconds, 0),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    requests,
    non2xx: slices.reduce((n, s) => n + s.non2xx, 0),
    statuses,
    errors: slices.reduce((n, s) => n + s.errors, 0),
    bytes: requests > 0 ? slices.reduce((n, s) => n + s.bytesTotal, 0) / requests : 0,
    peakRss: Math.max(...slices.map((s) => s.peakRss)),
    rounds: slices.map((s) => s.rate),
  };
}

/** Waits until the server has finished the requests autocannon left behind: /health answers fast. */
async function drain(url) {
  const until = performance.now() + 120_000;
  while (performance.now() < until) {
    const t = performance.now();
    await globalThis.fetch(`${url}/health`);
    if (performance.now() - t < 20) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Realistic values for the bulk creates, as the seeder's own (src/domain/seed/cso-seeder.ts).
const FIRST = ['Anna', 'Bram', 'Chen', 'Daan', 'Elif', 'Fatima', 'Giulia', 'Hiroshi', 'Ingrid', 'Jonas', 'Kwame', 'Lucía'];
const LAST = ['de Vries', 'Jansen', 'Müller', 'Rossi', 'Tanaka', 'Okafor', 'Lindqvist', 'García', 'Novak', 'Kaya', 'Smith'];
const PLACES = [
  ['Rotterdam', 'Netherlands', '3011'],
  ['Hamburg', 'Germany', '20095'],
  ['Lyon', 'France', '69001'],
  ['Milan', 'Italy', '20121'],
  ['Gothenburg', 'Sweden', '41103'],
  ['Austin', 'United States', '78701'],
  ['Osaka', 'Japan', '530-0001'],
];
const slug = (s) =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
/** Stands where a request's unique tag goes in a template; replaced per request. */
const TAG = '~TAG~';

/**
 * Sixteen request bodies of BATCH users, each a JSON string with TAG in every name and e-mail;
 * `next()` gives the next body with TAG replaced by a tag no earlier request had.
 */
function bulkBodies(companyIds, runId) {
  const phone = () => `+31${randomInt(100_000_000, 999_999_999)}`;
  const templates = Array.from({ length: 16 }, () => {
    const users = Array.from({ length: BATCH }, (_, i) => {
      const first = pick(FIRST);
      const last = pick(LAST);
      const [city, country, zip] = pick(PLACES);
      return {
        state: Math.random() < 0.9 ? 'Active' : 'Blocked',
        name: `${slug(first).slice(0, 5)}${slug(last).slice(0, 3)}${TAG}n${i}`,
        'first-name': first,
        'last-name': last,
        'phone-number': phone(),
        ...(Math.random() < 0.6 ? { 'mobile-number': phone() } : {}),
        email: `${slug(first)}.${slug(last)}.${TAG}n${i}@example.com`,
        'company-id': pick(companyIds),
        street: `${last}straat ${randomInt(1, 200)}`,
        'zip-code': zip,
        city,
        country,
        'accepts-agreement': Math.random() < 0.7,
        'provide-information': Math.random() < 0.3,
        'change-password': false,
      };
    });
    return JSON.stringify({ users });
  });
  let sent = 0;
  return {
    next: () => {
      const n = sent++;
      return templates[n % templates.length].replaceAll(TAG, `${runId}r${n}`);
    },
    get sent() {
      return sent;
    },
  };
}

/**
 * Bulk creates from `clients` concurrent clients, back to back, for `seconds`: users/s over the
 * wall time (the last requests finish after the deadline and count), request latencies, and
 * every answer that is not a 201 with `added: BATCH` and BATCH ids.
 */
async function bulkRow(url, bodies, clients, seconds, headers) {
  const times = [];
  const problems = [];
  let added = 0;
  let requests = 0;
  const post = async () => {
    const body = bodies.next();
    const t = performance.now();
    const res = await globalThis.fetch(`${url}/api/users`, { method: 'POST', headers, body });
    const text = await res.text();
    times.push(performance.now() - t);
    requests++;
    let answer;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = undefined;
    }
    const ok = res.status === 201 && answer?.added === BATCH && answer.users?.length === BATCH;
    if (ok) added += BATCH;
    else {
      if (typeof answer?.added === 'number') added += answer.added;
      problems.push(`${res.status} ${text.slice(0, 300)}`);
    }
  };
  for (let i = 0; i < BULK_WARMUP_REQUESTS; i++) await post();
  const warmupAdded = added;
  times.length = 0;
  requests = 0;
  added = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) await post();
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  return {
    rate: added / wall,
    requestRate: requests / wall,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.at(-1) ?? NaN,
    requests,
    added,
    warmupAdded,
    wall,
    problems,
  };
}

/** ANALYZE on the CSO tables: fresh planner statistics, whatever the seeder left. */
async function analyze(target, dir) {
  const statement = 'analyze cso_users; analyze cso_companies';
  if (target.kind === 'postgres') {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await client.query(statement);
    await client.end();
  } else {
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(path.join(dir, 'roster.sqlite'));
    db.exec(statement);
    db.close();
  }
  log('analyzed cso_users and cso_companies');
}

/** Which code was measured: the commit, and how many files under src/ differ from it. */
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

const thousands = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');

async function main() {
  const started = performance.now();
  // What is measured is the build in dist/ as it is now; a rebuild during the run is reported.
  const code = codeVersion();
  const builtMs = statSync(CLI).mtimeMs;
  const built = new Date(builtMs);
  const loadBefore = os.loadavg()[0];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-cso-'));
  let pgTarget;
  const target = DATABASE_URL
    ? { kind: 'postgres', ...(pgTarget = await freshSchema(DATABASE_URL, 'roster_bench_cso')) }
    : { kind: 'sqlite', label: 'SQLite (temp dir)' };
  const dataArgs = target.kind === 'sqlite' ? ['--data', tmp] : ['--database-url', target.url];
  const children = [];
  let stopSampler = () => 0;
  try {
    log(`seeding ${COMPANIES} CSO companies and ${USERS.toLocaleString('en-US')} CSO users into ${target.label}...`);
    const seedStart = performance.now();
    const seedOut = await run(process.execPath, [
      CLI,
      'seed',
      '--cso-companies',
      String(COMPANIES),
      '--cso-users',
      String(USERS),
      ...dataArgs,
    ]);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    log(seedOut.trim());
    if (args.analyze) await analyze(target, tmp);

    if (CPU_PROF) mkdirSync(CPU_PROF, { recursive: true });
    const real = await startChild(
      [
        CLI,
        'serve',
        ...dataArgs,
        '--port',
        '0',
        '--cso-port',
        '0',
        '--sftp-port',
        'off',
        '--rate-limit',
        'off',
        '--log-level',
        'warn',
        '--api-key',
        CORE_KEY,
        '--cso-api-key',
        CSO_KEY,
      ],
      /at (http:\/\/[\d.:]+)[\s\S]*CSO API: (http:\/\/[\d.:]+)/,
      {},
      CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF, '--cpu-prof-interval', '200'] : [],
    );
    children.push(real.child);
    const mainUrl = real.match[1];
    const csoUrl = real.match[2];
    const pid = real.child.pid;
    // The whole run's peak, sampled as withPeakRss does, beside VmHWM at the end.
    let runPeak = memory(pid, 'VmRSS');
    const sampler = setInterval(() => (runPeak = Math.max(runPeak, memory(pid, 'VmRSS'))), 100);
    stopSampler = () => {
      clearInterval(sampler);
      return Math.max(runPeak, memory(pid, 'VmRSS'));
    };
    log(`roster serve: CSO API at ${csoUrl} (pid ${pid})`);

    const readHeaders = { 'x-cso-api-key': CSO_KEY, accept: 'application/json' };
    const writeHeaders = { ...readHeaders, 'content-type': 'application/json' };
    const get = async (p) => {
      const res = await globalThis.fetch(`${csoUrl}${p}`, { headers: readHeaders });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${body.slice(0, 300)}`);
      return { body, type: res.headers.get('content-type') ?? 'application/json; charset=utf-8' };
    };
    const totalUsers = async () => JSON.parse((await get('/api/users?limit=1')).body).total;

    const seeded = await totalUsers();
    if (seeded !== USERS) throw new Error(`the server counts ${seeded} CSO users, ${USERS} were seeded`);
    const companyIds = JSON.parse((await get(`/api/companies?limit=${BATCH}`)).body).companies.map((c) => c.id);
    // Ids to show: 20 random pages' worth of the seeded users, as the server lists them.
    const maxOffset = Math.max(0, seeded - BATCH);
    const ids = [];
    for (let i = 0; i < 20; i++) {
      const page = JSON.parse((await get(`/api/users?limit=${BATCH}&offset=${randomInt(0, maxOffset)}`)).body);
      for (const u of page.users) ids.push(u.id);
    }
    // The baselines send bodies Roster sent: one user (from the middle), one page of 250.
    const shown = await get(`/api/users/${ids[Math.floor(ids.length / 2)]}`);
    const paged = await get(`/api/users?limit=${BATCH}&offset=${Math.floor(maxOffset / 2)}`);
    const routes = {};
    for (const [route, { body, type }] of Object.entries({ '/user': shown, '/page': paged })) {
      const file = path.join(tmp, `bare${route.replaceAll('/', '-')}`);
      writeFileSync(file, body);
      routes[route] = { type, file };
    }
    const routesFile = path.join(tmp, 'bare-routes.json');
    writeFileSync(routesFile, JSON.stringify(routes));
    const bare = await startChild([BARE], /at (http:\/\/[\d.:]+)/, {
      BARE_BODIES: routesFile,
      BARE_CSO_BULK: '/api/users',
      PORT: '0',
    });
    children.push(bare.child);
    const bareUrl = bare.match[1];

    const rows = [];
    const readRow = async (name, realPath, barePath) => {
      if (!wanted(name)) return;
      const sides = [
        ['bare', bareUrl, () => barePath, bare.child],
        ['roster', csoUrl, realPath, real.child],
      ];
      const slices = { bare: [], roster: [] };
      for (const [, url, pathOf] of sides) if (WARMUP > 0) await load(url, pathOf, WARMUP, readHeaders);
      await drain(mainUrl);
      // Bare and Roster alternate in short slices, so both see the same load from the rest of the machine.
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [side, url, pathOf, child] of sides) {
          log(`${name}, ${side}, round ${round}/${ROUNDS}: ${SLICE} s at ${CONNECTIONS} connections...`);
          const r = await withPeakRss(child.pid, () => load(url, pathOf, SLICE, readHeaders));
          slices[side].push(r);
          await drain(mainUrl);
          log(
            `  ${fixed(r.rate, 0)} req/s, p50 ${fixed(r.p50)} ms, p99 ${fixed(r.p99)} ms, ${fixed(r.bytes / 1024, 1)} KiB/resp`,
          );
        }
      }
      rows.push({ name, unit: 'req/s', bare: merge(slices.bare), roster: merge(slices.roster) });
    };
    await readRow('show: GET /api/users/:id', () => `/api/users/${pick(ids)}`, '/user');
    await readRow(
      `page: GET /api/users?limit=${BATCH}&offset=<random>`,
      () => `/api/users?limit=${BATCH}&offset=${randomInt(0, maxOffset)}`,
      '/page',
    );

    const runId = randomBytes(3).toString('hex');
    const bodies = bulkBodies(companyIds, runId);
    let rosterAdded = 0;
    for (const clients of [1, 4]) {
      const name = `bulk create: POST /api/users, ${BATCH} users a request, ${clients} client${clients > 1 ? 's' : ''}`;
      if (!wanted(name)) continue;
      const out = { name, unit: 'users/s' };
      for (const [side, url, child] of [
        ['bare', bareUrl, bare.child],
        ['roster', csoUrl, real.child],
      ]) {
        log(`${name}, ${side}: ${BULK_SECONDS} s...`);
        const r = await withPeakRss(child.pid, () => bulkRow(url, bodies, clients, BULK_SECONDS, writeHeaders));
        out[side] = r;
        if (side === 'roster') rosterAdded += r.added + r.warmupAdded;
        log(
          `  ${fixed(r.rate, 0)} users/s (${r.requests} requests in ${fixed(r.wall, 1)} s), p50 ${fixed(r.p50)} ms, p99 ${fixed(r.p99)} ms` +
            (r.problems.length > 0 ? `, ${r.problems.length} bad answers, first: ${r.problems[0]}` : ''),
        );
        await drain(mainUrl);
      }
      rows.push(out);
    }
    const after = await totalUsers();
    const countCheck = { seeded, added: rosterAdded, expected: seeded + rosterAdded, counted: after };
    log(`users total: ${after} (seeded ${seeded} + added ${rosterAdded} = ${seeded + rosterAdded})`);

    const rebuilt = statSync(CLI).mtimeMs !== builtMs;
    if (rebuilt) log('warning: dist/roster.mjs was rebuilt during the run; the figures may mix two builds');
    const serverHwm = memory(pid, 'VmHWM');
    const serverPeak = stopSampler();
    const bareHwm = memory(bare.child.pid, 'VmHWM');
    for (const child of children.splice(0)) await stop(child);

    // --- the report ---
    const m = machine();
    const problemsOf = (r) => {
      if (!r) return '';
      const bad = r.problems ? r.problems.length : r.non2xx + r.errors;
      return bad > 0 ? ` **${bad} bad**` : '';
    };
    const table = rows.map((row) => {
      const { roster: r, bare: b } = row;
      const kib = row.unit === 'req/s' ? fixed(r.bytes / 1024, 1) : '';
      return (
        `| ${row.name} | ${thousands(r.rate)} ${row.unit}${problemsOf(r)} | ${fixed(r.p50)} | ${fixed(r.p99)} | ` +
        `${thousands(b.rate)} ${row.unit}${problemsOf(b)} | ${fixed(b.p50)} | ${fixed(b.p99)} | ${fixed(r.rate / b.rate)}× | ${kib} | ${mb(r.peakRss)} |`
      );
    });
    const byName = (prefix) => rows.find((r) => r.name.startsWith(prefix));
    const show = byName('show');
    const bulks = rows.filter((r) => r.name.startsWith('bulk'));
    const bestBulk = bulks.reduce((a, b) => (a && a.roster.rate >= b.roster.rate ? a : b), undefined);
    const verdict = (ok) => (ok ? 'met' : '**not met**');
    const targets = [
      ...(bestBulk
        ? [
            `| bulk create >= ${thousands(TARGET_BULK_SQLITE)} users/s (on SQLite; the best of 1 and 4 clients) | ${thousands(bestBulk.roster.rate)} users/s (${fixed(bestBulk.roster.rate / TARGET_BULK_SQLITE)}× the target) | ${target.kind === 'sqlite' ? verdict(bestBulk.roster.rate >= TARGET_BULK_SQLITE) : 'reported (the target is SQLite\u2019s)'} |`,
          ]
        : []),
      ...(show
        ? [
            `| show >= ${TARGET_SHOW}× bare req/s | ${fixed(show.roster.rate / show.bare.rate)}× | ${verdict(show.roster.rate / show.bare.rate >= TARGET_SHOW)} |`,
          ]
        : []),
      `| users total after the bulk creates = seeded + added | ${countCheck.counted} = ${countCheck.seeded} + ${countCheck.added}? | ${countCheck.counted === countCheck.expected ? 'yes' : '**no**'} |`,
    ];
    const allProblems = rows.flatMap((row) =>
      ['roster', 'bare'].flatMap((side) => {
        const r = row[side];
        if (r.problems) return r.problems.slice(0, 3).map((p) => `${row.name} (${side}): ${p}`);
        const bad = Object.entries(r.statuses).filter(([s]) => !(Number(s) >= 200 && Number(s) < 300));
        return bad.length > 0 || r.errors > 0
          ? [`${row.name} (${side}): statuses ${JSON.stringify(r.statuses)}, ${r.errors} errors or timeouts`]
          : [];
      }),
    );
    const serverLog = real.logged.join('').trim();
    const report = [
      `# Roster CSO API benchmark`,
      '',
      `- date: ${new Date().toISOString()}`,
      `- machine: ${m.cpus} CPUs (${m.model}), ${m.memory} RAM, ${m.os}, Node ${m.node}`,
      `- database: ${target.label}, ${COMPANIES} CSO companies and ${USERS.toLocaleString('en-US')} CSO users seeded in ${fixed(seedSeconds, 1)} s` +
        (args.analyze ? ', then ANALYZE (--analyze)' : ''),
      `- code: ${code}; dist/roster.mjs built ${built.toISOString()}${rebuilt ? ' (**rebuilt during the run**)' : ''}`,
      `- 1-minute load average: ${fixed(loadBefore)} before the run, ${fixed(os.loadavg()[0])} after it`,
      `- reads: autocannon in the runner process, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SLICE} s a side (bare and Roster alternating) after ${WARMUP} s warm-up, on the seeded table; ` +
        `bare bodies: a show of ${shown.body.length} bytes, a page of ${paged.body.length} bytes`,
      `- bulk creates: fetch from the runner, ${BULK_SECONDS} s a side after ${BULK_WARMUP_REQUESTS} warm-up requests, ${BATCH} users a request, run after the reads`,
      `- server peak RSS over the run: ${mb(serverPeak)} MB sampled, ${mb(serverHwm)} MB VmHWM (bare ${mb(bareHwm)} MB VmHWM)`,
      '',
      '| scenario | Roster | p50 ms | p99 ms | bare Fastify | p50 ms | p99 ms | Roster / bare | KiB/resp | Roster peak RSS MB |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...table,
      '',
      ...rows
        .filter((row) => row.roster.rounds)
        .map(
          (row) =>
            `- ${row.name}, Roster / bare round by round: ${row.roster.rounds.map((r, i) => fixed(r / row.bare.rounds[i])).join(', ')}`,
        ),
      '',
      '| target | measured | verdict |',
      '| --- | --- | --- |',
      ...targets,
      '',
      allProblems.length > 0
        ? `Bad answers:\n\n${allProblems.map((p) => `- ${p}`).join('\n')}\n`
        : 'Every answer was as expected.',
      '',
      serverLog
        ? `The server logged (warn and above):\n\n\`\`\`\n${serverLog.slice(0, 4000)}\n\`\`\`\n`
        : 'The server logged nothing at warn or above.',
      '',
      `Total run time ${fixed((performance.now() - started) / 1000, 0)} s.`,
      '',
    ].join('\n');
    process.stdout.write(report);
    mkdirSync(RESULTS, { recursive: true });
    const base = path.join(RESULTS, target.kind === 'sqlite' ? 'cso' : 'cso-postgres');
    writeFileSync(`${base}.md`, report);
    writeFileSync(
      `${base}.json`,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: m,
          code,
          built: built.toISOString(),
          rebuiltDuringRun: rebuilt,
          database: target.kind,
          seeded: { companies: COMPANIES, users: USERS, seconds: seedSeconds, analyzed: args.analyze },
          settings: {
            connections: CONNECTIONS,
            rounds: ROUNDS,
            slice: SLICE,
            warmup: WARMUP,
            bulkSeconds: BULK_SECONDS,
            batch: BATCH,
          },
          loadAverage: { before: loadBefore, after: os.loadavg()[0] },
          rows: rows.map((row) => ({ ...row, ratio: row.roster.rate / row.bare.rate })),
          countCheck,
          serverPeakRss: serverPeak,
          serverHwm,
          bareHwm,
          problems: allProblems,
          serverLog,
        },
        null,
        2,
      )}\n`,
    );
    log(`written to ${path.relative(ROOT, base)}.md and .json`);
    if (CPU_PROF) log(`server CPU profile in ${CPU_PROF}`);
    if (allProblems.length > 0 || countCheck.counted !== countCheck.expected) process.exitCode = 1;
  } finally {
    stopSampler();
    for (const child of children) await stop(child);
    if (args.keep) log(`kept ${target.kind === 'sqlite' ? tmp : target.label}`);
    else {
      rmSync(tmp, { recursive: true, force: true });
      await pgTarget?.drop();
    }
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
