import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG, type ErrorCode } from '../src/domain/errors.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { DIALECTS, type TestDialect } from './helpers/dialects.js';
import { captureServerErrors, envInteger, FUZZ_PATH, FUZZ_RUNS, FUZZ_SEED, truncate } from './helpers/fuzz-requests.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

/**
 * A fuzz suite for the CSO API's writes (seed 001), in the style of test/fuzz.test.ts: hostile
 * `POST /cso/api/users`, `PUT /cso/api/users` and `PUT /cso/api/users/:id` requests (wrong
 * types, unknown and prototype keys, huge strings, nested junk, odd ids, control characters and
 * lone surrogates, duplicate names, bodies that are not JSON objects, wrong content types).
 * Whatever the request:
 *   - no 5xx, and nothing logged as a server error;
 *   - the answer is one of the documented shapes: the lenient create answer (201, or 400 when
 *     every item failed), the lenient update answer (200, or 400), the single update's answer,
 *     or a CSO error `{"result":[{"type":"api.error.<code>",…}]}` (XML `<errors>` when asked)
 *     whose status is its code's and whose code is in `x-roster-error-code`; counts and
 *     descriptions agree, every item is either counted written or named in `errors`;
 *   - the users table changes exactly as the answer says: a create adds exactly the ids it
 *     answers (each with the name its item sent), an update changes only rows it says it
 *     updated, a refused request changes nothing; and over the whole run, the rows added equal
 *     the sum of `added`.
 *
 * Environment (as test/fuzz.test.ts): FUZZ_SEED, FUZZ_PATH (with FUZZ_SEED and -t), FUZZ_RUNS;
 * FUZZ_CSO_MS bounds each database's run (default 12000 ms), shrinking included.
 */

const SEED = FUZZ_SEED;
const PATH = FUZZ_PATH;
const RUNS = FUZZ_RUNS;
const TIME_LIMIT_MS = envInteger('FUZZ_CSO_MS') ?? 12_000;
const DEFAULT_RUNS: Record<TestDialect['name'], number> = { sqlite: 800, postgres: 400 };

const CSO_KEY = 'cso-fuzz-key-0123456789';
const JSON_TYPE = 'application/json; charset=utf-8';
const XML_TYPE = 'application/xml; charset=utf-8';

console.log(`cso fuzz: seed ${SEED}${PATH ? `, path ${PATH}` : ''} (replay with FUZZ_SEED=${SEED})`);

// --- Requests -----------------------------------------------------------------------------------

/** A JSON number written as its digits, as a client's serializer would (past 2^53 JSON.stringify cannot). */
class RawNumber {
  constructor(readonly text: string) {}
}

/** JSON text of a generated value; RawNumber as its digits, so ids past 2^53 reach the server as sent. */
function toJson(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  // undefined, functions and symbols have no JSON text: null, as a serializer writes them in a list.
  const text = JSON.stringify(value) as string | undefined;
  return text ?? 'null';
}

/** Reads a generated value back as the server's JSON parser will (for the oracle). */
const asParsed = (value: unknown): unknown => JSON.parse(toJson(value)) as unknown;

interface CsoRequest {
  readonly method: 'POST' | 'PUT';
  /** Under `/cso`. */
  readonly url: string;
  readonly headers: Record<string, string>;
  /** The JSON text, or raw text that is not JSON. */
  readonly body: string;
  /** The body's value when it is JSON (undefined for raw text). */
  readonly value: unknown;
  readonly kind: 'create' | 'bulk-update' | 'update-one';
  /** The path id of `update-one`, as sent. */
  readonly pathId?: string;
}

/** Ids of the rows the seed creates (the tables start at FIRST_BIGINT_ID on a fresh database). */
const SEEDED_USERS = ['9220600000000000001', '9220600000000000002', '9220600000000000003', '9220600000000000004'];
const COMPANIES = ['9220600000000000001', '9220600000000000002'];

