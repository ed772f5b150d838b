import { auditUsers, idElement, joinedText, ownerReference, scalar, through, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

const WAREHOUSE = ownerReference('warehouse', 'warehouses', 'The warehouse that owns the location');

/**
 * A location (aisle, bin, level) inside a warehouse: owned by its warehouse and rendered in
 * its `warehouse-locations` (Coupa's Warehouse Location API and the `WarehouseLocation`
 * definition of the Swagger file). Not served on its own. `warehouse-id` and `warehouse-name`
 * are the warehouse's; `label`, which Coupa derives without documenting how, is Roster's
 * `aisle-bin-level` of the parts given (docs/reference-data.md).
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
    WAREHOUSE,
    joinedText('label', 'Display label', ['aisle', 'bin', 'level'], '-'),
    through('warehouse-id', WAREHOUSE, 'id', 'integer', 'Warehouse Coupa unique identifier'),
    through('warehouse-name', WAREHOUSE, 'name', 'string', 'Warehouse name'),
    ...auditUsers(),
  ],
  key: 'aisle',
  simple: ['id', 'aisle', 'bin', 'level'],
});
