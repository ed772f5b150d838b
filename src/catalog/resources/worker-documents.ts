import { auditUsers, idElement, ownerReference, reference, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * A worker's document (Worker::WorkerDocument, Coupa's Worker Documents API): its `type`
 * (ReferenceData::DocumentType, by name) and audit users. Rendered in the worker's
 * `worker-documents`, which the worker itself never writes (Api_Out only, seed 004).
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
    ownerReference('worker', 'workers', 'The worker the document is about'),
    ...auditUsers(),
  ],
  key: 'id',
  simple: ['id', 'type'],
});
