import { auditUsers, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Account groups, as a user's `account-groups` name them. Coupa documents only their element
 * table (type, account type and segment rules Roster does not model), so they are read-only here.
 */
export const ACCOUNT_GROUPS = defineResource({
  name: 'account_groups',
  singular: 'account-group',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 80, required: true, unique: true }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name'],
  cached: true,
  api: {
    path: '/api/account_groups',
    operations: ['index', 'show'],
    scopes: { read: 'core.accounting.read', write: 'core.accounting.write' },
  },
});
