import { describe, it, expect } from 'vitest';
import { DIALECTS } from './helpers/dialects.js';
import { makeTestApp, TEST_KEY } from './helpers/test-app.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';

const KEY = 'cso-key-probe';
for (const dialect of DIALECTS) {
  describe(dialect.name, () => {
    it('probe', async () => {
      expect(1).toBe(1);
      const t = await makeTestApp(dialect);
      await new ApiKeyRepository(t.store).add(KEY, 'cso', null, null, 'cso');
      const H = { 'x-cso-api-key': KEY, 'content-type': 'application/json' };
      const go = async (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) => {
        const res = await t.app.inject({
          method: method as 'GET',
          url,
          headers: { ...H, ...headers },
          ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
        });
        console.log(
          `${dialect.name} ${method} ${url} ${typeof payload === 'string' ? payload.slice(0, 80) : JSON.stringify(payload)?.slice(0, 200)}\n  -> ${res.statusCode} ${res.headers['x-roster-error-code'] ?? ''} ${res.headers['content-type']} ${res.body.slice(0, 600)}`,
        );
        return res;
      };
      await go('POST', '/cso/api/companies', { name: 'C' });
      await go('POST', '/cso/api/users', { name: 'nc' });
      await go('PUT', '/cso/api/users/9220600000000000001', { 'company-id': '9220600000000000001' });
      await go('GET', '/cso/api/users/9220600000000000001');
      await go('POST', '/cso/api/users', { name: 'big', 'company-id': '9223372036854775808' });
      await go('POST', '/cso/api/users', { name: 'big2', 'company-id': '9223372036854775807' });
      await go('POST', '/cso/api/users', { name: 'big3', 'company-id': '-1' });
      await go('POST', '/cso/api/users', { name: 'big4', 'company-id': 'abc' });
      await go('POST', '/cso/api/users', { name: 'big5', 'company-id': '' });
      await go('PUT', '/cso/api/users', {
        users: [{ id: '9223372036854775808' }, { id: '9223372036854775807' }, { id: '99999999999999999999' }],
      });
      await go('GET', '/cso/api/users', undefined, { 'x-cso-api-key': '', accept: 'application/xml' });
      const { sql } = await import('kysely');
      if (dialect.name === 'sqlite') {
        await sql`update sqlite_sequence set seq = 9223372036854775805 where name in ('cso_users', 'cso_companies')`.execute(
          t.store.db,
        );
      } else {
        await sql`select setval(pg_get_serial_sequence('cso_users', 'id'), 9223372036854775806, false), setval(pg_get_serial_sequence('cso_companies', 'id'), 9223372036854775806, false)`.execute(
          t.store.db,
        );
      }
      await go('POST', '/cso/api/companies', { name: 'Top' });
      await go('POST', '/cso/api/users', {
        users: [
          { name: 'top1', 'company-id': '9223372036854775806' },
          { name: 'top2', 'company-id': '9223372036854775806' },
          { name: 'top3' },
        ],
      });
      await go('GET', '/cso/api/users?company-id=9223372036854775806');
      await go('GET', '/cso/api/users/9223372036854775807');
      await go('PUT', '/cso/api/users', {
        users: [
          { id: '9223372036854775807', email: 'x@y' },
          { id: '9223372036854775806', email: 'x@y' },
        ],
      });
      await go('GET', '/cso/api/users?id=9223372036854775807');
      await go('GET', '/cso/api/users?id[gt]=9223372036854775806');
      await go('POST', '/cso/api/users', { name: 'top4' });
      await t.close();
      const c = await makeTestApp(dialect, {}, { family: 'cso' });
      await new ApiKeyRepository(c.store).add(KEY, 'cso', null, null, 'cso');
      for (const [m, url] of [
        ['GET', '/api/users'],
        ['DELETE', '/api/users/1'],
        ['DELETE', '/api/nowhere'],
        ['POST', '/api/users'],
      ]) {
        const res = await c.app.inject({ method: m as 'GET', url, headers: { 'x-cso-api-key': KEY } });
        console.log(`cso-app ${url} -> ${res.statusCode} ${res.headers['x-roster-error-code'] ?? ''} ${res.body}`);
      }
      const res = await c.app.inject({ method: 'GET', url: '/api/nowhere' });
      console.log(`cso-app nokey nowhere -> ${res.statusCode} ${res.headers['x-roster-error-code'] ?? ''} ${res.body}`);
      await c.close();
    });
  });
}
