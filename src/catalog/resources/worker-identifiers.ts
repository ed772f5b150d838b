import { idElement, ownerReference, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * A worker's identifier in another system (Worker::WorkerExternalReferenceIdentifier): its
 * type (by code) and value. Coupa's public docs give no element list (seed 004's sample has
 * `[]`); this is Roster's model, documented in docs/workers-api.md.
 */
export const WORKER_EXTERNAL_IDENTIFIERS = defineResource({
  name: 'worker_external_identifiers',
  singular: 'external-identifier',
  model: 'Worker::WorkerExternalReferenceIdentifier',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    reference('identifier-type', 'identifier_types', 'What the identifier is', { required: true }),
    scalar('value', 'string', 'The identifier', { length: 255, required: true, indexed: true }),
    ownerReference('worker', 'workers', 'The worker identified'),
  ],
  key: 'value',
  simple: ['id', 'identifier-type', 'value'],
});

/**
 * A worker's national identifier (Worker::WorkerNationalIdentifier): the issuing country (by
 * ISO code), its type (by code) and value. Roster's model, as for external identifiers.
 */
export const WORKER_NATIONAL_IDENTIFIERS = defineResource({
  name: 'worker_national_identifiers',
  singular: 'national-identifier',
  model: 'Worker::WorkerNationalIdentifier',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    reference('country', 'countries', 'The issuing country', { required: true }),
    reference('identifier-type', 'identifier_types', 'What the identifier is', { required: true }),
    scalar('value', 'string', 'The identifier', { length: 255, required: true, indexed: true }),
    ownerReference('worker', 'workers', 'The worker identified'),
  ],
  key: 'value',
  simple: ['id', 'country', 'identifier-type', 'value'],
});
