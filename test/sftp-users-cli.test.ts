import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/database.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { runInProcess, tempDir } from './helpers/cli.js';
import { PG_URL, scratchSchema } from './helpers/dialects.js';
import {
  connectClient,
  makeKeyPair,
  run,
  runSftpBatch,
  scratchDir,
  startTestSftp,
  type KeyPair,
  type TestSftp,
} from './helpers/sftp.js';

interface PrintedAccount {
  name: string;
  password: boolean;
  public_keys: Array<{ type: string; fingerprint: string; comment: string }>;
  created_at: string;
  revoked_at: string | null;
}

/** A command that must succeed and print one JSON document. */
async function rosterJson<T>(...args: string[]): Promise<T> {
  const done = await runInProcess(...args);
  expect({ code: done.code, stderr: done.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(done.stdout) as T;
}

/** A command that must fail with exactly this message. */
async function rosterFails(message: string, ...args: string[]): Promise<void> {
  const done = await runInProcess(...args);
  expect({ code: done.code, stdout: done.stdout, stderr: done.stderr }).toEqual({
    code: 1,
    stdout: '',
    stderr: `roster: ${message}\n`,
  });
}

/** `ssh-keygen -lf`'s fingerprint of a key file. */
async function fingerprintOf(file: string): Promise<string> {
  const out = (await run('ssh-keygen', ['-lf', file])).stdout;
  return out.split(' ')[1] ?? '';
}

/** The data the commands and the running server share: an SQLite data folder, or a PostgreSQL schema. */
interface SharedData {
  readonly args: string[];
  readonly open: () => Promise<Store>;
  readonly drop: () => Promise<void>;
}

const VARIANTS: ReadonlyArray<{ readonly name: string; readonly make: () => Promise<SharedData> }> = [
  {
    name: 'SQLite (--data)',
    make: () => {
      const data = tempDir();
      return Promise.resolve({
        args: ['--data', data],
        open: () => openPreparedStore({ kind: 'sqlite', filename: path.join(data, 'roster.sqlite') }),
        drop: () => Promise.resolve(),
      });
    },
  },
  ...(PG_URL
    ? [
        {
          name: 'PostgreSQL (--database-url)',
          make: async (): Promise<SharedData> => {
            const { url, drop } = await scratchSchema('sftpcli');
            return { args: ['--database-url', url], open: () => openPreparedStore({ kind: 'postgres', url }), drop };
          },
        },
      ]
    : []),
];

const PASSWORD = 'a long enough password';

for (const variant of VARIANTS) {
  // Each command opens and migrates the database, about a second on PostgreSQL: the refusals take a dozen.
  describe(`roster sftp-users, against the data a running SFTP server uses: ${variant.name}`, { timeout: 60_000 }, () => {
    let data: SharedData;
    let store: Store;
    let sftp: TestSftp;
    let dir: string;
    let key: KeyPair;

    beforeAll(async () => {
      data = await variant.make();
      // The commands migrate a fresh database first; the server then opens the same one.
      await rosterJson('sftp-users', 'list', ...data.args);
      store = await data.open();
      sftp = await startTestSftp(store);
      dir = scratchDir();
      key = await makeKeyPair(dir, 'id_ed25519', 'ada@acme.example');
    });
    afterAll(async () => {
      await sftp.server.close();
      await store.close();
      await data.drop();
    });

    const signsInWithPassword = async (username: string, password: string): Promise<boolean> => {
      try {
        const { client } = await connectClient({ port: sftp.port, username, password });
        await client.end();
        return true;
      } catch {
        return false;
      }
    };
    const signsInWithKey = async (username: string, pair: KeyPair): Promise<boolean> =>
      (await runSftpBatch({ port: sftp.port, user: username, key: pair, commands: ['pwd'], cwd: dir })).code === 0;

    it('creates accounts with a password, a key, or both; each signs in at once', async () => {
      const withPassword = await rosterJson<PrintedAccount>(
        'sftp-users',
        'create',
        '--name',
        'hr-feed',
        '--password',
        PASSWORD,
        ...data.args,
      );
      expect(withPassword).toEqual({
        name: 'hr-feed',
        password: true,
        public_keys: [],
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/) as unknown,
        revoked_at: null,
      });
      expect(await signsInWithPassword('hr-feed', PASSWORD)).toBe(true);
      expect(await signsInWithPassword('hr-feed', `${PASSWORD}!`)).toBe(false);

      const withKey = await rosterJson<PrintedAccount>(
        'sftp-users',
        'create',
        '--name',
        'payroll',
        '--public-key',
        key.publicKeyFile,
        ...data.args,
      );
      expect(withKey.public_keys).toEqual([
        { type: 'ssh-ed25519', fingerprint: await fingerprintOf(key.publicKeyFile), comment: 'ada@acme.example' },
      ]);
      expect(withKey.password).toBe(false);
      expect(await signsInWithKey('payroll', key)).toBe(true);
      expect(await signsInWithPassword('payroll', PASSWORD)).toBe(false);

      // Two keys in one file (authorized_keys style, with a comment line), and a password.
      const second = await makeKeyPair(dir, 'second', 'second key');
      const both = path.join(dir, 'both.pub');
      writeFileSync(both, `# Acme's keys\n${key.publicKey}\n${second.publicKey}`);
      const bothAccount = await rosterJson<PrintedAccount>(
        'sftp-users',
        'create',
        ...['--name', 'acme.ops', '--password', PASSWORD, '--public-key', both],
        ...data.args,
      );
      expect(bothAccount.password).toBe(true);
      expect(bothAccount.public_keys.map((k) => k.comment)).toEqual(['ada@acme.example', 'second key']);
      expect(await signsInWithKey('acme.ops', second)).toBe(true);
      expect(await signsInWithPassword('acme.ops', PASSWORD)).toBe(true);
    });

    it('refuses what cannot make an account, saying why', async () => {
      const missing = path.join(dir, 'nope.pub');
      const garbage = path.join(dir, 'garbage.pub');
      writeFileSync(garbage, 'not a key at all\n');
      const options = path.join(dir, 'options.pub');
      writeFileSync(options, `from="10.0.0.1" ${key.publicKey}`);
      const empty = path.join(dir, 'empty.pub');
      writeFileSync(empty, '# nothing here\n\n');
      await rosterFails(
        'An SFTP account needs a password, a public key, or both',
        'sftp-users',
        'create',
        '--name',
        'x',
        ...data.args,
      );
      await rosterFails(
        'An SFTP password needs at least 12 characters',
        'sftp-users',
        'create',
        '--name',
        'x',
        '--password',
        'short',
        ...data.args,
      );
      await rosterFails(
        'An SFTP account name may hold only letters, digits and . _ - (1 to 64)',
        ...['sftp-users', 'create', '--name', 'has space', '--password', PASSWORD, ...data.args],
      );
      await rosterFails(
        `${key.privateKeyFile} holds a private key; give the public one (the .pub file)`,
        ...['sftp-users', 'create', '--name', 'x', '--public-key', key.privateKeyFile, ...data.args],
      );
      await rosterFails(
        `Cannot read the public key file ${missing} (ENOENT)`,
        'sftp-users',
        'create',
        '--name',
        'x',
        '--public-key',
        missing,
        ...data.args,
      );
      await rosterFails(
        `Line 1 of ${garbage} is not an OpenSSH public key (type base64 [comment], no options)`,
        ...['sftp-users', 'create', '--name', 'x', '--public-key', garbage, ...data.args],
      );
      await rosterFails(
        `Line 1 of ${options} is not an OpenSSH public key (type base64 [comment], no options)`,
        ...['sftp-users', 'create', '--name', 'x', '--public-key', options, ...data.args],
      );
      await rosterFails(
        `${empty} holds no public key`,
        'sftp-users',
        'create',
        '--name',
        'x',
        '--public-key',
        empty,
        ...data.args,
      );
      await rosterFails(
        'SFTP account name hr-feed is taken',
        'sftp-users',
        'create',
        '--name',
        'hr-feed',
        '--password',
        PASSWORD,
        ...data.args,
      );
      const noName = await runInProcess('sftp-users', 'create', '--password', PASSWORD, ...data.args);
      expect(noName.code).not.toBe(0);
      expect(noName.stderr).toContain("required option '--name <name>' not specified");
      // None of them left an account.
      const listed = await rosterJson<PrintedAccount[]>('sftp-users', 'list', ...data.args);
      expect(listed.map((a) => a.name)).toEqual(['hr-feed', 'payroll', 'acme.ops']);
    });

    it('lists accounts without secrets; stores the password only as its scrypt digest', async () => {
      const listed = await runInProcess('sftp-users', 'list', ...data.args);
      expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
      expect(listed.stdout).not.toContain(PASSWORD);
      expect(listed.stdout).not.toContain('scrypt');
      const accounts = JSON.parse(listed.stdout) as PrintedAccount[];
      for (const a of accounts)
        expect(Object.keys(a).sort()).toEqual(['created_at', 'name', 'password', 'public_keys', 'revoked_at']);
      expect(accounts.map((a) => [a.name, a.password, a.public_keys.length, a.revoked_at])).toEqual([
        ['hr-feed', true, 0, null],
        ['payroll', false, 1, null],
        ['acme.ops', true, 2, null],
      ]);
      const rows = await store.db.selectFrom('sftp_accounts').selectAll().orderBy('id').execute();
      expect(JSON.stringify(rows)).not.toContain(PASSWORD);
      expect(rows.map((r) => r['password_digest'])).toEqual([
        expect.stringMatching(/^scrypt\$16384\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/),
        null,
        expect.stringMatching(/^scrypt\$16384\$/),
      ]);
    });

    it('revokes by name: the running server refuses the account from its next sign-in on', async () => {
      expect(await signsInWithPassword('acme.ops', PASSWORD)).toBe(true);
      expect(await rosterJson('sftp-users', 'revoke', 'acme.ops', ...data.args)).toEqual({ name: 'acme.ops', revoked: true });
      expect(await signsInWithPassword('acme.ops', PASSWORD)).toBe(false);
      expect(await signsInWithKey('acme.ops', key)).toBe(false);
      // The others are untouched.
      expect(await signsInWithKey('payroll', key)).toBe(true);
      await rosterFails('SFTP account acme.ops not found, or already revoked', 'sftp-users', 'revoke', 'acme.ops', ...data.args);
      await rosterFails('SFTP account nobody not found, or already revoked', 'sftp-users', 'revoke', 'nobody', ...data.args);
      // A revoked account keeps its name.
      await rosterFails(
        'SFTP account name acme.ops is taken',
        'sftp-users',
        'create',
        '--name',
        'acme.ops',
        '--password',
        PASSWORD,
        ...data.args,
      );
      const listed = await rosterJson<PrintedAccount[]>('sftp-users', 'list', ...data.args);
      expect(listed.find((a) => a.name === 'acme.ops')?.revoked_at).toMatch(/^\d{4}-/);
      expect(sftp.logs.filter((l) => l.msg === 'SFTP sign-in failed').map((l) => l.fields)).toContainEqual({
        user: 'acme.ops',
        method: 'password',
      });
    });
  });
}
