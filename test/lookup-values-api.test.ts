import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, type TestApp } from './helpers/test-app.js';

/** What Coupa's NetSuite chart-of-accounts script sends: XML both ways, its API key. */
const NETSUITE = { accept: 'text/xml', 'content-type': 'application/xml' };

const ids = (body: string): number[] =>
  [...body.matchAll(/<lookup-value>\s*<id type="integer">(\d+)<\/id>/g)].map((m) => Number(m[1]));
const json = (body: string): Record<string, unknown> => JSON.parse(body) as Record<string, unknown>;

for (const dialect of DIALECTS) {
  describe(`lookups and lookup values, as their clients drive them, on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(() => t.close());

    const idOf = async (num: string): Promise<number> => {
      const res = await t.request({ method: 'GET', url: `/api/lookup_values?external-ref-num=${num}`, headers: JSON_IO });
      const list = JSON.parse(res.body) as Array<{ id: number }>;
      expect(list).toHaveLength(1);
      return list[0]?.id ?? 0;
    };

    it("NetSuite's script: finds a value by external-ref-num and [lookup][name], creates one naming its lookup, updates it", async () => {
      // The script's look-up: Rack (before 3.0) reads `[lookup][name]` as `lookup[name]`.
      const found = await t.request({
        method: 'GET',
        url: '/api/lookup_values?external-ref-num=6000&[lookup][name]=Account',
        headers: NETSUITE,
      });
      expect(found.statusCode, found.body).toBe(200);
      expect(found.body).toContain('<lookup-values type="array">');
      expect(ids(found.body)).toEqual([await idOf('6000')]);
      const otherLookup = await t.request({
        method: 'GET',
        url: '/api/lookup_values?external-ref-num=6000&[lookup][name]=Cost%20Center',
        headers: NETSUITE,
      });
      expect(otherLookup.statusCode).toBe(404);
      const missing = await t.request({
        method: 'GET',
        url: '/api/lookup_values?external-ref-num=6400&[lookup][name]=Account',
        headers: NETSUITE,
      });
      expect(missing.statusCode).toBe(404);

      // Not found: the script creates it, its lookup named by name.
      const created = await t.request({
        method: 'POST',
        url: '/api/lookup_values',
        headers: NETSUITE,
        payload:
          '<?xml version="1.0" encoding="UTF-8"?><lookup-value><name>6400 Office Supplies</name>' +
          '<external-ref-num>6400</external-ref-num><active>true</active><lookup><name>Account</name></lookup></lookup-value>',
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.body).toContain('<name>6400 Office Supplies</name>');
      expect(created.body).toMatch(/<lookup>\s*<id type="integer">\d+<\/id>[\s\S]*<name>Account<\/name>/);
      const id = await idOf('6400');

      // Found the next time: the script updates it by id.
      const again = await t.request({
        method: 'GET',
        url: '/api/lookup_values?external-ref-num=6400&[lookup][name]=Account',
        headers: NETSUITE,
      });
      expect(ids(again.body)).toEqual([id]);
      const updated = await t.request({
        method: 'PUT',
        url: `/api/lookup_values/${id}`,
        headers: NETSUITE,
        payload:
          '<lookup-value><name>6400 Office Supplies and Stationery</name><active>false</active>' +
          '<lookup><name>Account</name></lookup></lookup-value>',
      });
      expect(updated.statusCode, updated.body).toBe(200);
      expect(updated.body).toContain('<name>6400 Office Supplies and Stationery</name>');
      expect(updated.body).toContain('<active type="boolean">false</active>');
    });

    it("Rossum's import: creates a value with a nested parent and lookup, and reads the hierarchy back", async () => {
      const parentId = await idOf('6100');
      const byId = await t.request({
        method: 'POST',
        url: '/api/lookup_values',
        headers: JSON_IO,
        payload: {
          name: 'Flights',
          'external-ref-num': '6110',
          active: true,
          lookup: { name: 'Account' },
          parent: { id: parentId },
        },
      });
      expect(byId.statusCode, byId.body).toBe(201);
      const flights = json(byId.body);
      expect(flights['parent']).toMatchObject({ id: parentId, name: 'Travel', 'external-ref-num': '6100' });
      expect(flights['lookup']).toMatchObject({ name: 'Account' });

      // The parent named by its key, two levels down.
      const byKey = await t.request({
        method: 'POST',
        url: '/api/lookup_values',
        headers: JSON_IO,
        payload: {
          name: 'Economy',
          'external-ref-num': '6111',
          lookup: { name: 'Account' },
          parent: { 'external-ref-num': '6110' },
        },
      });
      expect(byKey.statusCode, byKey.body).toBe(201);
      const economy = json(byKey.body);
      expect(economy['parent']).toMatchObject({ name: 'Flights', parent: { id: parentId } });

      // Rossum reads values with their parent and the parent's parent (`fields`).
      const fields = encodeURIComponent(
        '["id","name",{"parent":["id","name",{"parent":["id","name"]}]},{"lookup":["id","name"]}]',
      );
      const read = await t.request({
        method: 'GET',
        url: `/api/lookup_values?external-ref-num=6111&fields=${fields}`,
        headers: { accept: 'application/json' },
      });
      expect(read.statusCode, read.body).toBe(200);
      expect(JSON.parse(read.body)).toEqual([
        {
          id: economy['id'],
          name: 'Economy',
          parent: { id: flights['id'], name: 'Flights', parent: { id: parentId, name: 'Travel' } },
          lookup: { id: (flights['lookup'] as { id: number }).id, name: 'Account' },
        },
      ]);
      // A value's children, through its parent.
      const children = await t.request({
        method: 'GET',
        url: '/api/lookup_values?parent[external-ref-num]=6100',
        headers: { accept: 'application/json' },
      });
      expect((JSON.parse(children.body) as Array<{ name: string }>).map((v) => v.name)).toEqual(['Flights']);
    });

    it('a value that is its own parent (a loop of parents) still reads: the nesting ends where Coupa’s does', async () => {
      const id = await idOf('6100');
      const looped = await t.request({
        method: 'PUT',
        url: `/api/lookup_values/${id}`,
        headers: JSON_IO,
        payload: { parent: { id } },
      });
      expect(looped.statusCode, looped.body).toBe(200);
      for (const res of [
        await t.request({ method: 'GET', url: `/api/lookup_values/${id}`, headers: JSON_IO }),
        await t.request({ method: 'GET', url: '/api/lookup_values?external-ref-num=6100', headers: JSON_IO }),
      ]) {
        expect(res.statusCode, res.body).toBe(200);
        expect(res.body).toContain(`"parent":{"id":${id}`);
      }
    });

    it("a new lookup takes values; Coupa's own query example `[lookup][created-at][gt]` reads as lookup[created-at][gt]", async () => {
      const lookup = await t.request({
        method: 'POST',
        url: '/api/lookups',
        headers: NETSUITE,
        payload:
          '<lookup><name>Cost Center</name><description>Cost centers</description><level-1-name>Region</level-1-name></lookup>',
      });
      expect(lookup.statusCode, lookup.body).toBe(201);
      expect(lookup.body).toContain('<level-1-name>Region</level-1-name>');
      const value = await t.request({
        method: 'POST',
        url: '/api/lookup_values',
        headers: JSON_IO,
        payload: { name: 'EMEA', 'external-ref-num': 'CC-EMEA', lookup: 'Cost Center' },
      });
      expect(value.statusCode, value.body).toBe(201);
      const recent = await t.request({
        method: 'GET',
        url: '/api/lookup_values?[lookup][created-at][gt]=2014-04-22&[lookup][name]=Cost%20Center',
        headers: { accept: 'application/json' },
      });
      expect(recent.statusCode, recent.body).toBe(200);
      expect((JSON.parse(recent.body) as Array<{ name: string }>).map((v) => v.name)).toEqual(['EMEA']);
      const plain = await t.request({ method: 'GET', url: '/api/lookup_values?lookup[name]=Cost%20Center', headers: JSON_IO });
      expect(plain.body).toBe(recent.body);
    });

    it('refuses a value without a lookup, or naming a lookup or parent that does not exist, and writes nothing', async () => {
      const none = await t.request({ method: 'POST', url: '/api/lookup_values', headers: JSON_IO, payload: { name: 'Orphan' } });
      expect(none.statusCode, none.body).toBe(400);
      const unknown = await t.request({
        method: 'POST',
        url: '/api/lookup_values',
        headers: JSON_IO,
        payload: { name: 'Orphan', lookup: { name: 'Nope' } },
      });
      expect(unknown.statusCode, unknown.body).toBe(400);
      const noParent = await t.request({
        method: 'POST',
        url: '/api/lookup_values',
        headers: JSON_IO,
        payload: { name: 'Orphan', lookup: { name: 'Account' }, parent: { 'external-ref-num': '9999' } },
      });
      expect(noParent.statusCode, noParent.body).toBe(400);
      const all = await t.request({ method: 'GET', url: '/api/lookup_values?name=Orphan', headers: JSON_IO });
      expect(JSON.parse(all.body)).toEqual([]);
    });
  });
}
