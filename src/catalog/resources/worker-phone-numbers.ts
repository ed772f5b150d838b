import { idElement, ownerReference, regionalPhone, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * A worker's phone number (Worker::WorkerPhoneNumber), owned by the worker: `phone-type`
 * (`mobile` in seed 004's sample) and `phone-number` as `{number, extension, country-code}`,
 * the country an ISO region. One string (`+355 22 345 678`) is split into those parts.
 */
export const WORKER_PHONE_NUMBERS = defineResource({
  name: 'worker_phone_numbers',
  singular: 'worker-phone-number',
  model: 'Worker::WorkerPhoneNumber',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('phone-type', 'string', 'Phone type (mobile, work, home)', { length: 255 }),
    regionalPhone('phone-number', 'Phone number'),
    ownerReference('worker', 'workers', 'The worker the number belongs to'),
  ],
  key: 'phone-type',
  simple: ['id', 'phone-type', 'phone-number'],
});
