import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { resourceNamed } from '../../src/catalog/registry.js';
import type { ResourceDef } from '../../src/catalog/resource.js';
import type { DecimalSize, Element } from '../../src/catalog/types.js';
import { DEFAULT_DECIMAL } from '../../src/catalog/values.js';
import type { Store } from '../../src/store/database.js';
import { defaultReferenceData } from '../../src/store/default-reference-data.js';
import { JSON_TYPE, XML_TYPE } from './api.js';
import {
  accept,
  CONTENT_TYPES,
  FuzzRequest,
  malformedBodies,
  multipartBody,
  multipartGarbage,
  Obj,
  oddString,
  oneIn,
  pct,
  pctName,
  PROTO_NAMES,
  Raw,
  toJson,
  toXml,
  truncate,
  uploadBodies,
  type Format,
  type FuzzResponse,
  type Method,
  type RequestOptions,
  type UploadTarget,
  type Val,
} from './fuzz-requests.js';
import { makePng } from './images.js';

/**
 * Hostile requests to the Worker API (seed 004) for test/workers-fuzz.test.ts, built from the
 * catalogue (src/catalog/resources/workers.ts and worker-*.ts) rather than from hand-made lists,
 * and the oracle that checks what a successful write reads back. The generic pieces (requests,
 * documents, odd strings, malformed bodies, multipart garbage) come from fuzz-requests.ts.
 */

// ---------------------------------------------------------------------------------------------
// The catalogue

export const WORKERS: ResourceDef = resourceNamed('workers');
const API = WORKERS.api;
if (!API) throw new Error('test setup: workers are not served');
export const WORKER_PATH = API.path;
export const WORKER_SCOPES = API.scopes;

type ScalarEl = Extract<Element, { kind: 'scalar' }>;
type ReferenceEl = Extract<Element, { kind: 'reference' }>;
type ChildrenEl = Extract<Element, { kind: 'children' }>;
type CompositeEl = Extract<Element, { kind: 'composite' }>;

const ofKind = <K extends Element['kind']>(def: ResourceDef, kind: K): Array<Extract<Element, { kind: K }>> =>
  def.elements.filter((e): e is Extract<Element, { kind: K }> => e.kind === kind);

/** Every element a client may write in `def` (its owner link and read-only ones left out). */
const writable = (def: ResourceDef): Element[] => def.elements.filter((e) => e.in && e.kind !== 'computed');
const namesOf = (els: readonly Element[]): string[] => els.flatMap((e) => [e.name, ...(e.aliases ?? [])]);

/** A worker's child lists, `worker-documents` (read-only) included. */
export const CHILD_LISTS: readonly ChildrenEl[] = ofKind(WORKERS, 'children');
const WRITABLE_LISTS = CHILD_LISTS.filter((e) => e.in);
const childDef = (el: ChildrenEl): ResourceDef => resourceNamed(el.target);

/** A resource's table and those of its owned children, and theirs (a worker's documents' attachments). */
const ownedTables = (def: ResourceDef): string[] => [
  def.table,
  ...ofKind(def, 'children').flatMap((el) => ownedTables(resourceNamed(el.target))),
];

/**
 * Every table a worker request may touch: the worker's, its children's (and theirs), its avatars',
 * the uploaded attachment bytes, and recorded mail (invitations).
 */
export const WORKER_TABLES: readonly string[] = [
  ...ownedTables(WORKERS),
  ...(WORKERS.avatar ? [WORKERS.avatar.table] : []),
  'attachment_files',
  'mail_messages',
];

const rowText = (row: unknown): string => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

/** Every row of the worker tables, sorted; equal snapshots before and after a refused write prove it wrote nothing. */
export async function workerSnapshot(store: Store): Promise<Record<string, string[]>> {
  const tables = await Promise.all(
    WORKER_TABLES.map(async (table) => {
      const rows = await store.db.selectFrom(table).selectAll().execute();
      return [table, rows.map(rowText).sort()] as const;
    }),
  );
  return Object.fromEntries(tables);
}

/** Natural keys of seeded reference rows of `target`, from the default reference data (not hand-listed). */
function seededKeys(target: string, max = 4): string[] {
  const fixture = defaultReferenceData()[target];
  const rows = typeof fixture === 'function' ? fixture() : (fixture ?? []);
  const key = resourceNamed(target).key;
  const preferred = target === 'countries' ? ['US', 'AE', 'GB', 'AL'] : [];
  const keys = rows.map((r) => r[key]).filter((k): k is string => typeof k === 'string');
  const out = [...preferred.filter((k) => keys.includes(k)), ...keys].slice(0, max);
  // Targets without reference data (users, for the audit references) are named by an unknown key.
  return out.length > 0 ? out : ['nobody'];
}

// ---------------------------------------------------------------------------------------------
// Small generic pieces

const obj = (...entries: Array<readonly [string, Val]>): Obj => new Obj(entries);

// ---------------------------------------------------------------------------------------------
// Requests that know what they meant

/** What a generated worker request is, for the oracle. */
export type Intent =
  | { readonly kind: 'create'; readonly doc?: Val; readonly format: Format }
  | { readonly kind: 'update'; readonly id: string; readonly doc?: Val; readonly format: Format }
  | { readonly kind: 'bulk'; readonly mode: 'create' | 'update'; readonly docs?: readonly Val[]; readonly format: Format }
  | {
      readonly kind: 'avatar-upload';
      readonly id: string;
      /** The image sent, when the body holds it whole. */
      readonly data?: Buffer;
    }
  | { readonly kind: 'attachment-upload'; readonly id: string; readonly document: string; readonly data: Buffer }
  | { readonly kind: 'avatar-delete'; readonly id: string }
  | { readonly kind: 'invite'; readonly id: string }
  | { readonly kind: 'read' };

export class WorkerRequest extends FuzzRequest {
  constructor(
    method: Method,
    url: string,
    headers: Readonly<Record<string, string>>,
    body: string | Buffer | undefined,
    readonly intent: Intent,
    options: RequestOptions = {},
  ) {
    super(method, url, headers, body, options);
  }
}

/** The seeded workers (test/workers-fuzz.test.ts seeds 1..3), now and then one that does not exist or does not fit. */
export const workerId: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('1', '2', '3') },
  { weight: 1, arbitrary: fc.constantFrom('999', '0', '2147483647', '2147483648', '9007199254740993', '-1', '1.0', 'abc') },
);

/** A worker a create accepts: the required elements (derived from the catalogue), with a number to tell it apart. */
export const newWorker: fc.Arbitrary<Array<readonly [string, Val]>> = fc.nat({ max: 99_999 }).map((n) =>
  ofKind(WORKERS, 'scalar')
    .filter((e) => e.required && e.in)
    .map((e): readonly [string, Val] => [e.name, goodScalar(e, n)]),
);

/** A value every scalar's checks accept (allowed values, email format, a past date). */
function goodScalar(el: ScalarEl, n: number): Val {
  if (el.allowed?.[0] !== undefined) return el.allowed[n % el.allowed.length] ?? el.allowed[0];
  if (el.format === 'email') return `fz${n}@example.com`;
  switch (el.type) {
    case 'date':
      return `19${String(50 + (n % 50))}-0${1 + (n % 9)}-1${n % 10}`;
    case 'decimal':
      return String(n % 40);
    case 'boolean':
      return n % 2 === 0;
    case 'integer':
      return n;
    default:
      return `Fz${n}`;
  }
}

/**
 * Worker `n` as the fuzz suite seeds it: the required elements, and in every list it writes one
 * item of the list's required elements (good values derived from the catalogue).
 */
export function seedDocument(n: number): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const el of writable(WORKERS)) {
    if (el.kind === 'scalar' && el.required) doc[el.name] = goodScalar(el, n);
    if (el.kind === 'children') {
      const item: Record<string, unknown> = {};
      for (const f of writable(childDef(el))) {
        if ((f.kind === 'scalar' || f.kind === 'reference') && f.required)
          item[f.name] = f.kind === 'scalar' ? goodScalar(f, n) : fallbackGood(f);
      }
      doc[el.name] = [item];
    }
  }
  return doc;
}

interface WriteTarget {
  readonly method: Method;
  readonly url: string;
  readonly id?: string;
}

const writeTarget: fc.Arbitrary<WriteTarget> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<WriteTarget>({ method: 'POST', url: WORKER_PATH }) },
  { weight: 3, arbitrary: workerId.map((id): WriteTarget => ({ method: 'PUT', url: `${WORKER_PATH}/${id}`, id })) },
  { weight: 1, arbitrary: workerId.map((id): WriteTarget => ({ method: 'PATCH', url: `${WORKER_PATH}/${id}`, id })) },
);

/** A document as a body: JSON (sometimes wrapped in `{"worker": …}`) or `<worker>…</worker>`. */
const renderBody = (f: Format, doc: Obj, wrap: boolean): string =>
  f === 'json' ? toJson(wrap ? obj([WORKERS.singular, doc]) : doc) : toXml(WORKERS.singular, doc);

/** Writes of a document holding `entries` (after a valid new worker on POST), as JSON or XML. */
function documentWrites(
  entries: fc.Arbitrary<Array<readonly [string, Val]>>,
  targets: fc.Arbitrary<WriteTarget> = writeTarget,
): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target: targets,
      base: newWorker,
      entries,
      f: fc.constantFrom<Format>('json', 'xml'),
      type: fc.nat(),
      accept,
      wrap: fc.boolean(),
    })
    .map(({ target, base, entries: es, f, type, accept: acc, wrap }) => {
      const sent = new Set(es.map(([k]) => k));
      const doc = new Obj([...(target.id === undefined ? base.filter(([k]) => !sent.has(k)) : []), ...es]);
      const types = CONTENT_TYPES[f];
      const headers = { 'content-type': types[type % types.length] ?? 'application/json', ...acc };
      const intent: Intent =
        target.id === undefined ? { kind: 'create', doc, format: f } : { kind: 'update', id: target.id, doc, format: f };
      return new WorkerRequest(target.method, target.url, headers, renderBody(f, doc, wrap), intent);
    });
}

