// The oracle of the reference-data tests, shared with test/registry.test.ts (which checks it
// covers every served resource).

/**
 * Coupa's reference-data APIs, written out here as an oracle independent of the catalogue:
 * the path, the XML names, the natural key and a seeded value of it, the scopes Coupa's
 * scope list gives, and which writes Coupa offers.
 */
export interface ReferenceApi {
  readonly path: string;
  readonly singular: string;
  readonly plural: string;
  readonly key: string;
  readonly seeded: string;
  readonly read: string;
  readonly write: string;
  readonly create: boolean;
  readonly update: boolean;
}

const API = (
  path: string,
  singular: string,
  plural: string,
  key: string,
  seeded: string,
  scope: string,
  writes: 'create+update' | 'create' | 'none',
): ReferenceApi => ({
  path,
  singular,
  plural,
  key,
  seeded,
  read: `${scope}.read`,
  write: `${scope}.write`,
  create: writes !== 'none',
  update: writes === 'create+update',
});

export const REFERENCE_APIS: readonly ReferenceApi[] = [
  API('/api/departments', 'department', 'departments', 'name', 'Engineering', 'core.common', 'create+update'),
  API('/api/roles', 'role', 'roles', 'name', 'Buyer', 'core.common', 'create+update'),
  API('/api/currencies', 'currency', 'currencies', 'code', 'EUR', 'core.common', 'none'),
  API('/api/addresses', 'address', 'addresses', 'location-code', 'AMS', 'core.common', 'create+update'),
  API('/api/business_groups', 'business-group', 'business-groups', 'name', 'EMEA', 'core.common', 'create+update'),
  API('/api/account_types', 'account-type', 'account-types', 'name', 'EU Chart of Accounts', 'core.accounting', 'create'),
  API('/api/accounts', 'account', 'accounts', 'code', '300-3000-RnD', 'core.accounting', 'create+update'),
  API('/api/account_groups', 'account-group', 'account-groups', 'name', 'EU Accounts', 'core.accounting', 'none'),
  API('/api/user_groups', 'user-group', 'user-groups', 'name', 'Procurement', 'core.user_group', 'create+update'),
  API('/api/legal_entities', 'legal-entity', 'legal-entities', 'name', 'Acme Europe B.V.', 'core.legal_entity', 'create+update'),
  API('/api/warehouses', 'warehouse', 'warehouses', 'name', 'West Coast Warehouse', 'core.inventory.common', 'none'),
  API(
    '/api/inventory_organizations',
    'inventory-organization',
    'inventory-organizations',
    'name',
    'Main Inventory',
    'core.inventory.common',
    'none',
  ),
  API('/api/suppliers', 'supplier', 'suppliers', 'name', 'Acme Staffing', 'core.supplier', 'create+update'),
  API('/api/payment_terms', 'payment-term', 'payment-terms', 'code', 'Net 30', 'core.common', 'create+update'),
  API('/api/shipping_terms', 'shipping-term', 'shipping-terms', 'code', 'FOB Origin', 'core.common', 'create+update'),
  API('/api/lookups', 'lookup', 'lookups', 'name', 'Account', 'core.common', 'create+update'),
  API('/api/lookup_values', 'lookup-value', 'lookup-values', 'external-ref-num', '6100', 'core.common', 'create+update'),
];
