import type { RefField, RefTable, ScalarType } from './types.js';

/** Field helper: the column is the dashed name with underscores. */
function f(name: string, type: ScalarType = 'string', length?: number): RefField {
  return { name, type, column: name.replaceAll('-', '_'), ...(length === undefined ? {} : { length }) };
}

/**
 * Reference data a user points at. Each table has an integer id and a natural key, so a
 * client may name a row either way (`<role><name>Buyer</name></role>` or `<role><id>3</id></role>`).
 */
export const REF_TABLES: readonly RefTable[] = [
  {
    table: 'currencies',
    tag: 'currency',
    key: 'code',
    fields: [
      f('code', 'string', 6),
      f('name', 'string', 100),
      f('symbol', 'string', 10),
      f('decimals', 'integer'),
      f('enabled', 'boolean'),
    ],
  },
  {
    table: 'countries',
    tag: 'country',
    key: 'code',
    fields: [f('code', 'string', 4), f('name', 'string', 100)],
  },
  {
    table: 'roles',
    tag: 'role',
    key: 'name',
    fields: [f('name', 'string', 255), f('description', 'string', 255), f('omnipotent', 'boolean'), f('system-role', 'boolean')],
  },
  {
    table: 'departments',
    tag: 'department',
    key: 'name',
    fields: [f('name', 'string', 255), f('active', 'boolean')],
  },
  {
    table: 'business_groups',
    tag: 'business-group',
    key: 'name',
    fields: [f('name', 'string', 100), f('description', 'string', 255)],
  },
  {
    table: 'account_groups',
    tag: 'account-group',
    key: 'name',
    fields: [f('name', 'string', 80)],
  },
  {
    table: 'user_groups',
    tag: 'user-group',
    key: 'name',
    fields: [f('name', 'string', 255), f('description', 'text'), f('active', 'boolean')],
  },
  {
    table: 'inventory_organizations',
    tag: 'inventory-organization',
    key: 'name',
    fields: [f('name', 'string', 255), f('fulfillment-type', 'string', 255)],
  },
  {
    table: 'warehouses',
    tag: 'warehouse',
    key: 'name',
    fields: [f('name', 'string', 255), f('description', 'string', 255)],
  },
  {
    table: 'addresses',
    tag: 'address',
    key: 'location-code',
    fields: [
      f('location-code', 'string', 255),
      f('name', 'string', 255),
      f('street1', 'string', 255),
      f('street2', 'string', 255),
      f('city', 'string', 255),
      f('state', 'string', 255),
      f('postal-code', 'string', 255),
      f('attention', 'string', 255),
      f('active', 'boolean'),
    ],
    links: [{ name: 'country', column: 'country_id', target: 'countries' }],
  },
  {
    table: 'account_types',
    tag: 'account-type',
    key: 'name',
    fields: [f('name', 'string', 50), f('active', 'boolean')],
    links: [{ name: 'currency', column: 'currency_id', target: 'currencies' }],
  },
  {
    table: 'accounts',
    tag: 'account',
    key: 'code',
    fields: [f('code', 'string', 1024), f('name', 'string', 1024), f('active', 'boolean')],
    links: [{ name: 'account-type', column: 'account_type_id', target: 'account_types' }],
  },
  {
    table: 'legal_entities',
    tag: 'legal-entity',
    key: 'name',
    fields: [f('name', 'string', 255), f('abbreviation', 'string', 50), f('active', 'boolean')],
  },
  {
    table: 'pcards',
    tag: 'pcard',
    key: 'name',
    fields: [f('name', 'string', 255), f('nickname', 'string', 255), f('expiry', 'string', 255), f('active', 'boolean')],
  },
  {
    table: 'approval_limits',
    tag: 'approval-limit',
    key: 'name',
    fields: [f('name', 'string', 255), f('amount', 'decimal'), f('subject', 'string', 255)],
    links: [{ name: 'currency', column: 'currency_id', target: 'currencies' }],
    findOrCreateBy: ['amount', 'currency'],
  },
];

const byTable = new Map(REF_TABLES.map((t) => [t.table, t]));

export function refTable(table: string): RefTable {
  const def = byTable.get(table);
  if (!def) throw new Error(`No reference table ${table}`);
  return def;
}

export function isRefTable(table: string): boolean {
  return byTable.has(table);
}
