// `roster sync` end to end: the binary against a real `roster serve`, on each dialect, by the Users API
// and by CSV over SFTP; the seeds' modify (002) and deactivate (003) flows, a create, a reactivation,
// a rerun with no writes, a dry run, the guards, OAuth, notices, and no secret in anything it writes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, tempDir } from './helpers/cli.js';
import { PG_URL } from './helpers/dialects.js';
import { startInbox, type Inbox } from './helpers/smtp.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  api,
  createUser,
  readJournal,
  runSync,
  SFTP_PASSWORD,
  startSyncTarget,
  userByLogin,
  writeIn,
  type SyncTarget,
} from './helpers/sync.js';

const MAPPING = `key: login
fields:
  login: user_name
  email: { column: work_email, transforms: [trim, lower] }
  firstname: given_name
  lastname: family_name
  employee-number: emp_id
`;

const HEADER = 'user_name,work_email,given_name,family_name,emp_id';
const row = (login: string, lastname: string, email = `${login.toLowerCase()}@example.com`): string =>
  `${login},${email},Pat,${lastname.includes(',') ? `"${lastname}"` : lastname},E-${login}`;
const HOOK_PASSWORD = 'hook-password-42';
const HOOK_TOKEN = 'hook-token-4242';
const KEEP = ['keep1', 'keep2', 'keep3', 'keep4', 'keep5'];
/** The rows of the users still active after the guard test, unchanged. */
const STAYING = [
  ...['keep2', 'keep3', 'keep4'].map((k) => row(k, k)),
  row('newbie', 'Newbie'),
  row('csvnew', 'Created, by CSV'),
  row('returner', 'returner'),
];

interface Report {
  created: number;
  updated: number;
  deactivated: number;
  reactivated: number;
  unchanged: number;
  failed: number;
  withheld: number;
  withheldKeys: string[];
  guard: string | null;
  failures: { key: string; action: string; reason: string }[];
  exit: number;
}
const counts = (r: Report): number[] => [r.created, r.updated, r.deactivated, r.reactivated, r.unchanged, r.failed];

const dialects: ('sqlite' | 'postgres')[] = ['sqlite', ...(PG_URL ? (['postgres'] as const) : [])];

