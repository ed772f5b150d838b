import { auditUsers, idElement, ownerReference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * A location (aisle, bin, level) inside a warehouse: owned by its warehouse and rendered in
 * its `warehouse-locations` (Coupa's Warehouse Location API and the `WarehouseLocation`
 * definition of the Swagger file). Not served on its own. Coupa also renders `label`,
 * `warehouse-id` and `warehouse-name`, derived from the warehouse; Roster does not yet
 * (docs/reference-data.md).
 */
export const WAREHOUSE_LOCATIONS = defineResource({
  name: 'warehouse_locations',
  singular: 'warehouse-location',
  since: 4,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('aisle', 'string', 'Aisle', { length: 255, required: true }),
    scalar('bin', 'string', 'Bin', { length: 255 }),
    scalar('level', 'string', 'Level', { length: 255 }),
    scalar('active', 'boolean', 'If true, the location is active', { default: true }),
    ownerReference('warehouse', 'warehouses', 'The warehouse that owns the location'),
    ...auditUsers(),
  ],
  key: 'aisle',
  simple: ['id', 'aisle', 'bin', 'level'],
});
