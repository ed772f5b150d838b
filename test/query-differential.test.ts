import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceNamed } from '../src/catalog/registry.js';
import type { Store } from '../src/store/database.js';
import { RecordRepository } from '../src/store/record-repository.js';
import { DIALECTS } from './helpers/dialects.js';
import {
  blankish,
  datetimeValues,
  fixed as fixedValue,
  fromRows as rowValue,
  instant,
  nullable,
  opSpelling,
  ordering as orderingOf,
  PAGING_RUNS,
  paging,
  resolve,
  RUNS,
  sqlPage,
  textFrom,
  uniqueOrNull,
  walkPages,
  type Condition as SharedCondition,
  type Params,
  type Resolve as SharedResolve,
} from './helpers/query-arbitraries.js';
import { oracleAll, oraclePage, type OracleDataset, type OracleNamed, type OracleUser } from './helpers/query-oracle.js';

/**
 * Differential tests of the query language: random users and random query strings run through
 * parseUserQuery + compileQuery + UserRepository#findPage on each database, and through the
 * reference evaluator in helpers/query-oracle.ts; the ordered id lists must be equal.
 */

/** Departments and roles the tests create sit above the default reference data's ids. */
const FIRST_REF_ID = 1001;

// ---------------------------------------------------------------------------------------------
// Loading and querying

async function load(store: Store, data: OracleDataset): Promise<void> {
  const { db, dialect } = store;
  const flag = (v: boolean | null) => dialect.toDb('boolean', v);
  if (data.departments.length > 0) {
    await db
      .insertInto('departments')
      .values(data.departments.map((d) => ({ id: d.id, name: d.name, active: flag(true) })))
      .execute();
  }
  if (data.roles.length > 0) {
    await db
      .insertInto('roles')
      .values(data.roles.map((r) => ({ id: r.id, name: r.name, omnipotent: flag(false), system_role: flag(false) })))
      .execute();
  }
  if (data.users.length > 0) {
    // One statement, so a manager may be a later row (or the user itself): both databases check
    // the foreign key at the end of the statement. The ISO text is SQLite's storage format and
    // a valid timestamptz literal for PostgreSQL.
    await db
      .insertInto('users')
      .values(
        data.users.map((u) => ({
          id: u.id,
          login: u.login,
          email: u.email,
          firstname: u.firstname,
          lastname: u.lastname,
          employee_number: u.employee_number,
          active: flag(u.active),
          created_at: u.created_at,
          updated_at: u.updated_at,
          department_id: u.department_id,
          manager_id: u.manager_id,
        })),
      )
      .execute();
  }
  const memberships = data.users.flatMap((u) => [
    ...u.role_ids.map((ref, position) => ({ user_id: u.id, kind: 'roles', ref_id: ref, position })),
    ...(u.user_group_ids ?? []).map((ref, position) => ({ user_id: u.id, kind: 'user-groups', ref_id: ref, position })),
  ]);
  if (memberships.length > 0) await db.insertInto('user_memberships').values(memberships).execute();
}

/** Empties what load wrote, so the next run starts from the default reference data alone. */
async function clear(store: Store): Promise<void> {
  await store.db.deleteFrom('user_memberships').execute();
  await store.db.deleteFrom('users').execute();
  await store.db.deleteFrom('departments').where('id', '>=', FIRST_REF_ID).execute();
  await store.db.deleteFrom('roles').where('id', '>=', FIRST_REF_ID).execute();
}

// ---------------------------------------------------------------------------------------------
// Hand-written cases: pin the oracle to the documented semantics on the tricky points, and
// check the SQL gives the same, so a mistake in the oracle cannot hide one in the SQL.

const iso = (s: string): string => new Date(s).toISOString();

function user(
  id: number,
  login: string,
  email: string,
  firstname: string | null,
  lastname: string | null,
  employeeNumber: string | null,
  active: boolean | null,
  created: string,
  updated: string,
  departmentId: number | null,
  managerId: number | null,
  roleIds: number[],
): OracleUser {
  return {
    id,
    login,
    email,
    firstname,
    lastname,
    employee_number: employeeNumber,
    active,
    created_at: iso(created),
    updated_at: iso(updated),
    department_id: departmentId,
    manager_id: managerId,
    role_ids: roleIds,
  };
}