// ---------------------------------------------------------------------------------------------
// Values, by element, derived from the catalogue

const ODD_DATES = [
  '2001-02-29',
  '2000-02-29',
  '1900-02-29',
  '9999-12-31',
  '0000-01-01',
  '0001-01-01',
  '2001-13-01',
  '2001-00-10',
  '2001-04-31',
  '2001-1-1',
  '01/02/2001',
  '2001-02-03T04:05:06Z',
  '2001-02-03 ',
  ' 2001-02-03',
  '+02001-02-03',
  '-2001-02-03',
  '２００１-０２-０３',
  '20010203',
  'yesterday',
  '',
  ' ',
];

/** Dates relative to the day the test runs (the server refuses a date of birth in the future). */
const relativeDay = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const ODD_DECIMALS: Val[] = [
  '0',
  '-0',
  '+3',
  '.5',
  '5.',
  '0.00005',
  '0.00004999',
  '-0.00005',
  '123.45678',
  '9999999999999999999999999999.99995',
  '9999999999999999999999999999.9999',
  '99999999999999999999999999999',
  '-9999999999999999999999999999',
  '1e3',
  '1E-2',
  '0x10',
  '1_000',
  '1,5',
  '--1',
  '1.2.3',
  'NaN',
  'Infinity',
  '١٢',
  ' 7 ',
  '',
  ' ',
  12.5,
  -0,
  1e21,
  new Raw('1e400'),
  new Raw('123456789012345678901234567890'),
  new Raw('0.1000000000000000055511151231257827'),
  true,
];

const BIG_IDS: Val[] = [
  0,
  -1,
  1.5,
  999,
  2147483647,
  new Raw('2147483648'),
  new Raw('9007199254740993'),
  new Raw('1e20'),
  '2147483648',
  '01',
  ' 1 ',
  '1.0',
  'abc',
];

/** Junk trees, with the names worker documents use as keys. */
const JUNK_KEYS = ['id', '_destroy', 'code', 'name', 'email-address', 'value', 'number', 'country-code', 'worker', 'nil', ''];

const junkScalar: fc.Arbitrary<Val> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', ' ', 'x', 'true', 'false', '1', '0', '-1', '1.5', 'null', 'US', 'Java', 'Home', 'passport'),
  fc.constantFrom(new Raw('1e400'), new Raw('-0'), new Raw('123456789012345678901234567890')),
);

export const junkValue: fc.Arbitrary<Val> = fc.letrec<{ v: Val }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    junkScalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom(...JUNK_KEYS), tie('v')), { maxLength: 3 }).map((es) => new Obj(es)),
  ),
})).v;

/** A value nested `n` deep: in lists, in objects, or both. */
const deep = fc.tuple(fc.integer({ min: 2, max: 600 }), fc.constantFrom('list', 'object', 'mixed')).map(([n, shape]) => {
  let v: Val = 'x';
  for (let i = 0; i < n; i++) v = shape === 'list' || (shape === 'mixed' && i % 2 === 0) ? [v] : obj(['id', v]);
  return v;
});

/** A row of the reference data `el` names, by key (bare or in an object) or by a seeded id. */
function goodReference(el: ReferenceEl): fc.Arbitrary<Val> {
  const target = resourceNamed(el.target);
  const keys = seededKeys(el.target);
  return fc.oneof(
    fc.constantFrom(...keys),
    fc.constantFrom(...keys).map((k) => obj([target.key, k])),
    fc.constantFrom(1, 2).map((id) => obj(['id', id])),
  );
}

/** References that name nothing, or name it badly. */
function badReference(el: ReferenceEl): fc.Arbitrary<Val> {
  const target = resourceNamed(el.target);
  const keys = seededKeys(el.target, 2);
  return fc.oneof(
    fc.constantFrom(...BIG_IDS).map((id) => obj(['id', id])),
    fc.constantFrom(...BIG_IDS),
    fc.constantFrom(
      ...keys.flatMap((k) => [k.toLowerCase(), k.toUpperCase(), ` ${k}`, `${k} `, `${k}\u200b`]),
      'Nope',
      'x'.repeat(256),
    ),
    fc.constantFrom(...keys).map((k) => obj([target.key, `${k}x`])),
    fc.constantFrom(...keys).map((k) => obj(['id', 999], [target.key, k])),
    fc.constantFrom<Val>(true, [], [1], obj(), obj(['foo', 1]), obj(['id', []]), obj(['id', obj()]), obj([target.key, []])),
  );
}

/** A child item the server accepts (its required elements, and some of the others). */
function goodChildItem(el: ChildrenEl): fc.Arbitrary<Obj> {
  const def = childDef(el);
  const parts = writable(def).map((e) => goodValueOf(e).map((v) => [e.name, v] as const));
  const required = new Set(
    def.elements.filter((e) => (e.kind === 'scalar' || e.kind === 'reference') && e.required && e.in).map((e) => e.name),
  );
  return fc.tuple(...parts.map((p) => fc.option(p, { freq: 2 }))).map((es) => {
    const chosen = es.filter((e): e is readonly [string, Val] => e !== null);
    const names = new Set(chosen.map(([k]) => k));
    const missing = writable(def).filter((e) => required.has(e.name) && !names.has(e.name));
    return new Obj([...chosen, ...missing.map((e): readonly [string, Val] => [e.name, fallbackGood(e)])]);
  });
}

/** One good value of `el`, without randomness (for required elements a random choice left out). */
function fallbackGood(el: Element): Val {
  if (el.kind === 'scalar') return goodScalar(el, 7);
  if (el.kind === 'reference') return seededKeys(el.target, 1)[0] ?? 1;
  return null;
}

/** Values the server accepts for `el`, odd ones included (rounding decimals, leap days, long but fitting text). */
function goodValueOf(el: Element): fc.Arbitrary<Val> {
  switch (el.kind) {
    case 'scalar':
      if (el.allowed) return fc.constantFrom<Val>(...el.allowed, '');
      if (el.format === 'email') return fc.nat({ max: 999 }).map((n) => `fz${n}+tag@example.com`);
      switch (el.type) {
        case 'date':
          return fc.constantFrom<Val>('2000-07-01', '2000-02-29', '0001-01-01', '1900-12-31', relativeDay(-1));
        case 'decimal':
          return fc.constantFrom<Val>('4', '10.0', '-1', '0.00005', '123.45678', '.5', '+3', ' 7 ', 12.5, largestDecimal(el));
        case 'boolean':
          return fc.constantFrom<Val>(true, false, 'yes', 'N', '1', 'f');
        default:
          return fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.constantFrom(
              'x'.repeat(el.length ?? 255),
              'é'.repeat(el.length ?? 255),
              '😀'.repeat(el.length ?? 255),
              '  padded  ',
            ),
            fc.constantFrom('日本語', 'ع ل', 'e\u0301', '\u202eRTL', 'a\tb\nc', '<&>"\'', ']]>', '%_\\'),
          );
      }
    case 'reference':
      return goodReference(el);
    case 'composite':
      return fc.oneof(
        fc.constantFrom<Val>('+355 22 345 678', '5550100', '+1 650 253 0000 ext. 12', ''),
        fc
          .tuple(
            fc.constantFrom('022345678', '5550100', ''),
            fc.constantFrom('', '12', null),
            fc.constantFrom('AL', 'US', 'in', ''),
          )
          .map(([number, extension, country]) => obj(['number', number], ['extension', extension], ['country-code', country])),
      );
    case 'children':
      return fc.array(goodChildItem(el), { maxLength: 2 });
    default:
      return fc.constant(null);
  }
}

/** Values of the wrong type for `el`, chosen by its kind and type. */
function wrongTypeOf(el: Element): fc.Arbitrary<Val> {
  const notSingle = fc.constantFrom<Val>([], ['x'], [1, 2], obj(), obj(['value', 'x']), obj(['#text', 'x']));
  switch (el.kind) {
    case 'scalar':
      switch (el.type) {
        case 'date':
          return fc.oneof(fc.constantFrom<Val>(...ODD_DATES, 20010203, true, 0), notSingle);
        case 'decimal':
        case 'integer':
          return fc.oneof(fc.constantFrom(...ODD_DECIMALS), notSingle);
        case 'boolean':
          return fc.oneof(fc.constantFrom<Val>('maybe', 2, -1, 0.5, 'yes please', ''), notSingle);
        default:
          return fc.oneof(notSingle, fc.constantFrom<Val>(123, -0, 1e21, true, false, null, new Raw('1e400')));
      }
    case 'reference':
      return badReference(el);
    case 'composite':
      return fc.oneof(
        notSingle,
        fc.constantFrom<Val>(true, 5, obj(['number', []]), obj(['number', obj(['a', 1])]), obj(['country-code', 'USA'])),
        fc.constantFrom<Val>(obj(['number', '1'.repeat(65)]), obj(['extension', '1'.repeat(17)]), '+999 12', '+'),
      );
    case 'children':
      return fc.oneof(
        fc.constantFrom<Val>('x', 1, true, obj(['a', 1]), obj(['x', 'y'], ['z', 'w']), [1], ['x'], [null], [[]], [true]),
        fc.constantFrom<Val>([obj(['id', 'abc'])], [obj(['_destroy', 'maybe'])], [obj(['id', -1])], [obj(['id', 1.5])]),
        fc.array(junkValue, { minLength: 1, maxLength: 3 }),
      );
    default:
      return junkValue;
  }
}

