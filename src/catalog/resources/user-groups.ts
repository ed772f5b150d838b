import { auditUsers, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/** Coupa's User Groups API (/api/user_groups), under its own scopes core.user_group.*. */
export const USER_GROUPS = defineResource({
  name: 'user_groups',
  singular: 'user-group',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('description', 'text', 'Description'),
    scalar('active', 'boolean', 'Active', { default: true }),
    scalar('can-approve', 'boolean', 'Members can approve', { default: false, since: 3 }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'description', 'active'],
  cached: true,
  api: {
    path: '/api/user_groups',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.user_group.read', write: 'core.user_group.write' },
  },
});
