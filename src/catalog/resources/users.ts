import {
  auditUsers,
  collection,
  idElement,
  joinedText,
  mirror,
  phone,
  readOnly,
  reference,
  scalar,
  through,
  timestamps,
} from '../elements.js';
import type { ResourceDef } from '../resource.js';
import type { Element, ReferenceElement } from '../types.js';

/**
 * The Users API elements, merged from seed 000 (the element table), Coupa's current
 * element list (reference doc 0100) and the `User` Swagger definition. Where the seeds'
 * sample payloads disagree with the tables the samples win: `active`, the license flags
 * and `api-user` are rendered because the samples show them. Order is render order,
 * following the seed samples.
 */

const LICENSES = [
  ['purchasing-user', 'Does the user have a Purchasing License?'],
  ['expense-user', 'Does the user have an Expense License?'],
  ['sourcing-user', 'Does the user have a Sourcing License?'],
  ['inventory-user', 'Does the user have an Inventory License?'],
  ['analytics-user', 'Does the user have an Analytics License?'],
  ['aic-user', 'Does the user have an AI classification license?', 'AI Classification User'],
  ['ccw-user', 'Does the user have a Contingent Workforce License?', 'Contingent Workforce User'],
  [
    'clm-advanced-user',
    'Does the user have a CLM Advanced License?',
    'Does the user have a Contract Lifecycle Management Advanced License?',
  ],
  ['contracts-user', 'Does the user have a Contracts License?'],
  ['invoicing-user', 'Does the user have an Invoicing License?'],
  ['risk-assess-user', 'Does the user have a Risk Assess License?'],
  ['spend-guard-user', 'Does the user have a Spend Guard License?'],
  ['supply-chain-user', 'Does the user have a Supply Chain License?'],
  ['travel-user', 'Does the user have a Travel License?'],
  ['treasury-user', 'Does the user have a Treasury License?'],
  ['category-planner-user', 'Does the user have a Category Planner License?'],
] as const satisfies ReadonlyArray<readonly [string, string, string?]>;

/** The supplier a supplier user works for; Coupa renders only its id (`supplier-id`, Swagger `User`). */
const SUPPLIER = reference('supplier', 'suppliers', 'Supplier of a supplier user', { in: false, out: false, since: 9 });

/** Read-only flags of Swagger `User` that Coupa sets itself (migration 9); never true for a user made through this API. */
const COUPA_FLAGS = [
  ['eligible-for-virtual-cards', 'Is the user eligible to manage their virtual cards?'],
  ['msp-user', 'Boolean flag to tell if the user is of MSP type'],
  ['supplier-user', 'Supplier User'],
  ['support-user', 'Support User'],
] as const;

const APPROVAL_LIMITS: ReadonlyArray<[string, string, Partial<ReferenceElement>?]> = [
  ['approval-limit', 'Maximum amount allowed to approve', { out: false, aliases: ['approval-limit-attributes'] }],
  [
    'self-approval-limit',
    'Maximum amount allowed for self approvals',
    { out: false, aliases: ['self-approval-limit-attributes'] },
  ],
  ['requisition-approval-limit', 'requisition_approval_limit', { aliases: ['requisition-approval-limit-attributes'] }],
  [
    'requisition-self-approval-limit',
    'requisition_self_approval_limit',
    { aliases: ['requisition-self-approval-limit-attributes'] },
  ],
  ['expense-approval-limit', 'expense_approval_limit', { aliases: ['expense-approval-limit-attributes'] }],
  ['expense-self-approval-limit', 'expense_self_approval_limit', { aliases: ['expense-self-approval-limit-attributes'] }],
  ['invoice-approval-limit', 'invoice_approval_limit', { aliases: ['invoice-approval-limit-attributes'] }],
  [
    'invoice-self-approval-limit',
    'Maximum amount allowed for Invoice self approvals',
    { aliases: ['invoice-self-approval-limit-attributes'] },
  ],
  ['contract-approval-limit', 'Contract approval limit'],
  ['contract-self-approval-limit', 'Contract self approval limit'],
  ['escalation-threshold', 'Escalation threshold', { csv: 'Escalation Threshold Limit' }],
  ['work-confirmation-approval-limit', 'work_confirmation_approval_limit', { csv: 'Service/Time Sheets Approval Limit' }],
];

/** Union of the locale lists in seed 000 and reference doc 0100, duplicates removed. */
const LOCALES = [
  ...new Set(
    (
      'en-BORK vi uk en-SG en-US en-IND da-DK en-au-ocker ca ca-CAT en-UG nb-NO en-NZ fi-FI nep he sk fa ' +
      'en tr ja bg cs es da de-AT de-BE de-CH de-LU de el en-AU en-CA en-CN en-GB en-HK en-IE en-IN en-ME en-MT ' +
      'en-MY en-PH en_TW en-ZA es-CO es-MX es-PR et fi fr-BE fr-CA fr-CH fr-LU fr hr hu it-CH it ko lt lv mt nl-BE ' +
      'nl no pl pt-BR pt ro ru sl sr sv zh-CN zh-HK zh-TW en-ZZ es-IC'
    ).split(' '),
  ),
];

