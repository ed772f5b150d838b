import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser, dbSnapshot, showUser } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { flatFixture, loadCsv, loadFileBody } from './helpers/flat-files.js';
import { describeResponse, expectGolden } from './helpers/golden.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Issue 19, the loader: a Users CSV goes through the same record service as the API, a row at
 * a time. Driven over HTTP (`load_file`, then `GET /api/data_file_sources/:id`); the SFTP path
 * is test/flat-file-sftp.test.ts.
 */
for (const dialect of DIALECTS) {
  describe(`the Users flat-file loader on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(() => t.close());

    const seedUser = () =>
      createUser(t, { login: 'USER_TEST', email: 'user.test@example.com', firstname: 'user', lastname: 'test' });

    it('seed 002: modify_user.csv changes the last name and e-mail of USER_TEST', async () => {
      const user = await seedUser();
      const source = await loadCsv(t, flatFixture('modify_user.csv'), { filename: 'modify_user.csv' });
      expect(source).toMatchObject({
        status: 'Done',
        'source-for': 'User',
        'file-file-name': 'modify_user.csv',
        'records-count': 1,
        'records-created': 0,
        'records-updated': 1,
        'upload-errors-count': 0,
        'result-text': '1 rows processed, creating 0 new rows and updating 1 rows.',
        'upload-errors': [],
      });
      const after = await showUser(t, user.id);
      expect(after).toMatchObject({ lastname: 'test new lastname', email: 'user.test.new@example.com', active: true });
      expect(after['fullname']).toBe('user test new lastname');
    });

    it('seed 003: deactivate_user.csv deactivates USER_TEST', async () => {
      const user = await seedUser();
      const source = await loadCsv(t, flatFixture('deactivate_user.csv'), { filename: 'deactivate_user.csv' });
      expect(source).toMatchObject({ status: 'Done', 'records-updated': 1, 'upload-errors-count': 0 });
      expect(await showUser(t, user.id)).toMatchObject({ active: false, lastname: 'test new lastname' });
    });

    it('creates, updates and refuses rows one by one; a bad row is an upload error and the others load', async () => {
      const existing = await seedUser();
      const csv = [
        'Login,Email,First Name,Last Name,Employee Number,Purchasing User,User Role Names,Status',
        'new_one,new.one@example.com,New,One,E-1,Yes,"User,Admin",active',
        'USER_TEST,,,Renamed,,N,,',
        'bad_email,not-an-email,Bad,Email,,,,',
        'bad_flag,bad.flag@example.com,Bad,Flag,,maybe,,',
        'bad_role,bad.role@example.com,Bad,Role,,,Nonesuch,',
      ].join('\n');
      const source = await loadCsv(t, csv);
      expect(source).toMatchObject({
        status: 'Done',
        'records-count': 5,
        'records-created': 1,
        'records-updated': 1,
        'upload-errors-count': 3,
        'result-text': '5 rows processed, creating 1 new rows and updating 1 rows. 3 rows have errors.',
      });
      const errors = source['upload-errors'].map((e) => ({
        row: e['row'],
        'first-column': e['first-column'],
        'field-with-error': e['field-with-error'],
        value: e['value'],
        'field-errors': e['field-errors'],
      }));
      expect(errors).toEqual([
        {
          row: 4,
          'first-column': 'bad_email',
          'field-with-error': 'Email',
          value: 'not-an-email',
          'field-errors': 'Email is invalid',
        },
        {
          row: 5,
          'first-column': 'bad_flag',
          'field-with-error': 'Purchasing User',
          value: 'maybe',
          'field-errors': 'Purchasing User is not Yes/No, True/False, Y/N or T/F',
        },
        expect.objectContaining({ row: 6, 'first-column': 'bad_role' }) as unknown as Record<string, unknown>,
      ]);
      const users = await t.request({ method: 'GET', url: '/api/users?login=new_one', headers: { accept: 'application/json' } });
      const [created] = JSON.parse(users.body) as Array<Record<string, unknown>>;
      expect(created).toMatchObject({ email: 'new.one@example.com', 'employee-number': 'E-1', 'purchasing-user': true });
      expect((created?.['roles'] as Array<{ name: string }>).map((r) => r.name).sort()).toEqual(['Admin', 'User']);
      // A blank cell leaves the value as it was; a given one changes it.
      expect(await showUser(t, existing.id)).toMatchObject({ email: 'user.test@example.com', lastname: 'Renamed' });
      const refused = await t.request({
        method: 'GET',
        url: '/api/users?login[in]=bad_email,bad_flag,bad_role',
        headers: { accept: 'application/json' },
      });
      expect(JSON.parse(refused.body)).toEqual([]);
    });

    it('names a row by Id, then Employee Number, then Login, as Coupa documents', async () => {
      const a = await createUser(t, {
        login: 'a_login',
        email: 'a@example.com',
        firstname: 'A',
        lastname: 'A',
        'employee-number': 'E-A',
      });
      const b = await createUser(t, {
        login: 'b_login',
        email: 'b@example.com',
        firstname: 'B',
        lastname: 'B',
        'employee-number': 'E-B',
      });
      const csv = [
        'Id,Employee Number,Login,Last Name',
        // By Id: any field may change, the employee number too.
        `${a.id},E-A2,a_login,ById`,
        // By Employee Number: the login may change.
        ',E-B,b_renamed,ByNumber',
        // By Login with an employee number no one has: Coupa tries to create, and the login is taken.
        ',E-NEW,a_login,ByLogin',
        // An Id that names no one is the row's error.
        '999999,,,Nobody',
      ].join('\n');
      const source = await loadCsv(t, csv);
      expect(source).toMatchObject({ 'records-updated': 2, 'records-created': 0, 'upload-errors-count': 2 });
      expect(await showUser(t, a.id)).toMatchObject({ 'employee-number': 'E-A2', lastname: 'ById' });
      expect(await showUser(t, b.id)).toMatchObject({ login: 'b_renamed', lastname: 'ByNumber' });
      expect(source['upload-errors'].map((e) => [e['row'], e['field-errors']])).toEqual([
        [4, expect.stringContaining('Login has already been taken')],
        [5, "Couldn't find User with 'id'=999999"],
      ]);
    });

    it('matches headers in any case and order, reports unknown and unkept columns once', async () => {
      await seedUser();
      const csv = 'last name,LOGIN,Favourite Colour,Receive Coupa Emails,Email*\ntest2,USER_TEST,blue,Yes,\n';
      const source = await loadCsv(t, csv);
      expect(source['result-text']).toBe(
        '1 rows processed, creating 0 new rows and updating 1 rows. Unknown columns, ignored: Favourite Colour. ' +
          'Columns Roster does not keep, ignored: Receive Coupa Emails.',
      );
    });

    it('reads RFC 4180 quoting: commas, quotes and line breaks inside a cell, and a BOM', async () => {
      const user = await seedUser();
      const csv = '\uFEFFLogin,Last Name,Middle Name\r\nUSER_TEST,"O""Brien, Jr.","two\nlines"\r\n';
      const source = await loadCsv(t, csv);
      expect(source).toMatchObject({ status: 'Done', 'records-updated': 1 });
      expect(await showUser(t, user.id)).toMatchObject({ lastname: 'O"Brien, Jr.', middlename: 'two\nlines' });
    });

    it('approval limits as "1000.00 USD" or by name; associated records must exist', async () => {
      const user = await seedUser();
      const csv = 'Login,Requisition Approval Limit,Department\nUSER_TEST,1000.00 USD,\nUSER_TEST,,No Such Department\n';
      const source = await loadCsv(t, csv);
      expect(source).toMatchObject({ 'records-updated': 1, 'upload-errors-count': 1 });
      const after = await showUser(t, user.id);
      expect(after['requisition-approval-limit']).toMatchObject({ amount: '1000.0', currency: { code: 'USD' } });
      const [error] = source['upload-errors'];
      expect(error).toMatchObject({ row: 3, 'field-with-error': 'Department', value: 'No Such Department' });
    });

    describe('a file refused as a whole writes nothing', () => {
      const cases: Array<[string, string | Buffer, RegExp]> = [
        ['no key column', 'Last Name,Email\nx,y@example.com\n', /one of the key columns Id, Employee Number, Login/],
        ['a column twice', 'Login,login\na,b\n', /The column login appears twice/],
        ['not UTF-8', Buffer.from('Login,Last Name\nUSER_TEST,M\xfcller\n', 'latin1'), /not UTF-8/],
        ['an unclosed quote', 'Login,Last Name\nUSER_TEST,"never closed\n', /not valid CSV/],
        ['an empty file', '', /empty/],
      ];
      for (const [name, csv, reason] of cases) {
        it(name, async () => {
          await seedUser();
          const before = await dbSnapshot(t.store, 'users');
          const source = await loadCsv(t, csv);
          expect(source.status).toBe('Failed');
          expect(source['result-text']).toMatch(reason);
          expect(await dbSnapshot(t.store, 'users')).toEqual(before);
        });
      }

      it('over the row limit', async () => {
        const small = await makeTestApp(dialect, { flatfileMaxRows: 3 });
        try {
          const rows = Array.from({ length: 4 }, (_, i) => `u${i},u${i}@example.com,F,L`);
          const source = await loadCsv(small, ['Login,Email,First Name,Last Name', ...rows].join('\n'));
          expect(source).toMatchObject({
            status: 'Failed',
            'result-text': 'The file has more than 3 rows (the header excluded)',
          });
          const users = await small.request({
            method: 'GET',
            url: '/api/users?login=u0',
            headers: { accept: 'application/json' },
          });
          expect(JSON.parse(users.body)).toEqual([]);
        } finally {
          await small.close();
        }
      });
    });

    it('load_file refuses a body without a file or an object Roster does not load', async () => {
      const noSource = await t.request({
        method: 'POST',
        url: '/api/data_file_sources/load_file',
        ...loadFileBody(Buffer.from('Login\nx\n'), { sourceFor: 'Invoice' }),
      });
      expect(noSource.statusCode).toBe(400);
      expect(noSource.headers['x-roster-error-code']).toBe('invalid_flat_file');
      expect(noSource.body).toContain('source_for must name an object Roster loads: User');
      const list = await t.request({ method: 'GET', url: '/api/data_file_sources', headers: { accept: 'application/json' } });
      expect(JSON.parse(list.body)).toEqual([]);
    });

    it('pins a load with an upload error, show and index (golden files)', async () => {
      await seedUser();
      const source = await loadCsv(t, 'Login,Email,Last Name\nUSER_TEST,,Renamed\nnobody,bad,X\n', { filename: 'golden.csv' });
      for (const [ext, headers] of [
        ['xml', {}],
        ['json', { accept: 'application/json' }],
      ] as const) {
        expectGolden(
          `show-data-file-source.${ext}.txt`,
          describeResponse(await t.request({ method: 'GET', url: `/api/data_file_sources/${source.id}`, headers })),
        );
        expectGolden(
          `index-data-file-sources.${ext}.txt`,
          describeResponse(await t.request({ method: 'GET', url: '/api/data_file_sources', headers })),
        );
      }
    });

    it('load_file refuses a file over the size limit with a 413, and records nothing', async () => {
      const small = await makeTestApp(dialect, { flatfileLimit: 64 });
      try {
        const big = Buffer.from(`Login,Last Name\n${'x,'.repeat(40)}\n`);
        const res = await small.request({ method: 'POST', url: '/api/data_file_sources/load_file', ...loadFileBody(big) });
        expect(res.statusCode).toBe(413);
        expect(res.headers['x-roster-error-code']).toBe('payload_too_large');
        expect(res.body).toContain("The file is over the limit of 64 bytes per flat file (Coupa's 8 MB)");
        const list = await small.request({
          method: 'GET',
          url: '/api/data_file_sources',
          headers: { accept: 'application/json' },
        });
        expect(JSON.parse(list.body)).toEqual([]);
      } finally {
        await small.close();
      }
    });

    it('lists and queries loads with the query language, in XML and JSON', async () => {
      await seedUser();
      await loadCsv(t, flatFixture('modify_user.csv'), { filename: 'modify_user.csv' });
      await loadCsv(t, 'Last Name\nx\n', { filename: 'broken.csv' });
      const failed = await t.request({
        method: 'GET',
        url: '/api/data_file_sources?status=Failed&source-for=User',
        headers: { accept: 'application/json' },
      });
      expect((JSON.parse(failed.body) as Array<Record<string, unknown>>).map((s) => s['file-file-name'])).toEqual(['broken.csv']);
      const xml = await t.request({ method: 'GET', url: '/api/data_file_sources?file-file-name[contains]=modify' });
      expect(xml.statusCode).toBe(200);
      expect(xml.body).toContain('<data-file-sources type="array">');
      expect(xml.body).toContain('<status>Done</status>');
      expect(xml.body).toContain('<records-updated type="integer">1</records-updated>');
    });
  });
}
