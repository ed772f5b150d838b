import type { TestApp } from './test-app.js';
import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { indexCatalog } from '../../src/catalog/lookup.js';
import { resourceNamed } from '../../src/catalog/registry.js';
import type { Element } from '../../src/catalog/types.js';
import { ERROR_CATALOG } from '../../src/domain/errors.js';
import { isWellFormedXml, JSON_TYPE, XML_TYPE } from './api.js';
import { makeGif, makeJpeg, makePng } from './images.js';

/**
 * Hostile HTTP requests for test/fuzz.test.ts, as fast-check arbitraries, and the checks every
 * response must pass whatever the request: no 5xx, a Coupa-shaped error (or RFC 6749's on the
 * token endpoint) with its `x-roster-error-code`, and the statuses a request allows.
 */

// ---------------------------------------------------------------------------------------------
// Requests and responses

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** Send the test API key (the default); `false` sends the headers as they are. */
  readonly credentials?: boolean;
  /** The only statuses the request may get; any status under 500 when absent. */
  readonly allowed?: readonly number[];
  /** The only `x-roster-error-code`s an error may carry; any catalogued one when absent. */
  readonly codes?: readonly string[];
  /** The format an error must come in, when the request decides it (its `Accept`). */
  readonly format?: Format;
  /** Over a real socket: send the body chunked rather than with a content-length. */
  readonly chunked?: boolean;
  /**
   * Over a real socket: these exact bytes, not a request built from the fields (which then only
   * describe it), for a request Node's HTTP parser refuses; the answer must close the connection.
   */
  readonly raw?: Buffer;
  /** Values no log line may hold: the credentials the request carries. */
  readonly secrets?: readonly string[];
  /** API keys the store must know before the request is sent, so that a generated key is a valid one. */
  readonly apiKeys?: readonly string[];
  /** What is wrong with the request on purpose, for the report (`cut after 12 of the file's 74 bytes`). */
  readonly note?: string;
}

const TRUNCATE = 2000;

/** A text cut to about TRUNCATE characters, saying how much was left out. */
export function truncate(text: string, max = TRUNCATE): string {
  if (text.length <= max) return text;
  const tail = Math.floor(max / 8);
  return `${text.slice(0, max - tail)}…[${text.length - max} chars cut]…${text.slice(-tail)}`;
}

/** One generated request. fast-check prints it (counterexamples) through describeRequest. */
export class FuzzRequest {
  constructor(
    readonly method: Method,
    readonly url: string,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: string | Buffer | undefined,
    readonly options: RequestOptions = {},
  ) {}

  get isWrite(): boolean {
    return this.method !== 'GET';
  }

  get path(): string {
    return this.url.split('?')[0] ?? '';
  }

  [fc.toStringMethod](): string {
    return describeRequest(this);
  }
}

export function describeRequest(req: FuzzRequest): string {
  const lines = [
    `${req.method} ${truncate(req.url)}`,
    `  credentials: ${req.options.credentials === false ? 'none (only the headers below)' : 'the test API key'}`,
    `  headers: ${JSON.stringify(req.headers)}`,
  ];
  if (req.body !== undefined) {
    const text = typeof req.body === 'string' ? req.body : req.body.toString('latin1');
    const kind = typeof req.body === 'string' ? 'chars, as a UTF-8 string' : 'bytes, shown as latin1';
    lines.push(`  body (${text.length} ${kind}): ${JSON.stringify(truncate(text))}`);
  }
  if (req.options.raw)
    lines.push(`  sent as ${req.options.raw.length} raw bytes: ${JSON.stringify(truncate(req.options.raw.toString('latin1')))}`);
  if (req.options.chunked !== undefined) lines.push(`  sent ${req.options.chunked ? 'chunked' : 'with a content-length'}`);
  if (req.options.note !== undefined) lines.push(`  on purpose: ${req.options.note}`);
  if (req.options.allowed) lines.push(`  allowed statuses: ${req.options.allowed.join(', ')}`);
  if (req.options.codes) lines.push(`  allowed error codes: ${req.options.codes.join(', ')}`);
  if (req.options.format) lines.push(`  errors in ${req.options.format}`);
  if (req.options.apiKeys?.length) lines.push(`  valid API keys: ${req.options.apiKeys.join(', ')}`);
  if (req.options.secrets?.length) lines.push(`  secrets: ${req.options.secrets.join(', ')}`);
  return lines.join('\n');
}

export interface FuzzResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: string;
}

export function describeResponse(res: FuzzResponse): string {
  const header = (name: string) => JSON.stringify(res.headers[name] ?? null);
  return [
    `→ ${res.status}, x-roster-error-code ${header('x-roster-error-code')}, content-type ${header('content-type')}`,
    `  body (${res.body.length} chars): ${JSON.stringify(truncate(res.body))}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// What every response must satisfy

type CatalogEntry = { readonly status: number; readonly oauth?: true };
const CATALOG: Readonly<Record<string, CatalogEntry | undefined>> = ERROR_CATALOG;

const TOKEN_PATHS = new Set(['/oauth2/token', '/oauth2/access_tokens']);

const XML_ERRORS =
  /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<errors>(?:\s*<error>(?:<!\[CDATA\[[\s\S]*?\]\]>|[^<]+)*<\/error>)+\s*<\/errors>\s*$/;

function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with an error response's code header and body, if anything. */
function errorShapeProblem(req: FuzzRequest, res: FuzzResponse): string | undefined {
  const code = res.headers['x-roster-error-code'];
  if (typeof code !== 'string') return 'error response without an x-roster-error-code header';
  const entry = CATALOG[code];
  if (!entry) return `x-roster-error-code ${code} is not in the error catalogue`;
  if (entry.status !== res.status)
    return `x-roster-error-code ${code} is ${entry.status} in the catalogue, sent with ${res.status}`;
  const type = res.headers['content-type'];
  if (entry.oauth) {
    if (!req.path.startsWith('/oauth2/')) return `OAuth error ${code} outside /oauth2`;
    if (type !== JSON_TYPE) return `OAuth error with content-type ${String(type)}`;
    const body = parseJsonBody(res.body);
    if (
      !isRecord(body) ||
      Object.keys(body).join() !== 'error,error_description' ||
      body['error'] !== code ||
      typeof body['error_description'] !== 'string'
    ) {
      return 'OAuth error body is not {"error": code, "error_description": text}';
    }
    return undefined;
  }
  if (req.method === 'POST' && TOKEN_PATHS.has(req.path))
    return `token endpoint answered with Coupa error ${code}, not an OAuth one`;
  if (type === JSON_TYPE) {
    const body = parseJsonBody(res.body);
    const errors = isRecord(body) && Object.keys(body).join() === 'errors' ? body['errors'] : undefined;
    const lists = isRecord(errors) ? Object.values(errors) : [];
    const ok =
      lists.length === 1 && Array.isArray(lists[0]) && lists[0].length > 0 && lists[0].every((m) => typeof m === 'string');
    return ok ? undefined : 'JSON error body is not {"errors": {resource: [messages…]}}';
  }
  if (type === XML_TYPE) {
    return isWellFormedXml(res.body) && XML_ERRORS.test(res.body)
      ? undefined
      : 'XML error body is not <errors><error>…</error></errors>';
  }
  return `error response with content-type ${JSON.stringify(type ?? null)}`;
}

/** Node's default --max-http-header-size: a client cannot read a response with larger headers. */
const MAX_HEADER_BYTES = 16 * 1024;

/** Every rule a response to `req` breaks (empty when it is fine). */
export function responseProblems(req: FuzzRequest, res: FuzzResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`server error ${res.status}`);
  else if (res.status < 200 || (res.status >= 300 && res.status < 400)) problems.push(`unexpected status ${res.status}`);
  if (req.options.allowed && !req.options.allowed.includes(res.status)) {
    problems.push(`status ${res.status}, expected ${req.options.allowed.join(' or ')}`);
  }
  const headerBytes = Object.entries(res.headers).reduce(
    (n, [k, v]) => n + k.length + 4 + Buffer.byteLength(Array.isArray(v) ? v.join(', ') : String(v ?? '')),
    0,
  );
  if (headerBytes > MAX_HEADER_BYTES) {
    problems.push(`response headers take ${headerBytes} bytes; Node's HTTP client refuses more than ${MAX_HEADER_BYTES}`);
  }
  if (res.status >= 400) {
    const shape = errorShapeProblem(req, res);
    if (shape) problems.push(shape);
    const code = res.headers['x-roster-error-code'];
    if (req.options.codes && !(typeof code === 'string' && req.options.codes.includes(code))) {
      problems.push(`error code ${JSON.stringify(code ?? null)}, expected ${req.options.codes.join(' or ')}`);
    }
    const want = req.options.format === undefined ? undefined : req.options.format === 'json' ? JSON_TYPE : XML_TYPE;
    if (want !== undefined && res.headers['content-type'] !== want) {
      problems.push(`error in ${JSON.stringify(res.headers['content-type'] ?? null)}, but the request asks for ${want}`);
    }
  }
  // A request refused whole cannot be followed by another on its connection.
  if (req.options.raw && res.headers['connection'] !== 'close') {
    problems.push(`a refused request answered with connection ${JSON.stringify(res.headers['connection'] ?? null)}, not close`);
  }
  return problems;
}

/** A snapshot row's identity: its id, or the user and kind for rows without one. */
function rowKey(row: Record<string, unknown>): string {
  return ['id', 'user_id', 'kind', 'ref_id'].map((k) => JSON.stringify(row[k] ?? null)).join('/');
}

function parseRow(text: string): Record<string, unknown> {
  const row = JSON.parse(text) as unknown;
  return isRecord(row) ? row : {};
}

/** Which tables differ between two dbSnapshot()s: rows added, removed, and the columns changed. */
export function snapshotDiff(before: Record<string, string[]>, after: Record<string, string[]>): string | undefined {
  const out: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = new Set(before[table] ?? []);
    const b = new Set(after[table] ?? []);
    const removed = new Map([...a].filter((r) => !b.has(r)).map((r) => [rowKey(parseRow(r)), r] as const));
    const added = new Map([...b].filter((r) => !a.has(r)).map((r) => [rowKey(parseRow(r)), r] as const));
    const lines: string[] = [];
    for (const [key, text] of added) {
      const old = removed.get(key);
      if (old === undefined) {
        lines.push(`+ ${truncate(text, 400)}`);
        continue;
      }
      removed.delete(key);
      const was = parseRow(old);
      const now = parseRow(text);
      const changed = Object.keys({ ...was, ...now }).filter((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]));
      lines.push(
        `~ ${key}: ${changed.map((k) => `${k} ${truncate(JSON.stringify(was[k] ?? null), 120)} → ${truncate(JSON.stringify(now[k] ?? null), 120)}`).join(', ')}`,
      );
    }
    for (const text of removed.values()) lines.push(`- ${truncate(text, 400)}`);
    if (lines.length > 0)
      out.push(`${table}: ${lines.slice(0, 4).join('\n    ')}${lines.length > 4 ? `\n    …${lines.length - 4} more` : ''}`);
  }
  return out.length === 0 ? undefined : out.join('\n  ');
}

/** `arb` one time in `n`, else null. */
export const oneIn = <T>(n: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

/** A list written as space-separated words. */
const words = (text: string): string[] => text.split(' ');

// ---------------------------------------------------------------------------------------------
// Strings

const C0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i));

/** Names that mean something on every JavaScript object. */
export const PROTO_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const;

const ODD_UNITS = [
  ...C0,
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u00ad',
  '\u200b',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202e',
  '\u2066',
  '\u2028',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '😀',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'e\u0301',
  '\u0301\u0302\u0303\u0304',
  'ß',
  'İ',
  'ﬃ',
  'Ω',
  'א',
  'ש',
  'ع',
  'ل',
  '日本',
  '한',
  'x',
  '%',
  '_',
  '\\',
  '"',
  "'",
  '<',
  '>',
  '&',
  ']]>',
  '<!--',
  '&amp;',
  '&#0;',
  '{',
  '}',
  '[',
  ']',
  ',',
  '=',
  '+',
  '#',
  '?',
  '/',
  ';',
  ' ',
];

/** Characters repeated past every column length (the longest is text; login is 255, firstname 40). */
const LONG_CHARS = ['x', 'é', '😀', 'a\u0301', 'ع', '\u0000', '\ud800', '\ufffe', ' ', '\u202e'];

/**
 * Emoji, combining marks, RTL, lone surrogates, U+FFFE, every C0 control and NUL, alone, mixed,
 * appended to a real value, or repeated up to `maxLong` characters.
 */
export function oddString(maxLong: number): fc.Arbitrary<string> {
  // Shortest first: fast-check shrinks towards the first constant.
  const lengths = [...[41, 101, 256, 1025, 4097, 65_537, 200_000].filter((n) => n < maxLong), maxLong];
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...ODD_UNITS), minLength: 1, maxLength: 12 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_UNITS) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('user_1', 'user_1@example.com', 'Buyer', 'Finance', 'USD', 'active', '1'),
          fc.constantFrom(...ODD_UNITS),
        )
        .map(([real, odd]) => real + odd),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...LONG_CHARS), fc.constantFrom(...lengths)).map(([c, n]) => c.repeat(n)),
    },
  );
}

/** Names that are well-formed XML but not Latin-1 (and so cannot go into an HTTP header as they are). */
const nonLatinName = fc.string({ unit: fc.constantFrom('Ω', 'ш', '日', 'ع', 'ā', 'ŉ', 'x'), minLength: 1, maxLength: 6 });

