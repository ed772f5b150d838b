import { idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Types of worker document (Coupa's `ReferenceData::DocumentType`, the `type` of a worker
 * document in the Worker Documents API): a work permit, a certificate. Named by `name`.
 */
export const DOCUMENT_TYPES = defineResource({
  name: 'document_types',
  singular: 'document-type',
  model: 'ReferenceData::DocumentType',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('active', 'boolean', 'Active', { default: true }),
  ],
  key: 'name',
  simple: ['id', 'name'],
  cached: true,
});
