import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { createRecord, dbSnapshot, expectError, listRecords, parseJsonList } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { describeResponse, expectGolden } from './helpers/golden.js';
import { REFERENCE_APIS } from './helpers/reference-apis.js';
import { JSON_IO, makeTestApp, XML, type TestApp } from './helpers/test-app.js';

/** A valid new row of each writable resource, as a client would send it in JSON. */
const NEW_ROWS: Readonly<Record<string, Record<string, unknown>>> = {
  '/api/departments': { name: 'Research', active: true },
  '/api/roles': { name: 'Auditor', description: 'Reads everything' },
  '/api/addresses': {
    'location-code': 'BER',
    name: 'Berlin Office',
    street1: 'Unter den Linden 1',
    city: 'Berlin',
    'postal-code': '10117',
    country: { code: 'DE' },
    'local-tax-number': 'DE-123',
  },
  '/api/business_groups': { name: 'LATAM', description: 'Latin America' },
  '/api/account_types': { name: 'UK Chart of Accounts', currency: { code: 'GBP' } },
  '/api/accounts': { code: '400-4000-Sales', name: 'Sales', 'account-type': { name: 'US Chart of Accounts' } },
  '/api/user_groups': { name: 'Auditors', description: 'Internal audit' },
  '/api/legal_entities': { name: 'Acme UK Ltd.', abbreviation: 'ACME-UK' },
  '/api/lookups': { name: 'Cost Center', description: 'Cost centers' },
  // IBM's Coupa client's create_supplier body (IBM/tool_guard, create_supplier_test.py).
  '/api/suppliers': {
    name: 'test-supplier',
    'po-email': 'testemail@email.com',
    'invoice-matching-level': '2-way',
    'po-method': 'email',
    'po-change-method': 'email',
  },
  '/api/payment_terms': { code: 'Net 45', 'days-for-net-payment': 45, 'days-for-discount-payment': 0 },
  '/api/shipping_terms': { code: 'CIF', description: 'Cost, insurance and freight' },
  '/api/lookup_values': {
    name: 'Hardware',
    'external-ref-num': '6300',
    lookup: { name: 'Account' },
    parent: { 'external-ref-num': '6000' },
  },
};

const NOT_IN_DOCS = ['/api/countries', '/api/approval_limits', '/api/pcards'];

/** A key that holds exactly these scopes. */
async function keyWith(t: TestApp, scopes: string[]): Promise<string> {
  const key = `scoped-${scopes.join('-').replaceAll('.', '_')}`;
  await new ApiKeyRepository(t.store).add(key, 'scoped', scopes);
  return key;
}

