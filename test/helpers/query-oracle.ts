/**
 * A reference evaluator for the users query language, written from the documented semantics
 * (Arel predicates over SQL) and not from src/query, so a differential test compares two
 * independent readings of the same rules. It reads the query string itself, evaluates every
 * condition over plain objects, and orders and pages the result. It knows only the elements
 * the differential test generates; anything else throws, which flags a generator mistake.
 */

/** A user as the differential test stores it; keys are the column names. */
export interface OracleUser {
  readonly id: number;
  readonly login: string;
  readonly email: string;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly employee_number: string | null;
  readonly active: boolean | null;
  /** ISO-8601 UTC instants, as `Date#toISOString` prints them. */
  readonly created_at: string;
  readonly updated_at: string;
  readonly department_id: number | null;
  readonly manager_id: number | null;
  /** Role ids, in membership order. */
  readonly role_ids: readonly number[];
  /**
   * Ids of `user-groups` memberships. No query reaches them here: they are stored so that a
   * query on roles which ignored the membership kind would match too much.
   */
  readonly user_group_ids?: readonly number[];
}

/** A department or a role: only its id and name are queried. */
export interface OracleNamed {
  readonly id: number;
  readonly name: string | null;
}

export interface OracleDataset {
  readonly users: readonly OracleUser[];
  readonly departments: readonly OracleNamed[];
  readonly roles: readonly OracleNamed[];
}

/**
 * Element types. `decimal` and `date` are not used by users; the workers oracle
 * (worker-query-oracle.ts) shares the value rules below.
 */
export type FieldType = 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime';
type Table = 'users' | 'departments' | 'roles';
export type Op =
  'eq' | 'contains' | 'starts_with' | 'ends_with' | 'gt' | 'lt' | 'gt_or_eq' | 'lt_or_eq' | 'not_eq' | 'in' | 'not_in' | 'blank';
export type Value = string | number | boolean | null;

/** Element names use underscores here; the reader turns dashes into underscores first. */
const FIELDS: Readonly<Record<Table, ReadonlyMap<string, FieldType>>> = {
  users: new Map<string, FieldType>([
    ['id', 'integer'],
    ['login', 'text'],
    ['email', 'text'],
    ['firstname', 'text'],
    ['lastname', 'text'],
    ['employee_number', 'text'],
    ['active', 'boolean'],
    ['created_at', 'datetime'],
    ['updated_at', 'datetime'],
  ]),
  departments: new Map<string, FieldType>([
    ['id', 'integer'],
    ['name', 'text'],
  ]),
  roles: new Map<string, FieldType>([
    ['id', 'integer'],
    ['name', 'text'],
  ]),
};

/** Associations per table and the table each reaches. */
const HOPS: Readonly<Record<Table, ReadonlyMap<string, Table>>> = {
  users: new Map<string, Table>([
    ['department', 'departments'],
    ['manager', 'users'],
    ['roles', 'roles'],
  ]),
  departments: new Map(),
  roles: new Map(),
};

const OPS = new Set<string>([
  'contains',
  'starts_with',
  'ends_with',
  'gt',
  'lt',
  'gt_or_eq',
  'lt_or_eq',
  'not_eq',
  'in',
  'not_in',
  'blank',
]);
export const isOp = (name: string): name is Op => OPS.has(name);

/** `status=active|inactive` stands for `active=true|false`. */
const STATUS: ReadonlyMap<string, string> = new Map([
  ['active', 'true'],
  ['inactive', 'false'],
]);

/** One condition: the associations it goes through (`H`: how the oracle names a step), and the field tested at the end. */
export interface ConditionThrough<H> {
  readonly hops: readonly H[];
  readonly field: string;
  readonly op: Op;
  readonly raw: string;
}

type OracleCondition = ConditionThrough<string>;

/** A query string as the documentation reads it, whatever its conditions look like. */
export interface OracleQuery<C> {
  readonly conditions: readonly C[];
  readonly orderBy: string | undefined;
  readonly dir: 'asc' | 'desc' | undefined;
  readonly offset: number;
  readonly limit: number;
}

export const underscored = (name: string): string => name.replaceAll('-', '_');

export function fail(message: string): never {
  throw new Error(`query oracle: ${message}`);
}

export function nonNegative(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) fail(`${name} must be a non-negative integer, got '${raw}'`);
  return Number(raw);
}

