import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexCatalog } from '../src/catalog/lookup.js';
import { resourceNamed } from '../src/catalog/registry.js';
import { createUser, dbSnapshot, expectError, parseJson, showUser } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

type Fields = Record<string, unknown>;

interface RuleCase {
  readonly name: string;
  /** Changes to a valid user: a value, or undefined to leave the element out. */
  readonly change: Fields;
  readonly messages: readonly string[];
}

const without = (fields: Fields, name: string): Fields => Object.fromEntries(Object.entries(fields).filter(([k]) => k !== name));

/** One case per rule class, each with the exact Rails-style full message. */
const CREATE_RULES: readonly RuleCase[] = [
  ...['firstname', 'lastname', 'login', 'email'].flatMap((name) => {
    const label = name.charAt(0).toUpperCase() + name.slice(1);
    return [
      { name: `required: ${name} missing`, change: { [name]: undefined }, messages: [`${label} can't be blank`] },
      { name: `required: ${name} empty`, change: { [name]: '' }, messages: [`${label} can't be blank`] },
      { name: `required: ${name} only spaces`, change: { [name]: '   ' }, messages: [`${label} can't be blank`] },
      { name: `required: ${name} null`, change: { [name]: null }, messages: [`${label} can't be blank`] },
    ];
  }),
  {
    name: 'length: firstname of 41 characters',
    change: { firstname: 'x'.repeat(41) },
    messages: ['Firstname is too long (maximum is 40 characters)'],
  },
  {
    name: 'length: lastname of 41 characters',
    change: { lastname: 'y'.repeat(41) },
    messages: ['Lastname is too long (maximum is 40 characters)'],
  },
  {
    name: 'length: email of 256 characters',
    change: { email: `${'e'.repeat(244)}@example.com` },
    messages: ['Email is too long (maximum is 255 characters)'],
  },
  {
    name: 'length: employee-number of 256 characters',
    change: { 'employee-number': 'n'.repeat(256) },
    messages: ['Employee number is too long (maximum is 255 characters)'],
  },
  { name: 'length: login of 1 character', change: { login: 'a' }, messages: ['Login is too short (minimum is 2 characters)'] },
  {
    name: 'length: a phone part longer than its column',
    change: { 'phone-work': { 'country-code': '123456789', number: '555' } },
    messages: ['Phone work country code is too long (maximum is 8 characters)'],
  },
  {
    name: 'allowable values: default-locale',
    change: { 'default-locale': 'xx-XX' },
    messages: ['Default locale is not included in the list'],
  },
  {
    // Coupa: "Authentication methods are case-sensitive"; other allowed values take any case (worker-writes.test.ts).
    name: 'allowable values: authentication-method is case-sensitive',
    change: { 'authentication-method': 'SAML' },
    messages: ['Authentication method is not included in the list'],
  },
  {
    name: 'allowable values: authentication-method',
    change: { 'authentication-method': 'kerberos' },
    messages: ['Authentication method is not included in the list'],
  },
  {
    name: 'allowable values: business-group-security-type',
    change: { 'business-group-security-type': 2 },
    messages: ['Business group security type is not included in the list'],
  },
  {
    name: 'allowable values: account-security-type',
    change: { 'account-security-type': '3' },
    messages: ['Account security type is not included in the list'],
  },
  {
    name: 'allowable values: employee-payment-channel',
    change: { 'employee-payment-channel': 'Cash' },
    messages: ['Employee payment channel is not included in the list'],
  },
  {
    name: 'type: integer element given junk',
    change: { 'business-group-security-type': 'abc' },
    messages: ['Business group security type is not an integer'],
  },
  {
    name: 'type: integer element given a fraction',
    change: { 'account-security-type': '1.5' },
    messages: ['Account security type is not an integer'],
  },
  { name: 'type: boolean element given junk', change: { active: 'maybe' }, messages: ['Active must be true or false'] },
  {
    name: 'type: boolean element given a number other than 0/1',
    change: { 'purchasing-user': 2 },
    messages: ['Purchasing user must be true or false'],
  },
  {
    name: 'type: string element given an object',
    change: { 'sso-identifier': { value: 'x' } },
    messages: ['Sso identifier must be a single value, not a list or an object'],
  },
  { name: 'format: email without @', change: { email: 'not-an-email' }, messages: ['Email is invalid'] },
  { name: 'format: email without domain dot', change: { email: 'ada@localhost' }, messages: ['Email is invalid'] },
  { name: 'format: email with a space', change: { email: 'ada lovelace@example.com' }, messages: ['Email is invalid'] },
];

