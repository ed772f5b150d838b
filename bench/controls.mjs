// `npm run bench:controls` (and `npm run bench`): what Roster's controls (docs/controls.md) cost,
// each figure next to a bare baseline measured in the same run.
//
//   node bench/controls.mjs [--users N] [--workers N] [--rounds R] [--show-rounds R] [--slice S]
//                           [--connections C] [--warmup S] [--database-url postgres://...] [--only REGEXP] [--keep]
//
// Environment twins (BENCH_CONTROLS_*, so `npm run bench`'s other variables do not reach it):
// BENCH_CONTROLS_USERS (10,000), BENCH_CONTROLS_WORKERS (10,000), BENCH_CONTROLS_ROUNDS (5),
// BENCH_CONTROLS_SHOW_ROUNDS (8), BENCH_CONTROLS_SLICE (4 s), BENCH_CONTROLS_CONNECTIONS (32),
// BENCH_CONTROLS_WARMUP (2 s), BENCH_CONTROLS_DATABASE_URL, BENCH_CONTROLS_ONLY.
//
// 1. Writes a small `--seed` fixture (a department, 10 users, 2 workers), seeds a fresh database
//    with it and `roster seed --users N --workers N` (a temp dir for SQLite; on PostgreSQL a schema
//    of its own, `roster_bench_controls_<hex>`, dropped at the end) and starts
//    `roster serve --seed FIXTURE --port 0 --sftp-port off --cso-port off --rate-limit off
//    --log-level warn --admin-key <random> --api-key <random>`; saves the seeded data as the
//    snapshot `bench-big` (POST /_roster/snapshots).
// 2. reset and restore (`--only reset`), R rounds, each:
//    a. forgets the reset's hidden baseline (deletes its `roster_snapshots` row and drops its
//       tables, straight in the database), so the next reset is a first one again;
//    b. POST /_roster/reset over the 10k+10k data: the first reset (empties, loads the defaults
//       and the fixture through the record services, saves the baseline);
//    c. POST /_roster/snapshots/bench-big/restore (over the baseline's data);
//    d. POST /_roster/reset over the 10k+10k data again: the steady state (copies the baseline back);
//    e. POST /_roster/snapshots/bench-big/restore again, and POST /_roster/snapshots bench-big (a save
//       of the 10k+10k data, replacing the snapshot);
//    f. the bare baselines, straight in the database with its driver (better-sqlite3 or pg) from
//       this process, while the server idles: one transaction that deletes every data table and
//       copies the baseline's saved tables back (INSERT INTO t SELECT * FROM copy) with the id
//       counters (the bare reset); the same from bench-big's tables (the bare restore); and a
//       CREATE TABLE AS SELECT of every data table (the bare save, its copies dropped after).
//       That is the table work a reset or a restore cannot avoid, without Roster's own: reading
//       the credentials and their API users, setting them aside and back, giving each its API user,
//       telling the caches, HTTP.
//    Every operation's wall time is from the request sent to its answer read; after each, the
//    users and workers are counted in the database (not timed) to check it did what it should.
// 3. show (`--only show`): three more servers on the same data, `--journal-size 1000` (the
//    default), `--journal-size 0`, and `--journal-size 1000` with one fault installed that no
//    show matches (`{"path": "/api/suppliers/*", "status": 503, "times": 1000000}`), and the bare
//    Fastify server (bench/bare-server.mjs) sending the bytes of a real show. autocannon
//    `GET /api/users/:id` (JSON, API key) over random seeded ids, the four sides in slices of S
//    seconds, R rounds, the order rotating each round (A B C D, B C D A, …) so drift cancels.
//    Afterwards the fault must still have its every use left and every answer must have been 200.
// 4. Prints a Markdown report; writes it and the figures as JSON to
//    bench/results/controls[-postgres].{md,json}.
//
// It runs the built server (dist/), so build first (`npm run bench:controls` does).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  autocannonSlice,
  count,
  cpuMs,
  fixed,
  freshSchema,
  log,
  machine,
  mb,
  memory,
  percentile,
  randomInt,
  startChild,
  stop,
} from './common.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/roster.mjs');
const BARE = path.join(ROOT, 'bench/bare-server.mjs');
const RESULTS = path.join(ROOT, 'bench/results');