const ODD_IDS: readonly unknown[] = [
  '9220600000000000007',
  '9220600000000000099',
  '9223372036854775807',
  '9223372036854775808',
  '99999999999999999999999',
  '0',
  '-1',
  '+9220600000000000001',
  ' 9220600000000000001',
  '09220600000000000001',
  '1e3',
  '0x10',
  '',
  'abc',
  new RawNumber('9220600000000000001'),
  new RawNumber('9223372036854775808'),
  new RawNumber('1e400'),
  new RawNumber('-0'),
  12,
  1.5,
  -3,
  true,
  null,
  [],
  {},
  ['9220600000000000001'],
  { id: '9220600000000000001' },
];

const anyId: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...SEEDED_USERS) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_IDS) },
  { weight: 1, arbitrary: fc.bigInt({ min: 9220600000000000001n, max: 9220600000000000040n }).map((n) => String(n)) },
);

const CONTROL = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udfff',
  '\u202e',
];

const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.tuple(fc.string({ maxLength: 4 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 4 })).map(([a, c, b]) => a + c + b),
  fc.constantFrom(
    '',
    ' ',
    '\t',
    'null',
    'true',
    '0',
    '<x/>',
    "'; drop table cso_users; --",
    '%',
    '_',
    '\\',
    '"',
    '名前',
    '🙂',
    'e\u0301',
  ),
  fc.integer({ min: 200, max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 250, max: 260 }).map((n) => 'é'.repeat(n)),
);

/** Nested junk: arrays and objects of anything, a few levels deep. */
const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    oddString,
    fc.constantFrom(new RawNumber('1e999'), new RawNumber('123456789012345678901234567890'), new RawNumber('-0.0')),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(oddString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const NAME_POOL = ['u0', 'u1', 'U1', 'dup', 'Dup', 'dup ', 'dupe', 'zed'];
const aName: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAME_POOL) },
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 10 }).map((s) => `n-${s}`) },
  { weight: 2, arbitrary: oddString },
  { weight: 1, arbitrary: junk },
);

const STATES = ['Active', 'Blocked', 'Disabled', 'Removed', 'active', 'ACTIVE', 'Inactive', ''];
const TEXT_ELEMENTS = [
  'first-name',
  'last-name',
  'phone-number',
  'mobile-number',
  'email',
  'street',
  'zip-code',
  'city',
  'country',
  'keywords',
  'external-user-name',
];
const FLAGS = ['accepts-agreement', 'provide-information', 'change-password', 'invoicing_user', 'invoicing-user'];
const ODD_KEYS = [
  'bogus',
  'company',
  'Company-Id',
  'company_id',
  'first_name',
  'users',
  'total',
  'result',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'id ',
  '',
  'na\u0000me',
  'státe',
];

/** One element and a value for it: mostly its own type, often not. */
const field: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constant('name'), aName),
  fc.tuple(fc.constant('state'), fc.oneof(fc.constantFrom<unknown>(...STATES), junk)),
  fc.tuple(fc.constantFrom(...TEXT_ELEMENTS), fc.oneof(oddString, junk)),
  fc.tuple(
    fc.constantFrom(...FLAGS),
    fc.oneof(fc.constantFrom<unknown>(true, false, 'true', 'false', 1, 0, 'yes', null, ''), junk),
  ),
  fc.tuple(
    fc.constant('company-id'),
    fc.oneof(
      fc.constantFrom<unknown>(...COMPANIES),
      fc.constantFrom(...ODD_IDS),
      junk,
      fc.constant(new RawNumber(COMPANIES[0] ?? '')),
    ),
  ),
  fc.tuple(fc.constant('id'), anyId),
  fc.tuple(fc.constantFrom(...ODD_KEYS), junk),
  fc.tuple(oddString, junk),
);

