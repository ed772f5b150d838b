import { createServer, Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2, { type SFTPWrapper } from 'ssh2';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/database.js';
import { FileStore } from '../src/store/file-store.js';
import { generateHostKey, SFTP_HOST_KEY_NAME } from '../src/sftp/host-key.js';
import { DIALECTS } from './helpers/dialects.js';
import {
  connectClient,
  createAccount,
  makeKeyPair,
  rawRequest,
  revokeAccount,
  run,
  runScp,
  runSftpBatch,
  scratchDir,
  startTestSftp,
  type ConnectedClient,
  type KeyPair,
  type TestSftp,
} from './helpers/sftp.js';

const { STATUS_CODE } = ssh2.utils.sftp;

const USER = 'acme';
const PASSWORD = 'correct horse battery staple';
const DROP = '/Incoming/Users';
const ARCHIVED = '/Incoming/Archive/Users';

/** A CSV of `rows` users, larger than one SFTP packet once rows pass ~500, so uploads and downloads are pipelined. */
function usersCsv(rows: number, tag = ''): Buffer {
  const lines = ['Login,Email,First Name,Last Name,Active'];
  for (let i = 1; i <= rows; i++) lines.push(`user${tag}${i},user${tag}${i}@example.com,Ada${i},Lovelace,Yes`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Every path in the file store, sorted (the whole tree as stored). */
async function storedPaths(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('stored_files').select('path').orderBy('path').execute();
  return rows.map((r) => String(r['path']));
}

/** What a refused raw request must carry: its SSH_FX_* code and the server's message. */
function expectStatus(err: (Error & { code?: number }) | undefined, code: number, message: string | RegExp): void {
  expect(err, 'the request should have been refused').toBeDefined();
  expect(err?.code).toBe(code);
  if (typeof message === 'string') expect(err?.message).toBe(message);
  else expect(err?.message).toMatch(message);
}

/** Opens `remote` with ssh2's `flags` on the raw channel. */
const open = (sftp: SFTPWrapper, remote: string, flags: 'r' | 'w' | 'a' | 'r+') =>
  rawRequest<Buffer>((done) => sftp.open(remote, flags, done));
const write = (sftp: SFTPWrapper, handle: Buffer, data: Buffer, position: number) =>
  rawRequest((done) => sftp.write(handle, data, 0, data.length, position, (err) => done(err)));
const close = (sftp: SFTPWrapper, handle: Buffer) => rawRequest((done) => sftp.close(handle, done));

const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** An ssh2 client signed in as the test account with its password, for requests beyond SFTP. */
function signedIn(port: number): Promise<ssh2.Client> {
  const conn = new ssh2.Client();
  return new Promise((resolve, reject) => {
    conn
      .once('ready', () => resolve(conn))
      .once('error', reject)
      .connect({ host: '127.0.0.1', port, username: USER, password: PASSWORD });
  });
}

describe('SFTP server', () => {
  let dir: string;
  let key: KeyPair;
  beforeAll(async () => {
    dir = scratchDir();
    key = await makeKeyPair(dir);
  });

  it("makes only well-formed host keys, though ssh2's generator spoils about one ed25519 key in 300", () => {
    for (let i = 0; i < 1000; i++) {
      const parsed = ssh2.utils.parseKey(generateHostKey());
      if (parsed instanceof Error) throw parsed;
      expect(parsed.getPublicSSH().length).toBe(51);
    }
  });

  for (const dialect of DIALECTS) {
    describe(`on ${dialect.name}`, () => {
      let store: Store;
      let drop: () => Promise<void>;
      let files: FileStore;
      const servers: TestSftp[] = [];
      const clients: ConnectedClient[] = [];

      /** A server over this test's store; stopped after the test. */
      const serve = async (options: Parameters<typeof startTestSftp>[1] = {}): Promise<TestSftp> => {
        const started = await startTestSftp(store, options);
        servers.push(started);
        return started;
      };
      const connect = async (port: number, opts: { username?: string; password?: string } = {}): Promise<ConnectedClient> => {
        const c = await connectClient({ port, username: opts.username ?? USER, password: opts.password ?? PASSWORD });
        clients.push(c);
        return c;
      };
      const batch = (port: number, commands: readonly string[]) => runSftpBatch({ port, user: USER, key, commands, cwd: dir });

      beforeEach(async () => {
        ({ store, drop } = await dialect.open());
        files = new FileStore(store);
        await createAccount(store, { name: USER, password: PASSWORD, publicKeys: key.publicKey });
      });
      afterEach(async () => {
        await Promise.all(clients.splice(0).map((c) => c.client.end().catch(() => false)));
        await Promise.all(servers.splice(0).map((s) => s.server.close()));
        await drop();
      });

      it('OpenSSH sftp with a key: put, ls, get, rename and rm in the drop folder, stored exactly', async () => {
        const t = await serve();
        const csv = usersCsv(3000);
        writeFileSync(path.join(dir, 'users.csv'), csv);

        const put = await batch(t.port, ['cd /Incoming/Users', 'put users.csv', 'ls -l']);
        expect({ code: put.code, stderr: put.stderr }).toEqual({ code: 0, stderr: '' });
        expect(put.stdout).toMatch(
          new RegExp(`\\n-rw-r--r-- +1 roster +roster +${csv.length} [A-Z][a-z]{2} [ \\d]\\d [\\d:]{5} users\\.csv\\n`),
        );
        expect(await storedPaths(store)).toEqual([`${DROP}/users.csv`]);
        expect(await files.entry(`${DROP}/users.csv`)).toMatchObject({
          filename: 'users.csv',
          contentType: 'text/csv',
          size: csv.length,
        });
        expect((await files.read(`${DROP}/users.csv`))?.equals(csv)).toBe(true);
        expect(t.uploads).toEqual([`${DROP}/users.csv`]);

        const get = await batch(t.port, ['get /Incoming/Users/users.csv back.csv']);
        expect({ code: get.code, stderr: get.stderr }).toEqual({ code: 0, stderr: '' });
        expect(readFileSync(path.join(dir, 'back.csv')).equals(csv)).toBe(true);

        // A second put of the same name replaces the file.
        const newer = usersCsv(10, 'b');
        writeFileSync(path.join(dir, 'users.csv'), newer);
        expect((await batch(t.port, ['put users.csv /Incoming/Users/users.csv'])).code).toBe(0);
        expect((await files.read(`${DROP}/users.csv`))?.equals(newer)).toBe(true);

        const renamed = await batch(t.port, [
          'rename /Incoming/Users/users.csv /Incoming/Users/2024-01-users.csv',
          'ls /Incoming/Users',
        ]);
        expect({ code: renamed.code, stderr: renamed.stderr }).toEqual({ code: 0, stderr: '' });
        expect(renamed.stdout).toContain('/Incoming/Users/2024-01-users.csv');
        expect(await storedPaths(store)).toEqual([`${DROP}/2024-01-users.csv`]);
        expect((await files.read(`${DROP}/2024-01-users.csv`))?.equals(newer)).toBe(true);
        expect(t.uploads).toEqual([`${DROP}/users.csv`, `${DROP}/users.csv`, `${DROP}/2024-01-users.csv`]);

        const rm = await batch(t.port, ['rm /Incoming/Users/2024-01-users.csv']);
        expect({ code: rm.code, stderr: rm.stderr }).toEqual({ code: 0, stderr: '' });
        expect(await storedPaths(store)).toEqual([]);
        expect(t.logs.filter((l) => l.msg === 'SFTP sign-in').map((l) => l.fields)).toContainEqual({
          user: USER,
          method: 'publickey',
        });
      });

      it('OpenSSH sftp: the fixed folders, the read-only archive (under both names), and every refusal', async () => {
        const t = await serve();
        await files.add({ path: `${ARCHIVED}/loaded.csv`, filename: 'loaded.csv', contentType: 'text/csv', data: usersCsv(2) });
        await files.add({ path: `${DROP}/waiting.csv`, filename: 'waiting.csv', contentType: 'text/csv', data: usersCsv(1) });
        writeFileSync(path.join(dir, 'x.csv'), usersCsv(1));

        const browse = await batch(t.port, [
          'ls /',
          'ls /Incoming',
          'ls /Incoming/Archive',
          'ls -l /Incoming/Archive/Users',
          'ls /Archive',
          'ls /Archive/Incoming',
          'ls /Archive/Incoming/Users',
          'ls /Outgoing',
          'cd /Archive/Incoming/Users',
          'get loaded.csv from-alias.csv',
          'cd ../../..',
          'pwd',
        ]);
        expect({ code: browse.code, stderr: browse.stderr }).toEqual({ code: 0, stderr: '' });
        // OpenSSH pads names into columns: one space between them here.
        const out = browse.stdout.replace(/ +\n/g, '\n').replace(/ {2,}/g, ' ');
        expect(out).toContain('sftp> ls /\n/Archive /Incoming /Outgoing\n');
        expect(out).toContain('sftp> ls /Incoming\n/Incoming/Archive /Incoming/Users\n');
        expect(out).toContain('sftp> ls /Incoming/Archive\n/Incoming/Archive/Users\n');
        expect(out).toMatch(
          /sftp> ls -l \/Incoming\/Archive\/Users\n-r--r--r-- 1 roster roster 124 [A-Z][a-z]{2} \d+ [\d:]+ loaded\.csv\n/,
        );
        expect(out).toContain('sftp> ls /Archive\n/Archive/Incoming\n');
        expect(out).toContain('sftp> ls /Archive/Incoming/Users\n/Archive/Incoming/Users/loaded.csv\n');
        expect(out).toContain('sftp> ls /Outgoing\nsftp> cd');
        expect(out).toContain('Remote working directory: /\n');
        expect(readFileSync(path.join(dir, 'from-alias.csv')).equals(usersCsv(2))).toBe(true);

        const before = await storedPaths(store);
        // A leading `-` lets the batch go on past a refusal; OpenSSH prints the status code's own text.
        const refused = await batch(t.port, [
          '-put x.csv /Incoming/Archive/Users/x.csv',
          '-put x.csv /Archive/Incoming/Users/x.csv',
          '-put x.csv /Outgoing/x.csv',
          '-put x.csv /x.csv',
          '-put x.csv /etc/passwd',
          '-put x.csv ../../../../etc/cron.d/x',
          '-rm /Incoming/Archive/Users/loaded.csv',
          '-rename /Incoming/Users/waiting.csv /Incoming/Archive/Users/waiting.csv',
          '-rename /Incoming/Archive/Users/loaded.csv /Incoming/Users/loaded.csv',
          '-mkdir /Incoming/New',
          '-rmdir /Incoming/Users',
          '-ln -s /Incoming/Users/waiting.csv /Incoming/Users/link.csv',
          '-ln /Incoming/Users/waiting.csv /Incoming/Users/hard.csv',
          '-chmod 600 /Incoming/Users/waiting.csv',
          '-get /etc/passwd',
          '-get /Incoming/Users/nope.csv',
          '-cd /nope',
          '-rm /Incoming/Users/nope.csv',
        ]);
        expect(refused.code).toBe(0);
        // OpenSSH's log lines end in CR LF.
        expect(refused.stderr.split(/\r?\n/).filter((l) => l !== '')).toEqual([
          'dest open "/Incoming/Archive/Users/x.csv": Permission denied',
          'dest open "/Archive/Incoming/Users/x.csv": Permission denied',
          'dest open "/Outgoing/x.csv": Permission denied',
          'dest open "/x.csv": Permission denied',
          'dest open "/etc/passwd": Permission denied',
          // OpenSSH joins a relative path to the working directory as given; the server resolves it to /etc/cron.d/x.
          'dest open "/../../../../etc/cron.d/x": Permission denied',
          'remote delete /Incoming/Archive/Users/loaded.csv: Permission denied',
          'remote rename "/Incoming/Users/waiting.csv" to "/Incoming/Archive/Users/waiting.csv": Permission denied',
          'remote rename "/Incoming/Archive/Users/loaded.csv" to "/Incoming/Users/loaded.csv": Permission denied',
          'remote mkdir "/Incoming/New": Permission denied',
          'remote rmdir "/Incoming/Users": Permission denied',
          'remote symlink file "/Incoming/Users/waiting.csv" to "/Incoming/Users/link.csv": Permission denied',
          // The server offers no extensions, so OpenSSH does not even ask for a hard link.
          'Server does not support hardlink@openssh.com extension',
          'remote setstat "/Incoming/Users/waiting.csv": Permission denied',
          'File "/etc/passwd" not found.',
          'File "/Incoming/Users/nope.csv" not found.',
          'stat remote: No such file or directory',
          'remote delete /Incoming/Users/nope.csv: No such file or directory',
        ]);
        expect(await storedPaths(store)).toEqual(before);
        expect(t.uploads).toEqual([]);
      });

      it('OpenSSH scp (SFTP underneath) uploads and downloads, and exits 0; a refused copy exits 1 saying why', async () => {
        const t = await serve();
        const csv = usersCsv(2000);
        writeFileSync(path.join(dir, 'scp.csv'), csv);
        const up = await runScp({ port: t.port, key, from: path.join(dir, 'scp.csv'), to: `${USER}@127.0.0.1:/Incoming/Users/` });
        expect(up).toEqual({ code: 0, stdout: '', stderr: '' });
        expect((await files.read(`${DROP}/scp.csv`))?.equals(csv)).toBe(true);
        const down = await runScp({
          port: t.port,
          key,
          from: `${USER}@127.0.0.1:/Incoming/Users/scp.csv`,
          to: path.join(dir, 'scp-back.csv'),
        });
        expect(down).toEqual({ code: 0, stdout: '', stderr: '' });
        expect(readFileSync(path.join(dir, 'scp-back.csv')).equals(csv)).toBe(true);
        const refused = await runScp({
          port: t.port,
          key,
          from: path.join(dir, 'scp.csv'),
          to: `${USER}@127.0.0.1:/Incoming/Archive/Users/`,
        });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('dest open "/Incoming/Archive/Users/scp.csv": Permission denied');
        expect(await storedPaths(store)).toEqual([`${DROP}/scp.csv`]);

        // scp opens without TRUNC and sets the size last: a shorter file over a longer one leaves nothing of the older.
        const shorter = usersCsv(3, 'short');
        writeFileSync(path.join(dir, 'scp.csv'), shorter);
        expect(
          (await runScp({ port: t.port, key, from: path.join(dir, 'scp.csv'), to: `${USER}@127.0.0.1:/Incoming/Users/` })).code,
        ).toBe(0);
        expect((await files.read(`${DROP}/scp.csv`))?.toString()).toBe(shorter.toString());
      });

      it('ssh2-sftp-client with a password: put, list, get, rename, delete; what put and rename sent was enough', async () => {
        const t = await serve();
        const { client } = await connect(t.port);
        const csv = usersCsv(100);
        expect(await client.cwd()).toBe('/');
        // put: OPEN (write, create, truncate), FSETSTAT (the mode; a no-op here), WRITE…, CLOSE.
        await client.put(csv, `${DROP}/a.csv`);
        // fastPut: WRITEs in flight at once, answered in any order.
        writeFileSync(path.join(dir, 'fast.csv'), usersCsv(5000));
        await client.fastPut(path.join(dir, 'fast.csv'), `${DROP}/fast.csv`);
        expect((await files.read(`${DROP}/fast.csv`))?.equals(usersCsv(5000))).toBe(true);

        const listed = await client.list(DROP);
        expect(listed.map((f) => [f.name, f.type, f.size, f.rights]).sort()).toEqual([
          ['a.csv', '-', csv.length, { user: 'rw', group: 'r', other: 'r' }],
          ['fast.csv', '-', usersCsv(5000).length, { user: 'rw', group: 'r', other: 'r' }],
        ]);
        const entry = await files.entry(`${DROP}/a.csv`);
        expect(listed.find((f) => f.name === 'a.csv')?.modifyTime).toBe(Date.parse(entry?.updatedAt ?? ''));
        expect(await client.stat(DROP)).toMatchObject({ isDirectory: true, mode: 0o40755 });
        expect(await client.stat(ARCHIVED)).toMatchObject({ isDirectory: true, mode: 0o40555 });
        expect(await client.stat(`${DROP}/a.csv`)).toMatchObject({ isFile: true, mode: 0o100644, size: csv.length });

        expect(((await client.get(`${DROP}/a.csv`)) as Buffer).equals(csv)).toBe(true);
        await client.rename(`${DROP}/a.csv`, `${DROP}/b.csv`);
        expect(await storedPaths(store)).toEqual([`${DROP}/b.csv`, `${DROP}/fast.csv`]);
        await client.delete(`${DROP}/b.csv`);
        expect(await storedPaths(store)).toEqual([`${DROP}/fast.csv`]);
        expect(t.uploads).toEqual([`${DROP}/a.csv`, `${DROP}/fast.csv`, `${DROP}/b.csv`]);
        expect(t.logs.filter((l) => l.msg === 'SFTP sign-in').map((l) => l.fields)).toEqual([{ user: USER, method: 'password' }]);
      });

      it('a wrong password, an unknown account, a key-only account and a revoked account cannot sign in; failures are logged without the secret', async () => {
        const t = await serve();
        const other = await makeKeyPair(scratchDir(), 'other');
        await createAccount(store, { name: 'keyonly', publicKeys: other.publicKey });
        const refusedWith = async (username: string, password: string): Promise<void> => {
          await expect(connectClient({ port: t.port, username, password })).rejects.toThrow(
            /All configured authentication methods failed/,
          );
        };
        await refusedWith(USER, 'not the password at all');
        await refusedWith('nobody', PASSWORD);
        await refusedWith('keyonly', PASSWORD);
        // OpenSSH with a key the account does not hold.
        const wrongKey = await runSftpBatch({ port: t.port, user: USER, key: other, commands: ['pwd'], cwd: dir });
        expect(wrongKey.code).toBe(255);
        expect(wrongKey.stderr).toContain('Permission denied (publickey,password)');

        // The account works, then is revoked: neither its password nor its key signs in any more.
        expect((await batch(t.port, ['pwd'])).code).toBe(0);
        await (await connect(t.port)).client.end();
        expect(await revokeAccount(store, USER)).toBe(true);
        await refusedWith(USER, PASSWORD);
        const revoked = await batch(t.port, ['pwd']);
        expect(revoked.code).toBe(255);
        expect(revoked.stderr).toContain('Permission denied (publickey,password)');

        const failed = t.logs.filter((l) => l.msg === 'SFTP sign-in failed');
        expect(failed.map((l) => l.level)).toEqual(failed.map(() => 'warn'));
        expect(failed.map((l) => l.fields)).toEqual(
          expect.arrayContaining([
            { user: USER, method: 'password' },
            { user: 'nobody', method: 'password' },
            { user: 'keyonly', method: 'password' },
            { user: USER, method: 'publickey' },
          ]),
        );
        for (const line of t.logs) expect(Object.keys(line.fields).sort()).not.toContain('password');
        const logged = JSON.stringify(t.logs);
        expect(logged).not.toContain(PASSWORD);
        expect(logged).not.toContain('not the password at all');
      });

      it('paths resolve inside the tree as in a chroot: ../ and absolute paths outside reach nothing', async () => {
        const t = await serve();
        const { client, sftp } = await connect(t.port);
        expect(await client.realPath('../../..')).toBe('/');
        expect(await client.realPath('/Incoming/Users/../../../etc/./passwd')).toBe('/etc/passwd');
        expect(await client.realPath('Incoming//Users/')).toBe('/Incoming/Users');

        // A relative path starts at /, and .. never climbs above it.
        await client.put(Buffer.from('a\n'), '../../Incoming/Users/../Users/./climb.csv');
        await client.put(Buffer.from('b\n'), 'Incoming/Users/relative.csv');
        expect(await storedPaths(store)).toEqual([`${DROP}/climb.csv`, `${DROP}/relative.csv`]);
        expect((await client.list('../../..')).map((f) => f.name).sort()).toEqual(['Archive', 'Incoming', 'Outgoing']);

        const outside = 'Permission denied: files may be written only in /Incoming/Users';
        for (const target of ['/../../../etc/passwd', '/Incoming/Users/../../tmp/x.csv', '/Incoming/x.csv', '../x.csv']) {
          const opened = await open(sftp, target, 'w');
          expectStatus(opened.err, STATUS_CODE.PERMISSION_DENIED, outside);
        }
        expectStatus(
          (await open(sftp, '/../../etc/passwd', 'r')).err,
          STATUS_CODE.NO_SUCH_FILE,
          'No such file or folder: /etc/passwd',
        );
        expectStatus(
          (await rawRequest((done) => sftp.stat('/Incoming/Users/../../../root', done))).err,
          STATUS_CODE.NO_SUCH_FILE,
          'No such file or folder: /root',
        );
        // `..` resolves by name, as there are no links: /Incoming/Nope/.. is /Incoming (ssh2 leaves out `.` and `..`).
        const listed = await rawRequest<Array<{ filename: string }>>((done) => sftp.readdir('/Incoming/Nope/..', done));
        expect(listed.result?.map((e) => e.filename).sort()).toEqual(['Archive', 'Users']);
        expect(await storedPaths(store)).toEqual([`${DROP}/climb.csv`, `${DROP}/relative.csv`]);
      });

      it("requests that would change anything but a drop folder's files are refused, each with a message", async () => {
        const t = await serve();
        await files.add({ path: `${ARCHIVED}/loaded.csv`, filename: 'loaded.csv', contentType: 'text/csv', data: usersCsv(2) });
        const { client, sftp } = await connect(t.port);
        await client.put(Buffer.from('a\n'), `${DROP}/a.csv`);
        const before = await storedPaths(store);
        const denied = STATUS_CODE.PERMISSION_DENIED;

        const cases: Array<[string, Promise<{ err: (Error & { code?: number }) | undefined }>, number | 'ok', string]> = [
          [
            'put into the archive',
            open(sftp, `${ARCHIVED}/x.csv`, 'w'),
            denied,
            'Permission denied: /Incoming/Archive/Users is read-only',
          ],
          [
            'put into the archive alias',
            open(sftp, '/Archive/Incoming/Users/x.csv', 'w'),
            denied,
            'Permission denied: /Archive/Incoming/Users is read-only',
          ],
          [
            'open an archived file for update',
            open(sftp, `${ARCHIVED}/loaded.csv`, 'r+'),
            denied,
            'Permission denied: /Incoming/Archive/Users is read-only',
          ],
          ['put into /Outgoing', open(sftp, '/Outgoing/x.csv', 'w'), denied, 'Permission denied: /Outgoing is read-only'],
          [
            'put over a folder',
            open(sftp, DROP, 'w'),
            denied,
            'Permission denied: /Incoming/Users is a folder, and folders are fixed here',
          ],
          [
            'remove an archived file',
            rawRequest((done) => sftp.unlink(`${ARCHIVED}/loaded.csv`, done)),
            denied,
            'Permission denied: /Incoming/Archive/Users is read-only',
          ],
          [
            'rename out of the archive',
            rawRequest((done) => sftp.rename(`${ARCHIVED}/loaded.csv`, `${DROP}/loaded.csv`, done)),
            denied,
            'Permission denied: /Incoming/Archive/Users is read-only',
          ],
          [
            'rename into the archive',
            rawRequest((done) => sftp.rename(`${DROP}/a.csv`, `${ARCHIVED}/a.csv`, done)),
            denied,
            'Permission denied: /Incoming/Archive/Users is read-only',
          ],
          [
            'rename outside the tree',
            rawRequest((done) => sftp.rename(`${DROP}/a.csv`, '/tmp/a.csv', done)),
            denied,
            'Permission denied: files may be renamed only in /Incoming/Users',
          ],
          [
            'mkdir',
            rawRequest((done) => sftp.mkdir(`${DROP}/sub`, done)),
            denied,
            'Permission denied: cannot make /Incoming/Users/sub; folders are fixed here (files go in /Incoming/Users)',
          ],
          [
            'rmdir',
            rawRequest((done) => sftp.rmdir(DROP, done)),
            denied,
            'Permission denied: cannot remove /Incoming/Users; folders are fixed here',
          ],
          [
            'symlink',
            rawRequest((done) => sftp.symlink(`${DROP}/a.csv`, `${DROP}/link.csv`, done)),
            denied,
            'Permission denied: symbolic links cannot be made here',
          ],
          [
            'readlink',
            rawRequest((done) => sftp.readlink(`${DROP}/a.csv`, done)),
            denied,
            'Permission denied: /Incoming/Users/a.csv is no link; there are no links here',
          ],
          [
            'setstat (chmod)',
            rawRequest((done) => sftp.chmod(`${DROP}/a.csv`, 0o777, done)),
            denied,
            'Permission denied: the attributes of /Incoming/Users/a.csv cannot be changed',
          ],
          [
            'setstat (utimes)',
            rawRequest((done) => sftp.utimes(`${DROP}/a.csv`, 0, 0, done)),
            denied,
            'Permission denied: the attributes of /Incoming/Users/a.csv cannot be changed',
          ],
          [
            'remove a folder as a file',
            rawRequest((done) => sftp.unlink(DROP, done)),
            denied,
            'Permission denied: /Incoming/Users is a folder, and folders are fixed here',
          ],
          [
            'rename, then rename onto itself (allowed: nothing changes)',
            rawRequest((done) => sftp.rename(`${DROP}/a.csv`, `${DROP}/a.csv.bak`, done)).then(async () =>
              rawRequest((done) => sftp.rename(`${DROP}/a.csv.bak`, `${DROP}/a.csv.bak`, done)),
            ),
            'ok',
            '',
          ],
        ];
        for (const [what, attempt, code, message] of cases) {
          const { err } = await attempt;
          if (code === 'ok') expect(err, what).toBeUndefined();
          else {
            expect({ what, code: err?.code, message: err?.message }).toEqual({ what, code, message });
          }
        }

        // fsetstat on a file opened for reading (OpenSSH's `get -p` sets times locally, never on the server).
        const reading = await open(sftp, `${ARCHIVED}/loaded.csv`, 'r');
        const handle = reading.result ?? Buffer.alloc(0);
        expectStatus(
          (await rawRequest((done) => sftp.fchmod(handle, 0o777, done))).err,
          denied,
          'Permission denied: the attributes of /Incoming/Archive/Users/loaded.csv cannot be changed',
        );
        expect((await close(sftp, handle)).err).toBeUndefined();
        expectStatus(
          (await close(sftp, handle)).err,
          STATUS_CODE.FAILURE,
          'Invalid handle: it was never opened in this session, or is closed',
        );

        // A hard link (hardlink@openssh.com): the server does not offer it, so ask anyway as a hostile client would.
        (sftp as unknown as { _extensions: Record<string, string> })._extensions['hardlink@openssh.com'] = '1';
        expectStatus(
          (await rawRequest((done) => sftp.ext_openssh_hardlink(`${DROP}/a.csv.bak`, `${DROP}/hard.csv`, done))).err,
          denied,
          'Permission denied: hard links cannot be made here',
        );
        (sftp as unknown as { _extensions: Record<string, string> })._extensions['statvfs@openssh.com'] = '2';
        expectStatus(
          (await rawRequest((done) => sftp.ext_openssh_statvfs('/', done))).err,
          STATUS_CODE.OP_UNSUPPORTED,
          'Unsupported request: statvfs@openssh.com (this server offers no SFTP extensions)',
        );

        await client.put(Buffer.from('b\n'), `${DROP}/b.csv`);
        expectStatus(
          (await rawRequest((done) => sftp.rename(`${DROP}/a.csv.bak`, `${DROP}/b.csv`, done))).err,
          STATUS_CODE.FAILURE,
          '/Incoming/Users/b.csv already exists; remove it first',
        );
        expect(await storedPaths(store)).toEqual(
          [...before.filter((p) => p !== `${DROP}/a.csv`), `${DROP}/a.csv.bak`, `${DROP}/b.csv`].sort(),
        );
        expect((await files.read(`${ARCHIVED}/loaded.csv`))?.equals(usersCsv(2))).toBe(true);
      });

      it('file names: control characters, empty, too long or not UTF-8 are refused with a message; 255 bytes is fine', async () => {
        const t = await serve();
        const { client, sftp } = await connect(t.port);
        const control = 'Refused file name %s: a file name may not hold control characters (bytes below 0x20, or 0x7f)';
        const cases: Array<[string, string]> = [
          [`${DROP}/a\nb.csv`, control.replace('%s', '"a\\nb.csv"')],
          [`${DROP}/tab\t.csv`, control.replace('%s', '"tab\\t.csv"')],
          [`${DROP}/del\u007f.csv`, control.replace('%s', '"del\u007f.csv"')],
          [`${DROP}/nul\u0000.csv`, control.replace('%s', '"nul\\u0000.csv"')],
          [`${DROP}/esc\u001b[31m.csv`, control.replace('%s', '"esc\\u001b[31m.csv"')],
          [
            `${DROP}/${'x'.repeat(252)}.csv`,
            `Refused file name ${'x'.repeat(252)}.csv: a file name may take at most 255 bytes (this one takes 256)`,
          ],
          [
            `${DROP}/${'é'.repeat(128)}`,
            `Refused file name ${'é'.repeat(128)}: a file name may take at most 255 bytes (this one takes 256)`,
          ],
          ['', 'Refused file name "": a file name may not be empty'],
        ];
        for (const [name, message] of cases) {
          expectStatus((await open(sftp, name, 'w')).err, STATUS_CODE.FAILURE, message);
        }
        // Bytes that are not UTF-8 reach the server as U+FFFD.
        expectStatus(
          (await open(sftp, `${DROP}/bad\ufffd.csv`, 'w')).err,
          STATUS_CODE.FAILURE,
          'Refused file name "bad\ufffd.csv": a file name must be valid UTF-8',
        );
        await client.put(Buffer.from('ok\n'), `${DROP}/${'y'.repeat(251)}.csv`);
        await client.put(Buffer.from('ok\n'), `${DROP}/Zoë – März.csv`);
        expectStatus(
          (await rawRequest((done) => sftp.rename(`${DROP}/Zoë – März.csv`, `${DROP}/a\rb.csv`, done))).err,
          STATUS_CODE.FAILURE,
          control.replace('%s', '"a\\rb.csv"'),
        );
        expect(await storedPaths(store)).toEqual([`${DROP}/Zoë – März.csv`, `${DROP}/${'y'.repeat(251)}.csv`].sort());
      });

      it('the size limit holds while receiving: the WRITE that passes it fails, nothing is stored, an older file stays', async () => {
        const limit = 4096;
        const t = await serve({ maxFileBytes: limit });
        const { client, sftp } = await connect(t.port);
        const exact = Buffer.alloc(limit, 'a');
        await client.put(exact, `${DROP}/exact.csv`);
        expect((await files.read(`${DROP}/exact.csv`))?.equals(exact)).toBe(true);

        const tooLarge =
          'File too large: /Incoming/Users/exact.csv passes the limit of 4096 bytes per file; the upload was discarded';
        await expect(client.put(Buffer.alloc(limit + 1, 'b'), `${DROP}/exact.csv`)).rejects.toThrow(tooLarge);
        // The file it would have replaced is untouched.
        expect((await files.read(`${DROP}/exact.csv`))?.equals(exact)).toBe(true);

        // Raw: the refused WRITE, any WRITE after it, and the CLOSE all fail; nothing lands.
        const opened = await open(sftp, `${DROP}/big.csv`, 'w');
        const handle = opened.result ?? Buffer.alloc(0);
        expect((await write(sftp, handle, Buffer.alloc(4000, 'c'), 0)).err).toBeUndefined();
        const over = 'File too large: /Incoming/Users/big.csv passes the limit of 4096 bytes per file; the upload was discarded';
        expectStatus((await write(sftp, handle, Buffer.alloc(100, 'c'), 4000)).err, STATUS_CODE.FAILURE, over);
        expectStatus((await write(sftp, handle, Buffer.alloc(1, 'c'), 0)).err, STATUS_CODE.FAILURE, over);
        expectStatus((await close(sftp, handle)).err, STATUS_CODE.FAILURE, `${over}; nothing was stored`);
        // A write far past the end is refused the same way, without allocating it.
        const far = await open(sftp, `${DROP}/far.csv`, 'w');
        expectStatus(
          (await write(sftp, far.result ?? Buffer.alloc(0), Buffer.from('x'), 2 ** 40)).err,
          STATUS_CODE.FAILURE,
          /^File too large/,
        );
        expect(await storedPaths(store)).toEqual([`${DROP}/exact.csv`]);
        expect(t.logs.filter((l) => l.msg === 'SFTP upload over the size limit discarded')).toHaveLength(3);

        // OpenSSH's put of a file over the limit fails, and leaves nothing.
        writeFileSync(path.join(dir, 'big.csv'), usersCsv(200));
        const put = await batch(t.port, ['put big.csv /Incoming/Users/big.csv']);
        expect(put.code).toBe(1);
        expect(put.stderr).toContain('Failure');
        expect(await storedPaths(store)).toEqual([`${DROP}/exact.csv`]);
        expect(t.uploads).toEqual([`${DROP}/exact.csv`]);
      });

      it("the size limit is 8 MB by default (Coupa's): a file of exactly 8 MB goes in, one byte more does not", async () => {
        const t = await serve();
        const { client } = await connect(t.port);
        const eight = Buffer.alloc(8 * 1024 * 1024, 'z');
        await client.put(eight, `${DROP}/eight.csv`);
        expect((await files.entry(`${DROP}/eight.csv`))?.size).toBe(8 * 1024 * 1024);
        await expect(client.put(Buffer.alloc(8 * 1024 * 1024 + 1, 'z'), `${DROP}/nine.csv`)).rejects.toThrow(
          'File too large: /Incoming/Users/nine.csv passes the limit of 8 MB (8388608 bytes) per file; the upload was discarded',
        );
        expect(await storedPaths(store)).toEqual([`${DROP}/eight.csv`]);
      });

      it('writes are assembled by offset, in any order; append writes at the end', async () => {
        const t = await serve();
        const { client, sftp } = await connect(t.port);
        const content = usersCsv(400);
        const chunk = 1000;
        const offsets = Array.from({ length: Math.ceil(content.length / chunk) }, (_, i) => i * chunk).reverse();
        const opened = await open(sftp, `${DROP}/reversed.csv`, 'w');
        const handle = opened.result ?? Buffer.alloc(0);
        // All in flight at once, the last chunk first.
        const writes = await Promise.all(offsets.map((at) => write(sftp, handle, content.subarray(at, at + chunk), at)));
        expect(writes.map((w) => w.err)).toEqual(offsets.map(() => undefined));
        // Not visible until closed.
        expect(await files.entry(`${DROP}/reversed.csv`)).toBeUndefined();
        expect((await rawRequest((done) => sftp.stat(`${DROP}/reversed.csv`, done))).err?.code).toBe(STATUS_CODE.NO_SUCH_FILE);
        expect((await close(sftp, handle)).err).toBeUndefined();
        expect((await files.read(`${DROP}/reversed.csv`))?.equals(content)).toBe(true);

        // FSETSTAT with a size cuts an upload (or extends it with zeros), within the limit.
        const cut = await open(sftp, `${DROP}/cut.csv`, 'w');
        const cutHandle = cut.result ?? Buffer.alloc(0);
        expect((await write(sftp, cutHandle, Buffer.from('0123456789'), 0)).err).toBeUndefined();
        expect((await rawRequest((done) => sftp.fsetstat(cutHandle, { size: 4 }, done))).err).toBeUndefined();
        expect((await write(sftp, cutHandle, Buffer.from('X'), 6)).err).toBeUndefined();
        expect((await close(sftp, cutHandle)).err).toBeUndefined();
        expect(await files.read(`${DROP}/cut.csv`)).toEqual(Buffer.from('0123\0\0X'));
        const grow = await open(sftp, `${DROP}/grow.csv`, 'w');
        const growHandle = grow.result ?? Buffer.alloc(0);
        expectStatus(
          (await rawRequest((done) => sftp.fsetstat(growHandle, { size: 9 * 1024 * 1024 }, done))).err,
          STATUS_CODE.FAILURE,
          'File too large: /Incoming/Users/grow.csv passes the limit of 8 MB (8388608 bytes) per file; the upload was discarded',
        );
        expect((await close(sftp, growHandle)).err?.code).toBe(STATUS_CODE.FAILURE);
        expect(await files.entry(`${DROP}/grow.csv`)).toBeUndefined();

        await client.append(Buffer.from('user0,user0@example.com,Ada0,Lovelace,No\n'), `${DROP}/reversed.csv`);
        expect((await files.read(`${DROP}/reversed.csv`))?.toString()).toBe(
          `${content.toString()}user0,user0@example.com,Ada0,Lovelace,No\n`,
        );
      });

      it('an interrupted upload stores nothing: written, then the connection is gone before CLOSE', async () => {
        const t = await serve();
        for (const ending of ['destroy', 'end'] as const) {
          const conn = await signedIn(t.port);
          const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
            conn.sftp((err, s) => (err ? reject(err) : resolve(s))),
          );
          const opened = await open(sftp, `${DROP}/partial-${ending}.csv`, 'w');
          const handle = opened.result ?? Buffer.alloc(0);
          expect((await write(sftp, handle, usersCsv(100), 0)).err).toBeUndefined();
          expect((await write(sftp, handle, usersCsv(100), usersCsv(100).length)).err).toBeUndefined();
          if (ending === 'destroy') conn.destroy();
          else conn.end();
          await until(
            () =>
              t.logs.some(
                (l) => l.msg.startsWith('SFTP upload discarded') && l.fields['path'] === `${DROP}/partial-${ending}.csv`,
              ),
            'the discarded upload',
          );
        }
        expect(await storedPaths(store)).toEqual([]);
        expect(t.uploads).toEqual([]);
      });

      it('a drop folder holds at most maxFilesPerFolder files; replacing one is fine; a message says why', async () => {
        const t = await serve({ maxFilesPerFolder: 3 });
        const { client, sftp } = await connect(t.port);
        for (const name of ['1.csv', '2.csv', '3.csv']) await client.put(Buffer.from(name), `${DROP}/${name}`);
        const full = '/Incoming/Users holds 3 files, the most it may (3); remove some, or wait for them to be loaded';
        expectStatus((await open(sftp, `${DROP}/4.csv`, 'w')).err, STATUS_CODE.FAILURE, full);
        await client.put(Buffer.from('again'), `${DROP}/2.csv`);
        await client.delete(`${DROP}/1.csv`);
        await client.put(Buffer.from('4'), `${DROP}/4.csv`);
        expect(await storedPaths(store)).toEqual([`${DROP}/2.csv`, `${DROP}/3.csv`, `${DROP}/4.csv`]);
      });

      it('a folder of many files is listed whole, a hundred names per READDIR', async () => {
        const t = await serve();
        for (let i = 0; i < 250; i++) {
          await files.add({
            path: `${ARCHIVED}/f${String(i).padStart(3, '0')}.csv`,
            filename: `f${String(i).padStart(3, '0')}.csv`,
            contentType: 'text/csv',
            data: Buffer.from(String(i)),
          });
        }
        const { client } = await connect(t.port);
        const names = (await client.list('/Archive/Incoming/Users')).map((f) => f.name).sort();
        expect(names).toHaveLength(250);
        expect(names[0]).toBe('f000.csv');
        expect(names[249]).toBe('f249.csv');
      });

      it('the host key: made once, its fingerprint is what ssh-keygen -lf and a connecting client see, the same after a restart and from a second server', async () => {
        const first = await serve();
        const row = await store.db
          .selectFrom('host_keys')
          .selectAll()
          .where('name', '=', SFTP_HOST_KEY_NAME)
          .executeTakeFirstOrThrow();
        const parsed = ssh2.utils.parseKey(String(row['private_key']));
        if (parsed instanceof Error) throw parsed;
        expect(parsed.type).toBe('ssh-ed25519');
        const pub = path.join(scratchDir(), 'host.pub');
        writeFileSync(pub, `ssh-ed25519 ${parsed.getPublicSSH().toString('base64')} host\n`);
        const keygen = await run('ssh-keygen', ['-lf', pub]);
        expect(keygen.stdout).toBe(`256 ${first.server.fingerprint} host (ED25519)\n`);
        expect(first.server.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);

        const scanned = await run('ssh-keyscan', ['-p', String(first.port), '-t', 'ed25519', '127.0.0.1']);
        const seen = path.join(scratchDir(), 'seen');
        writeFileSync(seen, scanned.stdout);
        expect((await run('ssh-keygen', ['-lf', seen])).stdout).toContain(` ${first.server.fingerprint} `);

        await first.server.close();
        const restarted = await serve();
        const second = await serve();
        expect([restarted.server.fingerprint, second.server.fingerprint]).toEqual([
          first.server.fingerprint,
          first.server.fingerprint,
        ]);
        expect(await store.db.selectFrom('host_keys').select('name').execute()).toHaveLength(1);
      });

      it('a connection may hold 16 files open at once; a message says so', async () => {
        const t = await serve();
        await files.add({ path: `${ARCHIVED}/a.csv`, filename: 'a.csv', contentType: 'text/csv', data: usersCsv(1) });
        const { sftp } = await connect(t.port);
        const handles: Buffer[] = [];
        for (let i = 0; i < 16; i++) {
          const opened = await open(sftp, `${ARCHIVED}/a.csv`, 'r');
          expect(opened.err).toBeUndefined();
          handles.push(opened.result ?? Buffer.alloc(0));
        }
        const full = 'Too many files open at once (at most 16 a connection); close one first';
        expectStatus((await open(sftp, `${ARCHIVED}/a.csv`, 'r')).err, STATUS_CODE.FAILURE, full);
        expectStatus((await open(sftp, `${DROP}/new.csv`, 'w')).err, STATUS_CODE.FAILURE, full);
        expect((await close(sftp, handles[0] ?? Buffer.alloc(0))).err).toBeUndefined();
        const upload = await open(sftp, `${DROP}/new.csv`, 'w');
        expect(upload.err).toBeUndefined();
        expect((await close(sftp, upload.result ?? Buffer.alloc(0))).err).toBeUndefined();
        expect(await storedPaths(store)).toEqual([`${ARCHIVED}/a.csv`, `${DROP}/new.csv`]);
      });

      it('serves only SFTP: no shell or command, and a connection is closed after 10 failed sign-ins', async () => {
        const t = await serve();
        const conn = await signedIn(t.port);
        const exec = await new Promise<Error | undefined>((resolve) => conn.exec('cat /etc/passwd', (err) => resolve(err)));
        expect(exec?.message).toMatch(/Unable to exec/);
        const shell = await new Promise<Error | undefined>((resolve) => conn.shell((err) => resolve(err)));
        // ssh2 asks for a terminal first; it is refused like everything but the sftp subsystem.
        expect(shell?.message).toMatch(/^Unable to /);
        conn.end();

        let attempts = 0;
        const guesser = new ssh2.Client();
        const ended = await new Promise<string>((resolve) => {
          guesser
            .once('ready', () => resolve('signed in'))
            .on('error', () => undefined)
            .once('close', () => resolve('closed by the server'));
          guesser.connect({
            host: '127.0.0.1',
            port: t.port,
            username: USER,
            authHandler: (_left, _partial, next) => {
              attempts++;
              // Guesses on until the server hangs up.
              next({ type: 'password', username: USER, password: `guess ${attempts}` });
            },
          });
        });
        expect(ended).toBe('closed by the server');
        // The client may have sent an 11th guess before the hang-up reached it; the server checked 10.
        expect(attempts).toBeLessThanOrEqual(11);
        expect(t.logs.filter((l) => l.msg === 'SFTP sign-in failed')).toHaveLength(10);
      });

      it('refuses to start on options it cannot serve, saying which', async () => {
        await expect(serve({ dropFolders: ['Archive'] })).rejects.toThrow(
          'Drop folder name "Archive" cannot be used (a reserved name)',
        );
        await expect(serve({ dropFolders: ['Users', 'Users'] })).rejects.toThrow('Drop folder Users is listed twice');
        await expect(serve({ dropFolders: ['a/b'] })).rejects.toThrow(
          'Drop folder name "a/b" cannot be used (a folder name holds no /)',
        );
        await expect(serve({ maxFileBytes: 0 })).rejects.toThrow('maxFileBytes must be a positive whole number of bytes, not 0');
        await expect(serve({ maxFilesPerFolder: 1.5 })).rejects.toThrow(
          'maxFilesPerFolder must be a positive whole number, not 1.5',
        );
        // Two drop folders: each is writable, each has its archive.
        const t = await serve({ dropFolders: ['Users', 'Suppliers'] });
        const { client } = await connect(t.port);
        expect((await client.list('/Incoming')).map((f) => f.name).sort()).toEqual(['Archive', 'Suppliers', 'Users']);
        expect((await client.list('/Archive/Incoming')).map((f) => f.name).sort()).toEqual(['Suppliers', 'Users']);
        await client.put(Buffer.from('s\n'), '/Incoming/Suppliers/s.csv');
        await expect(client.put(Buffer.from('x\n'), '/Incoming/x.csv')).rejects.toThrow(
          'Permission denied: files may be written only in /Incoming/Users, /Incoming/Suppliers',
        );
        expect(await storedPaths(store)).toEqual(['/Incoming/Suppliers/s.csv']);
      });

      it('close() ends open connections and frees the port', async () => {
        const t = await serve();
        const conn = await signedIn(t.port);
        const closed = new Promise<void>((resolve) => conn.once('close', () => resolve()));
        conn.on('error', () => undefined);
        // An idle socket that never says a word is ended too.
        const idle = await new Promise<Socket>((resolve) => {
          const s = new Socket();
          s.connect(t.port, '127.0.0.1', () => resolve(s));
        });
        const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
        idle.on('error', () => undefined);
        idle.resume();
        await t.server.close();
        await closed;
        await idleClosed;
        const again = createServer();
        await new Promise<void>((resolve, reject) => again.once('error', reject).listen(t.port, '127.0.0.1', () => resolve()));
        expect(again.address()).toMatchObject({ port: t.port });
        await new Promise<void>((resolve) => again.close(() => resolve()));
      });
    });
  }
});
