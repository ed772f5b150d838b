import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedUsers } from '../src/store/user-seeder.js';
import {
  ACCEPT_JSON,
  createUser,
  dbSnapshot,
  expectError,
  isWellFormedXml,
  listUsers,
  parseJson,
  parseJsonList,
  refId,
  showUser,
  XML_TYPE,
  type JsonUser,
} from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

/**
 * The fixture, in creation (= id) order. Logins are chosen so that LIKE wildcards, case and
 * byte order all make a visible difference; `updated-at` is set to 05:00Z + index hours.
 */
const PEOPLE = [
  {
    login: 'ada.lovelace',
    email: 'ada@example.com',
    firstname: 'Ada',
    lastname: 'Lovelace',
    'employee-number': 'E-100',
    'account-security-type': 1,
    department: { name: 'Engineering' },
    roles: [{ name: 'Admin' }, { name: 'Buyer' }],
    'default-address': { 'location-code': 'HQ' },
    'phone-work': { number: '555 0100' },
    'requisition-approval-limit': { name: 'Up to 10,000 USD' },
  },
  {
    login: 'bob_smith',
    email: 'bob@example.com',
    firstname: 'Bob',
    middlename: 'J',
    lastname: 'Smith',
    'employee-number': 'E-200',
    department: { name: 'Finance' },
    roles: [{ name: 'Buyer' }],
    'default-address': { 'location-code': 'NYC' },
    manager: { login: 'ada.lovelace' },
  },
  {
    login: 'Carol.Jones',
    email: 'carol@sample.org',
    firstname: 'Carol',
    lastname: 'Jones',
    'employee-number': 'X-300',
    active: false,
    department: { name: 'Finance' },
    roles: [{ name: 'User' }],
    'default-address': { 'location-code': 'AMS' },
    manager: { login: 'bob_smith' },
    'requisition-approval-limit': { name: 'Up to 1,000 USD' },
  },
  { login: 'dave', email: 'dave@sample.org', firstname: 'Dave', lastname: 'Lovelace', manager: { login: 'Carol.Jones' } },
  {
    login: 'erin_x',
    email: 'erin@example.net',
    firstname: 'Erin',
    lastname: 'Example',
    'employee-number': 'E-500',
    active: false,
    department: { name: 'IT' },
    roles: [{ name: 'Admin' }],
    manager: { login: 'ada.lovelace' },
  },
  { login: 'fay%off', email: 'fay@example.com', firstname: 'Fay', lastname: 'Percent' },
  { login: 'gus\\b', email: 'gus@example.com', firstname: 'Gus', lastname: 'Backslash' },
] as const;

type Login = (typeof PEOPLE)[number]['login'];

const ALL: readonly Login[] = PEOPLE.map((p) => p.login);
const updatedAt = (index: number): string => `2020-01-01T${String(5 + index).padStart(2, '0')}:00:00.000Z`;

