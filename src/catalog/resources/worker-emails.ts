import { idElement, ownerReference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * A worker's e-mail address (Worker::WorkerEmail), owned by the worker and rendered in its
 * `worker-emails` as seed 004's sample shows: id, timestamps, `email-address`, `email-type`
 * (`work` and `personal` in the sample; Coupa's public docs list no others, so any text is taken).
 */
export const WORKER_EMAILS = defineResource({
  name: 'worker_emails',
  singular: 'worker-email',
  model: 'Worker::WorkerEmail',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('email-address', 'string', 'E-mail address', { length: 255, required: true, format: 'email', indexed: true }),
    scalar('email-type', 'string', 'E-mail type (work, personal)', { length: 255 }),
    ownerReference('worker', 'workers', 'The worker the address belongs to'),
  ],
  key: 'email-address',
  simple: ['id', 'email-address', 'email-type'],
});
