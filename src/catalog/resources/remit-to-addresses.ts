import { auditUsers, idElement, ownerReference, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

const text = (name: string, description: string, required = false) =>
  scalar(name, 'string', description, { length: 255, ...(required ? { required } : {}) });

/**
 * A supplier's remit-to address (Coupa's Remit-To Addresses API): owned by its supplier,
 * rendered in its `remit-to-addresses` and served under it at
 * `/api/suppliers/:supplier_id/addresses` (index, show, create, update, destroy). Remit-to code,
 * street1, city, postal code and country are required, the code unique. Coupa's table marks the
 * local tax number required too, but IBM's Coupa client creates remit-to addresses without one,
 * so Roster does not require it (docs/reference-data.md).
 * "If you don't send a value for the active flag, the system doesn't assign any status":
 * `active` has no default.
 */
export const REMIT_TO_ADDRESSES = defineResource({
  name: 'remit_to_addresses',
  singular: 'remit-to-address',
  plural: 'remit-to-addresses',
  model: 'RemitToAddress',
  since: 9,
  elements: [
    idElement(),
    ...timestamps(),
    { ...text('remit-to-code', 'Remit-to code', true), unique: true },
    text('name', 'Name'),
    text('street1', 'Street 1', true),
    text('street2', 'Street 2'),
    text('street3', 'Street 3'),
    text('street4', 'Street 4'),
    text('city', 'City', true),
    text('state', 'State'),
    text('postal-code', 'Postal code', true),
    reference('country', 'countries', 'ISO country code', { required: true }),
    scalar('active', 'boolean', 'Active'),
    text('local-tax-number', 'Local tax number'),
    text('vat-number', 'VAT number'),
    reference('vat-country', 'countries', 'VAT country'),
    text('external-src-ref', 'External source reference'),
    text('external-src-name', 'External source name'),
    ownerReference('supplier', 'suppliers', 'The supplier paid at this address'),
    ...auditUsers(),
  ],
  key: 'remit-to-code',
  simple: ['id', 'remit-to-code', 'name', 'street1', 'city', 'postal-code', 'country', 'active'],
  api: {
    path: '/api/suppliers/:supplier_id/addresses',
    operations: ['index', 'show', 'create', 'update', 'destroy'],
    scopes: { read: 'core.supplier.read', write: 'core.supplier.write' },
  },
});
