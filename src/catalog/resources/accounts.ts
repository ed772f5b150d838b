import { auditUsers, idElement, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Coupa's Accounts API (/api/accounts). The account type is required; `code` names the account
 * (Coupa joins the segments with "-" to make it; Roster takes it as given).
 */
export const ACCOUNTS = defineResource({
  name: 'accounts',
  singular: 'account',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('code', 'string', 'Code', { length: 1024, required: true, unique: true }),
    scalar('name', 'string', 'Nickname', { length: 1024 }),
    scalar('active', 'boolean', 'Active', { default: true }),
    reference('account-type', 'account_types', 'Chart of accounts', { required: true }),
    ...Array.from({ length: 20 }, (_, i) => scalar(`segment-${i + 1}`, 'string', `Segment ${i + 1}`, { length: 100, since: 3 })),
    ...auditUsers(3),
  ],
  key: 'code',
  simple: ['id', 'code', 'name', 'active', 'account-type'],
  cached: true,
  api: {
    path: '/api/accounts',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.accounting.read', write: 'core.accounting.write' },
  },
});
