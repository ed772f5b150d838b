import { auditUsers, idElement, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Coupa's Account Types API (/api/account_types, charts of accounts): index, show and create;
 * Coupa offers no update. Name string(50) and currency are required.
 */
export const ACCOUNT_TYPES = defineResource({
  name: 'account_types',
  singular: 'account-type',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 50, required: true, unique: true }),
    scalar('active', 'boolean', 'Active', { default: true }),
    reference('currency', 'currencies', 'Currency', { required: true }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'active', 'currency'],
  cached: true,
  api: {
    path: '/api/account_types',
    operations: ['index', 'show', 'create'],
    scopes: { read: 'core.accounting.read', write: 'core.accounting.write' },
  },
});
