import { idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Skills a worker may have (Coupa's supplier portal shows a worker's skills by name). Reference
 * data named by `name`; Coupa's public docs give no API or element list for it, so it is stored,
 * seeded and nested in a worker's `worker-skills` as `{id, name}`, not served.
 */
export const SKILLS = defineResource({
  name: 'skills',
  singular: 'skill',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('description', 'string', 'Description', { length: 255 }),
  ],
  key: 'name',
  simple: ['id', 'name'],
  cached: true,
});