const env = (name, fallback) => process.env[`BENCH_CONTROLS_${name}`] ?? fallback;
const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: env('USERS', '10000') },
    workers: { type: 'string', default: env('WORKERS', '10000') },
    rounds: { type: 'string', default: env('ROUNDS', '5') },
    'show-rounds': { type: 'string', default: env('SHOW_ROUNDS', '8') },
    slice: { type: 'string', default: env('SLICE', '4') },
    connections: { type: 'string', default: env('CONNECTIONS', '32') },
    warmup: { type: 'string', default: env('WARMUP', '2') },
    'database-url': { type: 'string', default: env('DATABASE_URL', undefined) },
    only: { type: 'string', default: env('ONLY', undefined) },
    keep: { type: 'boolean', default: false },
  },
});

const USERS = count('users', args.users);
const WORKERS = count('workers', args.workers);
const ROUNDS = count('rounds', args.rounds);
const SHOW_ROUNDS = count('show-rounds', args['show-rounds']);
const SLICE = count('slice', args.slice);
const CONNECTIONS = count('connections', args.connections);
const WARMUP = Number(args.warmup);
const DATABASE_URL = args['database-url'];
const ONLY = args.only === undefined ? undefined : new RegExp(args.only);
const wanted = (part) => !ONLY || ONLY.test(part);
const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const API_KEY = `bench-${randomBytes(12).toString('hex')}`;
const BIG = 'bench-big';
/** The issue's targets (issue 22), in ms, and the most the journal and a fault may cost a show. */
const TARGET_RESET_MS = 100;
const TARGET_RESTORE_MS = 300;
const TARGET_SHOW_COST = 0.05;
/** A fault no show matches: method any, a path under another resource. */
const FAULT = { path: '/api/suppliers/*', status: 503, times: 1_000_000 };

// Mirrors src/store/state-copy.ts: the tables a reset or restore keeps, and the snapshots' prefix.
const KEPT_TABLES = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  'api_keys',
  'oauth_clients',
  'signing_keys',
  'host_keys',
  'sftp_accounts',
  'roster_settings',
  'roster_snapshots',
]);
const SNAPSHOT_PREFIX = 'roster_snap_';
const BASELINE_PREFIX = ':baseline:';

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (\`npm run bench:controls\` does)`);

/** The `--seed` fixture: what a test harness would keep in its repository. */
const FIXTURE = [
  'departments:',
  '  - name: Research',
  'users:',
  ...Array.from({ length: 10 }, (_, i) => [
    `  - login: fixture.${i}`,
    `    email: fixture.${i}@example.com`,
    `    firstname: Fixture`,
    `    lastname: User${i}`,
    `    department: { name: Research }`,
    `    roles: [{ name: User }]`,
  ]).flat(),
  'workers:',
  ...['Ada', 'Grace'].map((first) =>
    [
      `  - first-name: ${first}`,
      `    last-name: Fixture`,
      `    date-of-birth: 1990-01-01`,
      `    gender-code: f`,
      `    total-experience-in-years: 5`,
      `    status: assigned`,
      `    supplier: { name: FieldQA Supplier SM }`,
      `    worker-emails: [{ email-address: ${first.toLowerCase()}.fixture@example.com, email-type: work }]`,
    ].join('\n'),
  ),
  '',
].join('\n');

/** The users `roster seed` made: not the fixture's, not API users. */
const SEEDED_RANGE = `select min(id) as lo, max(id) as hi, count(*) as n from users where login not like 'fixture.%' and not api_user`;

/**
 * The database as the bench reaches it directly (not through Roster): counts, the data tables,
 * the bare copies, forgetting the baseline. One connection, opened once.
 */
