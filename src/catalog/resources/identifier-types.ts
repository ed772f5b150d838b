import { idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Kinds of identifier a worker may hold (a passport, a tax number, an ID in another system),
 * named by `code` in a worker's `external-identifiers` and `national-identifiers`. Coupa's
 * public docs give no element list for those (Worker::WorkerExternalReferenceIdentifier,
 * Worker::WorkerNationalIdentifier); this is Roster's model, documented in docs/workers-api.md.
 */
export const IDENTIFIER_TYPES = defineResource({
  name: 'identifier_types',
  singular: 'identifier-type',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('code', 'string', 'Code', { length: 50, required: true, unique: true }),
    scalar('name', 'string', 'Name', { length: 255 }),
  ],
  key: 'code',
  simple: ['id', 'code', 'name'],
  cached: true,
});
