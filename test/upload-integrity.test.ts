import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCEPT_JSON, createUser, JSON_TYPE } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeGif, makePng } from './helpers/images.js';
import { JSON_IO, makeTestApp, validUser, type TestApp } from './helpers/test-app.js';
import { createWorker } from './helpers/workers.js';

/**
 * An upload is stored only once its whole body parsed (issue 17, kind 1): a multipart body that
 * ends before its closing delimiter, or whose boundary RFC 2046 does not allow, is a 400 in
 * Coupa's shape on both databases, and the file stored before stays as it was.
 */

const B = 'RosterB1';
const head = (boundary: string, field = 'file') =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="new.gif"\r\nContent-Type: image/gif\r\n\r\n`;
const NEW = makeGif();

/** Bodies that carry a whole, valid new image but never end cleanly, each with its Content-Type. */
const BROKEN: ReadonlyArray<{ name: string; contentType: string; payload: Buffer }> = [
  {
    name: 'a second part that never ends (no closing delimiter)',
    contentType: `multipart/form-data; boundary=${B}`,
    payload: Buffer.concat([Buffer.from(head(B)), NEW, Buffer.from(`\r\n--${B}\r\nContent-Disposition: garbage\r\n\r\nxx`)]),
  },
  {
    name: 'a body ending in a bare delimiter',
    contentType: `multipart/form-data; boundary=${B}`,
    payload: Buffer.concat([Buffer.from(head(B)), NEW, Buffer.from(`\r\n--${B}`)]),
  },
  {
    name: 'a file part cut off before any delimiter',
    contentType: `multipart/form-data; boundary=${B}`,
    payload: Buffer.concat([Buffer.from(head(B)), NEW]),
  },
  {
    name: 'an empty boundary',
    contentType: 'multipart/form-data; boundary=',
    payload: Buffer.concat([Buffer.from(head('')), NEW, Buffer.from('\r\n----\r\n')]),
  },
  {
    name: 'a quoted empty boundary',
    contentType: 'multipart/form-data; boundary=""',
    payload: Buffer.concat([Buffer.from(head('')), NEW, Buffer.from('\r\n----\r\n')]),
  },
  {
    name: 'a boundary of 71 characters',
    contentType: `multipart/form-data; boundary=${'b'.repeat(71)}`,
    payload: Buffer.concat([Buffer.from(head('b'.repeat(71))), NEW, Buffer.from(`\r\n--${'b'.repeat(71)}--\r\n`)]),
  },
];

const whole = (boundary: string, data: Buffer): Buffer =>
  Buffer.concat([Buffer.from(head(boundary)), data, Buffer.from(`\r\n--${boundary}--\r\n`)]);

for (const dialect of DIALECTS) {
  describe(`an upload is stored only when its whole body parsed (${dialect.name})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    /** Sends a multipart body to `url` by `method`. */
    const send = (method: 'POST' | 'PUT', url: string, contentType: string, payload: Buffer) =>
      t.request({ method, url, headers: { 'content-type': contentType, ...ACCEPT_JSON }, payload });

    const FIRST = makePng({ width: 2, height: 2 });

    for (const target of ['users', 'workers'] as const) {
      it(`keeps a ${target === 'users' ? 'user' : 'worker'}'s avatar when the new one's body is broken`, async () => {
        const id = target === 'users' ? (await createUser(t, validUser('avatar'))).id : (await createWorker(t)).id;
        const url = `/api/${target}/${id}/avatar`;
        const method = target === 'users' ? 'POST' : 'PUT';
        const first = await send(method, url, `multipart/form-data; boundary=${B}`, whole(B, FIRST));
        expect(first.statusCode, first.body).toBe(target === 'users' ? 201 : 200);
        for (const broken of BROKEN) {
          const res = await send(method, url, broken.contentType, broken.payload);
          expect(res.statusCode, `${broken.name}: ${res.body}`).toBe(400);
          expect(res.headers['x-roster-error-code'], broken.name).toBe('invalid_avatar');
          expect(res.headers['content-type'], broken.name).toBe(JSON_TYPE);
          expect(JSON.parse(res.body), broken.name).toMatchObject({
            errors: { [target === 'users' ? 'user' : 'worker']: [expect.stringMatching(/^Malformed multipart body: /)] },
          });
          const kept = await t.request({ method: 'GET', url });
          expect(kept.statusCode, broken.name).toBe(200);
          expect(kept.rawPayload.equals(FIRST), broken.name).toBe(true);
        }
      });
    }

    it("keeps a worker document's attachments when a new file's body is broken", async () => {
      const worker = (await createWorker(t)).id;
      const created = await t.request({
        method: 'POST',
        url: `/api/workers/${worker}/worker_documents`,
        headers: JSON_IO,
        payload: { type: { name: 'Work Permit' } },
      });
      expect(created.statusCode, created.body).toBe(201);
      const doc = (JSON.parse(created.body) as { id: number }).id;
      const url = `/api/workers/${worker}/worker_documents/${doc}/attachments`;
      const first = await send('POST', url, `multipart/form-data; boundary=${B}`, whole(B, FIRST));
      expect(first.statusCode, first.body).toBe(201);
      for (const broken of BROKEN) {
        const res = await send('POST', url, broken.contentType, broken.payload);
        expect(res.statusCode, `${broken.name}: ${res.body}`).toBe(400);
        expect(res.headers['x-roster-error-code'], broken.name).toBe('invalid_attachment');
      }
      const shown = await t.request({
        method: 'GET',
        url: `/api/workers/${worker}/worker_documents/${doc}`,
        headers: ACCEPT_JSON,
      });
      const attachments = (JSON.parse(shown.body) as { attachments: Array<{ file: string }> }).attachments;
      expect(attachments).toHaveLength(1);
    });
  });
}
