import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyRepository, generateApiKey, hashApiKey } from '../src/store/api-key-repository.js';
import { createUser, dbSnapshot, expectError, listUsers, parseXmlErrors, XML_DECLARATION } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makePng, multipartFile } from './helpers/images.js';
import { JSON_IO, makeTestApp, TEST_KEY, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

const MISSING = 'Authentication required: send an OAuth access token (Authorization: Bearer …) or an API key (X-COUPA-API-KEY)';
const INVALID = 'Invalid API key';

/** Every Users API endpoint, with a body where it takes one. */
const ENDPOINTS: ReadonlyArray<[string, InjectOptions]> = [
  ['GET /api/users', { method: 'GET', url: '/api/users' }],
  ['GET /api/users/:id', { method: 'GET', url: '/api/users/1' }],
  ['POST /api/users', { method: 'POST', url: '/api/users', headers: XML, payload: userXml(validUser(9)) }],
  [
    'PUT /api/users/:id',
    { method: 'PUT', url: '/api/users/1', headers: XML, payload: '<user><lastname>Hacked</lastname></user>' },
  ],
  [
    'PATCH /api/users/:id',
    { method: 'PATCH', url: '/api/users/1', headers: XML, payload: '<user><lastname>Hacked</lastname></user>' },
  ],
  [
    'PUT /api/users/:id/avatar',
    {
      method: 'PUT',
      url: '/api/users/1/avatar',
      ...multipartFile({ filename: 'a.png', contentType: 'image/png', data: makePng() }),
    },
  ],
  ['GET /api/users/:id/avatar', { method: 'GET', url: '/api/users/1/avatar' }],
  ['DELETE /api/users/:id/avatar', { method: 'DELETE', url: '/api/users/1/avatar' }],
];

/** The request with `key` in X-COUPA-API-KEY instead of the test key. */
function withKey(opts: InjectOptions, key: string): InjectOptions {
  return { ...opts, headers: { ...(opts.headers as Record<string, string> | undefined), 'x-coupa-api-key': key } };
}

for (const dialect of DIALECTS) {
  describe(`authentication on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      await createUser(t, validUser(1));
    });
    afterEach(async () => {
      await t.close();
    });

    describe('every endpoint refuses a request without a valid key, with 401 and no write', () => {
      for (const [name, opts] of ENDPOINTS) {
        it(`${name}: missing key`, async () => {
          const before = await dbSnapshot(t.store);
          const res = await t.app.inject({ ...opts, headers: { ...(opts.headers as Record<string, string> | undefined) } });
          expectError(res, 'unauthorized', [MISSING]);
          expect(await dbSnapshot(t.store)).toEqual(before);
        });

        it(`${name}: wrong key`, async () => {
          const before = await dbSnapshot(t.store);
          const res = await t.request(withKey(opts, 'not-the-key'));
          expectError(res, 'unauthorized', [INVALID]);
          expect(await dbSnapshot(t.store)).toEqual(before);
        });
      }
    });

    describe('a key limited to core.user.read', () => {
      const READER = 'reader-key-0123456789';
      beforeEach(async () => {
        await new ApiKeyRepository(t.store).add(READER, 'reader', ['core.user.read']);
      });

      for (const [name, opts] of ENDPOINTS) {
        const write = opts.method !== 'GET';
        it(`${name}: ${write ? '403 forbidden naming the scope, no write' : 'allowed'}`, async () => {
          if (name === 'GET /api/users/:id/avatar') {
            await t.request({
              method: 'PUT',
              url: '/api/users/1/avatar',
              ...multipartFile({ filename: 'a.png', contentType: 'image/png', data: makePng() }),
            });
          }
          const before = await dbSnapshot(t.store);
          const res = await t.request(withKey(opts, READER));
          if (write) {
            expectError(res, 'forbidden', ['This credential lacks the scope core.user.write']);
          } else {
            expect(res.statusCode, res.body).toBe(200);
          }
          expect(await dbSnapshot(t.store)).toEqual(before);
        });
      }
    });

    it('treats an empty key header as missing', async () => {
      expectError(await t.request(withKey({ method: 'GET', url: '/api/users' }, '')), 'unauthorized', [MISSING]);
    });

    it('answers 401 in Coupa’s XML error shape by default', async () => {
      const res = await t.request(withKey({ method: 'GET', url: '/api/users' }, 'nope'));
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe(`${XML_DECLARATION}\n<errors>\n  <error>${INVALID}</error>\n</errors>\n`);
      expect(parseXmlErrors(res.body).messages).toEqual([INVALID]);
    });

    it('answers 401 in Coupa’s JSON error shape when JSON is asked for', async () => {
      const res = await t.request(withKey({ method: 'GET', url: '/api/users', headers: { accept: 'application/json' } }, 'nope'));
      expectError(res, 'unauthorized', [INVALID]);
      expect(JSON.parse(res.body)).toEqual({ errors: { user: [INVALID] } });
    });

    it('does not accept the key in another header or as a bearer token', async () => {
      const bearer = await t.app.inject({ method: 'GET', url: '/api/users', headers: { authorization: `Bearer ${TEST_KEY}` } });
      expectError(bearer, 'unauthorized', ['The access token is invalid']);
      const query = await t.app.inject({ method: 'GET', url: `/api/users?x-coupa-api-key=${TEST_KEY}` });
      expectError(query, 'unauthorized', [MISSING]);
    });

    it('refuses a key after it is revoked, and keeps accepting other keys', async () => {
      const keys = new ApiKeyRepository(t.store);
      const other = generateApiKey();
      await keys.add(other, 'second integration');
      const record = await keys.findActive(TEST_KEY);
      expect(record).toBeDefined();
      expect(await listUsers(t)).toHaveLength(1);

      expect(await keys.revoke(record?.id ?? -1)).toBe(true);
      const res = await t.request({ method: 'GET', url: '/api/users' });
      expectError(res, 'unauthorized', [INVALID]);
      const write = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser(2) });
      expectError(write, 'unauthorized', [INVALID]);

      const ok = await t.request(withKey({ method: 'GET', url: '/api/users', headers: { accept: 'application/json' } }, other));
      expect(ok.statusCode).toBe(200);
      expect(JSON.parse(ok.body)).toHaveLength(1);
    });

    it('stores only a digest of the key', async () => {
      const rows = await t.store.db.selectFrom('api_keys').selectAll().execute();
      expect(rows.map((r) => r['key_hash'])).toEqual([hashApiKey(TEST_KEY)]);
      expect(JSON.stringify(rows)).not.toContain(TEST_KEY);
    });

    it('serves /health without a key', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.body)).toEqual({ status: 'ok', database: dialect.name });
    });

    it('serves /health with a wrong key too', async () => {
      const res = await t.request(withKey({ method: 'GET', url: '/health' }, 'whatever'));
      expect(res.statusCode).toBe(200);
    });
  });
}