/** An object built key by key (`__proto__` as an own key, as JSON.parse makes it). */
function objectOf(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** A plausible item: valid values (a fresh or pooled name, a known company), so that writes succeed and collide. */
const plausible = (forUpdate: boolean): fc.Arbitrary<unknown> =>
  fc
    .record(
      {
        name: fc.oneof(
          fc.constantFrom(...NAME_POOL),
          fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map((s) => `p-${s}`),
        ),
        state: fc.constantFrom('Active', 'Blocked', 'Disabled', 'Removed'),
        'first-name': fc.string({ maxLength: 20 }),
        email: fc.emailAddress(),
        'company-id': fc.constantFrom(...COMPANIES),
        'accepts-agreement': fc.boolean(),
        invoicing_user: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .chain((record) =>
      forUpdate
        ? fc
            .tuple(anyId, fc.option(field, { freq: 3 }))
            .map(([id, extra]) =>
              objectOf([['id', id], ...Object.entries(record).filter(([k]) => k !== 'name'), ...(extra ? [extra] : [])]),
            )
        : fc.option(field, { freq: 3 }).map((extra) => objectOf([...Object.entries(record), ...(extra ? [extra] : [])])),
    );

/** A user item: usually an object of a few fields (a name most of the time), sometimes not an object at all. */
const item = (forUpdate: boolean): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: plausible(forUpdate) },
    {
      weight: 8,
      arbitrary: fc
        .tuple(forUpdate ? fc.option(anyId, { freq: 6 }) : fc.option(aName, { freq: 6 }), fc.array(field, { maxLength: 5 }))
        .map(([head, rest]) => objectOf([...(head === null ? [] : [[forUpdate ? 'id' : 'name', head] as const]), ...rest])),
    },
    { weight: 1, arbitrary: junk },
  );

const items = (forUpdate: boolean) => fc.array(item(forUpdate), { minLength: 0, maxLength: 6 });

/** What is sent as the body: the documented list, a bare object, or something the server must refuse whole. */
const bodyValue = (kind: CsoRequest['kind']): fc.Arbitrary<unknown> => {
  const forUpdate = kind !== 'create';
  // PUT /api/users/:id takes one object (or a list of one): mostly that.
  const [listed, bare] = kind === 'update-one' ? [2, 7] : [6, 3];
  return fc.oneof(
    { weight: listed, arbitrary: items(forUpdate).map((list) => ({ users: list })) },
    { weight: bare, arbitrary: item(forUpdate) },
    {
      weight: 1,
      arbitrary: fc.tuple(items(forUpdate), fc.constantFrom(...ODD_KEYS, 'companies'), junk).map(([list, k, v]) =>
        objectOf([
          ['users', list],
          [k, v],
        ]),
      ),
    },
    { weight: 1, arbitrary: junk.map((v) => ({ users: v })) },
    { weight: 1, arbitrary: junk },
  );
};

const RAW_BODIES = [
  '',
  '{',
  '{"users": [',
  '{"users": [{"name": "a",}]}',
  "{'users': []}",
  '{"users": [{"name": "a"}]}}',
  '\u0000',
  'null',
  '<users><user><name>x</name></user></users>',
  '{"name": "a"} {"name": "b"}',
  '{"name": "\\ud800"}',
  '{"__proto__": {"name": "p"}}',
  '{"constructor": {"prototype": {"x": 1}}}',
  '[' + '['.repeat(2000) + ']'.repeat(2000) + ']',
  '{"users":' + '['.repeat(500) + ']'.repeat(500) + '}',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/xml',
  'text/plain',
  'application/x-www-form-urlencoded',
];

/** A raw body's JSON value, when it is JSON. */
function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const request: fc.Arbitrary<CsoRequest> = fc
  .tuple(
    fc.constantFrom<CsoRequest['kind']>('create', 'bulk-update', 'update-one'),
    fc.oneof(
      { weight: 9, arbitrary: fc.constant<'json' | 'raw'>('json') },
      { weight: 1, arbitrary: fc.constant<'json' | 'raw'>('raw') },
    ),
    fc.boolean(),
    fc.boolean(),
    fc.oneof(
      { weight: 19, arbitrary: fc.constant('application/json') },
      { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    ),
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...SEEDED_USERS) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('9220600000000000099', '9223372036854775808', '0', 'abc', '1', '%39220600000000000001'),
      },
    ),
    fc.constantFrom(...RAW_BODIES),
  )
  .chain(([kind, form, xml, withId, contentType, pathId, raw]) =>
    (form === 'raw' ? fc.constant<unknown>(undefined) : bodyValue(kind)).map((value): CsoRequest => {
      // A single update's body, as a GET answer sent back, sometimes names its own id.
      const v =
        kind === 'update-one' &&
        withId &&
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        !('users' in value)
          ? { ...value, id: pathId }
          : value;
      return {
        method: kind === 'create' ? 'POST' : 'PUT',
        url: kind === 'update-one' ? `/cso/api/users/${pathId}` : '/cso/api/users',
        headers: { 'x-cso-api-key': CSO_KEY, 'content-type': contentType, ...(xml ? { accept: 'application/xml' } : {}) },
        body: form === 'raw' ? raw : toJson(v),
        value: form === 'raw' ? parsedOrUndefined(raw) : v,
        kind,
        ...(kind === 'update-one' ? { pathId } : {}),
      };
    }),
  );

