import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { describeResponse, expectGolden, normalizeVolatile } from './helpers/golden.js';
import { makePng, multipartFile } from './helpers/images.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

/**
 * Whole responses pinned byte for byte (see helpers/golden.ts). Both dialects compare against
 * the same files, so SQLite and PostgreSQL must answer identically.
 */
describe('golden normalization', () => {
  it('replaces only well-formed timestamps and the avatar version', () => {
    const text = [
      '<created-at type="dateTime">2026-01-02T03:04:05Z</created-at>',
      '<updated-at type="dateTime">2026-01-02T03:04:05+01:00</updated-at>',
      '<created-at type="dateTime">2026-01-02T03:04:05.123Z</created-at>',
      '"created-at": "2026-01-02T03:04:05Z", "updated-at":"2026-01-02T03:04:06Z"',
      '<avatar-thumb-url>/api/users/7/avatar?v=1795440557.785</avatar-thumb-url>',
      '<login>2026-01-02T03:04:05Z</login>',
    ].join('\n');
    expect(normalizeVolatile(text)).toBe(
      [
        '<created-at type="dateTime">{{CREATED_AT}}</created-at>',
        '<updated-at type="dateTime">{{UPDATED_AT}}</updated-at>',
        '<created-at type="dateTime">2026-01-02T03:04:05.123Z</created-at>',
        '"created-at": "{{CREATED_AT}}", "updated-at":"{{UPDATED_AT}}"',
        '<avatar-thumb-url>/api/users/7/avatar?v={{AVATAR_VERSION}}</avatar-thumb-url>',
        '<login>2026-01-02T03:04:05Z</login>',
      ].join('\n'),
    );
  });
});

for (const dialect of DIALECTS) {
  describe(`golden responses on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    /** A manager and a user with roles, a department, a phone, a manager and an avatar. */
    async function richUser(): Promise<number> {
      await createUser(t, { ...validUser('boss'), firstname: 'Charles', lastname: 'Babbage', 'employee-number': 'E-0001' });
      const user = await createUser(t, {
        login: 'ada.lovelace',
        email: 'ada@example.com',
        firstname: 'Ada',
        lastname: 'Lovelace',
        'employee-number': 'E-1815',
        'default-locale': 'en-GB',
        'mention-name': 'ada',
        'purchasing-user': true,
        'phone-work': { 'country-code': '44', 'area-code': '20', number: '7946 0000', extension: '12' },
        roles: [{ name: 'Buyer' }, { name: 'Admin' }],
        department: { name: 'Engineering' },
        manager: { login: 'user_boss' },
        'content-groups': [{ name: 'EMEA' }],
      });
      const avatar = await t.request({
        method: 'PUT',
        url: `/api/users/${user.id}/avatar`,
        ...multipartFile({ filename: 'ada.png', contentType: 'image/png', data: makePng() }),
      });
      expect(avatar.statusCode).toBe(200);
      return user.id;
    }

    it('show, XML', async () => {
      const id = await richUser();
      expectGolden('show-user.xml.txt', describeResponse(await t.request({ method: 'GET', url: `/api/users/${id}` })));
    });

    it('show, JSON', async () => {
      const id = await richUser();
      const res = await t.request({ method: 'GET', url: `/api/users/${id}`, headers: { accept: 'application/json' } });
      expectGolden('show-user.json.txt', describeResponse(res));
    });

    it('index of two users, XML', async () => {
      await createUser(t, validUser(1));
      await createUser(t, { ...validUser(2), active: false, 'employee-number': '' });
      expectGolden('index-two-users.xml.txt', describeResponse(await t.request({ method: 'GET', url: '/api/users' })));
    });

    it('index of two users, JSON', async () => {
      await createUser(t, validUser(1));
      await createUser(t, { ...validUser(2), active: false, 'employee-number': '' });
      const res = await t.request({ method: 'GET', url: '/api/users', headers: { accept: 'application/json' } });
      expectGolden('index-two-users.json.txt', describeResponse(res));
    });

    describe('views (return_object, fields)', () => {
      const JSON_ACCEPT = { accept: 'application/json' };
      for (const [name, query] of [
        ['shallow', 'return_object=shallow'],
        ['limited', 'return_object=limited'],
        ['fields', 'fields=["id","login",{"roles":["name"]},{"manager":["login"]},{"phone-work":["number"]}]'],
      ] as const) {
        it(`show ${name}, XML and JSON`, async () => {
          const id = await richUser();
          const url = `/api/users/${id}?${query}`;
          expectGolden(`show-${name}.xml.txt`, describeResponse(await t.request({ method: 'GET', url })));
          expectGolden(`show-${name}.json.txt`, describeResponse(await t.request({ method: 'GET', url, headers: JSON_ACCEPT })));
        });
      }

      it('index limited, XML', async () => {
        await createUser(t, validUser(1));
        await createUser(t, validUser(2));
        const res = await t.request({ method: 'GET', url: '/api/users?return_object=limited' });
        expectGolden('index-limited.xml.txt', describeResponse(res));
      });

      it('create with return_object=none: status and no body', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users?return_object=none',
          headers: JSON_IO,
          payload: JSON.stringify(validUser()),
        });
        expectGolden('create-none.json.txt', describeResponse(res));
      });
    });

    it('create, XML (with an ignored read-only element)', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/users',
        headers: XML,
        payload: userXml({
          ...validUser(),
          id: '77',
          'authentication-method': 'saml',
          'sso-identifier': 'ada@idp',
          roles: '<role><name>User</name></role>',
        }),
      });
      expectGolden('create-user.xml.txt', describeResponse(res));
    });

    describe('error shapes', () => {
      beforeEach(async () => {
        await createUser(t, validUser(1));
      });

      const invalid = { login: 'user_1', email: 'not-an-email', lastname: 'Lovelace' };

      it('validation, XML (messages in CDATA)', async () => {
        const res = await t.request({ method: 'POST', url: '/api/users', headers: XML, payload: userXml(invalid) });
        expectGolden('error-validation.xml.txt', describeResponse(res));
      });

      it('validation, JSON ({"errors":{"user":[…]}})', async () => {
        const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: invalid });
        expectGolden('error-validation.json.txt', describeResponse(res));
      });

      it('unknown reference, XML', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({ ...validUser(2), department: '<name>Alchemy</name>' }),
        });
        expectGolden('error-unknown-reference.xml.txt', describeResponse(res));
      });

      it('not found, XML', async () => {
        expectGolden('error-not-found.xml.txt', describeResponse(await t.request({ method: 'GET', url: '/api/users/404' })));
      });

      it('not found, JSON', async () => {
        const res = await t.request({ method: 'GET', url: '/api/users/404', headers: { accept: 'application/json' } });
        expectGolden('error-not-found.json.txt', describeResponse(res));
      });

      it('no results, XML', async () => {
        const res = await t.request({ method: 'GET', url: '/api/users?login=nobody' });
        expectGolden('error-no-results.xml.txt', describeResponse(res));
      });

      it('unauthorized, XML', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/users' });
        expectGolden('error-unauthorized.xml.txt', describeResponse(res));
      });

      it('unauthorized, JSON', async () => {
        const res = await t.app.inject({
          method: 'GET',
          url: '/api/users',
          headers: { accept: 'application/json', 'x-coupa-api-key': 'wrong' },
        });
        expectGolden('error-unauthorized.json.txt', describeResponse(res));
      });

      it('invalid query, XML', async () => {
        const res = await t.request({ method: 'GET', url: '/api/users?updated-at[contains]=2020&colour=red' });
        expectGolden('error-invalid-query.xml.txt', describeResponse(res));
      });
    });
  });
}
