import { auditUsers, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Coupa's Suppliers API (/api/suppliers), served read-only: the suppliers whose contingent
 * workers the Worker API holds (a worker's `supplier` is rendered as `id`, `name`,
 * `display-name`, as seed 004's sample shows). Name is required and unique; `status` takes
 * Coupa's supplier statuses. Under Coupa's scopes core.supplier.read / core.supplier.write.
 */
export const SUPPLIERS = defineResource({
  name: 'suppliers',
  singular: 'supplier',
  since: 6,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('name', 'string', 'Supplier name', { length: 100, required: true, unique: true }),
    scalar('display-name', 'string', 'Name shown to users', { length: 255 }),
    scalar('number', 'string', 'Supplier number', { length: 255 }),
    scalar('status', 'string', 'Supplier status', { length: 255, allowed: ['active', 'inactive', 'draft'], default: 'active' }),
    ...auditUsers(),
  ],
  key: 'name',
  // Coupa names a supplier by its number too (its ERP playbook creates one with `<number>`, its
  // Suppliers export lists "Supplier Number", unique): `{"supplier": {"number": "SUP-0132"}}`.
  alternateKeys: ['number'],
  simple: ['id', 'name', 'display-name'],
  cached: true,
  api: {
    path: '/api/suppliers',
    operations: ['index', 'show'],
    scopes: { read: 'core.supplier.read', write: 'core.supplier.write' },
  },
});
