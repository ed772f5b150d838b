import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedResources } from '../src/catalog/registry.js';
import type { ResourceDef } from '../src/catalog/resource.js';
import type { RecordId, ScalarValue } from '../src/catalog/types.js';
import { applySeedFixture } from '../src/controls/fixture-load.js';
import { demoFixture } from '../src/controls/demo-fixture.js';
import { seedCso } from '../src/domain/seed/cso-seeder.js';
import { csoObject } from '../src/render/cso-json.js';
import { csoPageBytes, pageBytes, recordBytes, type RecordForm } from '../src/render/wire-bytes.js';
import { recordWriter } from '../src/render/compiled-writer.js';
import { familyOf } from '../src/catalog/resource.js';
import { indexCatalog } from '../src/catalog/lookup.js';
import { Engine } from '../src/domain/engine.js';
import type { RecordService } from '../src/domain/record-service.js';
import type { View } from '../src/query/view.js';
import { renderJson } from '../src/render/json.js';
import { presentAs, shapeOfResource } from '../src/render/present-record.js';
import { ResponseCache } from '../src/render/response-cache.js';
import type { CoreFormat } from '../src/render/wire-bytes.js';
import { renderXml, renderXmlList } from '../src/render/xml.js';
import type { Store } from '../src/store/database.js';
import type { StoredRecord } from '../src/store/record-codec.js';
import { DIALECTS } from './helpers/dialects.js';

/**
 * The differential test of the read path (issue 23): every record of a seeded set (users,
 * workers with their owned rows, every reference resource), in every view and both formats,
 * answered through the bytes path (`showBytes`, `pageBytes`: the response cache missed, then
 * hit) and rendered the old way (present → renderJson / renderXml): byte-identical.
 */

/** The views a read may ask for: full, shallow, limited, and a `fields` list with an association's part. */
function viewsOf(def: ResourceDef): Array<{ params: Record<string, string>; view: View }> {
  const shape = shapeOfResource(def);
  const names = [...shape.keys()];
  const association = names.find((n) => shape.get(n) instanceof Map);
  const fields: unknown[] = names.filter((n) => shape.get(n) === null).slice(0, 3);
  const tree = new Map<string, true | Map<string, true>>(fields.map((n) => [n as string, true]));
  if (association) {
    const sub = [...(shape.get(association) as Map<string, unknown>).keys()].slice(0, 2);
    fields.push({ [association]: sub });
    tree.set(association, new Map(sub.map((n) => [n, true])));
  }
  return [
    { params: {}, view: { kind: 'full' } },
    { params: { return_object: 'shallow' }, view: { kind: 'shallow' } },
    { params: { return_object: 'limited' }, view: { kind: 'limited' } },
    { params: { fields: JSON.stringify(fields) }, view: { kind: 'fields', fields: tree } },
  ];
}

/** Every row of `def`, by pages of its API (ids order). */
async function allRecords(service: RecordService): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for (let offset = 0; ; offset += 50) {
    const page = await service.list(service.parseQuery({ offset: String(offset), limit: '50', order_by: 'id' }));
    out.push(...page);
    if (page.length < 50) return out;
  }
}

const text = (b: Buffer | undefined): string => (b === undefined ? '' : b.toString('utf8'));