const ACCEPTED: ReadonlyArray<[string, Fields]> = [
  ['firstname of exactly 40 characters', { firstname: 'x'.repeat(40) }],
  ['firstname of 40 non-ASCII characters (length counts characters, not bytes)', { firstname: 'é'.repeat(39) + '😀' }],
  ['default-locale en-US', { 'default-locale': 'en-US' }],
  ['default-locale from the seed list (en-au-ocker)', { 'default-locale': 'en-au-ocker' }],
  ['authentication-method saml', { 'authentication-method': 'saml' }],
  ['authentication-method ldap', { 'authentication-method': 'ldap' }],
  ['business-group-security-type 1 as text', { 'business-group-security-type': '1' }],
  ['boolean as "1"/"0"', { active: '0', 'purchasing-user': '1' }],
  ['no salesforce-id (nullable)', { 'salesforce-id': undefined }],
  ['salesforce-id null', { 'salesforce-id': null }],
  ['login of 2 characters', { login: 'ab' }],
];

function apply(change: Fields): Fields {
  let fields: Fields = { ...validUser(), 'employee-number': 'E-NEW' };
  for (const [k, v] of Object.entries(change)) fields = v === undefined ? without(fields, k) : { ...fields, [k]: v };
  return fields;
}

for (const dialect of DIALECTS) {
  describe(`Users API validation on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      // Another user, so a failed create has something to leave untouched.
      await createUser(t, { ...validUser('existing'), 'employee-number': 'E-1', 'mention-name': 'ada_l' });
    });
    afterEach(async () => {
      await t.close();
    });

    describe('on create, each rule gives its Rails message, 400 validation_failed, and stores nothing', () => {
      for (const rule of CREATE_RULES) {
        it(rule.name, async () => {
          const before = await dbSnapshot(t.store);
          const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: apply(rule.change) });
          expectError(res, 'validation_failed', rule.messages);
          expect(await dbSnapshot(t.store)).toEqual(before);
        });
      }
    });

    describe('values on the right side of each rule are accepted', () => {
      for (const [name, change] of ACCEPTED) {
        it(name, async () => {
          const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: apply(change) });
          expect(res.statusCode, res.body).toBe(201);
        });
      }
    });

    describe('boolean spellings (Coupa: true/false, yes/no; its CSV: Y/N, T/F), any case, for every boolean element', () => {
      const booleans = indexCatalog(resourceNamed('users')).writableScalars.filter((el) => el.type === 'boolean' && el.out);
      const SPELLINGS: ReadonlyArray<[string, boolean]> = [
        ['yes', true],
        ['No', false],
        ['Y', true],
        ['n', false],
        ['T', true],
        ['f', false],
        ['TRUE', true],
        ['False', false],
        ['1', true],
        ['0', false],
      ];
      it('in JSON', async () => {
        expect(booleans.length).toBeGreaterThan(15);
        for (const [i, [spelling, value]] of SPELLINGS.entries()) {
          const fields = Object.fromEntries(booleans.map((el) => [el.name, spelling]));
          const user = await createUser(t, { ...validUser(`json${i}`), ...fields });
          expect([spelling, booleans.filter((el) => user[el.name] !== value).map((el) => el.name)]).toEqual([spelling, []]);
        }
      });
      it('in XML, and refused as before when it is none of them', async () => {
        const fields = Object.fromEntries(booleans.map((el) => [el.name, 'Yes']));
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({ ...validUser('xml'), ...fields }),
        });
        expect(res.statusCode, res.body).toBe(201);
        const user = await showUser(t, Number(/<id type="integer">(\d+)<\/id>/.exec(res.body)?.[1]));
        expect(booleans.filter((el) => user[el.name] !== true).map((el) => el.name)).toEqual([]);
        const refused = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser('z'), 'aic-user': 'oui' },
        });
        expectError(refused, 'validation_failed', ['Aic user must be true or false']);
      });
    });

    it('reports a validation failure in XML with each message in CDATA', async () => {
      const before = await dbSnapshot(t.store);
      const res = await t.request({
        method: 'POST',
        url: '/api/users',
        headers: XML,
        payload: userXml({ login: 'x_1', email: 'x@example.com', lastname: 'L' }),
      });
      expectError(res, 'validation_failed', ["Firstname can't be blank"]);
      expect(res.body).toContain("<error><![CDATA[Firstname can't be blank]]></error>");
      expect(await dbSnapshot(t.store)).toEqual(before);
    });

    it('reports every failed rule of one request together', async () => {
      const before = await dbSnapshot(t.store);
      const res = await t.request({
        method: 'POST',
        url: '/api/users',
        headers: JSON_IO,
        payload: {
          login: 'user_existing',
          email: 'nope',
          lastname: 'z'.repeat(41),
          'default-locale': 'klingon',
          active: 'perhaps',
        },
      });
      expectError(
        res,
        'validation_failed',
        [
          "Firstname can't be blank",
          'Lastname is too long (maximum is 40 characters)',
          'Default locale is not included in the list',
          'Active must be true or false',
          'Email is invalid',
          'Login has already been taken',
        ],
        { anyOrder: true },
      );
      expect(await dbSnapshot(t.store)).toEqual(before);
    });

    it('reports all four required elements of an empty create', async () => {
      const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: {} });
      expectError(
        res,
        'validation_failed',
        ["Login can't be blank", "Email can't be blank", "Firstname can't be blank", "Lastname can't be blank"],
        { anyOrder: true },
      );
    });

    describe('uniqueness', () => {
      const TAKEN: ReadonlyArray<[string, Fields, string]> = [
        ['login', { login: 'user_existing' }, 'Login has already been taken'],
        ['email', { email: 'user_existing@example.com' }, 'Email has already been taken'],
        ['employee-number', { 'employee-number': 'E-1' }, 'Employee number has already been taken'],
        ['employee_number (underscored)', { employee_number: 'E-1' }, 'Employee number has already been taken'],
        ['mention-name', { 'mention-name': 'ada_l' }, 'Mention name has already been taken'],
      ];

      for (const [name, change, message] of TAKEN) {
        it(`refuses a create reusing another user's ${name}`, async () => {
          const before = await dbSnapshot(t.store);
          const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: apply(change) });
          expectError(res, 'validation_failed', [message]);
          expect(await dbSnapshot(t.store)).toEqual(before);
        });

        it(`refuses an update taking another user's ${name}`, async () => {
          const other = await createUser(t, validUser('other'));
          const before = await dbSnapshot(t.store);
          const res = await t.request({
            method: 'PUT',
            url: `/api/users/${other.id}`,
            headers: JSON_IO,
            payload: { ...change, lastname: 'Changed' },
          });
          expectError(res, 'validation_failed', [message]);
          expect(await dbSnapshot(t.store)).toEqual(before);
          expect(await showUser(t, other.id)).toEqual(other);
        });
      }

      it('reports every taken value of one request', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({
            ...validUser(),
            login: 'user_existing',
            email: 'user_existing@example.com',
            'employee-number': 'E-1',
            'mention-name': 'ada_l',
          }),
        });
        expectError(
          res,
          'validation_failed',
          [
            'Login has already been taken',
            'Email has already been taken',
            'Employee number has already been taken',
            'Mention name has already been taken',
          ],
          { anyOrder: true },
        );
      });

      it('lets a user keep (resend) its own unique values on update', async () => {
        const res = await t.request({
          method: 'PUT',
          url: '/api/users/1',
          headers: JSON_IO,
          payload: {
            login: 'user_existing',
            email: 'user_existing@example.com',
            'employee-number': 'E-1',
            'mention-name': 'ada_l',
          },
        });
        expect(res.statusCode, res.body).toBe(200);
      });

      it('lets any number of users have an empty or missing employee-number', async () => {
        await createUser(t, { ...validUser(2), 'employee-number': '' });
        await createUser(t, { ...validUser(3), 'employee-number': '' });
        await createUser(t, { ...validUser(4), 'employee-number': null });
        await createUser(t, validUser(5));
        const xml = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({ ...validUser(6), 'employee-number': '' }),
        });
        expect(xml.statusCode, xml.body).toBe(201);
        expect(xml.body).toContain('<employee-number />');
        const update = await t.request({
          method: 'PUT',
          url: '/api/users/2',
          headers: JSON_IO,
          payload: { 'employee-number': '' },
        });
        expect(update.statusCode, update.body).toBe(200);
      });

      it('frees a unique value once its holder changes it', async () => {
        await t.request({ method: 'PUT', url: '/api/users/1', headers: JSON_IO, payload: { login: 'renamed' } });
        await createUser(t, { ...validUser(), login: 'user_existing' });
      });
    });

    describe('on update', () => {
      it('checks only the elements sent, with the same messages', async () => {
        const user = await showUser(t, 1);
        const before = await dbSnapshot(t.store);
        const res = await t.request({
          method: 'PATCH',
          url: '/api/users/1',
          headers: XML,
          payload: '<user><firstname></firstname><email>broken</email><lastname>Fine</lastname></user>',
        });
        expectError(res, 'validation_failed', ["Firstname can't be blank", 'Email is invalid'], { anyOrder: true });
        expect(await dbSnapshot(t.store)).toEqual(before);
        expect(await showUser(t, 1)).toEqual(user);
      });

      it('refuses nulling a required element', async () => {
        const res = await t.request({
          method: 'PUT',
          url: '/api/users/1',
          headers: XML,
          payload: '<user><login nil="true"/></user>',
        });
        expectError(res, 'validation_failed', ["Login can't be blank"]);
      });

      it('accepts an update that sends no required element at all', async () => {
        const res = await t.request({ method: 'PUT', url: '/api/users/1', headers: JSON_IO, payload: { 'phone-mobile': '555' } });
        expect(res.statusCode, res.body).toBe(200);
      });
    });

    describe('read-only elements', () => {
      it('ignores id, created-at, fullname and api-user on create and names them in x-roster-ignored-elements', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({
            ...validUser(),
            id: '999',
            'created-at': '2001-01-01T00:00:00Z',
            fullname: 'Somebody Else',
            'api-user': 'true',
          }),
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.headers['x-roster-ignored-elements']).toBe('id, created-at, fullname, api-user');
        const user = await showUser(t, 2);
        expect(user).toMatchObject({ id: 2, fullname: 'Ada Lovelace', 'api-user': false });
        expect(user['created-at']).not.toBe('2001-01-01T00:00:00Z');
        expect((await t.request({ method: 'GET', url: '/api/users/999' })).statusCode).toBe(404);
      });

      it('ignores read-only elements on update and names them too', async () => {
        const before = await showUser(t, 1);
        const res = await t.request({
          method: 'PUT',
          url: '/api/users/1',
          headers: JSON_IO,
          payload: { id: 42, 'updated-at': '2001-01-01T00:00:00Z', 'active?': false, 'avatar-thumb-url': 'http://evil/x.png' },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['x-roster-ignored-elements']).toBe('id, updated-at, active?, avatar-thumb-url');
        expect(parseJson(res)).toMatchObject({ id: 1, active: true, 'avatar-thumb-url': null, login: before['login'] });
      });

      it('ignores unknown elements and names them', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser(), colour: 'blue', 'shoe-size': 9 },
        });
        expect(res.statusCode).toBe(201);
        expect(res.headers['x-roster-ignored-elements']).toBe('colour, shoe-size');
      });

      it('sends no x-roster-ignored-elements header when nothing was ignored', async () => {
        const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser() });
        expect(res.statusCode).toBe(201);
        expect(res.headers).not.toHaveProperty('x-roster-ignored-elements');
      });
    });

    describe('salesforce-id', () => {
      it('is optional and can be set and cleared', async () => {
        const user = await createUser(t, validUser());
        expect(user['salesforce-id']).toBeNull();
        let res = await t.request({
          method: 'PUT',
          url: `/api/users/${user.id}`,
          headers: XML,
          payload: '<user><salesforce-id>00530000003xqAb</salesforce-id></user>',
        });
        expect(res.body).toContain('<salesforce-id>00530000003xqAb</salesforce-id>');
        res = await t.request({
          method: 'PUT',
          url: `/api/users/${user.id}`,
          headers: XML,
          payload: '<user><salesforce-id nil="true" /></user>',
        });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('<salesforce-id nil="true" />');
      });
    });
  });
}