// --- The oracle -----------------------------------------------------------------------------------

type Json = Record<string, unknown>;
/** Rows of cso_users by id (read as text), each as a JSON text of its columns. */
type Snapshot = Map<string, { readonly name: string; readonly row: string }>;

async function snapshot(t: TestApp): Promise<Snapshot> {
  const { rows } = await sql<Record<string, unknown>>`select cast(id as text) as id_text, cso_users.* from cso_users`.execute(
    t.store.db,
  );
  return new Map(
    rows.map((r) => {
      const rest = { ...r };
      delete rest['id'];
      delete rest['id_text'];
      return [String(r['id_text']), { name: String(r['name']), row: JSON.stringify(rest) }];
    }),
  );
}

/** An id as the database holds it: digits without leading zeros (anything else as it is). */
const canonicalId = (text: string): string => (/^\d+$/.test(text) ? BigInt(text).toString() : text);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const CODE = /^[a-z_]+$/;

/** The items the server reads from a JSON body (readCsoItems), or undefined when it refuses the body whole. */
function itemsOf(value: unknown): unknown[] | undefined {
  if (!isObject(value)) return undefined;
  if (!Object.hasOwn(value, 'users')) return [value];
  const list = value['users'];
  // Beside the list only an index answer's `total` may come (posted back, doc 0462).
  const others = Object.keys(value).filter((k) => k !== 'users' && k !== 'total');
  if (!Array.isArray(list) || list.length === 0 || others.length > 0) return undefined;
  return list as unknown[];
}

/** Problems with a CSO error document: `{"result":[{"type":"api.error.<code>","description":…}]}` or its XML form. */
function errorDocProblems(res: LightMyRequestResponse, xml: boolean): string[] {
  const code = res.headers['x-roster-error-code'];
  if (typeof code !== 'string' || !(code in ERROR_CATALOG)) return [`x-roster-error-code is ${String(code)}`];
  const problems: string[] = [];
  if (ERROR_CATALOG[code as ErrorCode].status !== res.statusCode) problems.push(`status ${res.statusCode} is not ${code}'s`);
  if (xml) {
    if (res.headers['content-type'] !== XML_TYPE) problems.push(`content-type ${String(res.headers['content-type'])}, XML asked`);
    if (!/^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<errors>(\s*<error>[\s\S]*?<\/error>)+\s*<\/errors>\s*$/.test(res.body)) {
      problems.push('not an <errors> document');
    }
    return problems;
  }
  if (res.headers['content-type'] !== JSON_TYPE) problems.push(`content-type ${String(res.headers['content-type'])}`);
  const body = JSON.parse(res.body) as unknown;
  const result = isObject(body) ? body['result'] : undefined;
  if (!isObject(body) || Object.keys(body).join() !== 'result' || !Array.isArray(result) || result.length === 0) {
    return [...problems, 'not {"result":[…]}'];
  }
  for (const r of result as unknown[]) {
    if (!isObject(r) || Object.keys(r).join() !== 'type,description' || r['type'] !== `api.error.${code}`) {
      problems.push(`result entry ${JSON.stringify(r)}`);
    } else if (typeof r['description'] !== 'string' || r['description'] === '') problems.push('empty description');
  }
  return problems;
}

interface WriteAnswer {
  readonly written: number;
  /** Indexes of refused items. */
  readonly refused: ReadonlySet<number>;
  /** Created ids, in order (creates). */
  readonly ids: readonly string[];
}

