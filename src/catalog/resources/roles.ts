import { auditUsers, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/** Roles (`Role` in Coupa's Swagger); scopes as Coupa's scope list gives them: core.common. */
export const ROLES = defineResource({
  name: 'roles',
  singular: 'role',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('description', 'string', 'Description', { length: 255 }),
    scalar('omnipotent', 'boolean', 'Has every permission', { default: false }),
    scalar('system-role', 'boolean', 'Built into Coupa', { in: false, default: false }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'description', 'omnipotent', 'system-role'],
  cached: true,
  api: {
    path: '/api/roles',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
});
