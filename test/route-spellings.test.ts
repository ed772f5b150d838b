import { connect } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedResources } from '../src/catalog/registry.js';
import { ROUTE_SCOPES } from '../src/http/route-scopes.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { createUser, expectError, userCount } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, validUser, type TestApp } from './helpers/test-app.js';

/** A valid key holding no scope a Users route needs: a route the router matches answers 403, one it does not 404. */
const SCOPELESS_KEY = 'scopeless-key-0123456789';

const MISSING = 'Authentication required: send an OAuth access token (Authorization: Bearer …) or an API key (X-COUPA-API-KEY)';

const pct = (c: string): string => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * Every spelling of a path a client could try: each letter percent-encoded on its own (in
 * upper- and lower-case hex), every letter at once, a trailing slash, a doubled slash at each
 * separator, upper case, an encoded slash, dot segments and a matrix parameter.
 */
function spellings(path: string): string[] {
  const out = new Set<string>([path, `${path}/`, path.toUpperCase(), path.replace(/[a-z]/g, pct)]);
  Array.from(path).forEach((c, i) => {
    if (/[a-z]/.test(c)) {
      out.add(path.slice(0, i) + pct(c) + path.slice(i + 1));
      out.add(path.slice(0, i) + pct(c).toUpperCase() + path.slice(i + 1));
    }
    if (c === '/') {
      out.add(`${path.slice(0, i)}/${path.slice(i)}`);
      if (i > 0) out.add(`${path.slice(0, i)}%2F${path.slice(i + 1)}`);
    }
  });
  out.add(`/.${path}`);
  out.add(`/api/..${path}`);
  out.add(`${path};x=1`);
  out.add(`${path.charAt(0)}${path.charAt(1).toUpperCase()}${path.slice(2)}`);
  return [...out];
}

/** Spellings the router is known to accept: each must reach the route (so the test is not vacuous). */
const ACCEPTED = (path: string): string[] => [path, `${path}/`, path.replace(/[a-z]/g, pct), path.replace('a', '%61')];

/** `METHOD /api/users/:id/avatar` to a concrete path: every parameter 1. */
const concrete = (pattern: string): { method: string; path: string } => {
  const [method = '', route = ''] = pattern.split(' ');
  return { method, path: route.replace(/:[a-z_]+/g, '1') };
};

/** The JSON error key of a route: the singular name of the resource whose path is its longest prefix. */
const resourceOf = (path: string): string => {
  const matching = servedResources().filter((def) => {
    const base = (def.api?.path ?? '').replace(/:[a-z_]+/g, '1');
    return path === base || path.startsWith(`${base}/`);
  });
  return matching.sort((a, b) => (b.api?.path.length ?? 0) - (a.api?.path.length ?? 0))[0]?.singular ?? 'base';
};

/** Sends a raw HTTP/1.1 request line (absolute form cannot be sent through inject) and returns the status. */
function rawStatus(port: number, requestLine: string, headers: readonly string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write([requestLine, 'Host: x', 'Connection: close', 'Content-Length: 0', ...headers, '', ''].join('\r\n'));
    });
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

for (const dialect of DIALECTS) {
  describe(`Authentication is decided by the matched route, on ${dialect.name}`, () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await makeTestApp(dialect);
      await new ApiKeyRepository(t.store).add(SCOPELESS_KEY, 'scopeless', ['openid']);
      await createUser(t, validUser(1));
    });
    afterAll(() => t.close());

    const send = (method: string, url: string, key?: string): Promise<LightMyRequestResponse> => {
      const body = method === 'GET' || method === 'DELETE' ? {} : { headers: JSON_IO, payload: { lastname: 'Bypass' } };
      return t.app.inject({
        method: method as 'GET',
        url,
        ...body,
        headers: { accept: 'application/json', ...body.headers, ...(key ? { 'x-coupa-api-key': key } : {}) },
      });
    };

    it('every route in every spelling: 401 without a credential wherever the router matches, 404 elsewhere', async () => {
      let matched = 0;
      for (const pattern of Object.keys(ROUTE_SCOPES)) {
        const { method, path } = concrete(pattern);
        const accepted = new Set(ACCEPTED(path));
        for (const url of spellings(path)) {
          const oracle = await send(method, url, SCOPELESS_KEY);
          const anonymous = await send(method, url);
          const where = `${method} ${url}`;
          if (oracle.statusCode === 404) {
            expect(accepted.has(url), `${where} should reach the route`).toBe(false);
            expect(anonymous.statusCode, where).toBe(404);
            expect(anonymous.headers['x-roster-error-code'], where).toBe('route_not_found');
          } else {
            matched++;
            expect(oracle.statusCode, `${where}: ${oracle.body}`).toBe(403);
            // An encoded slash keeps the rest in one parameter: `/api/workers/1%2Fworker_documents` is worker 1's route.
            const resource = resourceOf(url.includes('%2F') ? (url.split('%2F')[0] ?? '') : path);
            expectError(anonymous, 'unauthorized', [MISSING], { resource });
          }
        }
      }
      // Each route is reached in at least its accepted spellings.
      expect(matched).toBeGreaterThanOrEqual(Object.keys(ROUTE_SCOPES).length * 4);
      expect(await userCount(t.store)).toBe(1);
      const user = await t.request({ method: 'GET', url: '/api/users/1', headers: JSON_IO });
      expect(user.body).not.toContain('Bypass');
    });

    it('a path the router cannot decode, or with a parameter over its length limit, is an unknown route', async () => {
      for (const url of ['/api/users/%%45F%BC%91', '/api/users/2%5%43/avatar', `/api/users/${'9'.repeat(300)}`, '/%E0%A4%A']) {
        for (const key of [undefined, SCOPELESS_KEY]) {
          const res = await send('GET', url, key);
          expectError(res, 'route_not_found', [`No route matches GET ${url}`], { resource: 'base' });
        }
        const xml = await t.app.inject({ method: 'DELETE', url });
        expectError(xml, 'route_not_found', [`No route matches DELETE ${url}`]);
      }
    });

    it('an absolute-form request line is authenticated like any other', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      expect(await rawStatus(port, 'GET http://x/api/users HTTP/1.1')).toBe(401);
      expect(await rawStatus(port, 'GET http://x/%61pi/users HTTP/1.1')).toBe(401);
      expect(await rawStatus(port, 'GET http://x/api/users/1 HTTP/1.1')).toBe(401);
      expect(await rawStatus(port, 'POST http://x/api/users HTTP/1.1')).toBe(401);
      expect(await rawStatus(port, 'GET http://x/api/users HTTP/1.1', [`X-COUPA-API-KEY: ${SCOPELESS_KEY}`])).toBe(403);
      expect(await rawStatus(port, 'GET http://x/nowhere HTTP/1.1')).toBe(404);
      expect(await userCount(t.store)).toBe(1);
    });
  });

  describe(`Encoded spellings count against the rate limit, on ${dialect.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(dialect, { rateLimit: { rate: 0.001, burst: 3 } });
    });
    afterAll(() => t.close());

    it('the bucket is drawn on whatever the spelling', async () => {
      const statuses: number[] = [];
      for (const url of ['/api/users', '/%61pi/users', '/api/users/', '/ap%69/users']) {
        statuses.push((await t.request({ method: 'GET', url, headers: JSON_IO })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    });
  });
}