/** Percent-encodes the UTF-8 of a text (a lone surrogate becomes U+FFFD), keeping `keep` as it is. */
export function pct(text: string, keep: RegExp = /[A-Za-z0-9._~-]/): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && keep.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A query name with its brackets readable. */
export const pctName = (name: string): string => pct(name, /[A-Za-z0-9._~\-[\]]/);

/** Escapes that do not decode to UTF-8, or do not decode at all. */
const RAW_ESCAPES = ['%', '%G0', '%FF', '%C0%AF', '%ED%A0%80', '%F4%90%80%80', '%00', '%u0041', '+', '%2B', '%25', '%E2%82'];

/** An encoded query text: odd strings, sometimes with undecodable escapes spliced in. */
function queryText(maxLong: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: oddString(maxLong).map((s) => pct(s)) },
    {
      weight: 1,
      arbitrary: fc
        .array(
          fc.oneof(
            oddString(40).map((s) => pct(s)),
            fc.constantFrom(...RAW_ESCAPES),
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((parts) => parts.join('')),
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Documents: a JSON-ish value tree rendered as JSON or as Coupa XML

/** An object as a list of entries, so keys may repeat or be `__proto__`. */
export class Obj {
  constructor(readonly entries: ReadonlyArray<readonly [string, Val]>) {}
}

/** A number written exactly as given (`1e400`, 30 digits). */
export class Raw {
  constructor(readonly text: string) {}
}

export type Val = string | number | boolean | null | Raw | Obj | readonly Val[];
type Entry = readonly [string, Val];

const obj = (...entries: Entry[]): Obj => new Obj(entries);

export function toJson(v: Val): string {
  if (v === null) return 'null';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (v instanceof Raw) return v.text;
  if (v instanceof Obj) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  return `[${v.map(toJson).join(',')}]`;
}

const escapeText = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The tag of a member of a list element (`roles` → `role`); the parser ignores it under type="array". */
const itemTag = (name: string): string => (name.endsWith('s') && name.length > 1 ? name.slice(0, -1) : 'item');

function xmlElement(name: string, v: Val): string {
  if (v === null) return `<${name} nil="true"/>`;
  if (v instanceof Obj) return `<${name}>${v.entries.map(([k, x]) => xmlElement(k, x)).join('')}</${name}>`;
  if (v instanceof Raw) return `<${name}>${v.text}</${name}>`;
  if (typeof v === 'string') return `<${name}>${escapeText(v)}</${name}>`;
  if (typeof v === 'number' || typeof v === 'boolean') return `<${name}>${String(v)}</${name}>`;
  return `<${name} type="array">${v.map((x) => xmlElement(itemTag(name), x)).join('')}</${name}>`;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export function toXml(root: string, doc: Val): string {
  return `${DECLARATION}${xmlElement(root, doc)}`;
}

export type Format = 'json' | 'xml';

export const CONTENT_TYPES: Readonly<Record<Format, readonly string[]>> = {
  json: ['application/json', 'application/json', 'application/json; charset=utf-8'],
  xml: ['application/xml', 'application/xml', 'text/xml', 'application/xml; charset=utf-8'],
};

const format: fc.Arbitrary<Format> = fc.constantFrom('json', 'xml');
const contentType = (f: Format): fc.Arbitrary<string> => fc.constantFrom(...CONTENT_TYPES[f]);

/** What the client asks for back: JSON, XML, or nothing (the body's format). */
export const accept: fc.Arbitrary<Record<string, string>> = fc.constantFrom<Record<string, string>>(
  {},
  { accept: 'application/json' },
  { accept: 'application/xml' },
  { accept: '*/*' },
);

/** A document as a body: JSON (sometimes wrapped in `{"user": …}`) or `<user>…</user>`. */
const renderBody = (f: Format, doc: Obj, wrap: boolean): string =>
  f === 'json' ? toJson(wrap ? obj(['user', doc]) : doc) : toXml('user', doc);

// ---------------------------------------------------------------------------------------------
// The catalogue, as names to aim at

const ELEMENTS: readonly Element[] = resourceNamed('users').elements;
const names = (els: readonly Element[]): string[] => els.flatMap((e) => [e.name, ...(e.aliases ?? [])]);
const ofKind = <K extends Element['kind']>(kind: K) =>
  ELEMENTS.filter((e): e is Extract<Element, { kind: K }> => e.kind === kind);

/** Every element name and alias, written or not (read-only and computed ones are ignored on input). */
const ALL_NAMES = names(ELEMENTS);
const STRING_SCALARS = ofKind('scalar').filter((e) => e.type === 'string' || e.type === 'symbol');
const REFERENCES = ofKind('reference').filter((e) => e.in);
const COLLECTIONS = ofKind('collection').filter((e) => e.in);
const COMPOSITES = ofKind('composite');
const APPROVAL_LIMITS = REFERENCES.filter((e) => e.target === 'approval_limits');
const OTHER_REFERENCES = REFERENCES.filter((e) => e.target !== 'approval_limits');

const keyOf = (target: string): string => resourceNamed(target).key;
const tagOf = (target: string): string => resourceNamed(target).singular;

/** Ids of the seeded users (1..3) most of the time, else ones that do not exist or do not fit. */
export const userId: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('1', '2', '3') },
  { weight: 1, arbitrary: fc.constantFrom('999', '2147483647', '2147483648', '9007199254740993') },
  { weight: 1, arbitrary: fc.nat().map(String) },
);

/** A user that can be created (unless the number repeats). */
const newUser: fc.Arbitrary<Entry[]> = fc.nat().map((n) => [
  ['login', `fz_${n}`],
  ['email', `fz_${n}@example.com`],
  ['firstname', 'Fuzz'],
  ['lastname', 'Tester'],
]);

interface WriteTarget {
  readonly method: Method;
  readonly url: string;
  readonly create: boolean;
}

const writeTarget: fc.Arbitrary<WriteTarget> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<WriteTarget>({ method: 'POST', url: '/api/users', create: true }) },
  { weight: 2, arbitrary: userId.map((id): WriteTarget => ({ method: 'PUT', url: `/api/users/${id}`, create: false })) },
  { weight: 1, arbitrary: userId.map((id): WriteTarget => ({ method: 'PATCH', url: `/api/users/${id}`, create: false })) },
);

/** Writes of a document holding `entries` (after a valid new user on POST), as JSON or XML. */
function documentWrites(entries: fc.Arbitrary<Entry[]>): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target: writeTarget,
      base: newUser,
      entries,
      format: format.chain((f) => contentType(f).map((type) => ({ f, type }))),
      accept,
      wrap: fc.boolean(),
    })
    .map(({ target, base, entries: es, format: { f, type }, accept: acc, wrap }) => {
      const sent = new Set(es.map(([k]) => k));
      const doc = new Obj([...(target.create ? base.filter(([k]) => !sent.has(k)) : []), ...es]);
      return new FuzzRequest(target.method, target.url, { 'content-type': type, ...acc }, renderBody(f, doc, wrap));
    });
}

// ---------------------------------------------------------------------------------------------
// Class: malformed XML and JSON bodies

const SAMPLE_EXTRAS: readonly Entry[] = [
  ['roles', [obj(['name', 'Buyer']), obj(['id', 1])]],
  ['department', obj(['name', 'Finance'])],
  ['phone-work', obj(['country-code', '1'], ['number', '5550100'])],
  ['manager', obj(['id', 1])],
  ['active', false],
  ['default-currency', obj(['code', 'EUR'])],
  ['expense-approval-limit', obj(['amount', '1000'], ['currency', obj(['code', 'USD'])])],
];

/** A well-formed body in either format, to break. */
const sampleBody: fc.Arbitrary<{ f: Format; text: string }> = fc
  .tuple(format, newUser, fc.subarray([...SAMPLE_EXTRAS]), fc.boolean())
  .map(([f, base, extras, wrap]) => ({ f, text: renderBody(f, new Obj([...base, ...extras]), wrap) }));

const BREAKERS = [
  '<',
  '>',
  '</',
  '/>',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '&',
  ';',
  '\\',
  '\u0000',
  '\ufeff',
  '<user>',
  '"user":',
];

const depth = fc.oneof(fc.integer({ min: 2, max: 3000 }), fc.constantFrom(10_000, 30_000, 60_000));
const count = fc.oneof(fc.integer({ min: 2, max: 2000 }), fc.constantFrom(5_000, 20_000));

const XML_ODDITIES = [
  '<user><login>a</login><login>b</login></user>',
  '<user><roles type="array"><role><name>Buyer</name></role><role><name>Buyer</name></role></roles></user>',
  '<user type="array"><login>a</login></user>',
  '<user nil="true"/>',
  '<user><roles type="array"/></user>',
  '<user><roles type="array">text</roles></user>',
  '<user><roles>text<role><id>1</id></role>more</roles></user>',
  '<user><department><name>Finance</name><name>Sales</name></department></user>',
  '<user>text<login>x</login>more</user>',
  '<user><![CDATA[<login>x</login>]]></user>',
  '<user><login><![CDATA[a]]><![CDATA[b]]></login></user>',
  '<user><!-- c --><login>x<!-- c --></login></user>',
  '<user><?pi x?><login>x</login></user>',
  '<user><login>&#0;</login></user>',
  '<user><login>&#xD800;</login></user>',
  '<user><login>&#x110000;</login></user>',
  '<user><login>&#99999999999;</login></user>',
  '<user><login>&nbsp;&copy;</login></user>',
  '<user><login>&unknown;</login></user>',
  '<user><login>&amp;lt;</login></user>',
  '<user></User>',
  '<user xmlns="urn:x"><login>x</login></user>',
  '<x:user xmlns:x="urn:x"><x:login>x</x:login></x:user>',
  '<user><x:login>x</x:login></user>',
  '<?xml version="1.1"?><user/>',
  '<?xml version="1.0" encoding="UTF-16"?><user/>',
  '<?xml version="1.0"?><?xml version="1.0"?><user/>',
  '<user/><?xml version="1.0"?>',
  '<user><login nil="true">x</login></user>',
  '<user><login type="array"><a>1</a></login></user>',
  '<user><roles type="array"><role nil="true"/></roles></user>',
  '<user><phone-work type="array"><a>1</a></phone-work></user>',
  '<user><#text>x</#text></user>',
  '<user><_x>1</_x><a-b.c>1</a-b.c></user>',
  '<user a="1" a="2"/>',
  '<user><login a="<">x</login></user>',
  '<user>\u0000</user>',
  '<user><login>\u0001\u0008\u000b</login></user>',
  '<user>\r\n<login>x</login>\r</user>',
  '<users type="array"><user><login>x</login></user></users>',
  '<User><login>x</login></User>',
  '<account/>',
  '<!-- only a comment -->',
  '<?xml version="1.0"?>',
  'plain text',
  '<',
  '<user',
  '<user>',
  '</user>',
];

const JSON_TOPS = [
  '[]',
  '[{}]',
  '[{"login":"x"}]',
  '"user"',
  '""',
  '1',
  '-0',
  '1e999',
  'null',
  'true',
  'false',
  '{}',
  ' ',
  '\n',
  '{"user":null}',
  '{"user":[]}',
  '{"user":"x"}',
  '{"user":1}',
  '{"user":{"user":{}}}',
  '{"user":{},"x":1}',
  '{"":""}',
  '{"login":"a","login":"b"}',
  '{"user":{"login":"a"},"user":[]}',
  '{"login":"\\ud800"}',
  '{"login":"\\u0000"}',
  '{"login":"\\x41"}',
  "{'login':'x'}",
  '{login:"x"}',
  '{"login":"x"}//',
  '{"login":"x"} trailing',
  '{"login":NaN}',
  '{"login":Infinity}',
  '{"a":1e400}',
  '{"a":-}',
  '{"a":01}',
  '{"a":.5}',
];

function utf16(text: string, bigEndian: boolean): Buffer {
  const le = Buffer.from(`\ufeff${text}`, 'utf16le');
  if (!bigEndian) return le;
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1] ?? 0;
    be[i + 1] = le[i] ?? 0;
  }
  return be;
}

