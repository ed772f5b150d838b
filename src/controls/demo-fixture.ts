import type { FixtureRow } from '../store/default-reference-data.js';
import type { SeedFixture } from './fixture-file.js';

/**
 * People of the demo set: login, first and last name, department, roles, manager (by login).
 * `USER_TEST` is the login Coupa's Users API examples (seed 000) use, and the README's.
 */
const PEOPLE: ReadonlyArray<readonly [string, string, string, string, readonly string[], string?]> = [
  ['USER_TEST', 'user', 'test', 'Engineering', ['User']],
  ['ada.lovelace', 'Ada', 'Lovelace', 'Engineering', ['Admin', 'User']],
  ['grace.hopper', 'Grace', 'Hopper', 'Engineering', ['User'], 'ada.lovelace'],
  ['alan.turing', 'Alan', 'Turing', 'Engineering', ['User'], 'ada.lovelace'],
  ['katherine.johnson', 'Katherine', 'Johnson', 'Engineering', ['User'], 'ada.lovelace'],
  ['margaret.hamilton', 'Margaret', 'Hamilton', 'IT', ['Integration Admin', 'User']],
  ['linus.pauling', 'Linus', 'Pauling', 'IT', ['User'], 'margaret.hamilton'],
  ['mary.jackson', 'Mary', 'Jackson', 'Finance', ['Accounts Payable', 'User']],
  ['john.vonneumann', 'John', 'von Neumann', 'Finance', ['Accounting Supervisor', 'User'], 'mary.jackson'],
  ['dorothy.vaughan', 'Dorothy', 'Vaughan', 'Finance', ['Accounts Payable', 'User'], 'mary.jackson'],
  ['barbara.liskov', 'Barbara', 'Liskov', 'Procurement', ['Buyer', 'User']],
  ['edsger.dijkstra', 'Edsger', 'Dijkstra', 'Procurement', ['Buyer', 'User'], 'barbara.liskov'],
  ['frances.allen', 'Frances', 'Allen', 'Procurement', ['Requester', 'User'], 'barbara.liskov'],
  ['claude.shannon', 'Claude', 'Shannon', 'Operations', ['Central Receiving', 'User']],
  ['hedy.lamarr', 'Hedy', 'Lamarr', 'Operations', ['Inventory Manager', 'User'], 'claude.shannon'],
  ['tim.berners-lee', 'Tim', 'Berners-Lee', 'Operations', ['Requester', 'User'], 'claude.shannon'],
  ['radia.perlman', 'Radia', 'Perlman', 'Sales', ['User']],
  ['vint.cerf', 'Vint', 'Cerf', 'Sales', ['Requester', 'User'], 'radia.perlman'],
  ['shafi.goldwasser', 'Shafi', 'Goldwasser', 'Sales', ['User'], 'radia.perlman'],
  ['donald.knuth', 'Donald', 'Knuth', 'Marketing', ['User']],
  ['karen.sparck-jones', 'Karen', 'Sparck Jones', 'Marketing', ['Requester', 'User'], 'donald.knuth'],
  ['ken.thompson', 'Ken', 'Thompson', 'Human Resources', ['Expense Administrator', 'User']],
  ['annie.easley', 'Annie', 'Easley', 'Human Resources', ['User'], 'ken.thompson'],
  ['leslie.lamport', 'Leslie', 'Lamport', 'Legal', ['User']],
  ['adele.goldberg', 'Adele', 'Goldberg', 'Customer Success', ['User'], 'leslie.lamport'],
];