function readCondition(key: string, raw: string): OracleCondition {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) fail(`malformed parameter ${key}`);
  const names = [m[1] ?? '', ...[...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((g) => g[1] ?? '')].map(underscored);
  let op: Op = 'eq';
  const last = names.at(-1) ?? '';
  if (names.length > 1 && isOp(last)) {
    op = last;
    names.pop();
  }
  let value = raw;
  if (names[0] === 'status') {
    names[0] = 'active';
    // A flag (blank) is not a status; only the compared values are mapped.
    if (op !== 'blank') {
      value = raw
        .split(',')
        .map((v) => STATUS.get(v) ?? fail(`status value ${v}`))
        .join(',');
    }
  }
  let table: Table = 'users';
  const path: string[] = [];
  for (const [i, name] of names.entries()) {
    const target: Table | undefined = HOPS[table].get(name);
    if (target) {
      path.push(name);
      table = target;
      continue;
    }
    if (FIELDS[table].has(name) && i === names.length - 1) return { hops: path, field: name, op, raw: value };
    fail(`cannot read ${key}`);
  }
  return fail(`${key} names an association without an element`);
}

/**
 * Reads a query string the way the documentation describes it: paging, `order_by` (a field
 * `orderable` accepts) and `dir`; every other parameter is a condition, read by `readCondition`.
 */
export function readQueryWith<C>(
  params: Readonly<Record<string, string>>,
  orderable: (field: string) => boolean,
  readCondition: (key: string, raw: string) => C,
): OracleQuery<C> {
  const conditions: C[] = [];
  let orderBy: string | undefined;
  let dir: 'asc' | 'desc' | undefined;
  let offset = 0;
  let limit = 50;
  for (const [key, raw] of Object.entries(params)) {
    const name = underscored(key);
    if (name === 'offset') offset = nonNegative(key, raw);
    else if (name === 'limit') limit = Math.min(nonNegative(key, raw), 50);
    else if (name === 'order_by') {
      orderBy = underscored(raw);
      if (!orderable(orderBy)) fail(`cannot order by ${raw}`);
    } else if (name === 'dir') {
      if (raw !== 'asc' && raw !== 'desc') fail(`dir ${raw}`);
      dir = raw;
    } else conditions.push(readCondition(key, raw));
  }
  return { conditions, orderBy, dir, offset, limit };
}

const readQuery = (params: Readonly<Record<string, string>>): OracleQuery<OracleCondition> =>
  readQueryWith(params, (field) => FIELDS.users.has(field), readCondition);

/** Boolean spellings the documentation lists (`true/false`, `yes/no`, `y/n`, `t/f`, `1/0`), any case. */
const TRUE_WORDS = new Set(['true', 'yes', 'y', 't', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'f', '0']);

/** A real calendar day written `YYYY-MM-DD`. */
function isCalendarDate(raw: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const last = new Date(Date.UTC(2000, month, 0));
  last.setUTCFullYear(year, month, 0);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= last.getUTCDate();
}

