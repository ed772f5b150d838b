// `npm run bench:flatfile` (and the end of `npm run bench`): the flat-file loader's speed.
//
//   node bench/flat-file.mjs [--rows N] [--database-url postgres://...] [--repeat N]
//
// 1. Load rate: a Users CSV of N rows (default 5,000, Coupa's most per file), half updates of
//    existing users and half new users, loaded by the real loader (dist/) on a fresh database:
//    rows per second, best of --repeat runs. The baseline does the same work bare in the same
//    run: csv-parse the same bytes and write each row in its own savepoint, 200 to a
//    transaction, one UPDATE by login or one INSERT, on the same migrated users table, with
//    the driver and nothing else.
// 2. Pick-up latency: the real server (`roster serve --flatfile-interval 1s`), a file put over
//    SFTP (ssh2-sftp-client), the time from the put's completion to the load's `Done` status
//    as `GET /api/data_file_sources/:id` shows it; median of 5.
// It runs the built code (dist/), so build first (`npm run bench` does).
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import pg from 'pg';
import SftpClient from 'ssh2-sftp-client';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => path.join(ROOT, 'dist', p);
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '5000' },
    repeat: { type: 'string', default: process.env.BENCH_REPEAT ?? '3' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL },
  },
});
const ROWS = Number(args.rows);
const REPEAT = Number(args.repeat);
const DATABASE_URL = args['database-url'];
const log = (line) => process.stderr.write(`${line}\n`);
/** Rows per transaction in the baseline, as the loader's chunks hold at most (src/domain/loads/load-service.ts). */
const CHUNK = 200;

const { openPreparedStore } = await import(dist('store/prepare.js'));
const { Engine } = await import(dist('domain/engine.js'));
const { loadsOf } = await import(dist('domain/loads/loads-of.js'));
const { FileStore } = await import(dist('store/file-store.js'));
const { createMailer } = await import(dist('mail/mailer.js'));

/** The file: rows 0..N/2 update `bench_u<i>` (last name, e-mail), the rest create `bench_n<i>`. */
function csvFile(tag) {
  const lines = ['Login,Email,First Name,Last Name,Status'];
  for (let i = 0; i < ROWS; i++) {
    const login = i < ROWS / 2 ? `bench_u${i}` : `bench_n${i}`;
    lines.push(`${login},${login}.${tag}@example.com,Bench,Row${i},active`);
  }
  return Buffer.from(lines.join('\n'));
}

