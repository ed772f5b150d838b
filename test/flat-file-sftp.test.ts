import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../src/store/file-store.js';
import { createUser, showUser } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { showSource } from './helpers/flat-files.js';
import {
  createAccount,
  makeKeyPair,
  runSftpBatch,
  scratchDir,
  startTestSftp,
  type KeyPair,
  type TestSftp,
} from './helpers/sftp.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Issue 19, end to end: seeds 002 and 003's CSV path through OpenSSH's own `sftp` into
 * `/Incoming/Users`, the loader's pass (as the scheduler runs it), the archive, and the result
 * read through the Data File Sources API, on both databases.
 */
const FIXTURES = new URL('./fixtures/flat-files/', import.meta.url);

for (const dialect of DIALECTS) {
  describe(`seeds 002 and 003 over SFTP on ${dialect.name}`, () => {
    let t: TestApp;
    let sftp: TestSftp;
    let key: KeyPair;
    let dir: string;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      sftp = await startTestSftp(t.store);
      dir = scratchDir();
      key = await makeKeyPair(dir);
      await createAccount(t.store, { name: 'acme-hr', publicKeys: key.publicKey });
      for (const name of ['modify_user.csv', 'deactivate_user.csv']) copyFileSync(new URL(name, FIXTURES), path.join(dir, name));
    });
    afterEach(async () => {
      await sftp.server.close();
      await t.close();
    });

    const put = (file: string) =>
      runSftpBatch({ port: sftp.port, user: 'acme-hr', key, cwd: dir, commands: [`put ${file} /Incoming/Users/`] });
    const sources = async (query = '') =>
      JSON.parse(
        (await t.request({ method: 'GET', url: `/api/data_file_sources${query}`, headers: { accept: 'application/json' } })).body,
      ) as Array<Record<string, unknown> & { id: number }>;

    it('modify_user.csv, then deactivate_user.csv, each picked up, archived and loaded', async () => {
      const user = await createUser(t, {
        login: 'USER_TEST',
        email: 'user.test@example.com',
        firstname: 'user',
        lastname: 'test',
      });

      expect((await put('modify_user.csv')).code).toBe(0);
      const first = await t.app.loader.pass();
      expect(first.loads.map((l) => [l.file, l.status, l.recordsUpdated, l.uploadErrorsCount])).toEqual([
        ['modify_user.csv', 'Done', 1, 0],
      ]);
      expect(await showUser(t, user.id)).toMatchObject({
        lastname: 'test new lastname',
        email: 'user.test.new@example.com',
        active: true,
      });

      expect((await put('deactivate_user.csv')).code).toBe(0);
      await t.app.loader.pass();
      expect(await showUser(t, user.id)).toMatchObject({ active: false });

      // The files are in the archive, readable under both of Coupa's names, and gone from the drop folder.
      const listing = await runSftpBatch({
        port: sftp.port,
        user: 'acme-hr',
        key,
        cwd: dir,
        commands: [
          'ls -1 /Incoming/Users',
          'ls -1 /Incoming/Archive/Users',
          'get /Archive/Incoming/Users/modify_user.csv back.csv',
        ],
      });
      expect(listing.code, listing.stderr).toBe(0);
      expect(listing.stdout).toContain('/Incoming/Archive/Users/deactivate_user.csv');
      expect(readFileSync(path.join(dir, 'back.csv'))).toEqual(readFileSync(new URL('modify_user.csv', FIXTURES)));
      expect(await new FileStore(t.store).list('/Incoming/Users')).toEqual([]);

      const loads = await sources('?order_by=id');
      expect(loads.map((s) => [s['file-file-name'], s['status'], s['records-updated'], s['source-for']])).toEqual([
        ['modify_user.csv', 'Done', 1, 'User'],
        ['deactivate_user.csv', 'Done', 1, 'User'],
      ]);
    });

    it('load_from_sftp picks up now and answers the loads it made; files go in alphanumeric order, dot-files (uploads in progress) stay', async () => {
      await createUser(t, { login: 'USER_TEST', email: 'user.test@example.com', firstname: 'user', lastname: 'test' });
      copyFileSync(path.join(dir, 'modify_user.csv'), path.join(dir, 'b.csv'));
      copyFileSync(path.join(dir, 'deactivate_user.csv'), path.join(dir, 'a.csv'));
      const upload = await runSftpBatch({
        port: sftp.port,
        user: 'acme-hr',
        key,
        cwd: dir,
        commands: ['put b.csv /Incoming/Users/', 'put a.csv /Incoming/Users/', 'put a.csv /Incoming/Users/.c.csv.part'],
      });
      expect(upload.code).toBe(0);
      const res = await t.request({
        method: 'POST',
        url: '/api/data_file_sources/load_from_sftp',
        headers: { accept: 'application/json' },
      });
      expect(res.statusCode).toBe(200);
      const made = JSON.parse(res.body) as Array<{ id: number; 'file-file-name': string; status: string }>;
      expect(made.map((s) => [s['file-file-name'], s.status])).toEqual([
        ['a.csv', 'Pending'],
        ['b.csv', 'Pending'],
      ]);
      const [first, second] = made.map((s) => s.id);
      expect(first).toBeLessThan(second ?? 0);
      await t.app.loader.pass();
      expect((await showSource(t, second ?? 0)).status).toBe('Done');
      // a.csv (deactivate) ran first, b.csv (modify, no Status column) after: the user stays inactive.
      const [user] = JSON.parse(
        (await t.request({ method: 'GET', url: '/api/users?login=USER_TEST', headers: { accept: 'application/json' } })).body,
      ) as Array<Record<string, unknown>>;
      expect(user).toMatchObject({ active: false, email: 'user.test.new@example.com' });
    });

    it('validate_api_key answers for a credential that passes, and refuses one that does not', async () => {
      const ok = await t.request({ method: 'GET', url: '/api/data_file_sources/validate_api_key' });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('<valid type="boolean">true</valid>');
      const no = await t.app.inject({
        method: 'GET',
        url: '/api/data_file_sources/validate_api_key',
        headers: { 'x-coupa-api-key': 'nope' },
      });
      expect(no.statusCode).toBe(401);
    });
  });
}
