import { serialId } from '../src/catalog/ids.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resourceNamed } from '../src/catalog/registry.js';
import type { StoredRecord } from '../src/store/record-codec.js';
import { RecordRepository } from '../src/store/record-repository.js';
import { loadFixture } from '../src/store/reference-seed.js';
import { createUser, dbSnapshot, expectError, parseJson, refId, showUser, type JsonRef, type JsonUser } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, userXml, validUser, XML, type TestApp } from './helpers/test-app.js';

/** A belongs-to association: element, reference table, natural key field and a seeded value. */
interface RefCase {
  readonly element: string;
  readonly table: string;
  readonly key: string;
  readonly value: string;
  /** Singular tag used for XML items of a collection. */
  readonly tag: string;
}

const REFERENCES: readonly RefCase[] = [
  { element: 'department', table: 'departments', key: 'name', value: 'Finance', tag: 'department' },
  { element: 'default-currency', table: 'currencies', key: 'code', value: 'EUR', tag: 'currency' },
  { element: 'default-address', table: 'addresses', key: 'location-code', value: 'NYC', tag: 'address' },
  { element: 'default-account', table: 'accounts', key: 'code', value: '200-2000-Marketing', tag: 'account' },
  { element: 'default-account-type', table: 'account_types', key: 'name', value: 'EU Chart of Accounts', tag: 'account-type' },
  { element: 'legal-entity', table: 'legal_entities', key: 'name', value: 'Acme Europe B.V.', tag: 'legal-entity' },
  { element: 'country-of-residence', table: 'countries', key: 'code', value: 'NL', tag: 'country' },
  { element: 'pcard', table: 'pcards', key: 'name', value: 'Corporate Visa', tag: 'pcard' },
  {
    element: 'requisition-approval-limit',
    table: 'approval_limits',
    key: 'name',
    value: 'Up to 10,000 USD',
    tag: 'approval-limit',
  },
];

const COLLECTIONS: readonly RefCase[] = [
  { element: 'roles', table: 'roles', key: 'name', value: 'Buyer', tag: 'role' },
  { element: 'content-groups', table: 'business_groups', key: 'name', value: 'EMEA', tag: 'business-group' },
  { element: 'account-groups', table: 'account_groups', key: 'name', value: 'US Accounts', tag: 'account-group' },
  { element: 'approval-groups', table: 'user_groups', key: 'name', value: 'IT Approvers', tag: 'user-group' },
  { element: 'user-groups', table: 'user_groups', key: 'name', value: 'Procurement', tag: 'user-group' },
  {
    element: 'inventory-organizations',
    table: 'inventory_organizations',
    key: 'name',
    value: 'Main Inventory',
    tag: 'inventory-organization',
  },
  { element: 'working-warehouses', table: 'warehouses', key: 'name', value: 'West Coast Warehouse', tag: 'warehouse' },
];

const APPROVAL_LIMITS = [
  'requisition-approval-limit',
  'requisition-self-approval-limit',
  'expense-approval-limit',
  'expense-self-approval-limit',
  'invoice-approval-limit',
  'invoice-self-approval-limit',
];