/**
 * Columns of Coupa's Users Import (0443-Users_Import.md, and the column list vendored at
 * test/fixtures/coupa/coupa-user-csv-columns.tsv) for things Roster does not model yet: a load
 * reads past them and says so once in its result text.
 */
const UNKEPT_COLUMNS = [
  'Coupa Navi Ai Agent User',
  'Navi Chatbot User',
  'Generate Password And Notify User',
  ...['Receipt', 'Sourcing Launch', 'Sourcing Award'].flatMap((kind) => [
    `${kind} Approval Limit`,
    `${kind} Self Approval Limit`,
  ]),
  'Approver Login',
  ...Array.from({ length: 20 }, (_, i) => `Default Account Code Segment-${i + 1}`),
  ...['Location Code', 'Street 1', 'Street 2', 'Street 3', 'Street 4', 'City', 'State', 'Postal Code', 'Country Code'].map(
    (part) => `Default Address ${part}`,
  ),
  'Default Address Attention',
  'Default Address Name',
  'Remove Default Address',
  'Receive Coupa Emails',
  'Limit Showing of DataTable Views',
  'Pcard Name',
  'Pcard Number',
  'Pcard Expiration',
  'Pcard Cvv',
  'Projects',
];

const ELEMENTS: readonly Element[] = [
  idElement(),
  ...timestamps().map((el) => ({ ...el, indexed: true })),
  scalar('login', 'string', 'login', { length: 255, minLength: 2, required: true, unique: true }),
  scalar('email', 'string', 'email', { length: 255, required: true, unique: true, format: 'email' }),
  ...LICENSES.map(([name, description, csv]) =>
    scalar(name, 'boolean', description, { default: false, ...(csv === undefined ? {} : { csv }) }),
  ),
  scalar('employee-number', 'string', 'employee number', { length: 255, unique: true }),
  phone('phone-work', 'phone work'),
  phone('phone-mobile', 'phone mobile'),
  scalar('firstname', 'string', 'first name', { length: 40, required: true, csv: 'First Name' }),
  scalar('middlename', 'string', 'middle name', { length: 255, csv: 'Middle Name' }),
  scalar('lastname', 'string', 'last name', { length: 40, required: true, csv: 'Last Name' }),
  joinedText('fullname', 'full name', ['firstname', 'lastname'], ' '),
  readOnly('api-user', 'boolean', 'Is an API User?', { default: false }),
  scalar('active', 'boolean', 'A false value will inactivate the account making it no longer available to users.', {
    default: true,
    indexed: true,
  }),
  scalar('salesforce-id', 'string', 'salesforce_id', { length: 255 }),
  scalar('account-security-type', 'integer', 'account_security_type', { allowed: ['0', '1', '2'], default: 0 }),
  // "Authentication methods are case-sensitive" (Coupa's Users API element table): `SAML` is refused.
  scalar('authentication-method', 'symbol', 'What Authentication Method will be used (case-sensitive)?', {
    length: 255,
    allowed: ['coupa_credentials', 'ldap', 'saml'],
    caseSensitive: true,
    default: 'coupa_credentials',
  }),
  scalar('sso-identifier', 'string', "User's Single Sign-on ID (SSO ID)", { length: 255, indexed: true }),
  // Coupa documents string(10), but its own list holds `en-au-ocker`: the length fits the list.
  scalar('default-locale', 'string', 'Default locale', {
    length: Math.max(10, ...LOCALES.map((l) => l.length)),
    allowed: LOCALES,
  }),
  scalar('mention-name', 'string', 'Mention Name', { length: 255, unique: true }),
  scalar('business-function', 'string', 'Business function', { length: 255 }),
  scalar('seniority-level', 'string', "The employee's job grade or band in your company's hierarchy.", { length: 255 }),
  scalar('employee-payment-channel', 'string', "How expenses are paid to the employee: 'ERP' or 'CoupaPay'.", {
    length: 255,
    allowed: ['ERP', 'CoupaPay'],
    default: 'ERP',
  }),
  scalar('salesforce-enabled', 'boolean', 'salesforce_enabled', { out: false, default: false }),
  scalar('allow-employee-payment-account-creation', 'boolean', 'Allow the user to create an Employee Payment Account.', {
    default: false,
  }),
  scalar('allow-user-to-upload-invoice-from-mobile', 'boolean', 'Allow invoice image uploads from Coupa Mobile.', {
    default: false,
    csv: 'Allow user to upload Invoice images from Coupa Mobile to Invoice Inbox',
  }),
  // The rest of Swagger `User` (migration 9): Api_Out only in Coupa's element table, set by Coupa
  // (expense delegation, mobile invoice inboxes, supplier users), so empty or false here.
  readOnly('allowed-invoice-inboxes', 'text', 'Invoice inboxes that mobile user allowed to send invoice to', { since: 9 }),
  ...COUPA_FLAGS.map(([name, description]) => readOnly(name, 'boolean', description, { default: false, since: 9 })),
  reference('can-expense-for', 'users', 'can_expense_for', { in: false, since: 9 }),
  reference('expenses-delegated-to', 'users', 'Expenses delegated to', { in: false, since: 9 }),
  SUPPLIER,
  through('supplier-id', SUPPLIER, 'id', 'integer', 'Supplier Id'),
  reference('default-account', 'accounts', 'default_account', { csv: 'Default Account Code' }),
  scalar('business-group-security-type', 'integer', 'business_group_security_type', { allowed: ['0', '1'], default: 0 }),
  scalar('edit-invoice-on-quick-entry', 'boolean', 'edit_invoice_on_quick_entry', { default: false }),
  readOnly('avatar-thumb-url', 'string', 'Avatar url'),
  { kind: 'secret', name: 'password', description: 'Changed password', in: true, out: false, column: 'password_digest' },
  reference('default-account-type', 'account_types', 'default_account_type', { csv: 'Default Chart of Accounts Name' }),
  reference('default-address', 'addresses', 'default_address'),
  // Coupa: "if a value is not provided … the default currency is set to the instance's reporting currency" (0100-…, 0443-…).
  reference('default-currency', 'currencies', 'default_currency', { default: { setting: 'reportingCurrency' } }),
  reference('department', 'departments', 'department'),
  reference('legal-entity', 'legal_entities', 'Legal entity for expense receipt retention', { csv: 'Legal Entity Name' }),
  reference('country-of-residence', 'countries', 'Country of residence', { csv: 'Country Of Residence Code' }),
  reference('pcard', 'pcards', 'pcard'),
  reference('manager', 'users', 'Manager'),
  reference('parent', 'users', 'parent'),
  // Coupa's "Create a User" playbook: a user created without roles gets the User role.
  collection('roles', 'roles', 'roles', { default: [{ key: 'User' }], csv: 'User Role Names' }),
  collection('content-groups', 'business_groups', 'Content Groups', { aliases: ['business-groups'] }),
  collection('account-groups', 'account_groups', 'account_groups', { csv: 'Account Group Names' }),
  collection('approval-groups', 'user_groups', 'approval_groups', { csv: 'Approval Group Names' }),
  collection('user-groups', 'user_groups', 'User groups', { csv: 'Groups' }),
  collection('inventory-organizations', 'inventory_organizations', 'inventory_organizations'),
  collection('working-warehouses', 'warehouses', 'working_warehouses', { csv: 'Warehouses' }),
  ...APPROVAL_LIMITS.map(([name, description, opts]) => reference(name, 'approval_limits', description, opts)),
  mirror('active'),
  mirror('api-user'),
  ...LICENSES.map(([name]) => mirror(name)),
  ...auditUsers(),
];

