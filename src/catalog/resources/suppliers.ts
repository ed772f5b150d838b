import { auditUsers, children, collection, idElement, readOnly, reference, scalar, timestamps, through } from '../elements.js';
import { defineResource } from '../resource.js';
import type { Element, ScalarType } from '../types.js';

/** Coupa's transmission methods, for both `po-method` and `po-change-method` (Suppliers API element table). */
const PO_METHODS = ['cxml', 'xml', 'email', 'prompt', 'mark_as_sent', 'buy_online'];

const PAYMENT_TERM = reference('payment-term', 'payment_terms', 'Default payment term, selectable from drop down', {
  since: 9,
});

/**
 * Scalars of Coupa's Suppliers API element table, in its order, as `[name, type, description,
 * options]`: in and out unless the table says otherwise. The table gives no length for most
 * strings; they get 255, as its typed rows have.
 */
const SCALARS: ReadonlyArray<readonly [string, ScalarType, string, { in?: boolean; out?: boolean }?]> = [
  ['account-number', 'string', 'Account number'],
  ['allow-change-requests', 'boolean', 'Allows suppliers to create change requests from CSP'],
  ['allow-cn-no-backing-doc-from-connect', 'boolean', 'The supplier can create credit notes without backing invoice'],
  ['allow-csp-access-without-two-factor', 'boolean', "Allows supplier to access Customer's data from CSP without Two Factor"],
  ['allow-cxml-invoicing', 'boolean', 'Allow cXML invoicing for Supplier'],
  ['allow-inv-choose-billing-account', 'boolean', 'Allow inv choose billing account'],
  ['allow-inv-from-connect', 'boolean', 'The supplier can create invoices against their POs or Contracts in the CSP'],
  ['allow-inv-no-backing-doc-from-connect', 'boolean', 'The supplier can create invoices without a backing PO or Contract'],
  ['allow-inv-unbacked-lines-from-connect', 'boolean', 'The supplier can create unbacked invoice lines in the CSP'],
  ['allow-order-confirmation-item-substitutions', 'boolean', 'Allow supplier to propose item substitute on Order Confirmations'],
  ['buyer-hold', 'boolean', 'Hold all POs for buyer review'],
  ['corporate-url', 'string', 'Corporate URL', { out: false }],
  ['coupa-pay-financing-only', 'boolean', 'Only pay financed invoices via Coupa Pay'],
  ['cxml-domain', 'string', '"From", our domain / cXML domain'],
  ['cxml-http-username', 'string', 'cXML HTTP username'],
  ['cxml-identity', 'string', '"From", our identity / cXML identity'],
  ['cxml-invoice-buyer-domain', 'string', 'Buyer Domain for cXML Invoicing'],
  ['cxml-invoice-buyer-identity', 'string', 'Buyer Identity for cXML Invoicing'],
  ['cxml-invoice-secret', 'string', 'Secret Key for cXML Invoicing Authentication'],
  ['cxml-invoice-supplier-domain', 'string', 'Supplier Domain for cXML Invoicing'],
  ['cxml-invoice-supplier-identity', 'string', 'Supplier Identity for cXML Invoicing'],
  ['cxml-protocol', 'string', 'Transmission protocol'],
  ['cxml-secret', 'string', 'Shared secret'],
  ['cxml-ssl-version', 'string', 'cXML SSL version'],
  ['cxml-supplier-domain', 'string', '"To", supplier domain / cXML supplier domain'],
  ['cxml-supplier-identity', 'string', '"To", supplier identity / cXML supplier identity'],
  ['cxml-url', 'string', 'URL where POs are sent if PO transmission is "cxml"'],
  ['default-locale', 'string', 'Default Locale for sending emails to this supplier', { out: false }],
  ['disable-cert-verify', 'boolean', 'Disable cert verify'],
  ['duns', 'string', 'Supplier DUNS number'],
  ['hold-invoices-for-ap-review', 'boolean', 'Prevent invoices from being approved before AP reviews them', { out: false }],
  ['invoice-emails', 'text', 'Registered email addresses allowed to send invoices via email'],
  ['on-hold', 'boolean', 'Supplier On Hold'],
  ['online-store', 'string', 'Supplier website'],
  ['po-email', 'string', 'Email where POs are sent if PO transmission is "email"'],
  ['price-amount', 'decimal', 'Price amount', { out: false }],
  ['savings-pct', 'decimal', 'Savings for using this supplier'],
  ['send-invoices-to-approvals', 'boolean', 'Invoices are all sent thru approvals, regardless of total amount'],
  ['scf-configs', 'string', 'Supply chain finance configurations whitelisted for supplier'],
  ['storefront-url', 'string', 'Supplier website', { out: false }],
  ['supplier-community-enablement', 'integer', 'Community enablement status for the supplier'],
  ['strategic-supplier', 'boolean', 'Strategic Supplier'],
  ['tax-code', 'string', 'Supplier tax code'],
  // Coupa's table describes it as "Supplier DUNS number", a copy error: its Suppliers Import calls it the TIN.
  ['tax-id', 'string', 'Tax identification number (TIN)'],
  ['website', 'string', 'Supplier website'],
  ['whitelist-dd', 'boolean', 'Whitelist suppliers for Dynamic Discounting'],
  ['dd-settings', 'string', 'Dynamic Discounting Settings whitelisted for supplier'],
  ['business-entity-id', 'integer', 'Business Entity'],
  ['preferred-commodities', 'string', 'List of Preferred Commodities'],
  ['tags', 'string', 'List of Tags'],
  ['one-time-supplier', 'boolean', 'Indicates whether the supplier is a One Time Supplier'],
  ['scope-three-emissions', 'boolean', 'Indicates whether the supplier tracks Scope Three Emissions'],
];

