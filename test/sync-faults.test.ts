// `roster sync` through a proxy that answers 429 with Retry-After, 500 and 503, holds answers past the
// client's timeout, and drops connections after the server acted: the run still ends in the right state,
// the journal shows every retry, no write is repeated blind, and a rerun writes nothing.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempDir } from './helpers/cli.js';
import {
  api,
  createUser,
  readJournal,
  runSync,
  startFaultProxy,
  startSyncTarget,
  writeIn,
  type Fault,
  type FaultProxy,
  type SyncTarget,
} from './helpers/sync.js';

const MAPPING = 'key: login\nfields: {login: user_name, email: work_email, firstname: given_name, lastname: family_name}\n';
const HEADER = 'user_name,work_email,given_name,family_name';
const PEOPLE = Array.from({ length: 24 }, (_, i) => `worker${String(i).padStart(2, '0')}`);
const LATE = Array.from({ length: 40 }, (_, i) => `late${String(i).padStart(2, '0')}`);

describe('roster sync through faults', () => {
  let target: SyncTarget;
  let proxy: FaultProxy;
  let dir: string;

  beforeAll(async () => {
    target = await startSyncTarget('sqlite');
    dir = tempDir();
    // Half the people exist with an old last name; the export renames them and adds the other half.
    for (const login of PEOPLE.slice(0, 12))
      await createUser(target, { login, email: `${login}@example.com`, firstname: 'Old', lastname: 'Name' });
    // A fixed schedule over the request count, so every kind of fault lands on reads and on writes.
    const schedule: Record<number, Fault> = { 0: '429', 3: '500', 5: 'slow', 8: 'drop', 10: '503' };
    proxy = await startFaultProxy(target.url, (n) => (n > 2 ? (schedule[n % 13] ?? 'pass') : 'pass'), 1500);
  }, 60_000);
  afterAll(async () => {
    await proxy.close();
    await target.stop();
  });

  it('finishes with the right end state, and the journal shows each retry', async () => {
    const input = writeIn(dir, 'hr.csv', [HEADER, ...PEOPLE.map((l) => `${l},${l}@example.com,New,Person ${l}`)].join('\n'));
    const mapping = writeIn(dir, 'mapping.yaml', MAPPING);
    const journal = path.join(dir, 'faults.jsonl');
    const report = path.join(dir, 'faults.json');
    const run = await runSync(
      [
        '--input',
        input,
        '--mapping',
        mapping,
        '--url',
        proxy.url,
        '--journal',
        journal,
        '--report',
        report,
        '--timeout',
        '1s',
        '--rate',
        '0',
        '--concurrency',
        '3',
      ],
      { ROSTER_SYNC_API_KEY: target.apiKey },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // One read for all of them: a request per person would meet the server's own rate limit.
    const { body } = await api(target, 'GET', '/api/users?login[starts_with]=worker&limit=50');
    const users = new Map((body as Record<string, unknown>[]).map((u) => [u['login'], [u['firstname'], u['lastname']]]));
    expect(users).toEqual(new Map(PEOPLE.map((login) => [login, ['New', `Person ${login}`]])));
    expect(proxy.done['429'] + proxy.done['500'] + proxy.done['503'] + proxy.done.slow + proxy.done.drop).toBeGreaterThan(10);

    const lines = readJournal(journal);
    const statuses = new Set(lines.map((l) => l['status']));
    for (const s of [429, 500, 503, null]) expect(statuses).toContain(s);
    // Every attempt that another followed says when; a 429's wait honours Retry-After (1 s).
    const throttled = lines.filter((l) => l['status'] === 429);
    expect(throttled.length).toBeGreaterThan(0);
    for (const l of throttled) expect(l['retryInMs']).toBeGreaterThanOrEqual(1000);
    // A write whose answer never came is not retried blind: the user is read again first.
    const unknown = lines.filter((l) => l['method'] === 'NOTE' && /outcome unknown/.test(String(l['note'])));
    expect(unknown.length).toBeGreaterThan(0);
    for (const note of unknown) {
      const after = lines.slice(lines.indexOf(note) + 1).find((l) => l['key'] === note['key'] && l['method'] !== 'NOTE');
      expect(after?.['method']).toBe('GET');
    }
    // No user was created twice.
    const created = lines.filter((l) => l['method'] === 'POST' && l['status'] === 201).map((l) => l['key']);
    expect(new Set(created).size).toBe(created.length);
  }, 120_000);

  it('a rerun straight to the server writes nothing', async () => {
    const journal = path.join(dir, 'rerun.jsonl');
    const run = await runSync(
      [
        '--input',
        path.join(dir, 'hr.csv'),
        '--mapping',
        path.join(dir, 'mapping.yaml'),
        '--url',
        target.url,
        '--journal',
        journal,
      ],
      { ROSTER_SYNC_API_KEY: target.apiKey },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readJournal(journal).filter((l) => l['method'] !== 'GET')).toEqual([]);
  }, 60_000);

  it('an interrupted run (SIGINT) stops cleanly with exit 130, and a rerun finishes the job without duplicates', async () => {
    const input = writeIn(
      dir,
      'late.csv',
      [HEADER, ...[...PEOPLE, ...LATE].map((l) => `${l},${l}@example.com,New,Person ${l}`)].join('\n'),
    );
    const report = path.join(dir, 'interrupted.json');
    const args = ['--input', input, '--mapping', path.join(dir, 'mapping.yaml'), '--url', target.url, '--report', report];
    // Slow enough (4 requests a second) that the signal lands mid-run.
    const child = spawn(process.execPath, [CLI, 'sync', '--quiet', ...args, '--rate', '4', '--burst', '1'], {
      env: { ...process.env, ROSTER_SYNC_API_KEY: target.apiKey },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, stdout).toBe(130);
    const first = JSON.parse(readFileSync(report, 'utf8')) as {
      interrupted: boolean;
      created: number;
      pending: number;
      failed: number;
    };
    expect(first).toMatchObject({ interrupted: true, failed: 0 });
    expect(first.pending).toBeGreaterThan(0);
    expect(first.created + first.pending).toBe(LATE.length);

    const rerun = await runSync([...args, '--rate', '0'], { ROSTER_SYNC_API_KEY: target.apiKey });
    expect(rerun.code, rerun.stdout).toBe(0);
    const second = JSON.parse(readFileSync(report, 'utf8')) as { created: number; unchanged: number };
    expect(second.created).toBe(first.pending);
    const { body } = await api(target, 'GET', '/api/users?login[starts_with]=late&limit=50');
    expect((body as { login: string }[]).map((u) => u.login).sort()).toEqual(LATE);
  }, 60_000);

  it('draws progress bars at a terminal, and none with --quiet', () => {
    // A few changes (--deltas), so the run is short.
    const input = writeIn(
      dir,
      'tty.csv',
      [`${HEADER},action`, ...PEOPLE.slice(0, 8).map((l) => `${l},${l}@example.com,Tty,Person ${l},update`)].join('\n'),
    );
    // script(1) gives the run a pseudo-terminal, as a person at a shell has.
    const atTerminal = (quiet: boolean): string => {
      const command = [
        process.execPath,
        CLI,
        'sync',
        '--input',
        input,
        '--mapping',
        path.join(dir, 'mapping.yaml'),
        '--url',
        target.url,
        '--deltas',
        ...(quiet ? ['--quiet'] : []),
      ].join(' ');
      const run = spawnSync('script', ['-qefc', command, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, ROSTER_SYNC_API_KEY: target.apiKey },
        timeout: 60_000,
      });
      expect(run.status, run.stdout).toBe(0);
      return run.stdout;
    };
    const shown = atTerminal(false);
    expect(shown).toMatch(/reading\s+\[[█░]+\] 8\/8 100%/);
    expect(shown).toMatch(/applying\s+\[[█░]+\] 8\/8 100%/);
    expect(shown).toMatch(/validating\s+\[[█░]+\] 8\/8 100%/);
    const quiet = atTerminal(true);
    expect(quiet).not.toMatch(/applying|validating/);
    expect(quiet).toContain('roster sync (deltas, via api): finished');
  }, 60_000);
});
