import { auditUsers, children, idElement, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Warehouses. Coupa requires an address, a currency and a warehouse type to create one, which
 * Roster does not model yet, so they are read-only here (core.inventory.common.read).
 */
export const WAREHOUSES = defineResource({
  name: 'warehouses',
  singular: 'warehouse',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('description', 'string', 'Description', { length: 255 }),
    // Required by Coupa's Swagger `Warehouse`.
    reference('address', 'addresses', 'Address', { since: 5 }),
    reference('currency', 'currencies', 'Currency', { since: 5 }),
    reference('warehouse-type', 'warehouse_types', 'Warehouse type', { since: 5 }),
    { ...children('warehouse-locations', 'warehouse_locations', 'warehouse', 'Locations in the warehouse'), since: 4 },
    scalar('active-flag', 'boolean', 'active_flag', { default: true, since: 9 }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'description', 'address', 'currency', 'warehouse-type'],
  cached: true,
  api: {
    path: '/api/warehouses',
    operations: ['index', 'show'],
    scopes: { read: 'core.inventory.common.read', write: 'core.inventory.common.write' },
  },
});
