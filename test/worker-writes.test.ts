import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../src/store/reference-seed.js';
import { createUser, expectError, parseJson } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, validUser, XML, type TestApp } from './helpers/test-app.js';
import {
  createWorker,
  listWorkers,
  minimalWorker,
  showWorker,
  toWorkerXml,
  updateWorker,
  workerSnapshot,
  type JsonWorker,
  type WorkerDoc,
} from './helpers/workers.js';

/**
 * Issue 18, kind 5: worker writes as replayed real clients build them, each refused before.
 * A supplier named by its number (Coupa's Supplier API `number`), an allowed value in another
 * case (`"gender-code": "F"`), and a date sent as a datetime (`"1990-07-03T00:00:00Z"`): each
 * rule is the engine's, so each is also pinned on another element or resource.
 */

/** A supplier the issue's request names by number, added as a `--seed` fixture would add it. */
const ISSUE_SUPPLIER = { name: 'Issue Staffing', 'display-name': 'Issue Staffing Ltd.', number: 'SUP-001', status: 'active' };

/** POSTs a worker as JSON, as is; the answer unchecked. */
const postWorker = (t: TestApp, doc: WorkerDoc) =>
  t.request({ method: 'POST', url: '/api/workers', headers: JSON_IO, payload: doc });

/** POSTs a worker as Coupa's XML, answered in XML. */
const postWorkerXml = (t: TestApp, doc: WorkerDoc) =>
  t.request({ method: 'POST', url: '/api/workers', headers: XML, payload: toWorkerXml(doc) });

/** Errors of a worker write are keyed `worker`. */
const W = { resource: 'worker' };

const supplierName = (w: JsonWorker): unknown => (w['supplier'] as Record<string, unknown> | null)?.['name'];

