import { auditUsers, collection, idElement, readOnly, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

const day = (name: string, description: string, required = false) =>
  scalar(name, 'integer', description, { minimum: 0, ...(required ? { required } : {}) });

/**
 * Coupa's Payment Terms API (/api/payment_terms), which a supplier's `payment-term` names by
 * `code` (Coupa's Suppliers example: `<payment-term><code>Net 30</code></payment-term>`).
 * Elements, requirements and the `type` values as Coupa's Payment Terms element table gives
 * them; `type` is Coupa's to set (Api_Out), `DaysAfterNetPaymentTerm` unless a fixture says.
 * Served under core.common.* (Coupa's scope for its set-up entities).
 */
export const PAYMENT_TERMS = defineResource({
  name: 'payment_terms',
  singular: 'payment-term',
  since: 9,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('code', 'string', 'Code', { length: 255, required: true, unique: true }),
    scalar('description', 'string', 'Description', { length: 255 }),
    scalar('active', 'boolean', 'Active', { default: true }),
    day('days-for-net-payment', 'Days for net payment', true),
    day('days-for-discount-payment', 'Days for discount payment', true),
    scalar('discount-rate', 'decimal', 'Discount rate'),
    day('discount-cutoff-day', 'Discount cutoff day (1 through 31)'),
    day('discount-due-day', 'Discount due day (1 through 31)'),
    day('discount-due-month', 'Discount due month (0 through 6)'),
    day('net-cutoff-day', 'Net cutoff day (1 through 31)'),
    day('net-due-day', 'Net due day (1 through 31)'),
    day('net-due-month', 'Net due month (0 through 6)'),
    readOnly('type', 'string', 'Payment term type', {
      length: 50,
      allowed: ['DaysAfterNetPaymentTerm', 'SpecificDayPaymentTerm', 'DaysToBaseEomPaymentTerm', 'BaseEomToDaysPaymentTerm'],
      default: 'DaysAfterNetPaymentTerm',
    }),
    collection('content-groups', 'business_groups', 'Content groups'),
    ...auditUsers(),
  ],
  key: 'code',
  simple: ['id', 'code', 'description', 'days-for-net-payment', 'days-for-discount-payment', 'discount-rate', 'active'],
  cached: true,
  api: {
    path: '/api/payment_terms',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
});