const malformedText: fc.Arbitrary<{ f: Format; body: string | Buffer }> = fc.oneof(
  // Truncated anywhere.
  fc.tuple(sampleBody, fc.nat()).map(([{ f, text }, n]) => ({ f, body: text.slice(0, n % (text.length + 1)) })),
  // Stray syntax spliced in.
  fc
    .tuple(sampleBody, fc.nat(), fc.array(fc.constantFrom(...BREAKERS), { minLength: 1, maxLength: 3 }))
    .map(([{ f, text }, n, junk]) => {
      const at = n % (text.length + 1);
      return { f, body: text.slice(0, at) + junk.join('') + text.slice(at) };
    }),
  // Several roots.
  fc.tuple(sampleBody, sampleBody, fc.constantFrom('', ' ', '\n', ',')).map(([a, b, sep]) => ({
    f: a.f,
    body: a.text + sep + (a.f === 'xml' ? b.text.replace(DECLARATION, '') : b.text),
  })),
  // Deep nesting, in an element and at the top.
  fc
    .tuple(depth, fc.constantFrom('xml-in', 'xml-top', 'json-array', 'json-object', 'json-top', 'json-mixed'))
    .map(([n, shape]): { f: Format; body: string } => {
      switch (shape) {
        case 'xml-in':
          return {
            f: 'xml',
            body: `<user><login>x</login><sso-identifier>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</sso-identifier></user>`,
          };
        case 'xml-top':
          return { f: 'xml', body: `<user>${'<user>'.repeat(n)}${'</user>'.repeat(n)}</user>` };
        case 'json-array':
          return { f: 'json', body: `{"login":"x","roles":${'['.repeat(n)}${']'.repeat(n)}}` };
        case 'json-object':
          return { f: 'json', body: `{"department":${'{"name":'.repeat(n)}"x"${'}'.repeat(n)}}` };
        case 'json-top':
          return { f: 'json', body: `${'{"user":'.repeat(n)}{}${'}'.repeat(n)}` };
        default:
          return { f: 'json', body: `{"manager":${'[{"a":'.repeat(n)}1${'}]'.repeat(n)}}` };
      }
    }),
  // Many elements: repeated, all different, or a long collection.
  fc.tuple(count, fc.constantFrom('xml-same', 'xml-distinct', 'json-distinct', 'xml-roles', 'json-roles')).map(
    ([n, shape]): {
      f: Format;
      body: string;
    } => {
      const few = Math.min(n, 500);
      switch (shape) {
        case 'xml-same':
          return { f: 'xml', body: `<user>${'<login>x</login>'.repeat(n)}</user>` };
        case 'xml-distinct':
          return { f: 'xml', body: `<user>${Array.from({ length: n }, (_, i) => `<e${i}>1</e${i}>`).join('')}</user>` };
        case 'json-distinct':
          return { f: 'json', body: `{${Array.from({ length: n }, (_, i) => `"e${i}":1`).join(',')}}` };
        case 'xml-roles':
          return { f: 'xml', body: `<user><roles type="array">${'<role><name>Buyer</name></role>'.repeat(few)}</roles></user>` };
        default:
          return { f: 'json', body: `{"roles":[${Array.from({ length: few }, (_, i) => `{"id":${(i % 12) + 1}}`).join(',')}]}` };
      }
    },
  ),
  // A BOM, in UTF-8 or UTF-16.
  fc.tuple(sampleBody, fc.constantFrom('utf8', 'utf16le', 'utf16be')).map(([{ f, text }, enc]) => ({
    f,
    body: enc === 'utf8' ? `\ufeff${text}` : utf16(text, enc === 'utf16be'),
  })),
  // Attributes on every element.
  fc
    .tuple(
      sampleBody.filter((s) => s.f === 'xml'),
      fc.constantFrom('array', 'integer', 'boolean', 'string', 'hash', 'datetime', ''),
      fc.constantFrom('true', 'false', ''),
      fc.constantFrom('id', 'a', 'xmlns', 'xml:lang', '@_nil', 'type'),
    )
    .map(([{ text }, type, nil, attr]) => ({
      f: 'xml' as const,
      body: text.replace(/<([a-z-]+)>/g, `<$1 type="${type}" nil="${nil}" ${attr}="1">`),
    })),
  fc.constantFrom(...JSON_TOPS).map((body) => ({ f: 'json' as const, body })),
  fc.constantFrom(...XML_ODDITIES).map((body) => ({ f: 'xml' as const, body })),
);

/** Content types a body may come with besides its own. */
const ODD_CONTENT_TYPES = [
  'application/json; charset=utf-16',
  'application/xml; charset=iso-8859-1',
  'application/vnd.api+json',
  'application/problem+xml',
  'text/json',
  'text/plain',
  '*/*',
  'application/x-www-form-urlencoded',
  'application/json, application/xml',
];

export const malformedBodies: fc.Arbitrary<FuzzRequest> = fc
  .record({
    target: fc.oneof(
      { weight: 8, arbitrary: writeTarget },
      {
        weight: 1,
        arbitrary: userId.map((id): WriteTarget => ({ method: 'PUT', url: `/api/users/${id}/avatar`, create: false })),
      },
    ),
    text: malformedText,
    type: oneIn(8, fc.constantFrom(...ODD_CONTENT_TYPES)),
    own: fc.nat(),
    accept,
  })
  .map(({ target, text: { f, body }, type, own, accept: acc }) => {
    const types = CONTENT_TYPES[f];
    const ct = type ?? types[own % types.length] ?? 'application/json';
    return new FuzzRequest(target.method, target.url, { 'content-type': ct, ...acc }, body);
  });

// ---------------------------------------------------------------------------------------------
// Class: wrong types for elements

const RAW_NUMBERS = words(
  '123456789012345678901234567890 -123456789012345678901234567890 1e400 -1e400 1e-400 -0 9007199254740993 2147483648 -2147483649 0.000000000000000000000000000001 1.5e3',
);

const KEY_NAMES = [
  'id',
  'name',
  'login',
  'code',
  'amount',
  'currency',
  'number',
  'country-code',
  'role',
  'user-group',
  'business-group',
  'value',
  'type',
  'nil',
  '#text',
  '',
];

const junkScalar: fc.Arbitrary<Val> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', ' ', 'x', 'true', 'false', '1', '0', '-1', '1.5', 'null', 'Buyer', 'USD', 'Finance', 'user_1'),
  fc.constantFrom(...RAW_NUMBERS).map((t) => new Raw(t)),
);

const junkValue: fc.Arbitrary<Val> = fc.letrec<{ v: Val }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    junkScalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom(...KEY_NAMES), tie('v')), { maxLength: 3 }).map((es) => new Obj(es)),
  ),
})).v;

const wrongTypeEntry: fc.Arbitrary<Entry> = fc.oneof(
  // Any element at all.
  fc.tuple(fc.constantFrom(...ALL_NAMES), junkValue),
  // A reference named by a junk id or key, directly or nested.
  fc
    .tuple(fc.constantFrom(...OTHER_REFERENCES), fc.constantFrom('id', 'key', 'both', 'bare'), junkValue)
    .map(([el, how, v]): Entry => {
      const key = keyOf(el.target);
      const value = how === 'id' ? obj(['id', v]) : how === 'key' ? obj([key, v]) : how === 'both' ? obj(['id', v], [key, v]) : v;
      return [el.name, value];
    }),
  // A collection of junk, as a list or as `{"role": …}`.
  fc
    .tuple(fc.constantFrom(...COLLECTIONS), fc.constantFrom('list-id', 'list-key', 'list', 'wrapped', 'bare'), junkValue)
    .map(([el, how, v]): Entry => {
      const key = keyOf(el.target);
      const value =
        how === 'list-id'
          ? [obj(['id', v])]
          : how === 'list-key'
            ? [obj([key, v]), obj([key, v])]
            : how === 'list'
              ? [v]
              : how === 'wrapped'
                ? obj([tagOf(el.target), v])
                : v;
      return [el.name, value];
    }),
  // A phone number with junk parts.
  fc
    .tuple(fc.constantFrom(...COMPOSITES), fc.subarray(['country-code', 'area-code', 'number', 'extension', 'x']), junkValue)
    .map(([el, parts, v]): Entry => [el.name, new Obj(parts.map((p) => [p, v]))]),
  // An approval limit with a junk amount or currency.
  fc
    .tuple(fc.constantFrom(...names(APPROVAL_LIMITS)), junkValue, junkValue, fc.boolean())
    .map(([name, amount, currency, good]): Entry => [
      name,
      good ? obj(['amount', amount], ['currency', obj(['code', 'USD'])]) : obj(['amount', '10'], ['currency', currency]),
    ]),
);

export const wrongTypes: fc.Arbitrary<FuzzRequest> = documentWrites(fc.array(wrongTypeEntry, { minLength: 1, maxLength: 4 }));

// ---------------------------------------------------------------------------------------------
// Class: huge and odd strings, everywhere a string goes

const QUERY_PARAMS = words(
  'login email[contains] email[ends_with] login[starts_with] login[in] employee-number[not_eq] roles[name] roles[name][in] department[name][contains] manager[login] default-address[country][code] phone-work[number][starts_with] expense-approval-limit[amount][gt] id created-at[gt] updated-at[lt_or_eq] active status email[blank] order_by dir limit offset fields return_object',
);

/** A client and secret the odd-string and OAuth classes can get right. */
export const OAUTH_CLIENT = {
  id: 'fuzz.client',
  secret: 'fuzz-secret-0123456789',
  scopes: ['core.user.read', 'core.user.write'],
};

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const formBody = (fields: ReadonlyArray<readonly [string, string]>): string => fields.map(([k, v]) => `${k}=${v}`).join('&');

/** A multipart part, written as it comes (names and filenames in UTF-8, unescaped). */
export interface Part {
  readonly name: string;
  readonly filename?: string;
  readonly type?: string;
  readonly data: Buffer;
  /** The whole Content-Disposition value, instead of one built from name and filename. */
  readonly disposition?: string;
}

export interface MultipartShape {
  readonly eol?: string;
  readonly preamble?: string;
  /** Write the closing boundary (the default). */
  readonly close?: boolean;
}

