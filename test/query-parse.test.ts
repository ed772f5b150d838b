import { describe, expect, it } from 'vitest';
import type { ScalarValue } from '../src/catalog/types.js';
import { resourceNamed } from '../src/catalog/registry.js';
import { queryResource } from '../src/domain/record-service.js';
import type { Condition, ParsedQuery } from '../src/query/filter.js';
import type { Operator } from '../src/query/operators.js';
import { MAX_LIMIT, parseQuery, parseViewQuery } from '../src/query/parse.js';
import type { Hop } from '../src/query/schema.js';
import type { FieldTree, View } from '../src/query/view.js';

const USER_QUERY = queryResource(resourceNamed('users'));
const USER_SHAPE = USER_QUERY.shape;

/**
 * A condition written compactly: hops as `name.column->target` (belongs-to) or
 * `name:table(owner,kind,ref)->target` (membership), `name<owner-target` (owned children), the field as `column:type`.
 */
interface Expected {
  readonly param: string;
  readonly path: readonly string[];
  readonly field: string;
  readonly op: Operator;
  readonly values: readonly (ScalarValue | null)[];
}

function hopText(h: Hop): string {
  switch (h.via) {
    case 'column':
      return `${h.name}.${h.column}->${h.target}`;
    case 'membership':
      return `${h.name}:${h.table}(${h.owner},${h.kind},${h.ref})->${h.target}`;
    case 'child':
      return `${h.name}<${h.owner}-${h.target}`;
  }
}

const summary = (c: Condition): Expected => ({
  param: c.param,
  path: c.path.map(hopText),
  field: `${c.field.column}:${c.field.type}`,
  op: c.op,
  values: c.values,
});

const cond = (
  param: string,
  op: Operator,
  field: string,
  values: readonly (ScalarValue | null)[],
  path: readonly string[] = [],
): Expected => ({ param, path, field, op, values });

