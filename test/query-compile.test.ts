import { describe, expect, it } from 'vitest';
import { resourceNamed } from '../src/catalog/registry.js';
import { queryResource } from '../src/domain/record-service.js';

const USER_QUERY = queryResource(resourceNamed('users'));
import { compileQuery, escapeLike } from '../src/query/compile.js';
import { parseQuery } from '../src/query/parse.js';
import type { Kysely } from 'kysely';
import type { Database, DialectName } from '../src/store/database.js';
import { offlineDb } from './helpers/offline-db.js';
import { dialectNamed } from '../src/store/dialects/index.js';

/** Query builders that compile SQL but never connect. */
const DB: Readonly<Record<DialectName, Kysely<Database>>> = { sqlite: offlineDb('sqlite'), postgres: offlineDb('postgres') };

const DIALECT_NAMES = ['sqlite', 'postgres'] as const;

function compiled(dialect: DialectName, params: Record<string, string>): { sql: string; parameters: readonly unknown[] } {
  const parsed = parseQuery(USER_QUERY, params);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(params)} to parse, got ${JSON.stringify(parsed.problems)}`);
  const { sql, parameters } = compileQuery(
    dialectNamed(dialect),
    'users',
    parsed.query,
  )(DB[dialect].selectFrom('users').select('id')).compile();
  return { sql, parameters };
}

/** Numbers SQLite's `?` placeholders as PostgreSQL's `$1, $2, …`. */
const numbered = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

const PREFIX = 'select "id" from "users"';
const BY_ID = 'order by "users"."id" asc';

/** Per-dialect text or values; a single value is shared (SQL placeholders renumbered for PostgreSQL). */
type PerDialect<T> = T | { readonly sqlite: T; readonly postgres: T };

interface Row {
  readonly title: string;
  readonly params: Record<string, string>;
  /** The WHERE clause, SQLite placeholders; null for none. */
  readonly where: PerDialect<string | null>;
  readonly parameters: PerDialect<readonly unknown[]>;
  /** The ORDER BY clause; the id tie-break by default. */
  readonly order?: string;
}

const isPer = <T>(v: PerDialect<T>): v is { readonly sqlite: T; readonly postgres: T } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'sqlite' in v;

function expectedFor(row: Row, dialect: DialectName): { sql: string; parameters: readonly unknown[] } {
  const where = isPer(row.where) ? row.where[dialect] : row.where;
  const sql = `${PREFIX}${where === null ? '' : ` where ${where}`} ${row.order ?? BY_ID}`;
  // PostgreSQL folds a query value under the columns' "C" collation (the dialect's foldValue).
  const folded = dialect === 'postgres' ? sql.replace(/lower\((\?|\$\d+)\)/g, 'lower($1 collate "C")') : sql;
  return {
    sql: dialect === 'postgres' && !isPer(row.where) ? numbered(folded) : folded,
    parameters: isPer(row.parameters) ? row.parameters[dialect] : row.parameters,
  };
}

const like = (column: string): PerDialect<string> => ({
  sqlite: `${column} like ? escape '\\'`,
  postgres: `${column} ilike $1 escape '\\'`,
});

const ROWS: readonly Row[] = [
  { title: 'no conditions: ordered by id', params: {}, where: null, parameters: [] },
  { title: 'eq', params: { login: 'ada' }, where: 'lower("users"."login") = lower(?)', parameters: ['ada'] },
  {
    title: 'eq of empty text compares with the empty string',
    params: { 'employee-number': '' },
    where: 'lower("users"."employee_number") = lower(?)',
    parameters: [''],
  },
  {
    title: 'eq of an empty non-text value is IS NULL',
    params: { 'account-security-type': '' },
    where: '"users"."account_security_type" is null',
    parameters: [],
  },
  {
    title: 'not_eq of an empty non-text value is IS NOT NULL',
    params: { 'active[not_eq]': '' },
    where: '"users"."active" is not null',
    parameters: [],
  },
  {
    title: 'not_eq',
    params: { 'firstname[not_eq]': 'Ada' },
    where: 'lower("users"."firstname") <> lower(?)',
    parameters: ['Ada'],
  },
  { title: 'gt', params: { 'id[gt]': '5' }, where: '"users"."id" > ?', parameters: [5] },
  { title: 'lt', params: { 'id[lt]': '5' }, where: '"users"."id" < ?', parameters: [5] },
  { title: 'gt_or_eq', params: { 'lastname[gt_or_eq]': 'L' }, where: '"users"."lastname" >= ?', parameters: ['L'] },
  { title: 'lt_or_eq', params: { 'lastname[lt_or_eq]': 'L' }, where: '"users"."lastname" <= ?', parameters: ['L'] },
  {
    title: 'a datetime compares with its UTC ISO text',
    params: { 'updated-at[gt]': '2020-01-01T10:00:00+02:00' },
    where: '"users"."updated_at" > ?',
    parameters: ['2020-01-01T08:00:00.000Z'],
  },
  {
    title: 'contains: LIKE on SQLite, ILIKE on PostgreSQL, wrapped in %',
    params: { 'login[contains]': 'ada' },
    where: like('"users"."login"'),
    parameters: ['%ada%'],
  },
  {
    title: 'starts_with',
    params: { 'login[starts_with]': 'ada' },
    where: like('"users"."login"'),
    parameters: ['ada%'],
  },
  {
    title: 'ends_with',
    params: { 'login[ends_with]': 'ada' },
    where: like('"users"."login"'),
    parameters: ['%ada'],
  },
  {
    title: 'contains escapes %, _ and the escape character',
    params: { 'login[contains]': 'a%b_c\\d' },
    where: like('"users"."login"'),
    parameters: ['%a\\%b\\_c\\\\d%'],
  },
  {
    title: 'blank=true on text: null or empty',
    params: { 'middlename[blank]': 'true' },
    where: '("users"."middlename" is null or "users"."middlename" = \'\')',
    parameters: [],
  },
  {
    title: 'blank=false on text: neither null nor empty',
    params: { 'middlename[blank]': 'false' },
    where: '("users"."middlename" is not null and "users"."middlename" <> \'\')',
    parameters: [],
  },
  {
    title: 'blank=true on a non-text element: null only',
    params: { 'account-security-type[blank]': 'true' },
    where: '"users"."account_security_type" is null',
    parameters: [],
  },
  {
    title: 'blank=false on a non-text element',
    params: { 'active[blank]': 'false' },
    where: '"users"."active" is not null',
    parameters: [],
  },
  {
    title: 'in',
    params: { 'login[in]': 'a,b,c' },
    where: 'lower("users"."login") in (lower(?), lower(?), lower(?))',
    parameters: ['a', 'b', 'c'],
  },
  { title: 'not_in', params: { 'id[not_in]': '1,2' }, where: '"users"."id" not in (?, ?)', parameters: [1, 2] },
  {
    title: 'a boolean is 1/0 on SQLite, true/false on PostgreSQL',
    params: { active: 'true' },
    where: '"users"."active" = ?',
    parameters: { sqlite: [1], postgres: [true] },
  },
  {
    title: 'status=inactive is active = false',
    params: { status: 'inactive' },
    where: '"users"."active" = ?',
    parameters: { sqlite: [0], postgres: [false] },
  },
  {
    title: 'booleans in a list',
    params: { 'status[in]': 'active,inactive' },
    where: '"users"."active" in (?, ?)',
    parameters: { sqlite: [1, 0], postgres: [true, false] },
  },
  {
    title: 'a phone part is a column of users',
    params: { 'phone-work[number][starts_with]': '555' },
    where: like('"users"."phone_work_number"'),
    parameters: ['555%'],
  },
  {
    title: 'a belongs-to becomes an IN subquery aliased q1',
    params: { 'department[name]': 'Finance' },
    where: '"users"."department_id" in (select "q1"."id" from "departments" as "q1" where lower("q1"."name") = lower(?))',
    parameters: ['Finance'],
  },
  {
    title: 'two belongs-to hops chain q1 then q2',
    params: { 'default-address[country][code]': 'US' },
    where:
      '"users"."default_address_id" in (select "q1"."id" from "addresses" as "q1" where "q1"."country_id" in ' +
      '(select "q2"."id" from "countries" as "q2" where lower("q2"."code") = lower(?)))',
    parameters: ['US'],
  },
  {
    title: 'manager is a subquery on users itself',
    params: { 'manager[login]': 'ada' },
    where: '"users"."manager_id" in (select "q1"."id" from "users" as "q1" where lower("q1"."login") = lower(?))',
    parameters: ['ada'],
  },
  {
    title: "manager's department: two levels",
    params: { 'manager[department][name][in]': 'Finance,IT' },
    where:
      '"users"."manager_id" in (select "q1"."id" from "users" as "q1" where "q1"."department_id" in ' +
      '(select "q2"."id" from "departments" as "q2" where lower("q2"."name") in (lower(?), lower(?))))',
    parameters: ['Finance', 'IT'],
  },
  {
    title: 'a collection goes through its membership table, filtered by kind',
    params: { 'roles[name][in]': 'Buyer,Admin' },
    where:
      '"users"."id" in (select "q2"."user_id" from "user_memberships" as "q2" where "q2"."kind" = ? and "q2"."ref_id" in ' +
      '(select "q1"."id" from "roles" as "q1" where lower("q1"."name") in (lower(?), lower(?))))',
    parameters: ['roles', 'Buyer', 'Admin'],
  },
  {
    title: 'a collection under an alias keeps its own membership kind',
    params: { 'business-groups[name]': 'EMEA' },
    where:
      '"users"."id" in (select "q2"."user_id" from "user_memberships" as "q2" where "q2"."kind" = ? and "q2"."ref_id" in ' +
      '(select "q1"."id" from "business_groups" as "q1" where lower("q1"."name") = lower(?)))',
    parameters: ['content-groups', 'EMEA'],
  },
  {
    title: "a membership below a belongs-to: manager's roles",
    params: { 'manager[roles][name]': 'Buyer' },
    where:
      '"users"."manager_id" in (select "q1"."id" from "users" as "q1" where "q1"."id" in ' +
      '(select "q3"."user_id" from "user_memberships" as "q3" where "q3"."kind" = ? and "q3"."ref_id" in ' +
      '(select "q2"."id" from "roles" as "q2" where lower("q2"."name") = lower(?))))',
    parameters: ['roles', 'Buyer'],
  },
  {
    title: 'a boolean through an association is 1/0 on SQLite',
    params: { 'department[active]': 'false' },
    where: '"users"."department_id" in (select "q1"."id" from "departments" as "q1" where "q1"."active" = ?)',
    parameters: { sqlite: [0], postgres: [false] },
  },
  {
    title:
      'a decimal compares exactly as a number on SQLite (stored as text, through an order-preserving key), natively on PostgreSQL',
    params: { 'requisition-approval-limit[amount][gt]': '5000' },
    where: {
      sqlite:
        '"users"."requisition_approval_limit_id" in (select "q1"."id" from "approval_limits" as "q1" ' +
        'where roster_decimal_key("q1"."amount") > roster_decimal_key(?))',
      postgres:
        '"users"."requisition_approval_limit_id" in (select "q1"."id" from "approval_limits" as "q1" where "q1"."amount" > $1)',
    },
    parameters: ['5000.0'],
  },
  {
    title: 'department[id][blank]=true: the reference column is null',
    params: { 'department[id][blank]': 'true' },
    where: '"users"."department_id" is null',
    parameters: [],
  },
  {
    title: 'manager_id[blank]=false (the foreign key): the reference column is set',
    params: { 'manager_id[blank]': 'false' },
    where: '"users"."manager_id" is not null',
    parameters: [],
  },
  {
    title: 'roles[id][blank]=true: no membership of that kind',
    params: { 'roles[id][blank]': 'true' },
    where: '"users"."id" not in (select "m"."user_id" from "user_memberships" as "m" where "m"."kind" = ?)',
    parameters: ['roles'],
  },
  {
    title: 'roles[id][blank]=false: some membership of that kind',
    params: { 'roles[id][blank]': 'false' },
    where: '"users"."id" in (select "m"."user_id" from "user_memberships" as "m" where "m"."kind" = ?)',
    parameters: ['roles'],
  },
  {
    title: 'blank of an association one level down: a LEFT JOIN, so no manager holds too',
    params: { 'manager[department][id][blank]': 'true' },
    where:
      '("users"."manager_id" in (select "q1"."id" from "users" as "q1" where "q1"."department_id" is null) or "users"."manager_id" is null)',
    parameters: [],
  },
  {
    title: 'blank=true of a field through a collection: some member blank, or no member',
    params: { 'roles[name][blank]': 'true' },
    where:
      '("users"."id" in (select "q2"."user_id" from "user_memberships" as "q2" where "q2"."kind" = ? and "q2"."ref_id" in ' +
      '(select "q1"."id" from "roles" as "q1" where ("q1"."name" is null or "q1"."name" = \'\'))) ' +
      'or "users"."id" not in (select "m"."user_id" from "user_memberships" as "m" where "m"."kind" = ?))',
    parameters: ['roles', 'roles'],
  },
  {
    title: 'blank of a field through an association',
    params: { 'department[name][blank]': 'false' },
    where:
      '"users"."department_id" in (select "q1"."id" from "departments" as "q1" where ("q1"."name" is not null and "q1"."name" <> \'\'))',
    parameters: [],
  },
  {
    title: 'conditions are ANDed in order, each with its own aliases',
    params: { 'roles[name]': 'Buyer', 'department[name]': 'IT', 'login[ends_with]': 'x' },
    where: {
      sqlite:
        '"users"."id" in (select "q2"."user_id" from "user_memberships" as "q2" where "q2"."kind" = ? and "q2"."ref_id" in ' +
        '(select "q1"."id" from "roles" as "q1" where lower("q1"."name") = lower(?))) ' +
        'and "users"."department_id" in (select "q1"."id" from "departments" as "q1" where lower("q1"."name") = lower(?)) ' +
        'and "users"."login" like ? escape \'\\\'',
      postgres:
        '"users"."id" in (select "q2"."user_id" from "user_memberships" as "q2" where "q2"."kind" = $1 and "q2"."ref_id" in ' +
        '(select "q1"."id" from "roles" as "q1" where lower("q1"."name") = lower($2))) ' +
        'and "users"."department_id" in (select "q1"."id" from "departments" as "q1" where lower("q1"."name") = lower($3)) ' +
        'and "users"."login" ilike $4 escape \'\\\'',
    },
    parameters: ['roles', 'Buyer', 'IT', '%x'],
  },
  // Ordering.
  {
    title: 'order_by ascending puts NULLs first, then breaks ties by id',
    params: { order_by: 'employee_number' },
    where: null,
    parameters: [],
    order: 'order by "users"."employee_number" asc nulls first, "users"."id" asc',
  },
  {
    title: 'order_by descending puts NULLs last, ties still by ascending id',
    params: { order_by: 'login', dir: 'desc' },
    where: null,
    parameters: [],
    order: 'order by "users"."login" desc nulls last, "users"."id" asc',
  },
  {
    title: 'dir=desc alone orders by id descending, with no tie-break',
    params: { dir: 'desc' },
    where: null,
    parameters: [],
    order: 'order by "users"."id" desc',
  },
  {
    title: 'order_by=id with dir=desc is the same',
    params: { order_by: 'id', dir: 'desc' },
    where: null,
    parameters: [],
    order: 'order by "users"."id" desc',
  },
  {
    title: 'order_by=id ascending has no duplicate tie-break',
    params: { order_by: 'id' },
    where: null,
    parameters: [],
    order: 'order by "users"."id" asc',
  },
  {
    title: 'conditions and order together; paging and view add nothing',
    params: { 'login[starts_with]': 'a', order_by: 'updated-at', dir: 'desc', offset: '5', limit: '5', return_object: 'limited' },
    where: like('"users"."login"'),
    parameters: ['a%'],
    order: 'order by "users"."updated_at" desc nulls last, "users"."id" asc',
  },
];

for (const dialect of DIALECT_NAMES) {
  describe(`compileQuery on ${dialect}`, () => {
    for (const row of ROWS) {
      it(row.title, () => {
        expect(compiled(dialect, row.params)).toEqual(expectedFor(row, dialect));
      });
    }
  });
}

describe('escapeLike', () => {
  const CASES: ReadonlyArray<readonly [string, string]> = [
    ['', ''],
    ['plain text', 'plain text'],
    ['%', '\\%'],
    ['_', '\\_'],
    ['\\', '\\\\'],
    ['50%_off\\now', '50\\%\\_off\\\\now'],
    ['%%__', '\\%\\%\\_\\_'],
    ['*?[]^$.', '*?[]^$.'],
    ["it's", "it's"],
  ];
  for (const [input, output] of CASES) {
    it(`escapes ${JSON.stringify(input)} as ${JSON.stringify(output)}`, () => {
      expect(escapeLike(input)).toBe(output);
    });
  }
});
