import { serialId } from '../src/catalog/ids.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexCatalog } from '../src/catalog/lookup.js';
import { resourceNamed } from '../src/catalog/registry.js';
import { Engine } from '../src/domain/engine.js';
import type { StoredRecord } from '../src/store/record-codec.js';
import { isRosterError } from '../src/domain/errors.js';
import type { Document } from '../src/domain/record-input.js';
import type { RecordService } from '../src/domain/record-service.js';
import { loadFixture } from '../src/store/reference-seed.js';
import { ACCEPT_JSON, dbSnapshot, listRecords, refId, type JsonRecord } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { createWorker, sampleWorker } from './helpers/workers.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Owned child collections (the `children` element kind), on their first resource: a
 * warehouse's `warehouse-locations`. Reads and queries go through HTTP; warehouses are
 * read-only over HTTP (docs/reference-data.md), so nested writes go through the record
 * service, as the Worker API's routes will.
 */
const ACTOR = { name: 'test', userId: null };

interface Location {
  readonly id: number;
  readonly aisle: string;
  readonly bin: string | null;
  readonly level: string | null;
  readonly active: boolean;
  readonly label: string;
  readonly 'warehouse-id': number;
  readonly 'warehouse-name': string;
  readonly 'created-at': string;
  readonly 'updated-at': string;
}

const locationsOf = (w: JsonRecord): Location[] => w['warehouse-locations'] as Location[];
const summary = (w: JsonRecord): string[] => locationsOf(w).map((l) => `${l.aisle}/${l.bin ?? '-'}/${l.level ?? '-'}`);

async function showWarehouse(t: TestApp, id: number): Promise<JsonRecord> {
  const res = await t.request({ method: 'GET', url: `/api/warehouses/${id}`, headers: ACCEPT_JSON });
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body) as JsonRecord;
}

/** The refusal a write throws, as its code and messages. */
async function refusal(write: Promise<unknown>): Promise<[string, readonly string[]]> {
  try {
    await write;
  } catch (err) {
    if (isRosterError(err)) return [err.code, err.messages];
    throw err;
  }
  throw new Error('the write was not refused');
}

