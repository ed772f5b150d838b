import { auditUsers, idElement, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/** Legal entities (`LegalEntity` in Coupa's Swagger), under Coupa's scopes core.legal_entity.*. */
export const LEGAL_ENTITIES = defineResource({
  name: 'legal_entities',
  singular: 'legal-entity',
  plural: 'legal-entities',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('abbreviation', 'string', 'Abbreviation', { length: 50, required: true }),
    scalar('active', 'boolean', 'Active', { default: true }),
    scalar('description', 'string', 'Description', { length: 255, since: 3 }),
    reference('currency', 'currencies', 'Currency', { since: 3 }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'abbreviation', 'active', 'currency'],
  cached: true,
  api: {
    path: '/api/legal_entities',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.legal_entity.read', write: 'core.legal_entity.write' },
  },
});
