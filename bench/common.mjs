// What the benchmark scripts share (bench/run.mjs, bench/cso.mjs, bench/sync.mjs): child processes, memory
// sampling, percentiles, argument checks and the machine's description.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function count(name, raw) {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got '${raw}'`);
  return n;
}

/** Runs a command to completion; resolves with its output, rejects with it on failure. */
export function run(cmd, argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} failed (${code}):\n${out}`))));
  });
}

export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A memory field of a process in bytes, from /proc (Linux only; 0 elsewhere). */
export function memory(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples VmRSS while `body` runs and returns its result with the peak seen. */
export async function withPeakRss(pid, body) {
  let peak = memory(pid, 'VmRSS');
  const timer = setInterval(() => (peak = Math.max(peak, memory(pid, 'VmRSS'))), 100);
  try {
    const result = await body();
    return { ...result, peakRss: Math.max(peak, memory(pid, 'VmRSS')) };
  } finally {
    clearInterval(timer);
  }
}

export function machine() {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '');
  return {
    cpus: os.availableParallelism(),
    model: cpu?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

export const percentile = (sorted, p) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export const log = (line) => process.stderr.write(`${line}\n`);

export const randomInt = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));

export const pick = (list) => list[Math.floor(Math.random() * list.length)];

export const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);

export const fixed = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

/** A fresh PostgreSQL schema `<prefix>_<hex>` for the run, reached through the URL's search_path; dropped by `drop`. */
export async function freshSchema(url, prefix) {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: scoped.toString(),
    label: `PostgreSQL (schema ${schema})`,
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/**
 * Starts a server child and resolves once its output matches `ready` (with the match). Its
 * output is read to the end (a full pipe would block it); what it writes after the banner is
 * echoed to stderr and kept in `logged`: at --log-level warn that is only warnings and errors.
 */
export function startChild(argv, ready, env = {}, nodeFlags = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logged = [];
    let out = '';
    let started = false;
    const onData = (d) => {
      if (started) {
        logged.push(String(d));
        process.stderr.write(d);
        return;
      }
      out += d;
      const m = ready.exec(out);
      if (m) {
        started = true;
        child.off('exit', onExit);
        resolve({ child, match: m, banner: out, logged });
      }
    };
    const onExit = (code) => reject(new Error(`${argv.join(' ')} exited with ${code}:\n${out}`));
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });
}

/**
 * One autocannon run of GETs (`pathOf()` gives each request's path); latencies are collected
 * here in float ms (autocannon's own histogram rounds to 1 ms).
 */
export function autocannonSlice(url, pathOf, seconds, headers, connections, timeout = 120) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const statuses = {};
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        timeout,
        headers,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pathOf() }) }],
      },
      (err, result) => {
        if (err) return reject(err);
        latencies.sort((a, b) => a - b);
        const ok = latencies.length;
        resolve({
          rate: result.requests.total / result.duration,
          seconds: result.duration,
          latencies,
          bytesTotal: result.throughput.total,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          max: ok > 0 ? latencies[ok - 1] : NaN,
          requests: result.requests.total,
          non2xx: result.requests.total - ok,
          statuses,
          errors: result.errors + result.timeouts,
          bytes: result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) latencies.push(responseTime);
    });
  });
}

const TICK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU milliseconds a process has used so far (user + system), from /proc (Linux; NaN elsewhere). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICK;
  } catch {
    return NaN;
  }
}
