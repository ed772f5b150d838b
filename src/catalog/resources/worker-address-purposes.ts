import { idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * What a worker's address is for (`Home` in seed 004's sample, rendered `{id, code, name}`).
 * Reference data named by `code`; Coupa's public docs name no API for it, so it is stored,
 * seeded and nested, not served.
 */
export const WORKER_ADDRESS_PURPOSES = defineResource({
  name: 'worker_address_purposes',
  singular: 'worker-address-purpose',
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
