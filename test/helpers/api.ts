import { serialId } from '../../src/catalog/ids.js';
import { SyntaxValidator } from 'fast-xml-validator';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ERROR_CATALOG, type ErrorCode } from '../../src/domain/errors.js';
import type { Store } from '../../src/store/database.js';
import { RESOURCES, resourceNamed } from '../../src/catalog/registry.js';
import { membershipTable, type ResourceDef } from '../../src/catalog/resource.js';
import { RecordRepository } from '../../src/store/record-repository.js';
import { JSON_IO, type TestApp } from './test-app.js';

/** Ask for JSON without sending a body. */
export const ACCEPT_JSON = { accept: 'application/json' };

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
export const XML_TYPE = 'application/xml; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';

/** A user as the JSON API renders it. */
export type JsonUser = Record<string, unknown> & { readonly id: number };

/** A nested reference-data object as the JSON API renders it. */
export type JsonRef = Record<string, unknown> & { readonly id: number };

export function parseJson(res: LightMyRequestResponse): JsonUser {
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  return JSON.parse(res.body) as JsonUser;
}

export function parseJsonList(res: LightMyRequestResponse): JsonUser[] {
  expect(res.headers['content-type']).toBe(JSON_TYPE);
  return JSON.parse(res.body) as JsonUser[];
}

/** Whether a text is a well-formed XML document. */
export function isWellFormedXml(text: string): boolean {
  try {
    new SyntaxValidator().validate(text);
    return true;
  } catch {
    return false;
  }
}

/** POSTs a user as JSON and returns it; fails the test unless the API answers 201. */
export async function createUser(t: TestApp, fields: Record<string, unknown>): Promise<JsonUser> {
  const res = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: fields });
  expect(res.statusCode, res.body).toBe(201);
  return parseJson(res);
}

/** A JSON record of any resource. */
export type JsonRecord = Record<string, unknown> & { id: number };

/**
 * Creates a record of any served resource through its API, as a client would (JSON), and
 * returns the rendered record: `createRecord(t, 'departments', { name: 'Research' })`.
 */
export async function createRecord(t: TestApp, resource: string, fields: Record<string, unknown>): Promise<JsonRecord> {
  const path = resourceNamed(resource).api?.path;
  if (!path) throw new Error(`test setup: ${resource} is not served over HTTP`);
  const res = await t.request({ method: 'POST', url: path, headers: JSON_IO, payload: fields });
  expect(res.statusCode, res.body).toBe(201);
  return JSON.parse(res.body) as JsonRecord;
}

/** Every record of a served resource an index query returns, as JSON. */
export async function listRecords(t: TestApp, resource: string, query = ''): Promise<JsonRecord[]> {
  const path = resourceNamed(resource).api?.path;
  if (!path) throw new Error(`test setup: ${resource} is not served over HTTP`);
  const res = await t.request({ method: 'GET', url: `${path}${query}`, headers: ACCEPT_JSON });
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body) as JsonRecord[];
}

export async function showUser(t: TestApp, id: number): Promise<JsonUser> {
  const res = await t.request({ method: 'GET', url: `/api/users/${id}`, headers: ACCEPT_JSON });
  expect(res.statusCode, res.body).toBe(200);
  return parseJson(res);
}

export async function listUsers(t: TestApp, query = ''): Promise<JsonUser[]> {
  const res = await t.request({ method: 'GET', url: `/api/users${query}`, headers: ACCEPT_JSON });
  expect(res.statusCode, res.body).toBe(200);
  return parseJsonList(res);
}

/** The id of a reference-data row named by its natural key (seeded by default). */
export async function refId(store: Store, table: string, key: string): Promise<number> {
  const id = await new RecordRepository(store, resourceNamed(table)).idByKey(key);
  if (id === undefined) throw new Error(`test setup: no ${table} row with key ${key}`);
  return serialId(id);
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '');
}

export interface XmlErrors {
  readonly messages: string[];
  /** Whether each message was sent in CDATA (Coupa does so for validation messages). */
  readonly cdata: boolean[];
}