/** Coupa's Users API (seed 000, reference doc 0100). */
export const USERS: ResourceDef = {
  name: 'users',
  singular: 'user',
  plural: 'users',
  model: 'User',
  table: 'users',
  elements: ELEMENTS,
  key: 'login',
  // Coupa's UserSimple, as a user nested in another record (manager, created-by) renders.
  simple: ['id', 'login', 'email', 'employee-number', 'firstname', 'lastname', 'fullname', 'salesforce-id'],
  shallow: ['id', 'login', 'email'],
  avatar: { table: 'avatars' },
  flatFile: {
    folder: 'Users',
    sourceFor: 'User',
    // Coupa's Users Import "Keys", in the order its Validations section applies them.
    keys: ['id', 'employee-number', 'login'],
    unkept: UNKEPT_COLUMNS,
  },
  api: {
    path: '/api/users',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.user.read', write: 'core.user.write' },
    // Coupa's documented way to filter on `active` (reference doc 0100).
    aliases: { status: { element: 'active', values: { active: 'true', inactive: 'false' } } },
    extraRoutes: [
      { method: 'GET', path: '/:id/avatar', access: 'read' },
      { method: 'PUT', path: '/:id/avatar', access: 'write' },
      { method: 'DELETE', path: '/:id/avatar', access: 'write' },
      // The paths Coupa's Swagger lists for the same two actions; its POST answers 201 Created.
      { method: 'POST', path: '/:id/avatar', access: 'write', status: 201 },
      { method: 'GET', path: '/:id/retrieve_avatar', access: 'read' },
    ],
  },
};
