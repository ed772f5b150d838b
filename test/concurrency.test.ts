import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser, errorMessages, listUsers } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makePng, multipartFile } from './helpers/images.js';
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

    const limitCount = async (): Promise<number> =>
      (await t.store.db.selectFrom('approval_limits').select('id').execute()).length;
    const newLimit = (amount: string) => ({ 'requisition-approval-limit': { amount, currency: { code: 'USD' } } });

    it('30 concurrent updates naming the same new approval limit all succeed and share one new limit', async () => {
      const user = await createUser(t, validUser('l'));
      const before = await limitCount();
      const responses = await Promise.all(
        Array.from({ length: 30 }, () =>
          t.request({ method: 'PUT', url: `/api/users/${user.id}`, headers: JSON_IO, payload: newLimit('4321') }),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array.from({ length: 30 }, () => 200));
      expect(await limitCount()).toBe(before + 1);
      const ids = new Set(
        responses.map(
          (r) => (JSON.parse(r.body) as { 'requisition-approval-limit': { id: number } })['requisition-approval-limit'].id,
        ),
      );
      expect(ids.size).toBe(1);
    });

    it("concurrent creates of one login, each naming its own new limit, leave only the winner's limit", async () => {
      const before = await limitCount();
      for (let round = 0; round < 3; round++) {
        const responses = await Promise.all(
          Array.from({ length: 10 }, (_, n) =>
            t.request({
              method: 'POST',
              url: '/api/users',
              headers: JSON_IO,
              payload: { ...validUser(`${round}-${n}`), login: `same-${round}`, ...newLimit(`${round}${n}77`) },
            }),
          ),
        );
        expect(statuses(responses)).toEqual([201, ...Array.from({ length: 9 }, () => 400)]);
        for (const r of responses.filter((res) => res.statusCode === 400))
          expect(errorMessages(r)).toEqual(['Login has already been taken']);
      }
      expect(await limitCount()).toBe(before + 3);
    });

    it('a refused update leaves no new approval limit behind, whether refused before or inside the write', async () => {
      const a = await createUser(t, validUser('a'));
      const b = await createUser(t, validUser('b'));
      const before = await limitCount();
      const taken = await t.request({
        method: 'PUT',
        url: `/api/users/${a.id}`,
        headers: JSON_IO,
        payload: { email: b['email'], ...newLimit('555') },
      });
      expect(taken.statusCode).toBe(400);
      // Two updates racing for one employee number: the loser is refused by the unique index inside its write.
      const responses = await Promise.all(
        [a, b].map((u, n) =>
          t.request({
            method: 'PUT',
            url: `/api/users/${u.id}`,
            headers: JSON_IO,
            payload: { 'employee-number': 'E-LIMIT', ...newLimit(`60${n}`) },
          }),
        ),
      );
      expect(statuses(responses)).toEqual([200, 400]);
      expect(await limitCount()).toBe(before + 1);
    });

    it('20 concurrent avatar uploads to one user all succeed; one avatar remains and the user points at it', async () => {
      const user = await createUser(t, validUser('v'));
      const images = Array.from({ length: 20 }, (_, n) => makePng({ rgba: [n, 0, 0, 255] }));
      const responses = await Promise.all(
        images.map((data) =>
          t.request({
            method: 'PUT',
            url: `/api/users/${user.id}/avatar`,
            ...multipartFile({ filename: 'a.png', contentType: 'image/png', data }),
          }),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array.from({ length: 20 }, () => 200));
      expect((await t.store.db.selectFrom('avatars').select('user_id').execute()).length).toBe(1);
      const served = await t.request({ method: 'GET', url: `/api/users/${user.id}/avatar` });
      expect(images.some((img) => img.equals(served.rawPayload))).toBe(true);
    });

    it("concurrent updates of one user's roles all succeed and leave one of the lists whole", async () => {
      const user = await createUser(t, validUser('m'));
      const lists = [['Buyer'], ['Admin', 'User'], ['User', 'Buyer', 'Admin'], ['Admin']];
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, n) =>
          t.request({
            method: 'PUT',
            url: `/api/users/${user.id}`,
            headers: JSON_IO,
            payload: { roles: (lists[n % lists.length] ?? []).map((name) => ({ name })) },
          }),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array.from({ length: 12 }, () => 200));
      const roles = ((await listUsers(t, `?id=${user.id}`))[0]?.['roles'] as Array<{ name: string }>).map((r) => r.name);
      expect(lists).toContainEqual(roles);
    });
  });
}