/** Ids out of insertion order, so a missing id tie-break shows. */
const FIXTURE: OracleDataset = {
  departments: [
    { id: 1001, name: 'ops' },
    { id: 1002, name: 'Sales_' },
    { id: 1003, name: null },
  ],
  roles: [
    { id: 1001, name: 'buyer' },
    { id: 1002, name: 'x%y' },
    { id: 1003, name: 'BUYER' },
  ],
  users: [
    user(5, 'ann', 'ann@x.com', 'ann', 'Smith', 'E1', true, '2020-01-01T00:00:00Z', '2020-01-02T00:00:00Z', 1001, null, [1001]),
    // A user-groups membership with a role's id must not count as that role.
    {
      ...user(2, 'Bob', 'bob@x.com', 'Ann', null, '', false, '2020-01-01T22:00:00Z', '2020-01-01T12:00:00Z', null, 5, []),
      user_group_ids: [1001, 1003],
    },
    user(9, 'a_b', 'a_b@x.com', null, 'a_b', null, true, '2020-01-02T00:00:00Z', '2020-01-03T00:00:00Z', 1002, 5, [1001, 1002]),
    user(3, 'axb', 'axb@y.org', 'ANNA', 'axb', 'E_1', null, '2020-01-02T00:00:01Z', '2020-01-02T00:00:00Z', 1003, 9, [1002]),
    user(7, 'pct', 'p%t@y.org', 'Émile', 'Smith', 'E%1', false, '2020-01-03T00:00:00Z', '2020-01-02T00:00:00Z', null, 2, [1003]),
    user(4, 'bk', 'b\\k@x.com', 'a\\b', '', null, true, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 1001, 4, []),
  ],
};

const CASES: ReadonlyArray<readonly [string, Params, number[]]> = [
  ['not_eq never matches NULL (and ignores ASCII case)', { 'firstname[not_eq]': 'ann' }, [3, 4, 7]],
  ['not_in never matches NULL', { 'lastname[not_in]': 'Smith,axb' }, [4, 9]],
  ["eq ignores ASCII case, as Coupa's MySQL collation does", { firstname: 'Ann' }, [2, 5]],
  ['eq folds ASCII letters only', { firstname: 'émile' }, []],
  ['`_` in contains is literal', { 'login[contains]': '_' }, [9]],
  ['`_` in a longer pattern is literal', { 'lastname[contains]': 'a_b' }, [9]],
  ['`%` in contains is literal', { 'email[contains]': '%' }, [7]],
  ['`\\` in contains is literal', { 'firstname[contains]': '\\' }, [4]],
  ['`\\` in starts_with is literal', { 'email[starts-with]': 'b\\k' }, [4]],
  ['starts_with folds ASCII case', { 'firstname[starts_with]': 'ANN' }, [2, 3, 5]],
  ['contains folds ASCII letters only', { 'firstname[contains]': 'é' }, []],
  ['contains matches a non-ASCII letter in its own case', { 'firstname[contains]': 'É' }, [7]],
  ['ends_with folds ASCII case', { 'lastname[ends_with]': 'ITH' }, [5, 7]],
  ['an empty text value is the empty string', { lastname: '' }, [4]],
  ['blank=true on text is NULL or empty', { 'employee_number[blank]': 'true' }, [2, 4, 9]],
  ['blank=false on text is neither', { 'employee-number[blank]': 'false' }, [3, 5, 7]],
  ['an empty boolean value is IS NULL', { active: '' }, [3]],
  ['not_eq with an empty boolean value is IS NOT NULL', { 'active[not_eq]': '' }, [2, 4, 5, 7, 9]],
  ['not_eq true skips NULL', { 'active[not-eq]': 'true' }, [2, 7]],
  ['status=inactive is active=false', { status: 'inactive' }, [2, 7]],
  ['manager[id]= matches no manager row', { 'manager[id]': '' }, []],
  ['department[id][blank]=true: no department', { 'department[id][blank]': 'true' }, [2, 7]],
  [
    'department[name][blank]=true: a department without a name, or no department (a LEFT JOIN)',
    { 'department[name][blank]': 'true' },
    [2, 3, 7],
  ],
  ['roles[id][blank]=true: no roles', { 'roles[id][blank]': 'true' }, [2, 4]],
  ['roles[id][blank]=false: some role', { 'roles[id][blank]': 'false' }, [3, 5, 7, 9]],
  ['roles[name]: some role matches (buyer and BUYER alike)', { 'roles[name]': 'buyer' }, [5, 7, 9]],
  ['roles[name][not_eq]: some role differs (BUYER does not)', { 'roles[name][not_eq]': 'buyer' }, [3, 9]],
  ['roles[name][in]', { 'roles[name][in]': 'BUYER,x%y' }, [3, 5, 7, 9]],
  ['roles[name][contains] folds case', { 'roles[name][contains]': 'BUY' }, [5, 7, 9]],
  ['manager[department][name]: two levels', { 'manager[department][name]': 'ops' }, [2, 4, 9]],
  ['manager[login][starts_with]', { 'manager[login][starts_with]': 'a' }, [2, 3, 9]],
  ['a bare date is midnight UTC', { 'created_at[gt_or_eq]': '2020-01-02' }, [3, 7, 9]],
  ['an offset is honoured', { 'created-at[lt]': '2020-01-02T02:00:00+02:00' }, [2, 4, 5]],
  ['eq compares instants', { created_at: '2020-01-01T23:00:00-01:00' }, [9]],
  ['fractional seconds compare', { 'updated-at[gt]': '2020-01-02T00:00:00.500Z' }, [9]],
  ['order_by ascending puts NULLs first, ties by id', { order_by: 'lastname' }, [2, 4, 5, 7, 9, 3]],
  ['order_by descending puts NULLs last, ties by id ascending', { order_by: 'lastname', dir: 'desc' }, [3, 9, 5, 7, 4, 2]],
  ['text orders byte-wise', { order_by: 'employee_number' }, [4, 9, 2, 7, 5, 3]],
  ['dir=desc alone is id descending', { dir: 'desc' }, [9, 7, 5, 4, 3, 2]],
  ['order_by=id&dir=desc is id descending', { order_by: 'id', dir: 'desc' }, [9, 7, 5, 4, 3, 2]],
  ['order by datetime, then page', { order_by: 'updated_at', offset: '2', limit: '3' }, [3, 5, 7]],
  ['limit=0 is an empty page', { limit: '0' }, []],
];

