import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbSnapshot, expectError } from './helpers/api.js';
import { describeResponse, expectGolden } from './helpers/golden.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeGif, makePng, multipartFile } from './helpers/images.js';
import { JSON_IO, makeTestApp, XML, type TestApp } from './helpers/test-app.js';

const ACCEPT_JSON = { accept: 'application/json' };
type Json = Record<string, unknown>;
const body = (res: { body: string }): Json => JSON.parse(res.body) as Json;

const WORKER = {
  'first-name': 'Test',
  'last-name': 'Worker',
  'date-of-birth': '2000-07-01',
  'gender-code': 'm',
  'total-experience-in-years': '10',
};

/** A one-page PDF's first bytes: enough for its type to be sniffed. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

for (const dialect of DIALECTS) {
  describe(`worker documents on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect, { attachmentLimit: 4096 });
      for (let i = 0; i < 2; i++) {
        const res = await t.request({ method: 'POST', url: '/api/workers', headers: JSON_IO, payload: WORKER });
        expect(res.statusCode).toBe(201);
      }
    });
    afterEach(async () => {
      await t.close();
    });

    const createDocument = async (worker: number, payload: Json = { type: { name: 'Work Permit' } }) => {
      const res = await t.request({ method: 'POST', url: `/api/workers/${worker}/worker_documents`, headers: JSON_IO, payload });
      expect(res.statusCode, res.body).toBe(201);
      return body(res);
    };
    const upload = (worker: number, doc: number, file: Parameters<typeof multipartFile>[0]) => {
      const form = multipartFile(file);
      return t.request({
        method: 'POST',
        url: `/api/workers/${worker}/worker_documents/${doc}/attachments`,
        headers: { ...form.headers, ...ACCEPT_JSON },
        payload: form.payload,
      });
    };

    it('creates, shows, lists, updates and deletes a document under its worker, in JSON and XML', async () => {
      const doc = await createDocument(1, {
        type: { name: 'Work Permit' },
        attachments: [{ type: 'url', url: 'https://example.com/permit', intent: 'Supplier' }],
      });
      expect(doc).toMatchObject({
        id: 1,
        type: { id: expect.any(Number) as number, name: 'Work Permit' },
        attachments: [{ type: 'url', url: 'https://example.com/permit', intent: 'Supplier', file: null }],
      });
      const xml = await t.request({
        method: 'POST',
        url: '/api/workers/1/worker_documents',
        headers: XML,
        payload: '<worker-document><type><name>Certificate</name></type></worker-document>',
      });
      expect(xml.statusCode).toBe(201);
      expect(xml.body).toContain('<worker-document>');
      expect(xml.body).toContain('<attachments type="array"/>'.replace('/>', ' />'));

      const shown = await t.request({ method: 'GET', url: '/api/workers/1/worker_documents/1', headers: ACCEPT_JSON });
      expect(body(shown)).toMatchObject({ id: 1, type: { name: 'Work Permit' } });
      const list = await t.request({
        method: 'GET',
        url: '/api/workers/1/worker_documents?type[name]=Certificate',
        headers: ACCEPT_JSON,
      });
      expect((JSON.parse(list.body) as Json[]).map((d) => d['id'])).toEqual([2]);
      const xmlList = await t.request({ method: 'GET', url: '/api/workers/1/worker_documents' });
      expect(xmlList.body).toContain('<worker-documents type="array">');

      // Nested attributes on the attachments: update by id, add, destroy.
      const put = await t.request({
        method: 'PUT',
        url: '/api/workers/1/worker_documents/1',
        headers: JSON_IO,
        payload: {
          type: { name: 'Certificate' },
          attachments: [
            { id: 1, _destroy: true },
            { type: 'text', text: 'Valid to 2027' },
          ],
        },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(body(put)).toMatchObject({ type: { name: 'Certificate' }, attachments: [{ type: 'text', text: 'Valid to 2027' }] });

      // The worker renders its documents, read-only.
      const worker = await t.request({ method: 'GET', url: '/api/workers/1', headers: ACCEPT_JSON });
      expect((body(worker)['worker-documents'] as Json[]).map((d) => d['id'])).toEqual([1, 2]);

      const deleted = await t.request({ method: 'DELETE', url: '/api/workers/1/worker_documents/1', headers: ACCEPT_JSON });
      expect(deleted.statusCode).toBe(200);
      expect(body(deleted)['id']).toBe(1);
      const gone = await t.request({ method: 'GET', url: '/api/workers/1/worker_documents/1' });
      expectError(gone, 'not_found', ["Couldn't find Worker::WorkerDocument with 'id'=1"]);
      const count = await t.store.db.selectFrom('worker_document_attachments').select('id').execute();
      expect(count).toHaveLength(0);
    });

    it('renders a document and a list of them as the golden files pin, in XML and JSON', async () => {
      await createDocument(1, {
        type: { name: 'Work Permit' },
        attachments: [{ type: 'url', url: 'https://example.com/permit', intent: 'Supplier' }],
      });
      expect((await upload(1, 1, { filename: 'permit.pdf', contentType: 'application/pdf', data: PDF })).statusCode).toBe(201);
      await createDocument(1, {
        type: { name: 'Certificate' },
        attachments: [{ type: 'text', text: 'Forklift, valid to 2027' }],
      });
      const get = (url: string, json: boolean) => t.request({ method: 'GET', url, headers: json ? ACCEPT_JSON : {} });
      for (const json of [false, true]) {
        const ext = json ? 'json' : 'xml';
        expectGolden(`show-worker-document.${ext}.txt`, describeResponse(await get('/api/workers/1/worker_documents/1', json)));
        expectGolden(`index-worker-documents.${ext}.txt`, describeResponse(await get('/api/workers/1/worker_documents', json)));
      }
    });

    it("keeps each worker's documents to that worker: another worker's is a 404 and nothing changes", async () => {
      await createDocument(1);
      const before = await dbSnapshot(t.store, 'workers');
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
        const res = await t.request({
          method,
          url: '/api/workers/2/worker_documents/1',
          ...(method === 'PUT' || method === 'PATCH' ? { headers: JSON_IO, payload: { type: { name: 'Certificate' } } } : {}),
        });
        expect(res.statusCode, method).toBe(404);
        expect(res.body).toContain("Couldn't find Worker::WorkerDocument with 'id'=1");
      }
      const listed = await t.request({ method: 'GET', url: '/api/workers/2/worker_documents', headers: ACCEPT_JSON });
      expect(JSON.parse(listed.body)).toEqual([]);
      const noWorker = await t.request({ method: 'POST', url: '/api/workers/9/worker_documents', headers: JSON_IO, payload: {} });
      expectError(noWorker, 'not_found', ["Couldn't find Worker with 'id'=9"], { resource: 'worker-document' });
      expect(await dbSnapshot(t.store, 'workers')).toEqual(before);
    });

    it('refuses a document without a type, or with an unknown one, and writes nothing', async () => {
      const before = await dbSnapshot(t.store, 'workers');
      const none = await t.request({ method: 'POST', url: '/api/workers/1/worker_documents', headers: JSON_IO, payload: {} });
      expectError(none, 'validation_failed', ["Type can't be blank"], { resource: 'worker-document' });
      const unknown = await t.request({
        method: 'POST',
        url: '/api/workers/1/worker_documents',
        headers: JSON_IO,
        payload: { type: { name: 'Passport Scan' }, attachments: [{ type: 'video' }] },
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.body).toContain('Attachments type is not included in the list');
      expect(await dbSnapshot(t.store, 'workers')).toEqual(before);
    });

    it('uploads a file: its name, size and URL render, the bytes come back with their sniffed type', async () => {
      await createDocument(1);
      const png = makePng({ width: 3, height: 2 });
      const res = await upload(1, 1, { filename: 'permit scan.png', contentType: 'application/octet-stream', data: png });
      expect(res.statusCode, res.body).toBe(201);
      const [attachment] = body(res)['attachments'] as Json[];
      expect(attachment).toMatchObject({
        type: 'file',
        file: 'permit scan.png',
        'file-file-size': png.length,
        'file-url': '/api/workers/1/worker_documents/1/attachments/1',
      });
      const pdf = await upload(1, 1, {
        field: 'attachment[file]',
        filename: 'permit.pdf',
        contentType: 'application/pdf',
        data: PDF,
      });
      expect(pdf.statusCode, pdf.body).toBe(201);

      const back = await t.request({ method: 'GET', url: '/api/workers/1/worker_documents/1/attachments/1' });
      expect(back.statusCode).toBe(200);
      expect(back.headers['content-type']).toBe('image/png');
      expect(back.headers['content-disposition']).toBe("attachment; filename*=UTF-8''permit%20scan.png");
      expect(back.rawPayload.equals(png)).toBe(true);
      // Another worker's path never reaches the file.
      const other = await t.request({ method: 'GET', url: '/api/workers/2/worker_documents/1/attachments/1' });
      expect(other.statusCode).toBe(404);
    });

    it('refuses an upload that is not a PDF, image or Office file, too large, or not multipart, and writes nothing', async () => {
      await createDocument(1);
      const before = await dbSnapshot(t.store, 'workers');
      const text = await upload(1, 1, { filename: 'notes.txt', contentType: 'text/plain', data: Buffer.from('hello') });
      expectError(text, 'invalid_attachment', [/^An attachment must be a PDF/], { resource: 'worker-document' });
      const big = await upload(1, 1, {
        filename: 'big.gif',
        contentType: 'image/gif',
        data: Buffer.concat([makeGif(), Buffer.alloc(8192)]),
      });
      expectError(big, 'payload_too_large', ['Request body is too large'], { resource: 'worker-document' });
      const json = await t.request({
        method: 'POST',
        url: '/api/workers/1/worker_documents/1/attachments',
        headers: JSON_IO,
        payload: { file: 'x' },
      });
      expectError(
        json,
        'invalid_attachment',
        ['Send the file as multipart/form-data in a field named file or attachment[file]'],
        {
          resource: 'worker-document',
        },
      );
      const raw = await t.request({
        method: 'POST',
        url: '/api/workers/1/worker_documents/1/attachments',
        headers: { 'content-type': 'application/pdf' },
        payload: Buffer.from('%PDF-1.4\n'),
      });
      expectError(
        raw,
        'unsupported_media_type',
        [
          "Unsupported Content-Type 'application/pdf': send the file as multipart/form-data in a field named file or attachment[file]",
        ],
        { resource: 'worker-document' },
      );
      const wrongField = await upload(1, 1, { field: 'avatar', filename: 'a.png', contentType: 'image/png', data: makePng() });
      expect(wrongField.statusCode).toBe(400);
      const noDocument = await upload(1, 7, { filename: 'a.png', contentType: 'image/png', data: makePng() });
      expect(noDocument.statusCode).toBe(404);
      expect(await dbSnapshot(t.store, 'workers')).toEqual(before);
    });
  });
}