export function multipartBody(boundary: string, parts: readonly Part[], shape: MultipartShape = {}): Buffer {
  const eol = shape.eol ?? '\r\n';
  const chunks: Buffer[] = [Buffer.from(shape.preamble ?? '')];
  for (const p of parts) {
    const value = p.disposition ?? `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    const disposition = `Content-Disposition: ${value}`;
    const type = p.type === undefined ? '' : `${eol}Content-Type: ${p.type}`;
    chunks.push(Buffer.from(`--${boundary}${eol}${disposition}${type}${eol}${eol}`), p.data, Buffer.from(eol));
  }
  if (shape.close !== false) chunks.push(Buffer.from(`--${boundary}--${eol}`));
  return Buffer.concat(chunks);
}

const BOUNDARY = 'FuzzBoundary7MA4YWxkTrZu0gW';
const PNG = makePng();

const avatarUpload = (id: string, parts: readonly Part[], acc: Record<string, string>): FuzzRequest =>
  new FuzzRequest(
    'PUT',
    `/api/users/${id}/avatar`,
    { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...acc },
    multipartBody(BOUNDARY, parts),
  );

const odd = oddString(200_000);
const oddShort = oddString(1025);

export const oddStrings: fc.Arbitrary<FuzzRequest> = fc.oneof(
  // Element values.
  documentWrites(fc.tuple(fc.constantFrom(...names(ELEMENTS.filter((e) => e.in))), odd).map((e): Entry[] => [e])),
  documentWrites(fc.array(fc.tuple(fc.constantFrom(...names(STRING_SCALARS)), oddShort), { minLength: 1, maxLength: 4 })),
  // Element names: top level and inside associations; XML names that are not Latin-1.
  documentWrites(fc.tuple(fc.oneof(oddShort, nonLatinName), junkScalar).map((e): Entry[] => [e])),
  documentWrites(
    fc
      .tuple(fc.constantFrom(...REFERENCES, ...COLLECTIONS, ...COMPOSITES), fc.oneof(oddShort, nonLatinName))
      .map(([el, name]): Entry[] => [[el.name, el.kind === 'collection' ? [obj([name, 'x'])] : obj([name, 'x'])]]),
  ),
  // Natural keys of associations.
  documentWrites(
    fc.tuple(fc.constantFrom(...OTHER_REFERENCES, ...COLLECTIONS), odd, fc.boolean()).map(([el, key, bare]): Entry[] => {
      const named = bare ? key : obj([keyOf(el.target), key]);
      return [[el.name, el.kind === 'collection' ? [named] : named]];
    }),
  ),
  documentWrites(
    fc
      .tuple(fc.constantFrom(...names(APPROVAL_LIMITS)), odd, fc.constantFrom('name', 'currency', 'subject'))
      .map(([name, s, where]): Entry[] => [
        [
          name,
          where === 'name'
            ? obj(['name', s])
            : where === 'currency'
              ? obj(['amount', '100'], ['currency', obj(['code', s])])
              : obj(['amount', '100'], ['currency', obj(['code', 'USD'])], ['subject', s]),
        ],
      ]),
  ),
  // Query values and query names.
  fc
    .tuple(fc.constantFrom(...QUERY_PARAMS), queryText(1025), accept)
    .map(([name, value, acc]) => new FuzzRequest('GET', `/api/users?${pctName(name)}=${value}`, acc, undefined)),
  fc
    .tuple(queryText(1025), fc.constantFrom('/api/users', '/api/users/1', '/api/users/2'), accept)
    .map(([name, path, acc]) => new FuzzRequest('GET', `${path}?${name}=1`, acc, undefined)),
  // Upload filenames and field names.
  fc
    .tuple(userId, oddShort, fc.boolean(), accept)
    .map(([id, s, asName, acc]) =>
      avatarUpload(
        id,
        [
          asName
            ? { name: s, filename: 'a.png', type: 'image/png', data: PNG }
            : { name: 'file', filename: s, type: 'image/png', data: PNG },
        ],
        acc,
      ),
    ),
  // OAuth form fields.
  fc
    .tuple(fc.subarray(['client_id', 'client_secret', 'scope', 'grant_type'], { minLength: 1 }), queryText(4097), fc.boolean())
    .map(([oddFields, value, basic]) => {
      const fields: Array<[string, string]> = [
        ['grant_type', 'client_credentials'],
        ['client_id', OAUTH_CLIENT.id],
        ['client_secret', OAUTH_CLIENT.secret],
        ['scope', 'core.user.read'],
      ].map(([k = '', v = '']): [string, string] => [k, oddFields.includes(k) ? value : v]);
      if (!basic) return new FuzzRequest('POST', '/oauth2/token', FORM, formBody(fields));
      const get = (k: string) => decodeURIComponentSafe(fields.find(([n]) => n === k)?.[1] ?? '');
      const credentials = Buffer.from(`${pct(get('client_id'))}:${pct(get('client_secret'))}`).toString('base64');
      return new FuzzRequest(
        'POST',
        '/oauth2/token',
        { ...FORM, authorization: `Basic ${credentials}` },
        formBody(fields.filter(([k]) => k === 'grant_type' || k === 'scope')),
      );
    }),
);

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Class: prototype names as element names, query names and operators, JSON keys, form keys

const proto = fc.constantFrom(...PROTO_NAMES);

const protoEntries: fc.Arbitrary<Entry[]> = fc.oneof(
  fc.tuple(proto, junkValue).map(([p, v]): Entry[] => [[p, v]]),
  fc.tuple(proto, proto).map(([p, q]): Entry[] => [[p, obj([q, obj(['login', 'x'])])]]),
  fc.tuple(fc.constantFrom(...REFERENCES), proto, junkValue).map(([el, p, v]): Entry[] => [[el.name, obj([p, v])]]),
  fc.tuple(fc.constantFrom(...REFERENCES), proto).map(([el, p]): Entry[] => [[el.name, p]]),
  fc.tuple(fc.constantFrom(...COLLECTIONS), proto, junkValue).map(([el, p, v]): Entry[] => [[el.name, [obj([p, v])]]]),
  fc.tuple(fc.constantFrom(...COLLECTIONS), proto).map(([el, p]): Entry[] => [[el.name, obj([p, [obj(['id', 1])]])]]),
  fc.tuple(fc.constantFrom(...COMPOSITES), proto).map(([el, p]): Entry[] => [[el.name, obj([p, '1'])]]),
  fc
    .tuple(fc.constantFrom(...names(APPROVAL_LIMITS)), proto)
    .map(([name, p]): Entry[] => [[name, obj([p, '1'], ['amount', '5'], ['currency', obj([p, 'USD'])])]]),
  fc.tuple(proto, fc.constantFrom(...STRING_SCALARS)).map(([p, el]): Entry[] => [[el.name, p]]),
  fc.constant<Entry[]>([['constructor', obj(['prototype', obj(['admin', true])])]]),
);

const PROTO_QUERIES = (p: string): string[] => [
  `${p}=x`,
  `login[${p}]=x`,
  `${p}[login]=x`,
  `roles[${p}]=1`,
  `roles[name][${p}]=1`,
  `department[${p}][name]=x`,
  `login[gt][${p}]=x`,
  `phone-work[${p}]=1`,
  `status=${p}`,
  `status[in]=active,${p}`,
  `status[${p}]=active`,
  `active=${p}`,
  `order_by=${p}`,
  `dir=${p}`,
  `limit=${p}`,
  `return_object=${p}`,
  `fields=${pct(`["${p}"]`)}`,
  `fields=${pct(`[{"${p}":["id"]}]`)}`,
  `fields=${pct(`{"${p}":1}`)}`,
  `fields=${pct(`["id",{"roles":["${p}"]}]`)}`,
  `${p}=1&${p}=2`,
];

export const protoNames: fc.Arbitrary<FuzzRequest> = fc.oneof(
  documentWrites(protoEntries),
  // The whole document under a prototype name, or a wrapper holding one.
  fc.tuple(proto, newUser, fc.constantFrom('outer', 'beside'), accept).map(([p, base, where, acc]) => {
    const body = toJson(where === 'outer' ? obj([p, new Obj(base)]) : obj(['user', new Obj(base)], [p, obj(['login', 'x'])]));
    return new FuzzRequest('POST', '/api/users', { 'content-type': 'application/json', ...acc }, body);
  }),
  // XML attributes named after them.
  fc
    .tuple(proto, writeTarget)
    .map(
      ([p, target]) =>
        new FuzzRequest(
          target.method,
          target.url,
          { 'content-type': 'application/xml' },
          `<user ${p}="x"><login ${p}="1">x</login></user>`,
        ),
    ),
  // Query names, bracketed parts, operators and values.
  fc.tuple(proto, fc.nat(), fc.constantFrom('/api/users', '/api/users', '/api/users/1'), accept).map(([p, i, path, acc]) => {
    const queries = PROTO_QUERIES(p);
    return new FuzzRequest('GET', `${path}?${queries[i % queries.length] ?? ''}`, acc, undefined);
  }),
  fc.tuple(proto, fc.constantFrom('return_object', 'fields', 'x'), writeTarget, newUser).map(([p, name, target, base]) => {
    const value = name === 'fields' ? pct(`["${p}"]`) : p;
    const doc = new Obj(target.create ? base : [['lastname', 'Proto']]);
    return new FuzzRequest(target.method, `${target.url}?${name}=${value}`, { 'content-type': 'application/json' }, toJson(doc));
  }),
  // Form keys and values on the token endpoint; multipart field names.
  fc.tuple(proto, fc.constantFrom('key', 'grant', 'scope', 'client')).map(([p, where]) => {
    const fields: Array<[string, string]> = [
      ['grant_type', where === 'grant' ? p : 'client_credentials'],
      ['client_id', where === 'client' ? p : OAUTH_CLIENT.id],
      ['client_secret', OAUTH_CLIENT.secret],
    ];
    if (where === 'scope') fields.push(['scope', p]);
    if (where === 'key') fields.unshift([p, 'x']);
    return new FuzzRequest('POST', '/oauth2/token', FORM, formBody(fields));
  }),
  fc
    .tuple(userId, proto)
    .map(([id, p]) => avatarUpload(id, [{ name: p, filename: `${p}.png`, type: 'image/png', data: PNG }], {})),
);

// ---------------------------------------------------------------------------------------------
// Class: encoded and odd paths, without credentials

const ODD_IDS = [
  '0',
  '-1',
  '1.0',
  '1e3',
  '0x1',
  'abc',
  '%20%31',
  '1%00',
  '%00',
  '1;x=y',
  '%EF%BC%91',
  '1'.repeat(300),
  '99999999999999999999',
  '2147483648',
  '%2e%2e',
  '..',
  '.',
];

type PathStep = (segments: string[], n: number) => string[];

const letterEncode: PathStep = (segs, n) => {
  const i = n % segs.length;
  const seg = segs[i] ?? '';
  const letters = Array.from(seg, (c, j) => [c, j] as const).filter(([c]) => /[a-z]/i.test(c));
  const pick = letters[Math.floor(n / segs.length) % Math.max(1, letters.length)];
  if (!pick) return segs;
  const [c, j] = pick;
  const hex = c.charCodeAt(0).toString(16);
  const code = `%${n % 2 === 0 ? hex : hex.toUpperCase()}`;
  return segs.map((s, k) => (k === i ? s.slice(0, j) + code + s.slice(j + 1) : s));
};

const PATH_STEPS: Readonly<Record<string, PathStep>> = {
  'encode a letter': letterEncode,
  'double a slash': (segs, n) => {
    const i = n % (segs.length + 1);
    return [...segs.slice(0, i), '', ...segs.slice(i)];
  },
  'trailing slash': (segs) => [...segs, ''],
  'upper-case a segment': (segs, n) => segs.map((s, k) => (k === n % segs.length ? s.toUpperCase() : s)),
  'dot-dot': (segs, n) => {
    const i = n % (segs.length + 1);
    return [...segs.slice(0, i), 'x', '..', ...segs.slice(i)];
  },
  'encoded dot-dot': (segs, n) => {
    const i = n % (segs.length + 1);
    return [...segs.slice(0, i), 'x', n % 2 === 0 ? '%2e%2e' : '%2E.', ...segs.slice(i)];
  },
  dot: (segs, n) => {
    const i = n % (segs.length + 1);
    return [...segs.slice(0, i), '.', ...segs.slice(i)];
  },
  'encoded slash': (segs, n) => {
    const i = n % Math.max(1, segs.length - 1);
    return [...segs.slice(0, i), `${segs[i] ?? ''}%2F${segs[i + 1] ?? ''}`, ...segs.slice(i + 2)];
  },
  'odd id': (segs, n) => (segs.length >= 3 ? segs.map((s, k) => (k === 2 ? (ODD_IDS[n % ODD_IDS.length] ?? s) : s)) : segs),
  'NUL in a segment': (segs, n) => segs.map((s, k) => (k === n % segs.length ? `${s}%00` : s)),
  backslash: (segs, n) => segs.map((s, k) => (k === n % segs.length ? `${s}%5C` : s)),
  semicolon: (segs, n) => segs.map((s, k) => (k === n % segs.length ? `${s};a=b` : s)),
};

const CREDENTIALS_SENT: ReadonlyArray<Record<string, string>> = [
  {},
  {},
  { 'x-coupa-api-key': '' },
  { 'x-coupa-api-key': 'not-the-key' },
  { authorization: 'Bearer junk' },
  { authorization: 'Basic Zm9vOmJhcg==' },
];

export const oddPaths: fc.Arbitrary<FuzzRequest> = fc
  .record({
    base: fc.constantFrom('/api/users', '/api/users/1', '/api/users/2/avatar', '/api/users/3'),
    steps: fc.array(fc.tuple(fc.constantFrom(...Object.keys(PATH_STEPS)), fc.nat()), { minLength: 1, maxLength: 4 }),
    method: fc.constantFrom<Method>('GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
    query: fc.constantFrom('', '', '?login=user_1', '?return_object=limited', '#frag'),
    credentials: fc.constantFrom(...CREDENTIALS_SENT),
    user: newUser,
  })
  .map(({ base, steps, method, query, credentials, user }) => {
    let segs = base.split('/').slice(1);
    for (const [name, n] of steps) segs = PATH_STEPS[name]?.(segs, n) ?? segs;
    const body = method === 'GET' || method === 'DELETE' ? undefined : toJson(new Obj(user));
    const headers = body === undefined ? credentials : { 'content-type': 'application/json', ...credentials };
    return new FuzzRequest(method, `/${segs.join('/')}${query}`, headers, body, { credentials: false, allowed: [401, 404] });
  });

// ---------------------------------------------------------------------------------------------
// Class: multipart garbage on PUT /api/users/:id/avatar

const fileData: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(PNG, makeGif(), makeJpeg()) },
  fc.constantFrom(
    Buffer.alloc(0),
    Buffer.from('just text\n'),
    Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    Buffer.from('<html><script>alert(1)</script></html>'),
    PNG.subarray(0, 8),
    PNG.subarray(0, 30),
    Buffer.concat([PNG, Buffer.from('trailing junk')]),
    Buffer.from('%PDF-1.4\n'),
    Buffer.from('GIF89a'),
    Buffer.from([0xff, 0xd8, 0xff]),
  ),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);

const partName = fc.oneof(
  { weight: 6, arbitrary: fc.constant('file') },
  fc.constantFrom('File', 'files', 'file[]', '', 'avatar', 'image', ' file', 'file\u0000'),
  fc.constantFrom(10_000, 100_000).map((n) => 'f'.repeat(n)),
  oddString(1025),
);

/** Content-Disposition values a client might write instead of `form-data; name="file"; filename="…"`. */
const DISPOSITIONS = [
  'form-data; name=file; filename=a.png',
  'form-data; name="file"; filename*=UTF-8\'\'%F0%9F%98%80.png',
  'form-data; name="file"; filename*=UTF-8\'\'%FF%FE.png',
  'form-data; name="file"; filename="a.png"; filename="b.png"',
  'form-data; name="file"; name="other"; filename="a.png"',
  'attachment; name="file"; filename="a.png"',
  'form-data; filename="a.png"',
  'form-data; name="file"; filename',
  'form-data',
  '',
];

const part: fc.Arbitrary<Part> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        name: partName,
        filename: fc.oneof(fc.constantFrom('a.png', 'a.gif', 'x', '', '../../etc/passwd', 'a"b.png'), oddString(256)),
        type: fc.constantFrom('image/png', 'image/gif', 'text/plain', 'application/octet-stream', '', 'image/svg+xml'),
        data: fileData,
      },
      { requiredKeys: ['name', 'data'] },
    ),
  },
  // A file part without a filename (busboy takes it as a file when it says octet-stream).
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('application/octet-stream', 'image/png', undefined), fileData)
      .map(([type, data]): Part => (type === undefined ? { name: 'file', data } : { name: 'file', type, data })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...DISPOSITIONS), fileData)
      .map(([disposition, data]): Part => ({ name: 'file', disposition, type: 'image/png', data })),
  },
);

const manyParts: fc.Arbitrary<Part[]> = fc.oneof(
  { weight: 4, arbitrary: fc.array(part, { minLength: 0, maxLength: 4 }) },
  fc
    .integer({ min: 5, max: 40 })
    .map((n) =>
      Array.from({ length: n }, (_, i): Part =>
        i % 2 === 0
          ? { name: `field${i}`, data: Buffer.from('v') }
          : { name: 'file', filename: 'a.png', type: 'image/png', data: PNG },
      ),
    ),
);

const MULTIPART_TYPES = (b: string): string[] => [
  `multipart/form-data; boundary=${b}`,
  `multipart/form-data; boundary=${b}`,
  `multipart/form-data; boundary=${b}`,
  'multipart/form-data',
  'multipart/form-data; boundary=',
  `multipart/form-data; boundary="${b}"`,
  'multipart/form-data; boundary=SomethingElse',
  `multipart/mixed; boundary=${b}`,
  `multipart/form-data; boundary=${b}; charset=utf-8`,
  `Multipart/Form-Data; BOUNDARY=${b}`,
  `multipart/form-data; boundary=${'b'.repeat(200)}`,
  `multipart/form-data;boundary=${b};boundary=other`,
];

export const multipartGarbage: fc.Arbitrary<FuzzRequest> = fc
  .record({
    id: userId,
    parts: manyParts,
    // The right content type half the time, so that the parts themselves get read.
    type: fc.oneof(fc.constant(0), fc.nat()),
    eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
    preamble: fc.constantFrom('', '', 'preamble\r\n', '\r\n'),
    close: fc.constantFrom(true, true, true, false),
    cut: oneIn(4, fc.nat()),
    accept,
  })
  .map(({ id, parts, type, eol, preamble, close, cut, accept: acc }) => {
    const types = MULTIPART_TYPES(BOUNDARY);
    let body = multipartBody(BOUNDARY, parts, { eol, preamble, close });
    if (cut !== null) body = body.subarray(0, cut % (body.length + 1));
    return new FuzzRequest('PUT', `/api/users/${id}/avatar`, { 'content-type': types[type % types.length] ?? '', ...acc }, body);
  });

// ---------------------------------------------------------------------------------------------
// Class: bodies over the limits, sent over a real socket

export interface Limits {
  readonly bodyLimit: number;
  readonly avatarLimit: number;
}

/** Requests past bodyLimit or avatarLimit by `over` bytes, each with the statuses it may get. */
export function oversizeBodies(limits: Limits): fc.Arbitrary<FuzzRequest> {
  const over = fc.constantFrom(1, 1000, 100_000, 1024 * 1024, 3 * 1024 * 1024);
  const existing = fc.constantFrom('1', '2', '3');
  return fc.oneof(
    // JSON or XML writes past bodyLimit.
    fc
      .tuple(
        writeTarget.filter((t) => /^\/api\/users(\/[123])?$/.test(t.url)),
        format,
        over,
        fc.boolean(),
        accept,
      )
      .map(([target, f, n, chunked, acc]) => {
        const filler = 'x'.repeat(limits.bodyLimit + n);
        const body = f === 'json' ? toJson(obj(['lastname', filler])) : toXml('user', obj(['lastname', filler]));
        const type = f === 'json' ? 'application/json' : 'application/xml';
        return new FuzzRequest(target.method, target.url, { 'content-type': type, ...acc }, body, { chunked, allowed: [413] });
      }),
    // Avatars past avatarLimit: the file alone, after a field, or in a field not named file.
    fc
      .tuple(
        fc.oneof({ weight: 3, arbitrary: existing }, fc.constant('999')),
        over,
        fc.constantFrom('file', 'after-field', 'other'),
        fc.boolean(),
        accept,
      )
      .map(([id, n, shape, chunked, acc]) => {
        const data = Buffer.concat([PNG, Buffer.alloc(limits.avatarLimit + n, 0x61)]);
        const file: Part = { name: shape === 'other' ? 'picture' : 'file', filename: 'big.png', type: 'image/png', data };
        const parts = shape === 'after-field' ? [{ name: 'note', data: Buffer.from('hello') }, file] : [file];
        const allowed = [413, ...(id === '999' ? [404] : []), ...(shape === 'other' ? [400] : [])];
        return new FuzzRequest(
          'PUT',
          `/api/users/${id}/avatar`,
          { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...acc },
          multipartBody(BOUNDARY, parts),
          { chunked, allowed },
        );
      }),
    // Multipart past the limits where no multipart is taken; JSON past bodyLimit to the avatar route.
    fc
      .tuple(over, fc.boolean())
      .map(
        ([n, chunked]) =>
          new FuzzRequest(
            'POST',
            '/api/users',
            { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
            multipartBody(BOUNDARY, [
              { name: 'file', filename: 'a.png', type: 'image/png', data: Buffer.alloc(limits.avatarLimit + n, 0x61) },
            ]),
            { chunked, allowed: [413, 415] },
          ),
      ),
    fc.tuple(existing, over, fc.boolean()).map(
      ([id, n, chunked]) =>
        new FuzzRequest(
          'PUT',
          `/api/users/${id}/avatar`,
          { 'content-type': 'application/json' },
          toJson(obj(['x', 'x'.repeat(limits.bodyLimit + n)])),
          {
            chunked,
            allowed: [413],
          },
        ),
    ),
    // The token endpoint, and writes without credentials.
    fc.tuple(over, fc.boolean()).map(
      ([n, chunked]) =>
        new FuzzRequest('POST', '/oauth2/token', FORM, `grant_type=client_credentials&junk=${'x'.repeat(limits.bodyLimit + n)}`, {
          chunked,
          allowed: [400, 413],
        }),
    ),
    fc.tuple(over, fc.boolean()).map(
      ([n, chunked]) =>
        new FuzzRequest(
          'POST',
          '/api/users',
          { 'content-type': 'application/json' },
          toJson(obj(['lastname', 'x'.repeat(limits.bodyLimit + n)])),
          {
            chunked,
            credentials: false,
            allowed: [401, 413],
          },
        ),
    ),
  );
}

export interface SocketOutcome {
  readonly response?: FuzzResponse;
  /** Why no complete response came back: a reset, a broken pipe, a hang. */
  readonly dropped?: string;
  /** A raw request was answered, but the server kept its connection open. */
  readonly open?: boolean;
}

/** How long a raw request's connection may stay open after its answer, in ms. */
const RAW_CLOSE_MS = 5000;

/**
 * Sends a request over a real TCP connection (no keep-alive) and reads the whole response. A
 * response that does not arrive in full (ECONNRESET, EPIPE, socket hang up, timeout) is a drop.
 * A request with `options.raw` goes as those bytes (sendRawOverSocket).
 */
export function sendOverSocket(port: number, req: FuzzRequest, apiKey: string, timeoutMs: number): Promise<SocketOutcome> {
  if (req.options.raw) return sendRawOverSocket(port, req.options.raw, Math.min(timeoutMs, RAW_CLOSE_MS));
  return new Promise((resolve) => {
    const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body);
    const headers: Record<string, string> = { ...req.headers };
    if (req.options.credentials !== false) headers['x-coupa-api-key'] = apiKey;
    if (!req.options.chunked) headers['content-length'] = String(body.length);
    let settled = false;
    const settle = (outcome: SocketOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      resolve(outcome);
    };
    const client = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err: NodeJS.ErrnoException) => settle({ dropped: `response: ${err.code ?? ''} ${err.message}` }));
      res.on('aborted', () => settle({ dropped: 'response aborted' }));
      res.on('end', () => {
        settle({ response: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') } });
      });
    });
    client.on('error', (err: NodeJS.ErrnoException) => settle({ dropped: `${err.code ?? ''} ${err.message}` }));
    const timer = setTimeout(() => settle({ dropped: `no response within ${timeoutMs} ms` }), timeoutMs);
    if (!req.options.chunked) {
      client.end(body);
      return;
    }
    // Chunked: write in pieces, waiting for the socket as a real client does.
    const piece = 64 * 1024;
    let at = 0;
    const pump = () => {
      while (!settled && at < body.length) {
        const ok = client.write(body.subarray(at, at + piece));
        at += piece;
        if (!ok) {
          client.once('drain', pump);
          return;
        }
      }
      if (!settled) client.end();
    };
    pump();
  });
}

/** One HTTP/1.1 response read from raw bytes: undefined unless its head and whole body (by Content-Length) are there. */
function parseRawResponse(bytes: Buffer): FuzzResponse | undefined {
  const split = bytes.indexOf('\r\n\r\n');
  if (split < 0) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, split).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (status === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = bytes.subarray(split + 4);
  const length = headers['content-length'] === undefined ? rest.length : Number(headers['content-length']);
  if (!Number.isInteger(length) || rest.length < length) return undefined;
  return { status: Number(status), headers, body: rest.subarray(0, length).toString('utf8') };
}

/**
 * Writes `bytes` on a fresh TCP connection and reads until the server closes it. The answer
 * must come whole and the connection must close within `timeoutMs`; a reset after the answer is
 * the server closing too (what was read is what counts).
 */
function sendRawOverSocket(port: number, bytes: Buffer, timeoutMs: number): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const read = Buffer.concat(chunks);
      const response = parseRawResponse(read);
      if (response) resolve(closed ? { response } : { response, open: true });
      else
        resolve({
          dropped: closed
            ? `the connection closed after ${read.length} bytes and no whole response: ${JSON.stringify(truncate(read.toString('latin1'), 300))}`
            : `no whole response within ${timeoutMs} ms`,
        });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.on('connect', () => socket.write(bytes));
  });
}

// ---------------------------------------------------------------------------------------------
// Class: operator misuse in queries

const QUERY_ELEMENTS = [
  'login',
  'email',
  'id',
  'created-at',
  'updated_at',
  'active',
  'status',
  'employee-number',
  'account-security-type',
  'default-locale',
  'firstname',
  'department',
  'manager',
  'parent',
  'roles',
  'content-groups',
  'business-groups',
  'user-groups',
  'default-address',
  'default-currency',
  'expense-approval-limit',
  'approval-limit',
  'phone-work',
  'fullname',
  'password',
  'avatar-thumb-url',
  'api-user',
  'active?',
  'colour',
  '',
];
const PATH_PARTS = words('name id code login amount currency country number manager department created-at active x');
/** Coupa's operators, spelled as documented (an independent list, not the server's). */
const OPERATORS = [
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
] as const;
const OPERATOR_SPELLINGS = [...OPERATORS, 'not-in', 'starts-with', 'GT', 'eq', 'like', 'gt ', '', 'in]', '[in'];

const ODD_DATES = [
  '0000-01-01',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59-14:00',
  '9999-12-31T23:59:59+14:00',
  '+275760-09-13',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20',
  '-000001-01-01',
  '+999999-01-01',
  '2026-02-29',
  '2026-13-01',
  '2026-01-01T24:00:00Z',
  '2026-01-01T23:59:60Z',
  '1970-01-01T00:00:00+99:99',
  '2026-01-01T00:00:00.123456789Z',
  '2026-01-01T00:00:00 02:00',
  '20260101',
  '2026-W01',
  '1e10',
  'now',
];
const ODD_NUMBERS = words(
  '123456789012345678901234567890 -123456789012345678901234567890 123456789012345678901234567890.5 0.000000000000000000000000000001 2147483648 -2147483649 9223372036854775808 9007199254740993 -0 1e400 0x10 1_000 1.5 .5 5. NaN Infinity +1',
);
const ODD_VALUES = [
  ...ODD_DATES,
  ...ODD_NUMBERS,
  'true',
  'TRUE',
  'yes',
  '1',
  '0',
  '',
  ' ',
  'active',
  'inactive',
  ',',
  ',,',
  'a,b',
  '%',
  '_',
  '\\',
];

const queryValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ODD_VALUES).map((v) => pct(v)) },
  {
    weight: 2,
    arbitrary: fc.array(fc.constantFrom(...ODD_VALUES), { minLength: 2, maxLength: 6 }).map((vs) => pct(vs.join(','))),
  },
  // Long in lists (a URL stays under 16 KiB, as an HTTP server insists).
  {
    weight: 1,
    arbitrary: fc.integer({ min: 50, max: 2500 }).map((n) => Array.from({ length: n }, (_, i) => String(i + 1)).join(',')),
  },
);

const queryName: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...QUERY_ELEMENTS),
        fc.array(fc.oneof(fc.constantFrom(...PATH_PARTS), fc.constantFrom(...OPERATOR_SPELLINGS)), { maxLength: 3 }),
      )
      .map(([el, parts]) => `${el}${parts.map((p) => `[${p}]`).join('')}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'login[gt][in]',
      'created-at[contains]',
      'active[gt]',
      'login[]',
      'login[[gt]]',
      'login[gt]x',
      'login[',
      'login]',
      '[login]',
      'manager[manager][manager][manager][manager][id]',
      'manager[manager][manager][manager][id]',
      'manager[manager][manager][manager][manager][manager][manager][manager][login]',
      'roles[name][in][in]',
      'phone-work[number][number]',
      'default-address[country][code][starts_with]',
      'filter',
      'offset',
      'limit',
      'order_by',
      'dir',
      'fields',
      'return_object',
      'return-object',
    ),
  },
);

