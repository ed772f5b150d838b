import { auditUsers, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/** Coupa's Content Groups API (/api/business_groups): name string(100), required and unique. */
export const BUSINESS_GROUPS = defineResource({
  name: 'business_groups',
  singular: 'business-group',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 100, required: true, unique: true }),
    scalar('description', 'string', 'Description', { length: 255 }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'description'],
  cached: true,
  api: {
    path: '/api/business_groups',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
});
