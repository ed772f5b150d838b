import { serialId } from '../../src/catalog/ids.js';
import fc from 'fast-check';
import { Engine } from '../../src/domain/engine.js';
import { compileQuery } from '../../src/query/compile.js';
import type { Store } from '../../src/store/database.js';
import type { RecordRepository } from '../../src/store/record-repository.js';

/**
 * The pieces both differential query tests (users, workers) build their random queries from:
 * values resolved against the generated rows, datetimes in every documented spelling,
 * operator spellings, ordering and paging. `D` is the test's dataset type.
 */

export type Params = Record<string, string>;

/** Runs per property; raise it locally (QUERY_DIFF_RUNS=2000) for a deeper search. */
export const RUNS = Number(process.env['QUERY_DIFF_RUNS'] ?? 100);
export const PAGING_RUNS = Math.max(1, Math.round(RUNS / 2));

/** The ids of the page an index request would render, as the HTTP handler computes them. */
export async function sqlPage(store: Store, repo: RecordRepository, params: Params): Promise<number[]> {
  const q = Engine.detached(store).service(repo.def.name).parseQuery(params);
  const rows = await repo.findPage(compileQuery(store.dialect, repo.def.table, q), q.offset, q.limit);
  return rows.map((r) => serialId(r.id));
}

/**
 * Every id of a filter, walked page by page (`limit` at a time, from offset 0) until a short
 * page; bounded by `count` rows, since more pages than rows can only mean a page came back too full.
 */
export async function walkPages(
  store: Store,
  repo: RecordRepository,
  params: Params,
  limit: number,
  count: number,
): Promise<number[]> {
  const walked: number[] = [];
  for (let offset = 0; offset <= count; offset += limit) {
    const page = await sqlPage(store, repo, { ...params, offset: String(offset), limit: String(limit) });
    walked.push(...page);
    if (page.length < limit) break;
  }
  return walked;
}

const DAY = 86_400_000;
const BASE = Date.UTC(2020, 0, 1);
/** Instants three hours apart over two days (midnights included), sometimes a second or a minute off. */
export const instant = fc
  .tuple(fc.integer({ min: 0, max: 16 }), fc.constantFrom(0, 0, 0, 1000, 59_000))
  .map(([k, jitter]) => BASE + (k * DAY) / 8 + jitter);

/** A query value that may depend on the generated rows; it is resolved against them. */
export type Resolve<D, T> = (data: D) => T;

export const fixed = <D, T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Resolve<D, T>> => arb.map((v) => () => v);

/** One of the rows' values (NULLs aside), or the pool's value when the rows have none. */
export function fromRows<D, T>(pool: fc.Arbitrary<T>, rows: (data: D) => readonly (T | null)[]): fc.Arbitrary<Resolve<D, T>> {
  return fc.tuple(pool, fc.nat()).map(([fallback, i]) => (data) => {
    const present = rows(data).filter((v): v is T => v !== null);
    return present[i % Math.max(1, present.length)] ?? fallback;
  });
}

/** The characters a test's text values are cut from: fragments of its pools, and units of random strings. */
export interface Alphabet {
  readonly fragments: readonly string[];
  readonly units: readonly string[];
}

/** Text values: the rows' own, the pool's, fragments of them, or a short random string. */
export function textFrom<D>(
  alphabet: Alphabet,
  pool: readonly string[],
  rows: (data: D) => readonly (string | null)[],
): fc.Arbitrary<Resolve<D, string>> {
  return fc.oneof(
    { arbitrary: fromRows(fc.constantFrom(...pool), rows), weight: 3 },
    { arbitrary: fixed<D, string>(fc.constantFrom(...pool)), weight: 2 },
    { arbitrary: fixed<D, string>(fc.constantFrom(...alphabet.fragments)), weight: 2 },
    { arbitrary: fixed<D, string>(fc.string({ unit: fc.constantFrom(...alphabet.units), maxLength: 3 })), weight: 1 },
  );
}

