import { auditUsers, idElement, ownerReference, readOnly, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * An attachment of a worker document, with the elements of Coupa's Attachment (Attachments
 * API): a `url` or a `text`, written with the document (nested attributes), or a `file`
 * uploaded to `…/worker_documents/:id/attachments` (type `file`; its name, size in bytes and
 * download URL are set by the upload, the bytes kept in `attachment_files`).
 */
export const WORKER_DOCUMENT_ATTACHMENTS = defineResource({
  name: 'worker_document_attachments',
  singular: 'attachment',
  model: 'Attachment',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('type', 'string', 'file, url or text', { length: 255, required: true, allowed: ['file', 'url', 'text'] }),
    scalar('intent', 'string', 'What the attachment is for', { length: 40 }),
    readOnly('file', 'string', 'The uploaded file name', { length: 255 }),
    readOnly('file-file-size', 'integer', 'The uploaded file size, in bytes'),
    readOnly('file-url', 'string', 'Where the uploaded file is downloaded', { length: 1024 }),
    scalar('url', 'string', 'A link', { length: 1024 }),
    scalar('text', 'text', 'A text', { length: 65535 }),
    ownerReference('worker-document', 'worker_documents', 'The document the attachment belongs to'),
    ...auditUsers(),
  ],
  key: 'id',
  simple: ['id', 'type', 'file', 'url'],
});
