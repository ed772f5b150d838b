import { auditUsers, collection, idElement, readOnly, reference, scalar, through, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

const text = (name: string, description: string, since?: number) =>
  scalar(name, 'string', description, { length: 255, ...(since === undefined ? {} : { since }) });

/** The content group `business-group-name` names; Coupa renders only the name. */
const BUSINESS_GROUP = reference('business-group', 'business_groups', 'Content group', { in: false, out: false, since: 9 });

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
    // The rest of Swagger `Address` (migration 9). `type` is Rails' single-table type, set by
    // Coupa for addresses it keeps for a purpose (`SupplierAddress`); a plain address has none.
    readOnly('type', 'string', 'Address type', { length: 255, since: 9 }),
    BUSINESS_GROUP,
    through('business-group-name', BUSINESS_GROUP, 'name', 'string', 'Content Group Name for Address', { in: true }),
    { ...collection('content-groups', 'business_groups', 'Content groups'), since: 9 },
    { ...collection('purposes', 'purposes', 'Purposes'), since: 9 },
    // Swagger types these as `Address`: the addresses registered for tax with this one.
    { ...collection('tax-registrations', 'addresses', 'Tax registrations'), since: 9 },
    ...auditUsers(3),
  ],
  key: 'location-code',
  // Rails' nested attributes create the address a record names without an id or location code
  // (Coupa's Suppliers example gives a supplier's `primary-address` as street, city, postal
  // code and country); Roster reuses an address with the same four, or creates it.
  findOrCreateBy: ['street1', 'city', 'postal-code', 'country'],
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
