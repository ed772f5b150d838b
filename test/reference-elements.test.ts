import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectError, parseJson, parseJsonList, type JsonRecord } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, XML, type TestApp } from './helpers/test-app.js';

/**
 * Issue 18, kind 2: the reference elements replayed clients asked for and Roster lacked, driven
 * as they send them. IBM's tool_guard reads accounts with
 * `fields=["id","name","code","active","account-type-id"]`; Coupa's Accounts example creates an
 * account from its segments alone and answers `<code>SF-Marketing-Expense</code>`. Each is then
 * tried on the other elements of the same kind (a referenced row's id or name under its own
 * name; new references, collections and flags from the Swagger definitions).
 */

/** Coupa's Accounts example: an account given by its segments, without a code. */
const SEGMENTS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<account>
  <name>Marketing Expense</name>
  <active>true</active>
  <segment-1>SF</segment-1>
  <segment-2>Marketing</segment-2>
  <segment-3>Expense</segment-3>
  <account-type>
    <name>US Chart of Accounts</name>
  </account-type>
</account>`;

for (const dialect of DIALECTS) {
  describe(`reference elements from Coupa's definitions, on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(() => t.close());

    const list = async (url: string): Promise<JsonRecord[]> => {
      const res = await t.request({ method: 'GET', url, headers: JSON_IO });
      expect(res.statusCode, res.body).toBe(200);
      return parseJsonList(res);
    };
    const send = (method: 'POST' | 'PUT', url: string, payload: Record<string, unknown>) =>
      t.request({ method, url, headers: JSON_IO, payload });

    it('selects, queries and writes an account by account-type-id (IBM tool_guard)', async () => {
      const fields = encodeURIComponent('["id","name","code","active","account-type-id"]');
      const rows = await list(`/api/accounts?active=true&fields=${fields}`);
      const [us] = await list('/api/account_types?name=US+Chart+of+Accounts');
      expect(rows.map((r) => Object.keys(r))).toContainEqual(['id', 'code', 'name', 'active', 'account-type-id']);
      expect(rows.find((r) => r['code'] === '100-1000-Operations')?.['account-type-id']).toBe(us?.id);
      // In XML, as Rails renders a foreign key.
      const xml = await t.request({ method: 'GET', url: `/api/accounts?code=100-1000-Operations&fields=${fields}` });
      expect(xml.body).toContain(`<account-type-id type="integer">${String(us?.id)}</account-type-id>`);
      // Queried and ordered like any integer element.
      const byType = await list(`/api/accounts?account-type-id=${String(us?.id)}&order_by=account-type-id`);
      expect(byType.map((r) => r['code'])).toEqual(['100-1000-Operations', '200-2000-Marketing']);
      // And written: the element names the account type by id.
      const [eu] = await list('/api/account_types?name=EU+Chart+of+Accounts');
      const created = await send('POST', '/api/accounts', { code: '500-5000-Legal', 'account-type-id': eu?.id });
      expect(created.statusCode, created.body).toBe(201);
      expect(parseJson(created)['account-type']).toMatchObject({ id: eu?.id, name: 'EU Chart of Accounts' });
      const missing = await send('POST', '/api/accounts', { code: '600-6000-X', 'account-type-id': 999999 });
      expect(missing.headers['x-roster-error-code']).toBe('unknown_reference');
    });

    it("joins an account's segments with - when it has no code (Coupa's Accounts example)", async () => {
      const res = await t.request({ method: 'POST', url: '/api/accounts', headers: XML, payload: SEGMENTS_XML });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.body).toContain('<code>SF-Marketing-Expense</code>');
      // Blank segments are skipped, and a code given is kept.
      const gaps = await send('POST', '/api/accounts', {
        'segment-1': 'NY',
        'segment-2': '',
        'segment-4': 'Travel',
        'account-type': { name: 'US Chart of Accounts' },
      });
      expect(parseJson(gaps)['code']).toBe('NY-Travel');
      const given = await send('POST', '/api/accounts', {
        code: 'Own',
        'segment-1': 'SF',
        'account-type': { name: 'US Chart of Accounts' },
      });
      expect(parseJson(given)['code']).toBe('Own');
      // Neither code nor segments: still Coupa's "Code can't be blank"; the same segments again: taken.
      expectError(
        await send('POST', '/api/accounts', { 'account-type': { name: 'US Chart of Accounts' } }),
        'validation_failed',
        ["Code can't be blank"],
        {
          resource: 'account',
        },
      );
      const again = await t.request({ method: 'POST', url: '/api/accounts', headers: XML, payload: SEGMENTS_XML });
      expect(again.body).toContain('Code has already been taken');
    });

    it("renders a warehouse location's warehouse-id and warehouse-name, and queries through them", async () => {
      const [w] = await list(
        `/api/warehouses?name=Central+Warehouse&fields=${encodeURIComponent('["id",{"warehouse_locations":["aisle","warehouse-id","warehouse-name"]}]')}`,
      );
      const locations = w?.['warehouse-locations'] as JsonRecord[];
      expect(locations[0]).toEqual({ aisle: 'A1', 'warehouse-id': w?.id, 'warehouse-name': 'Central Warehouse' });
      const names = (await list('/api/warehouses?warehouse-locations[warehouse-name][starts_with]=West')).map((r) => r['name']);
      expect(names).toEqual(['West Coast Warehouse']);
    });

    it("renders, queries and writes a lookup value's parent-id and lookup-id (Coupa's example response)", async () => {
      const [travel] = await list('/api/lookup_values?external-ref-num=6100');
      expect(travel).toMatchObject({ 'parent-id': null, 'lookup-id': (travel?.['lookup'] as JsonRecord).id });
      const child = await send('POST', '/api/lookup_values', {
        name: 'Airfare',
        'external-ref-num': '6110',
        'lookup-id': travel?.['lookup-id'],
        'parent-id': travel?.id,
      });
      expect(child.statusCode, child.body).toBe(201);
      expect(parseJson(child)).toMatchObject({ 'parent-id': travel?.id, parent: { 'external-ref-num': '6100' } });
      expect((await list(`/api/lookup_values?parent-id=${String(travel?.id)}`)).map((r) => r['name'])).toEqual(['Airfare']);
      expect((await list('/api/lookup_values?parent-id[blank]=true')).map((r) => r['name'])).toEqual(['Operations', 'Travel']);
    });

    it('writes the new references, collections and flags of account types, legal entities, user groups and addresses', async () => {
      const type = await send('POST', '/api/account_types', {
        name: 'CA Chart of Accounts',
        currency: { code: 'USD' },
        'primary-address': { 'location-code': 'HQ' },
        'primary-contact': { email: 'controller@acme.example', 'name-given': 'Cora', 'phone-work': '+1 416 555 0100' },
        'dynamic-flag': true,
      });
      expect(type.statusCode, type.body).toBe(201);
      expect(parseJson(type)).toMatchObject({
        'dynamic-flag': false, // read-only: Coupa's to set
        'legal-entity-name': null,
        'primary-address': { 'location-code': 'HQ' },
        'primary-contact': {
          email: 'controller@acme.example',
          'name-fullname': 'Cora',
          'phone-work': { 'country-code': '1', number: '555-0100' },
        },
      });
      // The same contact e-mail names the same contact.
      const again = await send('POST', '/api/account_types', {
        name: 'MX Chart of Accounts',
        currency: { code: 'USD' },
        'primary-contact': { email: 'controller@acme.example' },
      });
      expect((parseJson(again)['primary-contact'] as JsonRecord).id).toBe((parseJson(type)['primary-contact'] as JsonRecord).id);

      const [acme] = await list('/api/legal_entities?name=Acme+Inc.');
      const child = await send('POST', '/api/legal_entities', {
        name: 'Acme Canada',
        abbreviation: 'ACME-CA',
        parent: { name: 'Acme Inc.' },
        'accounting-method': 'ifrs',
        'bill-to-addresses': [{ 'location-code': 'HQ' }],
        'external-identification-lei': '5493001KJTIIGC8Y1R12',
      });
      expect(child.statusCode, child.body).toBe(201);
      expect(parseJson(child)).toMatchObject({
        parent: { id: acme?.id },
        'accounting-method': 'ifrs',
        'use-fx-rates-reciprocal': false,
      });
      expect((await list(`/api/legal_entities?parent[name]=Acme+Inc.`)).map((r) => r['name'])).toEqual(['Acme Canada']);
      expectError(
        await send('POST', '/api/legal_entities', { name: 'X', abbreviation: 'X', 'accounting-method': 'gaap' }),
        'validation_failed',
        ['Accounting method is not included in the list'],
        { resource: 'legal-entity' },
      );

      const group = await send('POST', '/api/user_groups', { name: 'Owners', open: true, 'content-groups': [{ name: 'EMEA' }] });
      expect(parseJson(group)).toMatchObject({ open: true, 'content-groups': [{ name: 'EMEA' }], owner: null, type: null });

      const address = await send('POST', '/api/addresses', {
        street1: '1 Rue de Rivoli',
        city: 'Paris',
        'postal-code': '75001',
        country: { code: 'FR' },
        'local-tax-number': 'FR-1',
        'business-group-name': 'EMEA',
        'content-groups': [{ name: 'EMEA' }],
      });
      expect(address.statusCode, address.body).toBe(201);
      expect(parseJson(address)).toMatchObject({
        'business-group-name': 'EMEA',
        'content-groups': [{ name: 'EMEA' }],
        type: null,
      });
      expect((await list('/api/addresses?business-group-name=EMEA')).map((r) => r['city'])).toEqual(['Paris']);
      const unknown = await send('POST', '/api/addresses', {
        street1: '2 Rue',
        city: 'Lyon',
        'postal-code': '69001',
        country: { code: 'FR' },
        'local-tax-number': 'FR-2',
        'business-group-name': 'Nowhere',
      });
      expect(unknown.headers['x-roster-error-code']).toBe('unknown_reference');
    });
  });
}
