import { auditUsers, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Warehouse types (`WarehouseType` in Coupa's Swagger: a name and a description, both
 * required), which a warehouse names. Reference data only nested in warehouses; Coupa's
 * public docs name no API for them.
 */
export const WAREHOUSE_TYPES = defineResource({
  name: 'warehouse_types',
  singular: 'warehouse-type',
  since: 5,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('description', 'string', 'Description', { length: 255, required: true }),
    ...auditUsers(9),
  ],
  key: 'name',
  simple: ['id', 'name', 'description'],
  cached: true,
});
