import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbSnapshot, expectError, parseJson, parseJsonList, type JsonRecord } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { describeResponse, expectGolden } from './helpers/golden.js';
import { JSON_IO, makeTestApp, XML, type TestApp } from './helpers/test-app.js';

/**
 * Issue 18, kind 2: suppliers as Coupa's Suppliers API serves them (create and update, its
 * elements, contacts, supplier addresses, remit-to addresses, payment and shipping terms),
 * driven with the bodies real clients send: IBM's Coupa client (IBM/tool_guard, b5eafff:
 * create_supplier, update_supplier, create/update_supplier_contact, create/update_supplier_address,
 * create_supplier_remit_to_address) and Coupa's own Suppliers API Example Calls (XML).
 */

/** IBM's create_supplier body, as its test asserts it (create_supplier_test.py). */
const IBM_CREATE = {
  name: 'test-supplier',
  'po-email': 'testemail@email.com',
  'invoice-matching-level': '2-way',
  'po-method': 'email',
  'po-change-method': 'email',
};

/** Coupa's "Supplier Create - Active and Detail" example, verbatim (Suppliers API Example Calls). */
const COUPA_CREATE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<supplier>
<name>CDW</name>
<number>cdw2323</number>
<status>active</status>
<po-method>prompt</po-method>
<po-email />
<account-number>2323</account-number>
<duns />
<tax-id>283923</tax-id>
<invoice-matching-level>3-way</invoice-matching-level>
<payment-term>
<code>Net 30</code>
</payment-term>
<primary-contact>
<email>joe.smith@cdw.com</email>
<name-family>Smith</name-family>
<name-given>Joe</name-given>
<name-prefix nil="true" />
<name-suffix nil="true" />
<notes nil="true" />
<phone-work>
<area-code>650</area-code>
<country-code>1</country-code>
<extension nil="true" />
<number>4442932</number>
</phone-work>
<phone-mobile>
<area-code nil="true" />
<country-code>1</country-code>
<extension nil="true" />
<number />
</phone-mobile>
<phone-fax>
<area-code nil="true" />
<country-code>1</country-code>
<extension nil="true" />
<number />
</phone-fax>
</primary-contact>
<primary_address>
<street1>1234 Concur Drive</street1>
<street2 />
<city>San Mateo</city>
<state>CA</state>
<postal_code>93325</postal_code>
<country>
<code>US</code>
</country>
</primary_address>
</supplier>`;

const S = { resource: 'supplier' };

for (const dialect of DIALECTS) {
  describe(`suppliers on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(() => t.close());

    const post = (payload: unknown, query = '') =>
      t.request({ method: 'POST', url: `/api/suppliers${query}`, headers: JSON_IO, payload: payload as Record<string, unknown> });
    const put = (id: number, payload: unknown, query = '') =>
      t.request({
        method: 'PUT',
        url: `/api/suppliers/${id}${query}`,
        headers: JSON_IO,
        payload: payload as Record<string, unknown>,
      });
    const show = async (id: number, query = ''): Promise<JsonRecord> =>
      parseJson(await t.request({ method: 'GET', url: `/api/suppliers/${id}${query}`, headers: JSON_IO }));

    it('creates IBM\'s supplier with fields=["id"], as its client reads response["id"]', async () => {
      const res = await post(IBM_CREATE, `?fields=${encodeURIComponent('["id"]')}`);
      expect(res.statusCode, res.body).toBe(201);
      const { id } = parseJson(res);
      expect(parseJson(res)).toEqual({ id });
      const s = await show(id);
      expect(s).toMatchObject({ ...IBM_CREATE, status: 'draft', 'payment-method': 'invoice', contacts: [] });
      // Two more of the kind: every transmission method, and the other matching levels.
      for (const [i, method] of ['cxml', 'xml', 'prompt', 'mark_as_sent', 'buy_online'].entries()) {
        const level = ['3-way', '3-way-direct', 'none', '2-way', 'none'][i];
        const more = await post({ ...IBM_CREATE, name: `s-${method}`, 'po-method': method, 'invoice-matching-level': level });
        expect(more.statusCode, more.body).toBe(201);
      }
      expectError(
        await post({ ...IBM_CREATE, name: 'x', 'po-method': 'fax' }),
        'validation_failed',
        ['Po method is not included in the list'],
        S,
      );
    });

    it("updates with IBM's update_supplier body and echoes the fields it asks for", async () => {
      const { id } = parseJson(await post({ name: 'old-name' }));
      const fields = '["id","name","po-email","invoice-matching-level","po-method","po-change-method"]';
      const res = await put(id, { ...IBM_CREATE, status: 'active' }, `?fields=${encodeURIComponent(fields)}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(parseJson(res)).toEqual({ id, ...IBM_CREATE });
      expect((await show(id))['status']).toBe('active');
      // Coupa's example retires a supplier by status, in XML.
      const xml = await t.request({
        method: 'PUT',
        url: `/api/suppliers/${id}`,
        headers: XML,
        payload: '<supplier><status>inactive</status></supplier>',
      });
      expect(xml.statusCode, xml.body).toBe(200);
      expect(xml.body).toContain('<status>inactive</status>');
    });

    it("creates Coupa's example supplier with its primary contact, primary address and payment term (XML)", async () => {
      const res = await t.request({ method: 'POST', url: '/api/suppliers', headers: XML, payload: COUPA_CREATE_XML });
      expect(res.statusCode, res.body).toBe(201);
      const id = Number(/<id type="integer">(\d+)<\/id>/.exec(res.body)?.[1]);
      const s = await show(id);
      expect(s).toMatchObject({ name: 'CDW', number: 'cdw2323', status: 'active', 'tax-id': '283923' });
      expect(s['payment-term']).toMatchObject({ code: 'Net 30', 'days-for-net-payment': 30 });
      expect(s['primary-contact']).toMatchObject({
        email: 'joe.smith@cdw.com',
        'name-given': 'Joe',
        'name-family': 'Smith',
        'name-fullname': 'Joe Smith',
        'phone-work': { 'country-code': '1', 'area-code': '650', number: '4442932', extension: null },
      });
      expect(s['primary-address']).toMatchObject({ street1: '1234 Concur Drive', city: 'San Mateo', 'postal-code': '93325' });
      // Coupa's query examples find it.
      for (const query of [
        '?payment-term[code]=Net+30',
        '?po-method=prompt&status=active',
        '?primary-contact[email][contains]=cdw.com&primary-address[city]=San+Mateo',
      ]) {
        const found = parseJsonList(await t.request({ method: 'GET', url: `/api/suppliers${query}`, headers: JSON_IO }));
        expect([query, found.map((r) => r['name'])]).toEqual([query, ['CDW']]);
      }
      // The payment term by id (Coupa's update example), and by the id-for-API element.
      const net60 = parseJsonList(await t.request({ method: 'GET', url: '/api/payment_terms?code=Net+60', headers: JSON_IO }))[0];
      const byId = await t.request({
        method: 'PUT',
        url: `/api/suppliers/${id}`,
        headers: XML,
        payload: `<supplier><shipping-term><id>1</id></shipping-term><payment-term><id>${net60?.id}</id></payment-term></supplier>`,
      });
      expect(byId.statusCode, byId.body).toBe(200);
      expect((await show(id))['payment-term']).toMatchObject({ code: 'Net 60' });
      expect((await show(id))['shipping-term']).toMatchObject({ id: 1 });
      expect((await put(id, { 'payment-term-id-for-api': 1 })).statusCode).toBe(200);
      // A nested contact or address it would create is checked as a write is; nothing is written.
      const before = await dbSnapshot(t.store);
      expectError(
        await put(id, { 'primary-contact': { email: 'not-an-email' } }),
        'validation_failed',
        ['Primary contact email is invalid'],
        S,
      );
      const long = { street1: 'x'.repeat(256), city: 'A', 'postal-code': '1', country: { code: 'US' } };
      expectError(
        await put(id, { 'primary-address': long }),
        'validation_failed',
        ['Primary address street1 is too long (maximum is 255 characters)'],
        S,
      );
      expect(await dbSnapshot(t.store)).toEqual(before);
      expect((await show(id))['payment-term']).toMatchObject({ id: 1, code: 'Net 30' });
    });

    it("adds and changes contacts and supplier addresses as IBM's client does, nested in PUT", async () => {
      const { id } = parseJson(await post(IBM_CREATE));
      const contact = {
        email: 'ada@supplier.example',
        'name-given': 'Ada',
        'name-family': 'Lovelace',
        'phone-work': { 'country-code': '44', 'area-code': '20', number: '79460958' },
        purposes: [{ name: 'sales_contact' }],
      };
      const added = await put(id, { contacts: [contact] }, `?fields=${encodeURIComponent('["id"]')}`);
      expect(added.statusCode, added.body).toBe(200);
      const second = await put(id, { contacts: [{ ...contact, email: 'bob@supplier.example', 'name-given': 'Bob' }] });
      expect(second.statusCode, second.body).toBe(200);
      let s = await show(id);
      const contacts = s['contacts'] as JsonRecord[];
      // Nested attributes: each PUT adds its contact, it does not replace the list.
      expect(contacts.map((c) => c['email'])).toEqual(['ada@supplier.example', 'bob@supplier.example']);
      const [ada] = contacts;
      const changed = await put(id, { contacts: [{ id: ada?.id, 'name-family': 'King' }] });
      expect(changed.statusCode, changed.body).toBe(200);
      s = await show(id, `?fields=${encodeURIComponent('[{"contacts":["id","email","name_given","name_family"]}]')}`);
      expect(s['contacts']).toEqual([
        { id: ada?.id, email: 'ada@supplier.example', 'name-given': 'Ada', 'name-family': 'King' },
        expect.objectContaining({ email: 'bob@supplier.example' }),
      ]);

      const address = {
        name: 'HQ',
        street1: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        'postal-code': '62701',
        country: { code: 'US' },
      };
      const withAddress = await put(id, { 'supplier-addresses': [{ ...address, purposes: [{ name: 'hq' }] }] });
      expect(withAddress.statusCode, withAddress.body).toBe(200);
      const [hq] = (await show(id))['supplier-addresses'] as JsonRecord[];
      expect(hq).toMatchObject({ ...address, country: { code: 'US' }, type: 'SupplierAddress' });
      expect((await put(id, { 'supplier-addresses': [{ id: hq?.id, city: 'Chicago' }] })).statusCode).toBe(200);
      expect(((await show(id))['supplier-addresses'] as JsonRecord[]).map((a) => a['city'])).toEqual(['Chicago']);
      // A contact without its e-mail is refused, and nothing is written.
      const before = await dbSnapshot(t.store);
      const bad = await put(id, { name: 'renamed', contacts: [{ 'name-given': 'Nobody' }] });
      expectError(bad, 'validation_failed', ["Contacts email can't be blank"], S);
      expect(await dbSnapshot(t.store)).toEqual(before);
    });

    it('serves remit-to addresses under the supplier, as IBM and Coupa create them', async () => {
      const { id } = parseJson(await post(IBM_CREATE));
      const base = `/api/suppliers/${id}/addresses`;
      const ibm = {
        'remit-to-code': 'RT-1',
        name: 'Remit HQ',
        street1: '1 Pay St',
        city: 'Austin',
        state: 'TX',
        'postal-code': '73301',
        active: true,
        country: { code: 'US' },
      };
      const created = await t.request({ method: 'POST', url: base, headers: JSON_IO, payload: ibm });
      expect(created.statusCode, created.body).toBe(201);
      const remit = parseJson(created);
      // Coupa's Mule connector test names the country by id.
      const us = (remit['country'] as JsonRecord).id;
      const mule = {
        name: 'new Test Address',
        country: { id: us },
        city: 'SK',
        'remit-to-code': 'RT-2',
        'postal-code': '1000',
        street1: 'vasko karangeleski',
      };
      expect((await t.request({ method: 'POST', url: base, headers: JSON_IO, payload: mule })).statusCode).toBe(201);
      const updated = await t.request({
        method: 'PUT',
        url: `${base}/${remit.id}`,
        headers: JSON_IO,
        payload: { city: 'Dallas' },
      });
      expect(parseJson(updated)['city']).toBe('Dallas');
      const listed = parseJsonList(await t.request({ method: 'GET', url: base, headers: JSON_IO }));
      expect(listed.map((r) => r['remit-to-code'])).toEqual(['RT-1', 'RT-2']);
      expect(((await show(id))['remit-to-addresses'] as JsonRecord[]).map((r) => r['city'])).toEqual(['Dallas', 'SK']);
      // Not another supplier's.
      const other = parseJson(await post({ ...IBM_CREATE, name: 'other' }));
      const wrong = await t.request({ method: 'GET', url: `/api/suppliers/${other.id}/addresses/${remit.id}`, headers: JSON_IO });
      expect(wrong.statusCode).toBe(404);
      expect(
        (await t.request({ method: 'DELETE', url: `${base}/${remit.id}`, headers: { accept: 'application/json' } })).statusCode,
      ).toBe(200);
      expect(
        parseJsonList(await t.request({ method: 'GET', url: base, headers: JSON_IO })).map((r) => r['remit-to-code']),
      ).toEqual(['RT-2']);
      const missing = await t.request({ method: 'POST', url: base, headers: JSON_IO, payload: { name: 'no code' } });
      expect(missing.headers['x-roster-error-code']).toBe('validation_failed');
    });

    it('pins a remit-to address show and index (golden files)', async () => {
      const { id } = parseJson(await post(IBM_CREATE));
      const base = `/api/suppliers/${id}/addresses`;
      const payload = {
        'remit-to-code': 'RT-1',
        street1: '1 Pay St',
        city: 'Austin',
        'postal-code': '73301',
        country: { code: 'US' },
      };
      const rid = parseJson(await t.request({ method: 'POST', url: base, headers: JSON_IO, payload })).id;
      for (const [ext, headers] of [
        ['xml', {}],
        ['json', { accept: 'application/json' }],
      ] as const) {
        expectGolden(
          `show-remit-to-address.${ext}.txt`,
          describeResponse(await t.request({ method: 'GET', url: `${base}/${rid}`, headers })),
        );
        expectGolden(
          `index-remit-to-addresses.${ext}.txt`,
          describeResponse(await t.request({ method: 'GET', url: base, headers })),
        );
      }
    });
  });
}
