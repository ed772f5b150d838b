import { readFileSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCOPES } from '../src/catalog/scopes.js';
import { credentialService } from '../src/cli/credentials.js';
import { makeConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { ROUTE_SCOPES, routeScopes } from '../src/http/route-scopes.js';
import { dbSnapshot, expectError } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = 'application/json; charset=utf-8';
const READ = 'core.user.read';
const WRITE = 'core.user.write';
const WORKERS_READ = 'core.services_procurement.workers.read';
const WORKERS_WRITE = 'core.services_procurement.workers.write';

const CLIENT_ID = 'connector.main';
const SECRET = 'connector-secret-0123456789';
/** The one message of every invalid_client, whatever the cause, so a caller cannot probe which ids exist. */
const BAD_CLIENT = 'Client authentication failed: unknown client, wrong secret, or revoked';

/** The eight Users API routes (the matrix in auth-matrix.test.ts sends each of them). */
const API_ROUTES = [
  'GET /api/users',
  'GET /api/users/:id',
  'POST /api/users',
  'PUT /api/users/:id',
  'PATCH /api/users/:id',
  'PUT /api/users/:id/avatar',
  'GET /api/users/:id/avatar',
  'DELETE /api/users/:id/avatar',
];

const OAUTH_STATUS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
} as const;
type OAuthCode = keyof typeof OAUTH_STATUS;

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();
const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
/** RFC 6749 §2.3.1: each of id and secret is form-urlencoded before the pair is base64-encoded. */
const formEncode = (s: string): string => encodeURIComponent(s).replaceAll('%20', '+');

/** An RFC 6749 §5.2 error, asserted exactly: status, code header, body byte for byte, no caching. */
function expectOAuthError(res: LightMyRequestResponse, code: OAuthCode, description: string, challenge?: string): void {
  expect({ status: res.statusCode, code: res.headers['x-roster-error-code'] }, res.body).toEqual({
    status: OAUTH_STATUS[code],
    code,
  });
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toBe(JSON.stringify({ error: code, error_description: description }));
  expect(res.headers['www-authenticate']).toBe(challenge);
}

function expectToken(res: LightMyRequestResponse, scope: string): TokenBody {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['pragma']).toBe('no-cache');
  expect(res.headers['www-authenticate']).toBeUndefined();
  expect(res.headers['x-roster-error-code']).toBeUndefined();
  const body = JSON.parse(res.body) as TokenBody;
  expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'expires_in', 'scope']);
  expect(body).toEqual({
    access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) as unknown,
    token_type: 'bearer',
    expires_in: 86399,
    scope,
  });
  return body;
}

/** Every `METHOD /path` the app serves (HEAD left out), read from Fastify's route tree. */
function registeredRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    for (const method of (m[3] ?? '').split(', ')) {
      if (method !== '' && method !== 'HEAD') out.push(`${method} ${stack.join('')}`);
    }
  }
  return out.sort();
}

