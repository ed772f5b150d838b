import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/dialects.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

for (const dialect of DIALECTS) {
  describe(`users API on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    it('runs the seed Modify flow: query by login, PUT by id, 200', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/users',
        headers: XML,
        payload: userXml({ ...validUser(), login: 'USER_TEST' }),
      });
      expect(created.statusCode).toBe(201);
      const found = await t.request({ method: 'GET', url: '/api/users?login=USER_TEST' });
      expect(found.statusCode).toBe(200);
      const id = /<id type="integer">(\d+)<\/id>/.exec(found.body)?.[1];
      expect(id).toBeDefined();
      const put = await t.request({
        method: 'PUT',
        url: `/api/users/${id}`,
        headers: XML,
        payload: '<user><lastname>TEST NEW LASTNAME</lastname><email>new@example.com</email></user>',
      });
      expect(put.statusCode).toBe(200);
      expect(put.body).toContain('<lastname>TEST NEW LASTNAME</lastname>');
      const shown = await t.request({ method: 'GET', url: `/api/users/${id}`, headers: { accept: 'application/json' } });
      expect(JSON.parse(shown.body)).toMatchObject({
        lastname: 'TEST NEW LASTNAME',
        email: 'new@example.com',
        fullname: 'Ada TEST NEW LASTNAME',
      });
    });

    it('runs the seed Deactivate flow and filters with status=inactive', async () => {
      const created = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser() });
      const { id } = JSON.parse(created.body) as { id: number };
      const put = await t.request({
        method: 'PUT',
        url: `/api/users/${id}`,
        headers: XML,
        payload: '<user><active>false</active></user>',
      });
      expect(put.statusCode).toBe(200);
      const inactive = await t.request({
        method: 'GET',
        url: '/api/users?status=inactive',
        headers: { accept: 'application/json' },
      });
      expect((JSON.parse(inactive.body) as Array<{ id: number; active: boolean }>).map((u) => [u.id, u.active])).toEqual([
        [id, false],
      ]);
      const active = await t.request({ method: 'GET', url: '/api/users?status=active', headers: { accept: 'application/json' } });
      expect(JSON.parse(active.body)).toEqual([]);
    });

    it('reports a duplicate login in Coupa shape and stores nothing', async () => {
      await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser(1) });
      const dup = await t.request({
        method: 'POST',
        url: '/api/users',
        headers: XML,
        payload: userXml({ ...validUser(2), login: 'user_1' }),
      });
      expect(dup.statusCode).toBe(400);
      expect(dup.body).toContain('<error><![CDATA[Login has already been taken]]></error>');
      const all = await t.request({ method: 'GET', url: '/api/users', headers: { accept: 'application/json' } });
      expect(JSON.parse(all.body)).toHaveLength(1);
    });

    it('holds a key limited to core.user.read to reads: a write is 403 naming the scope', async () => {
      await new ApiKeyRepository(t.store).add('read-only-key', 'reader', ['core.user.read']);
      const headers = { 'x-coupa-api-key': 'read-only-key' };
      const read = await t.request({ method: 'GET', url: '/api/users', headers: { ...headers, accept: 'application/json' } });
      expect(read.statusCode).toBe(200);
      const write = await t.request({
        method: 'POST',
        url: '/api/users',
        headers: { ...headers, ...JSON_IO },
        payload: validUser(),
      });
      expect(write.statusCode).toBe(403);
      expect(write.headers['x-roster-error-code']).toBe('forbidden');
      expect(JSON.parse(write.body)).toEqual({ errors: { user: ['This credential lacks the scope core.user.write'] } });
      const all = await t.request({ method: 'GET', url: '/api/users', headers: { accept: 'application/json' } });
      expect(JSON.parse(all.body)).toEqual([]);
    });
  });
}
