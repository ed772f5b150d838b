import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { ACCEPT_JSON, dbSnapshot, expectError, showUser, userCount, XML_TYPE } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';
import { minimalWorker } from './helpers/workers.js';

/**
 * Bulk writes (`POST /api/users?bulk=1`, `PUT /api/users?bulk=1`), driven as Coupa's NetSuite
 * employee integration drives them: it posts `<users><user>…</user></users>` and reads
 * `results/result/status` and `results/result/unique-keys/id` from the answer.
 */
interface JsonResult {
  readonly status: string;
  readonly 'unique-keys': { readonly id: number | null; readonly login: string | null };
  readonly 'error-code': string | null;
  readonly errors: readonly string[];
}

/** The NetSuite script's reads, as XPath-like paths over the parsed XML answer. */
function netsuiteReads(body: string): Array<{ status: string; id: string | undefined; errors: string[] }> {
  const doc = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    isArray: (name) => ['result', 'error'].includes(name),
  }).parse(body) as {
    results: { result: Array<{ status: string; 'unique-keys': { id?: string }; errors?: { error?: string[] } }> };
  };
  return doc.results.result.map((r) => ({
    status: r.status,
    id: r['unique-keys'].id || undefined,
    errors: r.errors?.error ?? [],
  }));
}

const usersXml = (items: ReadonlyArray<Record<string, string>>, typed = false): string =>
  `<?xml version='1.0' encoding='UTF-8'?><users${typed ? ' type="array"' : ''}>${items
    .map((fields) => userXml(fields).replace(/^<\?xml[^>]*\?>/, ''))
    .join('')}</users>`;