describe('the query oracle', () => {
  it.each(CASES)('%s', (_name, params, expected) => {
    expect(oraclePage(FIXTURE, params)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Generators. Small pools make values collide, and query values are drawn from the pools and
// from the generated rows themselves, so conditions match some rows and not others. Nothing is
// generated with `chain`, so fast-check shrinks a failure down to a small dataset and query.

const NAMES = ['', 'ann', 'Ann', 'ANN', 'anna', 'bob', 'a_b', 'axb', 'a%b', 'a\\b', 'A\\B', '50%', '_', 'Émile', 'émile', ' ann'];
const EMPLOYEE_NUMBERS = ['', 'E1', 'e1', 'E_1', 'E%1', 'EX1', 'E\\1', 'E10', '1'];
const DEPARTMENT_NAMES = ['ops', 'Ops', 'OPS', 'o_s', 'o%s', 'oxs', '', 'a\\b', 'Sales_'];
const ROLE_NAMES = ['buyer', 'BUYER', 'Buyer_', 'approver', 'app_x', 'x%y', 'xzy', '', 'a\\b'];
const LOGIN_PARTS = ['a', 'ab', 'A', 'a_', '%.', '.', 'b%'];
const EMAIL_PARTS = ['a@x.com', '.com', 'X.COM', '_z', '@y'];
/** Pieces of the pools for contains/starts_with/ends_with, and the wildcard characters alone. */
const FRAGMENTS = ['a', 'A', 'n', 'N', 'b', '_', '%', '\\', 'é', 'É', 'nn', 'b_', '%b', 'E', 'o', 'x', '@', '.'];
const UNITS = ['a', 'A', 'b', 'x', '_', '%', '\\', '.'];

/** Logins and e-mail local parts hold no digits, so an id prefixed or appended keeps them unique. */
const login = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '_', '%', '.'), minLength: 1, maxLength: 3 });
const email = fc
  .tuple(
    fc.string({ unit: fc.constantFrom('a', 'b', 'A', '_'), minLength: 1, maxLength: 3 }),
    fc.constantFrom('x.com', 'X.com', 'y_z.org'),
  )
  .map(([local, domain]) => `${local}@${domain}`);

/** A query value that may depend on the generated rows; it is resolved against them. */
type Resolve<T> = SharedResolve<OracleDataset, T>;
type Condition = SharedCondition<OracleDataset>;

const fixed = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Resolve<T>> => fixedValue<OracleDataset, T>(arb);
const fromRows = <T>(pool: fc.Arbitrary<T>, rows: (data: OracleDataset) => readonly (T | null)[]) => rowValue(pool, rows);
const text = (pool: readonly string[], rows: (data: OracleDataset) => readonly (string | null)[]) =>
  textFrom({ fragments: FRAGMENTS, units: UNITS }, pool, rows);
const datetimes = datetimeValues<OracleDataset>((d) =>
  d.users.flatMap((u) => [Date.parse(u.created_at), Date.parse(u.updated_at)]),
);

type Kind = 'text' | 'integer' | 'boolean' | 'datetime';
type Op =
  'eq' | 'contains' | 'starts_with' | 'ends_with' | 'gt' | 'lt' | 'gt_or_eq' | 'lt_or_eq' | 'not_eq' | 'in' | 'not_in' | 'blank';

/** The operators each type takes: comparisons but not on booleans, text matches on text only, no blank on dates. */
const OPS: Readonly<Record<Kind, readonly Op[]>> = {
  text: ['eq', 'contains', 'starts_with', 'ends_with', 'gt', 'lt', 'gt_or_eq', 'lt_or_eq', 'not_eq', 'in', 'not_in', 'blank'],
  integer: ['eq', 'gt', 'lt', 'gt_or_eq', 'lt_or_eq', 'not_eq', 'in', 'not_in', 'blank'],
  boolean: ['eq', 'not_eq', 'in', 'not_in', 'blank'],
  datetime: ['eq', 'gt', 'lt', 'gt_or_eq', 'lt_or_eq', 'not_eq', 'in', 'not_in'],
};

interface Target {
  /** Spellings of the parameter name, dashed and underscored. */
  readonly keys: readonly string[];
  readonly kind: Kind;
  /** One value; empty only for text, where it is a value. */
  readonly value: fc.Arbitrary<Resolve<string>>;
}

const userIds = fromRows(fc.integer({ min: 0, max: 46 }), (d) => d.users.map((u) => u.id)).map(
  (id) => (d: OracleDataset) => String(id(d)),
);
const refIds = fixed(fc.constantFrom(FIRST_REF_ID, FIRST_REF_ID + 1, FIRST_REF_ID + 2, 1, 0).map(String));
const flags = fixed(fc.constantFrom('true', 'false'));
const logins = fc.oneof(
  fixed(login),
  text(LOGIN_PARTS, (d) => d.users.map((u) => u.login)),
);
const departmentNames = text(DEPARTMENT_NAMES, (d) => d.departments.map((x) => x.name));

const TARGETS: readonly Target[] = [
  { keys: ['login'], kind: 'text', value: logins },
  {
    keys: ['email'],
    kind: 'text',
    value: fc.oneof(
      fixed(email),
      text(EMAIL_PARTS, (d) => d.users.map((u) => u.email)),
    ),
  },
  { keys: ['firstname'], kind: 'text', value: text(NAMES, (d) => d.users.map((u) => u.firstname)) },
  { keys: ['lastname'], kind: 'text', value: text(NAMES, (d) => d.users.map((u) => u.lastname)) },
  {
    keys: ['employee-number', 'employee_number'],
    kind: 'text',
    value: text(EMPLOYEE_NUMBERS, (d) => d.users.map((u) => u.employee_number)),
  },
  { keys: ['active'], kind: 'boolean', value: flags },
  { keys: ['id'], kind: 'integer', value: userIds },
  { keys: ['created-at', 'created_at'], kind: 'datetime', value: datetimes },
  { keys: ['updated-at', 'updated_at'], kind: 'datetime', value: datetimes },
  { keys: ['department[name]'], kind: 'text', value: departmentNames },
  { keys: ['department[id]'], kind: 'integer', value: refIds },
  { keys: ['manager[login]'], kind: 'text', value: logins },
  { keys: ['manager[id]'], kind: 'integer', value: userIds },
  { keys: ['manager[active]'], kind: 'boolean', value: flags },
  { keys: ['manager[updated-at]', 'manager[updated_at]'], kind: 'datetime', value: datetimes },
  { keys: ['manager[department][name]'], kind: 'text', value: departmentNames },
  { keys: ['roles[name]'], kind: 'text', value: text(ROLE_NAMES, (d) => d.roles.map((r) => r.name)) },
  { keys: ['roles[id]'], kind: 'integer', value: refIds },
];

/** A value fitting the operator: a flag, a comma-separated list, or one value (empty = NULL for `eq`/`not_eq`). */
function valueFor(target: Target, op: Op): fc.Arbitrary<Resolve<string>> {
  if (op === 'blank') return flags;
  if (op === 'in' || op === 'not_in') {
    return fc.array(target.value, { minLength: 1, maxLength: 3 }).map((vs) => (d) => vs.map((v) => v(d)).join(','));
  }
  if ((op === 'eq' || op === 'not_eq') && target.kind !== 'text') {
    return fc.oneof({ arbitrary: target.value, weight: 4 }, { arbitrary: fixed(fc.constant('')), weight: 1 });
  }
  return target.value;
}

const fieldCondition: fc.Arbitrary<Condition> = fc
  .constantFrom(...TARGETS)
  .chain((t) =>
    fc
      .tuple(fc.constantFrom(...t.keys), fc.constantFrom(...OPS[t.kind]))
      .chain(([key, op]) =>
        fc.tuple(op === 'eq' ? fc.constant(key) : opSpelling(op).map((o) => `${key}[${o}]`), valueFor(t, op)),
      ),
  );

/** `assoc[id][blank]=…`: the association itself is absent or present, as Coupa spells it. */
const associationBlank: fc.Arbitrary<Condition> = fc.tuple(
  fc.constantFrom('department', 'manager', 'roles', 'manager[department]').map((a) => `${a}[id][blank]`),
  flags,
);

/** Coupa's `status=active|inactive` alias of `active`. */
const status: fc.Arbitrary<Condition> = fc
  .constantFrom<Op>('eq', 'not_eq', 'in', 'not_in')
  .chain((op) =>
    fc.tuple(
      op === 'eq' ? fc.constant('status') : opSpelling(op).map((o) => `status[${o}]`),
      fixed(
        op === 'in' || op === 'not_in'
          ? fc.array(fc.constantFrom('active', 'inactive'), { minLength: 1, maxLength: 2 }).map((vs) => vs.join(','))
          : fc.constantFrom('active', 'inactive'),
      ),
    ),
  );

const condition = fc.oneof(
  { arbitrary: fieldCondition, weight: 8 },
  { arbitrary: associationBlank, weight: 1 },
  { arbitrary: status, weight: 1 },
);
/** A second or third condition, present one time in three, so their conjunction still matches some rows. */
const maybe = fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: condition, weight: 1 });