/** Problems with a lenient write answer (seed 001's shapes, refusals added); the answer read when it is one. */
function writeAnswerProblems(
  res: LightMyRequestResponse,
  mode: 'create' | 'update',
  n: number | undefined,
): { problems: string[]; answer?: WriteAnswer } {
  const [verb, done, past] = mode === 'create' ? ['post', 'added', 'created'] : ['put', 'updated', 'updated'];
  const problems: string[] = [];
  if (res.headers['content-type'] !== JSON_TYPE) problems.push(`content-type ${String(res.headers['content-type'])}`);
  const body = JSON.parse(res.body) as Json;
  const written = body[done];
  const failed = body['failed'] ?? 0;
  if (typeof written !== 'number' || typeof failed !== 'number')
    return { problems: [...problems, `counts ${JSON.stringify(written)}/${JSON.stringify(failed)}`] };
  const keys = ['result', done, ...(mode === 'create' ? ['users'] : []), ...(failed > 0 ? ['failed', 'errors'] : [])];
  if (Object.keys(body).join() !== keys.join()) problems.push(`keys ${Object.keys(body).join()} (expected ${keys.join()})`);
  const result = [
    { type: `api.${verb}.${done}`, description: `${written} objects ${past}.` },
    ...(failed > 0 ? [{ type: `api.${verb}.failed`, description: `${failed} objects failed.` }] : []),
  ];
  if (JSON.stringify(body['result']) !== JSON.stringify(result)) problems.push(`result ${JSON.stringify(body['result'])}`);
  const status = written === 0 ? 400 : mode === 'create' ? 201 : 200;
  if (res.statusCode !== status) problems.push(`status ${res.statusCode}, expected ${status}`);
  if (n !== undefined && written + failed !== n) problems.push(`${written} + ${failed} items answered, ${n} sent`);
  const ids: string[] = [];
  if (mode === 'create') {
    const users = body['users'];
    if (!Array.isArray(users) || users.length !== written) problems.push(`users ${JSON.stringify(users)}`);
    for (const u of (users ?? []) as unknown[]) {
      if (!isObject(u) || Object.keys(u).join() !== 'id' || typeof u['id'] !== 'string' || !/^\d{19}$/.test(u['id'])) {
        problems.push(`created entry ${JSON.stringify(u)}`);
      } else ids.push(u['id']);
    }
  }
  const refused = new Set<number>();
  const errors = (body['errors'] ?? []) as unknown[];
  if (!Array.isArray(errors) || errors.length !== failed) problems.push(`errors ${JSON.stringify(errors)} for failed ${failed}`);
  let last = -1;
  for (const e of errors) {
    const keyName = mode === 'create' ? 'name' : 'id';
    const allowed = ['index', keyName, 'type', 'description'];
    if (
      !isObject(e) ||
      typeof e['index'] !== 'number' ||
      e['index'] <= last ||
      (n !== undefined && e['index'] >= n) ||
      !Object.keys(e).every((k) => allowed.includes(k)) ||
      Object.keys(e).join() !== allowed.filter((k) => k in e).join() ||
      (keyName in e && typeof e[keyName] !== 'string') ||
      typeof e['type'] !== 'string' ||
      !e['type'].startsWith('api.error.') ||
      !CODE.test(e['type'].slice('api.error.'.length)) ||
      !(e['type'].slice('api.error.'.length) in ERROR_CATALOG) ||
      typeof e['description'] !== 'string' ||
      e['description'] === ''
    ) {
      problems.push(`error entry ${JSON.stringify(e)}`);
      continue;
    }
    last = e['index'];
    refused.add(e['index']);
  }
  const code = res.headers['x-roster-error-code'];
  if (written === 0) {
    const first = errors[0];
    const expected = isObject(first) && typeof first['type'] === 'string' ? first['type'].slice('api.error.'.length) : undefined;
    if (code !== expected) problems.push(`x-roster-error-code ${String(code)}, first error ${String(expected)}`);
  } else if (code !== undefined) problems.push(`x-roster-error-code ${String(code)} on a success`);
  return { problems, answer: { written, refused, ids } };
}