// ---------------------------------------------------------------------------------------------
// Child items: ids of this worker's, other workers', unknown

/**
 * Child ids to aim at. The seed gives worker w the row with id w in every list, so for a write
 * to worker w, `w` is its own and the others another worker's; later ids are rows made since.
 */
const childIdFor = (target: string | undefined): fc.Arbitrary<Val> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant<Val>(Number(target ?? 0) > 0 ? Number(target) : 1) },
    { weight: 3, arbitrary: fc.constantFrom<Val>(1, 2, 3) },
    { weight: 2, arbitrary: fc.integer({ min: 4, max: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom(...BIG_IDS) },
    { weight: 1, arbitrary: fc.constantFrom<Val>('1', '2', ' 3 ', '1e0', '0x1', null, '') },
  );

const DESTROY: Val[] = [true, 'true', '1', 1, 'yes', 't', false, '0', 'no', 'maybe', 2, '', null, [], obj()];

/** One hostile child list for the worker `target`: updates, destroys, junk, other workers' ids, nesting. */
function hostileChildList(target: string | undefined): fc.Arbitrary<readonly [string, Val]> {
  return fc.constantFrom(...WRITABLE_LISTS).chain((el) => {
    const def = childDef(el);
    const fieldEls = writable(def);
    const field = fc
      .constantFrom(...fieldEls)
      .chain((f) =>
        fc
          .oneof({ weight: 3, arbitrary: goodValueOf(f) }, { weight: 2, arbitrary: wrongTypeOf(f) })
          .map((v) => [f.name, v] as const),
      );
    const item: fc.Arbitrary<Val> = fc.oneof(
      { weight: 4, arbitrary: goodChildItem(el) },
      // An update of a row (this worker's or not), with a few fields.
      {
        weight: 4,
        arbitrary: fc
          .tuple(childIdFor(target), fc.array(field, { maxLength: 2 }))
          .map(([id, fs]) => new Obj([['id', id], ...fs])),
      },
      // `_destroy`, on an id or none, in every spelling.
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.option(childIdFor(target), { freq: 4 }), fc.constantFrom(...DESTROY), fc.array(field, { maxLength: 1 }))
          .map(([id, d, fs]) => new Obj([...(id === null ? [] : [['id', id] as const]), ['_destroy', d], ...fs])),
      },
      // The owner link, timestamps and unknown names, which a client may not write.
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            goodChildItem(el),
            fc.constantFrom<readonly [string, Val]>(
              ['worker', obj(['id', 2])],
              ['worker-id', 3],
              ['worker_id', 2],
              ['created-at', '2001-01-01T00:00:00Z'],
              ['updated-by', obj(['id', 1])],
              ['bogus', 'x'],
              ['ID', 2],
              ['_DESTROY', true],
            ),
          )
          .map(([good, extra]) => new Obj([...good.entries, extra])),
      },
      // Junk, lists where objects go, deep nesting.
      { weight: 2, arbitrary: junkValue },
      { weight: 1, arbitrary: fc.array(goodChildItem(el), { minLength: 1, maxLength: 2 }) },
      { weight: 1, arbitrary: deep },
    );
    const list: fc.Arbitrary<Val> = fc.oneof(
      { weight: 8, arbitrary: fc.array(item, { minLength: 1, maxLength: 4 }) },
      // The same id twice: changed and removed in either order.
      {
        weight: 2,
        arbitrary: fc.tuple(childIdFor(target), fc.boolean(), field).map(([id, destroyFirst, f]) => {
          const change = obj(['id', id], f);
          const remove = obj(['id', id], ['_destroy', true]);
          return destroyFirst ? [remove, change] : [change, remove];
        }),
      },
      // Objects where the list goes: `{"worker-email": {…}}`, `{"worker-email": […]}`, a bare item.
      {
        weight: 2,
        arbitrary: fc
          .tuple(goodChildItem(el), fc.constantFrom('wrapped', 'wrapped-list', 'bare', 'two'))
          .map(([good, how]): Val => {
            if (how === 'wrapped') return obj([def.singular, good]);
            if (how === 'wrapped-list') return obj([def.singular, [good, good]]);
            if (how === 'bare') return good;
            return obj([def.singular, good], ['other', good]);
          }),
      },
      // One past the most items a list may hold, and exactly as many (destroys of nothing, which write nothing).
      {
        weight: 1,
        arbitrary: fc.constantFrom(1000, 1001).map((n): Val => Array.from({ length: n }, () => obj(['_destroy', true]))),
      },
    );
    return list.map((v) => [el.name, v] as const);
  });
}

// ---------------------------------------------------------------------------------------------
// Class: wrong types for each element (of the worker and of its children's items)

const WORKER_NAMES = namesOf(WORKERS.elements);
/** The underscore spelling of each name, which the server takes as the same element. */
const UNDERSCORED = WORKER_NAMES.filter((n) => n.includes('-')).map((n) => n.replaceAll('-', '_'));

const wrongTypeEntry: fc.Arbitrary<readonly [string, Val]> = fc.oneof(
  // Every element of the worker, read-only ones too (those must be ignored).
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...WORKERS.elements)
      .chain((el) =>
        fc.tuple(fc.constantFrom(...namesOf([el]), ...namesOf([el]).map((n) => n.replaceAll('-', '_'))), wrongTypeOf(el)),
      ),
  },
  // An element of a child item, in an item of its list (a new one or the worker's own).
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...WRITABLE_LISTS)
      .chain((el) =>
        fc
          .tuple(
            fc.constantFrom(...childDef(el).elements),
            fc.option(fc.constantFrom<Val>(1, 2, 3), { freq: 2 }),
            goodChildItem(el),
          )
          .chain(([f, id, good]) =>
            wrongTypeOf(f).map((v): readonly [string, Val] => [
              el.name,
              [
                new Obj([
                  ...(id === null ? [] : [['id', id] as const]),
                  ...good.entries.filter(([k]) => k !== f.name),
                  [f.name, v],
                ]),
              ],
            ]),
          ),
      ),
  },
  // Any name at all, with junk.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WORKER_NAMES, ...UNDERSCORED), junkValue) },
);

export const wrongTypes: fc.Arbitrary<FuzzRequest> = documentWrites(fc.array(wrongTypeEntry, { minLength: 1, maxLength: 4 }));

// ---------------------------------------------------------------------------------------------
// Class: legal edge values, which must read back as sent

/** An update of one of the target's own seeded child rows (id = the worker's number), with good values. */
const ownChildUpdate = (target: string | undefined): fc.Arbitrary<readonly [string, Val]> =>
  fc
    .constantFrom(...WRITABLE_LISTS)
    .chain((el) =>
      fc
        .tuple(goodChildItem(el), fc.constantFrom<Val>(Number(target ?? 1) || 1, String(Number(target ?? 1) || 1)))
        .map(([good, id]): readonly [string, Val] => [el.name, [new Obj([['id', id], ...good.entries])]]),
    );

export const legalValues: fc.Arbitrary<FuzzRequest> = writeTarget.chain((target) =>
  documentWrites(
    fc.array(
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constantFrom(...writable(WORKERS)).chain((el) => goodValueOf(el).map((v) => [el.name, v] as const)),
        },
        { weight: 1, arbitrary: ownChildUpdate(target.id) },
      ),
      { minLength: 1, maxLength: 5 },
    ),
    fc.constant(target),
  ),
);

// ---------------------------------------------------------------------------------------------
// Class: hostile child lists

export const hostileChildren: fc.Arbitrary<FuzzRequest> = writeTarget.chain((target) =>
  fc
    .record({
      lists: fc.array(hostileChildList(target.id), { minLength: 1, maxLength: 3 }),
      base: newWorker,
      f: fc.constantFrom<Format>('json', 'xml'),
      accept,
      wrap: fc.boolean(),
    })
    .map(({ lists, base, f, accept: acc, wrap }) => {
      const doc = new Obj([...(target.id === undefined ? base : []), ...lists]);
      const intent: Intent =
        target.id === undefined ? { kind: 'create', doc, format: f } : { kind: 'update', id: target.id, doc, format: f };
      const headers = { 'content-type': CONTENT_TYPES[f][0] ?? '', ...acc };
      return new WorkerRequest(target.method, target.url, headers, renderBody(f, doc, wrap), intent);
    }),
);

// ---------------------------------------------------------------------------------------------
// Class: odd and long strings, in every string element of the worker and its items

const STRING_ELEMENTS: ReadonlyArray<readonly [ChildrenEl | null, ScalarEl]> = [
  ...ofKind(WORKERS, 'scalar')
    .filter((e) => e.in && e.type === 'string')
    .map((e) => [null, e] as const),
  ...WRITABLE_LISTS.flatMap((list) =>
    ofKind(childDef(list), 'scalar')
      .filter((e) => e.in && e.type === 'string')
      .map((e) => [list, e] as const),
  ),
];

/** Exactly the length, one past it, and far past it, in characters of 1, 2 and 4 UTF-8 bytes and combining marks. */
const aroundLength = (length: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom('x', 'é', '😀', 'a\u0301', 'ع', ' '), fc.constantFrom(length, length + 1, length * 40, 200_000))
    .map(([c, n]) => c.repeat(n));