/** Rows of [query string as sent, logins expected in order]. */
const QUERIES: ReadonlyArray<readonly [string, readonly Login[]]> = [
  // eq ignores ASCII case, as Coupa's MySQL collation does (src/query/caseless.ts).
  ['login=bob_smith', ['bob_smith']],
  ['login=Carol.Jones', ['Carol.Jones']],
  ['login=carol.jones', ['Carol.Jones']],
  ['email=ADA@example.com', ['ada.lovelace']],
  ['lastname=Lovelace', ['ada.lovelace', 'dave']],
  ['lastname=lovelace', ['ada.lovelace', 'dave']],
  ['login=nobody', []],
  // contains / starts_with / ends_with are case-insensitive and match %, _ and \ literally.
  ['login[contains]=CAROL', ['Carol.Jones']],
  ['login[contains]=o', ['ada.lovelace', 'bob_smith', 'Carol.Jones', 'fay%off']],
  ['login[contains]=_', ['bob_smith', 'erin_x']],
  ['login[contains]=%25', ['fay%off']],
  ['login[contains]=%5C', ['gus\\b']],
  ['login[starts_with]=_', []],
  ['login[starts_with]=%25', []],
  ['login[ends_with]=%25off', ['fay%off']],
  ['login[ends_with]=_x', ['erin_x']],
  ['email[ends_with]=SAMPLE.org', ['Carol.Jones', 'dave']],
  ['email[starts_with]=erin', ['erin_x']],
  ['employee-number[starts_with]=E-', ['ada.lovelace', 'bob_smith', 'erin_x']],
  ['employee_number[starts_with]=e-', ['ada.lovelace', 'bob_smith', 'erin_x']],
  // Comparisons compare text byte-wise and numbers as numbers.
  ['lastname[gt]=Lovelace', ['bob_smith', 'fay%off']],
  ['lastname[gt_or_eq]=Lovelace', ['ada.lovelace', 'bob_smith', 'dave', 'fay%off']],
  ['lastname[lt]=Jones', ['erin_x', 'gus\\b']],
  ['lastname[lt_or_eq]=Jones', ['Carol.Jones', 'erin_x', 'gus\\b']],
  ['account-security-type[gt]=0', ['ada.lovelace']],
  ['account-security-type=0', ['bob_smith', 'Carol.Jones', 'dave', 'erin_x', 'fay%off', 'gus\\b']],
  ['firstname[not_eq]=Ada', ['bob_smith', 'Carol.Jones', 'dave', 'erin_x', 'fay%off', 'gus\\b']],
  ['firstname[in]=Ada,Dave,Nobody', ['ada.lovelace', 'dave']],
  ['firstname[not_in]=Ada,Bob,Carol,Dave', ['erin_x', 'fay%off', 'gus\\b']],
  ['middlename[blank]=true', ['ada.lovelace', 'Carol.Jones', 'dave', 'erin_x', 'fay%off', 'gus\\b']],
  ['middlename[blank]=false', ['bob_smith']],
  ['employee-number[blank]=true', ['dave', 'fay%off', 'gus\\b']],
  // Booleans and the status alias.
  ['active=false', ['Carol.Jones', 'erin_x']],
  ['active=1', ['ada.lovelace', 'bob_smith', 'dave', 'fay%off', 'gus\\b']],
  ['status=inactive', ['Carol.Jones', 'erin_x']],
  ['status=active', ['ada.lovelace', 'bob_smith', 'dave', 'fay%off', 'gus\\b']],
  ['status[in]=active,inactive', ALL],
  ['status[not_eq]=active', ['Carol.Jones', 'erin_x']],
  // Phone parts.
  ['phone-work[number]=555%200100', ['ada.lovelace']],
  ['phone_work[number][contains]=0100', ['ada.lovelace']],
  ['phone-work[number][blank]=false', ['ada.lovelace']],
  // Belongs-to associations.
  ['department[name]=Finance', ['bob_smith', 'Carol.Jones']],
  ['department[name][in]=Finance,IT', ['bob_smith', 'Carol.Jones', 'erin_x']],
  // SQL semantics: a user without a department matches no condition on its name.
  ['department[name][not_eq]=Finance', ['ada.lovelace', 'erin_x']],
  ['department[name][contains]=in', ['ada.lovelace', 'bob_smith', 'Carol.Jones']],
  ['department[id][blank]=true', ['dave', 'fay%off', 'gus\\b']],
  ['department[id][blank]=false', ['ada.lovelace', 'bob_smith', 'Carol.Jones', 'erin_x']],
  ['department[name]=Finance&status=active', ['bob_smith']],
  ['default-address[city][starts_with]=New', ['bob_smith']],
  ['default-address[city][starts_with]=new%20y', ['bob_smith']],
  ['default-address[country][code]=US', ['ada.lovelace', 'bob_smith']],
  ['default_address[country][code][not_eq]=US', ['Carol.Jones']],
  ['default-address[id][blank]=true', ['dave', 'erin_x', 'fay%off', 'gus\\b']],
  // Decimals compare as numbers: as text, '1000.0' > '999.5' would fail.
  ['requisition-approval-limit[amount][gt]=999.5', ['ada.lovelace', 'Carol.Jones']],
  ['requisition-approval-limit[amount][gt]=5000', ['ada.lovelace']],
  // Manager is a user; paths go through it.
  ['manager[login]=ada.lovelace', ['bob_smith', 'erin_x']],
  ['manager[department][name]=Finance', ['Carol.Jones', 'dave']],
  ['manager[manager][login]=ada.lovelace', ['Carol.Jones']],
  ['manager[manager][manager][login]=ada.lovelace', ['dave']],
  ['manager[roles][name]=Admin', ['bob_smith', 'erin_x']],
  ['manager[id][blank]=true', ['ada.lovelace', 'fay%off', 'gus\\b']],
  ['manager[active]=false', ['dave']],
  // Collections, through the membership table; a user matching twice is listed once.
  ['roles[name]=Buyer', ['ada.lovelace', 'bob_smith']],
  ['roles[name][in]=Admin,Buyer', ['ada.lovelace', 'bob_smith', 'erin_x']],
  ['roles[name][starts_with]=us', ['Carol.Jones']],
  ['roles[name]=Admin&roles[name][in]=Buyer', ['ada.lovelace']],
  // Some role that is not Admin: ada also has Buyer.
  ['roles[name][not_eq]=Admin', ['ada.lovelace', 'bob_smith', 'Carol.Jones']],
  ['roles[id][blank]=true', ['dave', 'fay%off', 'gus\\b']],
  // Datetimes: offsets are honoured, escaped or not; updated-at is 05:00Z + index hours.
  ['updated-at[gt]=2020-01-01T10:00:00%2B02:00', ['erin_x', 'fay%off', 'gus\\b']],
  ['updated-at[gt]=2020-01-01T10%3A00%3A00%2B02%3A00', ['erin_x', 'fay%off', 'gus\\b']],
  ['updated-at[gt]=2020-01-01T10:00:00+02:00', ['erin_x', 'fay%off', 'gus\\b']],
  ['updated-at[gt_or_eq]=2020-01-01T10:00:00+02:00', ['dave', 'erin_x', 'fay%off', 'gus\\b']],
  ['updated_at[lt]=2020-01-01T07:00:00Z', ['ada.lovelace', 'bob_smith']],
  ['updated-at[lt_or_eq]=2020-01-01T03:00:00-04:00', ['ada.lovelace', 'bob_smith', 'Carol.Jones']],
  ['updated-at=2020-01-01T09:00:00.000Z', ['erin_x']],
  ['updated-at[gt]=2020-01-01', ALL],
  ['updated-at[lt]=2020-01-01', []],
  ['updated-at[gt]=2020-01-01T10:00:00%2B02:00&updated-at[lt]=2020-01-01T11:00:00Z', ['erin_x', 'fay%off']],
  // The forms clients send (issue 10): no seconds, fractions, a space, no zone (UTC), ±HHMM, ±HH, `+` unescaped.
  ['updated-at[gt]=2020-01-01T08:00', ['erin_x', 'fay%off', 'gus\\b']],
  ['updated-at[gt]=2020-01-01%2008:00', ['erin_x', 'fay%off', 'gus\\b']],
  ['updated-at[gt]=2020-01-01T08:00:00.5', ['erin_x', 'fay%off', 'gus\\b']],
  ['updated-at[gt]=2020-01-01T08:00Z', ['erin_x', 'fay%off', 'gus\\b']],
  ['updated-at[gt]=2020-01-01T10:00%2B0200', ['erin_x', 'fay%off', 'gus\\b']],
  ['updated-at[gt]=2020-01-01T03:00-05', ['erin_x', 'fay%off', 'gus\\b']],
  ['updated-at[gt]=2020-01-01T10:00+02:00', ['erin_x', 'fay%off', 'gus\\b']],
  // Order, then paging.
  ['order_by=login', ['Carol.Jones', 'ada.lovelace', 'bob_smith', 'dave', 'erin_x', 'fay%off', 'gus\\b']],
  ['order_by=login&dir=desc', ['gus\\b', 'fay%off', 'erin_x', 'dave', 'bob_smith', 'ada.lovelace', 'Carol.Jones']],
  ['order-by=lastname', ['gus\\b', 'erin_x', 'Carol.Jones', 'ada.lovelace', 'dave', 'fay%off', 'bob_smith']],
  // Ties are broken by ascending id whatever the direction.
  ['order_by=lastname&dir=desc', ['bob_smith', 'fay%off', 'ada.lovelace', 'dave', 'Carol.Jones', 'erin_x', 'gus\\b']],
  ['order_by=employee_number', ['dave', 'fay%off', 'gus\\b', 'ada.lovelace', 'bob_smith', 'erin_x', 'Carol.Jones']],
  ['order_by=employee-number&dir=desc', ['Carol.Jones', 'erin_x', 'bob_smith', 'ada.lovelace', 'dave', 'fay%off', 'gus\\b']],
  ['order_by=updated_at&dir=desc&limit=2', ['gus\\b', 'fay%off']],
  ['dir=desc', ['gus\\b', 'fay%off', 'erin_x', 'dave', 'Carol.Jones', 'bob_smith', 'ada.lovelace']],
  ['offset=2&limit=3', ['Carol.Jones', 'dave', 'erin_x']],
  ['order_by=login&offset=1&limit=2', ['ada.lovelace', 'bob_smith']],
  ['dir=desc&offset=5', ['bob_smith', 'ada.lovelace']],
  ['status=active&offset=1&limit=2', ['bob_smith', 'dave']],
  ['offset=7', []],
  ['limit=500', ALL],
  // A unique element with paging still honours the paging.
  ['login=bob_smith&offset=1', []],
];

