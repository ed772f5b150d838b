import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACCEPT_JSON, expectError, XML_TYPE } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';
import { createWorker, listWorkers, minimalWorker, sampleWorker, updateWorker, type WorkerDoc } from './helpers/workers.js';

/**
 * Coupa's query language on GET /api/workers (docs/query-language.md), over six workers that
 * differ in every element the queries look at. Each query must return exactly the right
 * workers, in id order unless it asks for another.
 */

const W = { resource: 'worker' };

/** Six workers: seed 004's two sample workers, then four more; each created at its own second. */
const WORKERS: ReadonlyArray<readonly [string, string, WorkerDoc]> = [
  ['test', '2026-01-01T10:00:00Z', sampleWorker()],
  [
    'test2',
    '2026-01-02T10:00:00Z',
    {
      'first-name': 'Test 2',
      'last-name': 'Worker',
      'current-title': '',
      'total-experience-in-years': '4.0',
      'date-of-birth': '1990-07-03',
      'gender-code': 'f',
      supplier: { name: 'FieldQA Supplier SM' },
      'country-of-residence': { code: 'US' },
      'worker-emails': [{ 'email-address': 'stage+testworker@Coupa.com', 'email-type': 'personal' }],
      'worker-addresses': [
        { street1: 'abc', city: 'new york', state: 'NY', 'postal-code': '1112223', 'worker-address-purpose': { code: 'Home' } },
      ],
      'worker-phone-numbers': [{ 'phone-type': 'mobile', 'phone-number': '+91 7410 410123' }],
    },
  ],
  [
    'ada',
    '2026-01-03T10:00:00Z',
    {
      'first-name': 'Ada',
      'last-name': 'Lovelace',
      'total-experience-in-years': '12.5',
      'date-of-birth': '1985-12-10',
      'gender-code': 'f',
      supplier: 'Acme Staffing',
      'country-of-residence': 'GB',
      'country-of-citizenship': 'GB',
      'worker-emails': [{ 'email-address': 'ada@acme.example', 'email-type': 'work' }],
      'worker-addresses': [{ city: 'London', 'worker-address-purpose': 'Work' }],
      'worker-skills': [{ skill: 'Java', 'years-of-experience': 6 }],
    },
  ],
  [
    'charles',
    '2026-01-04T10:00:00Z',
    {
      'first-name': 'Charles',
      'last-name': 'Babbage',
      'total-experience-in-years': 20,
      'date-of-birth': '1971-12-26',
      'gender-code': 'm',
      supplier: 'Northwind Contractors',
      'country-of-residence': 'US',
      'worker-addresses': [{ city: 'New Haven', 'worker-address-purpose': 'Mailing' }],
    },
  ],
  [
    'grace',
    '2026-01-05T10:00:00Z',
    {
      'first-name': 'Grace',
      'last-name': 'Hopper',
      'middle-name': 'Brewster',
      'total-experience-in-years': '9',
      'date-of-birth': '1996-12-09',
      'gender-code': 'f',
      'country-of-residence': 'AE',
      'worker-emails': [
        { 'email-address': 'grace@home.example', 'email-type': 'personal' },
        { 'email-address': 'grace@navy.example', 'email-type': 'work' },
      ],
      'worker-addresses': [{ city: 'Abu Dhabi', 'worker-address-purpose': 'Home' }],
    },
  ],
  [
    'alan',
    '2026-01-06T10:00:00Z',
    {
      ...minimalWorker(),
      'first-name': 'Alan',
      'last-name': 'Turing',
      'total-experience-in-years': '0.5',
      'date-of-birth': '2001-06-23',
      'gender-code': 'm',
      supplier: { name: 'FieldQA Supplier SM' },
      'country-of-residence': { code: 'IN' },
      'worker-emails': [{ 'email-address': 'alan@bletchley.example', 'email-type': 'work' }],
    },
  ],
];

type Name = (typeof WORKERS)[number][0];