const stringEntry: fc.Arbitrary<readonly [string, Val]> = fc
  .tuple(fc.constantFrom(...STRING_ELEMENTS), fc.option(fc.constantFrom<Val>(1, 2, 3), { freq: 2 }))
  .chain(([[list, el], id]) =>
    fc
      .oneof({ weight: 3, arbitrary: oddString(200_000) }, { weight: 2, arbitrary: aroundLength(el.length ?? 255) })
      .chain((s) => {
        if (list === null) return fc.constant<readonly [string, Val]>([el.name, s]);
        return goodChildItem(list).map((good): readonly [string, Val] => [
          list.name,
          [
            new Obj([
              ...(id === null ? [] : [['id', id] as const]),
              ...good.entries.filter(([k]) => k !== el.name),
              [el.name, s],
            ]),
          ],
        ]);
      }),
  );

/** Natural keys of references (top level and in items), as odd strings. */
const oddKeyEntry: fc.Arbitrary<readonly [string, Val]> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...ofKind(WORKERS, 'reference').filter((e) => e.in)), oddString(5000), fc.boolean())
    .map(([el, s, bare]): readonly [string, Val] => [el.name, bare ? s : obj([resourceNamed(el.target).key, s])]),
  fc.constantFrom(...WRITABLE_LISTS).chain((list) => {
    const refs = ofKind(childDef(list), 'reference').filter((e) => e.in);
    if (refs.length === 0) return fc.constant<readonly [string, Val]>([list.name, []]);
    return fc
      .tuple(fc.constantFrom(...refs), oddString(5000), goodChildItem(list))
      .map(([el, s, good]): readonly [string, Val] => [
        list.name,
        [new Obj([...good.entries.filter(([k]) => k !== el.name), [el.name, obj([resourceNamed(el.target).key, s])]])],
      ]);
  }),
);

/** Odd element names, at the top and inside items. */
const oddNameEntry: fc.Arbitrary<readonly [string, Val]> = fc.oneof(
  fc.tuple(oddString(300), junkScalar),
  fc.tuple(fc.constantFrom(...PROTO_NAMES), junkValue),
  fc
    .tuple(fc.constantFrom(...WRITABLE_LISTS), oddString(300))
    .map(([list, name]): readonly [string, Val] => [list.name, [obj([name, 'x'])]]),
);

export const oddStrings: fc.Arbitrary<FuzzRequest> = documentWrites(
  fc.array(
    fc.oneof(
      { weight: 5, arbitrary: stringEntry },
      { weight: 2, arbitrary: oddKeyEntry },
      { weight: 1, arbitrary: oddNameEntry },
    ),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
);

// ---------------------------------------------------------------------------------------------
// Class: dates, decimals and references (top level and in items)

function valueEntry(pick: (el: Element) => fc.Arbitrary<Val> | undefined): fc.Arbitrary<readonly [string, Val]> {
  const top = writable(WORKERS).flatMap((el) => {
    const arb = pick(el);
    return arb ? [arb.map((v): readonly [string, Val] => [el.name, v])] : [];
  });
  const nested = WRITABLE_LISTS.flatMap((list) =>
    writable(childDef(list)).flatMap((el) => {
      const arb = pick(el);
      if (!arb) return [];
      return [
        fc
          .tuple(arb, goodChildItem(list), fc.option(fc.constantFrom<Val>(1, 2, 3), { freq: 2 }))
          .map(([v, good, id]): readonly [string, Val] => [
            list.name,
            [
              new Obj([
                ...(id === null ? [] : [['id', id] as const]),
                ...good.entries.filter(([k]) => k !== el.name),
                [el.name, v],
              ]),
            ],
          ]),
      ];
    }),
  );
  return fc.oneof(...top, ...nested);
}

const datesAndDecimals = valueEntry((el) => {
  if (el.kind !== 'scalar') return undefined;
  if (el.type === 'date')
    return fc.oneof(
      fc.constantFrom<Val>(...ODD_DATES),
      fc.constantFrom(0, 1, -1, 2).map((d) => relativeDay(d)),
    );
  if (el.type === 'decimal') return fc.constantFrom(...ODD_DECIMALS);
  return undefined;
});

const references = valueEntry((el) =>
  el.kind === 'reference'
    ? fc.oneof({ weight: 2, arbitrary: badReference(el) }, { weight: 1, arbitrary: goodReference(el) })
    : undefined,
);

export const datesDecimalsReferences: fc.Arbitrary<FuzzRequest> = documentWrites(
  fc.array(fc.oneof(datesAndDecimals, references), { minLength: 1, maxLength: 4 }),
);

// ---------------------------------------------------------------------------------------------
// Class: malformed bodies (fuzz-requests.ts's, sent to the worker routes)

const USER_PATH = /^\/api\/users(?=\/|\?|$)/;

/** A users request of fuzz-requests.ts sent to the same route of the Worker API instead. */
function retarget(req: FuzzRequest, method: Method = req.method): WorkerRequest {
  const url = req.url.replace(USER_PATH, WORKER_PATH);
  const body =
    typeof req.body === 'string'
      ? req.body
          .replace(/<(\/?)users(?=[\s>/])/g, `<$1${WORKERS.plural}`)
          .replace(/<(\/?)user(?=[\s>/])/g, `<$1${WORKERS.singular}`)
          .replaceAll('"user":', `"${WORKERS.singular}":`)
      : req.body;
  const path = url.split('?')[0] ?? '';
  const id = /^\/api\/workers\/([^/]+)/.exec(path)?.[1] ?? '';
  const intent: Intent = path.endsWith('/avatar')
    ? { kind: 'avatar-upload', id }
    : method === 'POST'
      ? { kind: 'create', format: 'json' }
      : { kind: 'update', id, format: 'json' };
  return new WorkerRequest(method, url, req.headers, body, intent, req.options);
}

export const malformed: fc.Arbitrary<FuzzRequest> = malformedBodies.map((req) => retarget(req));

// ---------------------------------------------------------------------------------------------
// Class: avatars and invitations

export const avatarsAndInvites: fc.Arbitrary<FuzzRequest> = fc.oneof(
  // fuzz-requests.ts's multipart garbage, to PUT and POST /api/workers/:id/avatar.
  {
    weight: 6,
    arbitrary: fc.tuple(multipartGarbage, fc.constantFrom<Method>('PUT', 'POST')).map(([req, m]) => retarget(req, m)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(workerId, accept, fc.constantFrom('', '?return_object=limited', '?fields=%5B%22id%22%5D', '?x=1'))
      .map(
        ([id, acc, q]) =>
          new WorkerRequest('DELETE', `${WORKER_PATH}/${id}/avatar${q}`, acc, undefined, { kind: 'avatar-delete', id }),
      ),
  },
  // invite_worker takes no document: whatever comes is read and ignored.
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        workerId,
        accept,
        fc.constantFrom<[string | undefined, string | undefined]>(
          [undefined, undefined],
          ['application/json', ''],
          ['application/json', '{}'],
          ['application/json', '{"worker":{"email":"x"}}'],
          ['application/json', '{'],
          ['application/xml', '<worker/>'],
          ['application/xml', '<'],
          ['text/plain', 'hello'],
          ['multipart/form-data; boundary=x', '--x--'],
          ['application/x-www-form-urlencoded', 'a=1'],
          [undefined, 'no type'],
        ),
        fc.constantFrom('', '?return_object=none', '?fields=%5B%22portal-access%22%5D', '?fields=%5B', '?bulk=1'),
      )
      .map(([id, acc, [type, body], q]) => {
        const headers = type === undefined ? acc : { 'content-type': type, ...acc };
        return new WorkerRequest('POST', `${WORKER_PATH}/${id}/invite_worker${q}`, headers, body, { kind: 'invite', id });
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(workerId, accept)
      .map(([id, acc]) => new WorkerRequest('GET', `${WORKER_PATH}/${id}/avatar`, acc, undefined, { kind: 'read' })),
  },
);

// ---------------------------------------------------------------------------------------------
// Class: truncated and badly delimited uploads (fuzz-requests.ts's uploadBodies)

/** The path of worker `w`'s documents. */
export const documentsPath = (w: string | number): string => `${WORKER_PATH}/${w}/worker_documents`;

/**
 * Each seeded worker's avatar (PUT and POST answer 200) and the attachments of its own document
 * (test/workers-fuzz.test.ts seeds document w for worker w; a clean upload answers 201).
 */
export const workerUploads: fc.Arbitrary<FuzzRequest> = uploadBodies(
  fc
    .tuple(
      fc.constantFrom('1', '2', '3'),
      fc.constantFrom('avatar', 'avatar', 'attachment'),
      fc.constantFrom<Method>('PUT', 'POST'),
    )
    .map(([id, route, method]): UploadTarget & { readonly id: string; readonly route: string } =>
      route === 'avatar'
        ? { id, route, method, url: `${WORKER_PATH}/${id}/avatar`, ok: 200, code: 'invalid_avatar', fields: ['file'] }
        : {
            id,
            route,
            method: 'POST',
            url: `${documentsPath(id)}/${id}/attachments`,
            ok: 201,
            code: 'invalid_attachment',
            fields: ['file', 'attachment[file]'],
          },
    ),
).map(({ target, headers, body, image, options }) => {
  const intent: Intent =
    target.route === 'avatar'
      ? { kind: 'avatar-upload', id: target.id, data: image }
      : { kind: 'attachment-upload', id: target.id, document: target.id, data: image };
  return new WorkerRequest(target.method, target.url, headers, body, intent, options);
});

// ---------------------------------------------------------------------------------------------
// Class: writes racing deletes of one row (issue 17, kind 3)

/** One request of a race on a worker document, or on a worker's child item. */
export type RaceOp =
  | { readonly kind: 'delete document' }
  | { readonly kind: 'put document'; readonly withUrl: boolean }
  | { readonly kind: 'upload attachment' }
  | { readonly kind: 'destroy child'; readonly format: Format }
  | { readonly kind: 'update child'; readonly fields: Obj; readonly format: Format };

/** What the races are about: a document made for the race, or an item made in one of the worker's lists. */
export type RaceTarget = { readonly kind: 'document' } | { readonly kind: 'child'; readonly list: string; readonly item: Obj };

/** A race: concurrent requests on one row of worker `worker`, made just before (its id is known only then). */
export class Race {
  constructor(
    readonly worker: string,
    readonly target: RaceTarget,
    readonly ops: ReadonlyArray<{ readonly op: RaceOp; readonly accept: Record<string, string> }>,
  ) {}

  [fc.toStringMethod](): string {
    const target =
      this.target.kind === 'document' ? 'a new document' : `a new ${this.target.list} item ${toJson(this.target.item)}`;
    const ops = this.ops.map(
      ({ op, accept: acc }) =>
        `  ${op.kind}${op.kind === 'update child' ? ` ${toJson(op.fields)}` : ''}${'format' in op ? ` (${op.format})` : ''}${
          'withUrl' in op && op.withUrl ? ' (with a url attachment)' : ''
        } ${JSON.stringify(acc)}`,
    );
    return `race on ${target} of worker ${this.worker}:\n${ops.join('\n')}`;
  }
}

const DOCUMENT_OPS: fc.Arbitrary<RaceOp> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<RaceOp>({ kind: 'delete document' }) },
  { weight: 2, arbitrary: fc.boolean().map((withUrl): RaceOp => ({ kind: 'put document', withUrl })) },
  { weight: 2, arbitrary: fc.constant<RaceOp>({ kind: 'upload attachment' }) },
);