/** Reads Coupa's `<errors><error>…</error></errors>` document; fails the test if the shape is wrong. */
export function parseXmlErrors(body: string): XmlErrors {
  expect(isWellFormedXml(body), body).toBe(true);
  const shape = /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<errors>((?:\s*<error>[\s\S]*?<\/error>)*)\s*<\/errors>\s*$/.exec(
    body,
  );
  expect(shape, `not a Coupa error document:\n${body}`).not.toBeNull();
  const messages: string[] = [];
  const cdata: boolean[] = [];
  for (const [, inner = ''] of (shape?.[1] ?? '').matchAll(/<error>([\s\S]*?)<\/error>/g)) {
    const isCdata = inner.startsWith('<![CDATA[');
    cdata.push(isCdata);
    messages.push(isCdata ? inner.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1') : decodeText(inner));
  }
  return { messages, cdata };
}

/** The messages of an error response in either format. */
export function errorMessages(res: LightMyRequestResponse, resource = 'user'): string[] {
  if (res.headers['content-type'] === JSON_TYPE) {
    const body = JSON.parse(res.body) as unknown;
    expect(body).toEqual({ errors: { [resource]: expect.any(Array) as unknown } });
    return (body as { errors: Record<string, string[]> }).errors[resource] ?? [];
  }
  expect(res.headers['content-type']).toBe(XML_TYPE);
  return parseXmlErrors(res.body).messages;
}

export interface ExpectErrorOptions {
  /** JSON error key; `user` on the Users routes. */
  readonly resource?: string;
  /** Compare as sets: for several messages whose order is not part of the contract. */
  readonly anyOrder?: boolean;
}

/**
 * Asserts an error response exactly: status and code from the error catalogue, the code in
 * `x-roster-error-code`, the Coupa body shape, and the messages (strings match exactly,
 * regular expressions must match the whole message).
 */
export function expectError(
  res: LightMyRequestResponse,
  code: ErrorCode,
  messages: ReadonlyArray<string | RegExp>,
  opts: ExpectErrorOptions = {},
): void {
  expect(Object.keys(ERROR_CATALOG)).toContain(code);
  expect({ status: res.statusCode, code: res.headers['x-roster-error-code'] }, res.body).toEqual({
    status: ERROR_CATALOG[code].status,
    code,
  });
  const actual = errorMessages(res, opts.resource);
  const expected = messages.map((m) => (typeof m === 'string' ? m : expect.stringMatching(m)) as unknown);
  if (opts.anyOrder) {
    expect(actual).toHaveLength(expected.length);
    expect(actual).toEqual(expect.arrayContaining(expected));
  } else {
    expect(actual).toEqual(expected);
  }
  if (res.headers['content-type'] === XML_TYPE) {
    // Coupa sends validation messages in CDATA and other errors as plain text.
    const asCdata = code === 'validation_failed' || code === 'unknown_reference';
    expect(parseXmlErrors(res.body).cdata).toEqual(actual.map(() => asCdata));
  }
}

/** A resource's table and its membership table, if it has collections. */
const tablesOf = (def: ResourceDef): string[] => [
  def.table,
  ...(def.elements.some((el) => el.kind === 'collection') ? [membershipTable(def)] : []),
];

/** Every resource's table and membership table (from the registry), and the stores beside them. */
const ALL_TABLES = [
  ...RESOURCES.flatMap(tablesOf),
  ...RESOURCES.flatMap((def) => (def.avatar ? [def.avatar.table] : [])),
  'api_keys',
  'attachment_files',
  'mail_messages',
];

/**
 * The tables a write to `resource` can touch: its own, its memberships, its owned children,
 * the rows its references find or create (approval limits), avatars, files and mail; a snapshot of these alone is
 * cheaper where a test writes one resource many times (the fuzz suite).
 */
function tablesWrittenBy(resource: string): string[] {
  const def = resourceNamed(resource);
  const created = def.elements.flatMap((el) =>
    el.kind === 'children'
      ? tablesWrittenBy(el.target)
      : (el.kind === 'reference' || el.kind === 'collection') && resourceNamed(el.target).findOrCreateBy
        ? [resourceNamed(el.target).table]
        : [],
  );
  const stores = [def.avatar?.table ?? 'avatars', 'api_keys', 'attachment_files', 'mail_messages'];
  return [...new Set([...tablesOf(def), ...created, ...stores])];
}

/**
 * Every row a write can touch, in a stable order (only those a write to `resource` can touch,
 * when given). Comparing snapshots before and after a refused request proves that nothing at
 * all was written.
 */
export async function dbSnapshot(store: Store, resource?: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of resource === undefined ? ALL_TABLES : tablesWrittenBy(resource)) {
    const rows = await store.db.selectFrom(table).selectAll().execute();
    out[table] = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).sort();
  }
  return out;
}

export async function userCount(store: Store): Promise<number> {
  const rows = await store.db.selectFrom('users').select('id').execute();
  return rows.length;
}

/** The text of the first `<name>` element directly in an XML body (flat, untyped or typed). */
export function xmlElement(body: string, name: string): string | undefined {
  return new RegExp(`<${name}(?: [^>]*)?(?:/>|>([^<]*)</${name}>)`).exec(body)?.[0];
}