const ordering = orderingOf(['id', 'login', 'lastname', 'updated-at', 'updated_at', 'employee_number', 'employee-number']);

const named = (pool: readonly string[]) =>
  fc
    .array(nullable(fc.constantFrom(...pool)), { maxLength: 3 })
    .map((names) => uniqueOrNull(names).map((name, i): OracleNamed => ({ id: FIRST_REF_ID + i, name })));

const userRow = fc.record({
  // Ids are unique but unordered, so insertion order never stands in for id order.
  id: fc.integer({ min: 1, max: 45 }),
  login,
  email,
  firstname: blankish(NAMES),
  lastname: blankish(NAMES),
  employeeNumber: blankish(EMPLOYEE_NUMBERS),
  active: fc.option(fc.boolean(), { nil: null, freq: 8 }),
  created: instant,
  updated: instant,
  department: fc.option(fc.nat(2), { nil: null, freq: 3 }),
  manager: fc.option(fc.nat(24), { nil: null, freq: 3 }),
  roles: fc.subarray([0, 1, 2]),
  // Same ids as the roles, in another collection.
  userGroups: fc.subarray([FIRST_REF_ID, FIRST_REF_ID + 1, FIRST_REF_ID + 2]),
});

const dataset: fc.Arbitrary<OracleDataset> = fc
  .tuple(
    named(DEPARTMENT_NAMES),
    named(ROLE_NAMES),
    fc.uniqueArray(userRow, { maxLength: 25, selector: (u) => u.id, size: 'medium' }),
  )
  .map(([departments, roles, rows]) => {
    const logins = new Set<string>();
    const emails = new Set<string>();
    // Logins and e-mails are unique, and non-empty employee numbers too: a repeat is made unique or NULL.
    const employeeNumbers = uniqueOrNull(rows.map((r) => (r.employeeNumber === '' ? null : r.employeeNumber)));
    const users = rows.map((r, i): OracleUser => {
      const userLogin = logins.has(r.login) ? `${r.login}${r.id}` : r.login;
      const userEmail = emails.has(r.email) ? `${r.id}${r.email}` : r.email;
      logins.add(userLogin);
      emails.add(userEmail);
      const department = r.department === null ? undefined : departments[r.department % Math.max(1, departments.length)];
      const manager = r.manager === null ? undefined : rows[r.manager % rows.length];
      return {
        id: r.id,
        login: userLogin,
        email: userEmail,
        firstname: r.firstname,
        lastname: r.lastname,
        employee_number: r.employeeNumber === '' ? '' : (employeeNumbers[i] ?? null),
        active: r.active,
        created_at: new Date(r.created).toISOString(),
        updated_at: new Date(r.updated).toISOString(),
        department_id: department?.id ?? null,
        manager_id: manager?.id ?? null,
        role_ids: r.roles.flatMap((k) => roles[k]?.id ?? []),
        user_group_ids: r.userGroups,
      };
    });
    return { departments, roles, users };
  });

