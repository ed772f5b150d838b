import { auditUsers, idElement, reference, scalar, timestamps } from '../elements.js';
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
    // Required by Coupa's Swagger `AccountGroup`; `1` and `2` are its enum.
    scalar('account-group-type', 'integer', 'Type', { allowed: ['1', '2'], default: 1, since: 5 }),
    reference('account-type', 'account_types', 'The chart of accounts the group belongs to', { since: 5 }),
    // Swagger `AccountGroup`: per segment, the rule's column, operator and value, string(255) each.
    ...Array.from({ length: 20 }, (_, i) =>
      (['col', 'op', 'val'] as const).map((part) =>
        scalar(`segment-${i + 1}-${part}`, 'string', `segment_${i + 1}_${part}`, { length: 255, since: 9 }),
      ),
    ).flat(),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'account-group-type', 'account-type'],
  cached: true,
  api: {
    path: '/api/account_groups',
    operations: ['index', 'show'],
    scopes: { read: 'core.accounting.read', write: 'core.accounting.write' },
  },
});