/** Everything wrong with the answer to `req` and the change it made to the table. */
function check(
  req: CsoRequest,
  res: LightMyRequestResponse,
  before: Snapshot,
  after: Snapshot,
): { problems: string[]; added: number } {
  const problems: string[] = [];
  if (res.statusCode >= 500) problems.push(`status ${res.statusCode}`);
  const created = [...after.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const changed = [...after.keys()].filter((id) => before.has(id) && before.get(id)?.row !== after.get(id)?.row);
  if (removed.length > 0) problems.push(`rows removed: ${removed.join(', ')}`);
  const unchanged = () => {
    if (created.length + changed.length > 0)
      problems.push(`rows written by a refused request: ${[...created, ...changed].join(', ')}`);
  };
  const xml = req.headers['accept'] === 'application/xml';
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body) as unknown;
  } catch {
    parsed = undefined;
  }
  const lenient =
    isObject(parsed) &&
    Array.isArray(parsed['result']) &&
    isObject(parsed['result'][0]) &&
    /^api\.(post|put)\.(added|updated)$/.test(String(parsed['result'][0]['type']));
  const items = req.value === undefined ? undefined : itemsOf(asParsed(req.value));

  if (req.kind === 'update-one') {
    if (res.statusCode === 200) {
      if (res.body !== JSON.stringify({ result: [{ type: 'api.put.updated', description: '1 objects updated.' }], updated: 1 })) {
        problems.push('not the single update answer');
      }
      if (created.length > 0 || changed.some((id) => id !== canonicalId(decodeURIComponent(req.pathId ?? ''))))
        problems.push(`rows other than ${String(req.pathId)} written: ${[...created, ...changed].join(', ')}`);
    } else {
      problems.push(...errorDocProblems(res, xml));
      unchanged();
    }
    return { problems, added: 0 };
  }
  if (!lenient) {
    problems.push(...errorDocProblems(res, xml));
    if (res.statusCode < 400) problems.push(`status ${res.statusCode} with an error document`);
    unchanged();
    return { problems, added: 0 };
  }
  const mode = req.kind === 'create' ? 'create' : 'update';
  const { problems: shape, answer } = writeAnswerProblems(res, mode, items?.length);
  problems.push(...shape);
  if (!answer) return { problems, added: 0 };
  if (items === undefined) problems.push('a lenient answer to a body the server should refuse whole');
  const accepted = (items ?? []).flatMap((it, i) => (answer.refused.has(i) ? [] : [it]));
  if (mode === 'create') {
    // Exactly the ids answered were added, in increasing order, each holding its item's name.
    if (changed.length > 0) problems.push(`a create changed existing rows: ${changed.join(', ')}`);
    const sorted = [...created].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    if (sorted.join() !== answer.ids.join()) problems.push(`rows added ${sorted.join(', ')}, answered ${answer.ids.join(', ')}`);
    answer.ids.forEach((id, i) => {
      const sent = isObject(accepted[i]) ? accepted[i]['name'] : undefined;
      const stored = after.get(id)?.name;
      if (typeof sent === 'string' && stored !== sent.trim() && stored !== sent) {
        problems.push(`row ${id} holds name ${JSON.stringify(stored)}, its item sent ${JSON.stringify(sent)}`);
      }
    });
    return { problems, added: answer.ids.length };
  }
  // An update adds nothing and changes only rows an accepted item named.
  if (created.length > 0) problems.push(`an update added rows: ${created.join(', ')}`);
  const named = new Set(
    accepted.flatMap((it) =>
      isObject(it) && (typeof it['id'] === 'string' || typeof it['id'] === 'number') ? [canonicalId(String(it['id']))] : [],
    ),
  );
  const stray = changed.filter((id) => !named.has(id));
  if (stray.length > 0) problems.push(`rows changed that no accepted item names: ${stray.join(', ')}`);
  if (accepted.length !== answer.written) problems.push(`${accepted.length} items accepted, ${answer.written} counted`);
  return { problems, added: 0 };
}

// --- The suite ------------------------------------------------------------------------------------

