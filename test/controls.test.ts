// Roster's emulator controls (docs/controls.md), first part: the admin key, X-Request-Id, and the request
// journal (`/_roster/requests`), on each dialect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialService } from '../src/cli/credentials.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { MailRepository } from '../src/store/mail-repository.js';
import { DIALECTS } from './helpers/dialects.js';
import { clientToken, JSON_IO, makeTestApp, TEST_KEY, validUser, type TestApp } from './helpers/test-app.js';

const validJson = (login: string): Record<string, string> => ({ ...validUser(login), login });

const ADMIN_KEY = 'admin-key-0123456789';
const CLIENT_SECRET = 'controls-client-secret-42';

interface Entry {
  id: string;
  method: string;
  url: string;
  status: number;
  'duration-ms': number;
  credential: string | null;
  'error-code': string | null;
  errors: string[] | null;
  body: string | null;
}

describe.each(DIALECTS)('controls ($name)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp(dialect, { journalSize: 50 });
    await new ApiKeyRepository(t.store).add(ADMIN_KEY, 'ci harness', null, null, 'admin');
  });
  afterEach(() => t.close());

  const control = (
    method: 'GET' | 'DELETE' | 'POST',
    url: string,
    headers: Record<string, string> = { 'x-roster-admin-key': ADMIN_KEY },
    body?: unknown,
  ) => t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  const journal = async (query = ''): Promise<Entry[]> => {
    const res = await control('GET', `/_roster/requests${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return (JSON.parse(res.body) as { requests: Entry[] }).requests;
  };

  it('opens only with the admin key: not without one, a wrong one, a Coupa API key or an OAuth token', async () => {
    const { client, secret } = await credentialService(t.store).createClient({
      name: 'oauth',
      scopes: ['core.user.read'],
      secret: CLIENT_SECRET,
    });
    const token = await clientToken(t.app, client.clientId, secret, 'core.user.read');
    expect(token.access_token).toMatch(/^ey/);
    const refusals: [Record<string, string>, string][] = [
      [{}, 'The controls need an admin key in X-Roster-Admin-Key (roster serve --admin-key)'],
      [{ 'x-roster-admin-key': 'not-the-key' }, 'Invalid admin key'],
      [{ 'x-roster-admin-key': TEST_KEY }, 'Invalid admin key'],
      [{ 'x-coupa-api-key': TEST_KEY }, 'The controls need an admin key in X-Roster-Admin-Key (roster serve --admin-key)'],
      [
        { authorization: `Bearer ${token.access_token}` },
        'The controls need an admin key in X-Roster-Admin-Key (roster serve --admin-key)',
      ],
    ];
    for (const [headers, message] of refusals) {
      for (const url of ['/_roster/requests', '/_roster/no-such-control']) {
        const res = await control('GET', url, headers);
        expect([res.statusCode, res.headers['x-roster-error-code'], JSON.parse(res.body)]).toEqual([
          401,
          'unauthorized',
          { error: { code: 'unauthorized', messages: [message] } },
        ]);
      }
    }
    // An admin key never opens the Coupa API.
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/users',
      headers: { 'x-coupa-api-key': ADMIN_KEY, accept: 'application/json' },
    });
    expect(api.statusCode).toBe(401);
    // With it: the controls, and a JSON 404 for one that does not exist.
    expect((await control('GET', '/_roster/requests')).statusCode).toBe(200);
    const unknown = await control('GET', '/_roster/no-such-control');
    expect([unknown.statusCode, JSON.parse(unknown.body)]).toEqual([
      404,
      { error: { code: 'route_not_found', messages: ['No control at GET /_roster/no-such-control'] } },
    ]);
  });

  it('journals a failed create with the code and messages the client got, under the X-Request-Id it answered, and no secret', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/users?password=hunter2-in-the-query',
      headers: JSON_IO,
      payload: JSON.stringify({ login: 'ada', password: 'correct horse battery staple', firstname: 'Ada' }),
    });
    expect(res.statusCode).toBe(400);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const [entry] = await journal();
    const sent = (JSON.parse(res.body) as { errors: { user: string[] } }).errors.user;
    expect(entry).toMatchObject({
      id,
      method: 'POST',
      status: 400,
      credential: 'test',
      'error-code': 'validation_failed',
      errors: sent,
    });
    expect(entry?.url).toBe('/api/users?password=[Redacted]');
    expect(entry?.body).toContain('"login":"ada"');
    const text = JSON.stringify(entry);
    for (const secret of ['hunter2-in-the-query', 'correct horse battery staple', TEST_KEY]) expect(text).not.toContain(secret);
  });

  it('filters by status class or code, method and path prefix, newest first, with a limit; DELETE empties it', async () => {
    await t.request({ method: 'GET', url: '/api/users', headers: JSON_IO });
    await t.request({ method: 'GET', url: '/api/users/9999', headers: JSON_IO });
    await t.request({ method: 'GET', url: '/api/departments', headers: JSON_IO });
    await t.app.inject({ method: 'GET', url: '/api/users' });
    expect((await journal()).map((e) => `${e.method} ${e.url} ${e.status}`)).toEqual([
      'GET /api/users 401',
      'GET /api/departments 200',
      'GET /api/users/9999 404',
      'GET /api/users 200',
    ]);
    expect((await journal('?status=4xx')).map((e) => e.status)).toEqual([401, 404]);
    expect((await journal('?status=404')).map((e) => e.url)).toEqual(['/api/users/9999']);
    expect((await journal('?path=/api/users&limit=2')).map((e) => e.url)).toEqual(['/api/users', '/api/users/9999']);
    expect((await journal('?method=get&path=/api/dep')).map((e) => e.url)).toEqual(['/api/departments']);
    expect((await journal('?status=4xx')).find((e) => e.status === 401)?.credential).toBeNull();
    // The controls' own requests are not journaled.
    expect((await journal()).some((e) => e.url.startsWith('/_roster'))).toBe(false);
    for (const bad of [
      '?status=42',
      '?status=4x',
      '?limit=0',
      '?limit=x',
      '?path=api',
      '?method=G3T',
      '?status=4xx&status=5xx',
    ]) {
      const res = await control('GET', `/_roster/requests${bad}`);
      expect([res.statusCode, res.headers['x-roster-error-code']], bad).toEqual([400, 'invalid_control']);
    }
    expect((await control('DELETE', '/_roster/requests')).statusCode).toBe(204);
    expect(await journal()).toEqual([]);
  });

  it('keeps only the last --journal-size requests, and none at 0; every answer has an X-Request-Id', async () => {
    for (let i = 0; i < 60; i++) await t.request({ method: 'GET', url: `/api/users?offset=${i}`, headers: JSON_IO });
    const kept = await journal('?limit=1000');
    expect(kept).toHaveLength(50);
    expect(kept[0]?.url).toBe('/api/users?offset=59');
    const off = await makeTestApp(dialect, { journalSize: 0 });
    try {
      await new ApiKeyRepository(off.store).add(ADMIN_KEY, 'ci harness', null, null, 'admin');
      const res = await off.request({ method: 'GET', url: '/api/users', headers: JSON_IO });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{16}$/);
      const list = await off.app.inject({
        method: 'GET',
        url: '/_roster/requests',
        headers: { 'x-roster-admin-key': ADMIN_KEY },
      });
      expect(JSON.parse(list.body)).toEqual({ requests: [] });
    } finally {
      await off.close();
    }
  });

  it('injects faults: two 503s with Retry-After on PUT /api/users/*, then the write, once; the journal shows three attempts', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      headers: JSON_IO,
      payload: JSON.stringify(validJson('grace')),
    });
    const id = (JSON.parse(created.body) as { id: number }).id;
    const add = await control(
      'POST',
      '/_roster/faults',
      { 'x-roster-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
      {
        method: 'PUT',
        path: '/api/users/*',
        status: 503,
        times: 2,
        'retry-after': 1,
      },
    );
    expect(add.statusCode, add.body).toBe(201);
    const faultId = (JSON.parse(add.body) as { id: number }).id;
    expect(JSON.parse((await control('GET', '/_roster/faults')).body)).toEqual({
      faults: [{ id: faultId, method: 'PUT', path: '/api/users/*', status: 503, times: 2, 'retry-after': 1, 'times-left': 2 }],
    });
    // A client that retries what the server says it did not do (503).
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await t.request({
        method: 'PUT',
        url: `/api/users/${id}`,
        headers: JSON_IO,
        payload: JSON.stringify({ lastname: 'Hopper' }),
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 503) {
        expect([res.headers['retry-after'], res.headers['x-roster-error-code']]).toEqual(['1', 'injected_fault']);
        expect(JSON.parse(res.body)).toEqual({
          errors: { base: ['Injected fault: 503 for PUT /api/users/* (POST /_roster/faults)'] },
        });
      } else break;
    }
    expect(statuses).toEqual([503, 503, 200]);
    expect((await journal('?method=PUT')).map((e) => [e.status, e['error-code']])).toEqual([
      [200, null],
      [503, 'injected_fault'],
      [503, 'injected_fault'],
    ]);
    // Used up, the fault is gone; other methods and paths were never touched.
    expect(JSON.parse((await control('GET', '/_roster/faults')).body)).toEqual({ faults: [] });
    const user = JSON.parse((await t.request({ method: 'GET', url: `/api/users/${id}`, headers: JSON_IO })).body) as {
      lastname: string;
    };
    expect(user.lastname).toBe('Hopper');
  });

  it('drops the connection, or delays the answer, as a fault says; DELETE clears one or all', async () => {
    const json = { 'x-roster-admin-key': ADMIN_KEY, 'content-type': 'application/json' };
    await control('POST', '/_roster/faults', json, { method: 'GET', path: '/api/**', drop: true });
    const slow = JSON.parse(
      (await control('POST', '/_roster/faults', json, { path: '/api/departments', 'delay-ms': 300 })).body,
    ) as { id: number };
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    await expect(fetch(`${address}/api/users/1`, { headers: { 'x-coupa-api-key': TEST_KEY } })).rejects.toThrow();
    const started = Date.now();
    const delayed = await fetch(`${address}/api/departments`, {
      headers: { 'x-coupa-api-key': TEST_KEY, accept: 'application/json' },
    });
    expect([delayed.status, Date.now() - started >= 250]).toEqual([200, true]);
    await control('POST', '/_roster/faults', json, { path: '/api/departments', 'delay-ms': 300, times: 5 });
    expect((await control('DELETE', `/_roster/faults/${slow.id}`)).statusCode).toBe(404); // used up already
    expect((await control('DELETE', '/_roster/faults')).statusCode).toBe(204);
    expect(JSON.parse((await control('GET', '/_roster/faults')).body)).toEqual({ faults: [] });
  });

  it('refuses a bad fault with a 400 and adds nothing', async () => {
    const json = { 'x-roster-admin-key': ADMIN_KEY, 'content-type': 'application/json' };
    const bad: [unknown, string][] = [
      [{ path: 'api/users', status: 503 }, "A fault's path must be a pattern starting with /"],
      [{ path: '/_roster/requests', status: 503 }, "A fault's path must be a pattern starting with /"],
      [{ path: '/api/users', status: 200 }, "A fault's status must be a whole number from 400 to 599"],
      [{ path: '/api/users', status: 503, times: 0 }, "A fault's times must be a whole number from 1 to 1000000"],
      [{ path: '/api/users', method: 'BREW', status: 503 }, "A fault's method must be one of"],
      [{ path: '/api/users' }, 'A fault needs a status, drop: true, or a delay-ms'],
      [{ path: '/api/users', 'retry-after': 5, drop: true }, "A fault's retry-after goes with a status"],
      [{ path: '/api/users', status: 503, colour: 'red' }, 'A fault has no colour'],
      [[1, 2], 'A fault is a JSON object'],
    ];
    for (const [body, message] of bad) {
      const res = await control('POST', '/_roster/faults', json, body);
      expect([res.statusCode, res.headers['x-roster-error-code']], JSON.stringify(body)).toEqual([400, 'invalid_control']);
      expect((JSON.parse(res.body) as { error: { messages: string[] } }).error.messages[0]).toContain(message);
    }
    const malformed = await t.app.inject({ method: 'POST', url: '/_roster/faults', headers: json, payload: '{"path": ' });
    expect([malformed.statusCode, (JSON.parse(malformed.body) as { error: { code: string } }).error.code]).toEqual([
      400,
      'malformed_body',
    ]);
    expect(JSON.parse((await control('GET', '/_roster/faults')).body)).toEqual({ faults: [] });
  });

  it('lists the recorded mail as roster mail list prints it, filtered by ?to=, and DELETE forgets it', async () => {
    const mail = new MailRepository(t.store);
    await mail.record(
      { to: 'ada@example.com', from: 'Coupa <do_not_reply@roster.localhost>', subject: 'Welcome', text: 'Hello Ada' },
      { accepted: false, error: 'no SMTP server configured' },
    );
    await mail.record(
      { to: 'bob@example.com', from: 'Coupa <do_not_reply@roster.localhost>', subject: 'Welcome', text: 'Hello Bob' },
      { accepted: true, messageId: '<1@x>' },
    );
    const all = JSON.parse((await control('GET', '/_roster/mail')).body) as {
      to: string;
      accepted: boolean;
      error: string | null;
    }[];
    expect(all.map((m) => [m.to, m.accepted, m.error])).toEqual([
      ['ada@example.com', false, 'no SMTP server configured'],
      ['bob@example.com', true, null],
    ]);
    expect(all).toEqual(await mail.list());
    expect(
      (JSON.parse((await control('GET', '/_roster/mail?to=bob@example.com')).body) as { to: string }[]).map((m) => m.to),
    ).toEqual(['bob@example.com']);
    expect((await control('DELETE', '/_roster/mail')).statusCode).toBe(204);
    expect(JSON.parse((await control('GET', '/_roster/mail')).body)).toEqual([]);
    expect((await control('GET', '/_roster/mail', {})).statusCode).toBe(401);
  });
});
