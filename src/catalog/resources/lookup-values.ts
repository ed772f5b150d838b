import { auditUsers, idElement, readOnly, reference, scalar, through, timestamps } from '../elements.js';

const LOOKUP = reference('lookup', 'lookups', 'Name of the lookup', { required: true });
const PARENT = reference('parent', 'lookup_values', 'The parent lookup value');
import { defineResource } from '../resource.js';

/**
 * Coupa's Lookup Values API (/api/lookup_values): a value of a lookup, in a hierarchy through
 * `parent` (another lookup value). Elements as Coupa's element table lists them, in the order of
 * its example response. A value is named by its `external-ref-num` ("Unique" in the element
 * table); `external-ref-code` and `depth` are Coupa's to set (not Api_In) and are kept as given by
 * a fixture. See docs/reference-data.md.
 */
export const LOOKUP_VALUES = defineResource({
  name: 'lookup_values',
  singular: 'lookup-value',
  since: 8,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('active', 'boolean', 'A false value inactivates the value; true makes it available to users', { default: true }),
    scalar('name', 'string', 'Name of the lookup value', { length: 255, required: true }),
    scalar('description', 'string', 'Description of the lookup value', { length: 255 }),
    scalar('external-ref-num', 'string', 'External ref num (the account value when used in accounting)', {
      length: 255,
      unique: true,
    }),
    readOnly('external-ref-code', 'string', 'The external ref nums from the root lookup value, concatenated', {
      length: 255,
      unique: true,
    }),
    // Api_In and Api_Out in Coupa's element table, where its example response shows them.
    through('parent-id', PARENT, 'id', 'integer', 'parent_id', { in: true }),
    through('lookup-id', LOOKUP, 'id', 'integer', 'lookup_id', { in: true }),
    readOnly('depth', 'integer', 'Depth in the hierarchy'),
    reference('account-type', 'account_types', 'The chart of accounts this value is restricted to'),
    scalar('is-default', 'boolean', 'The default of its level (lookups used for dynamic accounts)'),
    LOOKUP,
    PARENT,
    ...auditUsers(),
  ],
  key: 'external-ref-num',
  simple: ['id', 'name', 'description', 'external-ref-num', 'external-ref-code', 'active', 'depth', 'parent'],
  cached: true,
  api: {
    path: '/api/lookup_values',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
});
