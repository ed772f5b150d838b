/**
 * Realistic reference data for a fresh instance. Currencies and countries come from the ICU
 * data built into Node (ISO 4217 and ISO 3166), the rest mirrors a typical Coupa setup.
 * Rows are written as a fixture would write them: fields and links by wire name.
 */
export type FixtureRow = Record<string, unknown>;
export type Fixture = Record<string, FixtureRow[]>;

/** A fixture whose rows may be made on demand: ISO currencies and countries are only built for an empty table. */
export type LazyFixture = Readonly<Record<string, FixtureRow[] | (() => FixtureRow[])>>;

function currencies(): FixtureRow[] {
  const names = new Intl.DisplayNames(['en'], { type: 'currency' });
  return Intl.supportedValuesOf('currency').map((code) => {
    const nf = new Intl.NumberFormat('en', { style: 'currency', currency: code, currencyDisplay: 'narrowSymbol' });
    const symbol = nf.formatToParts(0).find((p) => p.type === 'currency')?.value ?? code;
    return {
      code,
      name: names.of(code) ?? code,
      symbol: symbol.slice(0, 10),
      decimals: nf.resolvedOptions().maximumFractionDigits ?? 2,
      enabled: ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'INR', 'CHF'].includes(code),
    };
  });
}

function countries(): FixtureRow[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const rows: FixtureRow[] = [];
  const A = 'A'.charCodeAt(0);
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(A + i, A + j);
      const name = names.of(code);
      // ICU also names a few groupings and private-use codes; keep only countries and territories.
      if (name && name !== code && !['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ'].includes(code)) rows.push({ code, name });
    }
  }
  return rows;
}