/**
 * An item of `el` that is surely accepted (unlike goodChildItem's edge values, which may pass a
 * minimum): every writable scalar and reference, with goodScalar's values and a seeded key.
 */
const surelyGoodItem = (el: ChildrenEl): fc.Arbitrary<Obj> =>
  fc.nat({ max: 99_999 }).map(
    (n) =>
      new Obj(
        writable(childDef(el)).flatMap((f): Array<readonly [string, Val]> => {
          if (f.kind === 'scalar' && !f.immutable) return [[f.name, goodScalar(f, n)]];
          if (f.kind === 'reference') return [[f.name, fallbackGood(f)]];
          return [];
        }),
      ),
  );

const childOps = (el: ChildrenEl): fc.Arbitrary<RaceOp> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom<Format>('json', 'xml').map((format): RaceOp => ({ kind: 'destroy child', format })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(surelyGoodItem(el), fc.constantFrom<Format>('json', 'xml'))
        .map(([fields, format]): RaceOp => ({ kind: 'update child', fields, format })),
    },
  );

/** 2 to 5 concurrent requests on one new document, or on one new item of a worker's list. */
export const races: fc.Arbitrary<Race> = fc
  .tuple(
    fc.constantFrom('1', '2', '3'),
    fc.oneof(
      fc.constant<[RaceTarget, fc.Arbitrary<RaceOp>]>([{ kind: 'document' }, DOCUMENT_OPS]),
      fc
        .constantFrom(...WRITABLE_LISTS)
        .chain((el) =>
          surelyGoodItem(el).map((item): [RaceTarget, fc.Arbitrary<RaceOp>] => [
            { kind: 'child', list: el.name, item },
            childOps(el),
          ]),
        ),
    ),
  )
  .chain(([worker, [target, ops]]) =>
    fc.array(fc.record({ op: ops, accept }), { minLength: 2, maxLength: 5 }).map((list) => new Race(worker, target, list)),
  );

const RACE_PNG = makePng();

/** A worker document of the type every race writes. */
export const RACE_DOCUMENT = { type: { name: 'Work Permit' } };

/**
 * The requests of `race` on its row `rowId`, each with the statuses and codes it may get: the
 * row is there (success) or gone (Coupa's 404 for a document; for a child item, the 400 a
 * nested item naming a missing row gets).
 */
export function raceRequests(race: Race, rowId: number): FuzzRequest[] {
  const worker = race.worker;
  const doc = `${documentsPath(worker)}/${rowId}`;
  const list = race.target.kind === 'child' ? race.target.list : '';
  const gone404: RequestOptions = { codes: ['not_found'] };
  const missingItem: RequestOptions = { allowed: [200, 400], codes: ['unknown_reference'] };
  const workerWrite = (format: Format, item: Obj, acc: Record<string, string>): FuzzRequest => {
    const document = new Obj([[list, [item]]]);
    const body = format === 'json' ? toJson(document) : toXml(WORKERS.singular, document);
    const headers = { 'content-type': CONTENT_TYPES[format][0] ?? '', ...acc };
    return new FuzzRequest('PUT', `${WORKER_PATH}/${worker}`, headers, body, missingItem);
  };
  return race.ops.map(({ op, accept: acc }) => {
    switch (op.kind) {
      case 'delete document':
        return new FuzzRequest('DELETE', doc, acc, undefined, { allowed: [200, 404], ...gone404 });
      case 'put document': {
        const body = op.withUrl
          ? { ...RACE_DOCUMENT, attachments: [{ type: 'url', url: 'https://example.com/race' }] }
          : RACE_DOCUMENT;
        return new FuzzRequest('PUT', doc, { 'content-type': 'application/json', ...acc }, JSON.stringify(body), {
          allowed: [200, 404],
          ...gone404,
        });
      }
      case 'upload attachment':
        return new FuzzRequest(
          'POST',
          `${doc}/attachments`,
          { 'content-type': 'multipart/form-data; boundary=RaceBoundary', ...acc },
          multipartBody('RaceBoundary', [{ name: 'file', filename: 'race.png', type: 'image/png', data: RACE_PNG }]),
          { allowed: [201, 404], ...gone404 },
        );
      case 'destroy child':
        return workerWrite(
          op.format,
          new Obj([
            ['id', rowId],
            ['_destroy', true],
          ]),
          acc,
        );
      case 'update child':
        return workerWrite(op.format, new Obj([['id', rowId], ...op.fields.entries.filter(([k]) => k !== 'id')]), acc);
    }
  });
}

/** Whether a race request deletes its row (of these, exactly one succeeds). */
export const deletesRow = (op: RaceOp): boolean => op.kind === 'delete document' || op.kind === 'destroy child';

// ---------------------------------------------------------------------------------------------
// Class: bulk writes

const bulkItem = (mode: 'create' | 'update'): fc.Arbitrary<Obj> =>
  fc
    .tuple(
      newWorker,
      fc.array(fc.oneof(wrongTypeEntry, hostileChildList(undefined), stringEntry, datesAndDecimals, references), {
        maxLength: 2,
      }),
      fc.constantFrom<Val>(1, 2, 3, 999, '2', null, 'x', new Raw('2147483648')),
      fc.boolean(),
    )
    .map(([base, es, id, valid]) => {
      if (mode === 'create') return new Obj([...base, ...(valid ? [] : es)]);
      return new Obj([['id', id], ...(valid ? [['middle-name', `Bulk ${toJson(id)}`] as const] : es)]);
    });

/** The bulk forms: a JSON array, `{"workers": […]}`, `<workers type="array">` or `<workers>`. */
function bulkBody(f: Format, items: readonly Val[], shape: number): string {
  const { plural, singular } = WORKERS;
  if (f === 'json') return shape % 2 === 0 ? toJson(items) : toJson(obj([plural, items]));
  return shape % 2 === 0 ? toXml(plural, items) : toXml(plural, new Obj(items.map((i) => [singular, i] as const)));
}

export const bulkWrites: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom<['create' | 'update', Method]>(['create', 'POST'], ['update', 'PUT']).chain(([mode, method]) =>
      fc
        .record({
          items: fc.array(bulkItem(mode), { minLength: 1, maxLength: 4 }),
          f: fc.constantFrom<Format>('json', 'xml'),
          shape: fc.nat(),
          accept,
          flag: fc.constantFrom('bulk=1', 'bulk=1', 'bulk=true', 'bulk=yes&return_object=limited'),
        })
        .map(
          ({ items, f, shape, accept: acc, flag }) =>
            new WorkerRequest(
              method,
              `${WORKER_PATH}?${flag}`,
              { 'content-type': CONTENT_TYPES[f][0] ?? '', ...acc },
              bulkBody(f, items, shape),
              { kind: 'bulk', mode, docs: items, format: f },
            ),
        ),
    ),
  },
  // Bulk flags and shapes that are not bulk requests.
  {
    weight: 2,
    arbitrary: fc
      .record({
        method: fc.constantFrom<Method>('POST', 'PUT'),
        flag: fc.constantFrom('bulk=2', 'bulk=', 'bulk', 'bulk=maybe', 'bulk=0', 'bulk=1&bulk=1', 'bulk[]=1', 'BULK=1', ''),
        body: fc.constantFrom(
          '[]',
          '{}',
          '[{}]',
          '[1,2]',
          '{"workers":{}}',
          '{"workers":[],"x":1}',
          '[[{"id":1}]]',
          JSON.stringify(Array.from({ length: 1001 }, () => ({}))),
          '<workers type="array"/>',
          '<workers><user/></workers>',
          '<worker><id>1</id></worker>',
        ),
        accept,
      })
      .map(({ method, flag, body, accept: acc }) => {
        const type = body.startsWith('<') ? 'application/xml' : 'application/json';
        const mode = method === 'POST' ? 'create' : 'update';
        const intent: Intent = /^bulk=(1|true|yes)$/.test(flag)
          ? { kind: 'bulk', mode, format: type === 'application/xml' ? 'xml' : 'json' }
          : mode === 'create'
            ? { kind: 'create', format: 'json' }
            : { kind: 'bulk', mode, format: 'json' };
        return new WorkerRequest(
          method,
          `${WORKER_PATH}${flag === '' ? '' : `?${flag}`}`,
          { 'content-type': type, ...acc },
          body,
          intent,
        );
      }),
  },
);

