import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedResources } from '../src/catalog/registry.js';
import { credentialService } from '../src/cli/credentials.js';
import { ROUTE_SCOPES } from '../src/http/route-scopes.js';
import { dbSnapshot, expectError, XML_DECLARATION } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makePng, multipartFile } from './helpers/images.js';
import { JSON_IO, makeTestApp, type TestApp } from './helpers/test-app.js';
import { seedDocument, WORKER_PATH, WORKER_SCOPES, workerSnapshot } from './helpers/worker-fuzz-requests.js';

/**
 * The authorization matrix of the Worker API's scopes (seed 004), as auth-matrix.test.ts is
 * for the users: every route under /api/workers in ROUTE_SCOPES (so a route added later is in
 * the matrix at once), against no credential, a bad API key, API keys and OAuth tokens holding
 * one scope or the other, and a token holding only core.user.read. A refusal is exact (status,
 * code, message, challenge, in XML and JSON) and writes nothing; an allowed request does what
 * the route does (a write changes the worker tables, a read does not).
 */

const READ = WORKER_SCOPES.read;
const WRITE = WORKER_SCOPES.write;
const USER_READ = 'core.user.read';

const MISSING = 'Authentication required: send an OAuth access token (Authorization: Bearer …) or an API key (X-COUPA-API-KEY)';
const INVALID_KEY = 'Invalid API key';
const lacks = (scope: string): string => `This credential lacks the scope ${scope}`;
const CHALLENGE = 'Bearer realm="roster"';
const insufficient = (scope: string): string => `${CHALLENGE}, error="insufficient_scope", scope="${scope}"`;

const SECRET = 'workers-auth-secret-0123456789';

/** Every route of the Worker API and what it reaches (its documents), from the route-scope table. */
const ROUTES: ReadonlyArray<readonly [string, string]> = Object.entries(ROUTE_SCOPES).filter(([route]) => {
  const path = route.slice(route.indexOf(' ') + 1);
  return path === WORKER_PATH || path.startsWith(`${WORKER_PATH}/`);
});

/** The routes seed 004 lists (and the bulk update every updatable resource has). */
const SEED_ROUTES = [
  'GET /api/workers',
  'POST /api/workers',
  'PUT /api/workers',
  'GET /api/workers/:id',
  'PUT /api/workers/:id',
  'PATCH /api/workers/:id',
  'GET /api/workers/:id/avatar',
  'PUT /api/workers/:id/avatar',
  'POST /api/workers/:id/avatar',
  'DELETE /api/workers/:id/avatar',
  'POST /api/workers/:id/invite_worker',
];

/** The JSON error key of a route: the singular of the resource whose path is the longest prefix of it. */
function errorKey(route: string): string {
  const path = route.slice(route.indexOf(' ') + 1);
  const owners = servedResources().filter((d) => d.api && (path === d.api.path || path.startsWith(`${d.api.path}/`)));
  const def = owners.sort((a, b) => (b.api?.path.length ?? 0) - (a.api?.path.length ?? 0))[0];
  return def?.singular ?? 'base';
}

/** The avatar worker 1 starts with; uploads send another, so a write shows. */
const FIRST_AVATAR = makePng({ rgba: [0, 0, 255, 255] });
const NEW_AVATAR = makePng();
/** A PDF's first bytes (enough for its type to be sniffed): document 1's attachment. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

type Json = Record<string, unknown>;
const json = (res: LightMyRequestResponse): Json => JSON.parse(res.body) as Json;
const list = (res: LightMyRequestResponse): Json[] => JSON.parse(res.body) as Json[];
const ACCEPT_JSON = { accept: 'application/json' };

/** The rows a call works on: a worker with an avatar and a document holding a file attachment. */
interface Fixture {
  readonly worker: number;
  readonly document: number;
  readonly attachment: number;
}

/** One request to a route, the status a good credential gets, and what its body must show. */
interface Call {
  readonly label: string;
  readonly request: (f: Fixture) => InjectOptions;
  readonly status: number;
  readonly check: (res: LightMyRequestResponse, f: Fixture) => void;
}

const upload = (url: string, method: 'PUT' | 'POST', data: Buffer, filename: string, type: string): InjectOptions => {
  const form = multipartFile({ filename, contentType: type, data });
  return { method, url, headers: { ...form.headers, ...ACCEPT_JSON }, payload: form.payload };
};