for (const dialect of DIALECTS) {
  describe(`worker queries on ${dialect.name}`, () => {
    let t: TestApp;
    /** Each worker's id by its name in WORKERS. */
    const ids = new Map<string, number>();
    const idsOf = (...names: Name[]): number[] => names.map((n) => ids.get(n) ?? -1);
    const found = async (query: string): Promise<number[]> => (await listWorkers(t, `?${query}`)).map((w) => w.id);

    beforeEach(async () => {
      t = await makeTestApp(dialect);
      ids.clear();
      // Only Date is faked, so each worker gets its own created-at and updated-at.
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        for (const [name, at, doc] of WORKERS) {
          vi.setSystemTime(new Date(at));
          ids.set(name, (await createWorker(t, doc)).id);
        }
        // The sample's first worker is `assigned`: an assignment is Coupa's, not the API's, so set as a fixture would.
        await t.store.db.updateTable('workers').set({ status: 'assigned' }).where('id', '=', idsOf('test')[0]).execute();
        vi.setSystemTime(new Date('2026-01-07T10:00:00Z'));
        const invited = await t.request({ method: 'POST', url: `/api/workers/${idsOf('alan')[0]}/invite_worker` });
        expect(invited.statusCode).toBe(200);
      } finally {
        vi.useRealTimers();
      }
    });
    afterEach(async () => {
      await t.close();
    });

    it('creates the six workers in order', async () => {
      expect(await found('')).toEqual(idsOf('test', 'test2', 'ada', 'charles', 'grace', 'alan'));
    });

    const QUERIES: ReadonlyArray<readonly [string, readonly Name[]]> = [
      ['status=open', ['test2', 'ada', 'charles', 'grace', 'alan']],
      ['status=assigned', ['test']],
      ['status[in]=open,assigned', ['test', 'test2', 'ada', 'charles', 'grace', 'alan']],
      ['portal-access=Invited', ['alan']],
      ['portal-access[not_eq]=Invited', ['test', 'test2', 'ada', 'charles', 'grace']],
      ['supplier[name]=FieldQA Supplier SM', ['test', 'test2', 'alan']],
      ['supplier[name]=FieldQA%20Supplier%20SM', ['test', 'test2', 'alan']],
      // Any ASCII case, as Coupa's collation matches (src/query/caseless.ts).
      ['supplier[name]=fieldqa supplier sm', ['test', 'test2', 'alan']],
      ['supplier[name][not_eq]=FieldQA Supplier SM', ['ada', 'charles']],
      ['supplier[id][blank]=true', ['grace']],
      ['supplier[display-name]=Acme Staffing Ltd.', ['ada']],
      ['worker-emails[email-address]=stage@coupa.com', ['test']],
      ['worker-emails[email-address]=stage%2Btestworker@Coupa.com', ['test2']],
      ['worker-emails[email-address][ends_with]=@COUPA.com', ['test', 'test2']],
      ['worker-emails[email-type]=work', ['test', 'ada', 'grace', 'alan']],
      ['worker-emails[id][blank]=true', ['charles']],
      ['worker-addresses[city][starts_with]=new', ['test2', 'charles']],
      ['worker-addresses[city][starts_with]=New', ['test2', 'charles']],
      ['worker-addresses[city]=new york', ['test2']],
      ['worker-addresses[worker-address-purpose][code]=Home', ['test', 'test2', 'grace']],
      ['worker-addresses[id][blank]=true', ['alan']],
      ['country-of-residence[code][in]=AE,US', ['test', 'test2', 'charles', 'grace']],
      ['country-of-residence[code][not_in]=AE,US', ['ada', 'alan']],
      ['country-of-residence[name]=United Arab Emirates', ['test', 'grace']],
      ['country-of-citizenship[code]=GB', ['ada']],
      ['nationality[code]=GB', ['ada']],
      ['nationality[id][blank]=true', ['test', 'test2', 'charles', 'grace', 'alan']],
      ['worker-phone-numbers[phone-number][country-code]=IN', ['test2']],
      ['worker-skills[skill][name]=Java', ['ada']],
      ['updated-at[gt]=2026-01-03T10:00:00Z', ['charles', 'grace', 'alan']],
      ['updated-at[gt_or_eq]=2026-01-03T10:00:00Z', ['ada', 'charles', 'grace', 'alan']],
      ['updated-at[gt]=2026-01-03T12:00:00%2B02:00', ['charles', 'grace', 'alan']],
      // Ruby's Time#to_s, form-encoded (Workato), its sign unescaped, and an HTTP date (issue 18).
      ['updated-at[gt]=2026-01-03+10:00:00+%2B0000', ['charles', 'grace', 'alan']],
      ['updated-at[gt]=2026-01-03+02:00:00+-0800', ['charles', 'grace', 'alan']],
      ['updated-at[gt_or_eq]=Sat,+03+Jan+2026+10:00:00+GMT', ['ada', 'charles', 'grace', 'alan']],
      ['updated-at[lt]=2026-01-03', ['test', 'test2']],
      ['created-at[gt]=2026-01-05T09:59:59Z', ['grace', 'alan']],
      ['first-name[contains]=a', ['ada', 'charles', 'grace', 'alan']],
      ['first-name[contains]=TEST', ['test', 'test2']],
      ['first-name[contains]=st 2', ['test2']],
      ['last-name[ends_with]=er', ['test', 'test2', 'grace']],
      ['middle-name[blank]=true', ['test', 'test2', 'ada', 'charles', 'alan']],
      ['current-title[blank]=true', ['test', 'test2', 'ada', 'charles', 'grace', 'alan']],
      ['gender-code=f', ['test2', 'ada', 'grace']],
      ['date-of-birth[lt]=1990-07-03', ['ada', 'charles']],
      ['date-of-birth[gt_or_eq]=1996-12-09', ['test', 'grace', 'alan']],
      ['date-of-birth=2000-07-01', ['test']],
      ['total-experience-in-years[gt]=5', ['test', 'ada', 'charles', 'grace']],
      ['total-experience-in-years[lt]=10', ['test2', 'grace', 'alan']],
      ['total-experience-in-years=10', ['test']],
      ['supplier[name]=FieldQA Supplier SM&country-of-residence[code]=US', ['test2']],
    ];
    for (const [query, expected] of QUERIES) {
      it(`${query} → ${expected.join(', ') || 'nobody'}`, async () => {
        expect(await found(query)).toEqual(idsOf(...expected));
      });
    }

    it('id[in] and id[not_in] take the ids the API gave', async () => {
      const [test2, charles] = idsOf('test2', 'charles');
      expect(await found(`id[in]=${test2},${charles}`)).toEqual([test2, charles]);
      expect(await found(`id[not_in]=${test2},${charles}`)).toEqual(idsOf('test', 'ada', 'grace', 'alan'));
    });

    it('a later update moves a worker into updated-at[gt]', async () => {
      const [test] = idsOf('test');
      expect((await updateWorker(t, test ?? -1, { 'middle-name': 'Q' })).statusCode).toBe(200);
      expect(await found('updated-at[gt]=2026-01-03T10:00:00Z')).toEqual(idsOf('test', 'charles', 'grace', 'alan'));
    });

    it('return_object=limited answers ids only, in XML and JSON', async () => {
      const json = await listWorkers(t, '?return_object=limited&supplier[name]=FieldQA Supplier SM');
      expect(json).toEqual(idsOf('test', 'test2', 'alan').map((id) => ({ id })));
      const xml = await t.request({ method: 'GET', url: `/api/workers?return_object=limited&id=${ids.get('test')}` });
      expect(xml.headers['content-type']).toBe(XML_TYPE);
      expect(xml.body).toBe(
        `<?xml version="1.0" encoding="UTF-8"?>\n<workers type="array">\n  <worker>\n    <id type="integer">${ids.get('test')}</id>\n  </worker>\n</workers>\n`,
      );
    });

    it('return_object=shallow keeps the elements, reducing associations and children to id and key', async () => {
      const [w] = await listWorkers(t, '?return_object=shallow&first-name=Grace');
      const [full] = await listWorkers(t, '?first-name=Grace');
      expect(Object.keys(w ?? {})).toEqual(Object.keys(full ?? {}));
      expect(w).toMatchObject({
        'first-name': 'Grace',
        'middle-name': 'Brewster',
        'total-experience-in-years': '9.0',
        supplier: null,
        'country-of-residence': { id: expect.any(Number) as number, code: 'AE' },
        'worker-emails': [
          { id: expect.any(Number) as number, 'email-address': 'grace@home.example' },
          { id: expect.any(Number) as number, 'email-address': 'grace@navy.example' },
        ],
        'worker-addresses': [{ id: expect.any(Number) as number, city: 'Abu Dhabi' }],
      });
      const [test] = await listWorkers(t, '?return_object=shallow&status=assigned');
      expect(test?.['supplier']).toEqual({ id: expect.any(Number) as number, name: 'FieldQA Supplier SM' });
    });

    it('fields picks elements, and elements inside children, in the record order', async () => {
      const fields = encodeURIComponent(JSON.stringify(['id', 'first-name', { 'worker-emails': ['email-address'] }]));
      expect(await listWorkers(t, `?fields=${fields}&country-of-residence[code]=AE`)).toEqual([
        { id: ids.get('test'), 'first-name': 'Test', 'worker-emails': [{ 'email-address': 'stage@coupa.com' }] },
        {
          id: ids.get('grace'),
          'first-name': 'Grace',
          'worker-emails': [{ 'email-address': 'grace@home.example' }, { 'email-address': 'grace@navy.example' }],
        },
      ]);
      // Unencoded, as a client types it; the order of `fields` does not reorder the record.
      const raw = await listWorkers(t, '?fields=["worker-emails","first-name",{"supplier":["name"]}]&first-name=Alan');
      expect(raw).toEqual([
        {
          'first-name': 'Alan',
          supplier: { name: 'FieldQA Supplier SM' },
          'worker-emails': [
            {
              id: expect.any(Number) as number,
              'created-at': '2026-01-06T10:00:00Z',
              'updated-at': '2026-01-06T10:00:00Z',
              'email-address': 'alan@bletchley.example',
              'email-type': 'work',
            },
          ],
        },
      ]);
      const phone = await listWorkers(
        t,
        '?fields=["id",{"worker-phone-numbers":[{"phone-number":["country-code"]}]}]&first-name=Test 2',
      );
      expect(phone).toEqual([{ id: ids.get('test2'), 'worker-phone-numbers': [{ 'phone-number': { 'country-code': 'IN' } }] }]);
    });

    it('pages with limit and offset, in id order', async () => {
      const all = idsOf('test', 'test2', 'ada', 'charles', 'grace', 'alan');
      expect(await found('limit=2')).toEqual(all.slice(0, 2));
      expect(await found('limit=2&offset=2')).toEqual(all.slice(2, 4));
      expect(await found('limit=4&offset=4')).toEqual(all.slice(4));
      expect(await found('offset=6')).toEqual([]);
      expectError(await t.request({ method: 'GET', url: '/api/workers?offset=6' }), 'no_results', [
        'No results match your search criteria.',
      ]);
      expect(await found('limit=0')).toEqual([]);
    });

    const ORDERS: ReadonlyArray<readonly [string, readonly Name[]]> = [
      ['order_by=date-of-birth', ['charles', 'ada', 'test2', 'grace', 'test', 'alan']],
      ['order_by=date_of_birth&dir=desc', ['alan', 'test', 'grace', 'test2', 'ada', 'charles']],
      ['order_by=first-name', ['ada', 'alan', 'charles', 'grace', 'test', 'test2']],
      ['order_by=last-name&dir=desc', ['test', 'test2', 'alan', 'ada', 'grace', 'charles']],
      ['order_by=total-experience-in-years', ['alan', 'test2', 'grace', 'test', 'ada', 'charles']],
      ['order_by=updated-at&dir=desc', ['alan', 'grace', 'charles', 'ada', 'test2', 'test']],
      ['order_by=middle-name', ['test', 'test2', 'ada', 'charles', 'alan', 'grace']],
      ['dir=desc', ['alan', 'grace', 'charles', 'ada', 'test2', 'test']],
      ['order_by=first-name&limit=2&offset=1', ['alan', 'charles']],
    ];
    for (const [query, expected] of ORDERS) {
      it(`${query} → ${expected.join(', ')}`, async () => {
        expect(await found(query)).toEqual(idsOf(...expected));
      });
    }

    describe('refuses what it cannot honour with 400 in Coupa shape', () => {
      const REFUSED: ReadonlyArray<readonly [string, string]> = [
        ['colour=red', "Unknown query parameter 'colour': workers have no such element"],
        ['worker-emails[colour]=x', "Query parameter 'worker-emails[colour]': worker-emails has no element 'colour'"],
        ['gender=Male', "Query parameter 'gender': 'gender' cannot be queried"],
        ['fields=["id","colour"]', "Query parameter 'fields' names an unknown field 'colour'"],
        [
          'fields=["id",{"worker-emails":["colour"]}]',
          "Query parameter 'fields' names an unknown field 'colour' in worker-emails",
        ],
        ['order_by=colour', "Query parameter 'order_by' names no sortable element: 'colour'"],
        // Coupa refuses blank on an association itself: name its id (supplier[id][blank]).
        [
          'supplier[blank]=true',
          "Query parameter 'supplier[blank]': supplier is an association; name one of its elements, as in supplier[id][blank]=…",
        ],
        ['order_by=supplier', "Query parameter 'order_by' names no sortable element: 'supplier'"],
        ['limit=x', "Query parameter 'limit' must be a non-negative integer"],
        ['return_object=none', "Query parameter 'return_object' must be limited, shallow on reads"],
        ['return_object=limited&fields=["id"]', 'Give either return_object or fields, not both'],
        // A value an element with allowed values can never hold names them (exact operators only).
        ['status=bogus', "Query parameter 'status' must be one of open, assigned"],
        ['status[not_eq]=bogus', "Query parameter 'status[not_eq]' must be one of open, assigned"],
        [
          'portal-access[in]=Invited,Gone',
          "Query parameter 'portal-access[in]' must be one of Not Registered, Invited, Registered",
        ],
      ];
      for (const [query, message] of REFUSED) {
        it(query, async () => {
          expectError(
            await t.request({ method: 'GET', url: `/api/workers?${query}`, headers: ACCEPT_JSON }),
            'invalid_query',
            [message],
            W,
          );
          expectError(await t.request({ method: 'GET', url: `/api/workers?${query}` }), 'invalid_query', [message]);
        });
      }
    });

    it('a query without results: 404 in XML, [] in JSON', async () => {
      for (const query of [
        'first-name=Nobody',
        'worker-emails[email-address]=nobody@example.com',
        'status=assigned&gender-code=f',
      ]) {
        expectError(await t.request({ method: 'GET', url: `/api/workers?${query}` }), 'no_results', [
          'No results match your search criteria.',
        ]);
        expect(await found(query)).toEqual([]);
      }
    });
  });
}