// ---------------------------------------------------------------------------------------------
// Class: hostile query strings on GET /api/workers (and the view parameters of a show)

/** Query paths to the elements of `def` and of what it reaches, `depth` associations deep (derived from the catalogue). */
function queryPaths(def: ResourceDef, depth: number): Array<{ path: readonly string[]; type: string }> {
  const out: Array<{ path: readonly string[]; type: string }> = [];
  for (const el of def.elements) {
    switch (el.kind) {
      case 'scalar':
        out.push({ path: [el.name], type: el.type });
        break;
      // Computed elements are not stored, so not queryable: any condition on one is refused.
      case 'computed':
        out.push({ path: [el.name], type: 'computed' });
        break;
      case 'composite':
        out.push({ path: [el.name], type: 'group' }, ...el.fields.map((f) => ({ path: [el.name, f.name], type: 'string' })));
        break;
      case 'secret':
        out.push({ path: [el.name], type: 'secret' });
        break;
      case 'reference':
      case 'collection':
      case 'children':
        out.push({ path: [el.name], type: 'association' });
        if (depth > 0) {
          for (const inner of queryPaths(resourceNamed(el.target), depth - 1))
            out.push({ path: [el.name, ...inner.path], type: inner.type });
        }
        break;
    }
  }
  return out;
}

const QUERY_PATHS = queryPaths(WORKERS, 2).map(({ path: [head = '', ...rest], type }) => ({
  path: `${head}${rest.map((p) => `[${p}]`).join('')}`,
  type,
}));

const OPERATORS = ['contains', 'starts_with', 'ends_with', 'gt', 'lt', 'gt_or_eq', 'lt_or_eq', 'not_eq', 'in', 'not_in', 'blank'];
const BAD_OPERATORS = ['bogus', 'eq', 'not-in', 'GT', 'like', '', 'in]', 'gt ', '__proto__', 'constructor'];

/** Values by type: what parses, what is on the edge, what does not. */
const QUERY_VALUES: Readonly<Record<string, readonly string[]>> = {
  string: ['', '%', '_', '\\', "'", '"', 'x'.repeat(300), '😀', 'a%b', 'Fz1', 'work', 'Java', 'US', 'Home', 'stage@coupa.com'],
  integer: ['1', '0', '-0', '+1', '007', '2147483647', '2147483648', '-2147483649', '9007199254740993', '1.5', 'x', ''],
  decimal: [
    '10',
    '10.0',
    '.5',
    '5.',
    '-0',
    '1e3',
    '123456789012345678901234567890',
    '0.000000000000000000000000000001',
    'NaN',
    '',
  ],
  date: ['2000-07-01', ...ODD_DATES, '2001-02-29T00:00:00Z'],
  datetime: ['2026-01-01', '2026-01-01T00:00:00Z', '9999-12-31T23:59:59+14:00', '0000-01-01', '2026-02-29', 'now', '1e10', ''],
  boolean: ['true', 'false', '1', '0', 'yes', 'maybe', ''],
};
const ANY_VALUES = Object.values(QUERY_VALUES).flat();

/** Which operators fit which types, restated from Coupa's docs (text operators on text, order on all but booleans, blank on all but dates). */
function fittingOperators(type: string): string[] {
  const ops = ['', '', 'not_eq', 'in', 'not_in'];
  if (['string', 'text', 'symbol'].includes(type)) ops.push('contains', 'starts_with', 'ends_with');
  if (type !== 'boolean') ops.push('gt', 'lt', 'gt_or_eq', 'lt_or_eq');
  if (type !== 'date' && type !== 'datetime') ops.push('blank');
  return ops;
}

const TYPED_PATHS = QUERY_PATHS.filter((p) => p.type in QUERY_VALUES);

/** A condition that parses: an operator that fits the element's type, values of that type (edge values included). */
const typedCondition: fc.Arbitrary<string> = fc
  .constantFrom(...TYPED_PATHS)
  .chain(({ path, type }) =>
    fc.tuple(
      fc.constant(path),
      fc.constantFrom(...fittingOperators(type)),
      fc.array(fc.constantFrom(...(QUERY_VALUES[type] ?? [''])), { minLength: 1, maxLength: 4 }),
    ),
  )
  .map(([path, op, vs]) => {
    const value =
      op === 'blank' ? (vs[0] === '' ? 'true' : 'false') : op === 'in' || op === 'not_in' ? vs.join(',') : (vs[0] ?? '');
    return `${pctName(op === '' ? path : `${path}[${op}]`)}=${pct(value)}`;
  });

/** A condition on any catalogue path (associations, groups and computed ones too), with any operator and value. */
const anyCondition: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...QUERY_PATHS),
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('', '', ...OPERATORS) },
      { weight: 1, arbitrary: fc.constantFrom(...BAD_OPERATORS) },
    ),
    fc.array(fc.constantFrom(...ANY_VALUES), { minLength: 1, maxLength: 4 }),
  )
  .map(([{ path }, op, vs]) => {
    const value = op === 'in' || op === 'not_in' ? vs.join(',') : (vs[0] ?? '');
    return `${pctName(op === '' ? path : `${path}[${op}]`)}=${pct(value)}`;
  });

const conditionParam: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: typedCondition },
  { weight: 1, arbitrary: anyCondition },
);

/** A query name with its brackets readable. */

const BROKEN_NAMES = [
  'worker-emails[email-address][bogus]',
  'worker-emails[]',
  'worker-emails[[email-address]]',
  'worker-emails[email-address',
  'worker-emails]email-address[',
  '[worker-emails]',
  'worker-emails[email-address][in][in]',
  'worker-emails[worker][worker-emails][worker][worker-emails][email-address]',
  'worker-emails[worker][worker-emails][worker][worker-emails][worker][id]',
  'worker-phone-numbers[phone-number]',
  'worker-phone-numbers[phone-number][bogus]',
  'worker-phone-numbers[phone-number][number][number]',
  'worker-documents[type][name][contains]',
  'worker-documents[created-by][roles][name]',
  'portal-access-info[login]',
  'created-by[password]',
  'created-by[roles][name][in]',
  'supplier_id',
  'supplier-id[gt]',
  'country-of-citizenship[code]',
  'nationality_id[blank]',
  'worker-emails_id',
  'gender',
  'gender[in]',
  'avatar',
  'bogus',
  'bogus[bogus]',
  'filter',
  ...PROTO_NAMES,
  ...PROTO_NAMES.map((p) => `worker-emails[${p}]`),
];

const FIELDS_JUNK = [
  '[',
  '[]',
  '{}',
  'null',
  '[1]',
  '["id","id"]',
  '["bogus"]',
  '["gender"]',
  '[{"worker-emails":["email-address"]}]',
  '[{"worker-emails":["bogus"]}]',
  '[{"worker-emails":[{"worker":["id"]}]}]',
  '[{"worker-phone-numbers":[{"phone-number":["number"]}]}]',
  '[{"supplier":["id","name"]},"worker-documents"]',
  '[{"__proto__":["id"]}]',
  `${'['.repeat(2000)}${']'.repeat(2000)}`,
];

const specialParam: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('limit', 'offset'),
      fc.constantFrom(
        '99999999999999999999',
        '2147483648',
        '9007199254740992',
        '-1',
        '-0',
        '1.5',
        '',
        '1e3',
        ' 5',
        'ten',
        '0',
        '50',
        '51',
      ),
    )
    .map(([k, v]) => `${k}=${pct(v)}`),
  fc.constantFrom(...QUERY_PATHS.map((p) => p.path), 'id;drop table workers', '').map((v) => `order_by=${pct(v)}`),
  fc.constantFrom('asc', 'desc', 'DESC', 'up', '').map((v) => `dir=${pct(v)}`),
  fc.constantFrom(...FIELDS_JUNK).map((v) => `fields=${pct(v)}`),
  fc.constantFrom('limited', 'shallow', 'none', 'full', '', 'LIMITED').map((v) => `return_object=${pct(v)}`),
);

const queryParams: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.array(
      fc.oneof(
        { weight: 6, arbitrary: conditionParam },
        {
          weight: 2,
          arbitrary: fc
            .tuple(fc.constantFrom(...BROKEN_NAMES), fc.constantFrom(...ANY_VALUES))
            .map(([n, v]) => `${pctName(n)}=${pct(v)}`),
        },
        { weight: 3, arbitrary: specialParam },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.constantFrom('id[in]', 'worker-emails[id][not_in]', 'supplier[name][in]'),
              fc.integer({ min: 900, max: 1100 }),
            )
            .map(([n, k]) => `${pctName(n)}=${Array.from({ length: k }, (_, i) => String(i + 1)).join(',')}`),
        },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    oneIn(8, fc.constant(true)),
  )
  .map(([ps, dup]) => (dup && ps[0] !== undefined ? [...ps, ps[0]] : ps));

export const hostileQueries: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(queryParams, accept)
      .map(([ps, acc]) => new WorkerRequest('GET', `${WORKER_PATH}?${ps.join('&')}`, acc, undefined, { kind: 'read' })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        workerId,
        fc.oneof(
          { weight: 3, arbitrary: specialParam.filter((p) => /^(fields|return_object)=/.test(p)).map((p) => [p]) },
          { weight: 1, arbitrary: queryParams },
        ),
        accept,
      )
      .map(([id, ps, acc]) => new WorkerRequest('GET', `${WORKER_PATH}/${id}?${ps.join('&')}`, acc, undefined, { kind: 'read' })),
  },
);

