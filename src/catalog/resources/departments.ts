import { auditUsers, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/** Coupa's Departments API (/api/departments): name is required and unique. */
export const DEPARTMENTS = defineResource({
  name: 'departments',
  singular: 'department',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('active', 'boolean', 'Active', { default: true }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'active'],
  cached: true,
  api: {
    path: '/api/departments',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
});