for (const dialect of DIALECTS) {
  describe(`OAuth 2.0 token endpoint on ${dialect.name}`, () => {
    let t: TestApp;
    // Whole seconds, so iat and exp are exactly predictable.
    let now: number;

    const post = (payload: string, headers: Record<string, string> = {}, url = '/oauth2/token') =>
      t.app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload });
    const clientForm = (extra: Record<string, string> = {}) =>
      form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET, ...extra });

    beforeEach(async () => {
      now = Math.floor(Date.now() / 1000) * 1000;
      t = await makeTestApp(dialect, {}, { clock: () => now });
      await credentialService(t.store).createClient({
        name: 'Main connector',
        scopes: [READ, WRITE],
        clientId: CLIENT_ID,
        secret: SECRET,
      });
    });
    afterEach(async () => {
      await t.close();
    });

    describe('issues a token', () => {
      for (const url of ['/oauth2/token', '/oauth2/access_tokens']) {
        it(`${url}: client credentials in the form body, every granted scope when none is asked for`, async () => {
          const body = expectToken(await post(clientForm(), {}, url), `${READ} ${WRITE}`);
          const claims = decodeJwt(body.access_token);
          expect(claims.sub).toBe(CLIENT_ID);
          expect(claims.iat).toBe(now / 1000);
          expect(claims.exp).toBe(now / 1000 + 86399);
          expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(86399);
          expect(claims.scope).toBe(`${READ} ${WRITE}`);
          expect(claims.iss).toBe('roster');
          expect(claims.aud).toBe('roster-api');
          expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
          expect(decodeProtectedHeader(body.access_token)).toEqual({ alg: 'HS256', kid: 'roster-1', typ: 'at+jwt' });
        });

        it(`${url}: client credentials as HTTP Basic`, async () => {
          const res = await post(form({ grant_type: 'client_credentials' }), { authorization: basic(CLIENT_ID, SECRET) }, url);
          const body = expectToken(res, `${READ} ${WRITE}`);
          expect(decodeJwt(body.access_token).sub).toBe(CLIENT_ID);
        });

        it(`${url}: a subset of the granted scopes`, async () => {
          const body = expectToken(await post(clientForm({ scope: READ }), {}, url), READ);
          expect(decodeJwt(body.access_token).scope).toBe(READ);
        });
      }

      it("issues the OpenID Connect scopes real clients ask for beside the core ones (Coupa's Okta set-up)", async () => {
        await credentialService(t.store).createClient({
          name: 'Okta',
          scopes: [READ, WRITE, 'openid', 'offline_access', 'email', 'login', 'profile'],
          clientId: 'okta',
          secret: SECRET,
        });
        const asked = `${READ} email login openid profile`;
        const res = await post(
          form({ grant_type: 'client_credentials', client_id: 'okta', client_secret: SECRET, scope: asked }),
        );
        expect(decodeJwt(expectToken(res, asked).access_token).scope).toBe(asked);
        // Still never beyond the grant: the main client was not granted openid.
        expectOAuthError(
          await post(clientForm({ scope: `${READ} openid` })),
          'invalid_scope',
          'Scope openid was not granted to this client',
        );
      });

      it('accepts Basic with a lower-case scheme, and a body client_id that matches it', async () => {
        const res = await post(form({ grant_type: 'client_credentials', client_id: CLIENT_ID, scope: WRITE }), {
          authorization: basic(CLIENT_ID, SECRET).replace('Basic', 'basic'),
        });
        expectToken(res, WRITE);
      });

      it('form-decodes the Basic id and secret (RFC 6749 §2.3.1)', async () => {
        const secret = 'with space+plus:colon%percent/é';
        await credentialService(t.store).createClient({ name: 'Odd', scopes: [READ], clientId: 'odd~id', secret });
        const res = await post(form({ grant_type: 'client_credentials' }), {
          authorization: basic(formEncode('odd~id'), formEncode(secret)),
        });
        expect(decodeJwt(expectToken(res, READ).access_token).sub).toBe('odd~id');
        // The same secret in the body works as well.
        expectToken(await post(form({ grant_type: 'client_credentials', client_id: 'odd~id', client_secret: secret })), READ);
      });

      it('drops repeated and extra spaces in the scope list', async () => {
        expectToken(await post(clientForm({ scope: `  ${READ}  ${READ} ` })), READ);
        const both = expectToken(await post(clientForm({ scope: `${WRITE} ${READ}` })), `${WRITE} ${READ}`);
        expect(String(decodeJwt(both.access_token).scope).split(' ').sort()).toEqual([READ, WRITE]);
      });

      it('treats an empty scope parameter as absent', async () => {
        expectToken(await post(clientForm({ scope: '' })), `${READ} ${WRITE}`);
      });

      it('issues a new token each time (unique jti)', async () => {
        const a = expectToken(await post(clientForm()), `${READ} ${WRITE}`);
        const b = expectToken(await post(clientForm()), `${READ} ${WRITE}`);
        expect(a.access_token).not.toBe(b.access_token);
        expect(decodeJwt(a.access_token).jti).not.toBe(decodeJwt(b.access_token).jti);
      });

      it('needs no API key, and the token it gives works on /api from both paths', async () => {
        for (const url of ['/oauth2/token', '/oauth2/access_tokens']) {
          const { access_token } = expectToken(await post(clientForm({ scope: READ }), {}, url), READ);
          const res = await t.app.inject({
            method: 'GET',
            url: '/api/users',
            headers: { authorization: `Bearer ${access_token}`, accept: 'application/json' },
          });
          expect(res.statusCode, res.body).toBe(200);
        }
      });

      it('writes nothing the Users API can see', async () => {
        const before = await dbSnapshot(t.store);
        expectToken(await post(clientForm()), `${READ} ${WRITE}`);
        expect(await dbSnapshot(t.store)).toEqual(before);
      });
    });

    describe('refuses a bad request in RFC 6749 §5.2 shape', () => {
      it('missing grant_type: invalid_request', async () => {
        const res = await post(form({ client_id: CLIENT_ID, client_secret: SECRET }));
        expectOAuthError(res, 'invalid_request', 'grant_type is missing');
      });

      it('empty grant_type: invalid_request', async () => {
        expectOAuthError(await post(clientForm({ grant_type: '' })), 'invalid_request', 'grant_type is missing');
      });

      it('grant_type=password: unsupported_grant_type', async () => {
        const res = await post(clientForm({ grant_type: 'password', username: 'a', password: 'b' }));
        expectOAuthError(res, 'unsupported_grant_type', 'Grant type password is not supported; use client_credentials');
      });

      it('grant_type=authorization_code: unsupported_grant_type', async () => {
        const res = await post(clientForm({ grant_type: 'authorization_code', code: 'x' }));
        expectOAuthError(res, 'unsupported_grant_type', 'Grant type authorization_code is not supported; use client_credentials');
      });

      it('unknown client, wrong secret and revoked client: the same invalid_client 401', async () => {
        expectOAuthError(await post(clientForm({ client_id: 'nobody' })), 'invalid_client', BAD_CLIENT);
        expectOAuthError(await post(clientForm({ client_secret: `${SECRET}x` })), 'invalid_client', BAD_CLIENT);
        // A prefix of the secret, and the secret with other case, are wrong too.
        expectOAuthError(await post(clientForm({ client_secret: SECRET.slice(0, -1) })), 'invalid_client', BAD_CLIENT);
        expectOAuthError(await post(clientForm({ client_secret: SECRET.toUpperCase() })), 'invalid_client', BAD_CLIENT);
        expect(await credentialService(t.store).revokeClient(CLIENT_ID)).toBe(true);
        expectOAuthError(await post(clientForm()), 'invalid_client', BAD_CLIENT);
      });

      it('client_id or client_secret missing: invalid_client', async () => {
        expectOAuthError(
          await post(form({ grant_type: 'client_credentials' })),
          'invalid_client',
          'Send client_id and client_secret (or HTTP Basic)',
        );
        expectOAuthError(
          await post(form({ grant_type: 'client_credentials', client_id: CLIENT_ID })),
          'invalid_client',
          'client_secret is missing',
        );
      });

      it('Basic with a wrong secret, an unknown client or a revoked client: 401 with a Basic challenge', async () => {
        const challenge = 'Basic realm="roster"';
        const grant = form({ grant_type: 'client_credentials' });
        expectOAuthError(
          await post(grant, { authorization: basic(CLIENT_ID, 'wrong') }),
          'invalid_client',
          BAD_CLIENT,
          challenge,
        );
        expectOAuthError(await post(grant, { authorization: basic('nobody', SECRET) }), 'invalid_client', BAD_CLIENT, challenge);
        await credentialService(t.store).revokeClient(CLIENT_ID);
        expectOAuthError(await post(grant, { authorization: basic(CLIENT_ID, SECRET) }), 'invalid_client', BAD_CLIENT, challenge);
      });

      it('an Authorization header that is not Basic id:secret: invalid_request', async () => {
        const message = 'The Authorization header must be HTTP Basic with client_id:client_secret';
        for (const authorization of ['Bearer abc', 'Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
          expectOAuthError(await post(clientForm(), { authorization }), 'invalid_request', message);
        }
      });

      it('Basic and a body secret both: invalid_request', async () => {
        const res = await post(clientForm(), { authorization: basic(CLIENT_ID, SECRET) });
        expectOAuthError(res, 'invalid_request', 'Send the client credentials either as HTTP Basic or in the body, not both');
      });

      it('Basic and a different body client_id: invalid_request', async () => {
        const res = await post(form({ grant_type: 'client_credentials', client_id: 'other' }), {
          authorization: basic(CLIENT_ID, SECRET),
        });
        expectOAuthError(res, 'invalid_request', 'client_id differs from the Basic credentials');
      });

      it('a repeated parameter: invalid_request naming it', async () => {
        expectOAuthError(
          await post(`${clientForm()}&grant_type=client_credentials`),
          'invalid_request',
          'Parameter grant_type is repeated',
        );
        expectOAuthError(
          await post(`${clientForm()}&client_id=${CLIENT_ID}`),
          'invalid_request',
          'Parameter client_id is repeated',
        );
        expectOAuthError(
          await post(`${clientForm({ scope: READ })}&scope=${WRITE}`),
          'invalid_request',
          'Parameter scope is repeated',
        );
      });

      it('an unknown scope: invalid_scope', async () => {
        expectOAuthError(
          await post(clientForm({ scope: 'core.user.delete' })),
          'invalid_scope',
          'Unknown scope core.user.delete',
        );
        expectOAuthError(
          await post(clientForm({ scope: `${READ} nope.a nope.b` })),
          'invalid_scope',
          'Unknown scope nope.a, nope.b',
        );
      });

      it('a known scope the client was not granted: invalid_scope', async () => {
        expectOAuthError(
          await post(clientForm({ scope: `${READ} ${WORKERS_READ}` })),
          'invalid_scope',
          `Scope ${WORKERS_READ} was not granted to this client`,
        );
      });

      it('a read-only client asking for write: invalid_scope', async () => {
        await credentialService(t.store).createClient({
          name: 'Reader',
          scopes: [READ],
          clientId: 'reader',
          secret: 'reader-secret-0123456789',
        });
        const res = await post(form({ grant_type: 'client_credentials', scope: WRITE }), {
          authorization: basic('reader', 'reader-secret-0123456789'),
        });
        // The client did authenticate: a 400 carries no Basic challenge.
        expect(res.statusCode).toBe(400);
        expect(res.headers['www-authenticate']).toBeUndefined();
        expect(res.body).toBe(
          JSON.stringify({ error: 'invalid_scope', error_description: `Scope ${WRITE} was not granted to this client` }),
        );
      });

      it('a scope list of only spaces: invalid_scope', async () => {
        expectOAuthError(await post(clientForm({ scope: '   ' })), 'invalid_scope', 'Ask for at least one scope');
      });

      it('a JSON body instead of a form: invalid_request', async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET }),
        });
        expectOAuthError(res, 'invalid_request', 'Send the token request as application/x-www-form-urlencoded');
      });

      it('no body at all: invalid_request', async () => {
        const res = await t.app.inject({ method: 'POST', url: '/oauth2/access_tokens' });
        expectOAuthError(res, 'invalid_request', 'Send the token request as application/x-www-form-urlencoded');
      });

      it('the order of checks: a bad grant type is told before a bad client, after a malformed request', async () => {
        // grant_type missing outranks everything else.
        expectOAuthError(
          await post(form({ client_id: 'nobody', client_secret: 'x' })),
          'invalid_request',
          'grant_type is missing',
        );
        // An unsupported grant type needs no valid client to be reported.
        expectOAuthError(
          await post(form({ grant_type: 'password', client_id: 'nobody', client_secret: 'x' })),
          'unsupported_grant_type',
          'Grant type password is not supported; use client_credentials',
        );
      });

      it('refuses without writing anything', async () => {
        const before = await dbSnapshot(t.store);
        expectOAuthError(await post(clientForm({ client_secret: 'nope' })), 'invalid_client', BAD_CLIENT);
        expectOAuthError(await post(clientForm({ scope: 'x.y' })), 'invalid_scope', 'Unknown scope x.y');
        expect(await dbSnapshot(t.store)).toEqual(before);
      });

      // Known defect, reported: decodeURIComponent throws on a malformed %-escape in the Basic
      // credentials, and the token endpoint answers 500 instead of an OAuth error.
      it('a malformed %-escape in Basic credentials: an OAuth error, not 500', async () => {
        const res = await post(form({ grant_type: 'client_credentials' }), { authorization: basic('bad%zz', SECRET) });
        expect([400, 401]).toContain(res.statusCode);
        expect(JSON.parse(res.body)).toEqual({
          error: expect.stringMatching(/^invalid_(request|client)$/) as unknown,
          error_description: expect.any(String) as unknown,
        });
      });

      // Known deviation, reported: a body Fastify cannot parse (text/plain, broken JSON) is
      // answered in Coupa's error shape rather than RFC 6749 §5.2's.
      it('a text/plain body: invalid_request in OAuth shape', async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: { 'content-type': 'text/plain' },
          payload: clientForm(),
        });
        expectOAuthError(res, 'invalid_request', 'Send the token request as application/x-www-form-urlencoded');
      });
    });

    describe('tokens outlive the process', () => {
      it('a token from one app is accepted by a second app on the same store', async () => {
        const { access_token } = expectToken(await post(clientForm({ scope: READ })), READ);
        const second = await buildApp({ config: makeConfig({ rateLimit: null }), store: t.store });
        try {
          const res = await second.inject({
            method: 'GET',
            url: '/api/users',
            headers: { authorization: `Bearer ${access_token}`, accept: 'application/json' },
          });
          expect(res.statusCode, res.body).toBe(200);
          // The only user is the client's own API user.
          expect((JSON.parse(res.body) as { login: string }[]).map((u) => u.login)).toEqual([`oauth.${CLIENT_ID}`]);
          // And the other way round: the second app signs with the same key.
          const issued = await second.inject({ method: 'POST', url: '/oauth2/token', headers: FORM, payload: clientForm() });
          const other = expectToken(issued, `${READ} ${WRITE}`).access_token;
          const back = await t.app.inject({ method: 'GET', url: '/api/users/1', headers: { authorization: `Bearer ${other}` } });
          expect(back.statusCode, back.body).toBe(200);
          expect(back.body).toContain(`<login>oauth.${CLIENT_ID}</login>`);
        } finally {
          await second.close();
        }
        const keys = await t.store.db.selectFrom('signing_keys').selectAll().execute();
        expect(keys).toHaveLength(1);
      });

      it('a token from another database is invalid here', async () => {
        const other = await makeTestApp(dialect);
        try {
          await credentialService(other.store).createClient({
            name: 'Same id',
            scopes: [READ],
            clientId: CLIENT_ID,
            secret: SECRET,
          });
          const issued = await other.app.inject({ method: 'POST', url: '/oauth2/token', headers: FORM, payload: clientForm() });
          const foreign = expectToken(issued, READ).access_token;
          const res = await t.app.inject({ method: 'GET', url: '/api/users', headers: { authorization: `Bearer ${foreign}` } });
          expectError(res, 'unauthorized', ['The access token is invalid']);
          expect(res.headers['www-authenticate']).toBe('Bearer realm="roster", error="invalid_token"');
        } finally {
          await other.close();
        }
      });
    });

    describe('GET /oauth2/scopes', () => {
      it('lists exactly the known scopes, without credentials', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/oauth2/scopes' });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['content-type']).toBe(JSON_TYPE);
        const body = JSON.parse(res.body) as { scope: string; description: string }[];
        // Coupa's standard set (vendored with its source) and the Worker API's two (seed 004), nothing else.
        const standard = readFileSync(new URL('./fixtures/coupa/coupa-standard-scopes.txt', import.meta.url), 'utf8')
          .split('\n')
          .filter((line) => line !== '');
        expect(body.map((s) => s.scope).sort()).toEqual([...standard, WORKERS_READ, WORKERS_WRITE].sort());
        expect(body).toEqual(SCOPES.map((s) => ({ scope: s.name, description: s.description })));
        for (const s of body) {
          expect(Object.keys(s)).toEqual(['scope', 'description']);
          expect(s.description).not.toBe('');
        }
      });

      it('ignores a bad credential: the list is public', async () => {
        const res = await t.app.inject({
          method: 'GET',
          url: '/oauth2/scopes',
          headers: { authorization: 'Bearer garbage', 'x-coupa-api-key': 'nope' },
        });
        expect(res.statusCode).toBe(200);
      });
    });

    describe('route scopes', () => {
      it('ROUTE_SCOPES names the Users API routes, and the app serves exactly its routes under /api', () => {
        const expected = Object.keys(ROUTE_SCOPES).sort();
        expect(expected).toEqual(expect.arrayContaining(API_ROUTES));
        const routes = registeredRoutes(t.app);
        // The parse of the route tree is sound: the public routes are there too.
        expect(routes).toEqual(
          expect.arrayContaining(['GET /health', 'POST /oauth2/token', 'POST /oauth2/access_tokens', 'GET /oauth2/scopes']),
        );
        // The router prints one name for parameters at the same place in several routes (`:id|:worker_id`).
        const unnamed = (r: string): string => r.replace(/:[^/]+/g, ':');
        expect(routes.filter((r) => r.split(' ')[1]?.startsWith('/api/')).map(unnamed)).toEqual(expected.map(unnamed).sort());
        // The OpenAPI document and its viewer, public, for each family (docs/cso-api.md).
        const openApi = [
          '/openapi.json',
          '/openapi.html',
          '/openapi/swagger-ui.css',
          '/openapi/swagger-ui-bundle.js',
          '/openapi/viewer.js',
        ];
        // Under /cso: the CSO family's routes (its own table), and its OpenAPI document.
        const path = (r: string): string => r.split(' ')[1] ?? '';
        const cso = Object.keys(routeScopes('cso')).map((r) => r.replace(' /', ' /cso/'));
        expect(routes.filter((r) => path(r).startsWith('/cso/')).map(unnamed)).toEqual(
          [...cso, ...openApi.map((p) => `GET /cso${p}`)].map(unnamed).sort(),
        );
        // Outside /api: the public API routes, the pages (docs/flat-files.md), which answer HTML to a signed-in
        // session, and Roster's own controls (docs/controls.md), which only an admin key opens.
        expect(routes.filter((r) => !path(r).startsWith('/api/') && !path(r).startsWith('/cso/'))).toEqual(
          [
            'GET /health',
            'GET /oauth2/scopes',
            'POST /oauth2/access_tokens',
            'POST /oauth2/token',
            'GET /session/new',
            'POST /session',
            'POST /session/sign_out',
            'GET /data_sources',
            'GET /data_sources/:id',
            ...openApi.map((p) => `GET ${p}`),
            'GET /_roster/requests',
            'DELETE /_roster/requests',
            'POST /_roster/faults',
            'GET /_roster/faults',
            'DELETE /_roster/faults',
            'DELETE /_roster/faults/:id',
            'GET /_roster/mail',
            'DELETE /_roster/mail',
            'GET /_roster/export',
            'POST /_roster/reset',
            'GET /_roster/snapshots',
            'POST /_roster/snapshots',
            'POST /_roster/snapshots/:name/restore',
            'DELETE /_roster/snapshots/:name',
            'GET /_roster/clock',
            'PUT /_roster/clock',
            'DELETE /_roster/clock',
          ].sort(),
        );
      });

      it('every read route needs core.user.read and every write route core.user.write', () => {
        for (const route of API_ROUTES) {
          expect([route, ROUTE_SCOPES[route]]).toEqual([route, route.startsWith('GET ') ? READ : WRITE]);
        }
      });
    });
  });
}

/** Not per dialect: a pure check of the helper the route test leans on. */
describe('registeredRoutes', () => {
  it('reads nested routes out of the printed tree', () => {
    const fake = {
      printRoutes: () =>
        [
          '├── /health (GET, HEAD)',
          '└── /api/users (GET, HEAD, POST)',
          '    └── /:id (GET, HEAD, PUT)',
          '        └── /x (DELETE)',
        ].join('\n'),
    } as unknown as FastifyInstance;
    expect(registeredRoutes(fake)).toEqual(
      [
        'GET /health',
        'GET /api/users',
        'POST /api/users',
        'GET /api/users/:id',
        'PUT /api/users/:id',
        'DELETE /api/users/:id/x',
      ].sort(),
    );
  });
});
