import { auditUsers, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

const LEVELS = Array.from({ length: 10 }, (_, i) => `level-${i + 1}-name`);

/**
 * Coupa's lookups (/api/lookups): the named lists whose values (/api/lookup_values) make custom
 * field choices and, hierarchical, accounts. Elements and their order as Coupa's Lookup Values API
 * example nests a lookup (`fixed-depth` an integer, `level-1-name` … `level-10-name`) and its
 * Lookup import describes them (name required and unique, string(255)).
 */
export const LOOKUPS = defineResource({
  name: 'lookups',
  singular: 'lookup',
  since: 8,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('active', 'boolean', 'Is this lookup active?', { default: true }),
    scalar('name', 'string', 'Lookup name', { length: 255, required: true, unique: true }),
    scalar('description', 'string', 'Description of the lookup', { length: 255 }),
    scalar('fixed-depth', 'integer', 'Depth of a fixed-depth hierarchical lookup', { minimum: 0 }),
    ...LEVELS.map((name, i) => scalar(name, 'string', `Level ${i + 1} name if hierarchical`, { length: 255 })),
    ...auditUsers(),
  ],
  key: 'name',
  // A lookup value nests its lookup whole (Coupa's example), audit users aside.
  simple: ['id', 'created-at', 'updated-at', 'active', 'name', 'description', 'fixed-depth', ...LEVELS],
  cached: true,
  api: {
    path: '/api/lookups',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
});
