import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { createAdmin } from './helpers/flat-files.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The pages' refusals, without a browser: a visitor who is not signed in is sent to sign in, a
 * signed-in user without the Admin role gets a 403 page, and neither leaves an error in the log
 * (a newcomer found one logged for every refused visit). The browser flows are
 * test/data-sources-pages.test.ts.
 */
for (const dialect of DIALECTS) {
  describe(`the pages' refusals on ${dialect.name}`, () => {
    let t: TestApp;
    let log: string[];
    beforeEach(async () => {
      log = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          log.push(chunk.toString());
          done();
        },
      });
      t = await makeTestApp(dialect, { logLevel: 'info' }, { logger: { stream } });
    });
    afterEach(() => t.close());

    /** Signs in as `login` with `password` through the form, as a browser does; returns the session cookie. */
    const signIn = async (login: string, password: string): Promise<string> => {
      const form = await t.app.inject({ method: 'GET', url: '/session/new' });
      const cookie = String(form.headers['set-cookie']).split(';')[0] ?? '';
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      const res = await t.app.inject({
        method: 'POST',
        url: '/session',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, login, password }).toString(),
      });
      expect(res.statusCode).toBe(303);
      return String(res.headers['set-cookie']).split(';')[0] ?? '';
    };

    it('sends a visitor who is not signed in to sign in, with the way back', async () => {
      for (const url of ['/data_sources', '/data_sources/1', '/data_sources?page=2']) {
        const res = await t.app.inject({ method: 'GET', url });
        expect([url, res.statusCode, res.headers.location]).toEqual([
          url,
          303,
          `/session/new?return_to=${encodeURIComponent(url)}`,
        ]);
      }
      expect(log.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
    });

    it('turns a user without the Admin role away with a 403 page', async () => {
      await createUser(t, {
        login: 'plain',
        email: 'plain@example.com',
        firstname: 'P',
        lastname: 'Lain',
        password: 'plain password 1',
      });
      const cookie = await signIn('plain', 'plain password 1');
      for (const url of ['/data_sources', '/data_sources/1']) {
        const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
        expect(res.statusCode).toBe(403);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.body).toContain('Only users with the Admin role may see data sources.');
      }
      expect(log.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
    });

    it('escapes what it shows: a file name with markup is text', async () => {
      await createAdmin(t);
      const boundary = '----RosterPagesEscape';
      const body = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="source_for"\r\n\r\nUser\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="<img src=x onerror=alert(1)>.csv"\r\n` +
          `Content-Type: text/csv\r\n\r\nLogin\r\nnobody\r\n--${boundary}--\r\n`,
      );
      const upload = await t.request({
        method: 'POST',
        url: '/api/data_file_sources/load_file',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'application/json' },
        payload: body,
      });
      expect(upload.statusCode).toBe(201);
      await t.app.loader.pass();
      const cookie = await signIn('ada', 'correct horse battery');
      const page = await t.app.inject({ method: 'GET', url: '/data_sources', headers: { cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;.csv');
    });
  });
}