const FIELDS_JUNK = [
  '[',
  '[]',
  '{}',
  'null',
  '"id"',
  '[1,2]',
  '[null]',
  '[""]',
  '["id","id"]',
  '[{"roles":"name"}]',
  '[{"roles":["name",{"x":[]}]}]',
  '[{"":[]}]',
  '[{"roles":[]}]',
  '[{"manager":[{"manager":[{"manager":["id"]}]}]}]',
  '["password"]',
  '["active?"]',
  `${'['.repeat(2000)}${']'.repeat(2000)}`,
];

const specialParam: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('limit', 'offset'),
      fc.constantFrom('99999999999999999999', '-1', '1.5', '', '1e3', '2147483648', '9007199254740992', '0', ' 5', 'ten'),
    )
    .map(([k, v]) => `${k}=${pct(v)}`),
  fc.constantFrom(...QUERY_ELEMENTS, ...PROTO_NAMES, 'id;drop table users', 'roles[name]', '').map((v) => `order_by=${pct(v)}`),
  fc.constantFrom('asc', 'desc', 'DESC', 'up', '', 'asc,desc').map((v) => `dir=${pct(v)}`),
  fc.constantFrom(...FIELDS_JUNK).map((v) => `fields=${pct(v)}`),
  fc.constantFrom('limited', 'shallow', 'none', 'full', '', 'LIMITED', 'limited,shallow').map((v) => `return_object=${pct(v)}`),
);

