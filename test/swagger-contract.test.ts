import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../src/store/reference-seed.js';
import { createUser, parseJson } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makePng, multipartFile } from './helpers/images.js';
import { checkedResponses, userContractViolations } from './helpers/swagger-contract.js';
import { JSON_IO, makeTestApp, validUser, type TestApp } from './helpers/test-app.js';

/**
 * Coupa's Swagger `User` definition as a contract. Every JSON user any test's app answers
 * with is checked (test/helpers/test-app.ts, test/helpers/setup.ts); this file makes sure the
 * check can fail, and drives every user endpoint and view with every association set.
 */
describe('the Swagger User contract check', () => {
  it('fails a user that breaks it, and passes what Coupa itself sends', () => {
    expect(userContractViolations({ id: 1, login: 'a', email: 'a@x.org', firstname: 'A', lastname: 'B' }, false)).toEqual([
      "/ must have required property 'salesforce-id'",
    ]);
    expect(userContractViolations({ login: 7 }, true)).toEqual(['/login must be string,null ({"type":["string","null"]})']);
    // The relaxations: nulls, decimals as strings, enums by value.
    const relaxed = {
      login: 'a',
      email: 'a@x.org',
      firstname: 'A',
      lastname: 'B',
      'salesforce-id': null,
      'business-group-security-type': 0,
      'expense-approval-limit': { name: 'x', amount: '1000.0', currency: { code: 'USD', name: 'US Dollar' } },
      department: { name: 'Finance', active: true },
    };
    expect(userContractViolations(relaxed, false)).toEqual([]);
  });
});

for (const dialect of DIALECTS) {
  describe(`every user endpoint and view meets Coupa's Swagger User definition on ${dialect.name}`, () => {
    let t: TestApp;
    let id: number;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      await loadFixture(t.store, { pcards: [{ name: 'Corporate Visa', number: '************4242', expiry: '12/2030' }] });
      const boss = await createUser(t, validUser('boss'));
      const user = await createUser(t, {
        ...validUser('ada'),
        'phone-work': '+44 20 7946 0958',
        'phone-mobile': { 'country-code': '1', number: '5550100' },
        roles: [{ name: 'Buyer' }],
        department: { name: 'Engineering' },
        manager: { id: boss.id },
        'content-groups': [{ name: 'EMEA' }],
        'user-groups': [{ name: 'Procurement' }],
        'account-groups': [{ name: 'All Accounts' }],
        'inventory-organizations': [{ name: 'Main Inventory' }],
        'working-warehouses': [{ name: 'Central Warehouse' }],
        'default-address': { 'location-code': 'HQ' },
        'default-account': { code: '100-1000-Operations' },
        'default-account-type': { name: 'US Chart of Accounts' },
        'legal-entity': { name: 'Acme Inc.' },
        pcard: { name: 'Corporate Visa' },
        'country-of-residence': { code: 'US' },
        'expense-approval-limit': { amount: '1000', currency: { code: 'USD' } },
        'requisition-approval-limit': { name: 'Up to 10,000 USD' },
      });
      id = user.id;
    });
    afterEach(() => t.close());

    it('show, index, update and avatar answers, in every view (each checked as it arrives)', async () => {
      const before = checkedResponses;
      const views = ['', 'return_object=shallow', 'return_object=limited', 'fields=["id",{"roles":["name"]}]'];
      for (const view of views) {
        for (const url of [`/api/users/${id}?${view}`, `/api/users?login=user_ada&${view}`]) {
          const res = await t.request({ method: 'GET', url, headers: JSON_IO });
          expect([url, res.statusCode]).toEqual([url, 200]);
        }
      }
      const update = await t.request({ method: 'PUT', url: `/api/users/${id}`, headers: JSON_IO, payload: { lastname: 'King' } });
      expect(parseJson(update)['lastname']).toBe('King');
      const png = multipartFile({ filename: 'a.png', contentType: 'image/png', data: makePng() });
      for (const method of ['PUT', 'POST'] as const) {
        const avatar = await t.request({
          method,
          url: `/api/users/${id}/avatar`,
          ...png,
          headers: { ...png.headers, accept: 'application/json' },
        });
        expect(parseJson(avatar)['avatar-thumb-url']).toMatch(/^\/api\/users\/\d+\/avatar\?v=/);
      }
      const retrieved = await t.request({ method: 'GET', url: `/api/users/${id}/retrieve_avatar` });
      expect([retrieved.statusCode, retrieved.headers['content-type']]).toEqual([200, 'image/png']);
      const removed = await t.request({
        method: 'DELETE',
        url: `/api/users/${id}/avatar`,
        headers: { accept: 'application/json' },
      });
      expect(parseJson(removed)['avatar-thumb-url']).toBeNull();
      // Eight reads, an update, two uploads and a removal were checked; setup.ts fails the test on any violation.
      expect(checkedResponses - before).toBe(12);
    });
  });
}
