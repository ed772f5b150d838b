import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCEPT_JSON,
  createUser,
  expectError,
  isWellFormedXml,
  JSON_TYPE,
  parseJson,
  refId,
  showUser,
  XML_DECLARATION,
  XML_TYPE,
  type JsonRef,
} from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

for (const dialect of DIALECTS) {
  describe(`Users API formats on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    describe('content negotiation', () => {
      it('answers in XML when the client states no preference', async () => {
        const { id } = await createUser(t, validUser());
        const res = await t.request({ method: 'GET', url: `/api/users/${id}` });
        expect(res.headers['content-type']).toBe(XML_TYPE);
        expect(res.body.startsWith(`${XML_DECLARATION}\n<user>\n`)).toBe(true);
        expect(isWellFormedXml(res.body)).toBe(true);
      });

      it('answers in XML for Accept: */*', async () => {
        const { id } = await createUser(t, validUser());
        const res = await t.request({ method: 'GET', url: `/api/users/${id}`, headers: { accept: '*/*' } });
        expect(res.headers['content-type']).toBe(XML_TYPE);
      });

      it('honours q-values and the Accept headers real stacks send', async () => {
        const { id } = await createUser(t, validUser());
        const cases: ReadonlyArray<[string, 'xml' | 'json']> = [
          ['application/xml;q=1, application/json;q=0.1', 'xml'],
          ['application/json;q=0.9, application/xml;q=0.8', 'json'],
          ['application/xml;q=0.5, application/json', 'json'],
          ['application/json, text/plain, */*', 'json'], // axios
          ['application/json; charset=utf-8', 'json'], // Go and Java clients
          ['*/*;q=0.8, application/json', 'json'],
          ['text/xml', 'xml'],
          ['application/xml, application/json', 'xml'],
          ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'xml'], // a browser
          ['APPLICATION/JSON', 'json'],
        ];
        const got = [];
        for (const [accept] of cases) {
          const res = await t.request({ method: 'GET', url: `/api/users/${id}`, headers: { accept } });
          got.push([accept, res.headers['content-type'] === JSON_TYPE ? 'json' : 'xml']);
        }
        expect(got).toEqual(cases);
      });

      it('answers in JSON for Accept: application/json', async () => {
        const { id } = await createUser(t, validUser());
        const res = await t.request({ method: 'GET', url: `/api/users/${id}`, headers: ACCEPT_JSON });
        expect(res.headers['content-type']).toBe(JSON_TYPE);
        expect(parseJson(res)).toMatchObject({ id, login: 'user_1' });
      });

      it('answers in XML for Accept: application/xml even when the body is JSON', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: { 'content-type': 'application/json', accept: 'application/xml' },
          payload: validUser(),
        });
        expect(res.statusCode).toBe(201);
        expect(res.headers['content-type']).toBe(XML_TYPE);
        expect(res.body).toContain('<login>user_1</login>');
      });

      it('answers in JSON for Accept: application/json even when the body is XML', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: { ...XML, accept: 'application/json' },
          payload: userXml(validUser()),
        });
        expect(res.statusCode).toBe(201);
        expect(parseJson(res)).toMatchObject({ login: 'user_1' });
      });

      it('accepts text/xml and a charset parameter as XML', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          payload: userXml(validUser()),
        });
        expect(res.statusCode).toBe(201);
        expect(res.body).toContain('<login>user_1</login>');
      });

      it('accepts application/json; charset=utf-8', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
          payload: JSON.stringify(validUser()),
        });
        expect(res.statusCode).toBe(201);
        expect(parseJson(res)).toMatchObject({ login: 'user_1' });
      });
    });

    describe('XML request bodies', () => {
      it('reads a <user> document with nested roles, nil="true" and Rails type attributes', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: `<?xml version="1.0" encoding="UTF-8"?>
<user>
  <login>ada</login>
  <email>ada@example.com</email>
  <firstname>Ada</firstname>
  <lastname>Lovelace</lastname>
  <active type="boolean">false</active>
  <purchasing-user type="boolean">true</purchasing-user>
  <business-group-security-type type="integer">1</business-group-security-type>
  <authentication-method type="symbol">saml</authentication-method>
  <employee-number nil="true" />
  <salesforce-id nil="true"></salesforce-id>
  <department nil="true" />
  <roles type="array">
    <role><name>Buyer</name></role>
    <role><name>Accounts Payable</name></role>
  </roles>
</user>`,
        });
        expect(res.statusCode, res.body).toBe(201);
        const user = await showUser(t, 1);
        expect(user).toMatchObject({
          login: 'ada',
          active: false,
          'purchasing-user': true,
          'business-group-security-type': 1,
          'authentication-method': 'saml',
          'employee-number': null,
          'salesforce-id': null,
          department: null,
        });
        expect((user['roles'] as JsonRef[]).map((r) => r['name'])).toEqual(['Buyer', 'Accounts Payable']);
      });

      it('reads a single <role> inside <roles> sent without type="array"', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({ ...validUser(), roles: '<role><name>Buyer</name></role>' }),
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(((await showUser(t, 1))['roles'] as JsonRef[]).map((r) => r['name'])).toEqual(['Buyer']);
      });

      it('unescapes the predefined entities and CDATA in values', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({ ...validUser(), lastname: 'O&apos;Brien &amp; Sons', firstname: '<![CDATA[<Ada>]]>' }),
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(await showUser(t, 1)).toMatchObject({ lastname: "O'Brien & Sons", firstname: '<Ada>' });
        expect(res.body).toContain("<lastname>O'Brien &amp; Sons</lastname>");
        expect(res.body).toContain('<firstname>&lt;Ada&gt;</firstname>');
      });

      it('sets an element to null with nil="true" on update', async () => {
        const { id } = await createUser(t, { ...validUser(), 'employee-number': 'E-1', 'sso-identifier': 'sso-1' });
        const res = await t.request({
          method: 'PUT',
          url: `/api/users/${id}`,
          headers: XML,
          payload: '<user><employee-number nil="true"/><sso-identifier nil="true" /></user>',
        });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('<employee-number nil="true" />');
        expect(await showUser(t, id)).toMatchObject({ 'employee-number': null, 'sso-identifier': null });
      });
    });

    describe('JSON request bodies', () => {
      it('reads a root-less object', async () => {
        const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: validUser(1) });
        expect(res.statusCode).toBe(201);
        expect(parseJson(res)).toMatchObject({ login: 'user_1' });
      });

      it('reads an object wrapped in {"user": …}', async () => {
        const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: { user: validUser(2) } });
        expect(res.statusCode).toBe(201);
        expect(parseJson(res)).toMatchObject({ login: 'user_2' });
      });

      it('accepts underscored element names and JSON booleans and numbers', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser(), employee_number: 'E-7', purchasing_user: true, business_group_security_type: 1 },
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(parseJson(res)).toMatchObject({
          'employee-number': 'E-7',
          'purchasing-user': true,
          'business-group-security-type': 1,
        });
      });

      it('sets an element to null with JSON null', async () => {
        const { id } = await createUser(t, { ...validUser(), 'employee-number': 'E-1' });
        const res = await t.request({
          method: 'PATCH',
          url: `/api/users/${id}`,
          headers: JSON_IO,
          payload: { 'employee-number': null },
        });
        expect(parseJson(res)).toMatchObject({ 'employee-number': null });
      });
    });

    describe('XML output', () => {
      let xml: string;
      beforeEach(async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: {
            ...validUser(),
            'requisition-approval-limit': { amount: '1500', currency: { code: 'USD' } },
            roles: [{ name: 'Buyer' }],
          },
        });
        expect(res.statusCode, res.body).toBe(201);
        xml = (await t.request({ method: 'GET', url: '/api/users/1' })).body;
      });

      it('is well-formed', () => {
        expect(isWellFormedXml(xml)).toBe(true);
      });

      it('types integers, booleans, dateTimes, decimals and symbols the Rails way', () => {
        expect(xml).toContain('\n  <id type="integer">1</id>\n');
        expect(xml).toContain('\n  <active type="boolean">true</active>\n');
        expect(xml).toContain('\n  <api-user type="boolean">false</api-user>\n');
        expect(xml).toContain('\n  <account-security-type type="integer">0</account-security-type>\n');
        expect(xml).toContain('\n  <authentication-method type="symbol">coupa_credentials</authentication-method>\n');
        expect(xml).toMatch(/\n {2}<created-at type="dateTime">\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/created-at>\n/);
        expect(xml).toMatch(/\n {2}<updated-at type="dateTime">\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/updated-at>\n/);
        expect(xml).toMatch(
          /<requisition-approval-limit>\s*<id type="integer">\d+<\/id>\s*<name>1500\.0 USD<\/name>\s*<amount type="decimal">1500\.0<\/amount>/,
        );
      });

      it('leaves strings untyped and marks null values with nil="true"', () => {
        expect(xml).toContain('\n  <login>user_1</login>\n');
        expect(xml).toContain('\n  <employee-number nil="true" />\n');
        expect(xml).toContain('\n  <salesforce-id nil="true" />\n');
        expect(xml).toContain('\n  <default-account nil="true" />\n');
        expect(xml).toContain('\n  <manager nil="true" />\n');
      });

      it('renders an empty collection as type="array" and a filled one with singular items', () => {
        expect(xml).toContain('\n  <content-groups type="array" />\n');
        expect(xml).toMatch(
          /\n {2}<roles type="array">\n {4}<role>\n {6}<id type="integer">\d+<\/id>\n {6}<name>Buyer<\/name>\n/,
        );
      });

      it('has no element whose name ends in ? (not legal XML names)', () => {
        expect(xml).not.toMatch(/<[a-z-]+\?/);
        expect(xml).not.toContain('active?');
        expect(xml).not.toContain('api-user?');
      });

      it('does not render write-only elements', () => {
        expect(xml).not.toContain('<password');
        expect(xml).not.toContain('<salesforce-enabled');
        expect(xml).not.toContain('<approval-limit>');
      });
    });

    describe('JSON output', () => {
      it('keeps null values and empty arrays, and carries the ? elements', async () => {
        const user = await createUser(t, { ...validUser(), 'default-currency': null, roles: [] });
        expect(user).toMatchObject({
          'employee-number': null,
          'salesforce-id': null,
          'phone-work': null,
          'default-currency': null,
          manager: null,
          roles: [],
          'active?': true,
          'api-user?': false,
          'purchasing-user?': false,
          'expense-user?': false,
          'sourcing-user?': false,
          'inventory-user?': false,
        });
        expect(Object.keys(user)).toContain('employee-number');
        expect(user).not.toHaveProperty('password');
      });

      it('mirrors active into active? after an update', async () => {
        const { id } = await createUser(t, validUser());
        const res = await t.request({ method: 'PUT', url: `/api/users/${id}`, headers: JSON_IO, payload: { active: false } });
        expect(parseJson(res)).toMatchObject({ active: false, 'active?': false });
      });

      it('has no root node, dashed keys, integer ids, second-precision timestamps and decimals as strings', async () => {
        const usd = await refId(t.store, 'currencies', 'USD');
        const user = await createUser(t, {
          ...validUser(),
          'requisition-approval-limit': { amount: 250.5, currency: { code: 'USD' } },
        });
        expect(Object.keys(user)[0]).toBe('id');
        expect(user).not.toHaveProperty('user');
        expect(user['created-at']).toMatch(TIMESTAMP);
        expect(user['requisition-approval-limit']).toMatchObject({
          amount: '250.5',
          currency: { id: usd, code: 'USD' },
        });
      });

      it('answers an index with no results with 200 and []', async () => {
        const res = await t.request({ method: 'GET', url: '/api/users', headers: ACCEPT_JSON });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe(JSON_TYPE);
        expect(res.body).toBe('[]');
      });
    });

    it('answers an XML index with no results with 404 and Coupa’s exact document', async () => {
      const res = await t.request({ method: 'GET', url: '/api/users' });
      expectError(res, 'no_results', ['No results match your search criteria.']);
      expect(res.body).toBe(`${XML_DECLARATION}\n<errors>\n  <error>No results match your search criteria.</error>\n</errors>\n`);
    });

    it('renders the same content in XML and JSON', async () => {
      const { id } = await createUser(t, { ...validUser(), 'employee-number': 'E 1 & <2>', 'default-locale': 'fr' });
      const json = await showUser(t, id);
      const xml = (await t.request({ method: 'GET', url: `/api/users/${id}` })).body;
      for (const [name, value] of Object.entries(json)) {
        if (name.endsWith('?') || (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean'))
          continue;
        const text = String(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
        expect(xml, name).toMatch(
          new RegExp(`\\n  <${name}(?: type="[a-zA-Z]+")?>${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</${name}>\\n`),
        );
      }
    });
  });
}