/** Paths the parser accepts, by type, so that odd operators and extreme values reach the SQL. */
const TYPED_PATHS: ReadonlyArray<readonly [readonly string[], readonly string[]]> = [
  [
    words(
      'login email employee-number default-locale authentication-method roles[name] content-groups[name] department[name] manager[login] manager[department][name] default-address[country][code] default-currency[code] expense-approval-limit[currency][code] phone-work[number] phone-mobile[country-code]',
    ),
    ['', '%', '_', '\\', '%25', "'", '"', ' ', 'a%', 'é', '😀', 'ǅ', 'ß', 'x'.repeat(300), 'user_1', 'Buyer', 'USD'],
  ],
  [
    words(
      'id account-security-type roles[id] user-groups[id] department[id] manager[id] manager[manager][manager][id] default-currency[decimals]',
    ),
    [
      '1',
      '0',
      '-0',
      '+1',
      '007',
      '2147483647',
      '2147483648',
      '-2147483649',
      '9007199254740993',
      '9223372036854775808',
      '123456789012345678901234567890',
      '',
    ],
  ],
  [
    ['expense-approval-limit[amount]', 'requisition-approval-limit[amount]'],
    [
      '1000',
      '.5',
      '5.',
      '-0',
      '123456789012345678901234567890',
      '123456789012345678901234567890.123',
      '0.000000000000000000000000000001',
      '1e3',
      '',
    ],
  ],
  [['created-at', 'updated_at', 'manager[created-at]'], ODD_DATES],
  [
    ['active', 'department[active]', 'status'],
    ['true', 'false', '1', '0', '', 'active', 'inactive'],
  ],
];

const VALID_OPERATORS = ['', '', ...OPERATORS];

const LIST_OPERATORS = new Set(['in', 'not_in']);

const typedParam: fc.Arbitrary<string> = fc
  .constantFrom(...TYPED_PATHS)
  .chain(([paths, values]) =>
    fc.tuple(
      fc.constantFrom(...paths),
      fc.constantFrom(...VALID_OPERATORS),
      fc.array(fc.constantFrom(...values), { minLength: 1, maxLength: 4 }),
    ),
  )
  .map(([path, op, vs]) => {
    const value = op === 'blank' ? (vs[0] === '' ? 'true' : 'false') : LIST_OPERATORS.has(op) ? vs.join(',') : (vs[0] ?? '');
    return `${pctName(op === '' ? path : `${path}[${op}]`)}=${pct(value)}`;
  });

/** An in list of up to 2500 ids (the URL stays under 16 KiB, as an HTTP server insists). */
const longList: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('id[in]', 'id[not_in]', 'roles[id][in]', 'manager[id][not_in]', 'login[in]'),
    fc.integer({ min: 50, max: 2500 }),
  )
  .map(([name, n]) => `${pctName(name)}=${Array.from({ length: n }, (_, i) => String(i + 1)).join(',')}`);

const queryParams: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.array(
      fc.oneof(
        { weight: 6, arbitrary: typedParam },
        { weight: 3, arbitrary: fc.tuple(queryName, queryValue).map(([n, v]) => `${pctName(n)}=${v}`) },
        { weight: 2, arbitrary: specialParam },
        { weight: 1, arbitrary: longList },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    oneIn(8, fc.constant(true)),
  )
  // Now and then a parameter twice.
  .map(([ps, dup]) => (dup && ps[0] !== undefined ? [...ps, ps[0]] : ps));

/** What a show or a write takes: mostly return_object and fields, sometimes anything. */
const viewParams: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 3, arbitrary: specialParam.filter((p) => /^(fields|return_object)=/.test(p)).map((p) => [p]) },
  { weight: 1, arbitrary: queryParams },
);

export const queryMisuse: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(queryParams, accept)
      .map(([ps, acc]) => new FuzzRequest('GET', `/api/users?${ps.join('&')}`, acc, undefined)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(userId, viewParams, accept)
      .map(([id, ps, acc]) => new FuzzRequest('GET', `/api/users/${id}?${ps.join('&')}`, acc, undefined)),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(writeTarget, newUser, viewParams, format, accept).map(([target, base, ps, f, acc]) => {
      const doc = new Obj(target.create ? base : [['middlename', 'Q']]);
      return new FuzzRequest(
        target.method,
        `${target.url}?${ps.join('&')}`,
        { 'content-type': CONTENT_TYPES[f][0] ?? '', ...acc },
        renderBody(f, doc, false),
      );
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom<Method>('GET', 'DELETE'), userId, viewParams)
      .map(([method, id, ps]) => new FuzzRequest(method, `/api/users/${id}/avatar?${ps.join('&')}`, {}, undefined)),
  },
);

// ---------------------------------------------------------------------------------------------
// Class: out-of-range values in bodies

const AMOUNTS: Val[] = [
  new Raw('123456789012345678901234567890'),
  '123456789012345678901234567890',
  '-123456789012345678901234567890',
  '1234567890123456789012345678901234567890.123456789',
  '1.123456789012345678901234567890',
  '99999999999999999999.99',
  '0.000000000000000000000000000001',
  new Raw('1e308'),
  '1e400',
  '-1e400',
  'NaN',
  'Infinity',
  '-0',
  '-1',
  '0',
  ' 5 ',
  '0x10',
  '',
  new Raw('9007199254740993'),
];

const BIG_IDS: Val[] = [
  new Raw('2147483648'),
  new Raw('-2147483649'),
  2147483647,
  new Raw('9007199254740993'),
  new Raw('1e20'),
  '2147483648',
  '99999999999999999999999999999',
  new Raw('-0'),
  0,
];

const overLength = (n: number): fc.Arbitrary<string> => fc.constantFrom('x', 'é', '😀', 'a\u0301').map((c) => c.repeat(n + 1));

const outOfRangeEntry: fc.Arbitrary<Entry> = fc.oneof(
  // Approval limits: amounts, subjects, names and currencies that do not fit.
  fc
    .record({
      name: fc.constantFrom(...names(APPROVAL_LIMITS)),
      amount: fc.constantFrom(...AMOUNTS),
      currency: fc.constantFrom<Val>(
        obj(['code', 'USD']),
        obj(['code', 'USDOLLAR']),
        obj(['id', new Raw('2147483648')]),
        'USD',
        obj(['code', 'X'.repeat(300)]),
      ),
      subject: fc.option(overLength(255)),
      label: fc.option(overLength(255)),
    })
    .map(({ name, amount, currency, subject, label }): Entry => {
      const es: Entry[] = [
        ['amount', amount],
        ['currency', currency],
      ];
      if (subject !== null) es.push(['subject', subject]);
      if (label !== null) es.push(['name', label]);
      return [name, new Obj(es)];
    }),
  fc
    .tuple(fc.constantFrom(...names(APPROVAL_LIMITS)), fc.constantFrom(...BIG_IDS))
    .map(([name, id]): Entry => [name, obj(['id', id])]),
  // References and collections by ids that do not fit an integer column.
  fc
    .tuple(fc.constantFrom(...OTHER_REFERENCES), fc.constantFrom(...BIG_IDS), fc.boolean())
    .map(([el, id, bare]): Entry => [el.name, bare ? id : obj(['id', id])]),
  fc
    .tuple(fc.constantFrom(...COLLECTIONS), fc.constantFrom(...BIG_IDS))
    .map(([el, id]): Entry => [el.name, [obj(['id', id]), id]]),
  // Natural keys longer than their column.
  fc.tuple(fc.constantFrom(...OTHER_REFERENCES, ...COLLECTIONS)).chain(([el]) => {
    const key = keyOf(el.target);
    const length = indexCatalog(resourceNamed(el.target)).key.length ?? 255;
    return overLength(length).map((s): Entry => [el.name, el.kind === 'collection' ? [obj([key, s])] : obj([key, s])]);
  }),
  // Integers, booleans and enumerations out of range.
  fc
    .tuple(
      fc.constantFrom(
        'account-security-type',
        'business-group-security-type',
        'active',
        'purchasing-user',
        'authentication-method',
        'employee-payment-channel',
      ),
      fc.constantFrom<Val>(...BIG_IDS, 1.5, -1, 'yes', 2, new Raw('1e400')),
    )
    .map(([name, v]): Entry => [name, v]),
  // Strings and phone parts one past their length.
  fc.constantFrom(...STRING_SCALARS).chain((el) => overLength(el.length ?? 255).map((s): Entry => [el.name, s])),
  fc
    .tuple(
      fc.constantFrom(...COMPOSITES),
      fc.constantFrom(['country-code', 8], ['area-code', 16], ['number', 64], ['extension', 16]),
    )
    .chain(([el, [part, length]]) => overLength(length).map((s): Entry => [el.name, obj([part, s])])),
  // Dates out of range (read-only elements, so they are ignored).
  fc.tuple(fc.constantFrom('created-at', 'updated-at'), fc.constantFrom(...ODD_DATES)).map(([name, d]): Entry => [name, d]),
);

export const outOfRange: fc.Arbitrary<FuzzRequest> = documentWrites(fc.array(outOfRangeEntry, { minLength: 1, maxLength: 3 }));

// ---------------------------------------------------------------------------------------------
// Class: junk forms on the token endpoint

const FORM_KEYS = ['grant_type', 'client_id', 'client_secret', 'scope', 'username', 'password', 'code', 'refresh_token', 'x'];
const FORM_VALUES = [
  'client_credentials',
  'password',
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  OAUTH_CLIENT.id,
  OAUTH_CLIENT.secret,
  'core.user.read',
  'core.user.read core.user.write',
  'core.user.read  core.user.write',
  'core.everything',
  '',
  ' ',
  '+',
  '%20',
  '%',
];

const BASIC_HEADERS = [
  `Basic ${Buffer.from(`${OAUTH_CLIENT.id}:${OAUTH_CLIENT.secret}`).toString('base64')}`,
  `Basic ${Buffer.from(`${OAUTH_CLIENT.id}:wrong`).toString('base64')}`,
  `Basic ${Buffer.from('no-colon').toString('base64')}`,
  `Basic ${Buffer.from('%zz:%zz').toString('base64')}`,
  `Basic ${Buffer.from(':').toString('base64')}`,
  'Basic !!!notbase64',
  'Basic',
  'Bearer x',
  'basic ' + Buffer.from(`${OAUTH_CLIENT.id}:${OAUTH_CLIENT.secret}`).toString('base64'),
];

type Form = ReadonlyArray<readonly [string, string]>;

const VALID_FORM: Form = [
  ['grant_type', 'client_credentials'],
  ['client_id', OAUTH_CLIENT.id],
  ['client_secret', OAUTH_CLIENT.secret],
  ['scope', 'core.user.read'],
];

/** One change to a token form: a field dropped, repeated, emptied, given another value, or a stranger added. */
const formMutation: fc.Arbitrary<(form: Form) => Form> = fc.oneof(
  fc.nat().map((i) => (form: Form) => form.filter((_, k) => k !== i % Math.max(1, form.length))),
  fc.nat().map((i) => (form: Form) => {
    const f = form[i % Math.max(1, form.length)];
    return f ? [...form, f] : form;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...FORM_VALUES)).map(
    ([i, v]) =>
      (form: Form) =>
        form.map(([k, old], n): readonly [string, string] => [k, n === i % Math.max(1, form.length) ? v : old]),
  ),
  fc
    .tuple(fc.constantFrom(...FORM_KEYS, 'GRANT_TYPE', 'grant_type[]', 'grant_type[x]', ''), fc.constantFrom(...FORM_VALUES))
    .map(([k, v]) => (form: Form) => [...form, [k, v] as const]),
);

export const oauthForms: fc.Arbitrary<FuzzRequest> = fc
  .record({
    mutations: fc.array(formMutation, { maxLength: 3 }),
    authorization: oneIn(3, fc.constantFrom(...BASIC_HEADERS)),
    type: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'application/json',
      'application/xml',
      'text/plain',
      'multipart/form-data; boundary=x',
      undefined,
    ),
    path: fc.constantFrom('/oauth2/token', '/oauth2/token', '/oauth2/access_tokens'),
    raw: oneIn(
      10,
      fc.constantFrom('&&&', '=', '==&=', 'grant_type', 'a=1&a=2', '%', '{"grant_type":"client_credentials"}', '\u0000=\u0000'),
    ),
  })
  .map(({ mutations, authorization, type, path, raw }) => {
    const headers: Record<string, string> = {};
    if (type !== undefined) headers['content-type'] = type;
    if (authorization !== null) headers['authorization'] = authorization;
    // With HTTP Basic the secret leaves the body (and the mutations may bring it back).
    const start = authorization === null ? VALID_FORM : VALID_FORM.filter(([k]) => k !== 'client_secret');
    const fields = mutations.reduce((form, change) => change(form), start);
    const body = raw ?? formBody(fields.map(([k, v]) => [pct(k), pct(v)]));
    return new FuzzRequest('POST', path, headers, body, { credentials: false });
  });

// ---------------------------------------------------------------------------------------------
// Class: truncated and badly delimited uploads (issue 17, kind 1)

/** An upload route, and what a clean upload to it answers. */
export interface UploadTarget {
  readonly method: Method;
  readonly url: string;
  /** The status a well-formed upload gets: 201 or 200. */
  readonly ok: number;
  /** The upload's own error code (UploadSpec.code). */
  readonly code: 'invalid_avatar' | 'invalid_attachment';
  /** The field names the file may come in. */
  readonly fields: readonly string[];
}

/** One generated upload: a body carrying a valid image, well-formed or broken, and what it may get. */
export interface UploadCase<T extends UploadTarget> {
  readonly target: T;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The image the body carries (a body cut short holds only its start). */
  readonly image: Buffer;
  /**
   * A broken body: 400 with the target's code (413 when it also passes a limit), and `note` says
   * what is wrong with it; a well-formed one: `ok`.
   */
  readonly options: RequestOptions;
}

/** RFC 2046 §5.1.1's bchars, but for the space (which may not end a boundary). */
const BCHARS = Array.from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=?");
/** RFC 9110's tchar: a parameter value of other characters must be quoted. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Printable ASCII outside bchars. */
const NOT_BCHARS = Array.from('!#$%&*;<>@[]^`{|}~"\\');