/** A dataset and a full query (1–3 conditions, ordering, paging) aimed at its rows. */
const datasetAndQuery = fc
  .tuple(dataset, condition, maybe, maybe, ordering, paging)
  .map(([data, c1, c2, c3, o, p]) => [data, { ...resolve([c1, c2, c3], data), ...o, ...p }] as const);

/** A dataset and a filter (0–2 conditions) with ordering but no paging, for walking every page. */
const datasetAndFilter = fc
  .tuple(dataset, maybe, maybe, ordering)
  .map(([data, c1, c2, o]) => [data, { ...resolve([c1, c2], data), ...o }] as const);

// ---------------------------------------------------------------------------------------------

for (const dialect of DIALECTS) {
  describe(`query language against the oracle on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let repo: RecordRepository;
    beforeAll(async () => {
      ({ store, drop } = await dialect.open());
      repo = new RecordRepository(store, resourceNamed('users'));
    });
    afterAll(async () => {
      await drop();
    });

    describe('hand-written cases', () => {
      beforeAll(async () => {
        await load(store, FIXTURE);
      });
      afterAll(async () => {
        await clear(store);
      });
      it.each(CASES)('%s', async (_name, params, expected) => {
        expect(await sqlPage(store, repo, params)).toEqual(expected);
      });
    });

    it('caps a page at 50 rows', async () => {
      const many: OracleDataset = {
        departments: [],
        roles: [],
        users: Array.from({ length: 55 }, (_, i) =>
          user(i + 1, `u${i}`, `u${i}@x.com`, null, null, null, true, '2020-01-01', '2020-01-01', null, null, []),
        ),
      };
      await load(store, many);
      try {
        const requests: Params[] = [{ limit: '60' }, { offset: '3', limit: '51', dir: 'desc' }, {}];
        for (const params of requests) {
          const expected = oraclePage(many, params);
          expect(expected).toHaveLength(50);
          expect(await sqlPage(store, repo, params)).toEqual(expected);
        }
      } finally {
        await clear(store);
      }
    });

    it('returns the oracle’s page for random data and queries', async () => {
      await fc.assert(
        fc.asyncProperty(datasetAndQuery, async ([data, params]) => {
          await load(store, data);
          try {
            expect(await sqlPage(store, repo, params)).toEqual(oraclePage(data, params));
          } finally {
            await clear(store);
          }
        }),
        { numRuns: RUNS },
      );
    }, 300_000);

    it('walks every page of a filter exactly once, in order', async () => {
      await fc.assert(
        fc.asyncProperty(datasetAndFilter, fc.integer({ min: 1, max: 50 }), async ([data, params], limit) => {
          await load(store, data);
          try {
            const walked = await walkPages(store, repo, params, limit, data.users.length);
            expect(new Set(walked).size).toBe(walked.length);
            expect(walked).toEqual(oracleAll(data, params));
          } finally {
            await clear(store);
          }
        }),
        { numRuns: PAGING_RUNS },
      );
    }, 300_000);
  });
}
