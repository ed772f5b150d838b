import type { RecordId } from '../../catalog/types.js';
import type { FastifyInstance } from 'fastify';
import type { ResourceDef } from '../../catalog/resource.js';
import type { AttachmentUploads } from '../../domain/attachment-uploads.js';
import type { RecordService } from '../../domain/record-service.js';
import { readUpload, uploadAccepts, type UploadSpec } from '../format/upload.js';
import { sendRecord, viewOf } from '../records/routes.js';

/**
 * Types a worker document's file may be, sniffed from its bytes: PDF, images, Office
 * documents (a plain-text file has no signature to sniff, so it is refused; send it as a
 * `text` attachment instead).
 */
const ATTACHMENT_TYPES = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/tiff',
  'image/webp',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/x-cfb',
]);

type AttachmentParams = { Params: { worker_id: string; id: string; attachment_id?: string } };

/**
 * A worker document's files: `POST …/worker_documents/:id/attachments` (multipart, the file in
 * `file` or `attachment[file]`, as Coupa's Attachments API takes it; a 400 for a type not in
 * the list, a 413 over `attachmentLimit`) answers with the document; `GET
 * …/attachments/:attachment_id` sends the bytes back with their type.
 */
export function registerAttachmentRoutes(
  app: FastifyInstance,
  def: ResourceDef,
  deps: { readonly documents: RecordService; readonly uploads: AttachmentUploads; readonly limit: number },
): void {
  const { documents, uploads } = deps;
  const base = def.api?.path ?? '';
  const config = { resource: def.singular };
  const worker = (raw: string) => documents.ownerFrom(raw);

  const spec: UploadSpec = {
    fields: ['file', 'attachment[file]'],
    limit: deps.limit,
    code: 'invalid_attachment',
    noun: 'file',
    types: ATTACHMENT_TYPES,
    wrongType: 'An attachment must be a PDF, an image (PNG, JPEG, GIF, TIFF, WebP) or an Office document',
  };
  const accepts = uploadAccepts(spec);
  app.post<AttachmentParams>(`${base}/:id/attachments`, { config: { ...config, accepts } }, async (request, reply) => {
    const workerId = await worker(request.params.worker_id);
    const id = documents.idFrom(request.params.id);
    const view = viewOf(documents, request, reply, 'write');
    await documents.show(id, workerId);
    const file = await readUpload(request, spec);
    const url = (attachmentId: RecordId) => `${base.replace(':worker_id', String(workerId))}/${id}/attachments/${attachmentId}`;
    const document = await uploads.upload(workerId, id, file, request.actor, url);
    return sendRecord(documents, request, reply, 201, document, view);
  });

  app.get<AttachmentParams>(`${base}/:id/attachments/:attachment_id`, { config }, async (request, reply) => {
    const workerId = await worker(request.params.worker_id);
    const id = documents.idFrom(request.params.id);
    const file = await uploads.download(workerId, id, request.params.attachment_id ?? '');
    const disposition = `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`;
    return reply.type(file.contentType).header('content-disposition', disposition).send(file.data);
  });
}