const docs = (f: Fixture): string => `/api/workers/${f.worker}/worker_documents`;

/**
 * A request with its expected success for each route, on a fixture's rows. A route missing here
 * still gets every refusal, and an allowed request only has to get past authorization (and the
 * test 'has a success request for every route' names it).
 */
const CALLS: Readonly<Record<string, readonly Call[]>> = {
  'GET /api/workers': [
    {
      label: 'GET /api/workers',
      request: () => ({ method: 'GET', url: '/api/workers', headers: ACCEPT_JSON }),
      status: 200,
      check: (res, f) => expect(list(res).map((w) => w['id'])).toContain(f.worker),
    },
  ],
  'GET /api/workers/:id': [
    {
      label: 'GET /api/workers/:id',
      request: (f) => ({ method: 'GET', url: `/api/workers/${f.worker}`, headers: ACCEPT_JSON }),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.worker, 'avatar-file-name': 'first.png' }),
    },
  ],
  'POST /api/workers': [
    {
      label: 'POST /api/workers',
      request: () => ({
        method: 'POST',
        url: '/api/workers',
        headers: JSON_IO,
        payload: { ...seedDocument(9), 'first-name': 'Created' },
      }),
      status: 201,
      check: (res) => expect(json(res)).toMatchObject({ id: expect.any(Number) as number, 'first-name': 'Created' }),
    },
    {
      label: 'POST /api/workers?bulk=1',
      request: () => ({ method: 'POST', url: '/api/workers?bulk=1', headers: JSON_IO, payload: [seedDocument(9)] }),
      status: 200,
      check: (res) =>
        expect(list(res)).toMatchObject([{ status: 'SUCCESS', 'unique-keys': { id: expect.any(Number) as number } }]),
    },
  ],
  'PUT /api/workers': [
    {
      label: 'PUT /api/workers?bulk=1',
      request: (f) => ({
        method: 'PUT',
        url: '/api/workers?bulk=1',
        headers: JSON_IO,
        payload: [{ id: f.worker, 'middle-name': 'Bulk' }],
      }),
      status: 200,
      check: (res, f) => expect(list(res)).toMatchObject([{ status: 'SUCCESS', 'unique-keys': { id: f.worker } }]),
    },
  ],
  'PUT /api/workers/:id': [
    {
      label: 'PUT /api/workers/:id',
      request: (f) => ({
        method: 'PUT',
        url: `/api/workers/${f.worker}`,
        headers: JSON_IO,
        payload: { 'middle-name': 'Changed' },
      }),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.worker, 'middle-name': 'Changed' }),
    },
  ],
  'PATCH /api/workers/:id': [
    {
      label: 'PATCH /api/workers/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `/api/workers/${f.worker}`,
        headers: JSON_IO,
        payload: { 'middle-name': 'Patched' },
      }),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.worker, 'middle-name': 'Patched' }),
    },
  ],
  'GET /api/workers/:id/avatar': [
    {
      label: 'GET /api/workers/:id/avatar',
      request: (f) => ({ method: 'GET', url: `/api/workers/${f.worker}/avatar` }),
      status: 200,
      check: (res) => {
        expect(res.headers['content-type']).toBe('image/png');
        expect(res.rawPayload.equals(FIRST_AVATAR)).toBe(true);
      },
    },
  ],
  'PUT /api/workers/:id/avatar': [
    {
      label: 'PUT /api/workers/:id/avatar',
      request: (f) => upload(`/api/workers/${f.worker}/avatar`, 'PUT', NEW_AVATAR, 'new.png', 'image/png'),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.worker, 'avatar-file-name': 'new.png' }),
    },
  ],
  'POST /api/workers/:id/avatar': [
    {
      label: 'POST /api/workers/:id/avatar',
      request: (f) => upload(`/api/workers/${f.worker}/avatar`, 'POST', NEW_AVATAR, 'new.png', 'image/png'),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.worker, 'avatar-file-name': 'new.png' }),
    },
  ],
  'DELETE /api/workers/:id/avatar': [
    {
      label: 'DELETE /api/workers/:id/avatar',
      request: (f) => ({ method: 'DELETE', url: `/api/workers/${f.worker}/avatar`, headers: ACCEPT_JSON }),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.worker, 'avatar-file-name': null, 'avatar-content-type': null }),
    },
  ],
  'POST /api/workers/:id/invite_worker': [
    {
      label: 'POST /api/workers/:id/invite_worker',
      request: (f) => ({ method: 'POST', url: `/api/workers/${f.worker}/invite_worker`, headers: ACCEPT_JSON }),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.worker, 'portal-access': 'Invited' }),
    },
  ],
  'GET /api/workers/:worker_id/worker_documents': [
    {
      label: 'GET /api/workers/:worker_id/worker_documents',
      request: (f) => ({ method: 'GET', url: docs(f), headers: ACCEPT_JSON }),
      status: 200,
      check: (res, f) => expect(list(res).map((d) => d['id'])).toEqual([f.document]),
    },
  ],
  'GET /api/workers/:worker_id/worker_documents/:id': [
    {
      label: 'GET /api/workers/:worker_id/worker_documents/:id',
      request: (f) => ({ method: 'GET', url: `${docs(f)}/${f.document}`, headers: ACCEPT_JSON }),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.document, type: { name: 'Work Permit' } }),
    },
  ],
  'POST /api/workers/:worker_id/worker_documents': [
    {
      label: 'POST /api/workers/:worker_id/worker_documents',
      request: (f) => ({ method: 'POST', url: docs(f), headers: JSON_IO, payload: { type: { name: 'Certificate' } } }),
      status: 201,
      check: (res) => expect(json(res)).toMatchObject({ type: { name: 'Certificate' } }),
    },
  ],
  'PUT /api/workers/:worker_id/worker_documents/:id': [
    {
      label: 'PUT /api/workers/:worker_id/worker_documents/:id',
      request: (f) => ({
        method: 'PUT',
        url: `${docs(f)}/${f.document}`,
        headers: JSON_IO,
        payload: { type: { name: 'Certificate' } },
      }),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.document, type: { name: 'Certificate' } }),
    },
  ],
  'PATCH /api/workers/:worker_id/worker_documents/:id': [
    {
      label: 'PATCH /api/workers/:worker_id/worker_documents/:id',
      request: (f) => ({
        method: 'PATCH',
        url: `${docs(f)}/${f.document}`,
        headers: JSON_IO,
        payload: { type: { name: 'Certificate' } },
      }),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.document, type: { name: 'Certificate' } }),
    },
  ],
  'DELETE /api/workers/:worker_id/worker_documents/:id': [
    {
      label: 'DELETE /api/workers/:worker_id/worker_documents/:id',
      request: (f) => ({ method: 'DELETE', url: `${docs(f)}/${f.document}`, headers: ACCEPT_JSON }),
      status: 200,
      check: (res, f) => expect(json(res)).toMatchObject({ id: f.document }),
    },
  ],
  'POST /api/workers/:worker_id/worker_documents/:id/attachments': [
    {
      label: 'POST /api/workers/:worker_id/worker_documents/:id/attachments',
      request: (f) => upload(`${docs(f)}/${f.document}/attachments`, 'POST', PDF, 'b.pdf', 'application/pdf'),
      status: 201,
      check: (res, f) => expect(json(res)['attachments']).toMatchObject([{ id: f.attachment }, { type: 'file', file: 'b.pdf' }]),
    },
  ],
  'GET /api/workers/:worker_id/worker_documents/:id/attachments/:attachment_id': [
    {
      label: 'GET /api/workers/:worker_id/worker_documents/:id/attachments/:attachment_id',
      request: (f) => ({ method: 'GET', url: `${docs(f)}/${f.document}/attachments/${f.attachment}` }),
      status: 200,
      check: (res) => expect(res.rawPayload.equals(PDF)).toBe(true),
    },
  ],
};

