import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_BIGINT_ID } from '../src/catalog/ids.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { dbSnapshot, parseXmlErrors } from './helpers/api.js';
import { DIALECTS, type TestDialect } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, TEST_KEY, validUser, type TestApp } from './helpers/test-app.js';

/**
 * The CSO API family (seed 001, reference doc 0462) over HTTP, on every database: the seed's
 * three samples round-tripped, 19-digit ids kept to the last digit, lenient bulk writes, the
 * bad input a client may send, paging and filters, credentials of one family never opening
 * the other, and the CSO listener's own app.
 */

const CSO_KEY = 'cso-test-key-0123456789';
const JSON_TYPE = 'application/json; charset=utf-8';
const XML_TYPE = 'application/xml; charset=utf-8';

type Json = Record<string, unknown>;
type Method = NonNullable<InjectOptions['method']>;

// --- Seed 001 (/work/shared/seeds/001_8f36849dbd8a47fa.txt), its samples copied as they are. ---

/** Seed 001, "User GET Response". */
const SEED_GET = {
  total: 3,
  users: [
    {
      id: '9219595862193003588',
      state: 'Active',
      name: 'dekke434',
      'first-name': 'Arjan',
      'last-name': 'Goud',
      'phone-number': '+310987898789',
      'mobile-number': '+31(0) 6 98876554',
      email: 'a.goud@deeder.com',
      'company-id': '9219592232917474305',
      street: 'IJsseldijk west 66',
      'zip-code': '2935AR',
      city: 'Ouderkerk aan den IJssel',
      country: 'Netherlands',
      'accepts-agreement': false,
      'provide-information': false,
      'change-password': false,
    },
    {
      id: '9219595145795283441',
      state: 'Active',
      name: 'deeed',
      'first-name': 'Arjan',
      'last-name': 'Deeed',
      'phone-number': '+313132323133',
      email: 'mh@test.nl',
      'company-id': '9219592331212583950',
      country: 'Netherlands',
      'accepts-agreement': false,
      'provide-information': true,
      'change-password': true,
    },
    {
      id: '9219592232917474526',
      state: 'Active',
      name: 'eurot494',
      'first-name': 'Marjus',
      'last-name': 'van Dee',
      'phone-number': '+31121212121',
      'mobile-number': '+31313131333',
      email: 'test@test.com',
      'company-id': '9219592232917474528',
      street: 'Brielselaan 69, Haven 1357',
      'zip-code': '3081AA',
      city: 'Rotterdam',
      country: 'Netherlands',
      'accepts-agreement': false,
      'provide-information': true,
      'change-password': false,
    },
  ],
};

/** Seed 001, "Create": the payload that creates two users. */
const SEED_CREATE = {
  users: [
    {
      state: 'Active',
      name: 'tester123456',
      'first-name': 'tester',
      'last-name': 'user1',
      'phone-number': '+1(111)-234-5678',
      'mobile-number': '+1(11)-123-3456',
      email: 'testeruser@tester.com',
      'company-id': '9220538753250662192',
      street: '12345 bethoven road',
      'zip-code': '30811',
      city: 'Rotterdam',
      country: 'United States',
      'accepts-agreement': false,
      'provide-information': true,
      'change-password': false,
    },
    {
      name: 'tester12345',
      'first-name': 'testing',
      'last-name': 'user',
      'phone-number': '+1(111)-234-5678',
      'mobile-number': '+1(11)-123-3456',
      email: 'tester@tester.com',
      'company-id': '9220538753250662192',
      street: '12345 bethoven road',
      'zip-code': '30811',
      city: 'Rotterdam',
      country: 'United States',
      'accepts-agreement': true,
      'provide-information': true,
      'change-password': false,
    },
  ],
};

/** Seed 001, "Create", "Response: 201". */
const SEED_CREATE_ANSWER = {
  result: [{ type: 'api.post.added', description: '2 objects created.' }],
  added: 2,
  users: [{ id: '9220538753483272432' }, { id: '9220538753482068122' }],
};

/** Seed 001, "Update": the payload that updates the two users (by the create answer's ids). */
const SEED_UPDATE = {
  users: [
    {
      id: '9220538753483272432',
      state: 'Blocked',
      email: 'testeruser-upd@tester.com',
      'accepts-agreement': true,
      'provide-information': true,
      'change-password': false,
    },
    {
      id: '9220538753482068122',
      state: 'Blocked',
      email: 'tester-upd@tester.com',
      'accepts-agreement': false,
      'provide-information': true,
      'change-password': false,
    },
  ],
};

/** Seed 001, "Update", "Response: 200 OK". */
const SEED_UPDATE_ANSWER = {
  result: [{ type: 'api.put.updated', description: '2 objects updated.' }],
  updated: 2,
};

/** A user's elements in the order Roster renders them (catalog/resources/cso-users.ts). */
const USER_ORDER = [
  'id',
  'state',
  'name',
  'first-name',
  'last-name',
  'phone-number',
  'mobile-number',
  'email',
  'company-id',
  'street',
  'zip-code',
  'city',
  'country',
  'keywords',
  'external-user-name',
  'accepts-agreement',
  'provide-information',
  'change-password',
  'invoicing_user',
];

/** `FIRST_BIGINT_ID + n`, exactly. */
const nthId = (n: number): string => String(BigInt(FIRST_BIGINT_ID) + BigInt(n));

const INT64_MAX = '9223372036854775807';
const PAST_INT64 = '9223372036854775808';

const parse = (res: LightMyRequestResponse): Json => JSON.parse(res.body) as Json;
const listOf = (value: unknown): Json[] => value as Json[];

/** Asserts a CSO error answer whole: status, code header, content type and `{"result":[{type, description}]}`. */
function expectCsoError(res: LightMyRequestResponse, status: number, code: string, descriptions: ReadonlyArray<string | RegExp>) {
  expect(
    { status: res.statusCode, code: res.headers['x-roster-error-code'], type: res.headers['content-type'] },
    res.body,
  ).toEqual({
    status,
    code,
    type: JSON_TYPE,
  });
  expect(parse(res)).toEqual({
    result: descriptions.map((d) => ({
      type: `api.error.${code}`,
      description: typeof d === 'string' ? d : (expect.stringMatching(d) as unknown),
    })),
  });
}

/** `CSO` when an error answer is CSO's shape with its code header, else the body as sent. */
function cso404Shape(res: LightMyRequestResponse): string {
  const code = res.headers['x-roster-error-code'];
  const body = parse(res);
  const result = body['result'];
  const ok =
    res.statusCode < 500 &&
    typeof code === 'string' &&
    Object.keys(body).join() === 'result' &&
    Array.isArray(result) &&
    listOf(result).every((r) => r['type'] === `api.error.${code}` && typeof r['description'] === 'string');
  return ok ? 'CSO' : `${String(code)} ${res.body}`;
}

/** Whether `keys` appear in `order` in the same relative order. */
function inOrder(keys: readonly string[], order: readonly string[]): boolean {
  const positions = keys.map((k) => order.indexOf(k));
  return positions.every((p, i) => p >= 0 && (i === 0 || p > (positions[i - 1] ?? -1)));
}

/** Every value is present: no null, no empty string, no undefined (seed 001: "Response payload does not show null values"). */
function expectNoEmptyValues(record: Json): void {
  for (const [key, value] of Object.entries(record)) {
    expect(value === null || value === '' || value === undefined, `${key} is ${JSON.stringify(value)}`).toBe(false);
  }
}

