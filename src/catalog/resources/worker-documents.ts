import { auditUsers, children, idElement, ownerReference, reference, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * A worker's document (Worker::WorkerDocument, Coupa's Worker Documents API): its `type`
 * (ReferenceData::DocumentType, by name), its `attachments`, and audit users. Served under its
 * worker (`/api/workers/:worker_id/worker_documents`, index, show, create, update, destroy)
 * and rendered in the worker's `worker-documents`, which the worker itself never writes
 * (Api_Out only, seed 004). Files are uploaded to `…/worker_documents/:id/attachments`.
 */
export const WORKER_DOCUMENTS = defineResource({
  name: 'worker_documents',
  singular: 'worker-document',
  model: 'Worker::WorkerDocument',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    reference('type', 'document_types', 'Document type', { required: true }),
    children('attachments', 'worker_document_attachments', 'worker-document', 'Attachments'),
    ownerReference('worker', 'workers', 'The worker the document is about'),
    ...auditUsers(),
  ],
  key: 'id',
  simple: ['id', 'type'],
  api: {
    path: '/api/workers/:worker_id/worker_documents',
    operations: ['index', 'show', 'create', 'update', 'destroy'],
    scopes: { read: 'core.services_procurement.workers.read', write: 'core.services_procurement.workers.write' },
    extraRoutes: [
      { method: 'POST', path: '/:id/attachments', access: 'write', status: 201 },
      { method: 'GET', path: '/:id/attachments/:attachment_id', access: 'read' },
    ],
  },
});