for (const dialect of DIALECTS) {
  describe(`the bytes path answers what the tree renders, on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let engine: Engine;
    let cache: ResponseCache;

    beforeAll(async () => {
      ({ store, drop } = await dialect.open());
      cache = new ResponseCache(64 * 2 ** 20);
      engine = await Engine.open(store, undefined, cache);
      await applySeedFixture(store, engine, demoFixture());
      // One row of each resource the demo set leaves empty.
      const actor = { name: 'test', userId: null };
      const remit = { 'remit-to-code': 'R-1', street1: '1 Main St', city: 'Springfield', 'postal-code': '12345' };
      const first = async (name: string) => {
        const [row] = await engine.service(name).list(engine.service(name).parseQuery({}));
        if (!row) throw new Error(`no ${name} to own the row`);
        return row.id;
      };
      await engine
        .service('remit_to_addresses')
        .create({ ...remit, country: { code: 'US' } }, actor, { system: new Map([['supplier', await first('suppliers')]]) });
      await engine
        .service('worker_documents')
        .create({ type: { name: 'Work Permit' } }, actor, { system: new Map([['worker', await first('workers')]]) });
      await engine.service('data_file_sources').create({}, actor, { system: new Map([['file-file-name', 'users.csv']]) });
      await seedCso(engine, store, { companies: 3, users: 60, randomSeed: 23 });
    });
    afterAll(async () => {
      await engine.close();
      await drop();
    });

    it('covers users, workers with owned rows, and every reference resource', () => {
      const names = servedResources('core').map((d) => d.name);
      expect(names).toEqual(expect.arrayContaining(['users', 'workers', 'departments', 'roles']));
    });

    for (const def of servedResources('core')) {
      if (!def.api?.operations.includes('show')) continue;
      it(`${def.name}: every record, view and format, shown and paged`, async () => {
        const service = engine.service(def);
        const records = await allRecords(service);
        if (['users', 'workers', 'departments'].includes(def.name)) expect(records.length).toBeGreaterThan(5);
        const ownerOf = (r: StoredRecord): RecordId | undefined =>
          service.owner ? (r.refs.get(service.owner.name) ?? undefined) : undefined;
        for (const { params, view } of viewsOf(def)) {
          const tree = await service.present(records, view);
          for (const format of ['json', 'xml'] as CoreFormat[]) {
            for (const [i, r] of records.entries()) {
              const o = tree[i];
              if (!o) throw new Error(`${def.name} ${String(r.id)} rendered nothing`);
              const old = format === 'json' ? renderJson(o) : renderXml(o);
              // A first miss renders, a second renders and keeps (the doorkeeper), the third is a hit.
              for (let round = 0; round < 3; round++) {
                expect(text(await service.showBytes(r.id, ownerOf(r), view, format))).toBe(old);
              }
            }
            if (service.owner) continue;
            for (let offset = 0; offset < records.length; offset += 50) {
              const query = service.parseQuery({ ...params, offset: String(offset), order_by: 'id' });
              const items = tree.slice(offset, offset + 50);
              const old = format === 'json' ? renderJson(items) : renderXmlList(def.plural, items);
              for (let round = 0; round < 3; round++) {
                expect(text(await service.pageBytes(query, undefined, format))).toBe(old);
              }
            }
          }
        }
      });
    }

    for (const def of servedResources('cso')) {
      it(`${def.name} (CSO): every record, shown and paged, as CSO's JSON`, async () => {
        const service = engine.service(def);
        const records = await allRecords(service);
        expect(records.length).toBeGreaterThan(2);
        const tree = await service.present(records);
        for (const [i, r] of records.entries()) {
          const o = tree[i];
          if (!o) throw new Error(`${def.name} ${String(r.id)} rendered nothing`);
          const old = JSON.stringify(csoObject(o));
          for (let round = 0; round < 3; round++) {
            expect(text(await service.showBytes(r.id, undefined, { kind: 'full' }, 'cso-json'))).toBe(old);
          }
        }
        for (let offset = 0; offset < records.length; offset += 50) {
          const query = service.parseQuery({ offset: String(offset), limit: '50', order_by: 'id' });
          const old = JSON.stringify({ total: records.length, [def.plural]: tree.slice(offset, offset + 50).map(csoObject) });
          for (let round = 0; round < 3; round++) {
            const items = await service.pageItems(query, undefined, 'cso-json');
            expect(text(csoPageBytes(await service.count(query), def.plural, items))).toBe(old);
          }
        }
      });
    }

    it('writes awkward values as the tree does: every scalar and part null, blank, escaped, a number, a boolean', async () => {
      // Seeded rows hold tidy values; the compiled writers' branches for the rest are pinned here.
      const awkward: Array<ScalarValue | null> = [
        null,
        '',
        `O'Brien <b> & "q" \u0001 é 😀 ]]> \u2028`,
        0,
        -1.5,
        true,
        false,
        '2026-12-07T10:11:12.345Z',
      ];
      const texts = awkward.filter((v): v is string | null => v === null || typeof v === 'string');
      let checked = 0;
      for (const def of [...servedResources('core'), ...servedResources('cso')]) {
        const service = engine.service(def);
        const [r] = await service.list(service.parseQuery({ limit: '1' }));
        if (!r) continue;
        const lookups = await service.lookups([r]);
        const views = familyOf(def) === 'cso' ? [{ kind: 'full' } as const] : viewsOf(def).map((v) => v.view);
        for (let turn = 0; turn < awkward.length; turn++) {
          const values = new Map([...r.values.keys()].map((k, i) => [k, awkward[(turn + i) % awkward.length] ?? null]));
          // Every composite set (none on the first turn), a part in three left out (its `blank` then shows).
          const composites = new Map(
            indexCatalog(def).composites.map((el, i) => [
              el.name,
              turn === 0
                ? null
                : new Map(
                    el.fields.flatMap((f, j) =>
                      (turn + j) % 3 === 2 ? [] : [[f.name, texts[(turn + i + j) % texts.length] ?? null]],
                    ),
                  ),
            ]),
          );
          const odd: StoredRecord = { ...r, values, composites };
          for (const view of views) {
            const o = presentAs(def, odd, lookups, view);
            if (!o) throw new Error(`${def.name} rendered nothing`);
            const written = (form: RecordForm): string => recordWriter(def, view, form)?.(odd, lookups) ?? '';
            if (familyOf(def) === 'cso') {
              expect(written('cso-json')).toBe(JSON.stringify(csoObject(o)));
            } else {
              expect(written('json')).toBe(renderJson(o));
              expect(written('xml')).toBe(renderXml(o));
              expect(text(pageBytes('xml', def.plural, [recordBytes(written('xml-item'))]))).toBe(renderXmlList(def.plural, [o]));
            }
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(100);
    });

    it('answered the third reads from the cache', () => {
      const { hits, misses } = cache.stats();
      // Two misses a record and view (the doorkeeper admits on the second), then hits.
      expect(hits).toBeGreaterThan(misses / 3);
    });
  });
}