// ---------------------------------------------------------------------------------------------
// What every response must satisfy beyond fuzz-requests.ts's responseProblems

/** The format the server must answer in (src/http/format/negotiate.ts, restated): Accept, else the body's type, else XML. */
export function negotiatedFormat(req: FuzzRequest): Format {
  const acc = req.headers['accept'];
  if (acc === 'application/json') return 'json';
  if (acc === 'application/xml') return 'xml';
  return (req.headers['content-type'] ?? '').includes('json') ? 'json' : 'xml';
}

/** A worker route (where errors are keyed `worker`), rather than a path no route matches. */
const WORKER_ROUTE = /^\/api\/workers(?:\/[^/?#]+(?:\/(?:avatar|invite_worker))?)?$/;

/** An error answered in another format than negotiated, or keyed otherwise than `worker`. */
export function formatProblems(req: FuzzRequest, res: FuzzResponse): string[] {
  if (res.status < 400) return [];
  const want = negotiatedFormat(req) === 'json' ? JSON_TYPE : XML_TYPE;
  const problems: string[] = [];
  if (res.headers['content-type'] !== want) {
    problems.push(`error in ${String(res.headers['content-type'])}, but the request negotiates ${want}`);
  }
  // A method no route takes (DELETE /api/workers/1) is the app's route_not_found, keyed `base`.
  if (
    res.headers['content-type'] === JSON_TYPE &&
    WORKER_ROUTE.test(req.path) &&
    res.headers['x-roster-error-code'] !== 'route_not_found'
  ) {
    try {
      const body = JSON.parse(res.body) as { errors?: Record<string, unknown> };
      const keys = Object.keys(body.errors ?? {});
      if (keys.join() !== WORKERS.singular)
        problems.push(`JSON errors keyed ${JSON.stringify(keys)}, not ["${WORKERS.singular}"]`);
    } catch {
      // responseProblems reports a body that is not JSON.
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The oracle: what a successful write must read back

export type JsonWorker = Record<string, unknown> & { readonly id: number };
type JsonObject = Record<string, unknown>;

const isPlain = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A lone surrogate in a string sent as UTF-8 arrives as U+FFFD. */
const wellFormed = (s: string): string =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** What the XML parser makes of a text: line ends normalized, then trimmed. */
const xmlText = (s: string): string => wellFormed(s).replace(/\r\n?/g, '\n').trim();

/** A document as the server reads it from XML: text everywhere, lists for `type="array"`, repeated names as lists. */
function xmlSeen(v: Val): unknown {
  if (v === null) return null;
  if (v instanceof Raw) return xmlText(v.text);
  if (typeof v === 'string') return xmlText(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Obj) {
    if (v.entries.length === 0) return '';
    const out = new Map<string, unknown>();
    for (const [k, x] of v.entries) {
      const seen = xmlSeen(x);
      const prev = out.get(k);
      if (prev === undefined) out.set(k, seen);
      else out.set(k, prev instanceof RepeatedTag ? new RepeatedTag([...prev.items, seen]) : new RepeatedTag([prev, seen]));
    }
    return Object.fromEntries([...out].map(([k, x]) => [k, x instanceof RepeatedTag ? x.items : x]));
  }
  return v.map(xmlSeen);
}

class RepeatedTag {
  constructor(readonly items: unknown[]) {}
}

/** The document the server reads from a body of `format` holding `doc`. */
export function seenDocument(doc: Val, format: Format): unknown {
  return format === 'json' ? (JSON.parse(toJson(doc)) as unknown) : xmlSeen(doc);
}

/**
 * `12.345650` → `12.3457` at Coupa's default size (4 places, half away from zero), `12.35` at an
 * element's `decimal(19,2)`, printed as Rails' BigDecimal: `10.0`, `-0.5`; undefined when the
 * integer part has more digits than the size holds.
 */
export function expectedDecimal(text: string, { precision, scale }: DecimalSize = DEFAULT_DECIMAL): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const negative = m[1] === '-';
  const frac = (m[3] ?? '').padEnd(scale + 1, '0');
  let units = BigInt(`${m[2] || '0'}${frac.slice(0, scale)}`);
  if (Number(frac[scale]) >= 5) units += 1n;
  const digits = units.toString().padStart(scale + 1, '0');
  const int = scale === 0 ? digits : digits.slice(0, -scale);
  if (int.length > precision - scale) return undefined;
  const fraction = (scale === 0 ? '' : digits.slice(-scale)).replace(/0+$/, '') || '0';
  const body = `${int}.${fraction}`;
  return negative && body !== '0.0' ? `-${body}` : body;
}

/** The largest value a decimal element holds (`99….9999` at the default size). */
function largestDecimal(el: ScalarEl): string {
  const { precision, scale } = el.decimal ?? DEFAULT_DECIMAL;
  return `${'9'.repeat(precision - scale)}${scale > 0 ? `.${'9'.repeat(scale)}` : ''}`;
}

const TRUE = ['true', '1', 'yes', 'y', 't'];
const FALSE = ['false', '0', 'no', 'n', 'f'];

/** The value a scalar element of `type` (a decimal of `size`) reads back for `raw` (undefined: the oracle makes no claim). */
function expectedScalar(type: string, raw: unknown, size?: DecimalSize): { value: unknown } | undefined {
  if (raw === null || raw === undefined) return { value: null };
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return undefined;
  const text = String(raw);
  if (type === 'string' || type === 'text' || type === 'symbol') return { value: text };
  if (text.trim() === '' && typeof raw === 'string') return { value: null };
  switch (type) {
    case 'decimal': {
      const d = typeof raw === 'boolean' ? undefined : expectedDecimal(text, size);
      return d === undefined ? undefined : { value: d };
    }
    case 'date': {
      // A datetime reads back as its calendar date as written (Rails' to_date; catalog/values.ts).
      const t = text.trim();
      if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return { value: t };
      return /^\d{4}-\d{2}-\d{2}[T ]\d/i.test(t) ? { value: t.slice(0, 10) } : undefined;
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      return raw === true || TRUE.includes(t)
        ? { value: true }
        : raw === false || FALSE.includes(t)
          ? { value: false }
          : undefined;
    }
    case 'integer':
      return { value: Number(text) };
    default:
      return undefined;
  }
}

const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * An allowed value sent in another ASCII case reads back as the list spells it (`F` → `f`,
 * catalog/allowed.ts), unless the element is case-sensitive.
 */
function spelledAsAllowed(el: ScalarEl, want: { value: unknown } | undefined): { value: unknown } | undefined {
  if (!want || typeof want.value !== 'string' || !el.allowed || el.caseSensitive || el.allowed.includes(want.value)) return want;
  const folded = asciiLower(want.value);
  const matches = el.allowed.filter((a) => asciiLower(a) === folded);
  return matches.length === 1 ? { value: matches[0] } : want;
}

/** The element of `def` a document name means (dashed or underscored, or an alias). */
function elementNamed(def: ResourceDef, name: string): Element | undefined {
  const dashed = name.replaceAll('_', '-');
  return def.elements.find((e) => e.name === dashed || e.aliases?.includes(dashed)) ?? def.elements.find((e) => e.name === name);
}

/** Rails' list forms: a list, `{"worker-email": […]}` or `{"worker-email": {…}}`; undefined when it is none. */
function asList(raw: unknown): unknown[] | undefined {
  if (raw === null || raw === undefined || raw === '') return [];
  if (Array.isArray(raw)) return raw as unknown[];
  if (isPlain(raw)) {
    const values = Object.values(raw);
    const [only] = values;
    if (Array.isArray(only) && values.length === 1) return only as unknown[];
    if (isPlain(only) && values.length === 1) return [only];
  }
  return undefined;
}

const show = (v: unknown): string => truncate(v === undefined ? 'undefined' : JSON.stringify(v), 300);

/** A JSON or XML scalar as text; undefined for a list or an object. */
const scalarText = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** Elements every write may change without being sent. */
const STAMPS = new Set(['updated-at', 'updated-by']);

/** The document's writable elements, by element, the last spelling winning (as the server reads them in order). */
function sentElements(def: ResourceDef, doc: JsonObject): Map<Element, unknown> {
  const out = new Map<Element, unknown>();
  for (const [name, raw] of Object.entries(doc)) {
    const el = elementNamed(def, name);
    if (el?.in && el.kind !== 'computed') out.set(el, raw);
  }
  return out;
}

/** What is wrong with a reference `rendered` for what was sent (`raw`). */
function referenceProblem(el: ReferenceEl, raw: unknown, rendered: unknown): string | undefined {
  const key = resourceNamed(el.target).key;
  const got = isPlain(rendered) ? rendered : null;
  if (raw === null || raw === undefined || raw === '')
    return got === null ? undefined : `${el.name}: sent ${show(raw)}, reads ${show(rendered)}`;
  let want: { by: 'id'; id: number } | { by: 'key'; key: string } | undefined;
  if (typeof raw === 'number') want = { by: 'id', id: raw };
  else if (typeof raw === 'string') want = { by: 'key', key: raw };
  else if (isPlain(raw)) {
    const fields = new Map(Object.entries(raw).map(([k, v]) => [k.replaceAll('_', '-'), v]));
    const id = fields.get('id');
    const k = fields.get(key);
    if (id !== undefined && id !== null && id !== '') want = { by: 'id', id: Number(scalarText(id)?.trim()) };
    else if (typeof k === 'string' || typeof k === 'number') want = { by: 'key', key: String(k) };
  }
  if (!want) return undefined;
  // A key names its row in any ASCII case, as Coupa's collation matches it (src/query/caseless.ts).
  const fold = (v: unknown): unknown => (typeof v === 'string' ? v.replace(/[A-Z]/g, (c) => c.toLowerCase()) : v);
  const ok = want.by === 'id' ? got?.['id'] === want.id : fold(got?.[key]) === fold(want.key);
  return ok ? undefined : `${el.name}: sent ${show(raw)}, reads ${show(rendered)}`;
}

/** What is wrong with a composite (a phone number) rendered for what was sent. */
function compositeProblem(el: CompositeEl, raw: unknown, rendered: unknown): string | undefined {
  let want: Map<string, string | null> | undefined;
  if (raw === null || raw === '') want = new Map(el.fields.map((f) => [f.name, null]));
  else if (typeof raw === 'string' || typeof raw === 'number') {
    const text = String(raw).trim();
    // A number in international form is split by libphonenumber; the oracle does not restate it.
    if (text.startsWith('+')) return undefined;
    want = new Map(el.fields.map((f, i) => [f.name, i === 0 ? text : null]));
  } else if (isPlain(raw)) {
    const fields = new Map(Object.entries(raw).map(([k, v]) => [k.replaceAll('_', '-'), v]));
    want = new Map(
      el.fields.map((f) => {
        const v = fields.get(f.name);
        return [f.name, v === undefined || v === null || v === '' ? null : (scalarText(v) ?? null)];
      }),
    );
  }
  if (!want) return undefined;
  const allNull = [...want.values()].every((v) => v === null);
  if (allNull && rendered === null) return undefined;
  // Seed 004's sample shows a worker phone's missing extension as "", not null.
  if (want.get('extension') === null) want.set('extension', '');
  const got = isPlain(rendered) ? rendered : {};
  const ok = [...want].every(([part, v]) => (got[part] ?? null) === v);
  return ok ? undefined : `${el.name}: sent ${show(raw)}, reads ${show(rendered)}`;
}

/** What is wrong with one rendered element for the raw value sent. */
function valueProblem(el: Element, raw: unknown, rendered: unknown): string | undefined {
  switch (el.kind) {
    case 'scalar': {
      const want = spelledAsAllowed(el, expectedScalar(el.type, raw, el.decimal));
      if (!want || isDeepStrictEqual(want.value, rendered)) return undefined;
      return `${el.name}: sent ${show(raw)}, expected ${show(want.value)}, reads ${show(rendered)}`;
    }
    case 'reference':
      return el.out ? referenceProblem(el, raw, rendered) : undefined;
    case 'composite':
      return compositeProblem(el, raw, rendered);
    default:
      return undefined;
  }
}

/** What a child list must read back after the items were applied to `before`, Rails' nested-attributes way. */
function childrenProblems(el: ChildrenEl, raw: unknown, before: unknown, after: unknown): string[] {
  const def = childDef(el);
  const items = asList(raw);
  const was = Array.isArray(before) ? (before as JsonObject[]) : [];
  const now = Array.isArray(after) ? (after as JsonObject[]) : [];
  if (!items) return [`${el.name}: ${show(raw)} is no list, but the write succeeded`];
  const kept = new Map<unknown, { base: JsonObject; changes: JsonObject[] }>(was.map((c) => [c['id'], { base: c, changes: [] }]));
  const destroyed = new Set<unknown>();
  const added: JsonObject[] = [];
  const problems: string[] = [];
  for (const item of items) {
    if (!isPlain(item)) {
      problems.push(`${el.name}: item ${show(item)} is no object, but the write succeeded`);
      continue;
    }
    const { id: rawId, _destroy: rawDestroy, ...fields } = item;
    const id = rawId === undefined || rawId === null || rawId === '' ? undefined : Number(scalarText(rawId)?.trim());
    const destroy = expectedScalar('boolean', rawDestroy)?.value === true;
    if (destroy) {
      if (id !== undefined) {
        if (!kept.has(id) && !destroyed.has(id)) problems.push(`${el.name}: removed row ${id}, which the worker did not own`);
        kept.delete(id);
        destroyed.add(id);
      }
      continue;
    }
    if (id === undefined) added.push(fields);
    else if (kept.has(id)) kept.get(id)?.changes.push(fields);
    else if (!destroyed.has(id)) problems.push(`${el.name}: changed row ${id}, which the worker did not own`);
  }
  const byId = new Map(now.map((c) => [c['id'], c]));
  for (const [id, { base, changes }] of kept) {
    const got = byId.get(id);
    if (!got) {
      problems.push(`${el.name}: row ${String(id)} is gone, though no item removed it`);
      continue;
    }
    if (changes.length === 0) {
      if (!isDeepStrictEqual(got, base))
        problems.push(`${el.name}: row ${String(id)} changed unasked: ${show(base)} → ${show(got)}`);
      continue;
    }
    const sent = new Map<Element, unknown>();
    for (const c of changes) for (const [e, v] of sentElements(def, c)) sent.set(e, v);
    for (const e of def.elements) {
      if (!e.out || e.kind === 'computed') continue;
      const p = sent.has(e)
        ? valueProblem(e, sent.get(e), got[e.name])
        : STAMPS.has(e.name) || isDeepStrictEqual(got[e.name], base[e.name])
          ? undefined
          : `${el.name}[${String(id)}].${e.name} changed unasked: ${show(base[e.name])} → ${show(got[e.name])}`;
      if (p) problems.push(p.startsWith(el.name) ? p : `${el.name}[${String(id)}].${p}`);
    }
  }
  for (const id of destroyed) if (byId.has(id)) problems.push(`${el.name}: row ${String(id)} was removed but still reads back`);
  const fresh = now.filter((c) => !kept.has(c['id']) && !was.some((w) => w['id'] === c['id']));
  if (fresh.length !== added.length) {
    problems.push(`${el.name}: ${added.length} new items sent, ${fresh.length} new rows read back: ${show(fresh)}`);
    return problems;
  }
  fresh.forEach((got, i) => {
    const sent = sentElements(def, added[i] ?? {});
    for (const e of def.elements) {
      if (!e.out || e.kind === 'computed' || (e.kind === 'scalar' && e.auto !== undefined)) continue;
      const p = sent.has(e)
        ? valueProblem(e, sent.get(e), got[e.name])
        : e.kind === 'scalar' && e.default !== undefined
          ? got[e.name] === e.default
            ? undefined
            : `${e.name}: default ${show(e.default)}, reads ${show(got[e.name])}`
          : got[e.name] === null || (e.kind === 'reference' && e.auto !== undefined)
            ? undefined
            : `${e.name}: not sent, reads ${show(got[e.name])}`;
      if (p) problems.push(`${el.name}[new ${i + 1}].${p}`);
    }
  });
  return problems;
}

/**
 * Everything a worker read back after a successful write of `doc` (as the server read it) gets
 * wrong: each element sent reads back what was sent (strings as sent, decimals rounded to 4
 * places, references naming the row sent, child lists with items added, changed and removed);
 * every element not sent (read-only ones included) is unchanged (`before`; defaults on a create).
 */
export function readbackProblems(doc: unknown, before: JsonWorker | undefined, after: JsonWorker): string[] {
  const problems: string[] = [];
  const unwrapped = isPlain(doc) && Object.keys(doc).length === 1 && isPlain(doc[WORKERS.singular]) ? doc[WORKERS.singular] : doc;
  if (!isPlain(unwrapped)) return [`the write of ${show(doc)} succeeded though it is no object`];
  const sent = sentElements(WORKERS, unwrapped);
  for (const el of WORKERS.elements) {
    if (!el.out) continue;
    const got = after[el.name];
    if (el.kind === 'computed') {
      // A computed element follows the elements it is computed from (gender from gender-code).
      const want = el.compute(new Map(el.from.map((n) => [n, (after[n] ?? null) as string | number | boolean | null])));
      if (!isDeepStrictEqual(got, want)) problems.push(`${el.name} reads ${show(got)}, but its sources give ${show(want)}`);
      continue;
    }
    if (el.kind === 'children') {
      if (sent.has(el)) problems.push(...childrenProblems(el, sent.get(el), before?.[el.name], got));
      else if (before && !isDeepStrictEqual(got, before[el.name]))
        problems.push(`${el.name} changed unasked: ${show(before[el.name])} → ${show(got)}`);
      else if (!before && !isDeepStrictEqual(got, [])) problems.push(`${el.name}: not sent on a create, reads ${show(got)}`);
      continue;
    }
    if (sent.has(el)) {
      const p = valueProblem(el, sent.get(el), got);
      if (p) problems.push(p);
    } else if (before) {
      if (!STAMPS.has(el.name) && !isDeepStrictEqual(got, before[el.name])) {
        problems.push(`${el.name} changed unasked: ${show(before[el.name])} → ${show(got)}`);
      }
    } else if (el.in && got !== null) {
      problems.push(`${el.name}: not sent on a create, reads ${show(got)}`);
    }
  }
  return problems;
}

/** The results of a bulk answer, in order: status and the id it names (JSON or XML). */
export function bulkResults(res: FuzzResponse): Array<{ ok: boolean; id: number | null }> {
  if (res.headers['content-type'] === JSON_TYPE) {
    const list = JSON.parse(res.body) as Array<{ status: string; 'unique-keys': { id: number | null } }>;
    return list.map((r) => ({ ok: r.status === 'SUCCESS', id: r['unique-keys'].id }));
  }
  return [...res.body.matchAll(/<result>([\s\S]*?)<\/result>/g)].map(([, inner = '']) => {
    const id = /<id type="integer">(\d+)<\/id>/.exec(inner)?.[1];
    return { ok: inner.includes('<status>SUCCESS</status>'), id: id === undefined ? null : Number(id) };
  });
}