const humanize = (name: string): string => {
  const words = name.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const names = (list: unknown, field = 'name'): unknown[] => (list as JsonRef[]).map((r) => r[field]);

/** Every row of a reference table, in id order. */
async function allRows(t: TestApp, table: string): Promise<StoredRecord[]> {
  const ids = await t.store.db.selectFrom(table).select('id').orderBy('id').execute();
  const rows = await new RecordRepository(t.store, resourceNamed(table)).findPlain(ids.map((r) => Number(r['id'])));
  return rows.sort((a, b) => serialId(a.id) - serialId(b.id));
}

/** Pcards have no default rows and inventory organizations only one; load a few as a fixture. */
async function loadExtraReferenceData(t: TestApp): Promise<void> {
  await loadFixture(t.store, {
    pcards: [{ name: 'Corporate Visa', nickname: 'Visa 4242', expiry: '12/2030', active: true }],
    inventory_organizations: [{ name: 'Spare Parts', 'fulfillment-type': 'automatic' }],
  });
}

for (const dialect of DIALECTS) {
  describe(`Users API associations on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      await loadExtraReferenceData(t);
    });
    afterEach(async () => {
      await t.close();
    });

    describe('belongs-to references', () => {
      for (const ref of REFERENCES) {
        describe(ref.element, () => {
          it(`is set by ${ref.key} (JSON) and rendered nested with its id and ${ref.key}`, async () => {
            const id = await refId(t.store, ref.table, ref.value);
            const user = await createUser(t, { ...validUser(), [ref.element]: { [ref.key]: ref.value } });
            expect(user[ref.element]).toMatchObject({ id, [ref.key]: ref.value });
            expect((await showUser(t, user.id))[ref.element]).toEqual(user[ref.element]);
          });

          it('is set by id (XML) and rendered nested in XML', async () => {
            const id = await refId(t.store, ref.table, ref.value);
            const res = await t.request({
              method: 'POST',
              url: '/api/users',
              headers: XML,
              payload: userXml({ ...validUser(), [ref.element]: `<id type="integer">${id}</id>` }),
            });
            expect(res.statusCode, res.body).toBe(201);
            const escaped = ref.value.replaceAll('&', '&amp;');
            expect(res.body).toMatch(
              new RegExp(
                `\\n  <${ref.element}>\\n    <id type="integer">${id}</id>\\n(?:    <[^\\n]*\\n)*?    <${ref.key}>${escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</${ref.key}>\\n`,
              ),
            );
          });

          it('is set by natural key in XML', async () => {
            const id = await refId(t.store, ref.table, ref.value);
            const res = await t.request({
              method: 'POST',
              url: '/api/users',
              headers: { ...XML, accept: 'application/json' },
              payload: userXml({ ...validUser(), [ref.element]: `<${ref.key}>${ref.value}</${ref.key}>` }),
            });
            expect(res.statusCode, res.body).toBe(201);
            expect(parseJson(res)[ref.element]).toMatchObject({ id });
          });

          it('refuses an unknown natural key with 400 unknown_reference naming it, and writes nothing', async () => {
            const before = await dbSnapshot(t.store);
            const res = await t.request({
              method: 'POST',
              url: '/api/users',
              headers: JSON_IO,
              payload: { ...validUser(), [ref.element]: { [ref.key]: 'No Such Thing' } },
            });
            expectError(res, 'unknown_reference', [
              `${humanize(ref.element)}: no ${ref.tag.replaceAll('-', ' ')} with ${ref.key} 'No Such Thing'`,
            ]);
            expect(await dbSnapshot(t.store)).toEqual(before);
          });

          it('refuses an unknown id with 400 unknown_reference naming it', async () => {
            const res = await t.request({
              method: 'POST',
              url: '/api/users',
              headers: XML,
              payload: userXml({ ...validUser(), [ref.element]: '<id>987654</id>' }),
            });
            expectError(res, 'unknown_reference', [
              `${humanize(ref.element)}: no ${ref.tag.replaceAll('-', ' ')} with id 987654`,
            ]);
            expect(res.body).toContain(
              `<error><![CDATA[${humanize(ref.element)}: no ${ref.tag.replaceAll('-', ' ')} with id 987654]]></error>`,
            );
          });

          it('is cleared by null (JSON) and by nil="true" (XML)', async () => {
            const user = await createUser(t, { ...validUser(), [ref.element]: { [ref.key]: ref.value } });
            let res = await t.request({
              method: 'PUT',
              url: `/api/users/${user.id}`,
              headers: JSON_IO,
              payload: { [ref.element]: null },
            });
            expect(parseJson(res)[ref.element]).toBeNull();
            await t.request({
              method: 'PUT',
              url: `/api/users/${user.id}`,
              headers: JSON_IO,
              payload: { [ref.element]: { [ref.key]: ref.value } },
            });
            res = await t.request({
              method: 'PUT',
              url: `/api/users/${user.id}`,
              headers: XML,
              payload: `<user><${ref.element} nil="true" /></user>`,
            });
            expect(res.statusCode).toBe(200);
            expect(res.body).toContain(`\n  <${ref.element} nil="true" />\n`);
            expect((await showUser(t, user.id))[ref.element]).toBeNull();
          });
        });
      }

      it('nests linked rows one level deep (address -> country)', async () => {
        const us = await refId(t.store, 'countries', 'US');
        const user = await createUser(t, { ...validUser(), 'default-address': { 'location-code': 'HQ' } });
        expect(user['default-address']).toMatchObject({
          'location-code': 'HQ',
          city: 'San Francisco',
          country: { id: us, code: 'US', name: 'United States' },
        });
      });

      it('renders the currency of a default-currency the way the seed sample does', async () => {
        const usd = await refId(t.store, 'currencies', 'USD');
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({ ...validUser(), 'default-currency': '<code>USD</code>' }),
        });
        expect(res.body).toContain(
          `\n  <default-currency>\n    <id type="integer">${usd}</id>\n    <code>USD</code>\n    <name>US Dollar</name>\n`,
        );
      });
    });

    describe('has-many collections', () => {
      for (const col of COLLECTIONS) {
        describe(col.element, () => {
          it(`is set by ${col.key} and by id, keeping the client's order`, async () => {
            const rows = await allRows(t, col.table);
            const other = rows.find((r) => r.values.get(col.key) !== col.value);
            if (!other) throw new Error(`test setup: ${col.table} needs two rows`);
            const id = await refId(t.store, col.table, col.value);
            const user = await createUser(t, {
              ...validUser(),
              [col.element]: [{ [col.key]: col.value }, { id: other.id }],
            });
            expect((user[col.element] as JsonRef[]).map((r) => [r.id, r[col.key]])).toEqual([
              [id, col.value],
              [other.id, other.values.get(col.key)],
            ]);
          });

          it(`is read from XML <${col.element} type="array"><${col.tag}>… and rendered the same way`, async () => {
            const id = await refId(t.store, col.table, col.value);
            const res = await t.request({
              method: 'POST',
              url: '/api/users',
              headers: XML,
              payload: userXml({
                ...validUser(),
                [col.element]: `<${col.tag}><${col.key}>${col.value}</${col.key}></${col.tag}>`,
              }).replace(`<${col.element}>`, `<${col.element} type="array">`),
            });
            expect(res.statusCode, res.body).toBe(201);
            expect(res.body).toContain(
              `\n  <${col.element} type="array">\n    <${col.tag}>\n      <id type="integer">${id}</id>\n      <${col.key}>${col.value}</${col.key}>\n`,
            );
          });

          it('refuses an unknown member with 400 unknown_reference, and writes nothing', async () => {
            const before = await dbSnapshot(t.store);
            const res = await t.request({
              method: 'POST',
              url: '/api/users',
              headers: JSON_IO,
              payload: { ...validUser(), [col.element]: [{ [col.key]: col.value }, { [col.key]: 'Nobody Knows' }] },
            });
            expectError(res, 'unknown_reference', [
              `${humanize(col.element)}: no ${col.tag.replaceAll('-', ' ')} with ${col.key} 'Nobody Knows'`,
            ]);
            expect(await dbSnapshot(t.store)).toEqual(before);
          });

          it('is replaced as a whole on update, and emptied by an empty array', async () => {
            const rows = await allRows(t, col.table);
            const others = rows.filter((r) => r.values.get(col.key) !== col.value).map((r) => r.values.get(col.key));
            const user = await createUser(t, { ...validUser(), [col.element]: others.map((v) => ({ [col.key]: v })) });
            expect(names(user[col.element], col.key)).toEqual(others);
            let res = await t.request({
              method: 'PUT',
              url: `/api/users/${user.id}`,
              headers: JSON_IO,
              payload: { [col.element]: [{ [col.key]: col.value }] },
            });
            expect(names(parseJson(res)[col.element], col.key)).toEqual([col.value]);
            res = await t.request({
              method: 'PUT',
              url: `/api/users/${user.id}`,
              headers: XML,
              payload: `<user><${col.element} type="array" /></user>`,
            });
            expect(res.body).toContain(`\n  <${col.element} type="array" />\n`);
            expect((await showUser(t, user.id))[col.element]).toEqual([]);
          });
        });
      }

      it('accepts business-groups as an alias of content-groups', async () => {
        const emea = await refId(t.store, 'business_groups', 'EMEA');
        const user = await createUser(t, { ...validUser(), 'business-groups': [{ name: 'EMEA' }] });
        expect(user['content-groups']).toEqual([{ id: emea, name: 'EMEA', description: 'Europe, Middle East and Africa' }]);
        expect(user).not.toHaveProperty('business-groups');
        const res = await t.request({
          method: 'PUT',
          url: `/api/users/${user.id}`,
          headers: XML,
          payload:
            '<user><business-groups type="array"><business-group><name>APAC</name></business-group></business-groups></user>',
        });
        expect(res.headers['x-roster-ignored-elements']).toBeUndefined();
        expect(names((await showUser(t, user.id))['content-groups'])).toEqual(['APAC']);
      });

      it('accepts user_groups spelled with an underscore', async () => {
        const user = await createUser(t, { ...validUser(), user_groups: [{ name: 'Procurement' }] });
        expect(names(user['user-groups'])).toEqual(['Procurement']);
      });

      it('keeps approval-groups and user-groups apart though both name user groups', async () => {
        const user = await createUser(t, {
          ...validUser(),
          'approval-groups': [{ name: 'Finance Approvers' }],
          'user-groups': [{ name: 'IT Approvers' }],
        });
        expect(names(user['approval-groups'])).toEqual(['Finance Approvers']);
        expect(names(user['user-groups'])).toEqual(['IT Approvers']);
      });

      it('leaves a collection alone when an update does not mention it', async () => {
        const user = await createUser(t, { ...validUser(), roles: [{ name: 'Buyer' }, { name: 'Admin' }] });
        const res = await t.request({
          method: 'PATCH',
          url: `/api/users/${user.id}`,
          headers: JSON_IO,
          payload: { lastname: 'X' },
        });
        expect(names(parseJson(res)['roles'])).toEqual(['Buyer', 'Admin']);
      });

      it('replaces roles through XML on PUT, as a Coupa integration does', async () => {
        const user = await createUser(t, { ...validUser(), roles: [{ name: 'Buyer' }, { name: 'Admin' }] });
        const res = await t.request({
          method: 'PUT',
          url: `/api/users/${user.id}`,
          headers: XML,
          payload:
            '<user><roles type="array"><role><name>User</name></role><role><name>Accounts Payable</name></role></roles></user>',
        });
        expect(res.statusCode).toBe(200);
        expect(names((await showUser(t, user.id))['roles'])).toEqual(['User', 'Accounts Payable']);
      });

      it('stores a member named twice once', async () => {
        const user = await createUser(t, { ...validUser(), roles: [{ name: 'Buyer' }, { name: 'Buyer' }] });
        expect(names(user['roles'])).toEqual(['Buyer']);
      });
    });

    describe('manager and parent (other users)', () => {
      let boss: JsonUser;
      beforeEach(async () => {
        boss = await createUser(t, { ...validUser('boss'), 'employee-number': 'B-1' });
      });

      for (const element of ['manager', 'parent']) {
        it(`${element} is set by id and rendered as a nested simple user`, async () => {
          const user = await createUser(t, { ...validUser(), [element]: { id: boss.id } });
          expect(user[element]).toEqual({
            id: boss.id,
            login: 'user_boss',
            email: 'user_boss@example.com',
            'employee-number': 'B-1',
            firstname: 'Ada',
            lastname: 'Lovelace',
            fullname: 'Ada Lovelace',
            'salesforce-id': null,
          });
        });

        it(`${element} is set by login (XML)`, async () => {
          const res = await t.request({
            method: 'POST',
            url: '/api/users',
            headers: XML,
            payload: userXml({ ...validUser(), [element]: '<login>user_boss</login>' }),
          });
          expect(res.statusCode, res.body).toBe(201);
          expect(res.body).toContain(`\n  <${element}>\n    <id type="integer">${boss.id}</id>\n    <login>user_boss</login>\n`);
        });

        it(`${element} naming an unknown user is 400 unknown_reference and writes nothing`, async () => {
          const before = await dbSnapshot(t.store);
          let res = await t.request({
            method: 'POST',
            url: '/api/users',
            headers: JSON_IO,
            payload: { ...validUser(), [element]: { login: 'ghost' } },
          });
          expectError(res, 'unknown_reference', [`${humanize(element)}: no user with login 'ghost'`]);
          res = await t.request({
            method: 'POST',
            url: '/api/users',
            headers: JSON_IO,
            payload: { ...validUser(), [element]: { id: 4242 } },
          });
          expectError(res, 'unknown_reference', [`${humanize(element)}: no user with id 4242`]);
          expect(await dbSnapshot(t.store)).toEqual(before);
        });

        it(`${element} is cleared with nil="true"`, async () => {
          const user = await createUser(t, { ...validUser(), [element]: { login: 'user_boss' } });
          const res = await t.request({
            method: 'PUT',
            url: `/api/users/${user.id}`,
            headers: XML,
            payload: `<user><${element} nil="true"/></user>`,
          });
          expect(res.body).toContain(`\n  <${element} nil="true" />\n`);
        });
      }

      it('shows the manager’s current data after the manager changes', async () => {
        const user = await createUser(t, { ...validUser(), manager: { login: 'user_boss' } });
        await t.request({ method: 'PUT', url: `/api/users/${boss.id}`, headers: JSON_IO, payload: { lastname: 'Babbage' } });
        expect((await showUser(t, user.id))['manager']).toMatchObject({
          id: boss.id,
          lastname: 'Babbage',
          fullname: 'Ada Babbage',
        });
      });
    });

    describe('approval limits', () => {
      for (const element of APPROVAL_LIMITS) {
        it(`${element} is found or created from amount and currency`, async () => {
          const usd = await refId(t.store, 'currencies', 'USD');
          const user = await createUser(t, { ...validUser(), [element]: { amount: '2500', currency: { code: 'USD' } } });
          expect(user[element]).toMatchObject({
            id: expect.any(Number) as unknown,
            name: '2500.0 USD',
            amount: '2500.0',
            currency: { id: usd, code: 'USD' },
          });
        });
      }

      it('reuses the same approval-limit row for the same amount and currency', async () => {
        const limit = { amount: '750.00', currency: { code: 'EUR' } };
        const a = await createUser(t, { ...validUser(1), 'requisition-approval-limit': limit });
        const b = await createUser(t, { ...validUser(2), 'expense-approval-limit': { amount: 750, currency: { code: 'EUR' } } });
        const c = await createUser(t, {
          ...validUser(3),
          'invoice-approval-limit': { amount: '750', currency: { code: 'USD' } },
        });
        const idA = (a['requisition-approval-limit'] as JsonRef).id;
        expect((b['expense-approval-limit'] as JsonRef).id).toBe(idA);
        expect((c['invoice-approval-limit'] as JsonRef).id).not.toBe(idA);
        const rows = await t.store.db.selectFrom('approval_limits').select('id').execute();
        expect(rows).toHaveLength(4 + 2);
      });

      it('reuses a seeded limit with the same amount and currency', async () => {
        const seeded = await refId(t.store, 'approval_limits', 'Up to 1,000 USD');
        const user = await createUser(t, {
          ...validUser(),
          'requisition-approval-limit': { amount: '1000', currency: { code: 'USD' } },
        });
        expect((user['requisition-approval-limit'] as JsonRef).id).toBe(seeded);
      });

      it('is read from XML as <amount> and <currency><code>', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: XML,
          payload: userXml({
            ...validUser(),
            'requisition-approval-limit': '<amount type="decimal">125.50</amount><currency><code>GBP</code></currency>',
          }),
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.body).toMatch(
          /<requisition-approval-limit>\n {4}<id type="integer">\d+<\/id>\n {4}<name>125\.5 GBP<\/name>\n {4}<amount type="decimal">125\.5<\/amount>\n/,
        );
      });

      it('is set by id and by name', async () => {
        const id = await refId(t.store, 'approval_limits', 'Up to 100,000 USD');
        const user = await createUser(t, {
          ...validUser(),
          'requisition-approval-limit': { id },
          'expense-approval-limit': { name: 'Up to 5,000 EUR' },
        });
        expect(user['requisition-approval-limit']).toMatchObject({ id, name: 'Up to 100,000 USD', amount: '100000.0' });
        expect(user['expense-approval-limit']).toMatchObject({ name: 'Up to 5,000 EUR', amount: '5000.0', subject: 'expense' });
      });

      it('accepts the -attributes spelling', async () => {
        const user = await createUser(t, {
          ...validUser(),
          'requisition-approval-limit-attributes': { amount: '300', currency: { code: 'USD' } },
        });
        expect(user['requisition-approval-limit']).toMatchObject({ amount: '300.0' });
      });

      it('refuses an unknown currency and creates no approval limit', async () => {
        const before = await dbSnapshot(t.store);
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser(), 'requisition-approval-limit': { amount: '10', currency: { code: 'XXQ' } } },
        });
        expectError(res, 'unknown_reference', ["Requisition approval limit currency: no currency with code 'XXQ'"]);
        expect(await dbSnapshot(t.store)).toEqual(before);
      });

      it('refuses an unknown name', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser(), 'expense-approval-limit': { name: 'Unlimited' } },
        });
        expectError(res, 'unknown_reference', ["Expense approval limit: no approval limit with name 'Unlimited'"]);
      });

      it('refuses an amount without a currency as invalid, and creates nothing', async () => {
        const before = await dbSnapshot(t.store);
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser(), 'requisition-approval-limit': { amount: '10' } },
        });
        expectError(res, 'validation_failed', ['Requisition approval limit must give an id, a name, or amount and currency']);
        expect(await dbSnapshot(t.store)).toEqual(before);
      });

      it('does not create an approval limit when another part of the request is refused', async () => {
        const before = await dbSnapshot(t.store);
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: {
            ...validUser(),
            'requisition-approval-limit': { amount: '31337', currency: { code: 'USD' } },
            roles: [{ name: 'Wizard' }],
          },
        });
        expectError(res, 'unknown_reference', ["Roles: no role with name 'Wizard'"]);
        expect(await dbSnapshot(t.store)).toEqual(before);
      });
    });

    describe('unknown references on update', () => {
      it('refuse the whole update: no scalar, reference or collection change is written', async () => {
        const user = await createUser(t, {
          ...validUser(),
          roles: [{ name: 'Buyer' }],
          department: { name: 'Finance' },
        });
        const before = await dbSnapshot(t.store);
        const res = await t.request({
          method: 'PUT',
          url: `/api/users/${user.id}`,
          headers: XML,
          payload:
            '<user><lastname>Changed</lastname><department><name>Legal</name></department>' +
            '<roles type="array"><role><name>Admin</name></role><role><name>Overlord</name></role></roles>' +
            '<default-currency><code>ZZZ</code></default-currency></user>',
        });
        expectError(
          res,
          'unknown_reference',
          ["Default currency: no currency with code 'ZZZ'", "Roles: no role with name 'Overlord'"],
          { anyOrder: true },
        );
        expect(await dbSnapshot(t.store)).toEqual(before);
        expect(await showUser(t, user.id)).toEqual(user);
      });

      it('are reported beside validation messages as one validation failure', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser(), firstname: '', roles: [{ name: 'Nope' }] },
        });
        expectError(res, 'validation_failed', ["Firstname can't be blank", "Roles: no role with name 'Nope'"], {
          anyOrder: true,
        });
      });
    });

    it('sets every kind of association in one XML create and shows them all', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/users',
        headers: { ...XML, accept: 'application/json' },
        payload: userXml({
          ...validUser(),
          roles: '<role><name>Buyer</name></role>',
          department: '<name>IT</name>',
          'default-currency': '<code>GBP</code>',
          'default-address': '<location-code>AMS</location-code>',
          'default-account': '<code>300-3000-RnD</code>',
          'default-account-type': '<name>EU Chart of Accounts</name>',
          'content-groups': '<business-group><name>APAC</name></business-group>',
          'account-groups': '<account-group><name>EU Accounts</name></account-group>',
          'approval-groups': '<user-group><name>Finance Approvers</name></user-group>',
          'user-groups': '<user-group><name>Procurement</name></user-group>',
          'inventory-organizations': '<inventory-organization><name>Main Inventory</name></inventory-organization>',
          'working-warehouses': '<warehouse><name>Central Warehouse</name></warehouse>',
          pcard: '<name>Corporate Visa</name>',
          'legal-entity': '<name>Acme Inc.</name>',
          'country-of-residence': '<code>GB</code>',
          'requisition-approval-limit': '<amount>99</amount><currency><code>GBP</code></currency>',
        }),
      });
      expect(res.statusCode, res.body).toBe(201);
      const user = parseJson(res);
      expect(user).toMatchObject({
        roles: [{ name: 'Buyer' }],
        department: { name: 'IT' },
        'default-currency': { code: 'GBP' },
        'default-address': { 'location-code': 'AMS', country: { code: 'NL' } },
        'default-account': { code: '300-3000-RnD', 'account-type': { name: 'EU Chart of Accounts' } },
        'default-account-type': { name: 'EU Chart of Accounts', currency: { code: 'EUR' } },
        'content-groups': [{ name: 'APAC' }],
        'account-groups': [{ name: 'EU Accounts' }],
        'approval-groups': [{ name: 'Finance Approvers' }],
        'user-groups': [{ name: 'Procurement' }],
        'inventory-organizations': [{ name: 'Main Inventory' }],
        'working-warehouses': [{ name: 'Central Warehouse' }],
        pcard: { name: 'Corporate Visa', nickname: 'Visa 4242' },
        'legal-entity': { name: 'Acme Inc.' },
        'country-of-residence': { code: 'GB' },
        'requisition-approval-limit': { amount: '99.0', currency: { code: 'GBP' } },
      });
      expect(await showUser(t, user.id)).toEqual(user);
    });
  });
}
