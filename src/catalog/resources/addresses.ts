import { auditUsers, idElement, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

const text = (name: string, description: string, since?: number) =>
  scalar(name, 'string', description, { length: 255, ...(since === undefined ? {} : { since }) });

/**
 * Coupa's Address API (/api/addresses). Street1, city, postal code, country and local tax
 * number are required, as both Coupa's element table and its `Address` Swagger definition say.
 */
export const ADDRESSES = defineResource({
  name: 'addresses',
  singular: 'address',
  plural: 'addresses',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('location-code', 'string', 'Location code', { length: 255, unique: true }),
    text('name', 'Nickname'),
    { ...text('street1', 'Street 1'), required: true },
    text('street2', 'Street 2'),
    text('street3', 'Street 3', 3),
    text('street4', 'Street 4', 3),
    { ...text('city', 'City'), required: true },
    text('state', 'State'),
    text('state-iso-code', 'State ISO code', 3),
    { ...text('postal-code', 'Postal code'), required: true },
    text('attention', 'Attention'),
    scalar('active', 'boolean', 'Active', { default: true }),
    reference('country', 'countries', 'Country', { required: true }),
    { ...text('local-tax-number', 'Local tax number', 3), required: true },
    text('vat-number', 'VAT number', 3),
    reference('vat-country', 'countries', 'VAT country', { since: 3 }),
    text('external-src-name', 'External source name', 3),
    text('external-src-ref', 'External source reference', 3),
    ...auditUsers(3),
  ],
  key: 'location-code',
  simple: [
    'id',
    'location-code',
    'name',
    'street1',
    'street2',
    'city',
    'state',
    'postal-code',
    'attention',
    'active',
    'country',
    'local-tax-number',
  ],
  cached: true,
  api: {
    path: '/api/addresses',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
});