function parsed(params: Record<string, unknown>): ParsedQuery {
  const r = parseQuery(USER_QUERY, params);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(params)} to parse, got ${JSON.stringify(r.problems)}`);
  return r.query;
}

function problems(params: Record<string, unknown>): string[] {
  const r = parseQuery(USER_QUERY, params);
  if (r.ok) throw new Error(`expected ${JSON.stringify(params)} to be refused`);
  return r.problems;
}

const DEPARTMENT = 'department.department_id->departments';
const MANAGER = 'manager.manager_id->users';
const ROLES = 'roles:user_memberships(user_id,roles,ref_id)->roles';
const ADDRESS = 'default-address.default_address_id->addresses';

/** Rows of [title, params, expected conditions]. */
const CONDITIONS: ReadonlyArray<readonly [string, Record<string, string>, readonly Expected[]]> = [
  ['no parameters', {}, []],
  ['bare eq on a string', { login: 'ada' }, [cond('login', 'eq', 'login:string', ['ada'])]],
  [
    'bare eq keeps text verbatim (spaces, case)',
    { lastname: ' De Morgan ' },
    [cond('lastname', 'eq', 'lastname:string', [' De Morgan '])],
  ],
  ['contains', { 'login[contains]': 'ov' }, [cond('login[contains]', 'contains', 'login:string', ['ov'])]],
  ['starts_with', { 'email[starts_with]': 'ada@' }, [cond('email[starts_with]', 'starts_with', 'email:string', ['ada@'])]],
  ['ends_with', { 'email[ends_with]': '.org' }, [cond('email[ends_with]', 'ends_with', 'email:string', ['.org'])]],
  ['gt on an integer', { 'id[gt]': '5' }, [cond('id[gt]', 'gt', 'id:integer', [5])]],
  ['lt on an integer', { 'id[lt]': '+7' }, [cond('id[lt]', 'lt', 'id:integer', [7])]],
  ['gt_or_eq on a string', { 'lastname[gt_or_eq]': 'L' }, [cond('lastname[gt_or_eq]', 'gt_or_eq', 'lastname:string', ['L'])]],
  [
    'lt_or_eq on an integer element',
    { 'account-security-type[lt_or_eq]': '1' },
    [cond('account-security-type[lt_or_eq]', 'lt_or_eq', 'account_security_type:integer', [1])],
  ],
  ['not_eq', { 'firstname[not_eq]': 'Ada' }, [cond('firstname[not_eq]', 'not_eq', 'firstname:string', ['Ada'])]],
  ['in splits on commas', { 'login[in]': 'a,b,c' }, [cond('login[in]', 'in', 'login:string', ['a', 'b', 'c'])]],
  ['in with one value', { 'login[in]': 'a' }, [cond('login[in]', 'in', 'login:string', ['a'])]],
  ['in keeps empty text items of a text list', { 'login[in]': 'a,' }, [cond('login[in]', 'in', 'login:string', ['a', ''])]],
  ['in types each item', { 'id[in]': '3,1,2' }, [cond('id[in]', 'in', 'id:integer', [3, 1, 2])]],
  ['not_in', { 'firstname[not_in]': 'Ada,Bob' }, [cond('firstname[not_in]', 'not_in', 'firstname:string', ['Ada', 'Bob'])]],
  ['blank=true on text', { 'middlename[blank]': 'true' }, [cond('middlename[blank]', 'blank', 'middlename:string', [true])]],
  ['blank=false on text', { 'middlename[blank]': 'false' }, [cond('middlename[blank]', 'blank', 'middlename:string', [false])]],
  ['blank=1 on an integer', { 'id[blank]': '1' }, [cond('id[blank]', 'blank', 'id:integer', [true])]],
  [
    'operator names take dashes too',
    { 'login[starts-with]': 'a', 'id[gt-or-eq]': '2', 'login[not-in]': 'x' },
    [
      cond('login[starts-with]', 'starts_with', 'login:string', ['a']),
      cond('id[gt-or-eq]', 'gt_or_eq', 'id:integer', [2]),
      cond('login[not-in]', 'not_in', 'login:string', ['x']),
    ],
  ],
  [
    'dashed element name',
    { 'employee-number[starts_with]': 'E' },
    [cond('employee-number[starts_with]', 'starts_with', 'employee_number:string', ['E'])],
  ],
  [
    'underscored element name means the same element',
    { 'employee_number[starts_with]': 'E' },
    [cond('employee_number[starts_with]', 'starts_with', 'employee_number:string', ['E'])],
  ],
  // Booleans.
  ['boolean true', { active: 'true' }, [cond('active', 'eq', 'active:boolean', [true])]],
  ['boolean false', { active: 'false' }, [cond('active', 'eq', 'active:boolean', [false])]],
  ['boolean 1', { active: '1' }, [cond('active', 'eq', 'active:boolean', [true])]],
  ['boolean 0', { active: '0' }, [cond('active', 'eq', 'active:boolean', [false])]],
  ['boolean in any case', { 'purchasing-user': 'TRUE' }, [cond('purchasing-user', 'eq', 'purchasing_user:boolean', [true])]],
  ['boolean in list', { 'active[in]': 'true,0' }, [cond('active[in]', 'in', 'active:boolean', [true, false])]],
  // status is Coupa's alias of active.
  ['status=active', { status: 'active' }, [cond('status', 'eq', 'active:boolean', [true])]],
  ['status=inactive', { status: 'inactive' }, [cond('status', 'eq', 'active:boolean', [false])]],
  ['status value in any case', { status: 'INACTIVE' }, [cond('status', 'eq', 'active:boolean', [false])]],
  ['status[in]', { 'status[in]': 'active,inactive' }, [cond('status[in]', 'in', 'active:boolean', [true, false])]],
  ['status[not_eq]', { 'status[not_eq]': 'active' }, [cond('status[not_eq]', 'not_eq', 'active:boolean', [true])]],
  ['status[not_in]', { 'status[not_in]': 'inactive' }, [cond('status[not_in]', 'not_in', 'active:boolean', [false])]],
  // Empty values.
  [
    'empty text is an empty string, not null',
    { 'employee-number': '' },
    [cond('employee-number', 'eq', 'employee_number:string', [''])],
  ],
  [
    'empty integer is null for eq',
    { 'account-security-type': '' },
    [cond('account-security-type', 'eq', 'account_security_type:integer', [null])],
  ],
  ['empty boolean is null for not_eq', { 'active[not_eq]': '' }, [cond('active[not_eq]', 'not_eq', 'active:boolean', [null])]],
  // Datetimes become UTC ISO text.
  [
    'datetime with Z',
    { 'updated-at[gt]': '2020-01-01T10:00:00Z' },
    [cond('updated-at[gt]', 'gt', 'updated_at:datetime', ['2020-01-01T10:00:00.000Z'])],
  ],
  [
    'datetime with a positive offset',
    { 'updated-at[gt]': '2020-01-01T10:00:00+02:00' },
    [cond('updated-at[gt]', 'gt', 'updated_at:datetime', ['2020-01-01T08:00:00.000Z'])],
  ],
  [
    'datetime with a negative offset (Coupa doc example)',
    { 'created-at[gt_or_eq]': '2010-03-25T18:38:00-07:00' },
    [cond('created-at[gt_or_eq]', 'gt_or_eq', 'created_at:datetime', ['2010-03-26T01:38:00.000Z'])],
  ],
  [
    'datetime with an offset without colon',
    { 'updated-at[lt]': '2020-01-01T10:00:00+0530' },
    [cond('updated-at[lt]', 'lt', 'updated_at:datetime', ['2020-01-01T04:30:00.000Z'])],
  ],
  [
    'datetime whose unescaped + arrived as a space',
    { 'updated-at[gt]': '2020-01-01T10:00:00 02:00' },
    [cond('updated-at[gt]', 'gt', 'updated_at:datetime', ['2020-01-01T08:00:00.000Z'])],
  ],
  [
    'datetime with fractional seconds',
    { 'updated-at[lt]': '2020-01-01T10:00:00.250Z' },
    [cond('updated-at[lt]', 'lt', 'updated_at:datetime', ['2020-01-01T10:00:00.250Z'])],
  ],
  // Ruby's Time#to_s and RFC 2822 / HTTP dates, as Workato and other Ruby clients send them (issue 18).
  [
    "Ruby's Time#to_s, its + sent as %2B (Workato's first poll)",
    { 'updated-at[gt]': '2026-12-06 19:00:00 +0000' },
    [cond('updated-at[gt]', 'gt', 'updated_at:datetime', ['2026-12-06T19:00:00.000Z'])],
  ],
  [
    "Ruby's Time#to_s, its + sent unescaped (arriving as a second space)",
    { 'updated-at[gt]': '2026-12-06 19:00:00  0000' },
    [cond('updated-at[gt]', 'gt', 'updated_at:datetime', ['2026-12-06T19:00:00.000Z'])],
  ],
  [
    "Ruby's Time#to_s west of Greenwich, with fractions",
    { 'updated-at[gt]': '2026-12-06 11:00:00.5 -0800' },
    [cond('updated-at[gt]', 'gt', 'updated_at:datetime', ['2026-12-06T19:00:00.500Z'])],
  ],
  [
    "Ruby's Time#to_s of a UTC time",
    { 'created-at[lt]': '2026-12-06 19:00:00 UTC' },
    [cond('created-at[lt]', 'lt', 'created_at:datetime', ['2026-12-06T19:00:00.000Z'])],
  ],
  [
    'an RFC 2822 date (Time#rfc2822)',
    { 'created-at[lt]': 'Sun, 06 Dec 2026 14:00:00 -0500' },
    [cond('created-at[lt]', 'lt', 'created_at:datetime', ['2026-12-06T19:00:00.000Z'])],
  ],
  [
    'an HTTP date (Time#httpdate)',
    { 'created-at[lt]': 'Sun, 06 Dec 2026 19:00:00 GMT' },
    [cond('created-at[lt]', 'lt', 'created_at:datetime', ['2026-12-06T19:00:00.000Z'])],
  ],
  [
    'an RFC 2822 zone name',
    { 'created-at[lt]': '2026-12-06 11:00:00 PST' },
    [cond('created-at[lt]', 'lt', 'created_at:datetime', ['2026-12-06T19:00:00.000Z'])],
  ],
  [
    'bare date is midnight UTC',
    { 'created-at[lt]': '2010-01-15' },
    [cond('created-at[lt]', 'lt', 'created_at:datetime', ['2010-01-15T00:00:00.000Z'])],
  ],
  [
    'datetimes in a list',
    { 'created_at[in]': '2010-01-15,2010-01-16T00:00:00+01:00' },
    [cond('created_at[in]', 'in', 'created_at:datetime', ['2010-01-15T00:00:00.000Z', '2010-01-15T23:00:00.000Z'])],
  ],
  // Associations.
  [
    'belongs-to field',
    { 'department[name]': 'Finance' },
    [cond('department[name]', 'eq', 'name:string', ['Finance'], [DEPARTMENT])],
  ],
  ['belongs-to id', { 'department[id]': '3' }, [cond('department[id]', 'eq', 'id:integer', [3], [DEPARTMENT])]],
  [
    'belongs-to field with an operator',
    { 'department[name][not_eq]': 'IT' },
    [cond('department[name][not_eq]', 'not_eq', 'name:string', ['IT'], [DEPARTMENT])],
  ],
  [
    'belongs-to boolean field',
    { 'department[active]': 'false' },
    [cond('department[active]', 'eq', 'active:boolean', [false], [DEPARTMENT])],
  ],
  [
    'collection through its membership table',
    { 'roles[name][in]': 'Buyer,Admin' },
    [cond('roles[name][in]', 'in', 'name:string', ['Buyer', 'Admin'], [ROLES])],
  ],
  [
    'collection under an alias name and underscores',
    { 'business_groups[name]': 'EMEA' },
    [
      cond(
        'business_groups[name]',
        'eq',
        'name:string',
        ['EMEA'],
        ['content-groups:user_memberships(user_id,content-groups,ref_id)->business_groups'],
      ),
    ],
  ],
  [
    'two hops: address, then its country',
    { 'default-address[country][code]': 'US' },
    [cond('default-address[country][code]', 'eq', 'code:string', ['US'], [ADDRESS, 'country.country_id->countries'])],
  ],
  [
    'underscored association and field names',
    { 'default_address[postal_code][starts_with]': '94' },
    [cond('default_address[postal_code][starts_with]', 'starts_with', 'postal_code:string', ['94'], [ADDRESS])],
  ],
  ['manager is a user', { 'manager[login]': 'ada' }, [cond('manager[login]', 'eq', 'login:string', ['ada'], [MANAGER])]],
  [
    "manager's department: two levels through users",
    { 'manager[department][name]': 'Finance' },
    [cond('manager[department][name]', 'eq', 'name:string', ['Finance'], [MANAGER, DEPARTMENT])],
  ],
  [
    "manager's roles: a membership below a belongs-to",
    { 'manager[roles][name]': 'Buyer' },
    [cond('manager[roles][name]', 'eq', 'name:string', ['Buyer'], [MANAGER, ROLES])],
  ],
  [
    'four levels are allowed',
    { 'manager[manager][manager][manager][login]': 'a' },
    [cond('manager[manager][manager][manager][login]', 'eq', 'login:string', ['a'], [MANAGER, MANAGER, MANAGER, MANAGER])],
  ],
  [
    'decimal field of an approval limit',
    { 'requisition-approval-limit[amount][gt]': '5000' },
    [
      cond(
        'requisition-approval-limit[amount][gt]',
        'gt',
        'amount:decimal',
        ['5000.0'],
        ['requisition-approval-limit.requisition_approval_limit_id->approval_limits'],
      ),
    ],
  ],
  // Composites (phones) are groups of columns on the user row.
  [
    'phone part is a column of users',
    { 'phone-work[number]': '555' },
    [cond('phone-work[number]', 'eq', 'phone_work_number:string', ['555'])],
  ],
  [
    'phone part with an operator and underscores',
    { 'phone_mobile[country_code][in]': '1,44' },
    [cond('phone_mobile[country_code][in]', 'in', 'phone_mobile_country_code:string', ['1', '44'])],
  ],
  // blank on an association tests the association itself.
  [
    'department[id][blank]=true',
    { 'department[id][blank]': 'true' },
    [cond('department[id][blank]', 'blank', 'id:integer', [true], [DEPARTMENT])],
  ],
  [
    'manager_id[blank]=false is manager[id][blank]',
    { 'manager_id[blank]': 'false' },
    [cond('manager_id[blank]', 'blank', 'id:integer', [false], [MANAGER])],
  ],
  ['roles[id][blank]=1', { 'roles[id][blank]': '1' }, [cond('roles[id][blank]', 'blank', 'id:integer', [true], [ROLES])]],
  [
    'department[name][blank]',
    { 'department[name][blank]': 'true' },
    [cond('department[name][blank]', 'blank', 'name:string', [true], [DEPARTMENT])],
  ],
  // Several conditions are kept in order; the same element may be named twice through different spellings.
  [
    'several conditions',
    { login: 'a', 'roles[name]': 'Buyer', 'roles[name][not_eq]': 'Admin', status: 'active' },
    [
      cond('login', 'eq', 'login:string', ['a']),
      cond('roles[name]', 'eq', 'name:string', ['Buyer'], [ROLES]),
      cond('roles[name][not_eq]', 'not_eq', 'name:string', ['Admin'], [ROLES]),
      cond('status', 'eq', 'active:boolean', [true]),
    ],
  ],
];

/** Refusals specific to parsing that the HTTP tests (bad-input) do not spell out. */
const REFUSED: ReadonlyArray<readonly [string, Record<string, unknown>, readonly string[]]> = [
  [
    'an alias with an operator that does not fit its element names the alias',
    { 'status[gt]': 'active' },
    ["Query parameter 'status[gt]': gt does not apply to boolean elements, only to text, number and date elements"],
  ],
  [
    'an alias with a bad operator names the alias',
    { 'status[colour]': 'active' },
    [
      "Query parameter 'status[colour]': 'colour' is not an operator (contains, starts_with, ends_with, gt, lt, gt_or_eq, lt_or_eq, not_eq, in, not_in, blank)",
    ],
  ],
  [
    'eq is not written as an operator',
    { 'login[eq]': 'a' },
    [
      "Query parameter 'login[eq]': 'eq' is not an operator (contains, starts_with, ends_with, gt, lt, gt_or_eq, lt_or_eq, not_eq, in, not_in, blank)",
    ],
  ],
  [
    'an empty comparison next to a good condition',
    { 'login[contains]': 'x', 'id[lt]': '' },
    ["Query parameter 'id[lt]' needs a value"],
  ],
  ['a list param given as an array', { 'login[in]': ['a', 'b'] }, ["Query parameter 'login[in]' is given more than once"]],
  [
    'blank on an association needs a flag',
    { 'manager[id][blank]': 'maybe' },
    ["Query parameter 'manager[id][blank]' must be true or false"],
  ],
  // Coupa refuses blank on the association itself (Rossum's notes, measured against Coupa): name its id.
  [
    'blank ending on an association',
    { 'manager[blank]': 'true' },
    ["Query parameter 'manager[blank]': manager is an association; name one of its elements, as in manager[id][blank]=…"],
  ],
  [
    'blank ending on a collection, or an association one level down',
    { 'roles[blank]': 'false', 'manager[department][blank]': 'true' },
    [
      "Query parameter 'roles[blank]': roles is an association; name one of its elements, as in roles[id][blank]=…",
      "Query parameter 'manager[department][blank]': department is an association; name one of its elements, as in manager[department][id][blank]=…",
    ],
  ],
  [
    'a phone without a part',
    { 'phone-work': '555' },
    ["Query parameter 'phone-work': name a part of phone-work (country-code, area-code, number, extension)"],
  ],
  [
    'a datetime whose offset is no offset',
    { 'updated-at[gt]': '2020-01-01T10:00:00+25:00' },
    ["Query parameter 'updated-at[gt]' is not an ISO 8601 date or datetime"],
  ],
  ['an integer too large to be exact', { 'id[gt]': '9007199254740993' }, ["Query parameter 'id[gt]' is not an integer"]],
  [
    'a zone name Ruby does not know either',
    { 'updated-at[gt]': '2026-12-06 19:00:00 XYZ' },
    ["Query parameter 'updated-at[gt]' is not an ISO 8601 date or datetime"],
  ],
  [
    'an RFC 2822 date in a month that is none',
    { 'updated-at[gt]': 'Sun, 06 Foo 2026 19:00:00 GMT' },
    ["Query parameter 'updated-at[gt]' is not an ISO 8601 date or datetime"],
  ],
  [
    'text that is no time',
    { 'updated-at[gt]': 'yesterday' },
    ["Query parameter 'updated-at[gt]' is not an ISO 8601 date or datetime"],
  ],
  [
    'return_object=none fails a query even when its conditions are good',
    { login: 'a', return_object: 'none' },
    ["Query parameter 'return_object' must be limited, shallow on reads"],
  ],
];

describe('parseQuery(USER_QUERY): conditions', () => {
  for (const [title, params, expected] of CONDITIONS) {
    it(title, () => {
      const q = parsed(params);
      expect(q.conditions.map(summary)).toEqual(expected);
      // Conditions never change paging, order or view.
      expect({ order: q.order, offset: q.offset, limit: q.limit, view: q.view }).toEqual({
        order: undefined,
        offset: 0,
        limit: MAX_LIMIT,
        view: { kind: 'full' },
      });
    });
  }

  it('gives a membership hop every key the compiler joins on', () => {
    expect(parsed({ 'roles[name]': 'Buyer' }).conditions[0]?.path).toEqual([
      {
        via: 'membership',
        name: 'roles',
        table: 'user_memberships',
        owner: 'user_id',
        kind: 'roles',
        ref: 'ref_id',
        target: 'roles',
      },
    ]);
  });

  it('names a phone part field by its wire path', () => {
    expect(parsed({ 'phone_work[area_code]': '20' }).conditions[0]?.field).toMatchObject({
      name: 'phone-work[area-code]',
      column: 'phone_work_area_code',
      type: 'string',
    });
  });
});

describe('parseQuery(USER_QUERY): refusals', () => {
  for (const [title, params, expected] of REFUSED) {
    it(title, () => {
      expect(problems(params)).toEqual(expected);
    });
  }
});

describe('parseQuery(USER_QUERY): paging and order', () => {
  type Paging = { order: string | undefined; offset: number; limit: number };
  const ROWS: ReadonlyArray<readonly [string, Record<string, string>, Paging]> = [
    ['defaults: first 50, no order', {}, { order: undefined, offset: 0, limit: 50 }],
    ['limit below the cap', { limit: '10' }, { order: undefined, offset: 0, limit: 10 }],
    ['limit at the cap', { limit: '50' }, { order: undefined, offset: 0, limit: 50 }],
    ['limit above the cap is capped, not refused', { limit: '500' }, { order: undefined, offset: 0, limit: 50 }],
    ['limit=0', { limit: '0' }, { order: undefined, offset: 0, limit: 0 }],
    ['offset', { offset: '50' }, { order: undefined, offset: 50, limit: 50 }],
    ['offset and limit', { offset: '7', limit: '3' }, { order: undefined, offset: 7, limit: 3 }],
    ['order_by, ascending by default', { order_by: 'login' }, { order: 'login:string asc', offset: 0, limit: 50 }],
    ['order-by with a dash', { 'order-by': 'login' }, { order: 'login:string asc', offset: 0, limit: 50 }],
    ['order_by with dir=desc', { order_by: 'login', dir: 'desc' }, { order: 'login:string desc', offset: 0, limit: 50 }],
    ['order_by with dir=asc', { order_by: 'login', dir: 'asc' }, { order: 'login:string asc', offset: 0, limit: 50 }],
    [
      'order_by an underscored element name',
      { order_by: 'employee_number' },
      { order: 'employee_number:string asc', offset: 0, limit: 50 },
    ],
    [
      'order_by a dashed element name',
      { order_by: 'employee-number', dir: 'desc' },
      { order: 'employee_number:string desc', offset: 0, limit: 50 },
    ],
    ['order_by a datetime', { order_by: 'updated_at', dir: 'desc' }, { order: 'updated_at:datetime desc', offset: 0, limit: 50 }],
    ['dir=desc alone orders by id', { dir: 'desc' }, { order: 'id:integer desc', offset: 0, limit: 50 }],
    ['dir=asc alone keeps the default order', { dir: 'asc' }, { order: undefined, offset: 0, limit: 50 }],
  ];
  for (const [title, params, expected] of ROWS) {
    it(title, () => {
      const q = parsed(params);
      const order = q.order && `${q.order.field.column}:${q.order.field.type} ${q.order.dir}`;
      expect({ order, offset: q.offset, limit: q.limit }).toEqual(expected);
      expect(q.conditions).toEqual([]);
    });
  }

  it('refuses ordering by an association, a phone, a computed element or a secret', () => {
    for (const name of ['department', 'phone-work', 'fullname', 'password']) {
      expect(problems({ order_by: name })).toEqual([`Query parameter 'order_by' names no sortable element: '${name}'`]);
    }
  });
});

/** A field tree as plain nested objects, for readable expectations. */
const plainTree = (tree: FieldTree): unknown =>
  Object.fromEntries([...tree].map(([k, v]) => [k, v === true ? true : plainTree(v)]));

const plainView = (v: View): unknown => (v.kind === 'fields' ? { kind: 'fields', fields: plainTree(v.fields) } : v);

describe('parseQuery(USER_QUERY): view', () => {
  const ROWS: ReadonlyArray<readonly [string, Record<string, string>, unknown]> = [
    ['no view parameter is the full record', {}, { kind: 'full' }],
    ['return_object=limited', { return_object: 'limited' }, { kind: 'limited' }],
    ['return-object=shallow (dashed)', { 'return-object': 'shallow' }, { kind: 'shallow' }],
    ['fields with plain names', { fields: '["id","login"]' }, { kind: 'fields', fields: { id: true, login: true } }],
    [
      'fields with underscored names',
      { fields: '["employee_number","purchasing_user?"]' },
      { kind: 'fields', fields: { 'employee-number': true, 'purchasing-user?': true } },
    ],
    [
      'fields nesting into associations',
      { fields: '["id",{"roles":["name"]},{"manager":["login","email"]}]' },
      { kind: 'fields', fields: { id: true, roles: { name: true }, manager: { login: true, email: true } } },
    ],
    [
      'fields nesting two levels with underscores',
      { fields: '[{"default_address":["city",{"country":["code"]}]},"department"]' },
      { kind: 'fields', fields: { 'default-address': { city: true, country: { code: true } }, department: true } },
    ],
    [
      'fields naming a phone part',
      { fields: '[{"phone-work":["number"]}]' },
      { kind: 'fields', fields: { 'phone-work': { number: true } } },
    ],
    ['an empty fields list', { fields: '[]' }, { kind: 'fields', fields: {} }],
  ];
  for (const [title, params, expected] of ROWS) {
    it(title, () => {
      const q = parsed({ ...params, login: 'a' });
      expect(plainView(q.view)).toEqual(expected);
      // The view parameters are not conditions.
      expect(q.conditions.map((c) => c.param)).toEqual(['login']);
    });
  }
});

describe('parseViewQuery', () => {
  const ok = (params: Record<string, unknown>, mode: 'read' | 'write'): unknown => {
    const r = parseViewQuery(USER_SHAPE, params, mode);
    if (!r.ok) throw new Error(`expected ${JSON.stringify(params)} to parse in ${mode} mode, got ${JSON.stringify(r.problems)}`);
    return plainView(r.query.view);
  };
  const refused = (params: Record<string, unknown>, mode: 'read' | 'write'): string[] => {
    const r = parseViewQuery(USER_SHAPE, params, mode);
    if (r.ok) throw new Error(`expected ${JSON.stringify(params)} to be refused in ${mode} mode`);
    return r.problems;
  };

  it('reads every return_object a write takes, none included', () => {
    expect(ok({}, 'write')).toEqual({ kind: 'full' });
    expect(ok({ return_object: 'none' }, 'write')).toEqual({ kind: 'none' });
    expect(ok({ return_object: 'limited' }, 'write')).toEqual({ kind: 'limited' });
    expect(ok({ 'return-object': 'shallow' }, 'write')).toEqual({ kind: 'shallow' });
    expect(ok({ fields: '["id",{"roles":["name"]}]' }, 'write')).toEqual({
      kind: 'fields',
      fields: { id: true, roles: { name: true } },
    });
  });

  it('refuses none on a read (show)', () => {
    expect(refused({ return_object: 'none' }, 'read')).toEqual([
      "Query parameter 'return_object' must be limited, shallow on reads",
    ]);
    expect(ok({ return_object: 'shallow' }, 'read')).toEqual({ kind: 'shallow' });
  });

  it('refuses an unknown return_object on a write', () => {
    expect(refused({ return_object: 'deep' }, 'write')).toEqual([
      "Query parameter 'return_object' must be none, limited, shallow",
    ]);
  });

  it('ignores every parameter but the view on a write (as Rails does), and names them', () => {
    const r = parseViewQuery(USER_SHAPE, { login: 'a', null: '', limit: '5', return_object: 'none' }, 'write');
    expect(r.ok && [plainView(r.query.view), r.query.ignored]).toEqual([{ kind: 'none' }, ['login', 'null', 'limit']]);
  });

  it('refuses every parameter but the view on a show, and reports them all', () => {
    expect(refused({ login: 'a', limit: '5' }, 'read')).toEqual([
      "Query parameter 'login' is not accepted here: only return_object and fields are",
      "Query parameter 'limit' is not accepted here: only return_object and fields are",
    ]);
  });

  it('refuses an unknown parameter together with a bad view', () => {
    expect(refused({ colour: 'red', fields: '["colour"]' }, 'read')).toEqual([
      "Query parameter 'colour' is not accepted here: only return_object and fields are",
      "Query parameter 'fields' names an unknown field 'colour'",
    ]);
  });

  it('refuses a repeated return_object and both view parameters at once', () => {
    expect(refused({ return_object: ['none', 'limited'] }, 'write')).toEqual([
      "Query parameter 'return_object' is given more than once",
    ]);
    expect(refused({ return_object: 'limited', fields: '["id"]' }, 'write')).toEqual([
      'Give either return_object or fields, not both',
    ]);
  });
});
