import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { resourceNamed } from '../../src/catalog/registry.js';
import { ACCEPT_JSON, dbSnapshot, type JsonRecord } from './api.js';
import { JSON_IO, type TestApp } from './test-app.js';

/**
 * Worker documents for the Worker API tests (seed 004), as JSON objects and as XML strings,
 * and the calls the tests make over and over.
 */

/** A worker document as a client sends it (JSON); `toWorkerXml` writes the same document as XML. */
export type WorkerDoc = Record<string, unknown>;

/** A worker as the JSON API renders it. */
export type JsonWorker = JsonRecord;

/** One rendered item of a worker's child collection (`worker-emails`…). */
export type JsonChild = Record<string, unknown> & { readonly id: number };

/** The smallest worker a create accepts: the five required elements (seed 004's Req'd column). */
export const minimalWorker = (n: number | string = 1): WorkerDoc => ({
  'first-name': `Worker ${n}`,
  'last-name': 'Tester',
  'date-of-birth': '1990-07-03',
  'gender-code': 'f',
  'total-experience-in-years': '4',
});

/**
 * Seed 004's sample first worker as a client would create it: its writable elements with the
 * sample's values, and one item in each child collection it fills (an e-mail, an address with
 * its purpose named by code, a phone number written as one international string).
 */
export const sampleWorker = (): WorkerDoc => ({
  'first-name': 'Test',
  'last-name': 'Worker',
  'current-title': '',
  'total-experience-in-years': '10.0',
  'date-of-birth': '2000-07-01',
  'gender-code': 'm',
  supplier: { name: 'FieldQA Supplier SM' },
  'country-of-residence': { code: 'AE' },
  'worker-emails': [{ 'email-address': 'stage@coupa.com', 'email-type': 'work' }],
  'worker-addresses': [
    {
      street1: 'abc',
      city: 'asd',
      state: 'AZ',
      'postal-code': '1237710',
      'worker-address-purpose': { code: 'Home' },
    },
  ],
  'worker-phone-numbers': [{ 'phone-type': 'mobile', 'phone-number': '+355 22 345 678' }],
});

/** The phone number of the sample as its parts, the object form of `'+355 22 345 678'`. */
export const SAMPLE_PHONE_PARTS = { number: '022345678', extension: '', 'country-code': 'AL' } as const;

/** The element name of one item of a worker's child list in XML (`worker-emails` → `worker-email`). */
function itemName(list: string): string {
  const el = resourceNamed('workers').elements.find((e) => e.name === list);
  if (el?.kind === 'children' || el?.kind === 'collection') return resourceNamed(el.target).singular;
  return list.replace(/s$/, '');
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xmlNode(name: string, value: unknown, item?: string): string {
  if (value === null) return `<${name} nil="true"/>`;
  if (Array.isArray(value)) {
    const inner = value.map((v) => xmlNode(item ?? itemName(name), v)).join('');
    return `<${name} type="array">${inner}</${name}>`;
  }
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => xmlNode(k, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return `<${name}>${escapeXml(String(value))}</${name}>`;
  }
  throw new Error(`test setup: ${name} holds a value XML cannot carry`);
}

/** A worker document as Coupa's XML: `<worker>…</worker>`, lists as `type="array"` of their items. */
export function toWorkerXml(doc: WorkerDoc): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${xmlNode('worker', doc)}`;
}

/** POSTs `{...minimalWorker(), ...fields}` as JSON; fails the test unless the API answers 201. */
export async function createWorker(t: TestApp, fields: WorkerDoc = {}): Promise<JsonWorker> {
  const res = await t.request({
    method: 'POST',
    url: '/api/workers',
    headers: JSON_IO,
    payload: { ...minimalWorker(), ...fields },
  });
  expect(res.statusCode, res.body).toBe(201);
  return JSON.parse(res.body) as JsonWorker;
}

export async function showWorker(t: TestApp, id: number): Promise<JsonWorker> {
  const res = await t.request({ method: 'GET', url: `/api/workers/${id}`, headers: ACCEPT_JSON });
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body) as JsonWorker;
}

/** Every worker an index query returns, as JSON (`query` starts with `?`). */
export async function listWorkers(t: TestApp, query = ''): Promise<JsonWorker[]> {
  const res = await t.request({ method: 'GET', url: `/api/workers${query}`, headers: ACCEPT_JSON });
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body) as JsonWorker[];
}

/** Sends a JSON update (PUT unless told) of worker `id`. */
export function updateWorker(
  t: TestApp,
  id: number,
  doc: WorkerDoc,
  method: 'PUT' | 'PATCH' = 'PUT',
): Promise<LightMyRequestResponse> {
  return t.request({ method, url: `/api/workers/${id}`, headers: JSON_IO, payload: doc });
}

/** The items of one of a worker's child lists. */
export const childrenOf = (w: JsonRecord, list: string): JsonChild[] => w[list] as JsonChild[];

const rowText = (r: unknown): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

/**
 * Every row a worker write can touch: the worker and its children (dbSnapshot's tables for
 * `workers`), its avatar, and the recorded mail of an invitation. Equal snapshots before and
 * after a refused request prove that nothing was written.
 */
export async function workerSnapshot(t: TestApp): Promise<Record<string, string[]>> {
  const out = await dbSnapshot(t.store, 'workers');
  for (const table of ['worker_avatars', 'mail_messages']) {
    out[table] = (await t.store.db.selectFrom(table).selectAll().execute()).map(rowText).sort();
  }
  return out;
}
