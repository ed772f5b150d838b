import { collection, idElement, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Inventory organizations. Coupa's public docs and scope list name no API for them; Roster
 * serves them read-only under core.inventory.common.read, the scope of Coupa's inventory setup.
 */
export const INVENTORY_ORGANIZATIONS = defineResource({
  name: 'inventory_organizations',
  singular: 'inventory-organization',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    // Coupa's Swagger `InventoryOrganization` allows `manual` and `automatic`.
    scalar('fulfillment-type', 'string', 'Fulfillment type', { length: 255, allowed: ['manual', 'automatic'] }),
    reference('currency', 'currencies', 'Currency', { since: 5 }),
    { ...collection('warehouses', 'warehouses', 'Warehouses of the organization'), since: 9 },
  ],
  key: 'name',
  simple: ['id', 'name', 'fulfillment-type', 'currency'],
  cached: true,
  api: {
    path: '/api/inventory_organizations',
    operations: ['index', 'show'],
    scopes: { read: 'core.inventory.common.read', write: 'core.inventory.common.write' },
  },
});