/** A boundary RFC 2046 allows: 1 to 70 bchars (spaces inside), some well-known ones first. */
const goodBoundary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('RosterB1', '----WebKitFormBoundary7MA4YWxkTrZu0gW', 'x', "'()+_,-./:=?", 'a b c', 'B'.repeat(70)),
  fc
    .tuple(fc.string({ unit: fc.constantFrom(...BCHARS, ' '), maxLength: 69 }), fc.constantFrom(...BCHARS))
    .map(([s, last]) => s + last),
);

/** The Content-Type parameter for a boundary: bare when it is a token (unless `quote`), else quoted and escaped. */
const boundaryParam = (b: string, quote: boolean): string =>
  TOKEN.test(b) && !quote ? `boundary=${b}` : `boundary="${b.replace(/["\\]/g, '\\$&')}"`;

/** Boundaries RFC 2046 does not allow, each with its Content-Type parameter. */
const badBoundary: fc.Arbitrary<{ boundary: string; param: string; fault: string }> = fc.oneof(
  fc.constant({ boundary: '', param: 'boundary=', fault: 'an empty boundary' }),
  fc.constant({ boundary: '', param: 'boundary=""', fault: 'a quoted empty boundary' }),
  fc.tuple(fc.integer({ min: 71, max: 200 }), fc.constantFrom(...BCHARS), fc.boolean()).map(([n, c, quote]) => ({
    boundary: c.repeat(n),
    param: boundaryParam(c.repeat(n), quote),
    fault: `a boundary of ${n} characters`,
  })),
  fc.tuple(goodBoundary, fc.constantFrom(...NOT_BCHARS), fc.nat(), fc.boolean()).map(([b, c, at, quote]) => {
    const i = at % (b.length + 1);
    const boundary = b.slice(0, i) + c + b.slice(i);
    return { boundary, param: boundaryParam(boundary, quote), fault: `a boundary holding ${JSON.stringify(c)}, not a bchar` };
  }),
  goodBoundary.map((b) => ({ boundary: `${b} `, param: boundaryParam(`${b} `, true), fault: 'a boundary ending in a space' })),
);

const uploadImage: fc.Arbitrary<{ data: Buffer; type: string; filename: string }> = fc.oneof(
  fc.constantFrom(0, 0, 500, 5000).map((padding) => ({ data: makePng({ padding }), type: 'image/png', filename: 'new.png' })),
  fc.constant({ data: makePng({ width: 3, height: 2 }), type: 'image/png', filename: 'wide.png' }),
  fc.constant({ data: makeGif(), type: 'image/gif', filename: 'new.gif' }),
);

/** How a body with a good boundary ends badly. */
type BadEnding =
  | { readonly kind: 'cut'; readonly at: number }
  | { readonly kind: 'bare delimiter' }
  | { readonly kind: 'extra part'; readonly file: boolean; readonly tail: string }
  | { readonly kind: 'no closing delimiter'; readonly crlf: boolean };

const badEnding: fc.Arbitrary<BadEnding> = fc.oneof(
  { weight: 4, arbitrary: fc.nat().map((at): BadEnding => ({ kind: 'cut', at })) },
  { weight: 1, arbitrary: fc.constant<BadEnding>({ kind: 'bare delimiter' }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.boolean(), fc.constantFrom('', 'xx', 'more data', '\r\n', '\r\n--'))
      .map(([file, tail]): BadEnding => ({ kind: 'extra part', file, tail })),
  },
  { weight: 1, arbitrary: fc.boolean().map((crlf): BadEnding => ({ kind: 'no closing delimiter', crlf })) },
);

/** What follows a well-formed body's closing delimiter: a CRLF, nothing, or an epilogue. */
const EPILOGUES = ['\r\n', '\r\n', '', '\r\nepilogue, ignored\r\n'];

/**
 * Multipart bodies for `targets` that carry a whole, valid image (PNG or GIF) in one of the
 * target's fields, after a text field now and then: a quarter well-formed (every boundary RFC
 * 2046 allows, quoted or bare), the rest broken, either at the end (cut anywhere from the
 * file's first byte to the closing delimiter's last, ending in a bare `\r\n--B`, an extra part
 * that never ends, no closing delimiter) or in the boundary (empty, quoted empty, over 70
 * characters, a character outside bchars, a trailing space).
 */
export function uploadBodies<T extends UploadTarget>(targets: fc.Arbitrary<T>): fc.Arbitrary<UploadCase<T>> {
  return fc
    .record({
      target: targets,
      image: uploadImage,
      field: fc.nat(),
      lead: fc.boolean(),
      boundary: goodBoundary,
      quote: fc.boolean(),
      fault: fc.oneof(
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 2, arbitrary: badEnding },
        { weight: 1, arbitrary: badBoundary },
      ),
      epilogue: fc.constantFrom(...EPILOGUES),
      accept,
    })
    .map(({ target, image, field, lead, boundary: good, quote, fault, epilogue, accept: acc }) => {
      const bad = fault !== null && 'param' in fault ? fault : undefined;
      const ending = fault !== null && 'kind' in fault ? fault : undefined;
      const b = bad?.boundary ?? good;
      const name = target.fields[field % target.fields.length] ?? 'file';
      const text = lead ? `--${b}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n` : '';
      const head = Buffer.from(
        `${text}--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="${image.filename}"\r\nContent-Type: ${image.type}\r\n\r\n`,
      );
      const closing = Buffer.from(`\r\n--${b}--`);
      let body = Buffer.concat([head, image.data, closing, Buffer.from(epilogue)]);
      let what = bad?.fault;
      let tooMany = false;
      switch (ending?.kind) {
        case 'cut': {
          // From the file's first byte to one short of the closing delimiter's end: never clean.
          const span = image.data.length + closing.length;
          const at = ending.at % span;
          body = body.subarray(0, head.length + at);
          what =
            at < image.data.length
              ? `cut after ${at} of the file's ${image.data.length} bytes`
              : `cut ${at - image.data.length} bytes into the closing delimiter`;
          break;
        }
        case 'bare delimiter':
          body = Buffer.concat([head, image.data, Buffer.from(`\r\n--${b}`)]);
          what = 'ending in a bare delimiter';
          break;
        case 'extra part':
          body = Buffer.concat([
            head,
            image.data,
            Buffer.from(`\r\n--${b}\r\nContent-Disposition: form-data; name="extra"`),
            Buffer.from(ending.file ? '; filename="x.png"\r\nContent-Type: image/png\r\n\r\n' : '\r\n\r\n'),
            Buffer.from(ending.tail),
          ]);
          what = `an extra ${ending.file ? 'file ' : ''}part that never ends`;
          // A second file passes the one-file limit before the body's end is seen.
          tooMany = ending.file;
          break;
        case 'no closing delimiter':
          body = Buffer.concat([head, image.data, Buffer.from(ending.crlf ? '\r\n' : '')]);
          what = 'no closing delimiter';
          break;
        case undefined:
          break;
      }
      const headers = { 'content-type': `multipart/form-data; ${bad?.param ?? boundaryParam(b, quote)}`, ...acc };
      const options: RequestOptions =
        what === undefined
          ? { allowed: [target.ok] }
          : {
              allowed: tooMany ? [400, 413] : [400],
              codes: tooMany ? [target.code, 'payload_too_large'] : [target.code],
              note: what,
            };
      return { target, headers, body, image: image.data, options };
    });
}

/** The users' avatar routes: POST answers 201 (Coupa's Swagger), PUT 200. */
export const userUploads: fc.Arbitrary<FuzzRequest> = uploadBodies(
  fc.tuple(fc.constantFrom('1', '2', '3'), fc.constantFrom<Method>('POST', 'PUT')).map(([id, method]): UploadTarget => ({
    method,
    url: `/api/users/${id}/avatar`,
    ok: method === 'POST' ? 201 : 200,
    code: 'invalid_avatar',
    fields: ['file'],
  })),
).map((c) => new FuzzRequest(c.target.method, c.target.url, c.headers, c.body, c.options));

// ---------------------------------------------------------------------------------------------
// Class: credentials in every spelling, against a logger at trace (issue 17, kind 2)

/** Credentials the app under test knows, set up by the class before any request is generated. */
export interface LoggedCredentials {
  readonly clientId: string;
  /** The secret of that OAuth client. */
  readonly clientSecret: string;
  /** A bearer token the app issued to it (read as each request is generated). */
  readonly token: () => string;
}

const SECRET_UNITS = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');

/** A secret no log line holds by chance: 26 to 42 URL-safe characters (shrunk, `ZqAAAA…`, still 26). */
export const secretToken: fc.Arbitrary<string> = fc
  .string({ unit: fc.constantFrom(...SECRET_UNITS), minLength: 24, maxLength: 40 })
  .map((s) => `Zq${s}`);

/** The names a secret parameter goes by in a URL, in the spellings redactUrl reads: case, `-`, camelCase, percent-encoded. */
const SECRET_PARAM_NAMES = [
  'client_secret',
  'Client-Secret',
  'CLIENT_SECRET',
  'clientSecret',
  '%63lient_secret',
  'client%5Fsecret',
  '%2563lient_secret',
  'access_token',
  'Access-Token',
  'access%5Ftoken',
  'refresh_token',
  'x-coupa-api-key',
  'X-COUPA-API-KEY',
  'x_coupa_api_key',
  'api_key',
  'API-KEY',
  'apiKey',
  'password',
  'Password',
];

const API_KEY_HEADERS = ['x-coupa-api-key', 'X-COUPA-API-KEY', 'X-Coupa-Api-Key', 'x-Coupa-API-key'];

/** What one credential adds to a request. */
interface Carried {
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: string;
  readonly pathParam?: string;
  /** The values that must not be logged. */
  readonly secrets: readonly string[];
  readonly apiKeys?: readonly string[];
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** A secret the app knows (`known`), or, a third of the time, a generated one it refuses. */
const secretOr = (known: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 2, arbitrary: known }, { weight: 1, arbitrary: secretToken });

function carried(valid: LoggedCredentials): fc.Arbitrary<Carried> {
  const token = fc.constant(null).map(() => valid.token());
  const clientSecret = fc.constant(valid.clientSecret);
  return fc.oneof(
    // The API key header, in any case: a generated key the app is told of (valid), or one it does not know.
    fc
      .tuple(fc.constantFrom(...API_KEY_HEADERS), secretToken, fc.boolean())
      .map(([name, key, known]): Carried => ({ headers: { [name]: key }, secrets: [key], apiKeys: known ? [key] : [] })),
    // Bearer, in any case.
    fc
      .tuple(fc.constantFrom('authorization', 'Authorization'), fc.constantFrom('Bearer', 'bearer', 'BEARER'), secretOr(token))
      .map(([name, scheme, t]): Carried => ({ headers: { [name]: `${scheme} ${t}` }, secrets: [t] })),
    // Basic, with the client's secret or another.
    fc.tuple(fc.constantFrom('Basic', 'basic'), secretOr(clientSecret)).map(([scheme, s]): Carried => {
      const b = base64(`${valid.clientId}:${s}`);
      return { headers: { authorization: `${scheme} ${b}` }, secrets: [s, b] };
    }),
    // The other secret headers.
    secretToken.map((s): Carried => ({ headers: { cookie: `_roster=${s}; theme=dark` }, secrets: [s] })),
    secretToken.map((s): Carried => {
      const b = base64(`proxy:${s}`);
      return { headers: { 'proxy-authorization': `Basic ${b}` }, secrets: [s, b] };
    }),
    // Secrets in the query, and among the path's `;` parameters.
    fc
      .tuple(fc.constantFrom(...SECRET_PARAM_NAMES), secretOr(fc.oneof(token, clientSecret)))
      .map(([name, s]): Carried => ({ query: `${name}=${s}`, secrets: [s] })),
    fc
      .tuple(fc.constantFrom(...SECRET_PARAM_NAMES), secretOr(fc.oneof(token, clientSecret)))
      .map(([name, s]): Carried => ({ pathParam: `;${name}=${s}`, secrets: [s] })),
  );
}

type LoggedBody = 'none' | 'user' | 'new-user' | 'broken-json' | 'document' | 'image' | 'form' | 'json-form';

/** Every route family: users, workers and their documents, reference data, OAuth, health, unknown paths, uploads. */
const LOGGED_ROUTES: ReadonlyArray<readonly [Method, string, LoggedBody]> = [
  ['GET', '/api/users', 'none'],
  ['GET', '/api/users/1', 'none'],
  ['PUT', '/api/users/1', 'user'],
  ['POST', '/api/users', 'new-user'],
  ['POST', '/api/users', 'broken-json'],
  ['PUT', '/api/users/1/avatar', 'image'],
  ['POST', '/api/users/2/avatar', 'image'],
  ['GET', '/api/workers', 'none'],
  ['GET', '/api/workers/1', 'none'],
  ['PUT', '/api/workers/1/avatar', 'image'],
  ['GET', '/api/workers/1/worker_documents', 'none'],
  ['POST', '/api/workers/1/worker_documents', 'document'],
  ['POST', '/api/workers/1/worker_documents/1/attachments', 'image'],
  ['GET', '/api/departments', 'none'],
  ['GET', '/api/currencies', 'none'],
  ['POST', '/oauth2/token', 'form'],
  ['POST', '/oauth2/token', 'form'],
  ['POST', '/oauth2/token', 'json-form'],
  ['GET', '/health', 'none'],
  ['GET', '/api/no_such_resource', 'none'],
  ['DELETE', '/nowhere/1', 'none'],
];