/** A query value as the element's type; empty text is "no value" for every type but text. */
export function typed(type: FieldType, raw: string): Value {
  if (type === 'text') return raw;
  if (raw === '') return null;
  switch (type) {
    case 'integer':
      if (!/^-?\d+$/.test(raw)) fail(`integer ${raw}`);
      return Number(raw);
    case 'decimal':
      // The documented forms: `12`, `12.5`, `.5`; kept as text and compared exactly.
      if (!/^-?(\d+(\.\d+)?|\.\d+)$/.test(raw)) fail(`decimal ${raw}`);
      return raw;
    case 'boolean': {
      const word = raw.toLowerCase();
      if (TRUE_WORDS.has(word) || FALSE_WORDS.has(word)) return TRUE_WORDS.has(word);
      return fail(`boolean ${raw}`);
    }
    case 'date':
      return isCalendarDate(raw) ? raw : fail(`date ${raw}`);
    case 'datetime': {
      // ECMAScript reads a bare date as midnight UTC and honours offsets, as documented.
      const ms = Date.parse(raw);
      return Number.isNaN(ms) ? fail(`datetime ${raw}`) : ms;
    }
  }
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/** A decimal's text as an integer count of 10^-scale units: `12.5` at scale 2 is 1250n. */
function scaled(text: string, scale: number): bigint {
  const negative = text.startsWith('-');
  const [whole = '', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const units = BigInt(`${whole || '0'}${fraction.padEnd(scale, '0')}`);
  return negative ? -units : units;
}

/** Compares two decimals' texts as exact numbers, whatever their digits: `10.0` > `9.5`, `10` = `10.00`. */
function compareDecimals(a: string, b: string): number {
  const scale = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const x = scaled(a, scale);
  const y = scaled(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Orders two non-null values of a type: text byte-wise, decimals exactly, dates as days, datetimes as instants. */
export function compare(type: FieldType, a: Value, b: Value): number {
  if (type === 'text') return Buffer.compare(utf8(String(a)), utf8(String(b)));
  if (type === 'decimal') return compareDecimals(String(a), String(b));
  // `YYYY-MM-DD` texts sort as the days they name.
  if (type === 'date') return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  // A stored datetime is ISO text, a typed query value already milliseconds.
  const num = (v: Value): number => (type === 'datetime' && typeof v === 'string' ? Date.parse(v) : Number(v));
  const x = num(a);
  const y = num(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Folds ASCII letters only: `É` and `é` stay different, as in SQLite's LIKE. */
export const fold = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * Whether two non-null values are equal as `=` and `in` match them: text ignoring ASCII case
 * (Coupa's MySQL collation; src/query/caseless.ts), anything else as `compare` orders it.
 */
export function equal(type: FieldType, a: Value, b: Value): boolean {
  return type === 'text' ? fold(String(a)) === fold(String(b)) : compare(type, a, b) === 0;
}

export function flag(raw: string): boolean {
  if (raw !== 'true' && raw !== 'false') fail(`blank takes true or false, got ${raw}`);
  return raw === 'true';
}

/** Whether one stored value satisfies `op raw`; like SQL, a NULL satisfies only a null test. */
export function satisfies(type: FieldType, stored: Value, op: Op, raw: string): boolean {
  if (op === 'blank') {
    // Coupa: blank is "not available for datetime fields"; the docs say "every element but dates".
    if (type === 'date' || type === 'datetime') fail(`blank on a ${type}`);
    const blank = stored === null || (type === 'text' && stored === '');
    return flag(raw) ? blank : !blank;
  }
  if (op === 'in' || op === 'not_in') {
    const items = raw.split(',').map((item) => typed(type, item));
    if (items.includes(null)) fail(`empty item in ${raw}`);
    if (stored === null) return false;
    const hit = items.some((item) => item !== null && equal(type, stored, item));
    return op === 'in' ? hit : !hit;
  }
  if ((op === 'contains' || op === 'starts_with' || op === 'ends_with') && type !== 'text') fail(`${op} on a ${type}`);
  if (op !== 'eq' && op !== 'not_eq' && type === 'boolean') fail(`${op} on a boolean`);
  const value = typed(type, raw);
  if (value === null) {
    if (op === 'eq') return stored === null;
    if (op === 'not_eq') return stored !== null;
    return fail(`${op} needs a value`);
  }
  if (stored === null) return false;
  switch (op) {
    case 'eq':
      return equal(type, stored, value);
    case 'not_eq':
      return !equal(type, stored, value);
    case 'gt':
      return compare(type, stored, value) > 0;
    case 'lt':
      return compare(type, stored, value) < 0;
    case 'gt_or_eq':
      return compare(type, stored, value) >= 0;
    case 'lt_or_eq':
      return compare(type, stored, value) <= 0;
    case 'contains':
      return fold(String(stored)).includes(fold(String(value)));
    case 'starts_with':
      return fold(String(stored)).startsWith(fold(String(value)));
    case 'ends_with':
      return fold(String(stored)).endsWith(fold(String(value)));
  }
}

type Node =
  { readonly table: 'users'; readonly row: OracleUser } | { readonly table: 'departments' | 'roles'; readonly row: OracleNamed };

function valueOf(node: Node, field: string): Value {
  if (node.table !== 'users') {
    if (field === 'id') return node.row.id;
    if (field === 'name') return node.row.name;
    return fail(`${node.table} has no ${field}`);
  }
  const u = node.row;
  switch (field) {
    case 'id':
      return u.id;
    case 'login':
      return u.login;
    case 'email':
      return u.email;
    case 'firstname':
      return u.firstname;
    case 'lastname':
      return u.lastname;
    case 'employee_number':
      return u.employee_number;
    case 'active':
      return u.active;
    case 'created_at':
      return u.created_at;
    case 'updated_at':
      return u.updated_at;
    default:
      return fail(`users have no ${field}`);
  }
}

/** The rows an association leads to: none or one for a belongs-to, any number for a collection. */
function follow(data: OracleDataset, node: Node, hop: string): Node[] {
  if (node.table !== 'users') return fail(`${node.table} has no ${hop}`);
  const u = node.row;
  switch (hop) {
    case 'department':
      return data.departments.filter((d) => d.id === u.department_id).map((row) => ({ table: 'departments', row }));
    case 'manager':
      return data.users.filter((m) => m.id === u.manager_id).map((row) => ({ table: 'users', row }));
    case 'roles':
      return data.roles.filter((r) => u.role_ids.includes(r.id)).map((row) => ({ table: 'roles', row }));
    default:
      return fail(`users have no ${hop}`);
  }
}

const fieldType = (table: Table, field: string): FieldType => FIELDS[table].get(field) ?? fail(`${table} has no ${field}`);

/**
 * A condition through associations holds when some row reached from `start` satisfies it
 * (`follow` takes one step, `test` checks a field of a reached row). `blank=true` reads the
 * associations as LEFT JOINs: a row with nothing to follow at some step holds too, its
 * columns being NULL (`manager[id][blank]=true`: no manager).
 */
export function holdsThrough<N, H>(
  start: N,
  c: ConditionThrough<H>,
  follow: (node: N, hop: H) => N[],
  test: (node: N, field: string) => boolean,
): boolean {
  const leftJoin = c.op === 'blank' && flag(c.raw);
  const reach = (node: N, hops: readonly H[]): boolean => {
    const [hop, ...rest] = hops;
    if (hop === undefined) return test(node, c.field);
    const next = follow(node, hop);
    return (leftJoin && next.length === 0) || next.some((n) => reach(n, rest));
  };
  return reach(start, c.hops);
}

const holds = (data: OracleDataset, user: OracleUser, c: OracleCondition): boolean =>
  holdsThrough<Node, string>(
    { table: 'users', row: user },
    c,
    (n, hop) => follow(data, n, hop),
    (n, field) => satisfies(fieldType(n.table, field), valueOf(n, field), c.op, c.raw),
  );

/** Every matching user id in the query's order, before paging. */
export function oracleAll(data: OracleDataset, params: Readonly<Record<string, string>>): number[] {
  const q = readQuery(params);
  const matched = data.users.filter((u) => q.conditions.every((c) => holds(data, u, c)));
  return orderedIds(
    matched,
    q,
    (field) => fieldType('users', field),
    (u, field) => valueOf({ table: 'users', row: u }, field),
  );
}

/**
 * The ids of `rows` in the query's order: by id unless `order_by` names a field (`dir=desc`
 * alone, or with `order_by=id`, reverses the id order); NULLs first ascending and last
 * descending, equal keys in id order.
 */
export function orderedIds<R extends { readonly id: number }>(
  rows: readonly R[],
  q: Pick<OracleQuery<unknown>, 'orderBy' | 'dir'>,
  typeOf: (field: string) => FieldType,
  valueOf: (row: R, field: string) => Value,
): number[] {
  const byId = (a: R, b: R): number => a.id - b.id;
  const orderBy = q.orderBy;
  if (orderBy === undefined || orderBy === 'id') {
    const sorted = [...rows].sort(byId);
    return (q.dir === 'desc' ? sorted.reverse() : sorted).map((r) => r.id);
  }
  const type = typeOf(orderBy);
  const desc = q.dir === 'desc';
  return [...rows]
    .sort((a, b) => {
      const x = valueOf(a, orderBy);
      const y = valueOf(b, orderBy);
      if (x === null || y === null) {
        const nulls = (x === null ? 0 : 1) - (y === null ? 0 : 1);
        return (desc ? -nulls : nulls) || byId(a, b);
      }
      const c = compare(type, x, y);
      return (desc ? -c : c) || byId(a, b);
    })
    .map((r) => r.id);
}

/** The page of ids the query asks for: `offset` skipped, at most `limit` (capped at 50). */
export function oraclePage(data: OracleDataset, params: Readonly<Record<string, string>>): number[] {
  const { offset, limit } = readQuery(params);
  return oracleAll(data, params).slice(offset, offset + limit);
}