async function directDb(target, dir) {
  if (target.kind === 'sqlite') {
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(path.join(dir, 'roster.sqlite'));
    // As the server opens it (src/store/database.ts); foreign keys off as its runWhole turns them.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = OFF');
    const all = (q, ...p) => db.prepare(q).all(...p);
    const tables = () =>
      all(`select name, sql from sqlite_master where type = 'table' and substr(name, 1, 7) <> 'sqlite_'`).map((r) => ({
        name: r.name,
        counted: /\bautoincrement\b/i.test(r.sql ?? ''),
      }));
    const q = (s) => `"${s.replaceAll('"', '""')}"`;
    const lit = (s) => `'${s.replaceAll("'", "''")}'`;
    return {
      kind: 'sqlite',
      tables: async () => tables(),
      count: async (table) => all(`select count(*) as n from ${q(table)}`)[0].n,
      seededRange: async () => all(SEEDED_RANGE)[0],
      tagOf: async (name) => all(`select tag from roster_snapshots where name = ?`, name)[0]?.tag,
      baselineTags: async () =>
        all(`select name, tag from roster_snapshots where name like ?`, `${BASELINE_PREFIX}%`).map((r) => r.tag),
      /** Drops Roster's baselines: the next reset builds one again, as the first reset on a database does. */
      async forgetBaselines() {
        const tags = await this.baselineTags();
        const names = tables()
          .map((t) => t.name)
          .filter((n) => tags.some((tag) => n === `${SNAPSHOT_PREFIX}${tag}` || n.startsWith(`${SNAPSHOT_PREFIX}${tag}_`)));
        db.transaction(() => {
          for (const n of names) db.exec(`drop table ${q(n)}`);
          db.prepare(`delete from roster_snapshots where name like ?`).run(`${BASELINE_PREFIX}%`);
        })();
        return tags.length;
      },
      /** Every data table emptied and filled from snapshot `tag`'s copies, counters too, in one transaction: phase times in ms. */
      async bareCopy(data, tag) {
        const counted = data.filter((t) => t.counted).map((t) => lit(t.name));
        const inList = counted.length > 0 ? counted.join(', ') : "''";
        const t0 = performance.now();
        let t1 = t0;
        db.transaction(() => {
          for (const t of data) db.exec(`delete from ${q(t.name)}`);
          t1 = performance.now();
          for (const t of data) db.exec(`insert into ${q(t.name)} select * from ${q(`${SNAPSHOT_PREFIX}${tag}_${t.name}`)}`);
          db.exec(`delete from sqlite_sequence where name in (${inList})`);
          db.exec(
            `insert into sqlite_sequence (name, seq) select table_name, next_id - 1 from ${q(`${SNAPSHOT_PREFIX}${tag}`)}` +
              ` where table_name in (${inList})`,
          );
        })();
        const t2 = performance.now();
        return { total: t2 - t0, wipe: t1 - t0, copy: t2 - t1 };
      },
      /** CREATE TABLE AS SELECT of every data table in one transaction (timed), then the copies dropped (not timed). */
      async bareSave(data) {
        const tag = `bench${randomBytes(3).toString('hex')}`;
        const t0 = performance.now();
        db.transaction(() => {
          for (const t of data) db.exec(`create table ${q(`${tag}_${t.name}`)} as select * from ${q(t.name)}`);
        })();
        const ms = performance.now() - t0;
        db.transaction(() => {
          for (const t of data) db.exec(`drop table ${q(`${tag}_${t.name}`)}`);
        })();
        return ms;
      },
      close: async () => db.close(),
    };
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  const all = async (text, values = []) => (await client.query(text, values)).rows;
  const q = (s) => `"${s.replaceAll('"', '""')}"`;
  const tables = async () =>
    (
      await all(`select c.relname as name,
                   (select pg_get_serial_sequence(quote_ident(c.relname), 'id') from pg_attribute a
                     where a.attrelid = c.oid and a.attname = 'id' and not a.attisdropped) as counter
                 from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') order by 1`)
    ).map((r) => ({ name: r.name, counter: r.counter, counted: r.counter !== null }));
  /** One transaction as Roster's runWhole opens it: repeatable read, foreign-key triggers off (the bench runs as a superuser). */
  const whole = async (body) => {
    await client.query('begin isolation level repeatable read');
    try {
      await client.query('set local session_replication_role = replica');
      const out = await body();
      await client.query('commit');
      return out;
    } catch (err) {
      await client.query('rollback');
      throw err;
    }
  };
  return {
    kind: 'postgres',
    tables,
    count: async (table) => Number((await all(`select count(*)::int as n from ${q(table)}`))[0].n),
    seededRange: async () => {
      const r = (await all(SEEDED_RANGE))[0];
      return { lo: Number(r.lo), hi: Number(r.hi), n: Number(r.n) };
    },
    tagOf: async (name) => (await all(`select tag from roster_snapshots where name = $1`, [name]))[0]?.tag,
    baselineTags: async () =>
      (await all(`select tag from roster_snapshots where name like $1`, [`${BASELINE_PREFIX}%`])).map((r) => r.tag),
    async forgetBaselines() {
      const tags = await this.baselineTags();
      const names = (await tables())
        .map((t) => t.name)
        .filter((n) => tags.some((tag) => n === `${SNAPSHOT_PREFIX}${tag}` || n.startsWith(`${SNAPSHOT_PREFIX}${tag}_`)));
      await whole(async () => {
        for (const n of names) await client.query(`drop table ${q(n)}`);
        await client.query(`delete from roster_snapshots where name like $1`, [`${BASELINE_PREFIX}%`]);
      });
      return tags.length;
    },
    async bareCopy(data, tag) {
      const t0 = performance.now();
      let t1 = t0;
      await whole(async () => {
        for (const t of data) await client.query(`delete from ${q(t.name)}`);
        t1 = performance.now();
        for (const t of data)
          await client.query(`insert into ${q(t.name)} select * from ${q(`${SNAPSHOT_PREFIX}${tag}_${t.name}`)}`);
        const counted = data.filter((t) => t.counted);
        if (counted.length > 0) {
          const values = counted.map((t, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
          await client.query(
            `select setval(c.counter::regclass, coalesce(s.next_id, 1), false)
               from (values ${values}) as c(counter, table_name)
               left join ${q(`${SNAPSHOT_PREFIX}${tag}`)} s on s.table_name = c.table_name`,
            counted.flatMap((t) => [t.counter, t.name]),
          );
        }
      });
      const t2 = performance.now();
      return { total: t2 - t0, wipe: t1 - t0, copy: t2 - t1 };
    },
    async bareSave(data) {
      const tag = `bench${randomBytes(3).toString('hex')}`;
      const t0 = performance.now();
      await whole(async () => {
        for (const t of data) await client.query(`create table ${q(`${tag}_${t.name}`)} as select * from ${q(t.name)}`);
      });
      const ms = performance.now() - t0;
      await whole(async () => {
        for (const t of data) await client.query(`drop table ${q(`${tag}_${t.name}`)}`);
      });
      return ms;
    },
    close: () => client.end(),
  };
}

/** The data tables as Roster's StateStore picks them: not kept, not a snapshot's. */
const dataTablesOf = (tables) => tables.filter((t) => !KEPT_TABLES.has(t.name) && !t.name.startsWith(SNAPSHOT_PREFIX));

const load = (url, pathOf, seconds, headers) => autocannonSlice(url, pathOf, seconds, headers, CONNECTIONS, 60);

/** Waits until the server has finished the requests autocannon left behind: /health answers fast. */
async function drain(url) {
  const until = performance.now() + 60_000;
  while (performance.now() < until) {
    const t = performance.now();
    await globalThis.fetch(`${url}/health`);
    if (performance.now() - t < 20) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
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

const median = (xs) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => (xs.length === 0 ? 'n/a' : `${fixed(Math.min(...xs), 0)}–${fixed(Math.max(...xs), 0)}`);
const thousands = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const pct = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %` : 'n/a');
const verdict = (ok) => (ok ? 'met' : '**not met**');

async function main() {
  const started = performance.now();
  const code = codeVersion();
  const builtMs = statSync(CLI).mtimeMs;
  const loads = [os.loadavg()[0]];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-controls-'));
  let pgTarget;
  const target = DATABASE_URL
    ? { kind: 'postgres', ...(pgTarget = await freshSchema(DATABASE_URL, 'roster_bench_controls')) }
    : { kind: 'sqlite', label: 'SQLite (temp dir)' };
  const dataArgs = target.kind === 'sqlite' ? ['--data', tmp] : ['--database-url', target.url];
  const fixtureFile = path.join(tmp, 'fixture.yaml');
  writeFileSync(fixtureFile, FIXTURE);
  const children = [];
  let direct;
  try {
    // --- 1. the data, the server, the snapshot of the 10k+10k data ---
    log(`seeding ${thousands(USERS)} users and ${thousands(WORKERS)} workers into ${target.label}...`);
    const seedStart = performance.now();
    const seedOut = execFileSync(
      process.execPath,
      [CLI, 'seed', '--users', String(USERS), '--workers', String(WORKERS), '--seed', fixtureFile, ...dataArgs],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const seedSeconds = (performance.now() - seedStart) / 1000;
    log(seedOut.trim());

    const serve = async (extra) => {
      const s = await startChild(
        [
          CLI,
          'serve',
          ...dataArgs,
          '--seed',
          fixtureFile,
          '--port',
          '0',
          '--sftp-port',
          'off',
          '--cso-port',
          'off',
          '--rate-limit',
          'off',
          '--log-level',
          'warn',
          '--admin-key',
          ADMIN_KEY,
          '--api-key',
          API_KEY,
          ...extra,
        ],
        /at (http:\/\/[\d.:]+)/,
      );
      children.push(s.child);
      return { ...s, url: s.match[1] };
    };
    const admin = (url, method, p, body) =>
      globalThis.fetch(`${url}/_roster${p}`, {
        method,
        headers: {
          'x-roster-admin-key': ADMIN_KEY,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    /** One control request, timed from sent to answer read; its status must be `want`. */
    const timed = async (url, method, p, body, want) => {
      const t = performance.now();
      const res = await admin(url, method, p, body);
      const text = await res.text();
      const ms = performance.now() - t;
      if (res.status !== want) throw new Error(`${method} /_roster${p}: ${res.status} ${text.slice(0, 300)}`);
      return ms;
    };

    const server = await serve([]);
    log(`roster serve at ${server.url} (pid ${server.child.pid})`);
    direct = await directDb(target, tmp);
    const data = dataTablesOf(await direct.tables());
    const counts = async () => ({ users: await direct.count('users'), workers: await direct.count('workers') });
    const big = await counts();
    if (big.users < USERS || big.workers < WORKERS)
      throw new Error(`seeded ${JSON.stringify(big)}, wanted ${USERS} and ${WORKERS}`);
    const firstSaveMs = await timed(server.url, 'POST', '/snapshots', { name: BIG }, 201);
    log(`saved ${BIG} (${big.users} users, ${big.workers} workers, ${data.length} data tables) in ${fixed(firstSaveMs, 1)} ms`);

    const samples = {
      firstReset: [],
      reset: [],
      restore: [],
      save: [],
      bareReset: [],
      bareRestore: [],
      bareSave: [],
      bareResetWipe: [],
      bareResetCopy: [],
      bareRestoreWipe: [],
      bareRestoreCopy: [],
    };
    let small;
    const expect = async (what, want) => {
      const got = await counts();
      if (got.users !== want.users || got.workers !== want.workers)
        throw new Error(`after ${what}: ${JSON.stringify(got)} users and workers, expected ${JSON.stringify(want)}`);
    };

    // --- 2. reset and restore, R rounds ---
    if (wanted('reset')) {
      for (let round = 1; round <= ROUNDS; round++) {
        const forgotten = await direct.forgetBaselines();
        if (round > 1 && forgotten !== 1) throw new Error(`round ${round}: ${forgotten} baselines to forget, expected 1`);
        const first = await timed(server.url, 'POST', '/reset', undefined, 204);
        samples.firstReset.push(first);
        const after = await counts();
        small ??= after;
        await expect('the first reset', small);
        if ((await direct.baselineTags()).length !== 1) throw new Error('the first reset left no baseline');
        const restore1 = await timed(server.url, 'POST', `/snapshots/${BIG}/restore`, undefined, 204);
        await expect('a restore', big);
        const reset = await timed(server.url, 'POST', '/reset', undefined, 204);
        await expect('a reset', small);
        const restore2 = await timed(server.url, 'POST', `/snapshots/${BIG}/restore`, undefined, 204);
        await expect('a restore', big);
        const save = await timed(server.url, 'POST', '/snapshots', { name: BIG }, 201);
        samples.reset.push(reset);
        samples.restore.push(restore1, restore2);
        samples.save.push(save);
        // The bare baselines, on the same data, while the server idles.
        const [baselineTag] = await direct.baselineTags();
        const bigTag = await direct.tagOf(BIG);
        const bareReset = await direct.bareCopy(data, baselineTag);
        await expect('the bare reset', {
          users: await direct.count(`${SNAPSHOT_PREFIX}${baselineTag}_users`),
          workers: await direct.count(`${SNAPSHOT_PREFIX}${baselineTag}_workers`),
        });
        const bareRestore = await direct.bareCopy(data, bigTag);
        await expect('the bare restore', big);
        const bareSave = await direct.bareSave(data);
        samples.bareReset.push(bareReset.total);
        samples.bareResetWipe.push(bareReset.wipe);
        samples.bareResetCopy.push(bareReset.copy);
        samples.bareRestore.push(bareRestore.total);
        samples.bareRestoreWipe.push(bareRestore.wipe);
        samples.bareRestoreCopy.push(bareRestore.copy);
        samples.bareSave.push(bareSave);
        loads.push(os.loadavg()[0]);
        log(
          `round ${round}/${ROUNDS}: first reset ${fixed(first, 1)} ms, restore ${fixed(restore1, 1)} and ${fixed(restore2, 1)} ms, ` +
            `reset ${fixed(reset, 1)} ms, save ${fixed(save, 1)} ms; bare reset ${fixed(bareReset.total, 1)} ms ` +
            `(wipe ${fixed(bareReset.wipe, 1)}), bare restore ${fixed(bareRestore.total, 1)} ms (wipe ${fixed(bareRestore.wipe, 1)}), ` +
            `bare save ${fixed(bareSave, 1)} ms; load ${fixed(os.loadavg()[0])}`,
        );
      }
      // The server's caches saw the bare copies go by; one more restore through Roster leaves it as it should be.
      await timed(server.url, 'POST', `/snapshots/${BIG}/restore`, undefined, 204);
    }
    const mainHwm = memory(server.child.pid, 'VmHWM');
    await stop(server.child);

    // --- 3. show: the journal and a fault, side by side ---
    let show;
    if (wanted('show')) {
      const sides = [];
      const j1000 = await serve(['--journal-size', '1000']);
      const j0 = await serve(['--journal-size', '0']);
      const faulted = await serve(['--journal-size', '1000']);
      const faultRes = await admin(faulted.url, 'POST', '/faults', FAULT);
      if (faultRes.status !== 201) throw new Error(`POST /_roster/faults: ${faultRes.status} ${await faultRes.text()}`);
      const headers = { 'x-coupa-api-key': API_KEY, accept: 'application/json' };
      // Seeded users only (not the fixture's, not API users): the ids the seeder numbered, one run of them.
      const seededIds = await direct.seededRange();
      if (seededIds.hi - seededIds.lo + 1 !== seededIds.n || seededIds.n !== USERS)
        throw new Error(`the seeded users are not ids ${USERS} in a row: ${JSON.stringify(seededIds)}`);
      const showPath = () => `/api/users/${randomInt(seededIds.lo, seededIds.hi)}`;
      const one = await globalThis.fetch(`${j0.url}/api/users/${Math.floor((seededIds.lo + seededIds.hi) / 2)}`, { headers });
      const oneBody = await one.text();
      if (one.status !== 200) throw new Error(`GET a seeded user: ${one.status} ${oneBody.slice(0, 300)}`);
      const bodyFile = path.join(tmp, 'bare-user.json');
      writeFileSync(bodyFile, oneBody);
      const routesFile = path.join(tmp, 'bare-routes.json');
      writeFileSync(
        routesFile,
        JSON.stringify({ '/user': { type: one.headers.get('content-type') ?? 'application/json', file: bodyFile } }),
      );
      const bare = await startChild([BARE], /at (http:\/\/[\d.:]+)/, { BARE_BODIES: routesFile, PORT: '0' });
      children.push(bare.child);
      sides.push(
        { name: 'bare Fastify, constant user JSON', key: 'bare', url: bare.match[1], pathOf: () => '/user', child: bare.child },
        { name: '--journal-size 1000 (the default)', key: 'j1000', url: j1000.url, pathOf: showPath, child: j1000.child },
        { name: '--journal-size 0', key: 'j0', url: j0.url, pathOf: showPath, child: j0.child },
        {
          name: '--journal-size 1000, one fault no show matches',
          key: 'fault',
          url: faulted.url,
          pathOf: showPath,
          child: faulted.child,
        },
      );
      for (const s of sides) {
        s.slices = [];
        if (WARMUP > 0) await load(s.url, s.pathOf, WARMUP, headers);
        await drain(s.url);
      }
      for (let round = 0; round < SHOW_ROUNDS; round++) {
        const order = sides.map((_, i) => sides[(i + round) % sides.length]);
        for (const s of order) {
          const cpu0 = cpuMs(s.child.pid);
          const r = await load(s.url, s.pathOf, SLICE, headers);
          await drain(s.url);
          // The server's CPU over the slice (and its drain), per request answered: steadier than req/s on a shared machine.
          r.cpuUs = ((cpuMs(s.child.pid) - cpu0) * 1000) / r.requests;
          s.slices.push(r);
          log(
            `show, round ${round + 1}/${SHOW_ROUNDS}, ${s.name}: ${fixed(r.rate, 0)} req/s, p50 ${fixed(r.p50)} ms, p99 ${fixed(r.p99)} ms, ${fixed(r.cpuUs, 0)} µs CPU a request` +
              (r.non2xx + r.errors > 0 ? ` (${r.non2xx} non-2xx ${JSON.stringify(r.statuses)}, ${r.errors} errors)` : ''),
          );
        }
        loads.push(os.loadavg()[0]);
      }
      // The fault must have matched nothing, and the default journal must have recorded.
      const left = await (await admin(faulted.url, 'GET', '/faults')).json();
      const journaled = await (await admin(j1000.url, 'GET', '/requests?limit=1000')).json();
      const unjournaled = await (await admin(j0.url, 'GET', '/requests?limit=10')).json();
      const faultLeft = left.faults?.[0]?.['times-left'];
      if (faultLeft !== FAULT.times) throw new Error(`the fault was used: ${JSON.stringify(left)}`);
      const journalWant = Math.min(
        1000,
        sides.find((s) => s.key === 'j1000').slices.reduce((n, x) => n + x.requests, 0),
      );
      if (!(journaled.requests?.length >= journalWant))
        throw new Error(`the journal holds ${journaled.requests?.length} requests, not ${journalWant}`);
      if (unjournaled.requests?.length !== 0) throw new Error('--journal-size 0 journaled');
      for (const s of sides) {
        const latencies = s.slices.flatMap((x) => x.latencies).sort((a, b) => a - b);
        s.rates = s.slices.map((x) => x.rate);
        s.rate = median(s.rates);
        s.cpus = s.slices.map((x) => x.cpuUs);
        s.cpuUs = median(s.cpus);
        s.p50 = percentile(latencies, 50);
        s.p99 = percentile(latencies, 99);
        s.problems = s.slices.reduce((n, x) => n + x.non2xx + x.errors, 0);
        s.hwm = memory(s.child.pid, 'VmHWM');
        delete s.child;
      }
      const by = Object.fromEntries(sides.map((s) => [s.key, s]));
      const paired = (a, b) => median(by[a].rates.map((r, i) => r / by[b].rates[i] - 1));
      const pairedCpu = (a, b) => median(by[a].cpus.map((c, i) => c / by[b].cpus[i] - 1));
      show = {
        sides,
        journal: paired('j1000', 'j0'),
        fault: paired('fault', 'j1000'),
        both: paired('fault', 'j0'),
        journalCpu: pairedCpu('j1000', 'j0'),
        faultCpu: pairedCpu('fault', 'j1000'),
        bothCpu: pairedCpu('fault', 'j0'),
        journalMedians: by.j1000.rate / by.j0.rate - 1,
        bothMedians: by.fault.rate / by.j0.rate - 1,
      };
      if (sides.some((s) => s.problems > 0)) throw new Error('some show answers were not 200: see the log above');
    }

    // --- 4. the report ---
    const m = machine();
    const row = (name, xs, bareXs, target) => {
      const r = median(xs);
      const b = median(bareXs);
      return `| ${name} | ${fixed(r, 1)} | ${spread(xs)} | ${bareXs ? fixed(b, 1) : ''} | ${bareXs ? `${fixed(r / b, 1)}×` : ''} | ${target ?? ''} |`;
    };
    const lines = [
      `# Roster controls benchmark`,
      '',
      `- date: ${new Date().toISOString()}`,
      `- machine: ${m.cpus} CPUs (${m.model}), ${m.memory} RAM, ${m.os}, Node ${m.node}`,
      `- database: ${target.label}, ${thousands(big.users)} users and ${thousands(big.workers)} workers ` +
        `(${thousands(USERS)} and ${thousands(WORKERS)} seeded in ${fixed(seedSeconds, 1)} s, the rest the fixture's and the API key's), ${data.length} data tables`,
      `- after a reset: ${small ? `${small.users} users, ${small.workers} workers` : 'n/a'} (the fixture's 10 users and 2 workers, the API key's user)`,
      `- code: ${code}; dist/ built ${new Date(builtMs).toISOString()}${statSync(CLI).mtimeMs !== builtMs ? ' (REBUILT during the run)' : ''}`,
      `- 1-minute load average: ${loads.map((l) => fixed(l, 1)).join(', ')} (before, after each round)`,
      `- server peak RSS (VmHWM) over the reset rounds: ${mb(mainHwm)} MB`,
      '',
    ];
    if (wanted('reset')) {
      lines.push(
        `Each control's wall time from the request sent to its answer read, ${ROUNDS} rounds (restore: two a round); ` +
          'bare: the same tables emptied and copied straight in the database from this process (better-sqlite3 or pg), one transaction.',
        '',
        `| operation, ${thousands(USERS)} users + ${thousands(WORKERS)} workers | Roster median ms | range | bare median ms | Roster / bare | target |`,
        '| --- | ---: | ---: | ---: | ---: | --- |',
        row('POST /_roster/reset, first (builds the baseline)', samples.firstReset, samples.bareReset),
        row(
          'POST /_roster/reset, steady state (copies the baseline back)',
          samples.reset,
          samples.bareReset,
          `≤ ${TARGET_RESET_MS} ms`,
        ),
        row(`POST /_roster/snapshots/${BIG}/restore`, samples.restore, samples.bareRestore, `≤ ${TARGET_RESTORE_MS} ms`),
        row(`POST /_roster/snapshots (save, replacing)`, samples.save, samples.bareSave),
        '',
        `Bare phases, median ms: reset ${fixed(median(samples.bareResetWipe), 1)} wiping + ${fixed(median(samples.bareResetCopy), 1)} copying the baseline; ` +
          `restore ${fixed(median(samples.bareRestoreWipe), 1)} wiping + ${fixed(median(samples.bareRestoreCopy), 1)} copying 10k+10k. ` +
          `First save of ${BIG}: ${fixed(firstSaveMs, 1)} ms.`,
        '',
      );
    }
    if (show) {
      const by = Object.fromEntries(show.sides.map((s) => [s.key, s]));
      lines.push(
        `Show: autocannon GET /api/users/:id (JSON, API key), ${CONNECTIONS} connections, ${SHOW_ROUNDS} rounds of ${SLICE} s a side, the order rotating each round.`,
        '',
        '| side | median req/s | rounds, req/s | × bare | p50 ms | p99 ms | server CPU µs a request | peak RSS MB |',
        '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
        ...show.sides.map(
          (s) =>
            `| ${s.name} | ${thousands(s.rate)} | ${s.rates.map(thousands).join(', ')} | ${fixed(s.rate / by.bare.rate)} | ` +
            `${fixed(s.p50)} | ${fixed(s.p99)} | ${fixed(s.cpuUs, 0)} | ${mb(s.hwm)} |`,
        ),
        '',
        `Differences in req/s, median of the rounds' paired ratios (in brackets: of the medians): journal 1000 vs 0 ${pct(show.journal)} ` +
          `(${pct(show.journalMedians)}); one fault vs none ${pct(show.fault)}; journal and fault vs neither ${pct(show.both)} (${pct(show.bothMedians)}). ` +
          `In server CPU a request, the same way: journal ${pct(show.journalCpu)}, fault ${pct(show.faultCpu)}, both ${pct(show.bothCpu)}.`,
        '',
      );
    }
    const targets = [
      ...(wanted('reset')
        ? [
            `| reset, steady state, ≤ ${TARGET_RESET_MS} ms | ${fixed(median(samples.reset), 1)} ms | ${verdict(median(samples.reset) <= TARGET_RESET_MS)} |`,
            `| restore of ${thousands(USERS)} users + ${thousands(WORKERS)} workers, ≤ ${TARGET_RESTORE_MS} ms | ${fixed(median(samples.restore), 1)} ms | ${verdict(median(samples.restore) <= TARGET_RESTORE_MS)} |`,
          ]
        : []),
      ...(show
        ? [
            `| journal and fault check cost a show ≤ 5 % of req/s | ${pct(show.both)} (journal alone ${pct(show.journal)}) | ${verdict(show.both >= -TARGET_SHOW_COST)} |`,
            `| the same in server CPU a request, ≤ 5 % more | ${pct(show.bothCpu)} (journal alone ${pct(show.journalCpu)}) | ${verdict(show.bothCpu <= TARGET_SHOW_COST)} |`,
          ]
        : []),
    ];
    lines.push('| target | measured | verdict |', '| --- | ---: | --- |', ...targets, '');
    lines.push(`Total run time ${fixed((performance.now() - started) / 1000, 0)} s.`, '');
    const report = lines.join('\n');
    process.stdout.write(report);
    mkdirSync(RESULTS, { recursive: true });
    const base = path.join(RESULTS, target.kind === 'sqlite' ? 'controls' : 'controls-postgres');
    writeFileSync(`${base}.md`, report);
    writeFileSync(
      `${base}.json`,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          code,
          target: target.label,
          big,
          small,
          loads,
          samples,
          show,
          seedSeconds,
          firstSaveMs,
        },
        null,
        2,
      ),
    );
    log(`written to ${path.relative(ROOT, base)}.md and .json`);
  } finally {
    for (const child of children) await stop(child);
    await direct?.close();
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
