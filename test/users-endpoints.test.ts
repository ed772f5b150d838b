import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCEPT_JSON,
  createUser,
  dbSnapshot,
  expectError,
  JSON_TYPE,
  listUsers,
  parseJson,
  showUser,
  XML_DECLARATION,
  XML_TYPE,
  type JsonRef,
  type JsonUser,
} from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

const ids = (users: readonly JsonUser[]): number[] => users.map((u) => u.id);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const dialect of DIALECTS) {
  describe(`Users API endpoints on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    describe('POST /api/users', () => {
      it('creates a user from XML and answers 201 with the user in XML', async () => {
        const res = await t.request({ method: 'POST', url: '/api/users', headers: XML, payload: userXml(validUser(1)) });
        expect(res.statusCode).toBe(201);
        expect(res.headers['content-type']).toBe(XML_TYPE);
        expect(res.body.startsWith(`${XML_DECLARATION}\n<user>\n  <id type="integer">1</id>\n`)).toBe(true);
        expect(res.body).toContain('<login>user_1</login>');
        expect(res.body).toContain('<email>user_1@example.com</email>');
        expect(res.body).toContain('<fullname>Ada Lovelace</fullname>');
        expect(res.headers['x-roster-ignored-elements']).toBeUndefined();
        expect(await showUser(t, 1)).toMatchObject({ id: 1, login: 'user_1', firstname: 'Ada', lastname: 'Lovelace' });
      });

      it('creates a user from JSON and answers 201 with the user in JSON', async () => {
        const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser(2) });
        expect(res.statusCode).toBe(201);
        const user = parseJson(res);
        expect(user).toMatchObject({ id: 1, login: 'user_2', email: 'user_2@example.com', fullname: 'Ada Lovelace' });
        expect(await showUser(t, user.id)).toEqual(user);
      });

      it('applies the documented defaults to a minimal create', async () => {
        const user = await createUser(t, validUser());
        expect(user).toMatchObject({
          active: true,
          'api-user': false,
          'purchasing-user': false,
          'expense-user': false,
          'sourcing-user': false,
          'inventory-user': false,
          'authentication-method': 'coupa_credentials',
          'account-security-type': 0,
          'business-group-security-type': 0,
          'edit-invoice-on-quick-entry': false,
          'employee-number': null,
          'salesforce-id': null,
          'avatar-thumb-url': null,
          'created-by': null,
          'updated-by': null,
        });
        expect(user['created-at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(user['updated-at']).toBe(user['created-at']);
        // Coupa's association defaults: the reporting currency (USD unless set) and the User role.
        expect((user['default-currency'] as JsonRef | null)?.code).toBe('USD');
        expect((user['roles'] as JsonRef[]).map((r) => r['name'])).toEqual(['User']);
      });

      it("gives the instance's reporting currency to a user created or updated without one, and leaves what is sent", async () => {
        await t.close();
        t = await makeTestApp(dialect, { reportingCurrency: 'EUR' });
        const currencyOf = (u: JsonUser) => (u['default-currency'] as JsonRef | null)?.['code'] ?? null;
        expect(currencyOf(await createUser(t, validUser('a')))).toBe('EUR');
        expect(currencyOf(await createUser(t, { ...validUser('b'), 'default-currency': { code: 'GBP' } }))).toBe('GBP');
        // Sent as null it stays null, and no roles stay none; an update that leaves it out of a user without one sets it.
        const none = await createUser(t, { ...validUser('c'), 'default-currency': null, roles: [] });
        expect([currencyOf(none), none['roles']]).toEqual([null, []]);
        const res = await t.request({
          method: 'PUT',
          url: `/api/users/${none.id}`,
          headers: JSON_IO,
          payload: { lastname: 'Later' },
        });
        expect([res.statusCode, currencyOf(parseJson(res)), parseJson(res)['roles']]).toEqual([200, 'EUR', []]);
      });

      it('refuses to start with a reporting currency it does not know', async () => {
        await expect(makeTestApp(dialect, { reportingCurrency: 'XYZ' })).rejects.toThrow(
          "The reporting currency 'XYZ' names no currency Roster knows (by code)",
        );
      });

      it('gives each new user the next id', async () => {
        const a = await createUser(t, validUser('a'));
        const b = await createUser(t, validUser('b'));
        expect(b.id).toBe(a.id + 1);
      });
    });

    describe('GET /api/users/:id', () => {
      it('shows a user in XML by default', async () => {
        const { id } = await createUser(t, { ...validUser(), 'employee-number': 'E-100' });
        const res = await t.request({ method: 'GET', url: `/api/users/${id}` });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe(XML_TYPE);
        expect(res.body).toContain(`<user>\n  <id type="integer">${id}</id>\n`);
        expect(res.body).toContain('<employee-number>E-100</employee-number>');
        expect(res.body.trimEnd().endsWith('</user>')).toBe(true);
      });

      it('answers 404 in Coupa shape for an unknown id', async () => {
        const res = await t.request({ method: 'GET', url: '/api/users/999' });
        expectError(res, 'not_found', ["Couldn't find User with 'id'=999"]);
        const json = await t.request({ method: 'GET', url: '/api/users/999', headers: ACCEPT_JSON });
        expectError(json, 'not_found', ["Couldn't find User with 'id'=999"]);
      });

      it('answers 404 for id 0', async () => {
        expectError(await t.request({ method: 'GET', url: '/api/users/0' }), 'not_found', ["Couldn't find User with 'id'=0"]);
      });

      it('answers 404 naming the id as sent for a non-numeric id', async () => {
        await createUser(t, validUser());
        const res = await t.request({ method: 'GET', url: '/api/users/abc' });
        // Rails: User.find("abc") -> "Couldn't find User with 'id'=abc".
        expectError(res, 'not_found', ["Couldn't find User with 'id'=abc"]);
      });

      it('answers 404 (not 500) for an id beyond any integer column, naming it as sent', async () => {
        const res = await t.request({ method: 'GET', url: '/api/users/99999999999999999999' });
        expectError(res, 'not_found', ["Couldn't find User with 'id'=99999999999999999999"]);
      });
    });

    describe('GET /api/users (index)', () => {
      it('lists users ordered by id, whatever order their logins sort in', async () => {
        for (const login of ['zed', 'adam', 'mia']) await createUser(t, { ...validUser(login), login });
        const users = await listUsers(t);
        expect(users.map((u) => [u.id, u['login']])).toEqual([
          [1, 'zed'],
          [2, 'adam'],
          [3, 'mia'],
        ]);
      });

      it('renders an XML index as a Rails array of <user> elements', async () => {
        await createUser(t, validUser(1));
        await createUser(t, validUser(2));
        const res = await t.request({ method: 'GET', url: '/api/users' });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe(XML_TYPE);
        expect(res.body.startsWith(`${XML_DECLARATION}\n<users type="array">\n  <user>\n`)).toBe(true);
        expect(res.body.trimEnd().endsWith('</users>')).toBe(true);
        expect([...res.body.matchAll(/^ {4}<id type="integer">(\d+)<\/id>$/gm)].map((m) => Number(m[1]))).toEqual([1, 2]);
      });

      describe('with 55 users', () => {
        beforeEach(async () => {
          for (let n = 1; n <= 55; n++) await createUser(t, validUser(n));
        });

        it('returns at most 50 users when no limit is given', async () => {
          expect(ids(await listUsers(t))).toEqual(range(1, 50));
        });

        it('caps a larger limit at 50 instead of refusing it', async () => {
          expect(ids(await listUsers(t, '?limit=100'))).toEqual(range(1, 50));
          expect(ids(await listUsers(t, '?limit=51'))).toEqual(range(1, 50));
        });

        it('pages with offset: offset=50 returns the remaining 5', async () => {
          expect(ids(await listUsers(t, '?offset=50'))).toEqual(range(51, 55));
        });

        it('honours offset and limit together', async () => {
          expect(ids(await listUsers(t, '?offset=10&limit=5'))).toEqual(range(11, 15));
        });

        it('answers an XML page past the end with 404 no results and a JSON one with []', async () => {
          expectError(await t.request({ method: 'GET', url: '/api/users?offset=55' }), 'no_results', [
            'No results match your search criteria.',
          ]);
          expect(await listUsers(t, '?offset=55')).toEqual([]);
        });
      });

      describe('exact-match filters', () => {
        beforeEach(async () => {
          await createUser(t, { ...validUser(1), 'employee-number': 'E-1', 'default-locale': 'en-US' });
          await createUser(t, { ...validUser(10), 'employee-number': 'E-10', firstname: 'Grace', lastname: 'Hopper' });
          await createUser(t, { ...validUser(2), 'employee-number': 'E-2', active: false, 'authentication-method': 'saml' });
        });

        it('filters on login exactly (user_1 does not match user_10)', async () => {
          expect(ids(await listUsers(t, '?login=user_1'))).toEqual([1]);
        });

        it('filters on email', async () => {
          expect(ids(await listUsers(t, '?email=user_10%40example.com'))).toEqual([2]);
        });

        it('accepts dashed and underscored element names alike', async () => {
          expect(ids(await listUsers(t, '?employee-number=E-10'))).toEqual([2]);
          expect(ids(await listUsers(t, '?employee_number=E-10'))).toEqual([2]);
          expect(ids(await listUsers(t, '?default_locale=en-US'))).toEqual([1]);
          expect(ids(await listUsers(t, '?authentication-method=saml'))).toEqual([3]);
        });

        it('filters on an integer element (id)', async () => {
          expect(ids(await listUsers(t, '?id=3'))).toEqual([3]);
        });

        it('combines several filters with AND', async () => {
          expect(ids(await listUsers(t, '?firstname=Ada&lastname=Lovelace'))).toEqual([1, 3]);
          expect(ids(await listUsers(t, '?firstname=Ada&employee_number=E-2'))).toEqual([3]);
          expect(ids(await listUsers(t, '?firstname=Grace&employee_number=E-2'))).toEqual([]);
        });

        it('filters on status=active and status=inactive', async () => {
          expect(ids(await listUsers(t, '?status=active'))).toEqual([1, 2]);
          expect(ids(await listUsers(t, '?status=inactive'))).toEqual([3]);
        });

        it('filters on active=true|false', async () => {
          expect(ids(await listUsers(t, '?active=false'))).toEqual([3]);
          expect(ids(await listUsers(t, '?active=true'))).toEqual([1, 2]);
        });

        it('answers an XML query matching nothing with 404 and a JSON one with []', async () => {
          const xml = await t.request({ method: 'GET', url: '/api/users?login=nobody' });
          expectError(xml, 'no_results', ['No results match your search criteria.']);
          expect(await listUsers(t, '?login=nobody')).toEqual([]);
        });

        it('orders by another element with order_by and dir', async () => {
          expect(ids(await listUsers(t, '?order_by=login&dir=desc'))).toEqual([3, 2, 1]);
          expect(ids(await listUsers(t, '?order_by=id&dir=desc'))).toEqual([3, 2, 1]);
        });
      });
    });

    describe('phone numbers written as one string (Coupa: xxx-yyy-zzzz, +aa xxx-yyy-zzzz)', () => {
      const CASES: ReadonlyArray<[string, Record<string, string | null>]> = [
        ['+1 222-333-4444 ext. 12345', { 'country-code': '1', 'area-code': '222', number: '333-4444', extension: '12345' }],
        ['415-555-0100', { 'country-code': '1', 'area-code': '415', number: '555-0100', extension: null }],
        ['+44 20 7946 0958', { 'country-code': '44', 'area-code': '20', number: '7946-0958', extension: null }],
        ['+1 (415) 555-0100 x12', { 'country-code': '1', 'area-code': '415', number: '555-0100', extension: '12' }],
        ['+49 30 123456', { 'country-code': '49', 'area-code': '30', number: '123456', extension: null }],
        // Not a phone number at all: kept whole as the number, as before.
        ['call reception', { 'country-code': null, 'area-code': null, number: 'call reception', extension: null }],
      ];
      it('splits them into country code, area code, number and extension, in JSON and XML', async () => {
        for (const [i, [text, parts]] of CASES.entries()) {
          const json = await createUser(t, { ...validUser(`p${i}`), 'phone-work': text, 'phone-mobile': { number: '1' } });
          expect([text, json['phone-work']]).toEqual([text, parts]);
        }
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: { ...XML, accept: 'application/json' },
          payload: userXml({ ...validUser('px'), 'phone-mobile': '+44 20 7946 0958' }),
        });
        expect(parseJson(res)['phone-mobile']).toEqual(CASES[2]?.[1]);
      });
      it('still refuses a part too long for its column', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser('long'), 'phone-work': `+1 415-555-0100 ext. ${'1'.repeat(17)}` },
        });
        expectError(res, 'validation_failed', ['Phone work extension is too long (maximum is 16 characters)']);
      });
    });

    describe('PUT and PATCH /api/users/:id', () => {
      for (const method of ['PUT', 'PATCH'] as const) {
        it(`${method} changes only the elements sent and answers 200 with the user`, async () => {
          const before = await createUser(t, { ...validUser(), 'employee-number': 'E-1', 'phone-work': '555-0100' });
          const res = await t.request({
            method,
            url: `/api/users/${before.id}`,
            headers: XML,
            payload: '<user><lastname>Byron</lastname><email>ada@byron.example</email></user>',
          });
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe(XML_TYPE);
          expect(res.body).toContain('<lastname>Byron</lastname>');
          expect(res.body).toContain('<fullname>Ada Byron</fullname>');
          const after = await showUser(t, before.id);
          expect(after).toEqual({
            ...before,
            lastname: 'Byron',
            email: 'ada@byron.example',
            fullname: 'Ada Byron',
            'updated-at': after['updated-at'],
          });
        });

        it(`${method} with a JSON body answers in JSON`, async () => {
          const { id } = await createUser(t, validUser());
          const res = await t.request({
            method,
            url: `/api/users/${id}`,
            headers: JSON_IO,
            payload: { user: { active: false } },
          });
          expect(res.statusCode).toBe(200);
          expect(parseJson(res)).toMatchObject({ id, active: false, 'active?': false });
        });

        it(`${method} of an unknown id is 404 and writes nothing`, async () => {
          await createUser(t, validUser());
          const before = await dbSnapshot(t.store);
          const res = await t.request({
            method,
            url: '/api/users/999',
            headers: XML,
            payload: '<user><lastname>X</lastname></user>',
          });
          expectError(res, 'not_found', ["Couldn't find User with 'id'=999"]);
          expect(await dbSnapshot(t.store)).toEqual(before);
        });
      }

      it('PUT of a non-numeric id is 404 naming the id as sent', async () => {
        const res = await t.request({
          method: 'PUT',
          url: '/api/users/abc',
          headers: XML,
          payload: '<user><lastname>X</lastname></user>',
        });
        expectError(res, 'not_found', ["Couldn't find User with 'id'=abc"]);
      });

      it('moves updated-at forward and keeps created-at', async () => {
        const before = await createUser(t, validUser());
        await new Promise((r) => setTimeout(r, 1100));
        const res = await t.request({
          method: 'PATCH',
          url: `/api/users/${before.id}`,
          headers: JSON_IO,
          payload: { lastname: 'B' },
        });
        const after = parseJson(res);
        expect(after['created-at']).toBe(before['created-at']);
        expect(Date.parse(String(after['updated-at']))).toBeGreaterThan(Date.parse(String(before['updated-at'])));
      });
    });

    it('answers 404 route_not_found for a method the Users API does not have', async () => {
      const { id } = await createUser(t, validUser());
      const res = await t.request({ method: 'DELETE', url: `/api/users/${id}` });
      expectError(res, 'route_not_found', [`No route matches DELETE /api/users/${id}`], { resource: 'base' });
      expect(await showUser(t, id)).toMatchObject({ id });
    });

    it('serves JSON error bodies with a JSON content type', async () => {
      const res = await t.request({ method: 'GET', url: '/api/users/5', headers: ACCEPT_JSON });
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(JSON.parse(res.body)).toEqual({ errors: { user: ["Couldn't find User with 'id'=5"] } });
    });
  });
}