for (const dialect of DIALECTS) {
  describe(`worker writes as clients build them, on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      await loadFixture(t.store, { suppliers: [ISSUE_SUPPLIER] });
    });
    afterEach(async () => {
      await t.close();
    });

    describe('a supplier named by number, an alternate key of suppliers', () => {
      it('creates a worker whose supplier is {"number": "SUP-001"} (the issue request, JSON)', async () => {
        const res = await postWorker(t, { ...minimalWorker(), supplier: { number: 'SUP-001' } });
        expect(res.statusCode, res.body).toBe(201);
        const w = JSON.parse(res.body) as JsonWorker;
        expect(w['supplier']).toEqual({
          id: expect.any(Number) as number,
          name: 'Issue Staffing',
          'display-name': 'Issue Staffing Ltd.',
        });
        expect(supplierName(await showWorker(t, w.id))).toBe('Issue Staffing');
      });

      it('creates one from XML <supplier><number>SUP-001</number></supplier> (the issue request, XML)', async () => {
        const res = await postWorkerXml(t, { ...minimalWorker(), supplier: { number: 'SUP-001' } });
        expect(res.statusCode, res.body).toBe(201);
        expect(/<supplier>[\s\S]*?<\/supplier>/.exec(res.body)?.[0]).toContain('<name>Issue Staffing</name>');
      });

      it('moves a worker to another supplier by number on PUT', async () => {
        const w = await createWorker(t, { supplier: { name: 'Acme Staffing' } });
        const res = await updateWorker(t, w.id, { supplier: { number: 'SUP-0203' } });
        expect(res.statusCode, res.body).toBe(200);
        expect(supplierName(JSON.parse(res.body) as JsonWorker)).toBe('Globex Consulting');
      });

      it('takes the first key given, as Coupa does: the id, then the name, then the number', async () => {
        const acme = supplierName(await createWorker(t, { supplier: { name: 'Acme Staffing', number: 'SUP-001' } }));
        expect(acme).toBe('Acme Staffing');
        const byNumber = await createWorker(t, { supplier: { number: 'SUP-001' } });
        const supplierId = (byNumber['supplier'] as { id: number }).id;
        const byId = await createWorker(t, { supplier: { id: supplierId, name: 'Acme Staffing', number: 'SUP-0203' } });
        expect(supplierName(byId)).toBe('Issue Staffing');
        // A blank name names nothing when a number is given.
        expect(supplierName(await createWorker(t, { supplier: { name: '', number: 'SUP-0203' } }))).toBe('Globex Consulting');
      });

      it('refuses a number that names no supplier with unknown_reference naming the key, and writes nothing', async () => {
        const before = await workerSnapshot(t);
        expectError(
          await postWorker(t, { ...minimalWorker(), supplier: { number: 'SUP-999' } }),
          'unknown_reference',
          ["Supplier: no supplier with number 'SUP-999'"],
          W,
        );
        const xml = await postWorkerXml(t, { ...minimalWorker(), supplier: { number: 'SUP-999' } });
        expectError(xml, 'unknown_reference', ["Supplier: no supplier with number 'SUP-999'"], W);
        expect(await workerSnapshot(t)).toEqual(before);
      });
    });

    describe('an allowed value in another ASCII case is stored as the allowed value is spelled', () => {
      it('creates a worker with "gender-code": "F" (the issue request), stored and rendered as f, Female', async () => {
        const res = await postWorker(t, { ...minimalWorker(), 'gender-code': 'F' });
        expect(res.statusCode, res.body).toBe(201);
        const w = JSON.parse(res.body) as JsonWorker;
        expect([w['gender-code'], w['gender']]).toEqual(['f', 'Female']);
        const back = await showWorker(t, w.id);
        expect([back['gender-code'], back['gender']]).toEqual(['f', 'Female']);
        // In XML, and on PUT, too.
        const xml = await postWorkerXml(t, { ...minimalWorker(2), 'gender-code': 'M' });
        expect(xml.statusCode, xml.body).toBe(201);
        expect(xml.body).toContain('<gender-code>m</gender-code>');
        const put = await updateWorker(t, w.id, { 'gender-code': 'M' });
        expect(put.statusCode, put.body).toBe(200);
        expect((JSON.parse(put.body) as JsonWorker)['gender']).toBe('Male');
        // A value allowed in no case is refused as before.
        expectError(
          await postWorker(t, { ...minimalWorker(3), 'gender-code': 'X' }),
          'validation_failed',
          ['Gender code is not included in the list'],
          W,
        );
      });

      it("does the same for a user's employee-payment-channel and default-locale, not its authentication-method", async () => {
        const u = await createUser(t, { ...validUser(), 'employee-payment-channel': 'coupapay', 'default-locale': 'EN-us' });
        expect([u['employee-payment-channel'], u['default-locale']]).toEqual(['CoupaPay', 'en-US']);
        const res = await t.request({
          method: 'PUT',
          url: `/api/users/${u.id}`,
          headers: JSON_IO,
          payload: { 'employee-payment-channel': 'erp' },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(parseJson(res)['employee-payment-channel']).toBe('ERP');
        // Coupa's Users API: "Authentication methods are case-sensitive".
        const saml = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser(2), 'authentication-method': 'SAML' },
        });
        expectError(saml, 'validation_failed', ['Authentication method is not included in the list']);
        // Only A–Z fold: U+212A KELVIN SIGN lower-cases to k in Unicode, not here.
        const kelvin = await t.request({
          method: 'POST',
          url: '/api/users',
          headers: JSON_IO,
          payload: { ...validUser(3), 'default-locale': 'en-au-oc\u212Aer' },
        });
        expectError(kelvin, 'validation_failed', ['Default locale is not included in the list']);
      });

      it("does the same for a worker document attachment's type", async () => {
        const w = await createWorker(t);
        const res = await t.request({
          method: 'POST',
          url: `/api/workers/${w.id}/worker_documents`,
          headers: JSON_IO,
          payload: { type: { name: 'Work Permit' }, attachments: [{ type: 'URL', url: 'https://example.com/permit' }] },
        });
        expect(res.statusCode, res.body).toBe(201);
        expect((JSON.parse(res.body) as { attachments: { type: string }[] }).attachments.map((a) => a.type)).toEqual(['url']);
      });
    });

    describe('a date sent as a datetime keeps its calendar date as written', () => {
      const ISSUE_FORMS = ['1990-07-03T00:00:00Z', '1990-07-03 00:00:00 +0000', '1990-07-03T00:00:00.000-08:00'];

      it.each(ISSUE_FORMS)('creates a worker born %s (the issue requests) on 1990-07-03', async (sent) => {
        const res = await postWorker(t, { ...minimalWorker(), 'date-of-birth': sent });
        expect(res.statusCode, res.body).toBe(201);
        const w = JSON.parse(res.body) as JsonWorker;
        expect(w['date-of-birth']).toBe('1990-07-03');
        expect((await showWorker(t, w.id))['date-of-birth']).toBe('1990-07-03');
      });

      it('takes the date as written, not converted to UTC, in XML and on PUT', async () => {
        // 23:00 at -08:00 is the 4th in UTC; Rails' to_date keeps the 3rd.
        const xml = await postWorkerXml(t, { ...minimalWorker(), 'date-of-birth': '1990-07-03T23:00:00-08:00' });
        expect(xml.statusCode, xml.body).toBe(201);
        expect(xml.body).toContain('<date-of-birth type="date">1990-07-03</date-of-birth>');
        // A query value is read the same way.
        expect((await listWorkers(t, '?date-of-birth=1990-07-03T23:00:00-08:00')).length).toBeGreaterThan(0);
        const w = await createWorker(t);
        const put = await updateWorker(t, w.id, { 'date-of-birth': '2000-07-01T00:30:00+05:30' });
        expect(put.statusCode, put.body).toBe(200);
        expect((JSON.parse(put.body) as JsonWorker)['date-of-birth']).toBe('2000-07-01');
        // RFC 2822, as Ruby's Time#rfc2822 writes it: the date it names, in its own zone.
        const rfc = await createWorker(t, { 'date-of-birth': 'Tue, 03 Jul 1990 23:00:00 -0800' });
        expect(rfc['date-of-birth']).toBe('1990-07-03');
      });

      it('takes a datetime only when the whole text is one; anything else is still a 400', async () => {
        expect((await createWorker(t, { 'date-of-birth': '1990-07-03 12:30' }))['date-of-birth']).toBe('1990-07-03');
        for (const sent of [
          '1990-07-03T25:00:00Z',
          '2001-02-29T00:00:00Z',
          '1990-07-03 tea time',
          '1990-07-03T',
          '03/07/1990 00:00',
        ]) {
          expectError(
            await postWorker(t, { ...minimalWorker(), 'date-of-birth': sent }),
            'validation_failed',
            ['Date of birth is not a date (YYYY-MM-DD)'],
            W,
          );
        }
      });

      it('checks the date it keeps: a datetime in the future is refused as a date in the future', async () => {
        expectError(
          await postWorker(t, { ...minimalWorker(), 'date-of-birth': '2999-01-01T00:00:00Z' }),
          'validation_failed',
          ["Date of birth can't be in the future"],
          W,
        );
      });
    });
  });
}