/** A datetime in one of the documented forms: Z, milliseconds, an offset, a bare date (midnight UTC). */
function datetimeText(ms: number, form: string): string {
  const at = (t: number) => new Date(t).toISOString();
  switch (form) {
    case 'z':
      return at(ms).replace('.000Z', 'Z');
    case 'plus':
      return `${at(ms + 2 * 3_600_000).slice(0, 19)}+02:00`;
    case 'minus':
      return `${at(ms - 5.5 * 3_600_000).slice(0, 19)}-05:30`;
    case 'date':
      return at(ms).slice(0, 10);
    case 'half':
      return at(ms + 500);
    default:
      return at(ms);
  }
}

/** Datetimes near `instant`s or the rows' own timestamps (`stamps`, in ms), in any documented form. */
export function datetimeValues<D>(stamps: (data: D) => readonly number[]): fc.Arbitrary<Resolve<D, string>> {
  return fc
    .tuple(
      fc.oneof(fixed<D, number>(instant), fromRows(instant, stamps)),
      fc.constantFrom('z', 'ms', 'plus', 'minus', 'date', 'half'),
    )
    .map(
      ([ms, form]) =>
        (data: D) =>
          datetimeText(ms(data), form),
    );
}

/** Operators are written underscored or dashed (`not-eq`), as clients do. */
export const opSpelling = (op: string): fc.Arbitrary<string> => fc.constantFrom(op, op.replaceAll('_', '-'));

/** One query parameter: its name, and its value resolved against the rows. */
export type Condition<D> = readonly [string, Resolve<D, string>];

/** Conditions as parameters; a repeated name is dropped (it would be a 400, not a test of filtering). */
export function resolve<D>(conditions: readonly (Condition<D> | null)[], data: D): Params {
  const params: Params = {};
  for (const c of conditions) if (c && !(c[0] in params)) params[c[0]] = c[1](data);
  return params;
}

function definedOnly(record: Readonly<Record<string, string | undefined>>): Params {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => e[1] !== undefined));
}

/** `order_by` (or `order-by`) one of `fields`, and `dir`; each may be absent. */
export const ordering = (fields: readonly string[]): fc.Arbitrary<Params> =>
  fc
    .tuple(
      fc.constantFrom('order_by', 'order-by'),
      fc.constantFrom(undefined, ...fields),
      fc.constantFrom(undefined, 'asc', 'desc'),
    )
    .map(([key, field, dir]) => definedOnly({ [key]: field, dir }));

/** Offsets mostly within the rows, so pages are seldom empty; limits sometimes 0 or past the cap of 50. */
export const paging: fc.Arbitrary<Params> = fc
  .record({
    offset: fc.option(
      fc.oneof({ arbitrary: fc.noBias(fc.integer({ min: 0, max: 3 })), weight: 3 }, fc.integer({ min: 0, max: 30 })).map(String),
      { nil: undefined, freq: 2 },
    ),
    limit: fc.option(fc.oneof(fc.noBias(fc.integer({ min: 1, max: 10 })), fc.integer({ min: 0, max: 60 })).map(String), {
      nil: undefined,
      freq: 3,
    }),
  })
  .map(definedOnly);

/** A value of a pool, or NULL now and then. */
export const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 5 });

/** Text that is often NULL or empty, the two values `blank`, `eq` and `not_eq` tell apart. */
export const blankish = (pool: readonly string[]): fc.Arbitrary<string | null> =>
  fc.oneof(
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constant(''), weight: 1 },
    { arbitrary: fc.constantFrom(...pool), weight: 4 },
  );

/** A non-NULL name may occur once per table (its unique index); repeats become NULL. */
export function uniqueOrNull<T>(values: readonly (T | null)[]): (T | null)[] {
  return values.map((v, i) => (v !== null && values.indexOf(v) !== i ? null : v));
}