/**
 * Requests to every route family carrying credentials in every spelling: the API key header in
 * any case, Bearer and Basic in any case, a cookie and Proxy-Authorization, `client_secret` in a
 * token form (and in JSON), a password in a user (and in JSON the parser refuses), and secrets
 * as query and path `;` parameters in every spelling of their names. Some credentials are the
 * app's own (a generated API key it is told of, its client's secret and token), so requests
 * reach the routes and uploads get parsed; the rest are refused. Each request lists the values
 * that must never be logged (options.secrets).
 */
export function credentialsEverywhere(valid: LoggedCredentials): fc.Arbitrary<FuzzRequest> {
  // Mostly a credential the app takes first, so that most requests reach their route (and an
  // upload's body gets parsed) before the others are added.
  const auth: fc.Arbitrary<Carried[]> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...API_KEY_HEADERS), secretToken)
        .map(([name, key]): Carried[] => [{ headers: { [name]: key }, secrets: [key], apiKeys: [key] }]),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('Bearer', 'bearer', 'BEARER'),
          fc.constant(null).map(() => valid.token()),
        )
        .map(([scheme, t]): Carried[] => [{ headers: { authorization: `${scheme} ${t}` }, secrets: [t] }]),
    },
    { weight: 1, arbitrary: fc.constant<Carried[]>([]) },
  );
  return fc
    .record({
      route: fc.constantFrom(...LOGGED_ROUTES),
      carried: fc
        .tuple(auth, fc.array(carried(valid), { minLength: 1, maxLength: 3 }))
        .map(([first, more]) => [...first, ...more]),
      bodySecret: secretOr(fc.constant(valid.clientSecret)),
      inBody: fc.boolean(),
      n: fc.nat({ max: 99_999 }),
      paramAt: fc.boolean(),
      accept,
    })
    .map(({ route: [method, path, kind], carried: parts, bodySecret, inBody, n, paramAt, accept: acc }) => {
      const secrets = parts.flatMap((p) => p.secrets);
      const headers: Record<string, string> = { ...acc };
      for (const p of parts) Object.assign(headers, p.headers);
      let body: string | Buffer | undefined;
      // Secrets in bodies: the client secret in a token form, a password in a user.
      const secretInBody = inBody || kind === 'form' || kind === 'json-form' || kind === 'broken-json';
      if (secretInBody && kind !== 'none' && kind !== 'image' && kind !== 'document') secrets.push(bodySecret);
      switch (kind) {
        case 'none':
          break;
        case 'user':
        case 'new-user': {
          const user: Record<string, string> =
            kind === 'user'
              ? { firstname: 'Logged' }
              : { login: `log_${n}`, email: `log_${n}@example.com`, firstname: 'Logged', lastname: 'User' };
          if (inBody) user['password'] = bodySecret;
          headers['content-type'] = 'application/json';
          body = JSON.stringify(user);
          break;
        }
        case 'broken-json':
          headers['content-type'] = 'application/json';
          body = `{"login":"log_${n}","password":"${bodySecret}"`;
          break;
        case 'document':
          headers['content-type'] = 'application/json';
          body = JSON.stringify({ type: { name: 'Work Permit' } });
          break;
        case 'image':
          headers['content-type'] = `multipart/form-data; boundary=${BOUNDARY}`;
          body = multipartBody(BOUNDARY, [{ name: 'file', filename: 'a.png', type: 'image/png', data: PNG }]);
          break;
        case 'form': {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          body = `grant_type=client_credentials&client_id=${valid.clientId}&client_secret=${bodySecret}&scope=core.user.read`;
          break;
        }
        case 'json-form':
          headers['content-type'] = 'application/json';
          body = JSON.stringify({ grant_type: 'client_credentials', client_id: valid.clientId, client_secret: bodySecret });
          break;
      }
      const query = parts.flatMap((p) => (p.query === undefined ? [] : [p.query]));
      const params = parts.flatMap((p) => (p.pathParam === undefined ? [] : [p.pathParam])).join('');
      // A `;` parameter at the end of the path, or after its first segment.
      const cut = paramAt ? path.indexOf('/', 1) : -1;
      const withParams = cut > 0 ? path.slice(0, cut) + params + path.slice(cut) : path + params;
      const url = query.length === 0 ? withParams : `${withParams}?${query.join('&')}`;
      return new FuzzRequest(method, url, headers, body, {
        credentials: false,
        secrets: [...new Set(secrets)],
        apiKeys: parts.flatMap((p) => p.apiKeys ?? []),
      });
    });
}

// ---------------------------------------------------------------------------------------------
// Class: errors Node's HTTP layer raises, over a raw socket (issue 17, kind 4)

/** Node's limit on a request line and headers (http.maxHeaderSize): past it, a 431. */
const HEADER_LIMIT = 16 * 1024;

/**
 * `Accept` values and the error format each asks for (src/http/format/negotiate.ts, restated):
 * one that names JSON or XML decides by its weights; any other, or none, leaves XML (these
 * requests have no body type).
 */
const ACCEPTS: ReadonlyArray<readonly [string | undefined, Format]> = [
  [undefined, 'xml'],
  ['application/json', 'json'],
  ['application/xml', 'xml'],
  ['*/*', 'xml'],
  ['text/html', 'xml'],
  ['application/json; charset=utf-8', 'json'],
  ['application/json;q=0.1, application/xml', 'xml'],
  ['application/xml;q=0.5, application/json', 'json'],
  ['text/xml, application/json;q=0.9', 'xml'],
];

/** Request lines Node's parser refuses (each checked against Node 20's llhttp): bad methods, targets, versions. */
const BAD_REQUEST_LINES = [
  'HELLO THERE',
  'get /api/users HTTP/1.1',
  'G@T /api/users HTTP/1.1',
  ' GET /api/users HTTP/1.1',
  'GET\t/api/users HTTP/1.1',
  'GET',
  'GET /api/users ',
  'GET /api/a b HTTP/1.1',
  'GET /api/users\u0001 HTTP/1.1',
  'GET /api/users\u007f HTTP/1.1',
  'GET /api/us\u00e9rs HTTP/1.1',
  'GET ? HTTP/1.1',
  'PRI * HTTP/2.0',
  '\u0016\u0003\u0001\u0002\u0000\u0001',
];
/** Versions llhttp refuses (it takes 0.9, 1.0, 1.1 and 2.0 only). */
const BAD_VERSIONS = [
  'HTTP/1.2',
  'HTTP/3',
  'HTTP/1',
  'HTTP/1.1.1',
  'HTTPS/1.1',
  'http/1.1',
  'HTTP/9.9',
  'HTTP/1.x',
  'HTTP/11',
  'HTTP/ 1.1',
  'HTTP/1.1 ',
];
/** Header lines llhttp refuses. */
const BAD_HEADER_LINES = [
  'Host : roster.test',
  'X Y: z',
  'NoColon',
  'X-A: a\u0000b',
  'X-A: a\u007fb',
  ' X-Folded: a',
  ': empty name',
  'Content-Length: abc',
  'Content-Length: -1',
  'Content-Length: 1\r\nContent-Length: 2',
  'Transfer-Encoding: chunked\r\nContent-Length: 3',
  'Transfer-Encoding: chunked, identity',
];

const RAW_PATHS = [
  '/api/users',
  '/api/users/1',
  '/api/workers/1',
  '/api/workers/1/worker_documents/1/attachments',
  '/api/nowhere',
];
const RAW_METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'DELETE'];

interface RawShape {
  readonly method: Method;
  readonly path: string;
  readonly line: string;
  /** Header lines before and after the `Accept` header. */
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly status: 400 | 431;
}

const filler = (name: string, n: number): string => `${name}: ${'b'.repeat(n)}`;

const rawShape: fc.Arbitrary<RawShape> = fc.oneof(
  // A URL over the limit, in the path or the query.
  fc
    .tuple(
      fc.constantFrom(...RAW_METHODS),
      fc.constantFrom(...RAW_PATHS),
      fc.integer({ min: HEADER_LIMIT + 100, max: 24_000 }),
      fc.boolean(),
    )
    .map(([method, path, n, inQuery]): RawShape => {
      const url = inQuery ? `${path}?login=${'a'.repeat(n)}` : `${path}/${'x'.repeat(n)}`;
      return { method, path, line: `${method} ${url} HTTP/1.1`, before: ['Host: roster.test'], after: [], status: 431 };
    }),
  // A header block over the limit: one long header or many, the Accept header before or after them.
  fc
    .tuple(
      fc.constantFrom(...RAW_METHODS),
      fc.constantFrom(...RAW_PATHS),
      fc.integer({ min: HEADER_LIMIT + 100, max: 24_000 }),
      fc.integer({ min: 1, max: 40 }),
      fc.boolean(),
    )
    .map(([method, path, total, count, acceptFirst]): RawShape => {
      const each = Math.ceil(total / count);
      const fillers = Array.from({ length: count }, (_, i) => filler(i % 3 === 0 ? 'Cookie' : `X-Filler-${i}`, each));
      return {
        method,
        path,
        line: `${method} ${path} HTTP/1.1`,
        before: acceptFirst ? ['Host: roster.test'] : ['Host: roster.test', ...fillers],
        after: acceptFirst ? fillers : [],
        status: 431,
      };
    }),
  // A request line that is not HTTP.
  fc
    .constantFrom(...BAD_REQUEST_LINES)
    .map((line): RawShape => ({ method: 'GET', path: '/', line, before: ['Host: roster.test'], after: [], status: 400 })),
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...Array.from('abcdefghijklmnopqrstuvwxyz')), minLength: 1, maxLength: 10 }),
      fc.constantFrom(...RAW_PATHS),
    )
    .map(([method, path]): RawShape => ({
      method: 'GET',
      path,
      line: `${method} ${path} HTTP/1.1`,
      before: [],
      after: [],
      status: 400,
    })),
  // A version that is not HTTP/1.x.
  fc
    .tuple(fc.constantFrom(...RAW_METHODS), fc.constantFrom(...RAW_PATHS), fc.constantFrom(...BAD_VERSIONS))
    .map(([method, path, version]): RawShape => ({
      method,
      path,
      line: `${method} ${path} ${version}`,
      before: ['Host: roster.test'],
      after: [],
      status: 400,
    })),
  // A header line the parser refuses, before or after the Accept header.
  fc
    .tuple(fc.constantFrom(...RAW_METHODS), fc.constantFrom(...RAW_PATHS), fc.constantFrom(...BAD_HEADER_LINES), fc.boolean())
    .map(([method, path, bad, first]): RawShape => ({
      method,
      path,
      line: `${method} ${path} HTTP/1.1`,
      before: first ? ['Host: roster.test', bad] : ['Host: roster.test'],
      after: first ? [] : [bad],
      status: 400,
    })),
);

/**
 * Requests Node's HTTP layer refuses before any route sees them, as raw bytes: URLs and header
 * blocks over 16 KB (431 `headers_too_large`), request lines that are not HTTP, versions other
 * than HTTP/1.x, header lines the parser refuses (400 `malformed_request`), each with a random
 * `Accept`. The answer must be in Coupa's shape, in the format Accept asks for, and close the
 * connection; with or without the test API key, it is all the same to the parser.
 */
export const httpLayerErrors: fc.Arbitrary<FuzzRequest> = fc
  .tuple(rawShape, fc.constantFrom(...ACCEPTS), fc.boolean())
  .map(([shape, [acceptValue, format], withKey]) => {
    const lines = [
      shape.line,
      ...shape.before,
      ...(acceptValue === undefined ? [] : [`Accept: ${acceptValue}`]),
      ...(withKey ? ['X-Coupa-Api-Key: not-needed-here'] : []),
      ...shape.after,
    ];
    const raw = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    const headers: Record<string, string> = acceptValue === undefined ? {} : { accept: acceptValue };
    return new FuzzRequest(shape.method, shape.path, headers, undefined, {
      credentials: false,
      raw,
      allowed: [shape.status],
      codes: [shape.status === 431 ? 'headers_too_large' : 'malformed_request'],
      format,
    });
  });

// --- What every fuzz suite shares: its seed and run counts from the environment, and the server's error log.

/**
 * CI runs one fixed seed, so a red run replays exactly and an unrelated change is never blocked
 * by a newly drawn input; a local run draws a fresh seed each time and so widens the search.
 */
const CI_SEED = 20261130;
/** A whole-number environment variable, or the fallback; anything else stops the run rather than fuzzing with NaN. */
export function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got '${raw}'`);
  return Number(raw);
}

export const FUZZ_SEED = envInteger('FUZZ_SEED') ?? (process.env['CI'] === 'true' ? CI_SEED : Date.now() % 2 ** 31);
export const FUZZ_PATH = process.env['FUZZ_PATH'];
export const FUZZ_RUNS = envInteger('FUZZ_RUNS');

/**
 * What the app logs through request.log.error (the cause of a 500). Tests build the app without
 * a logger, and Fastify's null logger is then every request's logger; the capture is put back
 * when the class ends.
 */
export function captureServerErrors(t: TestApp): { take(): string[]; restore(): void } {
  const log = t.app.log as unknown as { error: (...args: unknown[]) => void };
  const original = log.error;
  let seen: string[] = [];
  log.error = (...args: unknown[]) => {
    const [first] = args;
    const err = typeof first === 'object' && first !== null && 'err' in first ? first.err : first;
    if (err instanceof Error) {
      const code = (err as { code?: unknown }).code;
      const frame = err.stack?.split('\n').find((l) => l.includes('/src/'));
      seen.push(`${err.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${err.message}${frame ? ` (${frame.trim()})` : ''}`);
    } else {
      seen.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    }
  };
  return {
    take() {
      const out = seen;
      seen = [];
      return out;
    },
    restore() {
      log.error = original;
    },
  };
}