for (const dialect of DIALECTS) {
  describe(`owned children (warehouse locations) on ${dialect.name}`, () => {
    let t: TestApp;
    let warehouses: RecordService;
    let central: number;
    let west: number;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      warehouses = Engine.detached(t.store).service('warehouses');
      central = await refId(t.store, 'warehouses', 'Central Warehouse');
      west = await refId(t.store, 'warehouses', 'West Coast Warehouse');
    });
    afterEach(() => t.close());

    it('renders each warehouse with its own locations, in id order, each with its id and timestamps', async () => {
      const w = await showWarehouse(t, central);
      expect(summary(w)).toEqual(['A1/01/1', 'A1/02/1', 'B4/10/3']);
      const [first] = locationsOf(w);
      expect(Object.keys(first ?? {})).toEqual([
        'id',
        'created-at',
        'updated-at',
        'aisle',
        'bin',
        'level',
        'active',
        'label',
        'warehouse-id',
        'warehouse-name',
        'created-by',
        'updated-by',
      ]);
      // Swagger `WarehouseLocation`'s derived elements: the owner's id and name, and the label.
      expect([first?.['label'], first?.['warehouse-id'], first?.['warehouse-name']]).toEqual([
        'A1-01-1',
        central,
        'Central Warehouse',
      ]);
      expect(summary(await showWarehouse(t, west))).toEqual(['R1/01/1']);
      const all = await listRecords(t, 'warehouses');
      expect(all.map((x) => [x['name'], locationsOf(x).length])).toEqual([
        ['Central Warehouse', 3],
        ['West Coast Warehouse', 1],
      ]);
    });

    it('queries through the children: fields, operators, blank, and return_object', async () => {
      const names = async (query: string) => (await listRecords(t, 'warehouses', query)).map((w) => w['name']);
      expect(await names('?warehouse-locations[aisle]=B4')).toEqual(['Central Warehouse']);
      expect(await names('?warehouse-locations[aisle][starts_with]=r')).toEqual(['West Coast Warehouse']);
      expect(await names('?warehouse-locations[active]=false')).toEqual(['Central Warehouse']);
      expect(await names('?warehouse-locations[level][in]=1,3')).toEqual(['Central Warehouse', 'West Coast Warehouse']);
      expect(await names('?warehouse-locations[id][blank]=false')).toEqual(['Central Warehouse', 'West Coast Warehouse']);
      const empty = await t.request({ method: 'GET', url: '/api/warehouses?warehouse-locations[id][blank]=true' });
      expect(empty.statusCode).toBe(404);

      const fields = encodeURIComponent(JSON.stringify(['name', { 'warehouse-locations': ['aisle'] }]));
      const [projected] = await listRecords(t, 'warehouses', `?name=West Coast Warehouse&fields=${fields}`);
      expect(projected).toEqual({ name: 'West Coast Warehouse', 'warehouse-locations': [{ aisle: 'R1' }] });

      const [shallow] = await listRecords(t, 'warehouses', '?name=West Coast Warehouse&return_object=shallow');
      expect(shallow?.['warehouse-locations']).toEqual([{ id: expect.any(Number) as number, aisle: 'R1' }]);

      const unknown = await t.request({ method: 'GET', url: '/api/warehouses?warehouse-locations[shelf]=1' });
      expect([unknown.statusCode, unknown.body]).toEqual([
        400,
        expect.stringContaining("warehouse-locations has no element 'shelf'") as string,
      ]);
    });

    it('writes nested items as Rails nested attributes: id updates, no id creates, _destroy removes', async () => {
      const [a1, a2, b4] = locationsOf(await showWarehouse(t, central));
      await warehouses.update(
        central,
        {
          'warehouse-locations': [
            { id: a1?.id, bin: '01A' },
            { id: b4?.id, _destroy: 'true' },
            { aisle: 'C9', level: '2' },
            { aisle: 'D1', _destroy: true },
          ],
        },
        ACTOR,
      );
      const after = await showWarehouse(t, central);
      expect(summary(after)).toEqual(['A1/01A/1', 'A1/02/1', 'C9/-/2']);
      const added = locationsOf(after)[2];
      expect(added?.active).toBe(true);
      expect(added?.['created-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // An item not sent is left alone, as Rails leaves it.
      expect(locationsOf(after)[1]).toEqual(a2);
      expect(summary(await showWarehouse(t, west))).toEqual(['R1/01/1']);
    });

    it('creates an owner with its children in one write, and reads XML-shaped lists', async () => {
      const doc: Document = {
        name: 'North Warehouse',
        'warehouse-locations': { 'warehouse-location': [{ aisle: 'N1' }, { aisle: 'N2', bin: '7' }] },
      };
      const { record } = await warehouses.create(doc, ACTOR);
      expect(summary(await showWarehouse(t, serialId(record.id)))).toEqual(['N1/-/-', 'N2/7/-']);
    });

    it('refuses a nested item of another owner, an invalid item or a malformed list, and writes nothing', async () => {
      const [r1] = locationsOf(await showWarehouse(t, west));
      const before = await dbSnapshot(t.store, 'warehouses');
      const cases: Array<[Document, string, string[]]> = [
        [
          { 'warehouse-locations': [{ id: r1?.id, bin: '99' }] },
          'unknown_reference',
          [`Couldn't find WarehouseLocation with ID=${r1?.id} for Warehouse with ID=${central}`],
        ],
        [
          { description: 'changed', 'warehouse-locations': [{ aisle: 'Z1' }, { aisle: '', bin: 'x'.repeat(256) }] },
          'validation_failed',
          ["Warehouse locations aisle can't be blank", 'Warehouse locations bin is too long (maximum is 255 characters)'],
        ],
        [
          { 'warehouse-locations': [{ aisle: 'Z1', active: 'sometimes' }] },
          'validation_failed',
          ['Warehouse locations active must be true or false'],
        ],
        [{ 'warehouse-locations': [{ id: 'x' }] }, 'validation_failed', ['Warehouse locations id is not a positive integer']],
        [
          { 'warehouse-locations': [{ id: r1?.id, _destroy: 'perhaps' }] },
          'validation_failed',
          ['Warehouse locations _destroy must be true or false'],
        ],
        [{ 'warehouse-locations': 'A1' }, 'validation_failed', ['Warehouse locations must be a list']],
        [{ 'warehouse-locations': ['A1'] }, 'validation_failed', ['Warehouse locations must be a list of objects']],
      ];
      const got = [];
      for (const [doc] of cases) got.push(await refusal(warehouses.update(central, doc, ACTOR)));
      expect(got).toEqual(cases.map(([, code, messages]) => [code, messages]));
      // A new owner cannot claim an existing row either (Rails prints the new owner's empty id).
      expect(await refusal(warehouses.create({ name: 'Thief', 'warehouse-locations': [{ id: r1?.id }] }, ACTOR))).toEqual([
        'unknown_reference',
        [`Couldn't find WarehouseLocation with ID=${r1?.id} for Warehouse with ID=`],
      ]);
      expect(await dbSnapshot(t.store, 'warehouses')).toEqual(before);
    });

    it('a fixture (roster serve --seed) replaces the children of the rows it names, and adds owners with theirs', async () => {
      await loadFixture(t.store, {
        warehouses: [
          { name: 'Central Warehouse', 'warehouse-locations': [{ aisle: 'Q1', bin: '5' }] },
          { name: 'Depot', 'warehouse-locations': [{ aisle: 'D1' }, { aisle: 'D2', active: false }] },
        ],
      });
      expect(summary(await showWarehouse(t, central))).toEqual(['Q1/5/-']);
      expect(summary(await showWarehouse(t, west))).toEqual(['R1/01/1']);
      const [depot] = await listRecords(t, 'warehouses', '?name=Depot');
      expect(depot && locationsOf(depot).map((l) => [l.aisle, l.active])).toEqual([
        ['D1', true],
        ['D2', false],
      ]);
      await expect(loadFixture(t.store, { warehouses: [{ name: 'Depot', 'warehouse-locations': 'D1' }] })).rejects.toThrow(
        /warehouse-locations must be a list/,
      );
    });

    it('a batch gives each item its outcome: a refused nested write leaves its owner and the others untouched', async () => {
      const before = summary(await showWarehouse(t, west));
      const result = await warehouses.writeMany(
        [
          { id: central, doc: { 'warehouse-locations': [{ aisle: 'E1' }] } },
          { id: west, doc: { description: 'x', 'warehouse-locations': [{ aisle: '' }] } },
        ],
        ACTOR,
      );
      expect(result.outcomes.map((o) => o.ok)).toEqual([true, false]);
      expect([result.succeeded, result.failed]).toEqual([1, 1]);
      expect(summary(await showWarehouse(t, central))).toContain('E1/-/-');
      const westNow = await showWarehouse(t, west);
      expect([westNow['description'], summary(westNow)]).toEqual(['Regional stock', before]);
    });

    it("reads every owned child inside its owner's statement exactly as a read of the child's own row gives it", async () => {
      // Children travel as JSON in the owner's row (json_group_array / json_agg): each type must
      // come back as the driver gives it. Values past what the API writes (milliseconds, a long
      // decimal, a document's attachment two levels down) are set in the database directly.
      const worker = await createWorker(t, {
        ...sampleWorker(),
        'worker-skills': [
          { skill: 'Java', 'years-of-experience': '3' },
          { skill: 'Welding', 'years-of-experience': '0.25' },
        ],
        'external-identifiers': [{ 'identifier-type': { code: 'vms' }, value: 'VMS-1' }],
      });
      const doc = await t.request({
        method: 'POST',
        url: `/api/workers/${worker.id}/worker_documents`,
        headers: { ...ACCEPT_JSON, 'content-type': 'application/json' },
        payload: { type: { name: 'Work Permit' }, attachments: [{ type: 'url', url: 'https://example.com/p' }] },
      });
      expect(doc.statusCode, doc.body).toBe(201);
      const db = t.store.db;
      const [java] = worker['worker-skills'] as JsonRecord[];
      await db
        .updateTable('worker_skills')
        .set({ years_of_experience: '1234567890.25' })
        .where('id', '=', java?.id ?? 0)
        .execute();
      for (const table of ['worker_emails', 'worker_document_attachments']) {
        await db
          .updateTable(table)
          .set({ created_at: dialect.name === 'sqlite' ? '2026-01-02T03:04:05.678Z' : new Date('2026-01-02T03:04:05.678Z') })
          .execute();
      }

      const engine = Engine.detached(t.store);
      const comparable = (r: StoredRecord) => ({ values: r.values, refs: r.refs, composites: r.composites });
      const check = async (owner: StoredRecord, def: string): Promise<number> => {
        let compared = 0;
        for (const el of indexCatalog(resourceNamed(def)).children) {
          const rows = owner.children.get(el.name) ?? [];
          const direct = await engine.repository(el.target).findPlain(rows.map((r) => r.id));
          expect(rows.map(comparable), `${def} ${el.name}`).toEqual(direct.map(comparable));
          compared += rows.length;
          for (const row of rows) compared += await check(row, el.target);
        }
        return compared;
      };
      const read = await engine.repository('workers').findById(worker.id);
      if (!read) throw new Error('the worker is gone');
      // An e-mail, an address, a phone number, two skills, an identifier, a document and its attachment.
      expect(await check(read, 'workers')).toBe(8);
      const skills = (read.children.get('worker-skills') ?? []).map((s) => s.values.get('years-of-experience'));
      expect(skills).toEqual(['1234567890.25', '0.25']);
      const [email] = read.children.get('worker-emails') ?? [];
      expect(email?.values.get('created-at')).toBe('2026-01-02T03:04:05.678Z');
    });
  });
}
