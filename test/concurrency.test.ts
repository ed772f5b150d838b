import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser, errorMessages, listUsers } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

const statuses = (responses: readonly LightMyRequestResponse[]): number[] => responses.map((r) => r.statusCode).sort();

for (const dialect of DIALECTS) {
  describe(`concurrent writes on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    it('two concurrent creates of the same login give exactly one 201 and one 400', async () => {
      const responses = await Promise.all([
        t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: { ...validUser(1), login: 'same' } }),
        t.request({ method: 'POST', url: '/api/users', headers: XML, payload: userXml({ ...validUser(2), login: 'same' }) }),
      ]);
      expect(statuses(responses)).toEqual([201, 400]);
      const refused = responses.find((r) => r.statusCode === 400);
      expect(refused?.headers['x-roster-error-code']).toBe('validation_failed');
      expect(refused ? errorMessages(refused) : []).toEqual(['Login has already been taken']);
      const users = await listUsers(t, '?login=same');
      expect(users).toHaveLength(1);
      expect(await listUsers(t)).toHaveLength(1);
    });

    it('five concurrent creates of the same email give one 201 and four 400s', async () => {
      const responses = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          t.request({
            method: 'POST',
            url: '/api/users',
            headers: JSON_IO,
            payload: { ...validUser(n), email: 'shared@example.com' },
          }),
        ),
      );
      expect(statuses(responses)).toEqual([201, 400, 400, 400, 400]);
      for (const r of responses.filter((res) => res.statusCode === 400)) {
        expect(errorMessages(r)).toEqual(['Email has already been taken']);
      }
      expect(await listUsers(t)).toHaveLength(1);
    });

    it('two concurrent updates giving two users the same employee-number: one 200, one 400', async () => {
      const a = await createUser(t, validUser('a'));
      const b = await createUser(t, validUser('b'));
      const responses = await Promise.all(
        [a, b].map((u) =>
          t.request({ method: 'PATCH', url: `/api/users/${u.id}`, headers: JSON_IO, payload: { 'employee-number': 'E-RACE' } }),
        ),
      );
      expect(statuses(responses)).toEqual([200, 400]);
      const refused = responses.find((r) => r.statusCode === 400);
      expect(refused ? errorMessages(refused) : []).toEqual(['Employee number has already been taken']);
      expect(await listUsers(t, '?employee-number=E-RACE')).toHaveLength(1);
    });

    it('concurrent creates of different users all succeed with distinct ids', async () => {
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser(n) }),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array.from({ length: 8 }, () => 201));
      const ids = responses.map((r) => (JSON.parse(r.body) as { id: number }).id);
      expect(new Set(ids).size).toBe(8);
      expect((await listUsers(t)).map((u) => u.id)).toEqual([...ids].sort((x, y) => x - y));
    });

    it('a create racing a collection update leaves each user with exactly its own roles', async () => {
      const user = await createUser(t, { ...validUser('r'), roles: [{ name: 'Buyer' }] });
      const [put, post] = await Promise.all([
        t.request({ method: 'PUT', url: `/api/users/${user.id}`, headers: JSON_IO, payload: { roles: [{ name: 'Admin' }] } }),
        t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser('s'), roles: [{ name: 'User' }] },
        }),
      ]);
      expect([put.statusCode, post.statusCode]).toEqual([200, 201]);
      const names = (await listUsers(t)).map((u) => (u['roles'] as Array<{ name: string }>).map((r) => r.name));
      expect(names).toEqual([['Admin'], ['User']]);
    });
  });
}
