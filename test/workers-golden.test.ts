import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { credentialService } from '../src/cli/credentials.js';
import { loadFixture } from '../src/store/reference-seed.js';
import { ACCEPT_JSON, type JsonRecord } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { describeResponse, expectGolden } from './helpers/golden.js';
import { makePng, multipartFile } from './helpers/images.js';
import { JSON_IO, makeTestApp, XML, type TestApp } from './helpers/test-app.js';
import { createWorker, minimalWorker, sampleWorker, toWorkerXml, type WorkerDoc } from './helpers/workers.js';

/**
 * Worker API responses pinned byte for byte (test/helpers/golden.ts): a show and an index in
 * both formats (the names test/registry.test.ts requires), each error shape in both formats,
 * and seed 004's sample first worker reproduced key for key. Both dialects compare against
 * the same files.
 */

/** Seed 004's example response, its first worker, exactly as the seed prints it. */
const SEED_SAMPLE_FIRST_WORKER = {
  id: 1,
  'created-at': '2025-07-28T03:43:08-07:00',
  'updated-at': '2025-07-30T18:00:44-07:00',
  'first-name': 'Test',
  'last-name': 'Worker',
  'middle-name': null,
  active: true,
  status: 'assigned',
  'current-title': '',
  'total-experience-in-years': '10.0',
  'portal-access': 'Not Registered',
  'date-of-birth': '2000-07-01',
  'avatar-file-name': null,
  'avatar-content-type': null,
  'gender-code': 'm',
  gender: 'Male',
  supplier: { id: 132, name: 'FieldQA supplier SM', 'display-name': 'FieldQA Supplier SM' },
  'country-of-residence': { id: 222, code: 'AE', name: 'United Arab Emirates' },
  nationality: null,
  'portal-access-info': null,
  'worker-emails': [
    {
      id: 1,
      'created-at': '2025-07-28T03:43:08-07:00',
      'updated-at': '2025-07-28T03:43:08-07:00',
      'email-address': 'stage@coupa.com',
      'email-type': 'work',
    },
  ],
  'worker-skills': [],
  'worker-addresses': [
    {
      id: 382,
      'created-at': '2025-07-28T03:43:08-07:00',
      'updated-at': '2025-07-28T03:43:08-07:00',
      street1: 'abc',
      street2: null,
      street3: null,
      street4: null,
      city: 'asd',
      state: 'AZ',
      'state-iso-code': null,
      'postal-code': '1237710',
      active: true,
      'worker-address-purpose': { id: 33, code: 'Home', name: 'Home' },
    },
  ],
  'external-identifiers': [],
  'worker-documents': [],
  'worker-phone-numbers': [
    {
      id: 1,
      'created-at': '2025-07-28T03:43:08-07:00',
      'updated-at': '2025-07-28T03:43:08-07:00',
      'phone-type': 'mobile',
      'phone-number': { number: '022345678', extension: '', 'country-code': 'AL' },
    },
  ],
  'national-identifiers': [],
  'created-by': { id: 371, login: 'amandeep.vashishtha@coupa.com', 'employee-number': null, fullname: 'Amandeep V' },
  'updated-by': { id: 371, login: 'amandeep.v@coupa.com', 'employee-number': null, fullname: 'Amandeep V' },
};

/**
 * Where Roster's rendering of the sample worker differs from the seed's, ids aside and
 * timestamps compared as instants. Each would be reported here, not hidden; there are none.
 */
