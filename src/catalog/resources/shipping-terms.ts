import { auditUsers, collection, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Coupa's Shipping Terms API (/api/shipping_terms): a code (required, unique), a description
 * and content groups, as its element table lists them; a supplier's `shipping-term` names one
 * (Coupa's Suppliers example: `<shipping-term><id>1</id></shipping-term>`).
 */
export const SHIPPING_TERMS = defineResource({
  name: 'shipping_terms',
  singular: 'shipping-term',
  since: 9,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('code', 'string', 'Code', { length: 255, required: true, unique: true }),
    scalar('description', 'text', 'Description'),
    scalar('active', 'boolean', 'Active', { default: true }),
    collection('content-groups', 'business_groups', 'Content groups'),
    ...auditUsers(),
  ],
  key: 'code',
  simple: ['id', 'code', 'description', 'active'],
  cached: true,
  api: {
    path: '/api/shipping_terms',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
});