describe.each(dialects)('roster sync against roster serve (%s)', (dialect) => {
  let target: SyncTarget;
  let dir: string;
  let mapping: string;
  const written: string[] = [];
  const auth = (): NodeJS.ProcessEnv => ({ ROSTER_SYNC_API_KEY: target.apiKey });
  /** The common flags, with this run's report and journal files (kept for the secrets check). */
  const flags = (input: string, name: string): string[] => {
    const report = path.join(dir, `${name}.report.json`);
    const journal = path.join(dir, `${name}.journal.jsonl`);
    written.push(report, journal);
    return ['--input', input, '--mapping', mapping, '--url', target.url, '--report', report, '--journal', journal];
  };
  const reportOf = (name: string): Report => JSON.parse(readFileSync(path.join(dir, `${name}.report.json`), 'utf8')) as Report;
  const journalOf = (name: string): Record<string, unknown>[] => readJournal(path.join(dir, `${name}.journal.jsonl`));
  const outputs: string[] = [];

  beforeAll(async () => {
    target = await startSyncTarget(dialect);
    dir = tempDir();
    mapping = writeIn(dir, 'mapping.yaml', MAPPING);
    const people = [
      {
        login: 'USER_TEST',
        email: 'user.test@example.com',
        firstname: 'Pat',
        lastname: 'test',
        'employee-number': 'E-USER_TEST',
      },
      ...[...KEEP, 'leaver', 'returner'].map((login) => ({
        login,
        email: `${login}@example.com`,
        firstname: 'Pat',
        lastname: login,
        'employee-number': `E-${login}`,
      })),
    ];
    for (const p of people) await createUser(target, p);
    const returner = await userByLogin(target, 'returner');
    await api(target, 'PUT', `/api/users/${String(returner?.['id'])}`, { active: false });
  }, 60_000);
  afterAll(async () => {
    await target.stop();
  });

  const first = (): string =>
    writeIn(
      dir,
      'hr.csv',
      [
        HEADER,
        row('USER_TEST', 'test new lastname', ' User.Test.New@Example.com'),
        ...KEEP.map((k) => row(k, k)),
        row('returner', 'returner'),
        row('newbie', 'Newbie'),
      ].join('\n'),
    );

  it('a dry run prints and writes the plan and changes nothing', async () => {
    const plan = path.join(dir, 'plan.json');
    const run = await runSync([...flags(first(), 'dry'), '--dry-run', '--plan', plan], auth());
    outputs.push(run.stdout, run.stderr);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('plan (dry run: nothing is written)');
    expect(run.stdout).toMatch(/update\s+USER_TEST: email → "user.test.new@example.com", lastname → "test new lastname"/);
    const written = JSON.parse(readFileSync(plan, 'utf8')) as { changes: { action: string; key: string }[] };
    expect(written.changes.map((c) => `${c.action} ${c.key}`).sort()).toEqual([
      'create newbie',
      'deactivate leaver',
      'reactivate returner',
      'update USER_TEST',
    ]);
    expect((await userByLogin(target, 'USER_TEST'))?.['lastname']).toBe('test');
    expect(journalOf('dry').every((e) => e['method'] === 'GET')).toBe(true);
  });

  it('applies by API: the seeds modify and deactivate, and a create and a reactivation, validated', async () => {
    const run = await runSync(flags(first(), 'api'), auth());
    outputs.push(run.stdout, run.stderr);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const report = reportOf('api');
    // created, updated, deactivated, reactivated, unchanged, failed
    expect(counts(report)).toEqual([1, 1, 1, 1, 5, 0]);
    const user = await userByLogin(target, 'USER_TEST');
    expect([user?.['lastname'], user?.['email'], user?.['active']]).toEqual([
      'test new lastname',
      'user.test.new@example.com',
      true,
    ]);
    expect((await userByLogin(target, 'leaver'))?.['active']).toBe(false);
    expect((await userByLogin(target, 'returner'))?.['active']).toBe(true);
    expect((await userByLogin(target, 'newbie'))?.['lastname']).toBe('Newbie');
    // The API user behind the key is no HR person, and is left alone.
    const { body } = await api(target, 'GET', '/api/users?api-user=true');
    expect((body as { active: boolean }[]).every((u) => u.active)).toBe(true);
    // The seeds' flow for USER_TEST: find by login, then PUT by id with only what changed, then read back.
    const calls = journalOf('api')
      .filter((e) => e['key'] === 'USER_TEST')
      .map((e) => `${String(e['method'])} ${String(e['status'])} ${new URL(String(e['url'])).pathname}`);
    expect(calls).toEqual([
      `GET 200 /api/users`,
      `PUT 200 /api/users/${String(user?.['id'])}`,
      `GET 200 /api/users/${String(user?.['id'])}`,
    ]);
  });

  it('a rerun over the same export writes nothing', async () => {
    const run = await runSync(flags(first(), 'rerun'), auth());
    outputs.push(run.stdout, run.stderr);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(counts(reportOf('rerun'))).toEqual([0, 0, 0, 0, 8, 0]);
    expect(journalOf('rerun').filter((e) => e['method'] !== 'GET')).toEqual([]);
  });

  it('applies by CSV over SFTP, following the load to Done', async () => {
    const input = writeIn(
      dir,
      'hr2.csv',
      [
        HEADER,
        row('USER_TEST', 'by csv', 'user.test.new@example.com'),
        ...KEEP.slice(0, 4).map((k) => row(k, k)),
        row('returner', 'returner'),
        row('newbie', 'Newbie'),
        row('csvnew', 'Created, by CSV'),
      ].join('\n'),
    );
    const sftp = `sftp://acme-hr:${encodeURIComponent(SFTP_PASSWORD)}@127.0.0.1:${target.sftpPort}`;
    // The host key pinned as the banner shows it, as a careful operator would.
    const hostKey = /host key (SHA256:\S+?)\)/.exec(target.served.banner)?.[1] ?? 'missing';
    const run = await runSync([...flags(input, 'csv'), '--via', 'csv', '--sftp-url', sftp, '--sftp-host-key', hostKey], auth());
    outputs.push(run.stdout, run.stderr);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(counts(reportOf('csv'))).toEqual([1, 1, 1, 0, 6, 0]);
    expect((await userByLogin(target, 'USER_TEST'))?.['lastname']).toBe('by csv');
    expect((await userByLogin(target, 'csvnew'))?.['lastname']).toBe('Created, by CSV');
    expect((await userByLogin(target, 'keep5'))?.['active']).toBe(false);
    const sources = await api(target, 'GET', '/api/data_file_sources');
    expect((sources.body as { status: string }[]).map((s) => s.status)).toContain('Done');
  });

  it('by CSV, refuses credentials that cannot follow the loads before putting anything', async () => {
    const created = await runBinary(
      'keys',
      'create',
      '--name',
      'users-only',
      '--scopes',
      'core.user.read core.user.write',
      ...target.flags,
    );
    const key = (JSON.parse(created.stdout) as { key: string }).key;
    const input = writeIn(
      dir,
      'hr3.csv',
      [
        HEADER,
        row('USER_TEST', 'never by csv'),
        ...KEEP.slice(0, 4).map((k) => row(k, k)),
        row('returner', 'returner'),
        row('newbie', 'Newbie'),
        row('csvnew', 'Created, by CSV'),
      ].join('\n'),
    );
    const sftp = `sftp://acme-hr:${encodeURIComponent(SFTP_PASSWORD)}@127.0.0.1:${target.sftpPort}`;
    const run = await runSync([...flags(input, 'csv-scope'), '--via', 'csv', '--sftp-url', sftp], { ROSTER_SYNC_API_KEY: key });
    outputs.push(run.stdout, run.stderr);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain('(the credentials need core.integration.read); nothing was uploaded');
    expect((await userByLogin(target, 'USER_TEST'))?.['lastname']).toBe('by csv');
  });

  it('refuses an export far smaller than the last accepted one, and changes nothing', async () => {
    const input = writeIn(dir, 'cut.csv', [HEADER, row('USER_TEST', 'cut short')].join('\n'));
    const run = await runSync(flags(input, 'cut'), auth());
    outputs.push(run.stdout, run.stderr);
    expect(run.code).toBe(3);
    expect(reportOf('cut').guard).toMatch(/under half the 8 of the last accepted run/);
    expect((await userByLogin(target, 'USER_TEST'))?.['lastname']).toBe('by csv');
  });

  it('withholds deactivations over the limit, applies the rest, exits 3 and notifies', async () => {
    const inbox: Inbox = await startInbox();
    const hooks: unknown[] = [];
    const hook: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        hooks.push({ authorization: req.headers.authorization, ...(JSON.parse(body) as object) });
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const input = writeIn(
        dir,
        'limit.csv',
        [
          HEADER,
          row('USER_TEST', 'limited'),
          row('keep1', 'keep1'),
          row('newbie', 'Newbie'),
          row('csvnew', 'Created, by CSV'),
          row('returner', 'returner'),
        ].join('\n'),
      );
      const run = await runSync(
        [
          ...flags(input, 'limit'),
          '--max-deactivations',
          '1',
          '--smtp-url',
          `smtp://127.0.0.1:${inbox.port}`,
          '--notify-email',
          'hr-ops@example.com',
          '--notify-url',
          `http://hooks:${HOOK_PASSWORD}@127.0.0.1:${(hook.address() as AddressInfo).port}/hook?token=${HOOK_TOKEN}`,
        ],
        auth(),
      );
      outputs.push(run.stdout, run.stderr);
      expect(run.code, run.stdout).toBe(3);
      const report = reportOf('limit');
      expect([report.updated, report.deactivated, report.withheld]).toEqual([1, 0, 3]);
      expect((await userByLogin(target, 'keep2'))?.['active']).toBe(true);
      expect((await userByLogin(target, 'USER_TEST'))?.['lastname']).toBe('limited');
      expect(inbox.received.map((m) => m.subject)).toEqual([`roster sync stopped by a guard (${target.url})`]);
      expect(inbox.received[0]?.text).toContain('guard: 3 deactivations planned, over the limit of 1');
      expect(report.withheldKeys).toEqual(['keep2', 'keep3', 'keep4']);
      expect(run.stdout).toContain('  withheld: keep2, keep3, keep4');
      // The webhook's user and password went as Basic authorization, never into the URL written anywhere.
      expect(hooks).toMatchObject([
        {
          authorization: `Basic ${Buffer.from(`hooks:${HOOK_PASSWORD}`).toString('base64')}`,
          event: 'roster.sync.report',
          report: { withheld: 3, exit: 3 },
        },
      ]);
      expect(journalOf('limit').some((e) => e['note'] === `guard: ${report.guard ?? ''}`)).toBe(true);
    } finally {
      await inbox.close();
      await new Promise<void>((r) => hook.close(() => r()));
    }
  });

  it('logs a user Coupa refuses with its error text, goes on, and exits 2', async () => {
    const input = writeIn(
      dir,
      'bad.csv',
      [HEADER, row('USER_TEST', 'still fine'), row('keep1', 'keep1', 'not-an-email'), ...STAYING].join('\n'),
    );
    const run = await runSync(flags(input, 'bad'), auth());
    outputs.push(run.stdout, run.stderr);
    expect(run.code, run.stdout).toBe(2);
    const report = reportOf('bad');
    expect(report.updated).toBe(1);
    expect(report.failures).toEqual([{ key: 'keep1', action: 'update', reason: 'HTTP 400: Email is invalid' }]);
    expect(journalOf('bad').find((e) => e['key'] === 'keep1' && e['method'] === 'PUT')?.['coupaError']).toBe('Email is invalid');
  });

  it('signs in with OAuth client credentials, the secret from the environment', async () => {
    const input = writeIn(dir, 'oauth.csv', [HEADER, row('USER_TEST', 'by oauth'), row('keep1', 'keep1'), ...STAYING].join('\n'));
    const run = await runSync([...flags(input, 'oauth'), '--client-id', target.clientId], {
      ROSTER_SYNC_CLIENT_SECRET: target.clientSecret,
    });
    outputs.push(run.stdout, run.stderr);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(reportOf('oauth').updated).toBe(1);
    expect(journalOf('oauth')[0]?.['url']).toBe(`${target.url}/oauth2/token`);
  });

  it('with --deltas, applies only the rows given, from JSON Lines, and deactivates only on an action', async () => {
    const line = (o: Record<string, string>): string => JSON.stringify(o);
    const input = writeIn(
      dir,
      'changes.jsonl',
      [
        line({
          action: 'update',
          user_name: 'keep2',
          work_email: 'keep2@example.com',
          given_name: 'Pat',
          family_name: 'via deltas',
          emp_id: 'E-keep2',
        }),
        line({ action: 'Terminate', user_name: 'keep3' }),
      ].join('\n'),
    );
    const run = await runSync([...flags(input, 'deltas'), '--deltas'], auth());
    outputs.push(run.stdout, run.stderr);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(counts(reportOf('deltas'))).toEqual([0, 1, 1, 0, 0, 0]);
    expect((await userByLogin(target, 'keep2'))?.['lastname']).toBe('via deltas');
    expect((await userByLogin(target, 'keep3'))?.['active']).toBe(false);
    expect((await userByLogin(target, 'keep4'))?.['active']).toBe(true);
  });

  it('stops with exit 1 when Coupa refuses the credentials, writing nothing', async () => {
    const input = writeIn(dir, 'wrong.csv', [HEADER, row('USER_TEST', 'never')].join('\n'));
    const run = await runSync([...flags(input, 'wrong'), '--allow-shrink'], { ROSTER_SYNC_API_KEY: 'not-a-real-key-at-all' });
    outputs.push(run.stdout, run.stderr);
    expect(run.code).toBe(1);
    const report = JSON.parse(readFileSync(path.join(dir, 'wrong.report.json'), 'utf8')) as { fatal: string; exit: number };
    expect(report.fatal).toMatch(/^reading users at offset 0: HTTP 401/);
    expect(report.exit).toBe(1);
    expect((await userByLogin(target, 'USER_TEST'))?.['lastname']).not.toBe('never');
  });

  it('takes a URL that answers 404 for a wrong one, not for an empty Coupa: exit 1, nothing written', async () => {
    const run = await runSync([...flags(first(), 'wrong-url'), '--url', `${target.url}/nope`], auth());
    outputs.push(run.stdout, run.stderr);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/error: reading users at offset 0: HTTP 404/);
    expect(journalOf('wrong-url').filter((e) => e['method'] !== 'GET')).toEqual([]);
  });

  it('never writes a secret into its journal, report or output', () => {
    const everything = [...written.map((f) => readFileSync(f, 'utf8')), ...outputs].join('\n');
    for (const secret of [
      target.apiKey,
      target.clientSecret,
      SFTP_PASSWORD,
      encodeURIComponent(SFTP_PASSWORD),
      HOOK_PASSWORD,
      HOOK_TOKEN,
    ]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(everything).not.toContain(secret);
    }
  });
});