/**
 * The calls of a route; for a route this file does not know yet, one request that only has to
 * get past authorization (every parameter the fixture's worker, an empty JSON document on a write).
 */
function callsOf(route: string): readonly Call[] {
  const known = CALLS[route];
  if (known) return known;
  const [method = 'GET', path = ''] = route.split(' ');
  return [
    {
      label: `${route} (no success request in workers-auth.test.ts yet)`,
      request: (f) => {
        const url = path.replace(/:[a-z_]+/g, String(f.worker));
        return method === 'GET' ? { method: 'GET', url } : { method, url, headers: JSON_IO, payload: {} };
      },
      status: 0,
      check: () => undefined,
    },
  ];
}

type Headers = Record<string, string>;

function withHeaders(opts: InjectOptions, headers: Headers): InjectOptions {
  return { ...opts, headers: { ...(opts.headers as Headers | undefined), ...headers } };
}

const xmlError = (message: string): string =>
  `${XML_DECLARATION}\n<errors>\n  <error>${message.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')}</error>\n</errors>\n`;

describe('the Worker API routes and their scopes', () => {
  it('has every route seed 004 lists', () => {
    expect(ROUTES.map(([route]) => route)).toEqual(expect.arrayContaining(SEED_ROUTES));
  });

  it('needs the read scope on every GET and the write scope on every other route', () => {
    for (const [route, scope] of ROUTES) expect([route, scope]).toEqual([route, route.startsWith('GET ') ? READ : WRITE]);
  });

  it('has a success request for every route in this file', () => {
    expect(ROUTES.map(([route]) => route).filter((route) => !CALLS[route])).toEqual([]);
  });
});