async function freshStore() {
  if (DATABASE_URL) {
    const schema = `bench_ff_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const store = await openPreparedStore({ kind: 'postgres', url: DATABASE_URL, schema });
    return {
      store,
      drop: async () => {
        await store.close();
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-ff-'));
  const store = await openPreparedStore({ kind: 'sqlite', filename: path.join(dir, 'roster.sqlite') });
  return {
    store,
    drop: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Roster: the half of the users the file updates, then the file loaded by the real loader. */
async function rosterLoad() {
  const { store, drop } = await freshStore();
  try {
    const engine = await Engine.open(store);
    const users = engine.service('users');
    for (let i = 0; i < ROWS / 2; i++) {
      const outcome = await users.write(
        { doc: { login: `bench_u${i}`, email: `bench_u${i}@example.com`, firstname: 'Bench', lastname: 'Old' } },
        { name: 'bench', userId: null },
      );
      if (!outcome.ok) throw outcome.error;
    }
    const mailer = createMailer(undefined);
    const loads = loadsOf(
      engine,
      store,
      { limits: { maxRows: ROWS, maxBytes: 64 * 1024 * 1024 }, leaseMs: 60_000 },
      { mailer, from: 'bench@example.com', contacts: [], baseUrl: () => 'http://127.0.0.1' },
    );
    await new FileStore(store).add({
      path: '/Incoming/Users/bench.csv',
      filename: 'bench.csv',
      contentType: 'text/csv',
      data: csvFile('new'),
    });
    await loads.pickUp();
    const start = performance.now();
    const [summary] = await loads.runPending();
    const ms = performance.now() - start;
    if (
      summary.status !== 'Done' ||
      summary.uploadErrorsCount !== 0 ||
      summary.recordsCreated + summary.recordsUpdated !== ROWS
    ) {
      throw new Error(`unexpected load: ${JSON.stringify(summary)}`);
    }
    mailer.close();
    await engine.close();
    return ms;
  } finally {
    await drop();
  }
}

/**
 * The bare baseline: the same bytes parsed with csv-parse, then per row one UPDATE by login or
 * one INSERT in a savepoint of its own, 200 rows to a transaction (as the loader's chunks), on
 * the same migrated users table (same indexes, same database settings), by the driver alone:
 * what the loader's rows cost without Roster around them.
 */
async function bareLoad() {
  const data = csvFile('new');
  const rows = [];
  const parser = parse({ bom: true });
  parser.end(data);
  for await (const record of parser) rows.push(record);
  rows.shift();
  const { store, drop } = await freshStore();
  try {
    const now = new Date().toISOString();
    if (store.sqlite) {
      const db = store.sqlite;
      const insert = db.prepare(
        'insert into users (login, email, firstname, lastname, active, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
      );
      for (let i = 0; i < ROWS / 2; i++) insert.run(`bench_u${i}`, `bench_u${i}@example.com`, 'Bench', 'Old', 1, now, now);
      const update = db.prepare(
        'update users set email = ?, firstname = ?, lastname = ?, active = ?, updated_at = ? where lower(login) = lower(?)',
      );
      // better-sqlite3 runs a transaction inside a transaction as a savepoint.
      const applyRow = db.transaction((login, email, first, last, status) => {
        const active = status === 'active' ? 1 : 0;
        if (update.run(email, first, last, active, now, login).changes === 0)
          insert.run(login, email, first, last, active, now, now);
      });
      const applyChunk = db.transaction((chunk) => {
        for (const row of chunk) applyRow(...row);
      });
      const start = performance.now();
      for (let i = 0; i < rows.length; i += CHUNK) applyChunk(rows.slice(i, i + CHUNK));
      return performance.now() - start;
    }
    const client = await store.pool.connect();
    try {
      const insert = 'insert into users (login, email, firstname, lastname, active) values ($1, $2, $3, $4, $5)';
      for (let i = 0; i < ROWS / 2; i++)
        await client.query(insert, [`bench_u${i}`, `bench_u${i}@example.com`, 'Bench', 'Old', true]);
      const start = performance.now();
      for (let i = 0; i < rows.length; i += CHUNK) {
        await client.query('begin');
        for (const [login, email, first, last, status] of rows.slice(i, i + CHUNK)) {
          await client.query('savepoint row');
          const values = [login, email, first, last, status === 'active'];
          const updated = await client.query(
            'update users set email = $2, firstname = $3, lastname = $4, active = $5 where lower(login) = lower($1)',
            values,
          );
          if (updated.rowCount === 0) await client.query(insert, values);
          await client.query('release savepoint row');
        }
        await client.query('commit');
      }
      return performance.now() - start;
    } finally {
      client.release();
    }
  } finally {
    await drop();
  }
}

/** The real server, an SFTP account, files put one at a time: put done → `Done`, in ms. */
async function pickUpLatency() {
  const data = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-sftp-'));
  const flags = DATABASE_URL ? ['--database-url', DATABASE_URL] : ['--data', data];
  const key = `bench-${randomBytes(8).toString('hex')}`;
  const cli = dist('../dist/roster.mjs');
  const run = (argv) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`roster ${argv[0]} exited ${code}`))));
    });
  await run(['sftp-users', 'create', '--name', 'bench', '--password', 'bench password 1', ...flags]);
  const server = spawn(
    process.execPath,
    [
      cli,
      'serve',
      '--port',
      '0',
      '--sftp-port',
      '0',
      '--flatfile-interval',
      '1s',
      '--api-key',
      key,
      '--rate-limit',
      'off',
      '--log-level',
      'warn',
      ...flags,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const banner = await new Promise((resolve) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      if (out.includes('loader:')) resolve(out);
    });
  });
  const url = /at (http:\/\/\S+)/.exec(banner)[1];
  const sftpPort = Number(/sftp -P (\d+)/.exec(banner)[1]);
  const sftp = new SftpClient();
  await sftp.connect({ host: '127.0.0.1', port: sftpPort, username: 'bench', password: 'bench password 1' });
  const times = [];
  try {
    for (let i = 0; i < 5; i++) {
      const name = `latency-${i}.csv`;
      await sftp.put(
        Buffer.from(`Login,Email,First Name,Last Name\nlat${i},lat${i}@example.com,L,A\n`),
        `/Incoming/Users/${name}`,
      );
      const start = performance.now();
      for (;;) {
        const res = await globalThis.fetch(`${url}/api/data_file_sources?file-file-name=${name}`, {
          headers: { 'x-coupa-api-key': key, accept: 'application/json' },
        });
        const [source] = await res.json();
        if (source?.status === 'Done') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      times.push(performance.now() - start);
    }
  } finally {
    await sftp.end();
    server.kill('SIGTERM');
    rmSync(data, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return { median: times[2], max: times[4] };
}

const roster = [];
const bare = [];
for (let i = 0; i < REPEAT; i++) {
  roster.push(await rosterLoad());
  bare.push(await bareLoad());
}
const best = (list) => Math.min(...list);
const rate = (ms) => Math.round((ROWS / ms) * 1000);
log(`flat-file load, ${ROWS} rows (half updates, half creates), ${DATABASE_URL ? 'PostgreSQL' : 'SQLite'}, best of ${REPEAT}:`);
log(`  roster loader  ${best(roster).toFixed(0)} ms  ${rate(best(roster))} rows/s`);
log(
  `  bare baseline  ${best(bare).toFixed(0)} ms  ${rate(best(bare))} rows/s  (roster at ${(best(bare) / best(roster)).toFixed(2)}x the baseline's rate)`,
);
if (!DATABASE_URL || process.env.BENCH_LATENCY_PG === '1') {
  const latency = await pickUpLatency();
  log(
    `SFTP put → Done with --flatfile-interval 1s: median ${latency.median.toFixed(0)} ms, worst ${latency.max.toFixed(0)} ms (of 5)`,
  );
}
