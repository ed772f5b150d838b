import { auditUsers, idElement, readOnly, reference, scalar, timestamps } from '../elements.js';
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
    // Swagger `AccountType`: both read-only, Coupa's to set (a dynamic chart, the legal entities using it).
    readOnly('dynamic-flag', 'boolean', 'Boolean value for determing if account type is dynamic', { default: false, since: 9 }),
    readOnly('legal-entity-name', 'string', 'Legal entity or entities that are associated with this chart of accounts', {
      length: 255,
      since: 9,
    }),
    reference('primary-address', 'addresses', 'Primary address', { since: 9 }),
    reference('primary-contact', 'contacts', 'Primary contact', { since: 9 }),
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