for (const dialect of DIALECTS) {
  describe(`worker scopes on ${dialect.name}`, () => {
    // One app for the whole matrix: refusals and reads write nothing (each checks so), and each
    // allowed write works on rows of its own, made just before it (`fixture`).
    let t: TestApp;
    /** The rows the refusals and reads use. */
    let shared: Fixture;
    const creds = {
      readKey: {} as Headers,
      writeKey: {} as Headers,
      readToken: {} as Headers,
      writeToken: {} as Headers,
      bothToken: {} as Headers,
      userToken: {} as Headers,
    };

    /** New rows, written with the test key: a worker with an avatar, and a document of it holding a file attachment. */
    async function fixture(): Promise<Fixture> {
      const worker = await t.request({ method: 'POST', url: '/api/workers', headers: JSON_IO, payload: seedDocument(1) });
      expect(worker.statusCode, worker.body).toBe(201);
      const id = json(worker)['id'] as number;
      const avatar = await t.request(upload(`/api/workers/${id}/avatar`, 'PUT', FIRST_AVATAR, 'first.png', 'image/png'));
      expect(avatar.statusCode, avatar.body).toBe(200);
      const doc = await t.request({
        method: 'POST',
        url: `/api/workers/${id}/worker_documents`,
        headers: JSON_IO,
        payload: { type: { name: 'Work Permit' } },
      });
      expect(doc.statusCode, doc.body).toBe(201);
      const document = json(doc)['id'] as number;
      const file = await t.request(
        upload(`/api/workers/${id}/worker_documents/${document}/attachments`, 'POST', PDF, 'a.pdf', 'application/pdf'),
      );
      expect(file.statusCode, file.body).toBe(201);
      const [attachment] = json(file)['attachments'] as Array<{ id: number }>;
      return { worker: id, document, attachment: attachment?.id ?? 0 };
    }

    /** An API key holding exactly `scopes`. */
    async function apiKey(scopes: readonly string[]): Promise<Headers> {
      const { key } = await credentialService(t.store).createKey({ name: 'Workers auth key', scopes });
      return { 'x-coupa-api-key': key };
    }

    /** A bearer token from the token endpoint (client credentials), for a new client granted exactly `scopes`. */
    async function token(scopes: readonly string[], clientId: string): Promise<Headers> {
      await credentialService(t.store).createClient({ name: 'Workers auth', scopes, clientId, secret: SECRET });
      const res = await t.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: SECRET }).toString(),
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = JSON.parse(res.body) as { access_token: string; scope: string };
      expect(body.scope.split(' ').sort()).toEqual([...scopes].sort());
      return { authorization: `Bearer ${body.access_token}` };
    }

    beforeAll(async () => {
      t = await makeTestApp(dialect);
      shared = await fixture();
      creds.readKey = await apiKey([READ]);
      creds.writeKey = await apiKey([WRITE]);
      creds.readToken = await token([READ], 'workers-read');
      creds.writeToken = await token([WRITE], 'workers-write');
      creds.bothToken = await token([READ, WRITE], 'workers-both');
      creds.userToken = await token([USER_READ], 'users-read');
    });
    afterAll(() => t.close());

    /** Every row a worker request may write (dbSnapshot's worker tables, the avatars, attachments and mail), the API keys included. */
    const snapshot = async () => ({ ...(await dbSnapshot(t.store, 'workers')), ...(await workerSnapshot(t.store)) });

    /** Sent asking for XML and for JSON: the exact error in both, the challenge, and nothing written. */
    async function expectRefused(
      route: string,
      call: Call,
      headers: Headers,
      code: 'unauthorized' | 'forbidden',
      message: string,
      challenge: string | undefined,
    ): Promise<void> {
      const before = await snapshot();
      const request = call.request(shared);
      const xml = await t.app.inject(withHeaders(request, { ...headers, accept: 'application/xml' }));
      expectError(xml, code, [message]);
      expect(xml.body).toBe(xmlError(message));
      expect(xml.headers['www-authenticate']).toBe(challenge);
      const asJson = await t.app.inject(withHeaders(request, { ...headers, accept: 'application/json' }));
      expectError(asJson, code, [message], { resource: errorKey(route) });
      expect(asJson.body).toBe(JSON.stringify({ errors: { [errorKey(route)]: [message] } }));
      expect(asJson.headers['www-authenticate']).toBe(challenge);
      expect(await snapshot()).toEqual(before);
    }

    /** Sent once on `f`'s rows: the route's success, and a write exactly when the route writes. */
    async function expectAllowed(route: string, call: Call, headers: Headers, f: Fixture): Promise<void> {
      const before = await snapshot();
      const res = await t.app.inject(withHeaders(call.request(f), headers));
      const after = await snapshot();
      expect(res.headers['www-authenticate']).toBeUndefined();
      if (call.status === 0) {
        // A route without a success request: authorization let it through, whatever the handler said.
        expect([401, 403], res.body).not.toContain(res.statusCode);
        return;
      }
      expect(res.statusCode, res.body).toBe(call.status);
      expect(res.headers['x-roster-error-code']).toBeUndefined();
      call.check(res, f);
      if (route.startsWith('GET ')) expect(after).toEqual(before);
      else expect(after).not.toEqual(before);
    }

    describe('refused, nothing written', () => {
      for (const [route, scope] of ROUTES) {
        const other = scope === READ ? WRITE : READ;
        for (const call of callsOf(route)) {
          describe(call.label, () => {
            it('no credential: 401 with a Bearer challenge', async () => {
              await expectRefused(route, call, {}, 'unauthorized', MISSING, CHALLENGE);
            });

            it('an invalid API key: 401', async () => {
              await expectRefused(route, call, { 'x-coupa-api-key': 'not-a-key' }, 'unauthorized', INVALID_KEY, CHALLENGE);
            });

            it(`an API key with only ${other}: 403 naming ${scope}`, async () => {
              const key = other === READ ? creds.readKey : creds.writeKey;
              await expectRefused(route, call, key, 'forbidden', lacks(scope), undefined);
            });

            it(`a token with only ${other}: 403 naming ${scope}`, async () => {
              const tok = other === READ ? creds.readToken : creds.writeToken;
              await expectRefused(route, call, tok, 'forbidden', lacks(scope), insufficient(scope));
            });

            it(`a token with only ${USER_READ}: 403 naming ${scope}`, async () => {
              await expectRefused(route, call, creds.userToken, 'forbidden', lacks(scope), insufficient(scope));
            });
          });
        }
      }
    });

    describe('allowed', () => {
      for (const [route, scope] of ROUTES) {
        const onlyKey = () => (scope === READ ? creds.readKey : creds.writeKey);
        const onlyToken = () => (scope === READ ? creds.readToken : creds.writeToken);
        const rows = async () => (route.startsWith('GET ') ? shared : await fixture());
        for (const call of callsOf(route)) {
          describe(call.label, () => {
            it(`an API key with only ${scope}`, async () => {
              await expectAllowed(route, call, onlyKey(), await rows());
            });
            it(`a token with only ${scope}`, async () => {
              await expectAllowed(route, call, onlyToken(), await rows());
            });
            it('a token with both worker scopes', async () => {
              await expectAllowed(route, call, creds.bothToken, await rows());
            });
          });
        }
      }
    });
  });
}
