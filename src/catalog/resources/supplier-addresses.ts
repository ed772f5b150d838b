import { ownerReference } from '../elements.js';
import { defineResource } from '../resource.js';
import type { Element } from '../types.js';
import { ADDRESSES } from './addresses.js';

/**
 * A supplier's addresses (its `supplier-addresses`): an address's elements, owned by the
 * supplier and written with Rails' nested-attributes rules, as IBM's Coupa client adds one (no
 * `id`) or changes one (with its `id`) in `PUT /api/suppliers/:id`. Their `type` is Rails'
 * `SupplierAddress`; the local tax number is optional. An address's collections (content groups, purposes, tax registrations) are
 * not kept on them yet (docs/reference-data.md).
 */
export const SUPPLIER_ADDRESSES = defineResource({
  name: 'supplier_addresses',
  singular: 'address',
  plural: 'addresses',
  model: 'SupplierAddress',
  since: 9,
  elements: [
    ...ADDRESSES.elements.flatMap((el): Element[] => {
      if (el.kind === 'collection') return [];
      if (el.kind === 'scalar' && el.name === 'type') return [{ ...el, default: 'SupplierAddress', since: 9 }];
      // IBM's Coupa client adds supplier addresses without one (docs/reference-data.md).
      if (el.kind === 'scalar' && el.name === 'local-tax-number') return [{ ...el, required: false, since: 9 }];
      return [{ ...el, since: 9 }];
    }),
    ownerReference('supplier', 'suppliers', 'The supplier at this address'),
  ],
  key: 'location-code',
  simple: ADDRESSES.simple,
});
