import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { base64url, SignJWT, decodeJwt, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentialService } from '../src/cli/credentials.js';
import { createUser, dbSnapshot, expectError, parseJson, XML_DECLARATION, type JsonUser } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makePng, multipartFile } from './helpers/images.js';
import { JSON_IO, makeTestApp, TEST_KEY, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

const READ = 'core.user.read';
const WRITE = 'core.user.write';

const MISSING = 'Authentication required: send an OAuth access token (Authorization: Bearer …) or an API key (X-COUPA-API-KEY)';
const INVALID_KEY = 'Invalid API key';
const EXPIRED = 'The access token has expired; request a new one';
const INVALID_TOKEN = 'The access token is invalid';
const REVOKED = 'The client of this access token has been revoked';
const NOT_BEARER = 'The Authorization header must be "Bearer <access token>"';

const CHALLENGE = 'Bearer realm="roster"';
const INVALID_CHALLENGE = 'Bearer realm="roster", error="invalid_token"';

const CLIENT_ID = 'matrix-client';
const SECRET = 'matrix-secret-0123456789';

/** The avatar user 1 starts with; the PUT in the table sends a different image, so a write shows. */
const FIRST_AVATAR = makePng({ rgba: [0, 0, 255, 255] });
const NEW_AVATAR = makePng();

interface Endpoint {
  readonly request: InjectOptions;
  /** The status a request with a good credential gets. */
  readonly status: number;
  /** What the success body must show. */
  readonly check: (res: LightMyRequestResponse) => void;
}

/** Every Users API endpoint, with a body where it takes one (as in auth.test.ts). */
const ENDPOINTS: ReadonlyArray<[string, Endpoint]> = [
  [
    'GET /api/users',
    {
      request: { method: 'GET', url: '/api/users' },
      status: 200,
      check: (res) => expect(res.body).toMatch(/<users type="array">[\s\S]*<login>user_1<\/login>/),
    },
  ],
  [
    'GET /api/users/:id',
    {
      request: { method: 'GET', url: '/api/users/1' },
      status: 200,
      check: (res) => expect(res.body).toContain('<login>user_1</login>'),
    },
  ],
  [
    'POST /api/users',
    {
      request: { method: 'POST', url: '/api/users', headers: XML, payload: userXml(validUser(9)) },
      status: 201,
      check: (res) => expect(res.body).toContain('<login>user_9</login>'),
    },
  ],
  [
    'PUT /api/users/:id',
    {
      request: { method: 'PUT', url: '/api/users/1', headers: XML, payload: '<user><lastname>Hacked</lastname></user>' },
      status: 200,
      check: (res) => expect(res.body).toContain('<lastname>Hacked</lastname>'),
    },
  ],
  [
    'PUT /api/users',
    {
      request: {
        method: 'PUT',
        url: '/api/users?bulk=1',
        headers: XML,
        payload: '<users><user><id>1</id><lastname>Hacked</lastname></user></users>',
      },
      status: 200,
      check: (res) => expect(res.body).toContain('<status>SUCCESS</status>'),
    },
  ],
  [
    'PATCH /api/users/:id',
    {
      request: { method: 'PATCH', url: '/api/users/1', headers: XML, payload: '<user><lastname>Hacked</lastname></user>' },
      status: 200,
      check: (res) => expect(res.body).toContain('<lastname>Hacked</lastname>'),
    },
  ],
  [
    'PUT /api/users/:id/avatar',
    {
      request: {
        method: 'PUT',
        url: '/api/users/1/avatar',
        ...multipartFile({ filename: 'a.png', contentType: 'image/png', data: NEW_AVATAR }),
      },
      status: 200,
      check: (res) => expect(res.body).toContain('<login>user_1</login>'),
    },
  ],
  [
    'GET /api/users/:id/avatar',
    {
      request: { method: 'GET', url: '/api/users/1/avatar' },
      status: 200,
      check: (res) => {
        expect(res.headers['content-type']).toBe('image/png');
        expect(res.rawPayload.equals(FIRST_AVATAR)).toBe(true);
      },
    },
  ],
  [
    'DELETE /api/users/:id/avatar',
    {
      request: { method: 'DELETE', url: '/api/users/1/avatar' },
      status: 200,
      check: (res) => expect(res.body).toContain('<login>user_1</login>'),
    },
  ],
];

type Headers = Record<string, string>;

/** The request with these headers added (and no test key: t.app.inject sends none). */
function withHeaders(opts: InjectOptions, headers: Headers): InjectOptions {
  return { ...opts, headers: { ...(opts.headers as Headers | undefined), ...headers } };
}

/** A token with one character of its signature (or payload) changed, never the last, whose spare bits may not count. */
function tamper(token: string, part: 1 | 2): string {
  const parts = token.split('.');
  const text = parts[part] ?? '';
  const i = Math.floor(text.length / 2);
  parts[part] = `${text.slice(0, i)}${text[i] === 'A' ? 'B' : 'A'}${text.slice(i + 1)}`;
  return parts.join('.');
}

/** The same token with its payload rewritten and the original signature kept. */
function forgePayload(token: string, change: (p: JWTPayload) => JWTPayload): string {
  const [header = '', , signature = ''] = token.split('.');
  const payload = base64url.encode(JSON.stringify(change(decodeJwt(token))));
  return `${header}.${payload}.${signature}`;
}

const xmlError = (message: string): string =>
  `${XML_DECLARATION}\n<errors>\n  <error>${message.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')}</error>\n</errors>\n`;

for (const dialect of DIALECTS) {
  describe(`authentication matrix on ${dialect.name}`, () => {
    // The app of the running test (or group of tests sharing one) and the time its clock reads.
    let t: TestApp;
    let now = 0;

    /** A fresh app whose user 1 has an avatar; user 1 comes first, so the ids hold whatever API users come later. */
    async function open(): Promise<void> {
      now = Math.floor(Date.now() / 1000) * 1000;
      t = await makeTestApp(dialect, {}, { clock: () => now });
      expect((await createUser(t, validUser(1))).id).toBe(1);
      const avatar = await t.request({
        method: 'PUT',
        url: '/api/users/1/avatar',
        ...multipartFile({ filename: 'first.png', contentType: 'image/png', data: FIRST_AVATAR }),
      });
      expect(avatar.statusCode, avatar.body).toBe(200);
    }
    const close = () => t.close();

    async function makeClient(scopes: readonly string[] = [READ, WRITE], clientId = CLIENT_ID) {
      return (await credentialService(t.store).createClient({ name: 'Matrix connector', scopes, clientId, secret: SECRET }))
        .client;
    }

    /** A token from the token endpoint, for the client made with makeClient. */
    async function token(scope?: string, clientId = CLIENT_ID): Promise<string> {
      const params: Headers = { grant_type: 'client_credentials', client_id: clientId, client_secret: SECRET };
      if (scope !== undefined) params['scope'] = scope;
      const res = await t.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(params).toString(),
      });
      expect(res.statusCode, res.body).toBe(200);
      return (JSON.parse(res.body) as { access_token: string }).access_token;
    }

    const bearer = (tok: string): Headers => ({ authorization: `Bearer ${tok}` });

    /**
     * Sends the request as XML (the default) and as JSON, expects the exact error in both, and
     * that nothing at all was written.
     */
    async function expectRefused(
      request: InjectOptions,
      headers: Headers,
      code: 'unauthorized' | 'forbidden',
      message: string,
      challenge?: string,
    ): Promise<void> {
      const before = await dbSnapshot(t.store);
      const xml = await t.app.inject(withHeaders(request, headers));
      expectError(xml, code, [message]);
      expect(xml.body).toBe(xmlError(message));
      if (challenge !== undefined) expect(xml.headers['www-authenticate']).toBe(challenge);
      const json = await t.app.inject(withHeaders(request, { ...headers, accept: 'application/json' }));
      expectError(json, code, [message]);
      expect(json.body).toBe(JSON.stringify({ errors: { user: [message] } }));
      if (challenge !== undefined) expect(json.headers['www-authenticate']).toBe(challenge);
      expect(await dbSnapshot(t.store)).toEqual(before);
    }

    /** Sends the request once, expects the endpoint's success, and a write exactly when it is a write route. */
    async function expectAllowed(endpoint: Endpoint, headers: Headers): Promise<void> {
      const before = await dbSnapshot(t.store);
      const res = await t.app.inject(withHeaders(endpoint.request, headers));
      expect(res.statusCode, res.body).toBe(endpoint.status);
      expect(res.headers['x-roster-error-code']).toBeUndefined();
      expect(res.headers['www-authenticate']).toBeUndefined();
      endpoint.check(res);
      const after = await dbSnapshot(t.store);
      if (endpoint.request.method === 'GET') expect(after).toEqual(before);
      else expect(after).not.toEqual(before);
    }

    for (const [name, endpoint] of ENDPOINTS) {
      const needed = endpoint.request.method === 'GET' ? READ : WRITE;
      const other = needed === READ ? WRITE : READ;

      describe(name, () => {
        // The refusals write nothing (each checks so), so they share one app and its tokens.
        describe('refused, nothing written', () => {
          const tokens = { other: '', full: '', expiring: '', revoked: '' };
          beforeAll(async () => {
            await open();
            await makeClient();
            await makeClient([READ, WRITE], 'revoked-client');
            tokens.other = await token(other);
            tokens.full = await token();
            tokens.expiring = await token();
            tokens.revoked = await token(undefined, 'revoked-client');
            expect(await credentialService(t.store).revokeClient('revoked-client')).toBe(true);
          });
          afterAll(close);

          it('no credential: 401, with a Bearer challenge', async () => {
            await expectRefused(endpoint.request, {}, 'unauthorized', MISSING, CHALLENGE);
          });

          it('a bad API key: 401 Invalid API key', async () => {
            await expectRefused(
              endpoint.request,
              { 'x-coupa-api-key': 'not-the-key' },
              'unauthorized',
              INVALID_KEY,
              'Bearer realm="roster"',
            );
          });

          it(`a token with only ${other}: 403 naming ${needed}`, async () => {
            await expectRefused(
              endpoint.request,
              bearer(tokens.other),
              'forbidden',
              `This credential lacks the scope ${needed}`,
              `Bearer realm="roster", error="insufficient_scope", scope="${needed}"`,
            );
          });

          /** The control: the token is good now (and the app has verified and cached it). */
          const expectGood = async (tok: string) => {
            const res = await t.app.inject({ method: 'GET', url: '/api/users/1', headers: bearer(tok) });
            expect(res.statusCode, res.body).toBe(200);
          };

          it('an expired token: 401 with an invalid_token challenge', async () => {
            await expectGood(tokens.expiring);
            now += 86_400_000;
            try {
              await expectRefused(endpoint.request, bearer(tokens.expiring), 'unauthorized', EXPIRED, INVALID_CHALLENGE);
            } finally {
              now -= 86_400_000;
            }
          });

          it('a token with a changed signature or payload: 401 invalid', async () => {
            await expectGood(tokens.full);
            await expectRefused(
              endpoint.request,
              bearer(tamper(tokens.full, 2)),
              'unauthorized',
              INVALID_TOKEN,
              INVALID_CHALLENGE,
            );
            await expectRefused(
              endpoint.request,
              bearer(tamper(tokens.full, 1)),
              'unauthorized',
              INVALID_TOKEN,
              INVALID_CHALLENGE,
            );
          });

          it('a token of a revoked client: 401', async () => {
            await expectRefused(endpoint.request, bearer(tokens.revoked), 'unauthorized', REVOKED, INVALID_CHALLENGE);
          });
        });

        describe('allowed', () => {
          beforeEach(open);
          afterEach(close);

          it('a good API key: success', async () => {
            await expectAllowed(endpoint, { 'x-coupa-api-key': TEST_KEY });
          });

          it(`a token with ${needed}: success`, async () => {
            await makeClient();
            await expectAllowed(endpoint, bearer(await token(needed)));
          });
        });
      });
    }

    describe('malformed Authorization headers on /api', () => {
      beforeAll(async () => {
        await open();
        await makeClient();
      });
      afterAll(close);
      const list: InjectOptions = { method: 'GET', url: '/api/users' };
      const create: InjectOptions = { method: 'POST', url: '/api/users', headers: XML, payload: userXml(validUser(5)) };

      it('Bearer with garbage: 401 invalid', async () => {
        for (const garbage of ['garbage', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30.', 'x'.repeat(5000)]) {
          await expectRefused(list, bearer(garbage), 'unauthorized', INVALID_TOKEN, INVALID_CHALLENGE);
        }
        await expectRefused(create, bearer('garbage'), 'unauthorized', INVALID_TOKEN, INVALID_CHALLENGE);
      });

      it('Bearer with no token, or two: 401 naming the expected form', async () => {
        for (const authorization of ['Bearer', 'Bearer a b', 'Token abc']) {
          await expectRefused(list, { authorization }, 'unauthorized', NOT_BEARER, INVALID_CHALLENGE);
        }
      });

      it('HTTP Basic with the client’s own id and secret: 401 (Basic is for the token endpoint only)', async () => {
        const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`;
        await expectRefused(list, { authorization: basic }, 'unauthorized', NOT_BEARER, INVALID_CHALLENGE);
        await expectRefused(create, { authorization: basic }, 'unauthorized', NOT_BEARER, INVALID_CHALLENGE);
      });

      it('accepts the scheme in any case (RFC 7235)', async () => {
        const res = await t.app.inject(withHeaders(list, { authorization: `bearer ${await token(READ)}` }));
        expect(res.statusCode, res.body).toBe(200);
      });

      it('the API key is not a bearer token, and a token is not an API key', async () => {
        await expectRefused(list, bearer(TEST_KEY), 'unauthorized', INVALID_TOKEN, INVALID_CHALLENGE);
        await expectRefused(list, { 'x-coupa-api-key': await token(READ) }, 'unauthorized', INVALID_KEY);
      });
    });

    describe('token lifetime and integrity', () => {
      beforeEach(open);
      afterEach(close);

      it('a token is good until the second it expires, cached or not', async () => {
        await makeClient();
        const used = await token(READ);
        const unused = await token(READ);
        const send = (tok: string) => t.app.inject(withHeaders({ method: 'GET', url: '/api/users/1' }, bearer(tok)));
        expect((await send(used)).statusCode).toBe(200);
        now += 86_399_000 - 1;
        expect((await send(used)).statusCode).toBe(200);
        now += 1;
        for (const tok of [used, unused]) {
          const res = await send(tok);
          expectError(res, 'unauthorized', [EXPIRED]);
          expect(res.headers['www-authenticate']).toBe(INVALID_CHALLENGE);
        }
      });

      it('a token stops working as soon as its client is revoked, even just after a success', async () => {
        await makeClient();
        const tok = await token();
        const send = () => t.app.inject(withHeaders({ method: 'GET', url: '/api/users/1' }, bearer(tok)));
        expect((await send()).statusCode).toBe(200);
        await credentialService(t.store).revokeClient(CLIENT_ID);
        expectError(await send(), 'unauthorized', [REVOKED]);
      });

      it('revoking one client leaves another client’s tokens working', async () => {
        await makeClient();
        await makeClient([READ], 'other-client');
        const mine = await token();
        const theirs = await token(undefined, 'other-client');
        await credentialService(t.store).revokeClient(CLIENT_ID);
        const send = (tok: string) => t.app.inject(withHeaders({ method: 'GET', url: '/api/users/1' }, bearer(tok)));
        expectError(await send(mine), 'unauthorized', [REVOKED]);
        expect((await send(theirs)).statusCode).toBe(200);
      });

      it('a read token whose payload is rewritten to claim write is refused, not elevated', async () => {
        await makeClient();
        const tok = await token(READ);
        const forged = forgePayload(tok, (p) => ({ ...p, scope: `${READ} ${WRITE}` }));
        const create: InjectOptions = { method: 'POST', url: '/api/users', headers: XML, payload: userXml(validUser(7)) };
        await expectRefused(create, bearer(forged), 'unauthorized', INVALID_TOKEN, INVALID_CHALLENGE);
        const later = forgePayload(tok, (p) => ({ ...p, exp: (p.exp ?? 0) + 86400 }));
        await expectRefused(
          { method: 'GET', url: '/api/users' },
          bearer(later),
          'unauthorized',
          INVALID_TOKEN,
          INVALID_CHALLENGE,
        );
      });

      it('tokens not signed with this server’s key are invalid: another key, alg none', async () => {
        await makeClient();
        const claims = decodeJwt(await token());
        const list: InjectOptions = { method: 'GET', url: '/api/users' };
        const otherKey = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid: 'roster-1', typ: 'at+jwt' })
          .sign(new Uint8Array(32).fill(7));
        await expectRefused(list, bearer(otherKey), 'unauthorized', INVALID_TOKEN, INVALID_CHALLENGE);
        const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(claims))}.`;
        await expectRefused(list, bearer(none), 'unauthorized', INVALID_TOKEN, INVALID_CHALLENGE);
      });

      it('with the server’s own key: wrong issuer or audience, or no subject, are invalid', async () => {
        await makeClient();
        const claims = decodeJwt(await token());
        const row = await t.store.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
        const key = Buffer.from(String(row['secret']), 'base64url');
        const sign = (payload: JWTPayload) =>
          new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: 'roster-1', typ: 'at+jwt' }).sign(key);
        const list: InjectOptions = { method: 'GET', url: '/api/users/1' };
        // The control: the server's key and the original claims make a good token.
        expect((await t.app.inject(withHeaders(list, bearer(await sign(claims))))).statusCode).toBe(200);
        for (const bad of [
          { ...claims, iss: 'someone-else' },
          { ...claims, aud: 'other-api' },
          { ...claims, sub: undefined },
          { ...claims, exp: undefined },
        ]) {
          await expectRefused(list, bearer(await sign(bad)), 'unauthorized', INVALID_TOKEN, INVALID_CHALLENGE);
        }
      });

      it('a token never carries more than its client is granted now', async () => {
        await makeClient([READ]);
        const row = await t.store.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
        const key = Buffer.from(String(row['secret']), 'base64url');
        // A well-signed token claiming write for a read-only client (as if the grant was narrowed since).
        const claims = { ...decodeJwt(await token()), scope: `${READ} ${WRITE}` };
        const tok = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'roster-1' }).sign(key);
        const create: InjectOptions = { method: 'POST', url: '/api/users', headers: XML, payload: userXml(validUser(8)) };
        await expectRefused(create, bearer(tok), 'forbidden', `This credential lacks the scope ${WRITE}`);
        expect((await t.app.inject(withHeaders({ method: 'GET', url: '/api/users/1' }, bearer(tok)))).statusCode).toBe(200);
      });
    });

    describe('created-by and updated-by name the credential’s API user', () => {
      beforeEach(open);
      afterEach(close);

      const nested = (id: number, login: string, lastname: string) => ({
        id,
        login,
        email: `${login}@api.roster.invalid`,
        'employee-number': null,
        firstname: 'API',
        lastname,
        fullname: `API ${lastname}`,
        'salesforce-id': null,
      });

      async function show(id: number): Promise<JsonUser> {
        const res = await t.request({ method: 'GET', url: `/api/users/${id}`, headers: { accept: 'application/json' } });
        expect(res.statusCode, res.body).toBe(200);
        return parseJson(res);
      }

      it('a token stamps the client’s API user; an API key stamps the key’s; the old TEST_KEY stamps nothing', async () => {
        const client = await makeClient();
        expect(client.userId).not.toBeNull();
        const clientUser = client.userId ?? -1;
        const apiUser = await show(clientUser);
        expect(apiUser).toMatchObject({ login: `oauth.${CLIENT_ID}`, 'api-user': true, 'created-by': null });

        // Created through the token.
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/users',
          headers: { ...JSON_IO, ...bearer(await token(WRITE)) },
          payload: validUser(2),
        });
        expect(res.statusCode, res.body).toBe(201);
        const created = parseJson(res);
        const byClient = nested(clientUser, `oauth.${CLIENT_ID}`, 'Matrix connector');
        expect(created['created-by']).toEqual(byClient);
        expect(created['updated-by']).toEqual(byClient);
        expect(created['api-user']).toBe(false);

        // Updated through an API key that has its API user.
        const { record, key } = await credentialService(t.store).createKey({ name: 'Matrix key', scopes: null });
        expect(record.userId).not.toBeNull();
        const keyUser = await show(record.userId ?? -1);
        expect(keyUser['login']).toMatch(/^api\.key\.[0-9a-f]{8}$/);
        expect(keyUser['api-user']).toBe(true);
        const upd = await t.app.inject({
          method: 'PUT',
          url: `/api/users/${created.id}`,
          headers: { ...JSON_IO, 'x-coupa-api-key': key },
          payload: { lastname: 'Byrne' },
        });
        expect(upd.statusCode, upd.body).toBe(200);
        const updated = parseJson(upd);
        expect(updated['created-by']).toEqual(byClient);
        expect(updated['updated-by']).toEqual(nested(record.userId ?? -1, String(keyUser['login']), 'Matrix key'));
        expect(await show(created.id)).toMatchObject({ 'created-by': byClient, 'updated-by': { id: record.userId } });

        // The XML rendering names the same user.
        const xml = await t.request({ method: 'GET', url: `/api/users/${created.id}` });
        expect(xml.body).toMatch(
          new RegExp(`<created-by>\\s*<id type="integer">${clientUser}</id>\\s*<login>oauth\\.${CLIENT_ID}</login>`),
        );
      });

      it('the test key (no API user) leaves created-by and updated-by nil, on create and on update', async () => {
        const user = await createUser(t, validUser(3));
        expect(user['created-by']).toBeNull();
        expect(user['updated-by']).toBeNull();
        const upd = await t.request({
          method: 'PATCH',
          url: `/api/users/${user.id}`,
          headers: JSON_IO,
          payload: { lastname: 'X' },
        });
        expect(upd.statusCode, upd.body).toBe(200);
        expect(parseJson(upd)).toMatchObject({ 'created-by': null, 'updated-by': null, lastname: 'X' });
        const xml = await t.request({ method: 'GET', url: `/api/users/${user.id}` });
        expect(xml.body).toContain('<created-by nil="true" />');
        expect(xml.body).toContain('<updated-by nil="true" />');
      });

      it('a later TEST_KEY update clears updated-by back to nil and keeps created-by', async () => {
        await makeClient();
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/users',
          headers: { ...JSON_IO, ...bearer(await token(WRITE)) },
          payload: validUser(4),
        });
        const created = parseJson(res);
        const upd = await t.request({
          method: 'PUT',
          url: `/api/users/${created.id}`,
          headers: JSON_IO,
          payload: { lastname: 'Y' },
        });
        expect(parseJson(upd)).toMatchObject({ 'created-by': { login: `oauth.${CLIENT_ID}` }, 'updated-by': null });
      });
    });
  });
}