interface Cso {
  readonly t: TestApp;
  /** A request to the CSO API under the core app's `/cso` prefix with the CSO key (unless headers override). */
  send(method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Creates companies by name; returns their ids. */
  companies(...names: string[]): Promise<string[]>;
  /** Creates users; returns their ids (fails the test unless every one was created). */
  users(...items: Json[]): Promise<string[]>;
  /** `cso_users` (or `table`) rows as stored: ids read as text, so no driver can round them. */
  rows(table?: 'cso_users' | 'cso_companies'): Promise<Array<{ id: string; name: string }>>;
  /** Every row a CSO write may touch. */
  snapshot(): Promise<Record<string, string[]>>;
}

async function csoApp(dialect: TestDialect, family?: 'cso'): Promise<Cso> {
  const t = await makeTestApp(dialect, {}, family ? { family } : {});
  await new ApiKeyRepository(t.store).add(CSO_KEY, 'CSO integration', null, null, 'cso');
  const prefix = family === 'cso' ? '' : '/cso';
  const send: Cso['send'] = (method, url, body, headers = {}) =>
    t.app.inject({
      method,
      url: `${prefix}${url}`,
      headers: { 'x-cso-api-key': CSO_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const create = async (plural: 'users' | 'companies', items: Json[]): Promise<string[]> => {
    const res = await send('POST', `/api/${plural}`, { [plural]: items });
    expect(res.statusCode, res.body).toBe(201);
    const body = parse(res);
    expect(body['added'], res.body).toBe(items.length);
    return listOf(body[plural]).map((r) => String(r['id']));
  };
  return {
    t,
    send,
    companies: (...names) =>
      create(
        'companies',
        names.map((name) => ({ name })),
      ),
    users: (...items) => create('users', items),
    async rows(table = 'cso_users') {
      const { rows } = await sql<{
        id: string;
        name: string;
      }>`select cast(id as text) as id, name from ${sql.table(table)} order by id`.execute(t.store.db);
      return rows.map((r) => ({ id: r.id, name: r.name }));
    },
    async snapshot() {
      return { ...(await dbSnapshot(t.store, 'cso_users')), ...(await dbSnapshot(t.store, 'cso_companies')) };
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`CSO API on ${dialect.name}`, () => {
    let c: Cso;
    beforeEach(async () => {
      c = await csoApp(dialect);
    });
    afterEach(async () => {
      await c.t.close();
    });

    describe("seed 001's samples", () => {
      it('create, update and index round-trip: the create and update answers as the seed gives them, ids aside', async () => {
        const [company = ''] = await c.companies('Tester Company BV');
        expect(company).toBe(FIRST_BIGINT_ID);
        const payload = structuredClone(SEED_CREATE);
        for (const user of payload.users) user['company-id'] = company;

        const created = await c.send('POST', '/api/users', payload);
        expect([created.statusCode, created.headers['content-type']]).toEqual([201, JSON_TYPE]);
        const answer = parse(created);
        expect(Object.keys(answer)).toEqual(Object.keys(SEED_CREATE_ANSWER));
        const ids = listOf(answer['users']).map((u) => u['id']);
        expect(ids).toEqual([nthId(0), nthId(1)]);
        // Byte for byte the seed's answer, its ids replaced by ours.
        expect(created.body).toBe(JSON.stringify({ ...SEED_CREATE_ANSWER, users: ids.map((id) => ({ id })) }));

        const seedIds = SEED_CREATE_ANSWER.users.map((u) => u.id);
        const update = structuredClone(SEED_UPDATE);
        for (const user of update.users) user.id = String(ids[seedIds.indexOf(user.id)]);
        const updated = await c.send('PUT', '/api/users', update);
        expect([updated.statusCode, updated.headers['content-type']]).toEqual([200, JSON_TYPE]);
        expect(updated.body).toBe(JSON.stringify(SEED_UPDATE_ANSWER));

        const index = await c.send('GET', '/api/users');
        expect([index.statusCode, index.headers['content-type']]).toEqual([200, JSON_TYPE]);
        const list = parse(index);
        expect(Object.keys(list)).toEqual(Object.keys(SEED_GET));
        expect(list['total']).toBe(2);
        const users = listOf(list['users']);
        // The seed's GET sample's first user has every element the seed shows: same keys, same
        // order, same JSON types, plus `invoicing_user` (the seed's table lists it; false by default).
        const seedKeys = Object.keys(SEED_GET.users[0] ?? {});
        for (const user of users) {
          expect(Object.keys(user)).toEqual([...seedKeys, 'invoicing_user']);
          expectNoEmptyValues(user);
          for (const key of seedKeys) {
            expect(typeof user[key], key).toBe(typeof (SEED_GET.users[0] as Json)[key]);
          }
        }
        const [first, second] = SEED_CREATE.users;
        expect(users).toEqual([
          {
            ...first,
            id: ids[0],
            'company-id': company,
            state: 'Blocked',
            email: 'testeruser-upd@tester.com',
            'accepts-agreement': true,
            'provide-information': true,
            'change-password': false,
            invoicing_user: false,
          },
          {
            ...second,
            id: ids[1],
            'company-id': company,
            state: 'Blocked',
            email: 'tester-upd@tester.com',
            'accepts-agreement': false,
            'provide-information': true,
            'change-password': false,
            invoicing_user: false,
          },
        ]);
      });

      it("the GET sample's users, posted back with their ids, come back as the sample shows them (our ids, no nulls)", async () => {
        const seedCompanies = [...new Set(SEED_GET.users.map((u) => u['company-id']))];
        const companyIds = await c.companies(...seedCompanies.map((id) => `Company ${id}`));
        const ours = (seedCompany: string): string => String(companyIds[seedCompanies.indexOf(seedCompany)]);
        // A GET's answer may be sent back as it is (doc 0462): a create ignores the `id` it is given.
        const ids = await c.users(...SEED_GET.users.map((u) => ({ ...u, 'company-id': ours(u['company-id']) })));
        expect(ids).toEqual([nthId(0), nthId(1), nthId(2)]);
        const res = await c.send('GET', '/api/users');
        expect(res.statusCode).toBe(200);
        const list = parse(res);
        expect(list).toEqual({
          total: 3,
          users: SEED_GET.users.map((u, i) => ({ ...u, id: ids[i], 'company-id': ours(u['company-id']), invoicing_user: false })),
        });
        // Key order as in the sample: what a user lacks is left out, the rest keep their places.
        for (const [i, user] of listOf(list['users']).entries()) {
          expect(Object.keys(user)).toEqual([...Object.keys(SEED_GET.users[i] ?? {}), 'invoicing_user']);
          expect(inOrder(Object.keys(user), USER_ORDER)).toBe(true);
        }
        // Show answers the same record.
        const show = await c.send('GET', `/api/users/${nthId(1)}`);
        expect(show.body).toBe(JSON.stringify(listOf(list['users'])[1]));
      });

      it("a show's answer sent back to PUT /api/users/:id is accepted and changes nothing", async () => {
        const [company = ''] = await c.companies('Acme');
        const [id = ''] = await c.users({ ...SEED_CREATE.users[0], 'company-id': company, keywords: 'k', invoicing_user: true });
        const before = await c.send('GET', `/api/users/${id}`);
        const put = await c.send('PUT', `/api/users/${id}`, before.body);
        expect([put.statusCode, put.body]).toEqual([
          200,
          JSON.stringify({
            ...SEED_UPDATE_ANSWER,
            result: [{ type: 'api.put.updated', description: '1 objects updated.' }],
            updated: 1,
          }),
        ]);
        expect((await c.send('GET', `/api/users/${id}`)).body).toBe(before.body);
      });
    });

    describe('19-digit ids', () => {
      it('are strings of 19 digits from 9220600000000000001, increasing in creation order, per table', async () => {
        const companies = await c.companies('A', 'B');
        const one = await c.users({ name: 'u1' });
        const two = await c.users({ name: 'u2' }, { name: 'u3' });
        const three = await c.users({ name: 'u4', 'company-id': companies[1] });
        expect(companies).toEqual([nthId(0), nthId(1)]);
        const ids = [...one, ...two, ...three];
        expect(ids).toEqual([nthId(0), nthId(1), nthId(2), nthId(3)]);
        for (const id of ids) expect(id).toMatch(/^\d{19}$/);
        expect(await c.rows()).toEqual(['u1', 'u2', 'u3', 'u4'].map((name, i) => ({ id: ids[i], name })));
        const index = parse(await c.send('GET', '/api/users'));
        expect(listOf(index['users']).map((u) => [typeof u['id'], u['id']])).toEqual(ids.map((id) => ['string', id]));
        expect(listOf(index['users'])[3]?.['company-id']).toBe(nthId(1));
      });

      it('a created id round-trips exactly through show, the id= filter, PUT, bulk PUT and company-id', async () => {
        const [company = ''] = await c.companies('Acme');
        await c.users({ name: 'filler' });
        const [id = ''] = await c.users({ name: 'ada', 'company-id': company });
        expect(id).toBe(nthId(1));

        const show = await c.send('GET', `/api/users/${id}`);
        expect(show.statusCode).toBe(200);
        expect(parse(show)).toMatchObject({ id, name: 'ada', 'company-id': company });
        expect(show.body).toContain(`"id":"${id}"`);
        expect(show.body).toContain(`"company-id":"${company}"`);

        const byId = parse(await c.send('GET', `/api/users?id=${id}`));
        expect([byId['total'], listOf(byId['users']).map((u) => u['id'])]).toEqual([1, [id]]);
        const byCompany = parse(await c.send('GET', `/api/users?company-id=${company}`));
        expect([byCompany['total'], listOf(byCompany['users']).map((u) => u['name'])]).toEqual([1, ['ada']]);
        // One below and one above: a rounded id would land on a neighbour.
        for (const near of [nthId(0), nthId(2)]) {
          const other = parse(await c.send('GET', `/api/users?id=${near}`));
          expect(listOf(other['users']).map((u) => u['name'])).toEqual(near === nthId(0) ? ['filler'] : []);
        }

        const put = await c.send('PUT', `/api/users/${id}`, { 'first-name': 'Ada' });
        expect(put.statusCode, put.body).toBe(200);
        const bulk = await c.send('PUT', '/api/users', { users: [{ id, 'last-name': 'Lovelace' }] });
        expect(bulk.body).toBe(
          JSON.stringify({ result: [{ type: 'api.put.updated', description: '1 objects updated.' }], updated: 1 }),
        );
        expect(parse(await c.send('GET', `/api/users/${id}`))).toMatchObject({
          id,
          'first-name': 'Ada',
          'last-name': 'Lovelace',
        });
        expect(parse(await c.send('GET', `/api/users/${nthId(0)}`))).not.toHaveProperty('first-name');

        const companyShow = parse(await c.send('GET', `/api/companies/${company}`));
        expect(companyShow).toEqual({ id: company, state: 'Active', name: 'Acme' });
      });

      it('ids at the very top of int64 keep every digit on this database, through every route', async () => {
        // Start both tables' numbering just below 2^63-1: a driver or codec that read the ids as
        // JavaScript numbers would round them (9223372036854775806 → …5808).
        if (dialect.name === 'sqlite') {
          await sql`update sqlite_sequence set seq = 9223372036854775805 where name in ('cso_users', 'cso_companies')`.execute(
            c.t.store.db,
          );
        } else {
          await sql`select setval(pg_get_serial_sequence('cso_users', 'id'), 9223372036854775806, false),
                           setval(pg_get_serial_sequence('cso_companies', 'id'), 9223372036854775806, false)`.execute(
            c.t.store.db,
          );
        }
        const [company = ''] = await c.companies('Top');
        expect(company).toBe('9223372036854775806');
        const ids = await c.users({ name: 'top1', 'company-id': company }, { name: 'top2', 'company-id': company });
        expect(ids).toEqual(['9223372036854775806', INT64_MAX]);
        expect(await c.rows()).toEqual([
          { id: '9223372036854775806', name: 'top1' },
          { id: INT64_MAX, name: 'top2' },
        ]);
        expect(parse(await c.send('GET', `/api/users/${INT64_MAX}`))).toMatchObject({
          id: INT64_MAX,
          name: 'top2',
          'company-id': company,
        });
        const byId = parse(await c.send('GET', `/api/users?id=${INT64_MAX}`));
        expect(listOf(byId['users']).map((u) => u['name'])).toEqual(['top2']);
        const above = parse(await c.send('GET', '/api/users?id[gt]=9223372036854775806'));
        expect([above['total'], listOf(above['users']).map((u) => u['id'])]).toEqual([1, [INT64_MAX]]);
        const byCompany = parse(await c.send('GET', `/api/users?company-id=${company}`));
        expect(listOf(byCompany['users']).map((u) => u['id'])).toEqual(ids);
        const put = await c.send('PUT', '/api/users', {
          users: [
            { id: INT64_MAX, email: 'top2@x.test' },
            { id: '9223372036854775806', email: 'top1@x.test' },
          ],
        });
        expect(put.body).toBe(
          JSON.stringify({ result: [{ type: 'api.put.updated', description: '2 objects updated.' }], updated: 2 }),
        );
        expect((await c.send('PUT', `/api/users/${INT64_MAX}`, { city: 'Top' })).statusCode).toBe(200);
        expect(parse(await c.send('GET', `/api/users/${INT64_MAX}`))).toMatchObject({ email: 'top2@x.test', city: 'Top' });
        expect(parse(await c.send('GET', '/api/users/9223372036854775806'))).toMatchObject({ email: 'top1@x.test' });
      });

      it('9223372036854775807, 9223372036854775808 and longer path ids are simply not found, never a 500', async () => {
        await c.users({ name: 'someone' });
        for (const id of [INT64_MAX, PAST_INT64, '99999999999999999999', '18446744073709551616', '0', '1']) {
          const missing = `Couldn't find User with 'id'=${id}`;
          expectCsoError(await c.send('GET', `/api/users/${id}`), 404, 'not_found', [missing]);
          expectCsoError(await c.send('PUT', `/api/users/${id}`, { email: 'x@y.z' }), 404, 'not_found', [missing]);
          const bulk = await c.send('PUT', '/api/users', { users: [{ id, email: 'x@y.z' }] });
          expect([bulk.statusCode, bulk.headers['x-roster-error-code']]).toEqual([400, 'not_found']);
          expect(listOf(parse(bulk)['errors'])).toEqual([{ index: 0, id, type: 'api.error.not_found', description: missing }]);
        }
        expectCsoError(await c.send('GET', `/api/companies/${PAST_INT64}`), 404, 'not_found', [
          `Couldn't find Company with 'id'=${PAST_INT64}`,
        ]);
        // In a query, an id past int64 is the query's error.
        expectCsoError(await c.send('GET', `/api/users?id=${PAST_INT64}`), 400, 'invalid_query', [
          "Query parameter 'id' is out of range (a 64-bit integer)",
        ]);
        // As a company-id: out of range, or no such company.
        const refused = await c.send('POST', '/api/users', {
          users: [
            { name: 'a', 'company-id': PAST_INT64 },
            { name: 'b', 'company-id': INT64_MAX },
          ],
        });
        expect([refused.statusCode, listOf(parse(refused)['errors'])]).toEqual([
          400,
          [
            {
              index: 0,
              name: 'a',
              type: 'api.error.validation_failed',
              description: 'Company id is out of range (a 64-bit integer)',
            },
            { index: 1, name: 'b', type: 'api.error.unknown_reference', description: `Company: no company with id ${INT64_MAX}` },
          ],
        ]);
        expect((await c.rows()).map((r) => r.name)).toEqual(['someone']);
      });

      it('a JSON number id past 2^53 in a bulk update is refused with a request for a string, naming no other row', async () => {
        const [id = ''] = await c.users({ name: 'ada' });
        const res = await c.send('PUT', '/api/users', `{"users":[{"id":${id},"email":"rounded@x.test"}]}`);
        expect([res.statusCode, res.headers['x-roster-error-code']]).toEqual([400, 'validation_failed']);
        expect(listOf(parse(res)['errors'])).toEqual([
          // No `id`: the rounded one would name a row the client never sent.
          {
            index: 0,
            type: 'api.error.validation_failed',
            description: 'id must be given as a string of digits (this number is too long to keep its digits)',
          },
        ]);
        expect(parse(await c.send('GET', `/api/users/${id}`))).not.toHaveProperty('email');
      });

      it('PUT /api/users/:id with a JSON number id past 2^53 asks for a string, as the bulk update does', async () => {
        const [id = ''] = await c.users({ name: 'ada' });
        const res = await c.send('PUT', `/api/users/${id}`, `{"id":${id},"email":"rounded@x.test"}`);
        expectCsoError(res, 400, 'validation_failed', [
          'id must be given as a string of digits (this number is too long to keep its digits)',
        ]);
        expect(parse(await c.send('GET', `/api/users/${id}`))).not.toHaveProperty('email');
      });

      it('a JSON number company-id past 2^53 is refused with a request for a string', async () => {
        await c.companies('Acme');
        const res = await c.send('POST', '/api/users', `{"name":"ada","company-id":${FIRST_BIGINT_ID}}`);
        expect(listOf(parse(res)['errors'])).toEqual([
          {
            index: 0,
            name: 'ada',
            type: 'api.error.validation_failed',
            description: 'Company id must be given as a string of digits',
          },
        ]);
        expect(await c.rows()).toEqual([]);
      });
    });

    describe('lenient bulk writes', () => {
      it('a create of good and bad items: 201, the good ones written, each bad one named by its index and name', async () => {
        const [company = ''] = await c.companies('Acme');
        await c.users({ name: 'taken' });
        const res = await c.send('POST', '/api/users', {
          users: [
            { name: 'good1', 'company-id': company, id: '1' },
            { name: 'good1' },
            { name: 'TAKEN' },
            { name: 'bogus', bogus: 'x' },
            { name: 'lower', state: 'active' },
            { name: 'nocompany', 'company-id': nthId(41) },
            { name: 'readonly', company: { id: company } },
            { 'first-name': 'No name' },
            'not a user',
            { name: 'good2', state: 'Disabled', invoicing_user: true },
          ],
        });
        expect([res.statusCode, res.headers['content-type'], res.headers['x-roster-error-code']]).toEqual([
          201,
          JSON_TYPE,
          undefined,
        ]);
        expect(parse(res)).toEqual({
          result: [
            { type: 'api.post.added', description: '2 objects created.' },
            { type: 'api.post.failed', description: '8 objects failed.' },
          ],
          added: 2,
          users: [{ id: nthId(1) }, { id: nthId(2) }],
          failed: 8,
          errors: [
            { index: 1, name: 'good1', type: 'api.error.validation_failed', description: 'Name has already been taken' },
            { index: 2, name: 'TAKEN', type: 'api.error.validation_failed', description: 'Name has already been taken' },
            { index: 3, name: 'bogus', type: 'api.error.validation_failed', description: 'bogus is not an element of a user' },
            { index: 4, name: 'lower', type: 'api.error.validation_failed', description: 'State is not included in the list' },
            {
              index: 5,
              name: 'nocompany',
              type: 'api.error.unknown_reference',
              description: `Company: no company with id ${nthId(41)}`,
            },
            { index: 6, name: 'readonly', type: 'api.error.validation_failed', description: 'company is read-only' },
            { index: 7, type: 'api.error.validation_failed', description: "Name can't be blank" },
            { index: 8, type: 'api.error.malformed_body', description: 'Each item must be a user object' },
          ],
        });
        // Nothing half-written: exactly the accepted items, the given `id` ignored.
        expect(await c.rows()).toEqual([
          { id: nthId(0), name: 'taken' },
          { id: nthId(1), name: 'good1' },
          { id: nthId(2), name: 'good2' },
        ]);
        expect(parse(await c.send('GET', `/api/users/${nthId(2)}`))).toMatchObject({ state: 'Disabled', invoicing_user: true });
        expect(parse(await c.send('GET', `/api/users/${nthId(1)}`))).toMatchObject({ state: 'Active', 'company-id': company });
      });

      it('a create whose every item is refused: 400 with the same shape, the first failure in the code header, nothing written', async () => {
        await c.companies('Acme');
        const before = await c.snapshot();
        const res = await c.send('POST', '/api/users', {
          users: [
            { name: 'x', 'company-id': nthId(9) },
            { name: 'y', bogus: true },
          ],
        });
        expect([res.statusCode, res.headers['x-roster-error-code'], res.headers['content-type']]).toEqual([
          400,
          'unknown_reference',
          JSON_TYPE,
        ]);
        expect(res.body).toBe(
          JSON.stringify({
            result: [
              { type: 'api.post.added', description: '0 objects created.' },
              { type: 'api.post.failed', description: '2 objects failed.' },
            ],
            added: 0,
            users: [],
            failed: 2,
            errors: [
              {
                index: 0,
                name: 'x',
                type: 'api.error.unknown_reference',
                description: `Company: no company with id ${nthId(9)}`,
              },
              { index: 1, name: 'y', type: 'api.error.validation_failed', description: 'bogus is not an element of a user' },
            ],
          }),
        );
        expect(await c.snapshot()).toEqual(before);
      });

      it('one bare object creates one user; the answer lists it as the seed lists two', async () => {
        const res = await c.send('POST', '/api/users', { name: 'solo', 'first-name': 'Solo' });
        expect([res.statusCode, res.body]).toEqual([
          201,
          JSON.stringify({
            result: [{ type: 'api.post.added', description: '1 objects created.' }],
            added: 1,
            users: [{ id: nthId(0) }],
          }),
        ]);
        const alone = await c.send('POST', '/api/users', { name: 'solo', bogus: 1 });
        expect([alone.statusCode, listOf(parse(alone)['errors'])]).toEqual([
          400,
          [{ index: 0, name: 'solo', type: 'api.error.validation_failed', description: 'bogus is not an element of a user' }],
        ]);
        expect(await c.rows()).toEqual([{ id: nthId(0), name: 'solo' }]);
      });

      it('a bulk update of good and bad items: 200, each bad one named by its index and id, its row unchanged', async () => {
        const [acme = '', beta = ''] = await c.companies('Acme', 'Beta');
        const ids = await c.users(
          { name: 'ann', 'company-id': acme },
          { name: 'bob' },
          { name: 'cat', 'company-id': acme },
          { name: 'dan' },
        );
        const [ann = '', bob = '', cat = '', dan = ''] = ids;
        const before = parse(await c.send('GET', '/api/users'));
        const res = await c.send(
          'PUT',
          '/api/users',
          JSON.stringify({
            users: [
              { id: ann, state: 'Blocked', 'company-id': acme, name: 'ann' },
              { state: 'Blocked' },
              { id: nthId(77), state: 'Blocked' },
              { id: '__NUMBER__', state: 'Blocked' },
              { id: bob, name: 'robert' },
              { id: cat, 'company-id': beta },
              { id: dan, state: 'blocked' },
              { id: dan, colour: 'red' },
              { id: bob, 'company-id': beta, 'accepts-agreement': true },
              { id: 'abc' },
            ],
          }).replace('"__NUMBER__"', dan),
        );
        expect([res.statusCode, res.headers['x-roster-error-code']]).toEqual([200, undefined]);
        expect(parse(res)).toEqual({
          result: [
            { type: 'api.put.updated', description: '2 objects updated.' },
            { type: 'api.put.failed', description: '8 objects failed.' },
          ],
          updated: 2,
          failed: 8,
          errors: [
            { index: 1, type: 'api.error.not_found', description: 'Each item of a bulk update names its user by id' },
            { index: 2, id: nthId(77), type: 'api.error.not_found', description: `Couldn't find User with 'id'=${nthId(77)}` },
            {
              index: 3,
              type: 'api.error.validation_failed',
              description: 'id must be given as a string of digits (this number is too long to keep its digits)',
            },
            { index: 4, id: bob, type: 'api.error.validation_failed', description: 'Name cannot be changed' },
            { index: 5, id: cat, type: 'api.error.validation_failed', description: 'Company cannot be changed' },
            { index: 6, id: dan, type: 'api.error.validation_failed', description: 'State is not included in the list' },
            { index: 7, id: dan, type: 'api.error.validation_failed', description: 'colour is not an element of a user' },
            { index: 9, id: 'abc', type: 'api.error.not_found', description: "Couldn't find User with 'id'=abc" },
          ],
        });
        const after = listOf(parse(await c.send('GET', '/api/users'))['users']);
        const was = listOf(before['users']);
        // ann: blocked; bob: company set (it had none) and the flag; cat and dan as they were.
        expect(after[0]).toEqual({ ...was[0], state: 'Blocked' });
        expect(after[1]).toEqual({ ...was[1], 'company-id': beta, 'accepts-agreement': true });
        expect(after.slice(2)).toEqual(was.slice(2));
      });

      it('an update whose every item is refused: 400, nothing written', async () => {
        const [id = ''] = await c.users({ name: 'ann' });
        const before = await c.snapshot();
        const res = await c.send('PUT', '/api/users', {
          users: [
            { id, name: 'anne' },
            { name: 'ann', state: 'Blocked' },
          ],
        });
        expect([res.statusCode, res.headers['x-roster-error-code']]).toEqual([400, 'validation_failed']);
        expect(parse(res)).toEqual({
          result: [
            { type: 'api.put.updated', description: '0 objects updated.' },
            { type: 'api.put.failed', description: '2 objects failed.' },
          ],
          updated: 0,
          failed: 2,
          errors: [
            { index: 0, id, type: 'api.error.validation_failed', description: 'Name cannot be changed' },
            { index: 1, type: 'api.error.not_found', description: 'Each item of a bulk update names its user by id' },
          ],
        });
        expect(await c.snapshot()).toEqual(before);
      });

      it('duplicate names inside one request: the later item fails, whatever the case', async () => {
        const res = await c.send('POST', '/api/users', {
          users: [{ name: 'dup' }, { name: 'dup' }, { name: 'DUP' }, { name: 'dup2' }],
        });
        expect(parse(res)).toMatchObject({
          added: 2,
          failed: 2,
          errors: [
            { index: 1, name: 'dup', type: 'api.error.validation_failed', description: 'Name has already been taken' },
            { index: 2, name: 'DUP', type: 'api.error.validation_failed', description: 'Name has already been taken' },
          ],
        });
        expect((await c.rows()).map((r) => r.name)).toEqual(['dup', 'dup2']);
      });

      it('PUT /api/users/:id: the seed-shaped answer, and errors in the CSO shape', async () => {
        const [acme = '', beta = ''] = await c.companies('Acme', 'Beta');
        const [id = '', other = ''] = await c.users({ name: 'ann', 'company-id': acme }, { name: 'bob' });
        const ok = await c.send('PUT', `/api/users/${id}`, { state: 'Removed', 'change-password': true, email: 'ann@x.test' });
        expect([ok.statusCode, ok.headers['content-type'], ok.body]).toEqual([
          200,
          JSON_TYPE,
          JSON.stringify({ result: [{ type: 'api.put.updated', description: '1 objects updated.' }], updated: 1 }),
        ]);
        // The same name and company may be sent again; so may a list of exactly one.
        expect((await c.send('PUT', `/api/users/${id}`, { id, name: 'ann', 'company-id': acme })).statusCode).toBe(200);
        expect((await c.send('PUT', `/api/users/${id}`, { users: [{ city: 'Oslo' }] })).statusCode).toBe(200);
        expect(parse(await c.send('GET', `/api/users/${id}`))).toMatchObject({
          state: 'Removed',
          'change-password': true,
          email: 'ann@x.test',
          city: 'Oslo',
        });
        const before = await c.snapshot();
        expectCsoError(await c.send('PUT', `/api/users/${id}`, { name: 'anne' }), 400, 'validation_failed', [
          'Name cannot be changed',
        ]);
        expectCsoError(await c.send('PUT', `/api/users/${id}`, { 'company-id': beta }), 400, 'validation_failed', [
          'Company cannot be changed',
        ]);
        expectCsoError(await c.send('PUT', `/api/users/${id}`, { state: 'removed' }), 400, 'validation_failed', [
          'State is not included in the list',
        ]);
        expectCsoError(await c.send('PUT', `/api/users/${id}`, { bogus: 1 }), 400, 'validation_failed', [
          'bogus is not an element of a user',
        ]);
        expectCsoError(await c.send('PUT', `/api/users/${other}`, { 'company-id': nthId(50) }), 400, 'unknown_reference', [
          `Company: no company with id ${nthId(50)}`,
        ]);
        expectCsoError(await c.send('PUT', `/api/users/${id}`, { id: other, city: 'Bergen' }), 400, 'validation_failed', [
          `id ${other} does not match the user in the path (${id})`,
        ]);
        expectCsoError(await c.send('PUT', `/api/users/${id}`, { users: [{}, {}] }), 400, 'malformed_body', [
          'PUT on one user takes one user object',
        ]);
        expectCsoError(await c.send('PUT', `/api/users/${nthId(60)}`, { city: 'Bergen' }), 404, 'not_found', [
          `Couldn't find User with 'id'=${nthId(60)}`,
        ]);
        expectCsoError(await c.send('PUT', '/api/users/abc', { city: 'Bergen' }), 404, 'not_found', [
          "Couldn't find User with 'id'=abc",
        ]);
        expect(await c.snapshot()).toEqual(before);
      });

      it('company-id may be set once on a user that has none', async () => {
        const [acme = ''] = await c.companies('Acme');
        const [id = ''] = await c.users({ name: 'ann' });
        expect(parse(await c.send('GET', `/api/users/${id}`))).not.toHaveProperty('company-id');
        expect((await c.send('PUT', `/api/users/${id}`, { 'company-id': acme })).statusCode).toBe(200);
        expect(parse(await c.send('GET', `/api/users/${id}`))['company-id']).toBe(acme);
      });

      it('state is one of Blocked, Active, Disabled, Removed, case-sensitive, Active by default', async () => {
        const res = await c.send('POST', '/api/users', {
          users: ['Blocked', 'Active', 'Disabled', 'Removed', 'ACTIVE', 'blocked', 'Inactive', undefined].map((state, i) => ({
            name: `u${i}`,
            ...(state === undefined ? {} : { state }),
          })),
        });
        const body = parse(res);
        expect(listOf(body['errors']).map((e) => [e['index'], e['description']])).toEqual([
          [4, 'State is not included in the list'],
          [5, 'State is not included in the list'],
          [6, 'State is not included in the list'],
        ]);
        const users = listOf(parse(await c.send('GET', '/api/users'))['users']);
        expect(users.map((u) => [u['name'], u['state']])).toEqual([
          ['u0', 'Blocked'],
          ['u1', 'Active'],
          ['u2', 'Disabled'],
          ['u3', 'Removed'],
          ['u7', 'Active'],
        ]);
      });

      it('a null state or flag never leaves a user without it (state Active, flags false, or the item refused)', async () => {
        // Seed 001: state is one of four values and defaults to Active; booleans are always shown.
        const created = await c.send('POST', '/api/users', {
          users: [
            { name: 'nullstate', state: null },
            { name: 'nullflag', 'accepts-agreement': null },
          ],
        });
        expect(created.statusCode).toBeLessThan(500);
        const [plain = ''] = await c.users({ name: 'plain' });
        const put = await c.send('PUT', `/api/users/${plain}`, { state: null, 'change-password': null });
        expect(put.statusCode).toBeLessThan(500);
        const problems: string[] = [];
        for (const user of listOf(parse(await c.send('GET', '/api/users'))['users'])) {
          if (typeof user['state'] !== 'string' || !['Blocked', 'Active', 'Disabled', 'Removed'].includes(user['state'])) {
            problems.push(`${String(user['name'])}: state is ${JSON.stringify(user['state'])}`);
          }
          for (const flag of ['accepts-agreement', 'provide-information', 'change-password', 'invoicing_user']) {
            if (typeof user[flag] !== 'boolean')
              problems.push(`${String(user['name'])}: ${flag} is ${JSON.stringify(user[flag])}`);
          }
        }
        expect(problems).toEqual([]);
        // Refused, in Rails' words: left out they take their default, sent as null they are blank.
        expect(parse(created)).toMatchObject({
          added: 0,
          failed: 2,
          errors: [
            { index: 0, name: 'nullstate', description: "State can't be blank" },
            { index: 1, name: 'nullflag', description: "Accepts agreement can't be blank" },
          ],
        });
        expect([put.statusCode, parse(put)]).toEqual([
          400,
          {
            result: [
              { type: 'api.error.validation_failed', description: "State can't be blank" },
              { type: 'api.error.validation_failed', description: "Change password can't be blank" },
            ],
          },
        ]);
      });

      it('an index answer posted back as a bulk update is taken (its total aside)', async () => {
        await c.users({ name: 'again1' }, { name: 'again2' });
        const page = parse(await c.send('GET', '/api/users?name[starts_with]=again'));
        const edited = { ...page, users: listOf(page['users']).map((u) => ({ ...u, city: 'Utrecht' })) };
        expect(parse(await c.send('PUT', '/api/users', edited))).toEqual({
          result: [{ type: 'api.put.updated', description: '2 objects updated.' }],
          updated: 2,
        });
      });

      it('values too long, of the wrong type or holding control characters refuse their item only', async () => {
        const res = await c.send('POST', '/api/users', {
          users: [
            { name: 'long', 'first-name': 'x'.repeat(256) },
            { name: 'max', 'first-name': 'x'.repeat(255) },
            { name: 'ctl\u0001' },
            { name: 'list', email: ['a@b.c'] },
            { name: { first: 'x' } },
            { name: 'flag', 'change-password': 'maybe' },
          ],
        });
        expect(parse(res)).toMatchObject({
          added: 1,
          users: [{ id: nthId(0) }],
          failed: 5,
          errors: [
            { index: 0, name: 'long', description: 'First name is too long (maximum is 255 characters)' },
            { index: 2, name: 'ctl\u0001', description: 'Name contains the character U+0001, which is not allowed' },
            { index: 3, name: 'list', description: 'Email must be a single value, not a list or an object' },
            { index: 4, description: 'Name must be a single value, not a list or an object' },
            { index: 5, name: 'flag', description: 'Change password must be true or false' },
          ],
        });
        expect((await c.rows()).map((r) => r.name)).toEqual(['max']);
      });
    });

    describe('bad requests: refused whole, in the CSO shape, nothing written', () => {
      const items = (n: number, item: (i: number) => Json): Json[] => Array.from({ length: n }, (_, i) => item(i));
      const cases: ReadonlyArray<{
        readonly name: string;
        readonly method: 'POST' | 'PUT';
        readonly url: string;
        readonly body: string;
        readonly headers?: Record<string, string>;
        readonly status: number;
        readonly code: string;
        readonly description: string | RegExp;
      }> = [
        {
          name: 'malformed JSON (create)',
          method: 'POST',
          url: '/api/users',
          body: '{"users": [',
          status: 400,
          code: 'malformed_body',
          description: /^Malformed JSON: /,
        },
        {
          name: 'malformed JSON (bulk update)',
          method: 'PUT',
          url: '/api/users',
          body: '{bad',
          status: 400,
          code: 'malformed_body',
          description: /^Malformed JSON: /,
        },
        {
          name: 'malformed JSON (update one)',
          method: 'PUT',
          url: `/api/users/${FIRST_BIGINT_ID}`,
          body: "{'single': 'quotes'}",
          status: 400,
          code: 'malformed_body',
          description: /^Malformed JSON: /,
        },
        {
          name: 'an empty body',
          method: 'POST',
          url: '/api/users',
          body: '',
          status: 400,
          code: 'malformed_body',
          description: 'Malformed JSON: the body is empty',
        },
        {
          name: 'a JSON null',
          method: 'POST',
          url: '/api/users',
          body: 'null',
          status: 400,
          code: 'malformed_body',
          description: 'The request body is empty',
        },
        {
          name: 'a list as the body',
          method: 'POST',
          url: '/api/users',
          body: '[{"name":"a"}]',
          status: 400,
          code: 'malformed_body',
          description: 'Malformed JSON: expected an object',
        },
        {
          name: 'a string as the body',
          method: 'PUT',
          url: '/api/users',
          body: '"users"',
          status: 400,
          code: 'malformed_body',
          description: 'Malformed JSON: expected an object',
        },
        {
          name: '"users" not a list',
          method: 'POST',
          url: '/api/users',
          body: '{"users":{"name":"a"}}',
          status: 400,
          code: 'malformed_body',
          description: '"users" must be a list of user objects',
        },
        {
          name: '"users" an empty list',
          method: 'PUT',
          url: '/api/users',
          body: '{"users":[]}',
          status: 400,
          code: 'malformed_body',
          description: '"users" holds no user',
        },
        {
          name: 'something beside "users"',
          method: 'POST',
          url: '/api/users',
          // `total` is let through: an index answer may be posted back (doc 0462).
          body: '{"users":[{"name":"a"}],"total":1,"offset":0}',
          status: 400,
          code: 'malformed_body',
          description: 'Beside "users" the body may hold nothing: "offset" given',
        },
        {
          name: 'more than 1000 items',
          method: 'POST',
          url: '/api/users',
          body: JSON.stringify({ users: items(1001, (i) => ({ name: `n${i}` })) }),
          status: 413,
          code: 'payload_too_large',
          description: 'One request may hold at most 1000 users (1001 given): send them in several requests',
        },
        {
          name: 'more than 1000 items (update)',
          method: 'PUT',
          url: '/api/users',
          body: JSON.stringify({ users: items(1001, () => ({ id: FIRST_BIGINT_ID })) }),
          status: 413,
          code: 'payload_too_large',
          description: 'One request may hold at most 1000 users (1001 given): send them in several requests',
        },
        {
          name: 'an XML body',
          method: 'POST',
          url: '/api/users',
          body: '<?xml version="1.0"?><users><user><name>x</name></user></users>',
          headers: { 'content-type': 'application/xml' },
          status: 415,
          code: 'unsupported_media_type',
          description: "Unsupported Content-Type 'application/xml': send application/json",
        },
        {
          name: 'a text body',
          method: 'PUT',
          url: '/api/users',
          body: 'name=x',
          headers: { 'content-type': 'text/plain' },
          status: 415,
          code: 'unsupported_media_type',
          description: "Unsupported Content-Type 'text/plain': send application/json",
        },
        {
          name: 'a companies list sent to users',
          method: 'POST',
          url: '/api/companies',
          body: '{"users":[{"name":"a"}]}',
          status: 400,
          code: 'validation_failed',
          description: 'users is not an element of a company',
        },
      ];

      for (const k of cases) {
        it(`${k.name}: ${k.status} ${k.code}`, async () => {
          await c.users({ name: 'existing' });
          const before = await c.snapshot();
          const res = await c.send(k.method, k.url, k.body, k.headers ?? {});
          if (k.code === 'validation_failed') {
            // A bare object is one item: its refusal is the lenient answer's.
            expect([res.statusCode, res.headers['x-roster-error-code']]).toEqual([k.status, k.code]);
            expect(listOf(parse(res)['errors'])).toEqual([{ index: 0, type: `api.error.${k.code}`, description: k.description }]);
          } else {
            expectCsoError(res, k.status, k.code, [k.description]);
          }
          expect(await c.snapshot()).toEqual(before);
        });
      }

      it('exactly 1000 items are read (each refused on its own here), not refused whole', async () => {
        const res = await c.send('POST', '/api/users', { users: items(1000, (i) => ({ name: `n${i}`, bogus: i })) });
        expect([res.statusCode, parse(res)['failed'], parse(res)['added']]).toEqual([400, 1000, 0]);
        expect(await c.rows()).toEqual([]);
      });

      it('with Accept: application/xml an error is <errors><error>…</error></errors>', async () => {
        const headers = { accept: 'application/xml' };
        const malformed = await c.send('POST', '/api/users', '{bad', headers);
        expect([malformed.statusCode, malformed.headers['content-type'], malformed.headers['x-roster-error-code']]).toEqual([
          400,
          XML_TYPE,
          'malformed_body',
        ]);
        expect(parseXmlErrors(malformed.body).messages).toEqual([expect.stringMatching(/^Malformed JSON: /)]);
        const missing = await c.send('GET', `/api/users/${nthId(5)}`, undefined, headers);
        expect([missing.statusCode, missing.headers['content-type']]).toEqual([404, XML_TYPE]);
        expect(parseXmlErrors(missing.body).messages).toEqual([`Couldn't find User with 'id'=${nthId(5)}`]);
        const unauthorized = await c.send('GET', '/api/users', undefined, { ...headers, 'x-cso-api-key': '' });
        expect([unauthorized.statusCode, unauthorized.headers['content-type']]).toEqual([401, XML_TYPE]);
        expect(parseXmlErrors(unauthorized.body).messages).toEqual([
          'Authentication required: send a CSO API key (X-CSO-API-KEY)',
        ]);
        // A success stays JSON, CSO's only format.
        const ok = await c.send('GET', '/api/users', undefined, headers);
        expect([ok.statusCode, ok.headers['content-type'], ok.body]).toEqual([200, JSON_TYPE, '{"total":0,"users":[]}']);
      });

      it('unknown paths and methods under /cso answer a CSO-shaped 404', async () => {
        for (const [method, url] of [
          ['GET', '/api/nowhere'],
          ['DELETE', `/api/users/${FIRST_BIGINT_ID}`],
          ['PATCH', `/api/users/${FIRST_BIGINT_ID}`],
          ['POST', `/api/users/${FIRST_BIGINT_ID}`],
        ] as const) {
          const res = await c.send(method, url, method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' });
          expectCsoError(res, 404, 'route_not_found', [`No route matches ${method} /cso${url}`]);
        }
      });

      it('an unknown path with an unreadable JSON body is still answered in the CSO shape', async () => {
        // The body is parsed before the 404 handler runs; its error must not fall back to the core shape.
        const answers: string[] = [];
        for (const body of ['', '{bad']) {
          for (const url of ['/api/nowhere', `/api/users/${FIRST_BIGINT_ID}`]) {
            const res = await c.send('DELETE', url, body);
            answers.push(`DELETE /cso${url} ${JSON.stringify(body)} → ${res.statusCode} ${cso404Shape(res)}`);
          }
        }
        expect(answers.filter((a) => !a.endsWith(' CSO'))).toEqual([]);
      });
    });

    describe('index: paging, total and filters', () => {
      it('total counts every match; offset and limit pick the page; 250 at most, by default and when more is asked', async () => {
        const names = Array.from({ length: 260 }, (_, i) => `user${String(i).padStart(3, '0')}`);
        await c.users(...names.map((name) => ({ name })));
        const page = async (query: string) => {
          const res = await c.send('GET', `/api/users${query}`);
          expect(res.statusCode, res.body).toBe(200);
          const body = parse(res);
          return { total: body['total'], names: listOf(body['users']).map((u) => u['name']) };
        };
        expect(await page('')).toEqual({ total: 260, names: names.slice(0, 250) });
        expect(await page('?limit=300')).toEqual({ total: 260, names: names.slice(0, 250) });
        expect(await page('?offset=250')).toEqual({ total: 260, names: names.slice(250) });
        expect(await page('?offset=10&limit=5')).toEqual({ total: 260, names: names.slice(10, 15) });
        expect(await page('?limit=0')).toEqual({ total: 260, names: [] });
        expect(await page('?offset=1000')).toEqual({ total: 260, names: [] });
        expect(await page('?name[starts_with]=user25&limit=3')).toEqual({ total: 10, names: names.slice(250, 253) });
        expect(await page('?name[starts_with]=user25&offset=8')).toEqual({ total: 10, names: names.slice(258) });
      });

      it('filters: name operators, exact name, state, id, company-id; all conditions must match; % and _ are literal', async () => {
        const [acme = '', beta = ''] = await c.companies('Acme', 'Beta');
        await c.users(
          { name: 'european_ltl', state: 'Active', 'company-id': acme },
          { name: 'FTL2018', state: 'Blocked', 'company-id': beta },
          { name: 'ltl-europe', state: 'Active' },
          { name: '50%off', state: 'Removed', 'company-id': acme },
        );
        const names = async (query: string): Promise<[unknown, unknown[]]> => {
          const res = await c.send('GET', `/api/users?${query}`);
          expect(res.statusCode, res.body).toBe(200);
          const body = parse(res);
          return [body['total'], listOf(body['users']).map((u) => u['name'])];
        };
        expect(await names('name[contains]=ltl')).toEqual([2, ['european_ltl', 'ltl-europe']]);
        expect(await names('name[contains]=europe')).toEqual([2, ['european_ltl', 'ltl-europe']]);
        expect(await names('name[starts_with]=FTL')).toEqual([1, ['FTL2018']]);
        expect(await names('name[ends_with]=2018')).toEqual([1, ['FTL2018']]);
        expect(await names('name=ltl-europe')).toEqual([1, ['ltl-europe']]);
        expect(await names('name=nobody')).toEqual([0, []]);
        expect(await names('state=Active')).toEqual([2, ['european_ltl', 'ltl-europe']]);
        expect(await names('state=Removed')).toEqual([1, ['50%off']]);
        expect(await names(`company-id=${acme}`)).toEqual([2, ['european_ltl', '50%off']]);
        expect(await names(`company-id=${acme}&state=Active`)).toEqual([1, ['european_ltl']]);
        expect(await names(`id=${nthId(1)}`)).toEqual([1, ['FTL2018']]);
        expect(await names(`id[gt]=${nthId(1)}`)).toEqual([2, ['ltl-europe', '50%off']]);
        expect(await names('name[contains]=ltl&state=Active&limit=1')).toEqual([2, ['european_ltl']]);
        expect(await names('name[contains]=%25')).toEqual([1, ['50%off']]);
        expect(await names('name[contains]=_')).toEqual([1, ['european_ltl']]);
        expect(await names('name[starts_with]=%25')).toEqual([0, []]);
        expectCsoError(await c.send('GET', '/api/users?colour=red'), 400, 'invalid_query', [
          "Unknown query parameter 'colour': users have no such element",
        ]);
        expectCsoError(await c.send('GET', '/api/users?limit=abc'), 400, 'invalid_query', [
          "Query parameter 'limit' must be a non-negative integer",
        ]);
        expectCsoError(await c.send('GET', '/api/users?offset=-1'), 400, 'invalid_query', [
          "Query parameter 'offset' must be a non-negative integer",
        ]);
      });

      it('records leave out null and empty values, and show booleans as false by default', async () => {
        await c.users({ name: 'bare' }, { name: 'blanks', 'first-name': '', city: '', email: null });
        const users = listOf(parse(await c.send('GET', '/api/users'))['users']);
        const bare = {
          state: 'Active',
          'accepts-agreement': false,
          'provide-information': false,
          'change-password': false,
          invoicing_user: false,
        };
        expect(users).toEqual([
          { id: nthId(0), ...bare, name: 'bare' },
          { id: nthId(1), ...bare, name: 'blanks' },
        ]);
        expect(Object.keys(users[0] ?? {})).toEqual([
          'id',
          'state',
          'name',
          'accepts-agreement',
          'provide-information',
          'change-password',
          'invoicing_user',
        ]);
        // Clearing a value removes its key.
        expect((await c.send('PUT', `/api/users/${nthId(0)}`, { city: 'Oslo' })).statusCode).toBe(200);
        expect(parse(await c.send('GET', `/api/users/${nthId(0)}`))).toHaveProperty('city', 'Oslo');
        expect((await c.send('PUT', `/api/users/${nthId(0)}`, { city: '' })).statusCode).toBe(200);
        expect(parse(await c.send('GET', `/api/users/${nthId(0)}`))).not.toHaveProperty('city');
      });
    });

    describe('companies', () => {
      it('index, show, create one or many, bulk and single PUT; state Active or Removed; names unique', async () => {
        const created = await c.send('POST', '/api/companies', {
          companies: [
            { name: 'Acme', city: 'Delft', country: 'Netherlands' },
            { name: 'Beta', state: 'Removed' },
            { name: 'acme' },
            { name: 'Gamma', state: 'Blocked' },
          ],
        });
        expect([created.statusCode, parse(created)]).toEqual([
          201,
          {
            result: [
              { type: 'api.post.added', description: '2 objects created.' },
              { type: 'api.post.failed', description: '2 objects failed.' },
            ],
            added: 2,
            companies: [{ id: nthId(0) }, { id: nthId(1) }],
            failed: 2,
            errors: [
              { index: 2, name: 'acme', type: 'api.error.validation_failed', description: 'Name has already been taken' },
              { index: 3, name: 'Gamma', type: 'api.error.validation_failed', description: 'State is not included in the list' },
            ],
          },
        ]);
        const one = await c.send('POST', '/api/companies', { name: 'Gamma' });
        expect(one.body).toBe(
          JSON.stringify({
            result: [{ type: 'api.post.added', description: '1 objects created.' }],
            added: 1,
            companies: [{ id: nthId(2) }],
          }),
        );
        const index = await c.send('GET', '/api/companies');
        expect(index.body).toBe(
          JSON.stringify({
            total: 3,
            companies: [
              { id: nthId(0), state: 'Active', name: 'Acme', city: 'Delft', country: 'Netherlands' },
              { id: nthId(1), state: 'Removed', name: 'Beta' },
              { id: nthId(2), state: 'Active', name: 'Gamma' },
            ],
          }),
        );
        const bulk = await c.send('PUT', '/api/companies', {
          companies: [
            { id: nthId(1), state: 'Active', street: 'Main 1' },
            { id: nthId(2), name: 'Acme' },
            { id: nthId(0), name: 'Acme Corp' },
            { name: 'Beta' },
          ],
        });
        expect([bulk.statusCode, parse(bulk)]).toEqual([
          200,
          {
            result: [
              { type: 'api.put.updated', description: '2 objects updated.' },
              { type: 'api.put.failed', description: '2 objects failed.' },
            ],
            updated: 2,
            failed: 2,
            errors: [
              { index: 1, id: nthId(2), type: 'api.error.validation_failed', description: 'Name has already been taken' },
              { index: 3, type: 'api.error.not_found', description: 'Each item of a bulk update names its company by id' },
            ],
          },
        ]);
        const single = await c.send('PUT', `/api/companies/${nthId(2)}`, { state: 'Removed' });
        expect(single.body).toBe(
          JSON.stringify({ result: [{ type: 'api.put.updated', description: '1 objects updated.' }], updated: 1 }),
        );
        expectCsoError(await c.send('PUT', `/api/companies/${nthId(2)}`, { state: 'Gone' }), 400, 'validation_failed', [
          'State is not included in the list',
        ]);
        expectCsoError(await c.send('GET', `/api/companies/${nthId(9)}`), 404, 'not_found', [
          `Couldn't find Company with 'id'=${nthId(9)}`,
        ]);
        const after = parse(await c.send('GET', '/api/companies?state=Active'));
        expect(after).toEqual({
          total: 2,
          companies: [
            { id: nthId(0), state: 'Active', name: 'Acme Corp', city: 'Delft', country: 'Netherlands' },
            { id: nthId(1), state: 'Active', name: 'Beta', street: 'Main 1' },
          ],
        });
        expect(parse(await c.send('GET', '/api/companies?name[contains]=Corp'))).toMatchObject({ total: 1 });
        expect((await c.rows('cso_companies')).map((r) => r.name)).toEqual(['Acme Corp', 'Beta', 'Gamma']);
      });
    });

    describe('credentials', () => {
      it('no key, a wrong key, or a core key in any header: 401 in the CSO shape, nothing written', async () => {
        const before = await c.snapshot();
        const required = 'Authentication required: send a CSO API key (X-CSO-API-KEY)';
        for (const [headers, message] of [
          [{ 'x-cso-api-key': '' }, required],
          [{ 'x-cso-api-key': 'wrong' }, 'Invalid API key'],
          [{ 'x-cso-api-key': TEST_KEY }, 'Invalid API key'],
          [{ 'x-cso-api-key': '', 'x-coupa-api-key': TEST_KEY }, required],
          [{ 'x-cso-api-key': '', 'x-coupa-api-key': CSO_KEY }, required],
          [{ 'x-cso-api-key': '', authorization: `Bearer ${CSO_KEY}` }, required],
        ] as const) {
          for (const [method, url, body] of [
            ['GET', '/api/users', undefined],
            ['GET', `/api/users/${FIRST_BIGINT_ID}`, undefined],
            ['POST', '/api/users', { name: 'intruder' }],
            ['PUT', '/api/users', { users: [{ id: FIRST_BIGINT_ID }] }],
            ['POST', '/api/companies', { name: 'Intruder' }],
          ] as const) {
            const res = await c.send(method, url, body, headers);
            expectCsoError(res, 401, 'unauthorized', [message]);
            expect(res.headers['www-authenticate']).toBe('Bearer realm="roster"');
          }
        }
        expect(await c.snapshot()).toEqual(before);
      });

      it('a CSO key never opens the core API, in either header', async () => {
        for (const headers of [{ 'x-coupa-api-key': CSO_KEY }, { 'x-cso-api-key': CSO_KEY }]) {
          const res = await c.t.app.inject({
            method: 'GET',
            url: '/api/users',
            headers: { accept: 'application/json', ...headers },
          });
          expect([res.statusCode, res.headers['x-roster-error-code']]).toEqual([401, 'unauthorized']);
          // The core API's own error shape, not CSO's.
          expect(Object.keys(parse(res))).toEqual(['errors']);
        }
        const post = await c.t.app.inject({
          method: 'POST',
          url: '/api/users',
          headers: { ...JSON_IO, 'x-coupa-api-key': CSO_KEY },
          payload: validUser('intruder'),
        });
        expect(post.statusCode).toBe(401);
      });
    });

    describe('the core API is unaffected', () => {
      it('core users and CSO users are apart: neither list holds the other, and ids do not cross', async () => {
        const core = await c.t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser('core') });
        expect(core.statusCode, core.body).toBe(201);
        const coreId = Number(parse(core)['id']);
        const [csoId = ''] = await c.users({ name: 'user_core', email: 'user_core@example.com' });

        const coreList = await c.t.request({ method: 'GET', url: '/api/users', headers: { accept: 'application/json' } });
        const logins = (JSON.parse(coreList.body) as Json[]).map((u) => u['login']);
        expect(logins).toContain('user_core');
        expect(coreList.body).not.toContain(csoId);
        const coreCount = (JSON.parse(coreList.body) as Json[]).length;

        const csoList = parse(await c.send('GET', '/api/users'));
        expect([csoList['total'], listOf(csoList['users']).map((u) => u['id'])]).toEqual([1, [csoId]]);
        expect(listOf(csoList['users'])[0]).not.toHaveProperty('login');

        expect((await c.t.request({ method: 'GET', url: `/api/users/${csoId}` })).statusCode).toBe(404);
        expectCsoError(await c.send('GET', `/api/users/${coreId}`), 404, 'not_found', [`Couldn't find User with 'id'=${coreId}`]);
        // A CSO write leaves the core table as it was.
        await c.users({ name: 'another' });
        const again = await c.t.request({ method: 'GET', url: '/api/users', headers: { accept: 'application/json' } });
        expect((JSON.parse(again.body) as Json[]).length).toBe(coreCount);
      });
    });
  });

  describe(`the CSO listener's app on ${dialect.name}`, () => {
    let c: Cso;
    beforeEach(async () => {
      c = await csoApp(dialect, 'cso');
    });
    afterEach(async () => {
      await c.t.close();
    });

    it('serves the CSO API at the root: /api/users and /api/companies, the same answers', async () => {
      const [company = ''] = await c.companies('Acme');
      const created = await c.send('POST', '/api/users', { users: [{ name: 'ann', 'company-id': company }, { name: 'bob' }] });
      expect([created.statusCode, created.body]).toEqual([
        201,
        JSON.stringify({
          result: [{ type: 'api.post.added', description: '2 objects created.' }],
          added: 2,
          users: [{ id: nthId(0) }, { id: nthId(1) }],
        }),
      ]);
      const index = await c.send('GET', '/api/users?name[starts_with]=a');
      expect([index.statusCode, index.headers['content-type'], parse(index)]).toEqual([
        200,
        JSON_TYPE,
        {
          total: 1,
          users: [
            {
              id: nthId(0),
              state: 'Active',
              name: 'ann',
              'company-id': company,
              'accepts-agreement': false,
              'provide-information': false,
              'change-password': false,
              invoicing_user: false,
            },
          ],
        },
      ]);
      const put = await c.send('PUT', '/api/users', { users: [{ id: nthId(1), state: 'Blocked' }] });
      expect(put.body).toBe(
        JSON.stringify({ result: [{ type: 'api.put.updated', description: '1 objects updated.' }], updated: 1 }),
      );
      expect(parse(await c.send('GET', `/api/users/${nthId(1)}`))).toMatchObject({ name: 'bob', state: 'Blocked' });
    });

    it('its 404s and 401s are CSO-shaped; the core API and the /cso prefix are not served', async () => {
      for (const url of ['/api/nowhere', '/cso/api/users', '/api/suppliers', '/api/workers', '/oauth2/token']) {
        expectCsoError(await c.send('GET', url), 404, 'route_not_found', [`No route matches GET ${url}`]);
        expectCsoError(await c.send('GET', url, undefined, { 'x-cso-api-key': '' }), 404, 'route_not_found', [
          `No route matches GET ${url}`,
        ]);
      }
      expectCsoError(await c.send('GET', '/api/users', undefined, { 'x-cso-api-key': '' }), 401, 'unauthorized', [
        'Authentication required: send a CSO API key (X-CSO-API-KEY)',
      ]);
      expectCsoError(
        await c.send('GET', '/api/users', undefined, { 'x-cso-api-key': '', 'x-coupa-api-key': TEST_KEY }),
        401,
        'unauthorized',
        ['Authentication required: send a CSO API key (X-CSO-API-KEY)'],
      );
      expectCsoError(await c.send('GET', '/api/users', undefined, { 'x-cso-api-key': TEST_KEY }), 401, 'unauthorized', [
        'Invalid API key',
      ]);
      expectCsoError(await c.send('GET', `/api/users/${nthId(3)}`), 404, 'not_found', [
        `Couldn't find User with 'id'=${nthId(3)}`,
      ]);
      expectCsoError(await c.send('POST', '/api/users', '{bad'), 400, 'malformed_body', [/^Malformed JSON: /]);
    });

    it('an unknown path with an unreadable JSON body is still answered in the CSO shape', async () => {
      const answers: string[] = [];
      for (const body of ['', '{bad']) {
        for (const url of ['/api/nowhere', `/api/users/${FIRST_BIGINT_ID}`]) {
          const res = await c.send('DELETE', url, body);
          answers.push(`DELETE ${url} ${JSON.stringify(body)} → ${res.statusCode} ${cso404Shape(res)}`);
        }
      }
      expect(answers.filter((a) => !a.endsWith(' CSO'))).toEqual([]);
    });
  });
}
