import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCEPT_JSON } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makePng, multipartFile } from './helpers/images.js';
import { JSON_IO, makeTestApp, type TestApp } from './helpers/test-app.js';
import { childrenOf, createWorker, showWorker, type JsonWorker } from './helpers/workers.js';

/**
 * A write racing a delete of the same row (issue 17, kind 3): on both databases exactly one
 * delete reports success, and a write that loses the race answers Coupa's 404 (or, for a nested
 * item, the error a missing item gets), never a 500.
 */

const codes = (responses: readonly LightMyRequestResponse[]): number[] => responses.map((r) => r.statusCode).sort();
const count = (list: readonly number[], status: number): number => list.filter((s) => s === status).length;

for (const dialect of DIALECTS) {
  describe(`writes racing deletes (${dialect.name})`, () => {
    let t: TestApp;
    let worker: number;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      worker = (await createWorker(t)).id;
    });
    afterEach(async () => {
      await t.close();
    });

    const documents = () => `/api/workers/${worker}/worker_documents`;
    const createDocument = async (): Promise<number> => {
      const res = await t.request({
        method: 'POST',
        url: documents(),
        headers: JSON_IO,
        payload: { type: { name: 'Work Permit' } },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (JSON.parse(res.body) as { id: number }).id;
    };

    it('of ten concurrent DELETEs of one document, one answers 200 and nine 404', async () => {
      const doc = await createDocument();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => t.request({ method: 'DELETE', url: `${documents()}/${doc}`, headers: ACCEPT_JSON })),
      );
      const statuses = codes(responses);
      expect(statuses).toEqual([200, ...Array<number>(9).fill(404)]);
      for (const r of responses.filter((res) => res.statusCode === 404)) {
        expect(r.headers['x-roster-error-code']).toBe('not_found');
        expect(r.body, r.body).toContain("Couldn't find Worker::WorkerDocument with 'id'=");
      }
    });

    it('of twenty concurrent _destroy of one child, one answers 200 and the rest refuse the missing item', async () => {
      const created = await t.request({
        method: 'PUT',
        url: `/api/workers/${worker}`,
        headers: JSON_IO,
        payload: { 'worker-emails': [{ 'email-address': 'race@example.com', 'email-type': 'Work' }] },
      });
      expect(created.statusCode, created.body).toBe(200);
      const email = childrenOf(JSON.parse(created.body) as JsonWorker, 'worker-emails')[0]?.id;
      expect(email).toBeGreaterThan(0);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          t.request({
            method: 'PUT',
            url: `/api/workers/${worker}`,
            headers: JSON_IO,
            payload: { 'worker-emails': [{ id: email, _destroy: true }] },
          }),
        ),
      );
      const statuses = codes(responses);
      expect(count(statuses, 200), JSON.stringify(statuses)).toBe(1);
      expect(count(statuses, 400), JSON.stringify(statuses)).toBe(19);
      for (const r of responses.filter((res) => res.statusCode === 400)) {
        expect(r.headers['x-roster-error-code']).toBe('unknown_reference');
        expect(r.body, r.body).toContain(
          `Couldn't find Worker::WorkerEmail with ID=${String(email)} for Worker with ID=${worker}`,
        );
      }
      expect(childrenOf(await showWorker(t, worker), 'worker-emails')).toEqual([]);
    });

    it('an attachment upload or an update racing the DELETE of its document answers success or 404, never 500', async () => {
      const form = multipartFile({ filename: 'a.png', contentType: 'image/png', data: makePng() });
      const seen = new Set<string>();
      for (let round = 0; round < 12; round++) {
        const doc = await createDocument();
        const [write, removal] = await Promise.all([
          round % 2 === 0
            ? t.request({
                method: 'POST',
                url: `${documents()}/${doc}/attachments`,
                headers: { ...form.headers, ...ACCEPT_JSON },
                payload: form.payload,
              })
            : t.request({
                method: 'PUT',
                url: `${documents()}/${doc}`,
                headers: JSON_IO,
                payload: { type: { name: 'Work Permit' }, attachments: [{ type: 'url', url: 'https://example.com/v' }] },
              }),
          t.request({ method: 'DELETE', url: `${documents()}/${doc}`, headers: ACCEPT_JSON }),
        ]);
        expect(removal.statusCode, removal.body).toBe(200);
        const wanted = round % 2 === 0 ? [201, 404] : [200, 404];
        expect(wanted, write.body).toContain(write.statusCode);
        if (write.statusCode === 404) expect(write.headers['x-roster-error-code']).toBe('not_found');
        seen.add(`${round % 2}:${write.statusCode}`);
        const gone = await t.request({ method: 'GET', url: `${documents()}/${doc}`, headers: ACCEPT_JSON });
        expect(gone.statusCode).toBe(404);
      }
      expect(seen.size).toBeGreaterThan(0);
    });
  });
}