const KNOWN_DIFFERENCES: readonly string[] = [];

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Every difference between two JSON values, by path: values, and the order of each object's
 * keys. Ids are left out (each instance numbers its rows), and timestamps are compared as
 * instants (Coupa writes the instance's offset, Roster UTC).
 */
function differences(seed: unknown, roster: unknown, path = ''): string[] {
  const show = (v: unknown) => JSON.stringify(v);
  if (Array.isArray(seed) && Array.isArray(roster)) {
    if (seed.length !== roster.length) return [`${path}: seed has ${seed.length} items, Roster ${roster.length}`];
    return seed.flatMap((item: unknown, i) => differences(item, roster[i], `${path}[${i}]`));
  }
  if (typeof seed === 'object' && seed !== null && typeof roster === 'object' && roster !== null && !Array.isArray(roster)) {
    const s = seed as Record<string, unknown>;
    const r = roster as Record<string, unknown>;
    const order =
      show(Object.keys(s)) === show(Object.keys(r))
        ? []
        : [`${path || '.'}: keys ${show(Object.keys(s))} vs ${show(Object.keys(r))}`];
    const at = (k: string) => (path ? `${path}.${k}` : k);
    return [
      ...order,
      ...Object.keys(s)
        .filter((k) => k !== 'id')
        .flatMap((k) => differences(s[k], r[k], at(k))),
    ];
  }
  if (typeof seed === 'string' && typeof roster === 'string' && TIMESTAMP.test(seed) && TIMESTAMP.test(roster)) {
    return Date.parse(seed) === Date.parse(roster) ? [] : [`${path}: seed ${seed}, Roster ${roster} (another instant)`];
  }
  return show(seed) === show(roster) ? [] : [`${path}: seed ${show(seed)}, Roster ${show(roster)}`];
}

for (const dialect of DIALECTS) {
  describe(`worker golden responses on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(async () => {
      vi.useRealTimers();
      await t.close();
    });

    /** An API key whose API user has the given login and name, as a connector's credential would. */
    async function credentialOf(login: string, firstname: string, lastname: string): Promise<{ key: string; userId: number }> {
      const { record, key } = await credentialService(t.store).createKey({ name: `${firstname} ${lastname}`, scopes: null });
      const userId = record.userId ?? -1;
      const renamed = await t.request({
        method: 'PUT',
        url: `/api/users/${userId}`,
        headers: JSON_IO,
        payload: { login, firstname, lastname },
      });
      expect(renamed.statusCode, renamed.body).toBe(200);
      return { key, userId };
    }

    /** A worker with every element filled: each child collection, nationality, an avatar, an invitation, audit users. */
    async function richWorker(): Promise<number> {
      const { key } = await credentialOf('roster.connector@example.com', 'Roster', 'Connector');
      const doc: WorkerDoc = {
        ...sampleWorker(),
        'middle-name': 'Quinn',
        'current-title': 'Site Engineer',
        'country-of-citizenship': { code: 'IN' },
        'worker-emails': [
          { 'email-address': 'stage@coupa.com', 'email-type': 'work' },
          { 'email-address': 'test.worker@example.com', 'email-type': 'personal' },
        ],
        'worker-skills': [{ skill: { name: 'Welding' }, 'years-of-experience': '6.5' }],
        'external-identifiers': [{ 'identifier-type': { code: 'vms' }, value: 'VMS-000123' }],
        'national-identifiers': [{ country: { code: 'IN' }, 'identifier-type': { code: 'passport' }, value: 'P1234567' }],
        'worker-phone-numbers': [
          { 'phone-type': 'mobile', 'phone-number': '+355 22 345 678' },
          { 'phone-type': 'work', 'phone-number': '+1 212 555 0100 ext. 42' },
        ],
      };
      const res = await t.request({
        method: 'POST',
        url: '/api/workers',
        headers: { ...JSON_IO, 'x-coupa-api-key': key },
        payload: doc,
      });
      expect(res.statusCode, res.body).toBe(201);
      const { id } = JSON.parse(res.body) as JsonRecord;
      const mp = multipartFile({ filename: 'test-worker.png', contentType: 'image/png', data: makePng() });
      const avatar = await t.request({
        method: 'PUT',
        url: `/api/workers/${id}/avatar`,
        payload: mp.payload,
        headers: { ...mp.headers, 'x-coupa-api-key': key },
      });
      expect(avatar.statusCode, avatar.body).toBe(200);
      const invited = await t.request({
        method: 'POST',
        url: `/api/workers/${id}/invite_worker`,
        headers: { 'x-coupa-api-key': key },
      });
      expect(invited.statusCode, invited.body).toBe(200);
      return id;
    }

    it('show, XML', async () => {
      const id = await richWorker();
      expectGolden('show-worker.xml.txt', describeResponse(await t.request({ method: 'GET', url: `/api/workers/${id}` })));
    });

    it('show, JSON', async () => {
      const id = await richWorker();
      const res = await t.request({ method: 'GET', url: `/api/workers/${id}`, headers: ACCEPT_JSON });
      expectGolden('show-worker.json.txt', describeResponse(res));
    });

    async function twoWorkers(): Promise<void> {
      await createWorker(t, sampleWorker());
      await createWorker(t, { ...minimalWorker(2), 'country-of-residence': 'US' });
    }

    it('index of two workers, XML', async () => {
      await twoWorkers();
      expectGolden('index-workers.xml.txt', describeResponse(await t.request({ method: 'GET', url: '/api/workers' })));
    });

    it('index of two workers, JSON', async () => {
      await twoWorkers();
      expectGolden(
        'index-workers.json.txt',
        describeResponse(await t.request({ method: 'GET', url: '/api/workers', headers: ACCEPT_JSON })),
      );
    });

    describe('error shapes', () => {
      const invalid: WorkerDoc = {
        'last-name': 'Worker',
        'date-of-birth': '2999-01-01',
        'gender-code': 'x',
        'total-experience-in-years': '4',
      };
      const unknown: WorkerDoc = {
        ...minimalWorker(),
        supplier: { name: 'Nobody Staffing' },
        'country-of-residence': { code: 'XX' },
      };

      it('validation, XML (messages in CDATA)', async () => {
        const res = await t.request({ method: 'POST', url: '/api/workers', headers: XML, payload: toWorkerXml(invalid) });
        expectGolden('error-worker-validation.xml.txt', describeResponse(res));
      });

      it('validation, JSON ({"errors":{"worker":[…]}})', async () => {
        const res = await t.request({ method: 'POST', url: '/api/workers', headers: JSON_IO, payload: invalid });
        expectGolden('error-worker-validation.json.txt', describeResponse(res));
      });

      it('unknown reference, XML', async () => {
        const res = await t.request({ method: 'POST', url: '/api/workers', headers: XML, payload: toWorkerXml(unknown) });
        expectGolden('error-worker-unknown-reference.xml.txt', describeResponse(res));
      });

      it('unknown reference, JSON', async () => {
        const res = await t.request({ method: 'POST', url: '/api/workers', headers: JSON_IO, payload: unknown });
        expectGolden('error-worker-unknown-reference.json.txt', describeResponse(res));
      });

      it('not found, XML', async () => {
        expectGolden(
          'error-worker-not-found.xml.txt',
          describeResponse(await t.request({ method: 'GET', url: '/api/workers/404' })),
        );
      });

      it('not found, JSON', async () => {
        const res = await t.request({ method: 'GET', url: '/api/workers/404', headers: ACCEPT_JSON });
        expectGolden('error-worker-not-found.json.txt', describeResponse(res));
      });

      it('no results, XML', async () => {
        await createWorker(t);
        const res = await t.request({ method: 'GET', url: '/api/workers?first-name=Nobody' });
        expectGolden('error-worker-no-results.xml.txt', describeResponse(res));
      });
    });

    describe("seed 004's sample first worker", () => {
      /**
       * The sample worker made as Coupa made it: created on 2025-07-28T03:43:08-07:00 by Amandeep
       * V's credential, assigned, and updated on 2025-07-30T18:00:44-07:00.
       *
       * The sample's `created-by` and `updated-by` both have id 371 but different logins
       * (`amandeep.vashishtha@coupa.com`, `amandeep.v@coupa.com`): one user cannot render two
       * logins in one response (Roster, like Rails, renders a user's current row), so the
       * worker is created with one credential and updated with another, each API user named as
       * the sample names it. Their ids differ, where the sample's are equal.
       *
       * The sample's supplier is named `FieldQA supplier SM` (display name `FieldQA Supplier
       * SM`); Roster's default supplier is named `FieldQA Supplier SM`, the same name under
       * Coupa's case-insensitive collation (src/query/caseless.ts), so the fixture renames it
       * as the sample spells it.
       */
      async function sampleAsCoupaMadeIt(): Promise<JsonRecord> {
        await loadFixture(t.store, {
          suppliers: [{ name: 'FieldQA supplier SM', 'display-name': 'FieldQA Supplier SM', status: 'active' }],
        });
        const creator = await credentialOf('amandeep.vashishtha@coupa.com', 'Amandeep', 'V');
        const updater = await credentialOf('amandeep.v@coupa.com', 'Amandeep', 'V');
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(new Date('2025-07-28T03:43:08-07:00'));
        const created = await t.request({
          method: 'POST',
          url: '/api/workers',
          headers: { ...JSON_IO, 'x-coupa-api-key': creator.key },
          payload: { ...sampleWorker(), supplier: { name: 'FieldQA supplier SM' } },
        });
        expect(created.statusCode, created.body).toBe(201);
        const { id } = JSON.parse(created.body) as JsonRecord;
        // An assignment in progress makes a worker `assigned`; Roster has no assignments, so set it as a fixture does.
        await t.store.db.updateTable('workers').set({ status: 'assigned' }).where('id', '=', id).execute();
        vi.setSystemTime(new Date('2025-07-30T18:00:44-07:00'));
        const updated = await t.request({
          method: 'PATCH',
          url: `/api/workers/${id}`,
          headers: { ...JSON_IO, 'x-coupa-api-key': updater.key },
          payload: {},
        });
        expect(updated.statusCode, updated.body).toBe(200);
        vi.useRealTimers();
        const res = await t.request({ method: 'GET', url: `/api/workers/${id}`, headers: ACCEPT_JSON });
        expect(res.statusCode).toBe(200);
        expectGolden('sample-worker.json.txt', describeResponse(res));
        const worker = JSON.parse(res.body) as JsonRecord;
        expect([worker['created-by'], worker['updated-by']]).toEqual([
          expect.objectContaining({ id: creator.userId }),
          expect.objectContaining({ id: updater.userId }),
        ]);
        return worker;
      }

      it('is reproduced key for key, in the same order, with the same values but for the known differences', async () => {
        const worker = await sampleAsCoupaMadeIt();
        expect(differences(SEED_SAMPLE_FIRST_WORKER, worker)).toEqual(KNOWN_DIFFERENCES);
      });

      it('renders created-by and updated-by as the sample nests a user: id, login, employee-number, fullname', async () => {
        const worker = await sampleAsCoupaMadeIt();
        expect(worker['created-by']).toEqual({ ...SEED_SAMPLE_FIRST_WORKER['created-by'], id: expect.any(Number) as number });
        expect(worker['updated-by']).toEqual({ ...SEED_SAMPLE_FIRST_WORKER['updated-by'], id: expect.any(Number) as number });
      });
    });
  });
}