for (const dialect of DIALECTS) {
  describe(`bulk user writes on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(() => t.close());

    const post = (
      payload: string | unknown[] | Record<string, unknown>,
      headers: Record<string, string> = XML,
      query = 'bulk=1',
    ) => t.request({ method: 'POST', url: `/api/users?${query}`, headers, payload: payload });

    it('creates each <user> of a NetSuite-style post and answers results/result/status and unique-keys/id', async () => {
      const res = await post(usersXml([validUser('ns1'), validUser('ns2')]));
      expect([res.statusCode, res.headers['content-type']]).toEqual([200, XML_TYPE]);
      const results = netsuiteReads(res.body);
      expect(results.map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
      for (const [i, r] of results.entries()) {
        expect((await showUser(t, Number(r.id))).login).toBe(validUser(`ns${i + 1}`)['login']);
      }
      expect(res.body).toContain('<results type="array">\n  <result>\n    <status>SUCCESS</status>\n    <unique-keys>\n');
      expect(res.body).toContain('<errors type="array" />');
    });

    it('gives every item its own result: a bad item never blocks the good ones and leaves nothing behind', async () => {
      await post(usersXml([validUser('taken')]));
      const before = await userCount(t.store);
      const items = [
        validUser('good1'),
        { ...validUser('noemail'), email: '' },
        validUser('taken'),
        { ...validUser('badref'), department: 'Nowhere' },
        'not a user',
        validUser('good2'),
      ];
      const res = await post(items, JSON_IO);
      expect(res.statusCode).toBe(200);
      const results = JSON.parse(res.body) as JsonResult[];
      expect(results.map((r) => [r.status, r['error-code'], r.errors])).toEqual([
        ['SUCCESS', null, []],
        ['ERROR', 'validation_failed', ["Email can't be blank"]],
        ['ERROR', 'validation_failed', ['Login has already been taken', 'Email has already been taken']],
        ['ERROR', 'unknown_reference', ["Department: no department with name 'Nowhere'"]],
        ['ERROR', 'malformed_body', ['Each item must be a user object']],
        ['SUCCESS', null, []],
      ]);
      expect(results.map((r) => r['unique-keys'].login)).toEqual([
        'user_good1',
        'user_noemail',
        'user_taken',
        'user_badref',
        null,
        'user_good2',
      ]);
      expect(results.map((r) => r['unique-keys'].id === null)).toEqual([false, true, true, true, true, false]);
      expect(await userCount(t.store)).toBe(before + 2);
    });

    it('reads a typed list root and the {"users": […]} wrapper too', async () => {
      const typed = await post(usersXml([validUser('t1')], true));
      expect(netsuiteReads(typed.body).map((r) => r.status)).toEqual(['SUCCESS']);
      const wrapped = await post({ users: [validUser('w1')] }, JSON_IO);
      expect((JSON.parse(wrapped.body) as JsonResult[]).map((r) => r.status)).toEqual(['SUCCESS']);
    });

    it('updates in bulk with PUT, each item naming its user by id or login', async () => {
      const created = JSON.parse((await post([validUser('u1'), validUser('u2')], JSON_IO)).body) as JsonResult[];
      const [first, second] = created.map((r) => r['unique-keys'].id);
      const res = await t.request({
        method: 'PUT',
        url: '/api/users?bulk=1',
        headers: JSON_IO,
        payload: [
          { id: first, lastname: 'ById' },
          { login: 'user_u2', lastname: 'ByLogin' },
          { login: 'nobody', lastname: 'X' },
          { id: 999999, lastname: 'X' },
          { lastname: 'Unnamed' },
          { id: second, email: 'not-an-address' },
        ],
      });
      expect(res.statusCode).toBe(200);
      const results = JSON.parse(res.body) as JsonResult[];
      expect(results.map((r) => [r.status, r.errors])).toEqual([
        ['SUCCESS', []],
        ['SUCCESS', []],
        ['ERROR', ["Couldn't find User with 'login'=nobody"]],
        ['ERROR', ["Couldn't find User with 'id'=999999"]],
        ['ERROR', ['Each item of a bulk update names its user by id or login']],
        ['ERROR', ['Email is invalid']],
      ]);
      expect(results.map((r) => r['unique-keys'])).toEqual([
        { id: first, login: 'user_u1' },
        { id: second, login: 'user_u2' },
        { id: null, login: 'nobody' },
        { id: null, login: null },
        { id: null, login: null },
        { id: null, login: null },
      ]);
      expect([(await showUser(t, Number(first))).lastname, (await showUser(t, Number(second))).lastname]).toEqual([
        'ById',
        'ByLogin',
      ]);
    });

    it('a bulk update of workers (named by id alone) echoes each id typed, nil when it is no id, and says "by id"', async () => {
      const created = await t.request({ method: 'POST', url: '/api/workers', headers: JSON_IO, payload: minimalWorker(1) });
      expect(created.statusCode, created.body).toBe(201);
      const id = (JSON.parse(created.body) as { id: number }).id;
      const items = [
        { id: String(id), 'last-name': 'Typed' },
        { id: 'abc', 'last-name': 'X' },
        { id: '999999' },
        { 'last-name': 'Unnamed' },
      ];
      const json = await t.request({ method: 'PUT', url: '/api/workers?bulk=1', headers: JSON_IO, payload: items });
      const results = JSON.parse(json.body) as Array<{ status: string; 'unique-keys': { id: unknown }; errors: string[] }>;
      expect(results.map((r) => [r.status, r['unique-keys'].id, r.errors])).toEqual([
        ['SUCCESS', id, []],
        ['ERROR', null, ["Couldn't find Worker with 'id'=abc"]],
        ['ERROR', 999999, ["Couldn't find Worker with 'id'=999999"]],
        ['ERROR', null, ['Each item of a bulk update names its worker by id']],
      ]);
      const xml = await t.request({
        method: 'PUT',
        url: '/api/workers?bulk=1',
        headers: XML,
        payload: `<workers><worker><id>abc</id></worker><worker><id>${id}</id></worker></workers>`,
      });
      expect(xml.body).toContain('<unique-keys>\n      <id type="integer" nil="true" />\n    </unique-keys>');
      expect(xml.body).toContain(`<unique-keys>\n      <id type="integer">${id}</id>\n    </unique-keys>`);
    });

    it('a request that arrives while a 1,000-item bulk runs is answered before the bulk ends (the bulk yields)', async () => {
      const order: string[] = [];
      const before = await userCount(t.store);
      const items = Array.from({ length: 1000 }, (_, i) => validUser(`big${i}`));
      const bulk = post(items, JSON_IO).then((res) => {
        order.push('bulk');
        return res;
      });
      // Sent once the bulk has written its first items (a bulk that never yields lets this look only when it is done).
      while ((await userCount(t.store)) < before + 2) await new Promise((resolve) => setImmediate(resolve));
      const show = t.request({ method: 'GET', url: '/api/users/1', headers: ACCEPT_JSON }).then((res) => {
        order.push('show');
        return res;
      });
      const [written, shown] = await Promise.all([bulk, show]);
      expect(written.statusCode).toBe(200);
      expect(shown.statusCode).toBe(200);
      expect(order).toEqual(['show', 'bulk']);
    });

    it('refuses a request over the cap, an empty one, a wrong root, a bad bulk flag and a PUT without bulk, writing nothing', async () => {
      const before = await dbSnapshot(t.store);
      const many = Array.from({ length: 1001 }, (_, i) => ({ login: `m${i}` }));
      expectError(await post(many, JSON_IO), 'payload_too_large', [
        'A bulk request may hold at most 1000 users (1001 given): send them in several requests',
      ]);
      expectError(await post([], JSON_IO), 'malformed_body', ['A bulk request holds at least one user']);
      expectError(await post(userXml(validUser('x'))), 'malformed_body', [
        'Malformed XML: expected a <users> root element, got <user>',
      ]);
      expectError(await post(validUser('x'), JSON_IO), 'malformed_body', ['Malformed JSON: expected an array of user objects']);
      expectError(await post([validUser('x')], JSON_IO, 'bulk=maybe'), 'invalid_query', [
        "Query parameter 'bulk' must be 1 or 0",
      ]);
      const put = await t.request({ method: 'PUT', url: '/api/users', headers: JSON_IO, payload: [validUser('x')] });
      expectError(put, 'invalid_query', ['PUT /api/users updates in bulk: add bulk=1, or name one record (/api/users/:id)']);
      expect(await dbSnapshot(t.store)).toEqual(before);
    });

    it('bulk=0 is an ordinary create, and other query parameters are ignored and named', async () => {
      const single = await post(validUser('plain'), JSON_IO, 'bulk=0');
      expect([single.statusCode, single.headers['x-roster-ignored-parameters']]).toEqual([201, undefined]);
      const res = await post([validUser('b1')], { ...JSON_IO, ...ACCEPT_JSON }, 'bulk=1&null');
      expect([res.statusCode, res.headers['x-roster-ignored-parameters']]).toEqual([200, 'null']);
    });
  });
}