const scalars = (): Element[] =>
  SCALARS.map(([name, type, description, opts]) =>
    scalar(name, type, description, { since: 9, ...(type === 'string' ? { length: 255 } : {}), ...opts }),
  );

/**
 * Coupa's Suppliers API (/api/suppliers): index, show, create and update, as its element table
 * lists them (docs/reference-data.md gives each element's source and what is not kept yet). A
 * supplier is named by its name or its number (`{"supplier": {"number": "SUP-0132"}}`; Coupa's
 * ERP playbook, its Suppliers export); a worker's `supplier` renders as `id`, `name`,
 * `display-name` (seed 004). "If you do not set a status for the supplier, the system defaults
 * to draft"; "If you do not set a default payment method, the system defaults to invoice".
 * Under Coupa's scopes core.supplier.read / core.supplier.write.
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
    scalar('status', 'string', 'Supplier status', { length: 255, allowed: ['active', 'inactive', 'draft'], default: 'draft' }),
    ...scalars(),
    {
      kind: 'secret',
      name: 'cxml-http-password',
      description: 'cXML HTTP password',
      in: true,
      out: false,
      column: 'cxml_http_password',
      since: 9,
    },
    readOnly('coupa-connect-secret', 'string', 'Coupa connect secret', { length: 255, since: 9 }),
    scalar('invoice-matching-level', 'string', 'Invoice matching level', {
      length: 255,
      allowed: ['2-way', '3-way', '3-way-direct', 'none'],
      since: 9,
    }),
    scalar('payment-method', 'string', 'Default payment method', {
      length: 255,
      allowed: ['invoice', 'pcard', 'invoice_only', 'pcard_only', 'virtual_card'],
      default: 'invoice',
      since: 9,
    }),
    scalar('po-method', 'string', 'Purchase order transmission method', { length: 255, allowed: PO_METHODS, since: 9 }),
    scalar('po-change-method', 'string', 'Purchase order change transmission method', {
      length: 255,
      allowed: PO_METHODS,
      since: 9,
    }),
    scalar('order-confirmation-level', 'string', 'Order Confirmation Level', {
      length: 255,
      allowed: ['not_applicable', 'header', 'line'],
      out: false,
      since: 9,
    }),
    scalar('confirm-by-hrs', 'decimal', 'Confirm By (In Hours)', { decimal: { precision: 10, scale: 0 }, since: 9 }),
    readOnly('do-not-accelerate', 'boolean', 'Do not accelerate the payment terms', { default: false, since: 9 }),
    readOnly('type', 'string', 'Type', { length: 255, since: 9 }),
    PAYMENT_TERM,
    through('payment-term-id-for-api', PAYMENT_TERM, 'id', 'integer', 'Payment term ID for API', { in: true }),
    reference('shipping-term', 'shipping_terms', 'Supplier shipping term', { since: 9 }),
    reference('primary-contact', 'contacts', 'Primary supplier contact', { since: 9 }),
    reference('primary-address', 'addresses', 'Primary address', { since: 9 }),
    reference('parent', 'suppliers', 'parent', { since: 9 }),
    reference('inventory-organization', 'inventory_organizations', 'Inventory organization', { in: false, since: 9 }),
    { ...collection('account-types', 'account_types', 'Account Types'), since: 9 },
    { ...collection('restricted-account-types', 'account_types', 'Restricted account types'), since: 9 },
    // Coupa's Mule connector sends them as `content-groups`, the name users use.
    { ...collection('business-groups', 'business_groups', 'business groups', { aliases: ['content-groups'] }), since: 9 },
    { ...children('contacts', 'supplier_contacts', 'supplier', 'Supplier contacts'), since: 9 },
    { ...children('supplier-addresses', 'supplier_addresses', 'supplier', 'Supplier addresses'), since: 9 },
    { ...children('remit-to-addresses', 'remit_to_addresses', 'supplier', 'Remit to addresses'), in: false, since: 9 },
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
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.supplier.read', write: 'core.supplier.write' },
  },
});