const loginsOf = (users: readonly JsonUser[]): string[] => users.map((u) => String(u['login']));

/** Top-level user ids of an XML list (nested users are <manager>, <created-by>…, never <user>). */
function xmlIds(res: LightMyRequestResponse): number[] {
  expect(res.headers['content-type']).toBe(XML_TYPE);
  expect(isWellFormedXml(res.body), res.body).toBe(true);
  return [...res.body.matchAll(/<user>\s*<id type="integer">(\d+)<\/id>/g)].map((m) => Number(m[1]));
}

for (const dialect of DIALECTS) {
  describe(`querying users on ${dialect.name}`, () => {
    let t: TestApp;
    const ids = new Map<string, number>();
    const idOf = (login: string): number => {
      const id = ids.get(login);
      if (id === undefined) throw new Error(`no fixture user ${login}`);
      return id;
    };

    beforeAll(async () => {
      // The fixture's timestamps are written straight into the table, beside Roster, which no
      // process hears of: the response cache (which would keep the creates' answers) is off.
      t = await makeTestApp(dialect, { responseCache: 0 });
      for (const [i, person] of PEOPLE.entries()) {
        // Sent explicitly: a create that leaves roles out gets the User role.
        const user = await createUser(t, { roles: [], ...person });
        ids.set(person.login, user.id);
        await t.store.db
          .updateTable('users')
          .set({ updated_at: updatedAt(i) })
          .where('id', '=', user.id)
          .execute();
      }
    });
    afterAll(async () => {
      await t.close();
    });

    it('has the fixture it expects', async () => {
      const all = await listUsers(t);
      expect(loginsOf(all)).toEqual(ALL);
      expect(all.map((u) => u['updated-at'])).toEqual(PEOPLE.map((_p, i) => updatedAt(i).replace('.000Z', 'Z')));
    });

    describe('GET /api/users?… returns exactly the matching users (JSON and XML)', () => {
      for (const [query, expected] of QUERIES) {
        it(query, async () => {
          const url = `/api/users?${query}`;
          const json = await t.request({ method: 'GET', url, headers: ACCEPT_JSON });
          expect(json.statusCode, json.body).toBe(200);
          expect(loginsOf(parseJsonList(json))).toEqual(expected);
          const xml = await t.request({ method: 'GET', url });
          if (expected.length === 0) {
            // Coupa answers an empty XML search with 404; JSON gets an empty array.
            expect(json.body).toBe('[]');
            expectError(xml, 'no_results', ['No results match your search criteria.']);
          } else {
            expect(xml.statusCode).toBe(200);
            expect(xmlIds(xml)).toEqual(expected.map(idOf));
          }
        });
      }
    });

    it('finds a department by id as well as by name', async () => {
      const finance = await refId(t.store, 'departments', 'Finance');
      expect(loginsOf(await listUsers(t, `?department[id]=${finance}`))).toEqual(['bob_smith', 'Carol.Jones']);
      expect(loginsOf(await listUsers(t, `?department[id][not_eq]=${finance}`))).toEqual(['ada.lovelace', 'erin_x']);
    });

    it('reads the foreign-key form of every belongs-to (department_id=1 is department[id]=1), operators too', async () => {
      const finance = await refId(t.store, 'departments', 'Finance');
      const ada = idOf('ada.lovelace');
      const same: ReadonlyArray<[string, string]> = [
        [`department_id=${finance}`, `department[id]=${finance}`],
        [`department-id[not_eq]=${finance}`, `department[id][not_eq]=${finance}`],
        [`manager_id=${ada}`, `manager[id]=${ada}`],
        [`manager_id[in]=${ada},${idOf('dave')}`, `manager[id][in]=${ada},${idOf('dave')}`],
        ['manager_id[blank]=true', 'manager[id][blank]=true'],
        [`default_currency_id[gt]=0`, 'default-currency[id][gt]=0'],
      ];
      for (const [fk, nested] of same) {
        const [a, b] = [loginsOf(await listUsers(t, `?${fk}`)), loginsOf(await listUsers(t, `?${nested}`))];
        expect([fk, a]).toEqual([fk, b]);
      }
      expect(loginsOf(await listUsers(t, `?department_id=${finance}`))).toEqual(['bob_smith', 'Carol.Jones']);
      // Only associations have a foreign key; a has-many or a plain element does not.
      for (const param of ['roles_id=1', 'login_id=1']) {
        const res = await t.request({ method: 'GET', url: `/api/users?${param}` });
        expectError(res, 'invalid_query', [`Unknown query parameter '${param.split('=')[0]}': users have no such element`]);
      }
    });

    it('compares ids as numbers', async () => {
      const dave = idOf('dave');
      expect(loginsOf(await listUsers(t, `?id[gt]=${dave}`))).toEqual(['erin_x', 'fay%off', 'gus\\b']);
      expect(loginsOf(await listUsers(t, `?id[in]=${idOf('gus\\b')},${idOf('ada.lovelace')}`))).toEqual([
        'ada.lovelace',
        'gus\\b',
      ]);
      expect(loginsOf(await listUsers(t, `?id=${dave}`))).toEqual(['dave']);
      expect(loginsOf(await listUsers(t, `?manager[id]=${idOf('ada.lovelace')}`))).toEqual(['bob_smith', 'erin_x']);
    });

    it("reads datetimes as Ruby prints them (Workato's first poll sends Time.now.to_s, form-encoded)", async () => {
      const everyone = loginsOf(await listUsers(t));
      const past = '2000-01-01 00:00:00 +0000';
      const future = '2999-01-01 00:00:00 -0800';
      // `+` for the spaces and %2B for the sign, as a form encoder writes them; then the sign unescaped; then UTC.
      for (const [query, expected] of [
        [`?updated-at[gt]=${encodeURIComponent(past).replaceAll('%20', '+')}`, everyone],
        ['?updated-at[gt]=2000-01-01+00:00:00++0000', everyone],
        ['?created-at[lt]=2000-01-01+00:00:00+UTC', []],
        [`?updated-at[lt]=${encodeURIComponent(future)}`, everyone],
        [`?updated-at[gt]=${encodeURIComponent('Sat, 01 Jan 2000 00:00:00 GMT')}`, everyone],
      ] as const) {
        expect(loginsOf(await listUsers(t, query)), query).toEqual(expected);
      }
      const res = await t.request({ method: 'GET', url: '/api/users?updated-at[gt]=2026-12-06+19:00:00+XYZ' });
      expectError(res, 'invalid_query', ["Query parameter 'updated-at[gt]' is not an ISO 8601 date or datetime"]);
    });

    it('text for an integer element matches nothing, as Rails casts it to NULL (Coupa: ?id=NON_EXISTING)', async () => {
      const ada = idOf('ada.lovelace');
      for (const query of ['?id=NON_EXISTING', '?manager[id]=abc', '?manager_id=abc', '?department[id][not_eq]=x']) {
        expect(await listUsers(t, query), query).toEqual([]);
      }
      // In an `in` list it is one NULL item: the others still match.
      expect(loginsOf(await listUsers(t, `?id[in]=${ada},two`))).toEqual(['ada.lovelace']);
    });

    it('answers a bad condition with 400 naming it, not with an empty list', async () => {
      const res = await t.request({ method: 'GET', url: '/api/users?login[contains]=a&updated-at[gt]=2020-01-01T10' });
      expectError(res, 'invalid_query', ["Query parameter 'updated-at[gt]' is not an ISO 8601 date or datetime"]);
    });

    describe('views on the index', () => {
      it('return_object=limited gives ids only (JSON and XML)', async () => {
        expect(await listUsers(t, '?department[name]=Finance&return_object=limited')).toEqual([
          { id: idOf('bob_smith') },
          { id: idOf('Carol.Jones') },
        ]);
        const xml = await t.request({ method: 'GET', url: '/api/users?department[name]=Finance&return_object=limited' });
        expect(xml.statusCode).toBe(200);
        expect(xml.body).toBe(
          '<?xml version="1.0" encoding="UTF-8"?>\n<users type="array">\n' +
            `  <user>\n    <id type="integer">${idOf('bob_smith')}</id>\n  </user>\n` +
            `  <user>\n    <id type="integer">${idOf('Carol.Jones')}</id>\n  </user>\n</users>\n`,
        );
      });

      it('return_object=shallow keeps attributes and only ids and keys of associations', async () => {
        const [bob, ...rest] = await listUsers(t, '?login=bob_smith&return_object=shallow');
        expect(rest).toEqual([]);
        expect(bob).toMatchObject({ id: idOf('bob_smith'), login: 'bob_smith', firstname: 'Bob', middlename: 'J', active: true });
        expect(bob?.['department']).toEqual({ id: await refId(t.store, 'departments', 'Finance'), name: 'Finance' });
        expect(bob?.['manager']).toEqual({ id: idOf('ada.lovelace'), login: 'ada.lovelace', email: 'ada@example.com' });
        expect(bob?.['roles']).toEqual([{ id: await refId(t.store, 'roles', 'Buyer'), name: 'Buyer' }]);
        expect(bob?.['default-address']).toEqual({ id: await refId(t.store, 'addresses', 'NYC'), 'location-code': 'NYC' });
        expect(bob?.['default-currency']).toEqual({ id: await refId(t.store, 'currencies', 'USD'), code: 'USD' });
        expect(bob?.['default-account']).toBeNull();
      });

      it('fields keeps the requested fields, nested ones included, for each user', async () => {
        const fields =
          '["id","login",{"manager":["login"]},{"roles":["name"]},{"default_address":["city",{"country":["code"]}]}]';
        expect(await listUsers(t, `?login[in]=bob_smith,dave&fields=${encodeURIComponent(fields)}`)).toEqual([
          {
            id: idOf('bob_smith'),
            login: 'bob_smith',
            manager: { login: 'ada.lovelace' },
            roles: [{ name: 'Buyer' }],
            'default-address': { city: 'New York', country: { code: 'US' } },
          },
          { id: idOf('dave'), login: 'dave', manager: { login: 'Carol.Jones' }, roles: [], 'default-address': null },
        ]);
      });

      it('fields in XML', async () => {
        const res = await t.request({ method: 'GET', url: '/api/users?login=erin_x&fields=["login",{"department":["name"]}]' });
        expect(res.statusCode).toBe(200);
        expect(res.body).toBe(
          '<?xml version="1.0" encoding="UTF-8"?>\n<users type="array">\n  <user>\n    <login>erin_x</login>\n' +
            '    <department>\n      <name>IT</name>\n    </department>\n  </user>\n</users>\n',
        );
      });
    });

    describe('views on show', () => {
      it('return_object=limited, shallow and fields', async () => {
        const id = idOf('Carol.Jones');
        const get = async (query: string): Promise<JsonUser> => {
          const res = await t.request({ method: 'GET', url: `/api/users/${id}?${query}`, headers: ACCEPT_JSON });
          expect(res.statusCode, res.body).toBe(200);
          return parseJson(res);
        };
        expect(await get('return_object=limited')).toEqual({ id });
        const shallow = await get('return_object=shallow');
        expect(shallow['manager']).toEqual({ id: idOf('bob_smith'), login: 'bob_smith', email: 'bob@example.com' });
        expect(shallow['lastname']).toBe('Jones');
        expect(await get('fields=["email",{"manager":["email"]},"employee_number"]')).toEqual({
          email: 'carol@sample.org',
          manager: { email: 'bob@example.com' },
          'employee-number': 'X-300',
        });
      });

      it('refuses a query condition or return_object=none on show', async () => {
        const id = idOf('dave');
        expectError(await t.request({ method: 'GET', url: `/api/users/${id}?login=dave` }), 'invalid_query', [
          "Query parameter 'login' is not accepted here: only return_object and fields are",
        ]);
        expectError(
          await t.request({ method: 'GET', url: `/api/users/${id}?return_object=none`, headers: ACCEPT_JSON }),
          'invalid_query',
          ["Query parameter 'return_object' must be limited, shallow on reads"],
        );
      });
    });
  });

  describe(`paging past 50 users on ${dialect.name}`, () => {
    let t: TestApp;
    let all: number[];
    beforeAll(async () => {
      t = await makeTestApp(dialect);
      await seedUsers(t.store, { users: 55, randomSeed: 7 });
      const rows = await t.store.db.selectFrom('users').select('id').orderBy('id').execute();
      all = rows.map((r) => Number(r['id']));
    });
    afterAll(async () => {
      await t.close();
    });

    const ids = async (query: string): Promise<number[]> =>
      (await listUsers(t, `?return_object=limited&${query}`)).map((u) => u.id);

    it('has 55 users', () => {
      expect(all).toHaveLength(55);
    });

    it('returns 50 by default and caps a larger limit at 50', async () => {
      expect(await ids('')).toEqual(all.slice(0, 50));
      expect(await ids('limit=500')).toEqual(all.slice(0, 50));
      expect(await ids('limit=51')).toEqual(all.slice(0, 50));
      expect(xmlIds(await t.request({ method: 'GET', url: '/api/users?limit=500&return_object=limited' }))).toEqual(
        all.slice(0, 50),
      );
    });

    it('pages on with offset', async () => {
      expect(await ids('offset=50')).toEqual(all.slice(50));
      expect(await ids('offset=50&limit=500')).toEqual(all.slice(50));
      expect(await ids('offset=10&limit=5')).toEqual(all.slice(10, 15));
      expect(await ids('dir=desc&offset=50')).toEqual(all.slice(0, 5).reverse());
      expect(await ids('offset=55')).toEqual([]);
    });

    it('pages through an ordering without losing or repeating a user', async () => {
      const seen: number[] = [];
      for (let offset = 0; offset < 60; offset += 20) seen.push(...(await ids(`order_by=lastname&limit=20&offset=${offset}`)));
      expect(seen).toHaveLength(55);
      expect([...seen].sort((a, b) => a - b)).toEqual(all);
    });
  });

  describe(`views on writes on ${dialect.name}`, () => {
    let t: TestApp;
    let bossId: number;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      bossId = (await createUser(t, { ...validUser('boss'), roles: [{ name: 'Admin' }] })).id;
    });
    afterEach(async () => {
      await t.close();
    });

    const post = (query: string, payload: unknown, headers: Record<string, string> = JSON_IO) =>
      t.request({ method: 'POST', url: `/api/users${query}`, headers, payload: payload as string });
    const put = (id: number, query: string, payload: unknown, headers: Record<string, string> = JSON_IO) =>
      t.request({ method: 'PUT', url: `/api/users/${id}${query}`, headers, payload: payload as string });

    it('POST with return_object=none: 201, no body, and the user is created', async () => {
      const res = await post('?return_object=none', { ...validUser('n1'), lastname: 'Quiet' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.body).toBe('');
      expect(res.headers['content-type']).toBeUndefined();
      const found = await listUsers(t, '?login=user_n1');
      expect(found.map((u) => [u.login, u.lastname])).toEqual([['user_n1', 'Quiet']]);
    });

    it('POST XML with return_object=none: 201, no body, and the user is created', async () => {
      const res = await post('?return_object=none', userXml(validUser('n2')), XML);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.body).toBe('');
      expect(loginsOf(await listUsers(t, '?email=user_n2@example.com'))).toEqual(['user_n2']);
    });

    it('POST with return_object=limited answers the new id only', async () => {
      const res = await post('?return_object=limited', validUser('l1'));
      expect(res.statusCode).toBe(201);
      const body = parseJson(res);
      expect(body).toEqual({ id: expect.any(Number) as unknown });
      expect((await showUser(t, body.id)).login).toBe('user_l1');
    });

    it('POST with return_object=shallow', async () => {
      const res = await post('?return_object=shallow', {
        ...validUser('s1'),
        manager: { id: bossId },
        roles: [{ name: 'Buyer' }],
      });
      expect(res.statusCode).toBe(201);
      const body = parseJson(res);
      expect(body['manager']).toEqual({ id: bossId, login: 'user_boss', email: 'user_boss@example.com' });
      expect(body['roles']).toEqual([{ id: await refId(t.store, 'roles', 'Buyer'), name: 'Buyer' }]);
      expect(body['login']).toBe('user_s1');
    });

    it('POST with fields answers just those fields', async () => {
      const res = await post('?fields=["id","login",{"roles":["name"]},{"manager":["login"]}]', {
        ...validUser('f1'),
        manager: { login: 'user_boss' },
        roles: [{ name: 'Buyer' }, { name: 'User' }],
      });
      expect(res.statusCode).toBe(201);
      const body = parseJson(res);
      expect(body).toEqual({
        id: body.id,
        login: 'user_f1',
        roles: [{ name: 'Buyer' }, { name: 'User' }],
        manager: { login: 'user_boss' },
      });
      expect((await showUser(t, body.id)).email).toBe('user_f1@example.com');
    });

    it('POST XML with fields answers XML with just those fields', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/users?fields=["login","active"]',
        headers: XML,
        payload: userXml(validUser('x1')),
      });
      expect(res.statusCode).toBe(201);
      expect(res.body).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>\n<user>\n  <login>user_x1</login>\n  <active type="boolean">true</active>\n</user>\n',
      );
    });

    it('PUT with return_object=none: 200, no body, and the user is updated', async () => {
      const res = await put(bossId, '?return_object=none', { lastname: 'Updated', roles: [{ name: 'Buyer' }] });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toBe('');
      const user = await showUser(t, bossId);
      expect(user.lastname).toBe('Updated');
      expect((user['roles'] as Array<{ name: string }>).map((r) => r.name)).toEqual(['Buyer']);
    });

    it('PUT XML with return_object=limited and with fields', async () => {
      const limited = await put(bossId, '?return_object=limited', '<user><firstname>Grace</firstname></user>', XML);
      expect(limited.statusCode).toBe(200);
      expect(limited.body).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<user>\n  <id type="integer">${bossId}</id>\n</user>\n`);
      const fields = await put(bossId, '?fields=["firstname","lastname"]', { lastname: 'Hopper' });
      expect(fields.statusCode).toBe(200);
      expect(parseJson(fields)).toEqual({ firstname: 'Grace', lastname: 'Hopper' });
    });

    const BAD: ReadonlyArray<readonly [string, string, string]> = [
      ['an unknown return_object', 'return_object=deep', "Query parameter 'return_object' must be none, limited, shallow"],
      ['an unknown field', 'fields=["colour"]', "Query parameter 'fields' names an unknown field 'colour'"],
      ['both view parameters', 'return_object=none&fields=["id"]', 'Give either return_object or fields, not both'],
    ];
    it('ignores other query parameters on a write, as Rails does, and names them (PUT /api/users/66?null)', async () => {
      const ignored = await put(bossId, '?null&login=user_1&limit=1', { lastname: 'Ignored' });
      expect([ignored.statusCode, ignored.headers['x-roster-ignored-parameters']]).toEqual([200, 'null, login, limit']);
      expect(parseJson(ignored)['lastname']).toBe('Ignored');
      const created = await post('?null&return_object=limited', userXml(validUser('lenient')), XML);
      expect([created.statusCode, created.headers['x-roster-ignored-parameters']]).toEqual([201, 'null']);
      // The view is still read, and a show still refuses what it cannot honour.
      expect(created.body).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<user>\n {2}<id type="integer">\d+<\/id>\n<\/user>\n$/,
      );
      const show = await t.request({ method: 'GET', url: `/api/users/${bossId}?null` });
      expectError(show, 'invalid_query', ["Query parameter 'null' is not accepted here: only return_object and fields are"]);
    });

    for (const [name, query, message] of BAD) {
      it(`refuses a POST with ${name} (400 invalid_query) and creates nothing`, async () => {
        const before = await dbSnapshot(t.store);
        expectError(await post(`?${query}`, validUser('bad')), 'invalid_query', [message]);
        expectError(await post(`?${query}`, userXml(validUser('bad')), XML), 'invalid_query', [message]);
        expect(await dbSnapshot(t.store)).toEqual(before);
      });

      it(`refuses a PUT with ${name} (400 invalid_query) and changes nothing`, async () => {
        const before = await dbSnapshot(t.store);
        expectError(await put(bossId, `?${query}`, { lastname: 'Changed', roles: [] }), 'invalid_query', [message]);
        expectError(await put(bossId, `?${query}`, '<user><lastname>Changed</lastname></user>', XML), 'invalid_query', [message]);
        expect(await dbSnapshot(t.store)).toEqual(before);
      });
    }
  });
}
