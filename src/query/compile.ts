import { sql, type Expression, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { ScalarType, ScalarValue } from '../catalog/types.js';
import type { Condition, Ordering, ParsedQuery } from './filter.js';
import { caseless, comparedCaseless } from './caseless.js';
import { isTextType } from './operators.js';
import type { Hop, QueryField } from './schema.js';

type Bool = RawBuilder<boolean>;

const COMPARISON = { eq: '=', not_eq: '<>', gt: '>', lt: '<', gt_or_eq: '>=', lt_or_eq: '<=' } as const;

/** `%`, `_` and the escape character itself match literally in contains/starts_with/ends_with. */
export const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * What compiling needs of the database (a `StoreDialect` is one): stored values, how they
 * compare (SQLite's text decimals as numbers; text byte-wise on both), and case-insensitive LIKE.
 */
export interface QueryDialect {
  toDb(type: ScalarType, value: ScalarValue | null): ScalarValue | null;
  comparable(value: Expression<unknown>, type: ScalarType): Expression<unknown>;
  readonly ilike: RawBuilder<unknown>;
  foldValue(value: Expression<unknown>): RawBuilder<unknown>;
}

const operand = (dialect: QueryDialect, alias: string, field: QueryField) =>
  dialect.comparable(sql.ref(`${alias}.${field.column}`), field.type);

const literal = (dialect: QueryDialect, field: QueryField, value: ScalarValue) =>
  dialect.comparable(sql`${dialect.toDb(field.type, value)}`, field.type);

function test(dialect: QueryDialect, alias: string, field: QueryField, c: Condition): Bool {
  const col = operand(dialect, alias, field);
  const [first = null] = c.values;
  const lit = (v: ScalarValue | null) => literal(dialect, field, v ?? '');
  // Equality on text ignores case, as Coupa's MySQL collation does (query/caseless.ts).
  const folded = comparedCaseless(field.type);
  const matchCol = folded ? caseless(col) : col;
  const matchLit = (v: ScalarValue | null) => (folded ? dialect.foldValue(lit(v)) : lit(v));
  switch (c.op) {
    case 'eq':
    case 'not_eq':
      if (first === null) return c.op === 'eq' ? sql<boolean>`${col} is null` : sql<boolean>`${col} is not null`;
      return sql<boolean>`${matchCol} ${sql.raw(COMPARISON[c.op])} ${matchLit(first)}`;
    case 'gt':
    case 'lt':
    case 'gt_or_eq':
    case 'lt_or_eq':
      return sql<boolean>`${col} ${sql.raw(COMPARISON[c.op])} ${lit(first)}`;
    case 'in':
    case 'not_in':
      return sql<boolean>`${matchCol} ${sql.raw(c.op === 'in' ? 'in' : 'not in')} (${sql.join(c.values.map(matchLit))})`;
    case 'contains':
    case 'starts_with':
    case 'ends_with': {
      const text = escapeLike(String(first));
      const pattern = c.op === 'contains' ? `%${text}%` : c.op === 'starts_with' ? `${text}%` : `%${text}`;
      // Case-insensitive, as a search box is: SQLite's LIKE folds ASCII, and so does ILIKE under "C".
      return sql<boolean>`${col} ${dialect.ilike} ${pattern} escape '\\'`;
    }
    case 'blank': {
      const blank = first === true;
      if (!isTextType(field.type)) return blank ? sql<boolean>`${col} is null` : sql`${col} is not null`;
      return blank ? sql<boolean>`(${col} is null or ${col} = '')` : sql<boolean>`(${col} is not null and ${col} <> '')`;
    }
  }
}

/**
 * Whether the row `alias` has no associated row through `hop` (`none`), or has some: its
 * foreign key is null or set, or it owns or names none or some.
 */
function linked(alias: string, hop: Hop, none: boolean): Bool {
  if (hop.via === 'column') {
    return sql<boolean>`${sql.ref(`${alias}.${hop.column}`)} ${sql.raw(none ? 'is null' : 'is not null')}`;
  }
  const owners =
    hop.via === 'child'
      ? sql`select ${sql.ref(`m.${hop.owner}`)} from ${sql.table(hop.target)} as ${sql.id('m')}`
      : sql`select ${sql.ref(`m.${hop.owner}`)} from ${sql.table(hop.table)} as ${sql.id('m')} where ${sql.ref('m.kind')} = ${hop.kind}`;
  return sql<boolean>`${sql.ref(`${alias}.id`)} ${sql.raw(none ? 'not in' : 'in')} (${owners})`;
}

/**
 * One condition as SQL. Associations become uncorrelated `IN (subquery)` chains, which both
 * planners turn into index lookups on the join keys; each level gets its own alias. A
 * `blank=true` through associations reads them as Rails' LEFT JOINs do, where a missing row's
 * columns are NULL and so blank: at each step, a row with nothing to follow holds too
 * (`manager[id][blank]=true` is the rows without a manager).
 */
function compileCondition(dialect: QueryDialect, root: string, c: Condition): Bool {
  if (c.unmatchable) return sql<boolean>`1 = 0`;
  const leftJoin = c.op === 'blank' && c.values[0] === true;
  let n = 0;
  const build = (alias: string, hops: readonly Hop[]): Bool => {
    const [hop, ...rest] = hops;
    if (!hop) return test(dialect, alias, c.field, c);
    // A reached row's id is never blank: `assoc[id][blank]` asks only whether there is one.
    if (rest.length === 0 && c.op === 'blank' && c.field.column === 'id') return linked(alias, hop, leftJoin);
    const through = step(alias, hop, rest);
    return leftJoin ? sql<boolean>`(${through} or ${linked(alias, hop, true)})` : through;
  };
  const step = (alias: string, hop: Hop, rest: readonly Hop[]): Bool => {
    const t = `q${++n}`;
    if (hop.via === 'child') {
      return sql<boolean>`${sql.ref(`${alias}.id`)} in (select ${sql.ref(`${t}.${hop.owner}`)} from ${sql.table(hop.target)} as ${sql.id(
        t,
      )} where ${build(t, rest)})`;
    }
    const inner = sql`select ${sql.ref(`${t}.id`)} from ${sql.table(hop.target)} as ${sql.id(t)} where ${build(t, rest)}`;
    if (hop.via === 'column') return sql<boolean>`${sql.ref(`${alias}.${hop.column}`)} in (${inner})`;
    const m = `q${++n}`;
    return sql<boolean>`${sql.ref(`${alias}.id`)} in (select ${sql.ref(`${m}.${hop.owner}`)} from ${sql.table(hop.table)} as ${sql.id(
      m,
    )} where ${sql.ref(`${m}.kind`)} = ${hop.kind} and ${sql.ref(`${m}.${hop.ref}`)} in (${inner}))`;
  };
  return build(root, c.path);
}

/** NULLs sort first ascending and last descending on both databases, as they do in SQLite and MySQL. */
function orderTerm(dialect: QueryDialect, root: string, order: Ordering) {
  const col = operand(dialect, root, order.field);
  return order.dir === 'asc' ? sql`${col} asc nulls first` : sql`${col} desc nulls last`;
}

/** Turns a parsed query into WHERE and ORDER BY clauses; a tie-break on id keeps paging stable. */
export function compileQuery(dialect: QueryDialect, root: string, query: Pick<ParsedQuery, 'conditions' | 'order'>) {
  return <DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> => {
    let q = qb;
    for (const c of query.conditions) q = q.where(compileCondition(dialect, root, c));
    const { order } = query;
    if (order?.field.column === 'id') return q.orderBy(sql.ref(`${root}.id`), order.dir);
    if (order) q = q.orderBy(orderTerm(dialect, root, order));
    return q.orderBy(sql.ref(`${root}.id`), 'asc');
  };
}