export function defaultReferenceData(): LazyFixture {
  return {
    currencies,
    countries,
    roles: [
      ['Admin', 'Full access to every setup and transaction', true],
      ['User', 'Basic requester', false],
      ['Buyer', 'Manages requisitions, orders and suppliers', false],
      ['Accounts Payable', 'Processes invoices and payments', false],
      ['Central Receiving', 'Receives goods for others', false],
      ['Accounting Supervisor', 'Manages accounts and budgets', false],
      ['Edit as Approver', 'Edits documents while approving them', false],
      ['Inventory Manager', 'Manages warehouses and inventory', false],
      ['Expense Administrator', 'Audits and manages expense reports', false],
      ['Integration Admin', 'Manages integrations and API access', false],
    ].map(([name, description, omnipotent]) => ({ name, description, omnipotent, 'system-role': true })),
    departments: ['Finance', 'Engineering', 'Sales', 'Marketing', 'Human Resources', 'Operations', 'Legal', 'IT'].map((name) => ({
      name,
      active: true,
    })),
    business_groups: [
      { name: 'Everyone', description: 'Content visible to all users' },
      { name: 'North America', description: 'US and Canada' },
      { name: 'EMEA', description: 'Europe, Middle East and Africa' },
      { name: 'APAC', description: 'Asia Pacific' },
    ],
    account_groups: [
      { name: 'All Accounts', 'account-group-type': 1, 'account-type': 'US Chart of Accounts' },
      { name: 'US Accounts', 'account-group-type': 1, 'account-type': 'US Chart of Accounts' },
      { name: 'EU Accounts', 'account-group-type': 1, 'account-type': 'EU Chart of Accounts' },
    ],
    user_groups: [
      { name: 'Finance Approvers', description: 'Approves spend over department limits', active: true },
      { name: 'IT Approvers', description: 'Approves software and hardware', active: true },
      { name: 'Procurement', description: 'Sourcing and buying team', active: true },
    ],
    inventory_organizations: [{ name: 'Main Inventory', 'fulfillment-type': 'manual', currency: 'USD' }],
    warehouse_types: [
      { name: 'Standard', description: 'Stock held for fulfilment' },
      { name: 'Consignment', description: 'Supplier-owned stock held on site' },
    ],
    warehouses: [
      {
        name: 'Central Warehouse',
        description: 'Main distribution centre',
        address: 'HQ',
        currency: 'USD',
        'warehouse-type': 'Standard',
        'warehouse-locations': [
          { aisle: 'A1', bin: '01', level: '1', active: true },
          { aisle: 'A1', bin: '02', level: '1', active: true },
          { aisle: 'B4', bin: '10', level: '3', active: false },
        ],
      },
      {
        name: 'West Coast Warehouse',
        description: 'Regional stock',
        address: 'HQ',
        currency: 'USD',
        'warehouse-type': 'Standard',
        'warehouse-locations': [{ aisle: 'R1', bin: '01', level: '1', active: true }],
      },
    ],
    legal_entities: [
      { name: 'Acme Inc.', abbreviation: 'ACME-US', active: true, currency: 'USD' },
      { name: 'Acme Europe B.V.', abbreviation: 'ACME-EU', active: true, currency: 'EUR' },
    ],
    addresses: [
      {
        'location-code': 'HQ',
        name: 'Headquarters',
        street1: '1 Market Street',
        city: 'San Francisco',
        state: 'CA',
        'postal-code': '94105',
        active: true,
        country: 'US',
      },
      {
        'location-code': 'NYC',
        name: 'New York Office',
        street1: '350 Fifth Avenue',
        city: 'New York',
        state: 'NY',
        'postal-code': '10118',
        active: true,
        country: 'US',
      },
      {
        'location-code': 'AMS',
        name: 'Amsterdam Office',
        street1: 'Herengracht 100',
        city: 'Amsterdam',
        state: 'NH',
        'postal-code': '1015 BS',
        active: true,
        country: 'NL',
      },
    ],
    account_types: [
      { name: 'US Chart of Accounts', active: true, currency: 'USD' },
      { name: 'EU Chart of Accounts', active: true, currency: 'EUR' },
    ],
    accounts: [
      { code: '100-1000-Operations', name: 'Operations', active: true, 'account-type': 'US Chart of Accounts' },
      { code: '200-2000-Marketing', name: 'Marketing', active: true, 'account-type': 'US Chart of Accounts' },
      { code: '300-3000-RnD', name: 'Research and Development', active: true, 'account-type': 'EU Chart of Accounts' },
    ],
    // Coupa's Suppliers examples name `Net 30` by code; the others are Roster's.
    payment_terms: [
      { code: 'Net 30', description: 'Net 30', 'days-for-net-payment': 30, 'days-for-discount-payment': 0, active: true },
      {
        code: '2/10 Net 30',
        description: '2% 10 days, net 30',
        'days-for-net-payment': 30,
        'days-for-discount-payment': 10,
        'discount-rate': '2',
        active: true,
      },
      { code: 'Net 60', description: 'Net 60', 'days-for-net-payment': 60, 'days-for-discount-payment': 0, active: true },
    ],
    shipping_terms: [
      { code: 'FOB Origin', description: 'Free on board, title passes at origin', active: true },
      { code: 'FOB Destination', description: 'Free on board, title passes at destination', active: true },
    ],
    suppliers: [
      { name: 'FieldQA Supplier SM', 'display-name': 'FieldQA Supplier SM', number: 'SUP-0132', status: 'active' },
      { name: 'Acme Staffing', 'display-name': 'Acme Staffing Ltd.', number: 'SUP-0201', status: 'active' },
      { name: 'Northwind Contractors', 'display-name': 'Northwind Contractors', number: 'SUP-0202', status: 'active' },
      { name: 'Globex Consulting', 'display-name': 'Globex Consulting GmbH', number: 'SUP-0203', status: 'inactive' },
    ],
    // Seed 004's sample names the address purpose `Home`; the others are Roster's.
    worker_address_purposes: [
      { code: 'Home', name: 'Home' },
      { code: 'Work', name: 'Work' },
      { code: 'Mailing', name: 'Mailing' },
    ],
    skills: [
      { name: 'Project Management', description: 'Plans and runs projects' },
      { name: 'Java', description: 'Java development' },
      { name: 'TypeScript', description: 'TypeScript development' },
      { name: 'Welding', description: 'Certified welding' },
      { name: 'Forklift Operation', description: 'Licensed forklift operator' },
    ],
    identifier_types: [
      { code: 'passport', name: 'Passport' },
      { code: 'national_id', name: 'National ID card' },
      { code: 'tax_id', name: 'Tax identification number' },
      { code: 'hr_system', name: 'ID in the HR system' },
      { code: 'vms', name: 'ID in the vendor management system' },
    ],
    document_types: [
      { name: 'Work Permit', active: true },
      { name: 'Certificate', active: true },
      { name: 'Background Check', active: true },
      { name: 'Non-Disclosure Agreement', active: true },
    ],
    // Coupa's example lookup `Account`, with two root values (a value's external ref code is its num at the root).
    lookups: [{ name: 'Account', description: 'Account', active: true, 'fixed-depth': 0 }],
    lookup_values: [
      { name: 'Operations', 'external-ref-num': '6000', 'external-ref-code': '6000', depth: 0, lookup: 'Account' },
      { name: 'Travel', 'external-ref-num': '6100', 'external-ref-code': '6100', depth: 0, lookup: 'Account' },
    ],
    approval_limits: [
      { name: 'Up to 1,000 USD', amount: '1000', currency: 'USD', subject: 'requisition' },
      { name: 'Up to 10,000 USD', amount: '10000', currency: 'USD', subject: 'requisition' },
      { name: 'Up to 100,000 USD', amount: '100000', currency: 'USD', subject: 'requisition' },
      { name: 'Up to 5,000 EUR', amount: '5000', currency: 'EUR', subject: 'expense' },
    ],
  };
}