/** Workers of the demo set: names, date of birth, gender, title, years, supplier, country, city, skill, status. */
const WORKERS: ReadonlyArray<readonly [string, string, string, string, string, string, string, string, string, string, string]> =
  [
    ['Test', 'Worker', '2000-07-01', 'm', 'QA Engineer', '10', 'FieldQA Supplier SM', 'US', 'Austin', 'Java', 'assigned'],
    ['Nora', 'Quinn', '1988-03-14', 'f', 'Project Manager', '12', 'Acme Staffing', 'US', 'Denver', 'Project Management', 'open'],
    ['Omar', 'Haddad', '1991-11-02', 'm', 'Welder', '8', 'Northwind Contractors', 'US', 'Houston', 'Welding', 'assigned'],
    ['Priya', 'Raman', '1994-06-21', 'f', 'Software Engineer', '6', 'Acme Staffing', 'IN', 'Pune', 'TypeScript', 'open'],
    [
      'Lukas',
      'Becker',
      '1985-01-30',
      'm',
      'Forklift Operator',
      '15',
      'Northwind Contractors',
      'DE',
      'Hamburg',
      'Forklift Operation',
      'open',
    ],
    ['Sofia', 'Marino', '1990-09-09', 'f', 'Java Developer', '9', 'FieldQA Supplier SM', 'IT', 'Milan', 'Java', 'assigned'],
    [
      'Kenji',
      'Sato',
      '1987-12-12',
      'm',
      'Site Supervisor',
      '14',
      'Northwind Contractors',
      'JP',
      'Osaka',
      'Project Management',
      'open',
    ],
    ['Amara', 'Okafor', '1996-04-05', 'f', 'Frontend Developer', '4', 'Acme Staffing', 'GB', 'Leeds', 'TypeScript', 'open'],
    [
      'Mateo',
      'Silva',
      '1993-08-17',
      'm',
      'Warehouse Associate',
      '5',
      'Northwind Contractors',
      'BR',
      'Campinas',
      'Forklift Operation',
      'open',
    ],
    ['Elin', 'Berg', '1989-02-26', 'f', 'Welding Inspector', '11', 'Acme Staffing', 'SE', 'Malmo', 'Welding', 'open'],
  ];

const email = (login: string): string => (login === 'USER_TEST' ? 'user.test@example.com' : `${login}@example.com`);

function user([login, firstname, lastname, department, roles, manager]: (typeof PEOPLE)[number], i: number): FixtureRow {
  return {
    login,
    email: email(login),
    firstname,
    lastname,
    'employee-number': `E${String(1001 + i)}`,
    // Two of them have left: an inactive user to filter on (`status=inactive`).
    active: i !== 23 && i !== 24,
    'purchasing-user': true,
    'expense-user': i % 2 === 0,
    department: { name: department },
    roles: roles.map((name) => ({ name })),
    ...(manager === undefined ? {} : { manager: { login: manager } }),
  };
}

function worker(row: (typeof WORKERS)[number], i: number): FixtureRow {
  const [first, last, born, gender, title, years, supplier, country, city, skill, status] = row;
  const n = String(i + 1).padStart(2, '0');
  const address = `${String(10 + i)} ${last} Street`;
  return {
    'first-name': first,
    'last-name': last,
    'date-of-birth': born,
    'gender-code': gender,
    'current-title': title,
    'total-experience-in-years': years,
    status,
    supplier: { name: supplier },
    'country-of-residence': { code: country },
    nationality: { code: country },
    'worker-emails': [
      { 'email-address': `${first.toLowerCase()}.${last.toLowerCase()}@workers.example.com`, 'email-type': 'work' },
      ...(i % 3 === 0 ? [{ 'email-address': `${first.toLowerCase()}${n}@mail.example.com`, 'email-type': 'personal' }] : []),
    ],
    'worker-phone-numbers': [{ 'phone-type': 'mobile', 'phone-number': { number: `55501${n}00`, 'country-code': country } }],
    'worker-addresses': [
      {
        street1: address,
        city,
        'postal-code': String(10000 + i * 1111),
        country: { code: country },
        'worker-address-purpose': { code: 'Home' },
      },
    ],
    'worker-skills': [{ skill: { name: skill }, 'years-of-experience': String(Math.max(1, Number(years) - 2)) }],
    'external-identifiers': [{ 'identifier-type': { code: 'hr_system' }, value: `HR-${n}` }],
    ...(i % 2 === 0
      ? {
          'national-identifiers': [
            { country: { code: country }, 'identifier-type': { code: 'national_id' }, value: `NID-${country}-${n}4711` },
          ],
        }
      : {}),
  };
}

/**
 * The demo set of `roster seed --demo` (docs/controls.md): two more departments and a role, 25
 * users (`USER_TEST` among them, two inactive, most with a manager) and 10 workers with their
 * e-mails, phones, addresses, skills and identifiers, over the default reference data. A seed
 * fixture like any other, so applying it again changes nothing.
 */
export function demoFixture(): SeedFixture {
  return {
    departments: [
      { name: 'Procurement', active: true },
      { name: 'Customer Success', active: true },
    ],
    roles: [{ name: 'Requester', description: 'Raises requisitions and expense reports', omnipotent: false }],
    users: PEOPLE.map(user),
    workers: WORKERS.map(worker),
  };
}
