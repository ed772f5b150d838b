import { idElement, ownerReference, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * A worker's address (Worker::WorkerAddress), owned by the worker, with the elements and order
 * of seed 004's sample and a `worker-address-purpose` named by code (`Home`). `country` is
 * accepted and stored (by ISO code) but not rendered, as the sample renders none.
 */
export const WORKER_ADDRESSES = defineResource({
  name: 'worker_addresses',
  singular: 'worker-address',
  model: 'Worker::WorkerAddress',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('street1', 'string', 'Street 1', { length: 255 }),
    scalar('street2', 'string', 'Street 2', { length: 255 }),
    scalar('street3', 'string', 'Street 3', { length: 255 }),
    scalar('street4', 'string', 'Street 4', { length: 255 }),
    scalar('city', 'string', 'City', { length: 255, indexed: true }),
    scalar('state', 'string', 'State', { length: 255 }),
    scalar('state-iso-code', 'string', 'State ISO code', { length: 255 }),
    scalar('postal-code', 'string', 'Postal code', { length: 255 }),
    reference('country', 'countries', 'Country', { out: false }),
    scalar('active', 'boolean', 'Active', { default: true }),
    reference('worker-address-purpose', 'worker_address_purposes', 'What the address is for'),
    ownerReference('worker', 'workers', 'The worker the address belongs to'),
  ],
  key: 'city',
  simple: ['id', 'street1', 'city', 'postal-code'],
});
