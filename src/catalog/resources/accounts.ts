import { auditUsers, idElement, reference, scalar, through, timestamps } from '../elements.js';

const ACCOUNT_TYPE = reference('account-type', 'account_types', 'Chart of accounts', { required: true });
import { defineResource } from '../resource.js';

/**
 * Coupa's Accounts API (/api/accounts). The account type is required, named by the object
 * `account-type` or by `account-type-id` (Coupa's element table lists both). `code` names the
 * account; a create that gives none gets its segments joined by "-" (Coupa's Accounts example:
 * segments `SF`, `Marketing`, `Expense` answer `<code>SF-Marketing-Expense</code>`).
 */
export const ACCOUNTS = defineResource({
  name: 'accounts',
  singular: 'account',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('code', 'string', 'Code', {
      length: 1024,
      required: true,
      unique: true,
      defaultJoin: Array.from({ length: 20 }, (_, i) => `segment-${i + 1}`),
    }),
    scalar('name', 'string', 'Nickname', { length: 1024 }),
    scalar('active', 'boolean', 'Active', { default: true }),
    ACCOUNT_TYPE,
    through('account-type-id', ACCOUNT_TYPE, 'id', 'integer', 'Account Type Id', { in: true }),
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