for (const dialect of DIALECTS) {
  describe(`CSO fuzz on ${dialect.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(dialect);
      await new ApiKeyRepository(t.store).add(CSO_KEY, 'CSO fuzz', null, null, 'cso');
      const seed = async (url: string, body: unknown, n: number) => {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { 'x-cso-api-key': CSO_KEY, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect([res.statusCode, (JSON.parse(res.body) as Json)['added']], res.body).toEqual([201, n]);
      };
      await seed('/cso/api/companies', { companies: [{ name: 'Acme' }, { name: 'Beta', state: 'Removed' }] }, 2);
      await seed(
        '/cso/api/users',
        {
          users: [
            { name: 'u0', 'company-id': COMPANIES[0] },
            { name: 'u1' },
            { name: 'dup', state: 'Blocked' },
            { name: 'zed', email: 'z@x.test' },
          ],
        },
        4,
      );
    });
    afterAll(async () => {
      await t.close();
    });

    it(
      'POST and PUT /cso/api/users: no 5xx, documented shapes, the table changed exactly as answered',
      { timeout: 120_000 },
      async () => {
        const started = Date.now();
        const logged = captureServerErrors(t);
        const initial = await snapshot(t);
        expect([...initial.keys()].sort()).toEqual(SEEDED_USERS);
        let addedTotal = 0;
        let requests = 0;
        const statuses = new Map<string, number>();
        try {
          await fc.assert(
            fc.asyncProperty(request, async (req) => {
              requests++;
              const before = await snapshot(t);
              logged.take();
              const res = await t.app.inject({ method: req.method, url: req.url, headers: req.headers, payload: req.body });
              const after = await snapshot(t);
              const { problems, added } = check(req, res, before, after);
              addedTotal += added;
              const key = `${req.kind} ${res.statusCode} ${String(res.headers['x-roster-error-code'] ?? '')}`.trim();
              statuses.set(key, (statuses.get(key) ?? 0) + 1);
              const serverLog = logged.take();
              if (serverLog.length > 0)
                problems.push(`server errors logged:\n  ${serverLog.map((l) => truncate(l, 600)).join('\n  ')}`);
              if (problems.length > 0) {
                throw new Error(
                  `${problems.join('\n')}\nrequest: ${req.method} ${req.url} ${JSON.stringify(req.headers)}\n  ${truncate(req.body, 1500)}\nresponse: ${res.statusCode} ${String(res.headers['x-roster-error-code'] ?? '')}\n  ${truncate(res.body, 1500)}`,
                );
              }
            }),
            {
              seed: SEED,
              numRuns: RUNS ?? DEFAULT_RUNS[dialect.name],
              interruptAfterTimeLimit: TIME_LIMIT_MS,
              includeErrorInReport: true,
              ...(PATH === undefined ? {} : { path: PATH }),
            },
          );
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const path = /path: "([^"]*)"/.exec(message)?.[1] ?? '';
          throw new Error(
            `CSO fuzz on ${dialect.name} failed; replay with\n  FUZZ_SEED=${SEED} FUZZ_PATH=${path} npx vitest run test/cso-fuzz.test.ts -t '${dialect.name}'\n${message}`,
          );
        } finally {
          logged.restore();
          const histogram = [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}×${n}`);
          console.log(
            `cso fuzz on ${dialect.name}: ${requests} requests in ${Date.now() - started} ms (seed ${SEED})\n  ${histogram.join(', ')}`,
          );
        }
        // Over the whole run: the rows added are the sum of what the answers said they added.
        const final = await snapshot(t);
        expect(final.size - initial.size).toBe(addedTotal);
        expect([...initial.keys()].every((id) => final.has(id))).toBe(true);
        // And the index agrees with the table.
        const index = await t.app.inject({ method: 'GET', url: '/cso/api/users?limit=0', headers: { 'x-cso-api-key': CSO_KEY } });
        expect(JSON.parse(index.body)).toEqual({ total: final.size, users: [] });
        // Enough of the run wrote something for the property to mean something.
        expect(requests).toBeGreaterThan(20);
        expect(addedTotal).toBeGreaterThan(0);
      },
    );
  });
}