for (const dialect of DIALECTS) {
  describe(`reference-data APIs on ${dialect.name}`, () => {
    describe('reads (one app for the read-only checks)', () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await makeTestApp(dialect);
      });
      afterAll(() => t.close());

      for (const api of REFERENCE_APIS) {
        describe(api.path, () => {
          it('lists in XML by default (Rails array) and as a bare JSON array on Accept', async () => {
            const xml = await t.request({ method: 'GET', url: api.path });
            expect(xml.statusCode, xml.body).toBe(200);
            expect(xml.headers['content-type']).toBe('application/xml; charset=utf-8');
            expect(xml.body).toMatch(
              new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<${api.plural} type="array">\\n  <${api.singular}>\\n`),
            );
            const json = await t.request({ method: 'GET', url: api.path, headers: { accept: 'application/json' } });
            expect(json.statusCode).toBe(200);
            const rows = parseJsonList(json) as unknown as Array<Record<string, unknown>>;
            expect(rows.length).toBeGreaterThan(0);
            expect(rows.length).toBeLessThanOrEqual(50);
            expect(Object.keys(rows[0] ?? {})[0]).toBe('id');
          });

          it(`finds a row by ${api.key} and shows it by id, in both formats`, async () => {
            const found = await t.request({
              method: 'GET',
              url: `${api.path}?${api.key}=${encodeURIComponent(api.seeded)}`,
              headers: { accept: 'application/json' },
            });
            const [row] = parseJsonList(found) as unknown as Array<Record<string, unknown>>;
            expect(row?.[api.key]).toBe(api.seeded);
            const show = await t.request({
              method: 'GET',
              url: `${api.path}/${String(row?.['id'])}`,
              headers: { accept: 'application/json' },
            });
            expect(show.statusCode).toBe(200);
            expect(JSON.parse(show.body)).toEqual(row);
            const xml = await t.request({ method: 'GET', url: `${api.path}/${String(row?.['id'])}` });
            expect(xml.body).toContain(`<${api.singular}>\n  <id type="integer">${String(row?.['id'])}</id>\n`);
          });

          it('takes the query language: operators, order, paging, return_object and fields', async () => {
            const prefix = api.seeded.slice(0, 3);
            const res = await t.request({
              method: 'GET',
              url: `${api.path}?${api.key}[starts_with]=${encodeURIComponent(prefix)}&order_by=id&dir=desc&limit=2&fields=["id","${api.key}"]`,
              headers: { accept: 'application/json' },
            });
            expect(res.statusCode, res.body).toBe(200);
            const rows = parseJsonList(res) as unknown as Array<Record<string, unknown>>;
            expect(rows.length).toBeGreaterThan(0);
            for (const r of rows) {
              expect(Object.keys(r)).toEqual(['id', api.key]);
              expect(String(r[api.key]).toLowerCase().startsWith(prefix.toLowerCase())).toBe(true);
            }
            expect(rows.map((r) => r['id'])).toEqual([...rows.map((r) => r['id'])].sort((a, b) => Number(b) - Number(a)));
            const limited = await t.request({
              method: 'GET',
              url: `${api.path}?return_object=limited&limit=1`,
              headers: { accept: 'application/json' },
            });
            expect(Object.keys((parseJsonList(limited) as unknown as Array<Record<string, unknown>>)[0] ?? {})).toEqual(['id']);
          });

          it('answers an unknown id, an unknown element and an empty XML index in Coupa shape', async () => {
            expectError(await t.request({ method: 'GET', url: `${api.path}/999999` }), 'not_found', [
              `Couldn't find ${api.singular
                .split('-')
                .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
                .join('')} with 'id'=999999`,
            ]);
            expectError(await t.request({ method: 'GET', url: `${api.path}?colour=blue` }), 'invalid_query', [
              `Unknown query parameter 'colour': ${api.plural} have no such element`,
            ]);
            expectError(await t.request({ method: 'GET', url: `${api.path}?${api.key}=nothing-has-this` }), 'no_results', [
              'No results match your search criteria.',
            ]);
          });

          // Coupa's own example: GET /api/accounts?id=NON_EXISTING is XML 404 "No results…" and JSON []
          // (0011-Differences_between_XML_and_JSON_in_Coupa.md), on every resource's integer elements.
          it('answers text for an integer element as no results, as Coupa does for ?id=NON_EXISTING', async () => {
            for (const query of ['id=NON_EXISTING', 'id[gt]=abc', 'id[not_in]=1,two', 'id[in]=x,y']) {
              expectError(await t.request({ method: 'GET', url: `${api.path}?${query}` }), 'no_results', [
                'No results match your search criteria.',
              ]);
              const json = await t.request({
                method: 'GET',
                url: `${api.path}?${query}`,
                headers: { accept: 'application/json' },
              });
              expect([json.statusCode, json.body], query).toEqual([200, '[]']);
            }
          });

          it(`needs ${api.read} to read${api.create ? ` and ${api.write} to write` : ''}`, async () => {
            const reader = await keyWith(t, [api.read]);
            const other = await keyWith(t, ['core.user.read']);
            expect((await t.request({ method: 'GET', url: api.path, headers: { 'x-coupa-api-key': reader } })).statusCode).toBe(
              200,
            );
            const denied = await t.request({ method: 'GET', url: api.path, headers: { 'x-coupa-api-key': other } });
            expectError(denied, 'forbidden', [`This credential lacks the scope ${api.read}`], { resource: api.singular });
            if (api.create) {
              const res = await t.request({
                method: 'POST',
                url: api.path,
                headers: { ...JSON_IO, 'x-coupa-api-key': reader },
                payload: {},
              });
              expectError(res, 'forbidden', [`This credential lacks the scope ${api.write}`], { resource: api.singular });
            }
          });

          it(`offers ${[api.create && 'create', api.update && 'update'].filter(Boolean).join(' and ') || 'no writes'}, as Coupa does`, async () => {
            const post = await t.request({ method: 'POST', url: api.path, headers: JSON_IO, payload: {} });
            const put = await t.request({ method: 'PUT', url: `${api.path}/1`, headers: JSON_IO, payload: {} });
            if (api.create) expect(post.headers['x-roster-error-code']).toBe('validation_failed');
            else expectError(post, 'route_not_found', [`No route matches POST ${api.path}`], { resource: 'base' });
            if (api.update) expect(put.statusCode).toBe(200);
            else expectError(put, 'route_not_found', [`No route matches PUT ${api.path}/1`], { resource: 'base' });
          });
        });
      }

      it('serves no route for reference data Coupa documents no API for', async () => {
        for (const path of NOT_IN_DOCS) {
          expectError(await t.request({ method: 'GET', url: path }), 'route_not_found', [`No route matches GET ${path}`]);
        }
      });
    });

    describe('writes (a fresh app each)', () => {
      let t: TestApp;
      beforeEach(async () => {
        t = await makeTestApp(dialect);
      });
      afterEach(() => t.close());

      for (const api of REFERENCE_APIS.filter((a) => a.create)) {
        it(`${api.path}: creates (201, stamped), refuses a taken ${api.key} and a blank one, and writes nothing then`, async () => {
          const row = NEW_ROWS[api.path] ?? {};
          const created = await t.request({ method: 'POST', url: api.path, headers: JSON_IO, payload: row });
          expect(created.statusCode, created.body).toBe(201);
          const body = JSON.parse(created.body) as Record<string, unknown>;
          expect(body[api.key]).toBe(row[api.key]);
          expect(body['created-at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
          expect(body['created-by']).toBeNull(); // the test key acts as no user
          const before = await dbSnapshot(t.store);
          const again = await t.request({ method: 'POST', url: api.path, headers: JSON_IO, payload: row });
          const label = api.key.charAt(0).toUpperCase() + api.key.slice(1).replaceAll('-', ' ');
          expectError(again, 'validation_failed', [`${label} has already been taken`], { resource: api.singular });
          // An address's location code and a lookup value's external ref num are optional (Coupa's tables); every other key is required.
          const blank = await t.request({ method: 'POST', url: api.path, headers: JSON_IO, payload: { ...row, [api.key]: '' } });
          if (api.path === '/api/addresses' || api.path === '/api/lookup_values') {
            // …and empty codes never collide.
            expect(blank.statusCode, blank.body).toBe(201);
            const second = await t.request({
              method: 'POST',
              url: api.path,
              headers: JSON_IO,
              payload: { ...row, [api.key]: '' },
            });
            expect(second.statusCode, second.body).toBe(201);
            return;
          }
          expect(blank.headers['x-roster-error-code']).toBe('validation_failed');
          expect(await dbSnapshot(t.store)).toEqual(before);
        });
      }

      for (const api of REFERENCE_APIS.filter((a) => a.update)) {
        it(`${api.path}: updates by PUT and PATCH, moves updated-at, keeps created-at`, async () => {
          const found = await t.request({
            method: 'GET',
            url: `${api.path}?${api.key}=${encodeURIComponent(api.seeded)}`,
            headers: JSON_IO,
          });
          const [row] = parseJsonList(found) as unknown as Array<Record<string, unknown>>;
          const id = String(row?.['id']);
          const renamed = `${api.seeded} (renamed)`;
          const put = await t.request({
            method: 'PUT',
            url: `${api.path}/${id}`,
            headers: JSON_IO,
            payload: { [api.key]: renamed },
          });
          expect(put.statusCode, put.body).toBe(200);
          expect(JSON.parse(put.body)).toMatchObject({ id: row?.['id'], [api.key]: renamed, 'created-at': row?.['created-at'] });
          const patch = await t.request({
            method: 'PATCH',
            url: `${api.path}/${id}`,
            headers: { 'content-type': 'application/xml' },
            payload: `<${api.singular}><${api.key}>${api.seeded}</${api.key}></${api.singular}>`,
          });
          expect(patch.statusCode, patch.body).toBe(200);
          expect(patch.body).toContain(`<${api.key}>${api.seeded}</${api.key}>`);
        });
      }

      it('a department renamed through its API shows renamed inside the users that name it', async () => {
        const research = await createRecord(t, 'departments', { name: 'Research' });
        expect((await listRecords(t, 'departments', '?name=Research')).map((d) => d.id)).toEqual([research.id]);
        const user = await createRecord(t, 'users', {
          login: 'ada',
          email: 'ada@example.com',
          firstname: 'Ada',
          lastname: 'Lovelace',
          department: { name: 'Legal' },
        });
        const { id } = user;
        const department = user['department'] as { id: number; name: string };
        expect(department.name).toBe('Legal');
        await t.request({
          method: 'PUT',
          url: `/api/departments/${department.id}`,
          headers: JSON_IO,
          payload: { name: 'Legal & Compliance' },
        });
        const after = await t.request({ method: 'GET', url: `/api/users/${id}`, headers: JSON_IO });
        expect((JSON.parse(after.body) as { department: { name: string } }).department.name).toBe('Legal & Compliance');
        const byName = await t.request({
          method: 'GET',
          url: '/api/users?department[name]=Legal%20%26%20Compliance',
          headers: JSON_IO,
        });
        expect(parseJsonList(byName).map((u) => u.id)).toEqual([id]);
      });

      it('an address needs street1, city, postal code, country and local tax number, and names its country by code', async () => {
        const before = await dbSnapshot(t.store);
        const res = await t.request({
          method: 'POST',
          url: '/api/addresses',
          headers: JSON_IO,
          payload: { 'location-code': 'X1' },
        });
        expectError(
          res,
          'validation_failed',
          [
            "Street1 can't be blank",
            "City can't be blank",
            "Postal code can't be blank",
            "Local tax number can't be blank",
            "Country can't be blank",
          ],
          { resource: 'address' },
        );
        const unknown = await t.request({
          method: 'POST',
          url: '/api/addresses',
          headers: JSON_IO,
          payload: { ...NEW_ROWS['/api/addresses'], country: { code: 'XX' } },
        });
        expectError(unknown, 'unknown_reference', ["Country: no country with code 'XX'"], { resource: 'address' });
        expect(await dbSnapshot(t.store)).toEqual(before);
      });

      it('an account nests its account type, and its account type its currency by id and code', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/accounts',
          headers: XML,
          payload: '<account><code>9-9</code><account-type><name>EU Chart of Accounts</name></account-type></account>',
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.body).toMatch(
          /<account-type>\n {4}<id type="integer">\d+<\/id>\n {4}<name>EU Chart of Accounts<\/name>\n {4}<active type="boolean">true<\/active>\n {4}<currency>\n {6}<id type="integer">\d+<\/id>\n {6}<code>EUR<\/code>/,
        );
      });
    });

    describe('golden responses', () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await makeTestApp(dialect);
      });
      afterAll(() => t.close());

      for (const api of REFERENCE_APIS) {
        const name = api.path.slice('/api/'.length).replaceAll('_', '-');
        it(`${api.path}: one show and one index, in XML and JSON`, async () => {
          const index = `${api.path}?${api.key}[in]=${encodeURIComponent(api.seeded)}`;
          const found = await t.request({ method: 'GET', url: index, headers: { accept: 'application/json' } });
          const [row] = parseJsonList(found) as unknown as Array<Record<string, unknown>>;
          const show = `${api.path}/${String(row?.['id'])}`;
          for (const [format, accept] of [
            ['xml', 'application/xml'],
            ['json', 'application/json'],
          ] as const) {
            expectGolden(
              `ref-${name}-show.${format}.txt`,
              describeResponse(await t.request({ method: 'GET', url: show, headers: { accept } })),
            );
            expectGolden(
              `ref-${name}-index.${format}.txt`,
              describeResponse(await t.request({ method: 'GET', url: index, headers: { accept } })),
            );
          }
        });
      }
    });
  });
}
