import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { DIALECTS } from './helpers/dialects.js';
import { describeResponse, expectGolden } from './helpers/golden.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The CSO API's records pinned byte for byte (see helpers/golden.ts), on every database against
 * the same files: ids are 19-digit strings numbered from 9220600000000000001 on a fresh
 * database, so they are deterministic; CSO records carry no timestamps. The users are seed
 * 001's GET sample's (/work/shared/seeds/001_8f36849dbd8a47fa.txt), copied as literals.
 */

const CSO_KEY = 'cso-golden-key-0123456789';

/** Seed 001, "User GET Response", its first two users (ids and company ids are the database's). */
const DEKKE = {
  state: 'Active',
  name: 'dekke434',
  'first-name': 'Arjan',
  'last-name': 'Goud',
  'phone-number': '+310987898789',
  'mobile-number': '+31(0) 6 98876554',
  email: 'a.goud@deeder.com',
  street: 'IJsseldijk west 66',
  'zip-code': '2935AR',
  city: 'Ouderkerk aan den IJssel',
  country: 'Netherlands',
  'accepts-agreement': false,
  'provide-information': false,
  'change-password': false,
};
const DEEED = {
  state: 'Active',
  name: 'deeed',
  'first-name': 'Arjan',
  'last-name': 'Deeed',
  'phone-number': '+313132323133',
  email: 'mh@test.nl',
  country: 'Netherlands',
  'accepts-agreement': false,
  'provide-information': true,
  'change-password': true,
};

for (const dialect of DIALECTS) {
  describe(`CSO golden responses on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      await new ApiKeyRepository(t.store).add(CSO_KEY, 'CSO golden', null, null, 'cso');
    });
    afterEach(async () => {
      await t.close();
    });

    const send = (method: 'GET' | 'POST', url: string, body?: unknown): Promise<LightMyRequestResponse> =>
      t.app.inject({
        method,
        url: `/cso${url}`,
        headers: { 'x-cso-api-key': CSO_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });

    /** Two companies (one with an address, one removed), and three users: a full one, a sparse one, a bare one. */
    async function seed(): Promise<void> {
      const companies = await send('POST', '/api/companies', {
        companies: [
          {
            name: 'Deeder BV',
            street: 'IJsseldijk west 66',
            'zip-code': '2935AR',
            city: 'Ouderkerk aan den IJssel',
            country: 'Netherlands',
          },
          { name: 'Test NL', state: 'Removed', country: 'Netherlands' },
        ],
      });
      expect(companies.statusCode, companies.body).toBe(201);
      const users = await send('POST', '/api/users', {
        users: [
          { ...DEKKE, 'company-id': '9220600000000000001', keywords: 'golden', invoicing_user: true },
          { ...DEEED, 'company-id': '9220600000000000002', state: 'Blocked' },
          { name: 'bare', 'first-name': '', email: null },
        ],
      });
      expect(users.statusCode, users.body).toBe(201);
    }

    it('users: show', async () => {
      await seed();
      expectGolden('cso-users-show.json.txt', describeResponse(await send('GET', '/api/users/9220600000000000001')));
    });

    it('users: index', async () => {
      await seed();
      expectGolden('cso-users-index.json.txt', describeResponse(await send('GET', '/api/users')));
    });

    it('companies: show', async () => {
      await seed();
      expectGolden('cso-companies-show.json.txt', describeResponse(await send('GET', '/api/companies/9220600000000000001')));
    });

    it('companies: index', async () => {
      await seed();
      expectGolden('cso-companies-index.json.txt', describeResponse(await send('GET', '/api/companies')));
    });
  });
}
