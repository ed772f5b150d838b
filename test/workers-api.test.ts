import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/domain/errors.js';
import { MailRepository } from '../src/store/mail-repository.js';
import { ACCEPT_JSON, expectError, isWellFormedXml, JSON_TYPE, XML_TYPE } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeGif, makePng, multipartFile } from './helpers/images.js';
import { JSON_IO, makeTestApp, XML, type TestApp } from './helpers/test-app.js';
import {
  childrenOf,
  createWorker,
  minimalWorker,
  sampleWorker,
  showWorker,
  listWorkers,
  toWorkerXml,
  updateWorker,
  workerSnapshot,
  type JsonChild,
  type JsonWorker,
  type WorkerDoc,
} from './helpers/workers.js';

/**
 * The Worker API (seed 004) end to end: every route in XML and JSON, nested writes to each of a
 * worker's child collections, avatars, invitations, and bad input, which must be a 4xx in
 * Coupa's error shape that writes nothing.
 */

const W = { resource: 'worker' };

/** The elements of a rendered worker, in the order of seed 004's sample. */
const SAMPLE_KEYS = [
  'id',
  'created-at',
  'updated-at',
  'first-name',
  'last-name',
  'middle-name',
  'active',
  'status',
  'current-title',
  'total-experience-in-years',
  'portal-access',
  'date-of-birth',
  'avatar-file-name',
  'avatar-content-type',
  'gender-code',
  'gender',
  'supplier',
  'country-of-residence',
  'nationality',
  'portal-access-info',
  'worker-emails',
  'worker-skills',
  'worker-addresses',
  'external-identifiers',
  'worker-documents',
  'worker-phone-numbers',
  'national-identifiers',
  'created-by',
  'updated-by',
];

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** A value with every id and timestamp replaced, to compare two records made by different requests. */
function withoutVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVolatile);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, ['id', 'created-at', 'updated-at'].includes(k) ? '…' : withoutVolatile(v)]),
  );
}

const without = (doc: WorkerDoc, ...names: string[]): WorkerDoc =>
  Object.fromEntries(Object.entries(doc).filter(([k]) => !names.includes(k)));

/** The worker id of an XML answer (its first `<id>`). */
const xmlId = (body: string): number => Number(/<id type="integer">(\d+)<\/id>/.exec(body)?.[1]);

/** A day relative to today (UTC), as `YYYY-MM-DD`. */
const dayFromToday = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

type Format = 'json' | 'xml';

/** A write of `doc` in one format: JSON in and out, or XML in and out (Coupa's default). */
function write(method: 'POST' | 'PUT' | 'PATCH', url: string, doc: WorkerDoc, format: Format): InjectOptions {
  return format === 'json'
    ? { method, url, headers: JSON_IO, payload: doc }
    : { method, url, headers: XML, payload: toWorkerXml(doc) };
}

/** One of a worker's child collections, and a nested write to it. */
interface ChildCase {
  readonly list: string;
  /** The child's model, as Rails names it in "Couldn't find … with ID=…". */
  readonly model: string;
  /** Two items the worker is created with. */
  readonly items: readonly [WorkerDoc, WorkerDoc];
  /** A change to the first item (sent with its id). */
  readonly change: WorkerDoc;
  /** An item added by the same write that removes the second. */
  readonly added: WorkerDoc;
  readonly summary: (item: JsonChild) => string;
  readonly before: readonly string[];
  readonly after: readonly string[];
}

const code = (v: unknown): string => {
  const c = (v as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '-';
};
const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '-');

const CHILD_CASES: readonly ChildCase[] = [
  {
    list: 'worker-emails',
    model: 'Worker::WorkerEmail',
    items: [
      { 'email-address': 'ada@example.com', 'email-type': 'work' },
      { 'email-address': 'ada@home.example', 'email-type': 'personal' },
    ],
    change: { 'email-address': 'ada@work.example' },
    added: { 'email-address': 'ada@new.example', 'email-type': 'personal' },
    summary: (e) => `${text(e['email-address'])}/${text(e['email-type'])}`,
    before: ['ada@example.com/work', 'ada@home.example/personal'],
    after: ['ada@work.example/work', 'ada@new.example/personal'],
  },
  {
    list: 'worker-addresses',
    model: 'Worker::WorkerAddress',
    items: [
      { street1: '1 Sheikh Zayed Rd', city: 'Dubai', 'worker-address-purpose': { code: 'Home' } },
      { city: 'Abu Dhabi', 'worker-address-purpose': { code: 'Work' } },
    ],
    change: { city: 'Sharjah', 'worker-address-purpose': { code: 'Mailing' } },
    added: { city: 'Ajman', 'postal-code': '00000', 'worker-address-purpose': 'Work' },
    summary: (a) => `${text(a['city'])}/${code(a['worker-address-purpose'])}/${text(a['street1'])}/${text(a['postal-code'])}`,
    before: ['Dubai/Home/1 Sheikh Zayed Rd/-', 'Abu Dhabi/Work/-/-'],
    after: ['Sharjah/Mailing/1 Sheikh Zayed Rd/-', 'Ajman/Work/-/00000'],
  },
  {
    list: 'worker-phone-numbers',
    model: 'Worker::WorkerPhoneNumber',
    items: [
      { 'phone-type': 'mobile', 'phone-number': '+355 22 345 678' },
      { 'phone-type': 'work', 'phone-number': { number: '2125550100', 'country-code': 'US' } },
    ],
    change: { 'phone-number': '+91 7410 410123' },
    added: { 'phone-type': 'home', 'phone-number': '+971 4 312 3456' },
    summary: (p) => {
      const n = p['phone-number'] as Record<string, unknown>;
      return `${text(p['phone-type'])}:${text(n['number'])}/${text(n['extension'])}/${text(n['country-code'])}`;
    },
    before: ['mobile:022345678//AL', 'work:2125550100//US'],
    after: ['mobile:07410410123//IN', 'home:043123456//AE'],
  },
  {
    list: 'worker-skills',
    model: 'Worker::WorkerSkill',
    items: [
      { skill: { name: 'Java' }, 'years-of-experience': 3 },
      { skill: 'Welding', 'years-of-experience': '1.5' },
    ],
    change: { 'years-of-experience': '4.5' },
    added: { skill: { name: 'TypeScript' } },
    summary: (s) => `${text((s['skill'] as { name?: unknown } | null)?.name)}:${text(s['years-of-experience'])}`,
    before: ['Java:3.0', 'Welding:1.5'],
    after: ['Java:4.5', 'TypeScript:-'],
  },
  {
    list: 'external-identifiers',
    model: 'Worker::WorkerExternalReferenceIdentifier',
    items: [
      { 'identifier-type': { code: 'vms' }, value: 'VMS-1' },
      { 'identifier-type': 'hr_system', value: 'HR-1' },
    ],
    change: { value: 'VMS-2' },
    added: { 'identifier-type': { code: 'tax_id' }, value: 'TAX-1' },
    summary: (x) => `${code(x['identifier-type'])}:${text(x['value'])}`,
    before: ['vms:VMS-1', 'hr_system:HR-1'],
    after: ['vms:VMS-2', 'tax_id:TAX-1'],
  },
  {
    list: 'national-identifiers',
    model: 'Worker::WorkerNationalIdentifier',
    items: [
      { country: { code: 'IN' }, 'identifier-type': { code: 'passport' }, value: 'P-1' },
      { country: 'AE', 'identifier-type': 'national_id', value: '784-1990-1234567-1' },
    ],
    change: { value: 'P-2', country: { code: 'GB' } },
    added: { country: 'US', 'identifier-type': 'tax_id', value: '123-45-6789' },
    summary: (x) => `${code(x['country'])}/${code(x['identifier-type'])}:${text(x['value'])}`,
    before: ['IN/passport:P-1', 'AE/national_id:784-1990-1234567-1'],
    after: ['GB/passport:P-2', 'US/tax_id:123-45-6789'],
  },
];

/** A create or update refused: its document (or raw request), the error code and the messages. */
interface BadCase {
  readonly name: string;
  readonly doc: WorkerDoc;
  readonly code: ErrorCode;
  readonly messages: ReadonlyArray<string | RegExp>;
  /** The formats the case is sent in; XML carries text only, so typed JSON values are JSON-only. */
  readonly formats?: readonly Format[];
}

const BAD_CREATES: readonly BadCase[] = [
  {
    name: 'an empty worker: the five required elements',
    doc: {},
    code: 'validation_failed',
    messages: [
      "First name can't be blank",
      "Last name can't be blank",
      "Total experience in years can't be blank",
      "Date of birth can't be blank",
      "Gender code can't be blank",
    ],
  },
  ...(
    [
      ['first-name', 'First name'],
      ['last-name', 'Last name'],
      ['date-of-birth', 'Date of birth'],
      ['gender-code', 'Gender code'],
      ['total-experience-in-years', 'Total experience in years'],
    ] as const
  ).map(([name, label]): BadCase => ({
    name: `${name} missing`,
    doc: without(minimalWorker(), name),
    code: 'validation_failed',
    messages: [`${label} can't be blank`],
  })),
  {
    name: 'first-name empty',
    doc: { ...minimalWorker(), 'first-name': '' },
    code: 'validation_failed',
    messages: ["First name can't be blank"],
  },
  {
    name: 'last-name only spaces',
    doc: { ...minimalWorker(), 'last-name': '   ' },
    code: 'validation_failed',
    messages: ["Last name can't be blank"],
  },
  {
    name: 'first-name null',
    doc: { ...minimalWorker(), 'first-name': null },
    code: 'validation_failed',
    messages: ["First name can't be blank"],
  },
  {
    name: 'first-name of 256 characters',
    doc: { ...minimalWorker(), 'first-name': 'x'.repeat(256) },
    code: 'validation_failed',
    messages: ['First name is too long (maximum is 255 characters)'],
  },
  {
    name: "gender-code 'x'",
    doc: { ...minimalWorker(), 'gender-code': 'x' },
    code: 'validation_failed',
    messages: ['Gender code is not included in the list'],
  },
  {
    name: 'date-of-birth far in the future',
    doc: { ...minimalWorker(), 'date-of-birth': '2999-01-01' },
    code: 'validation_failed',
    messages: ["Date of birth can't be in the future"],
  },
  {
    name: 'date-of-birth tomorrow',
    doc: { ...minimalWorker(), 'date-of-birth': dayFromToday(1) },
    code: 'validation_failed',
    messages: ["Date of birth can't be in the future"],
  },
  {
    name: 'an unknown supplier name',
    doc: { ...minimalWorker(), supplier: { name: 'Nobody Staffing' } },
    code: 'unknown_reference',
    messages: ["Supplier: no supplier with name 'Nobody Staffing'"],
  },
  {
    name: 'an unknown supplier name as a string',
    doc: { ...minimalWorker(), supplier: 'Nobody Staffing' },
    code: 'unknown_reference',
    messages: ["Supplier: no supplier with name 'Nobody Staffing'"],
  },
  {
    name: 'an unknown supplier id',
    doc: { ...minimalWorker(), supplier: { id: 9999 } },
    code: 'unknown_reference',
    messages: ['Supplier: no supplier with id 9999'],
  },
  {
    name: 'an unknown country-of-residence code',
    doc: { ...minimalWorker(), 'country-of-residence': { code: 'XX' } },
    code: 'unknown_reference',
    messages: ["Country of residence: no country with code 'XX'"],
  },
  {
    // The message names the element as rendered (nationality), not the input name the client sent.
    name: 'an unknown country-of-citizenship code',
    doc: { ...minimalWorker(), 'country-of-citizenship': { code: 'XX' } },
    code: 'unknown_reference',
    messages: ["Nationality: no country with code 'XX'"],
  },
  {
    name: 'a validation failure and an unknown reference together',
    doc: { ...minimalWorker(), 'gender-code': 'x', supplier: { name: 'Nobody Staffing' } },
    code: 'validation_failed',
    messages: ['Gender code is not included in the list', "Supplier: no supplier with name 'Nobody Staffing'"],
  },
  {
    name: 'an object where a string goes (middle-name)',
    doc: { ...minimalWorker(), 'middle-name': { text: 'Q' } },
    code: 'validation_failed',
    messages: ['Middle name must be a single value, not a list or an object'],
    formats: ['json'],
  },
  {
    name: 'a list where a string goes (current-title)',
    doc: { ...minimalWorker(), 'current-title': ['Welder'] },
    code: 'validation_failed',
    messages: ['Current title must be a single value, not a list or an object'],
    formats: ['json'],
  },
  {
    name: 'a list for a supplier',
    doc: { ...minimalWorker(), supplier: [1] },
    code: 'validation_failed',
    messages: ['Supplier must be an object naming a row by id, name or number'],
    formats: ['json'],
  },
  {
    name: 'a string for worker-emails',
    doc: { ...minimalWorker(), 'worker-emails': 'ada@example.com' },
    code: 'validation_failed',
    messages: ['Worker emails must be a list'],
  },
  {
    name: 'a list of strings for worker-emails',
    doc: { ...minimalWorker(), 'worker-emails': ['ada@example.com'] },
    code: 'validation_failed',
    messages: ['Worker emails must be a list of objects'],
    formats: ['json'],
  },
  {
    name: 'an invalid e-mail address in an item',
    doc: { ...minimalWorker(), 'worker-emails': [{ 'email-address': 'not-an-email' }] },
    code: 'validation_failed',
    messages: ['Worker emails email address is invalid'],
  },
  {
    name: 'an e-mail item without its address',
    doc: { ...minimalWorker(), 'worker-emails': [{ 'email-type': 'work' }] },
    code: 'validation_failed',
    messages: ["Worker emails email address can't be blank"],
  },
  {
    name: 'an unknown address purpose',
    doc: { ...minimalWorker(), 'worker-addresses': [{ city: 'Dubai', 'worker-address-purpose': { code: 'Holiday' } }] },
    code: 'unknown_reference',
    messages: ["Worker address purpose: no worker address purpose with code 'Holiday'"],
  },
  {
    name: 'an unknown skill',
    doc: { ...minimalWorker(), 'worker-skills': [{ skill: { name: 'Juggling' } }] },
    code: 'unknown_reference',
    messages: ["Skill: no skill with name 'Juggling'"],
  },
  {
    name: 'a skill item without its skill',
    doc: { ...minimalWorker(), 'worker-skills': [{ 'years-of-experience': '2' }] },
    code: 'validation_failed',
    messages: ["Worker skills skill can't be blank"],
  },
  {
    name: 'a national identifier without country and type',
    doc: { ...minimalWorker(), 'national-identifiers': [{ value: 'P-1' }] },
    code: 'validation_failed',
    messages: ["National identifiers country can't be blank", "National identifiers identifier type can't be blank"],
  },
  {
    name: 'an unknown identifier type',
    doc: { ...minimalWorker(), 'external-identifiers': [{ 'identifier-type': 'ssn', value: '1' }] },
    code: 'unknown_reference',
    messages: ["Identifier type: no identifier type with code 'ssn'"],
  },
  {
    name: 'a phone number given as a list',
    doc: { ...minimalWorker(), 'worker-phone-numbers': [{ 'phone-number': ['+355 22 345 678'] }] },
    code: 'validation_failed',
    messages: ['Worker phone numbers phone number must be a phone number or an object of its parts'],
    formats: ['json'],
  },
  {
    name: 'a phone country code of three letters',
    doc: { ...minimalWorker(), 'worker-phone-numbers': [{ 'phone-number': { number: '022345678', 'country-code': 'ALB' } }] },
    code: 'validation_failed',
    messages: ['Worker phone numbers phone number country code is too long (maximum is 2 characters)'],
  },
  {
    name: 'a nested id that is no integer',
    doc: { ...minimalWorker(), 'worker-emails': [{ id: 'x', 'email-address': 'ada@example.com' }] },
    code: 'validation_failed',
    messages: ['Worker emails id is not a positive integer'],
  },
  {
    name: 'a nested _destroy that is no boolean',
    doc: { ...minimalWorker(), 'worker-emails': [{ 'email-address': 'ada@example.com', _destroy: 'perhaps' }] },
    code: 'validation_failed',
    messages: ['Worker emails _destroy must be true or false'],
  },
];

/** Bodies refused before they are read as a worker. */
const BAD_BODIES: ReadonlyArray<{
  readonly name: string;
  readonly headers?: Record<string, string>;
  readonly payload?: string;
  readonly code: ErrorCode;
  readonly messages: ReadonlyArray<string | RegExp>;
}> = [
  {
    name: 'malformed JSON',
    headers: JSON_IO,
    payload: '{"first-name": ',
    code: 'malformed_body',
    messages: [/^Malformed JSON: .+/],
  },
  {
    name: 'JSON with a trailing comma',
    headers: JSON_IO,
    payload: '{"first-name": "Ada",}',
    code: 'malformed_body',
    messages: [/^Malformed JSON: .+/],
  },
  {
    name: 'an empty JSON body',
    headers: JSON_IO,
    payload: '',
    code: 'malformed_body',
    messages: ['Malformed JSON: the body is empty'],
  },
  {
    name: 'a JSON array',
    headers: JSON_IO,
    payload: JSON.stringify([minimalWorker()]),
    code: 'malformed_body',
    messages: ['Malformed JSON: expected a worker object'],
  },
  {
    name: 'a JSON string',
    headers: JSON_IO,
    payload: '"Ada"',
    code: 'malformed_body',
    messages: ['Malformed JSON: expected a worker object'],
  },
  {
    name: 'mismatched XML tags',
    headers: XML,
    payload: '<worker><first-name>Ada</last-name></worker>',
    code: 'malformed_body',
    messages: [/^Malformed XML: .+/],
  },
  {
    name: 'unclosed XML',
    headers: XML,
    payload: '<worker><first-name>Ada',
    code: 'malformed_body',
    messages: [/^Malformed XML: .+/],
  },
  {
    name: 'the wrong XML root',
    headers: XML,
    payload: '<user><first-name>Ada</first-name></user>',
    code: 'malformed_body',
    messages: ['Malformed XML: expected a <worker> root element, got <user>'],
  },
  {
    name: 'an XML DOCTYPE',
    headers: XML,
    payload: '<!DOCTYPE worker [<!ENTITY x "y">]><worker><first-name>&x;</first-name></worker>',
    code: 'malformed_body',
    messages: ['Malformed XML: DOCTYPE and ENTITY declarations are not allowed'],
  },
  {
    name: 'a text/plain body',
    headers: { 'content-type': 'text/plain' },
    payload: 'first-name=Ada',
    code: 'unsupported_media_type',
    messages: [/^Unsupported Content-Type 'text\/plain.*': send application\/xml or application\/json$/],
  },
  { name: 'no body at all', code: 'malformed_body', messages: ['The request body is empty'] },
];

for (const dialect of DIALECTS) {
  describe(`Worker API on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect, { avatarLimit: 4096 });
    });
    afterEach(async () => {
      await t.close();
    });

    describe('create, show, index and update in XML and JSON', () => {
      it('creates the sample worker from JSON: 201, its elements in the sample order, its children rendered', async () => {
        const res = await t.request({ method: 'POST', url: '/api/workers', headers: JSON_IO, payload: sampleWorker() });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.headers['content-type']).toBe(JSON_TYPE);
        expect(res.headers['x-roster-ignored-elements']).toBeUndefined();
        const w = JSON.parse(res.body) as JsonWorker;
        expect(Object.keys(w)).toEqual(SAMPLE_KEYS);
        expect(w).toMatchObject({
          'first-name': 'Test',
          'last-name': 'Worker',
          'middle-name': null,
          active: true,
          status: 'open',
          'current-title': '',
          'total-experience-in-years': '10.0',
          'portal-access': 'Not Registered',
          'date-of-birth': '2000-07-01',
          'avatar-file-name': null,
          'avatar-content-type': null,
          'gender-code': 'm',
          gender: 'Male',
          supplier: { name: 'FieldQA Supplier SM', 'display-name': 'FieldQA Supplier SM' },
          'country-of-residence': { code: 'AE', name: 'United Arab Emirates' },
          nationality: null,
          'portal-access-info': null,
          'worker-skills': [],
          'external-identifiers': [],
          'worker-documents': [],
          'national-identifiers': [],
          // The test key has no API user behind it.
          'created-by': null,
          'updated-by': null,
        });
        expect(w['created-at']).toMatch(TIMESTAMP);
        // Each row is stamped when it is written: a child may be a second later than its worker.
        const stamp = expect.stringMatching(TIMESTAMP) as string;
        const [email] = childrenOf(w, 'worker-emails');
        expect(email).toEqual({
          id: expect.any(Number) as number,
          'created-at': stamp,
          'updated-at': stamp,
          'email-address': 'stage@coupa.com',
          'email-type': 'work',
        });
        expect(childrenOf(w, 'worker-addresses')).toEqual([
          {
            id: expect.any(Number) as number,
            'created-at': stamp,
            'updated-at': stamp,
            street1: 'abc',
            street2: null,
            street3: null,
            street4: null,
            city: 'asd',
            state: 'AZ',
            'state-iso-code': null,
            'postal-code': '1237710',
            active: true,
            'worker-address-purpose': { id: expect.any(Number) as number, code: 'Home', name: 'Home' },
          },
        ]);
        expect(childrenOf(w, 'worker-phone-numbers')).toEqual([
          {
            id: expect.any(Number) as number,
            'created-at': stamp,
            'updated-at': stamp,
            'phone-type': 'mobile',
            'phone-number': { number: '022345678', extension: '', 'country-code': 'AL' },
          },
        ]);
      });

      it('creates the same worker from XML (201, answered in XML), lists sent as typed arrays', async () => {
        const fromJson = await createWorker(t, sampleWorker());
        const res = await t.request({ method: 'POST', url: '/api/workers', headers: XML, payload: toWorkerXml(sampleWorker()) });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.headers['content-type']).toBe(XML_TYPE);
        expect(isWellFormedXml(res.body)).toBe(true);
        expect(res.body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<worker>\n {2}<id type="integer">\d+<\/id>\n/);
        for (const line of [
          '  <first-name>Test</first-name>',
          '  <middle-name nil="true" />',
          '  <current-title />',
          '  <total-experience-in-years type="decimal">10.0</total-experience-in-years>',
          '  <date-of-birth type="date">2000-07-01</date-of-birth>',
          '  <worker-skills type="array" />',
          '      <email-address>stage@coupa.com</email-address>',
          '        <country-code>AL</country-code>',
        ]) {
          expect(res.body).toContain(`\n${line}\n`);
        }
        const fromXml = await showWorker(t, xmlId(res.body));
        expect(fromXml.id).not.toBe(fromJson.id);
        expect(withoutVolatile(fromXml)).toEqual(withoutVolatile(fromJson));
      });

      it('reads XML lists sent without type="array", a single item, and nil="true"', async () => {
        const payload =
          '<worker><first-name>Ada</first-name><last-name>Byrne</last-name><middle-name nil="true"/>' +
          '<date-of-birth>1990-07-03</date-of-birth><gender-code>f</gender-code>' +
          '<total-experience-in-years type="decimal">4.0</total-experience-in-years>' +
          '<worker-emails><worker-email><email-address>ada@example.com</email-address></worker-email></worker-emails>' +
          '<worker-phone-numbers><worker-phone-number><phone-type>mobile</phone-type>' +
          '<phone-number><number>022345678</number><country-code>AL</country-code></phone-number>' +
          '</worker-phone-number></worker-phone-numbers></worker>';
        const res = await t.request({ method: 'POST', url: '/api/workers', headers: XML, payload });
        expect(res.statusCode, res.body).toBe(201);
        const w = await showWorker(t, xmlId(res.body));
        expect(childrenOf(w, 'worker-emails').map((e) => e['email-address'])).toEqual(['ada@example.com']);
        expect(childrenOf(w, 'worker-phone-numbers').map((p) => p['phone-number'])).toEqual([
          { number: '022345678', extension: '', 'country-code': 'AL' },
        ]);
        expect([w['middle-name'], w['total-experience-in-years']]).toEqual([null, '4.0']);
      });

      it('shows a worker in XML by default and in JSON on Accept: application/json', async () => {
        const created = await createWorker(t, sampleWorker());
        const xml = await t.request({ method: 'GET', url: `/api/workers/${created.id}` });
        expect(xml.statusCode).toBe(200);
        expect(xml.headers['content-type']).toBe(XML_TYPE);
        expect(xmlId(xml.body)).toBe(created.id);
        expect(xml.body).toContain('\n  <gender>Male</gender>\n');
        expect(xml.body).toContain('\n      <worker-address-purpose>\n');
        const json = await t.request({ method: 'GET', url: `/api/workers/${created.id}`, headers: ACCEPT_JSON });
        expect(json.headers['content-type']).toBe(JSON_TYPE);
        expect(JSON.parse(json.body)).toEqual(created);
      });

      it('answers 404 for a worker that does not exist, in both formats', async () => {
        for (const headers of [{}, ACCEPT_JSON]) {
          for (const id of ['999', '0', 'abc']) {
            const res = await t.request({ method: 'GET', url: `/api/workers/${id}`, headers });
            expectError(res, 'not_found', [`Couldn't find Worker with 'id'=${id}`], W);
          }
        }
      });

      it('lists workers in id order: XML <workers type="array">, JSON an array of the same records', async () => {
        const a = await createWorker(t, sampleWorker());
        const b = await createWorker(t, minimalWorker(2));
        const xml = await t.request({ method: 'GET', url: '/api/workers' });
        expect(xml.statusCode).toBe(200);
        expect(xml.headers['content-type']).toBe(XML_TYPE);
        expect(xml.body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<workers type="array">\n {2}<worker>\n/);
        expect([...xml.body.matchAll(/\n {4}<id type="integer">(\d+)<\/id>/g)].map((m) => Number(m[1]))).toEqual([a.id, b.id]);
        expect(await listWorkers(t)).toEqual([a, b]);
      });

      it('an index without results is a 404 in XML and [] in JSON', async () => {
        const xml = await t.request({ method: 'GET', url: '/api/workers' });
        expectError(xml, 'no_results', ['No results match your search criteria.'], W);
        expect(await listWorkers(t)).toEqual([]);
        await createWorker(t);
        expectError(await t.request({ method: 'GET', url: '/api/workers?first-name=Nobody' }), 'no_results', [
          'No results match your search criteria.',
        ]);
        expect(await listWorkers(t, '?first-name=Nobody')).toEqual([]);
      });

      for (const method of ['PUT', 'PATCH'] as const) {
        it(`${method} changes only what is sent, in JSON and in XML`, async () => {
          const created = await createWorker(t, sampleWorker());
          const json = await updateWorker(t, created.id, { 'last-name': 'Byrne', 'total-experience-in-years': 11.5 }, method);
          expect(json.statusCode, json.body).toBe(200);
          expect(json.headers['content-type']).toBe(JSON_TYPE);
          const xml = await t.request(
            write(method, `/api/workers/${created.id}`, { 'middle-name': 'Q', 'country-of-residence': { code: 'US' } }, 'xml'),
          );
          expect(xml.statusCode, xml.body).toBe(200);
          expect(xml.headers['content-type']).toBe(XML_TYPE);
          expect(xml.body).toContain('\n  <middle-name>Q</middle-name>\n');
          const after = await showWorker(t, created.id);
          expect(after).toEqual({
            ...created,
            'updated-at': expect.stringMatching(TIMESTAMP) as string,
            'last-name': 'Byrne',
            'middle-name': 'Q',
            'total-experience-in-years': '11.5',
            'country-of-residence': { id: expect.any(Number) as number, code: 'US', name: 'United States' },
          });
        });
      }

      it('total-experience-in-years is kept to its size, decimal(19,2): rounded half away from zero to two places', async () => {
        const created = await createWorker(t, sampleWorker());
        for (const [sent, stored] of [
          ['4.005', '4.01'],
          ['7.994', '7.99'],
          ['12345678901234567.125', '12345678901234567.13'],
          [0.125, '0.13'],
        ] as const) {
          const res = await updateWorker(t, created.id, { 'total-experience-in-years': sent }, 'PUT');
          expect(res.statusCode, res.body).toBe(200);
          expect((await showWorker(t, created.id))['total-experience-in-years'], String(sent)).toBe(stored);
        }
      });

      it('a worker PUT back as rendered (XML, then JSON) changes nothing, naming the read-only elements ignored', async () => {
        const created = await createWorker(t, {
          ...sampleWorker(),
          'country-of-citizenship': 'IN',
          'worker-skills': [{ skill: 'Java', 'years-of-experience': 2 }],
          'external-identifiers': [{ 'identifier-type': 'vms', value: 'V-1' }],
          'national-identifiers': [{ country: 'IN', 'identifier-type': 'passport', value: 'P-1' }],
        });
        const before = withoutVolatile(created);
        const xml = await t.request({ method: 'GET', url: `/api/workers/${created.id}` });
        const putXml = await t.request({ method: 'PUT', url: `/api/workers/${created.id}`, headers: XML, payload: xml.body });
        expect(putXml.statusCode, putXml.body).toBe(200);
        const ignored = String(putXml.headers['x-roster-ignored-elements']).split(', ');
        expect(ignored).toEqual(
          expect.arrayContaining([
            'id',
            'active',
            'status',
            'portal-access',
            'gender',
            'worker-documents',
            'worker-emails.created-at',
            'created-by',
          ]),
        );
        expect(ignored).not.toContain('nationality');
        expect(withoutVolatile(await showWorker(t, created.id))).toEqual(before);
        const putJson = await updateWorker(t, created.id, await showWorker(t, created.id));
        expect(putJson.statusCode, putJson.body).toBe(200);
        expect(withoutVolatile(JSON.parse(putJson.body))).toEqual(before);
        // The children kept their ids: updated in place, not replaced.
        const after = await showWorker(t, created.id);
        for (const list of ['worker-emails', 'worker-skills', 'worker-addresses', 'worker-phone-numbers']) {
          expect(childrenOf(after, list).map((c) => c.id)).toEqual(childrenOf(created, list).map((c) => c.id));
        }
      });

      it('honours return_object on writes: none answers no body, limited only the id', async () => {
        const none = await t.request({
          method: 'POST',
          url: '/api/workers?return_object=none',
          headers: JSON_IO,
          payload: minimalWorker(),
        });
        expect([none.statusCode, none.body]).toEqual([201, '']);
        const limited = await t.request(write('POST', '/api/workers?return_object=limited', minimalWorker(2), 'xml'));
        expect(limited.statusCode).toBe(201);
        expect(limited.body).toMatch(
          /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<worker>\n {2}<id type="integer">\d+<\/id>\n<\/worker>\n?$/,
        );
        const patched = await t.request({
          method: 'PATCH',
          url: `/api/workers/${xmlId(limited.body)}?return_object=limited`,
          headers: JSON_IO,
          payload: { 'last-name': 'Byrne' },
        });
        expect(JSON.parse(patched.body)).toEqual({ id: xmlId(limited.body) });
        expect((await listWorkers(t)).map((w) => w['last-name'])).toEqual(['Tester', 'Byrne']);
      });
    });

    describe('read-only and input-only elements', () => {
      const READ_ONLY: WorkerDoc = {
        id: 99,
        'created-at': '2020-01-01T00:00:00Z',
        active: false,
        status: 'assigned',
        'portal-access': 'Registered',
        'avatar-file-name': 'me.png',
        'avatar-content-type': 'image/png',
        gender: 'Female',
        'portal-access-info': { id: 1 },
        'worker-documents': [{ type: { name: 'Work Permit' } }],
        'created-by': { id: 1 },
      };
      const IGNORED = Object.keys(READ_ONLY).join(', ');

      for (const format of ['json', 'xml'] as const) {
        it(`ignores status, portal-access, active, gender and the others on a ${format} create, naming them`, async () => {
          const res = await t.request(
            write('POST', '/api/workers', { ...minimalWorker(), ...READ_ONLY, 'gender-code': 'm' }, format),
          );
          expect(res.statusCode, res.body).toBe(201);
          expect(res.headers['x-roster-ignored-elements']).toBe(IGNORED);
          const id = format === 'json' ? (JSON.parse(res.body) as JsonWorker).id : xmlId(res.body);
          expect(id).not.toBe(99);
          expect(await showWorker(t, id)).toMatchObject({
            id,
            active: true,
            status: 'open',
            'portal-access': 'Not Registered',
            'avatar-file-name': null,
            'avatar-content-type': null,
            'gender-code': 'm',
            gender: 'Male',
            'portal-access-info': null,
            'worker-documents': [],
            'created-by': null,
          });
        });

        it(`ignores them on a ${format} update, changing only what may be written`, async () => {
          const created = await createWorker(t);
          const res = await t.request(write('PUT', `/api/workers/${created.id}`, { ...READ_ONLY, 'first-name': 'Ada' }, format));
          expect(res.statusCode, res.body).toBe(200);
          expect(res.headers['x-roster-ignored-elements']).toBe(IGNORED);
          expect(await showWorker(t, created.id)).toEqual({
            ...created,
            'first-name': 'Ada',
            'updated-at': expect.stringMatching(TIMESTAMP) as string,
          });
        });
      }

      it('names unknown elements, and those of nested items, as ignored', async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/workers',
          headers: JSON_IO,
          payload: {
            ...minimalWorker(),
            colour: 'red',
            'worker-emails': [{ 'email-address': 'a@example.com', colour: 'blue', 'created-at': 'x' }],
          },
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.headers['x-roster-ignored-elements']).toBe('colour, worker-emails.colour, worker-emails.created-at');
      });

      it('country-of-citizenship in sets what renders as nationality (and nationality is read as well)', async () => {
        const w = await createWorker(t, { 'country-of-citizenship': { code: 'IN' } });
        expect(w['nationality']).toEqual({ id: expect.any(Number) as number, code: 'IN', name: 'India' });
        expect(w).not.toHaveProperty('country-of-citizenship');
        const xml = await t.request(write('PATCH', `/api/workers/${w.id}`, { 'country-of-citizenship': 'FR' }, 'xml'));
        expect(xml.statusCode, xml.body).toBe(200);
        expect(xml.body).toMatch(
          /\n {2}<nationality>\n {4}<id type="integer">\d+<\/id>\n {4}<code>FR<\/code>\n {4}<name>France<\/name>\n {2}<\/nationality>\n/,
        );
        expect(xml.headers['x-roster-ignored-elements']).toBeUndefined();
        // Seed 004 lists nationality as Out only; Roster takes the rendered name as input too.
        const direct = await updateWorker(t, w.id, { nationality: { code: 'AE' } });
        expect([direct.statusCode, direct.headers['x-roster-ignored-elements']]).toEqual([200, undefined]);
        expect((await showWorker(t, w.id))['nationality']).toMatchObject({ code: 'AE' });
        const cleared = await updateWorker(t, w.id, { 'country-of-citizenship': null });
        expect((JSON.parse(cleared.body) as JsonWorker)['nationality']).toBeNull();
      });
    });

    describe('phone numbers', () => {
      const CASES: ReadonlyArray<[string, unknown, Record<string, string | null>]> = [
        ["the sample's '+355 22 345 678'", '+355 22 345 678', { number: '022345678', extension: '', 'country-code': 'AL' }],
        [
          "'+91 7410 410123' (the sample's second worker)",
          '+91 7410 410123',
          { number: '07410410123', extension: '', 'country-code': 'IN' },
        ],
        ['a UAE landline', '+971 4 312 3456', { number: '043123456', extension: '', 'country-code': 'AE' }],
        [
          'a US number with an extension',
          '+1 212 555 0100 ext. 42',
          { number: '2125550100', extension: '42', 'country-code': 'US' },
        ],
        ['a number without +country, kept whole', '7410 410123', { number: '7410 410123', extension: '', 'country-code': null }],
        [
          'the parts as an object',
          { number: '022345678', extension: '12', 'country-code': 'AL' },
          { number: '022345678', extension: '12', 'country-code': 'AL' },
        ],
        // Seed 004's sample renders a missing extension as "": sent empty, null or not at all.
        [
          'the parts with an empty extension',
          { number: '022345678', extension: '', 'country-code': 'AL' },
          { number: '022345678', extension: '', 'country-code': 'AL' },
        ],
        [
          'the parts with a null extension',
          { number: '022345678', extension: null, 'country-code': 'AL' },
          { number: '022345678', extension: '', 'country-code': 'AL' },
        ],
        ['the parts without an extension', { number: '022345678' }, { number: '022345678', extension: '', 'country-code': null }],
      ];
      for (const [name, sent, parts] of CASES) {
        it(`splits ${name}`, async () => {
          const w = await createWorker(t, { 'worker-phone-numbers': [{ 'phone-type': 'mobile', 'phone-number': sent }] });
          expect(childrenOf(w, 'worker-phone-numbers').map((p) => p['phone-number'])).toEqual([parts]);
        });
      }

      it('splits a number sent as one XML string the same way', async () => {
        const res = await t.request(
          write(
            'POST',
            '/api/workers',
            { ...minimalWorker(), 'worker-phone-numbers': [{ 'phone-number': '+91 7410 410123' }] },
            'xml',
          ),
        );
        expect(res.statusCode, res.body).toBe(201);
        expect(res.body).toContain(
          '<phone-number>\n        <number>07410410123</number>\n        <extension />\n        <country-code>IN</country-code>\n      </phone-number>',
        );
      });
    });

    describe('avatar', () => {
      const upload = (id: number, file: Parameters<typeof multipartFile>[0], method: 'PUT' | 'POST' = 'PUT', accept?: string) => {
        const mp = multipartFile(file);
        return t.request({
          method,
          url: `/api/workers/${id}/avatar`,
          payload: mp.payload,
          headers: { ...mp.headers, ...(accept ? { accept } : {}) },
        });
      };

      it('stores a PNG (PUT): avatar-file-name and avatar-content-type describe it, GET serves the same bytes', async () => {
        const w = await createWorker(t);
        const png = makePng({ width: 2, height: 2, rgba: [0, 128, 255, 255] });
        const res = await upload(w.id, { filename: 'me.png', contentType: 'image/png', data: png }, 'PUT', 'application/json');
        expect(res.statusCode, res.body).toBe(200);
        const after = JSON.parse(res.body) as JsonWorker;
        expect(after).toEqual({
          ...w,
          'updated-at': expect.stringMatching(TIMESTAMP) as string,
          'avatar-file-name': 'me.png',
          'avatar-content-type': 'image/png',
        });
        expect(await showWorker(t, w.id)).toEqual(after);
        const image = await t.request({ method: 'GET', url: `/api/workers/${w.id}/avatar` });
        expect(image.statusCode).toBe(200);
        expect(image.headers['content-type']).toBe('image/png');
        expect(image.rawPayload).toEqual(png);
      });

      it('stores an image sent with POST, answering in XML by default; the type comes from the bytes', async () => {
        const w = await createWorker(t);
        const gif = makeGif();
        const res = await upload(w.id, { filename: 'me.png', contentType: 'image/png', data: gif }, 'POST');
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['content-type']).toBe(XML_TYPE);
        expect(res.body).toContain(
          '\n  <avatar-file-name>me.png</avatar-file-name>\n  <avatar-content-type>image/gif</avatar-content-type>\n',
        );
        const image = await t.request({ method: 'GET', url: `/api/workers/${w.id}/avatar` });
        expect([image.headers['content-type'], image.rawPayload]).toEqual(['image/gif', gif]);
      });

      it('DELETE clears the avatar: both elements null, the image gone', async () => {
        const w = await createWorker(t);
        await upload(w.id, { filename: 'me.png', contentType: 'image/png', data: makePng() });
        const res = await t.request({ method: 'DELETE', url: `/api/workers/${w.id}/avatar` });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('\n  <avatar-file-name nil="true" />\n  <avatar-content-type nil="true" />\n');
        expect(await showWorker(t, w.id)).toMatchObject({ 'avatar-file-name': null, 'avatar-content-type': null });
        expectError(await t.request({ method: 'GET', url: `/api/workers/${w.id}/avatar` }), 'not_found', [
          `Worker ${w.id} has no avatar`,
        ]);
        expect(await t.store.db.selectFrom('worker_avatars').selectAll().execute()).toEqual([]);
      });

      it('refuses a file that is not an image with 400, writing nothing', async () => {
        const w = await createWorker(t);
        await upload(w.id, { filename: 'me.png', contentType: 'image/png', data: makePng() });
        const before = await workerSnapshot(t);
        for (const accept of [undefined, 'application/json']) {
          const res = await upload(
            w.id,
            { filename: 'cv.txt', contentType: 'text/plain', data: Buffer.from('hello\n') },
            'PUT',
            accept,
          );
          expectError(res, 'invalid_avatar', ['Avatar must be a PNG, JPEG or GIF image'], W);
          const svg = await upload(w.id, {
            filename: 'a.png',
            contentType: 'image/png',
            data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
          });
          expectError(svg, 'invalid_avatar', ['Avatar must be a PNG, JPEG or GIF image']);
        }
        expect(await workerSnapshot(t)).toEqual(before);
      });

      it('refuses an image over the avatar limit with 413, keeping the old one', async () => {
        const w = await createWorker(t);
        await upload(w.id, { filename: 'small.png', contentType: 'image/png', data: makePng() });
        const before = await workerSnapshot(t);
        const big = makePng({ padding: 5000 });
        expect(big.length).toBeGreaterThan(4096);
        const res = await upload(w.id, { filename: 'big.png', contentType: 'image/png', data: big }, 'PUT', 'application/json');
        expectError(res, 'payload_too_large', ['Request body is too large'], W);
        expect(await workerSnapshot(t)).toEqual(before);
        expect((await showWorker(t, w.id))['avatar-file-name']).toBe('small.png');
      });

      it('answers 404 for the avatar of an unknown worker, or a worker without one', async () => {
        const png = { filename: 'me.png', contentType: 'image/png', data: makePng() };
        expectError(await upload(999, png), 'not_found', ["Couldn't find Worker with 'id'=999"]);
        expectError(await t.request({ method: 'DELETE', url: '/api/workers/999/avatar' }), 'not_found', [
          "Couldn't find Worker with 'id'=999",
        ]);
        const w = await createWorker(t);
        expectError(
          await t.request({ method: 'GET', url: `/api/workers/${w.id}/avatar`, headers: ACCEPT_JSON }),
          'not_found',
          [`Worker ${w.id} has no avatar`],
          W,
        );
        expect(await t.store.db.selectFrom('worker_avatars').selectAll().execute()).toEqual([]);
      });

      it('a worker update keeps the avatar', async () => {
        const w = await createWorker(t);
        await upload(w.id, { filename: 'me.png', contentType: 'image/png', data: makePng() });
        const res = await updateWorker(t, w.id, { 'first-name': 'Ada', 'avatar-file-name': 'other.png' });
        expect(res.headers['x-roster-ignored-elements']).toBe('avatar-file-name');
        expect(await showWorker(t, w.id)).toMatchObject({ 'first-name': 'Ada', 'avatar-file-name': 'me.png' });
      });
    });

    describe('invite_worker', () => {
      const invite = (id: number | string, opts: Omit<InjectOptions, 'method' | 'url'> = {}) =>
        t.request({ method: 'POST', url: `/api/workers/${id}/invite_worker`, ...opts });

      it('invites a worker with an e-mail: 200, portal-access Invited, the invitation recorded to the work address', async () => {
        const w = await createWorker(t, {
          ...sampleWorker(),
          'worker-emails': [
            { 'email-address': 'home@example.com', 'email-type': 'personal' },
            { 'email-address': 'work@example.com', 'email-type': 'work' },
          ],
        });
        const res = await invite(w.id, { headers: ACCEPT_JSON });
        expect(res.statusCode, res.body).toBe(200);
        expect(JSON.parse(res.body)).toEqual({
          ...w,
          'updated-at': expect.stringMatching(TIMESTAMP) as string,
          'portal-access': 'Invited',
        });
        expect((await showWorker(t, w.id))['portal-access']).toBe('Invited');
        const mail = await new MailRepository(t.store).list();
        expect(mail.map((m) => m.to)).toEqual(['work@example.com']);
      });

      it('answers in XML by default; a second invitation is sent again', async () => {
        const w = await createWorker(t, sampleWorker());
        const first = await invite(w.id);
        expect(first.statusCode).toBe(200);
        expect(first.headers['content-type']).toBe(XML_TYPE);
        expect(first.body).toContain('\n  <portal-access>Invited</portal-access>\n');
        expect((await invite(w.id)).statusCode).toBe(200);
        expect((await new MailRepository(t.store).list()).map((m) => m.to)).toEqual(['stage@coupa.com', 'stage@coupa.com']);
      });

      it('takes no body, an empty JSON body, {} or any other body alike', async () => {
        const w = await createWorker(t, sampleWorker());
        const bodies: Array<Omit<InjectOptions, 'method' | 'url'>> = [
          {},
          { headers: JSON_IO, payload: '' },
          { headers: JSON_IO, payload: '{}' },
          { headers: XML, payload: '<worker/>' },
          { headers: JSON_IO, payload: '{not json' },
        ];
        for (const opts of bodies) {
          const res = await invite(w.id, opts);
          expect(res.statusCode, res.body).toBe(200);
        }
        expect(await new MailRepository(t.store).list()).toHaveLength(bodies.length);
      });

      it('refuses a worker without any e-mail with 400 in both formats, changing and sending nothing', async () => {
        const w = await createWorker(t, without(sampleWorker(), 'worker-emails'));
        const before = await workerSnapshot(t);
        for (const headers of [{}, ACCEPT_JSON, JSON_IO]) {
          const res = await invite(w.id, { headers, ...(headers === JSON_IO ? { payload: '{}' } : {}) });
          expectError(res, 'validation_failed', ['Worker emails must exist to invite the worker'], W);
        }
        expect(await workerSnapshot(t)).toEqual(before);
        expect((await showWorker(t, w.id))['portal-access']).toBe('Not Registered');
      });

      it('refuses a worker whose e-mails were all removed', async () => {
        const w = await createWorker(t, sampleWorker());
        const [email] = childrenOf(w, 'worker-emails');
        await updateWorker(t, w.id, { 'worker-emails': [{ id: email?.id, _destroy: true }] });
        const before = await workerSnapshot(t);
        expectError(await invite(w.id), 'validation_failed', ['Worker emails must exist to invite the worker']);
        expect(await workerSnapshot(t)).toEqual(before);
      });

      it('refuses a worker already registered on the portal', async () => {
        const w = await createWorker(t, sampleWorker());
        // Registration happens on Coupa's portal, never through the API: set it as the portal would.
        await t.store.db.updateTable('workers').set({ portal_access: 'Registered' }).where('id', '=', w.id).execute();
        const before = await workerSnapshot(t);
        expectError(
          await invite(w.id, { headers: ACCEPT_JSON }),
          'validation_failed',
          ['Worker is already registered on the supplier portal'],
          W,
        );
        expect(await workerSnapshot(t)).toEqual(before);
      });

      it('answers 404 for an unknown worker', async () => {
        expectError(
          await invite(999, { headers: JSON_IO, payload: '{}' }),
          'not_found',
          ["Couldn't find Worker with 'id'=999"],
          W,
        );
        expectError(await invite('abc'), 'not_found', ["Couldn't find Worker with 'id'=abc"]);
        expect(await new MailRepository(t.store).list()).toEqual([]);
      });
    });

    describe('nested writes to each child collection', () => {
      for (const c of CHILD_CASES) {
        for (const format of ['json', 'xml'] as const) {
          it(`${c.list} (${format}): created with the worker; one updated by id, one added, one removed with _destroy`, async () => {
            const other = await createWorker(t, { ...minimalWorker('other'), [c.list]: c.items });
            const w = await createWorker(t, { [c.list]: c.items });
            const [first, second] = childrenOf(w, c.list);
            expect(childrenOf(w, c.list).map(c.summary)).toEqual(c.before);
            const res = await t.request(
              write(
                'PATCH',
                `/api/workers/${w.id}`,
                { [c.list]: [{ id: first?.id, ...c.change }, { id: second?.id, _destroy: true }, c.added] },
                format,
              ),
            );
            expect(res.statusCode, res.body).toBe(200);
            const after = await showWorker(t, w.id);
            const items = childrenOf(after, c.list);
            expect(items.map(c.summary)).toEqual(c.after);
            // The changed item keeps its id and creation time; the added one is new.
            expect(items[0]?.id).toBe(first?.id);
            expect(items[0]?.['created-at']).toBe(first?.['created-at']);
            expect(items[1]?.id).toBeGreaterThan(Math.max(...childrenOf(other, c.list).map((i) => i.id)));
            expect(items[1]?.['created-at']).toMatch(TIMESTAMP);
            // Nothing else moved: the worker's other elements and the other worker's items.
            expect(withoutVolatile({ ...after, [c.list]: [] })).toEqual(withoutVolatile({ ...w, [c.list]: [] }));
            expect(await showWorker(t, other.id)).toEqual(other);
          });
        }

        it(`${c.list}: an item of another worker is refused with 400 naming it, and nothing is written`, async () => {
          const other = await createWorker(t, { ...minimalWorker('other'), [c.list]: c.items });
          const w = await createWorker(t, { [c.list]: [c.items[0]] });
          const [theirs] = childrenOf(other, c.list);
          const before = await workerSnapshot(t);
          const refused = `Couldn't find ${c.model} with ID=${theirs?.id} for Worker with ID=${w.id}`;
          for (const format of ['json', 'xml'] as const) {
            for (const item of [
              { id: theirs?.id, ...c.change },
              { id: theirs?.id, _destroy: true },
            ]) {
              // Sent beside a valid change, which must not be written either.
              const doc = { 'last-name': 'Changed', [c.list]: [c.added, item] };
              const res = await t.request(write('PUT', `/api/workers/${w.id}`, doc, format));
              expectError(res, 'unknown_reference', [refused], W);
            }
          }
          // A new worker cannot claim it either (Rails prints the new owner's empty id).
          const create = await t.request(
            write('POST', '/api/workers', { ...minimalWorker(), [c.list]: [{ id: theirs?.id }] }, 'json'),
          );
          expectError(create, 'unknown_reference', [`Couldn't find ${c.model} with ID=${theirs?.id} for Worker with ID=`], W);
          expect(await workerSnapshot(t)).toEqual(before);
        });
      }

      it('leaves items a write does not mention alone, and an empty list changes nothing', async () => {
        const w = await createWorker(t, sampleWorker());
        for (const doc of [{ 'worker-emails': [] }, { 'first-name': 'Ada' }, { 'worker-emails': '' }]) {
          const res = await updateWorker(t, w.id, doc);
          expect(res.statusCode, res.body).toBe(200);
        }
        const after = await showWorker(t, w.id);
        for (const list of ['worker-emails', 'worker-addresses', 'worker-phone-numbers']) {
          expect(childrenOf(after, list)).toEqual(childrenOf(w, list));
        }
      });

      it('refuses an invalid change to an item of its own, and writes nothing', async () => {
        const w = await createWorker(t, sampleWorker());
        const [email] = childrenOf(w, 'worker-emails');
        const [address] = childrenOf(w, 'worker-addresses');
        const before = await workerSnapshot(t);
        const cases: Array<[WorkerDoc, ErrorCode, string[]]> = [
          [
            { 'worker-emails': [{ id: email?.id, 'email-address': '' }] },
            'validation_failed',
            ["Worker emails email address can't be blank"],
          ],
          [
            { 'worker-emails': [{ id: email?.id, 'email-address': 'nope' }] },
            'validation_failed',
            ['Worker emails email address is invalid'],
          ],
          [
            { 'worker-addresses': [{ id: address?.id, 'worker-address-purpose': { code: 'Holiday' } }] },
            'unknown_reference',
            ["Worker address purpose: no worker address purpose with code 'Holiday'"],
          ],
          [
            { 'first-name': 'Changed', 'worker-addresses': [{ id: address?.id, city: 'x'.repeat(256) }] },
            'validation_failed',
            ['Worker addresses city is too long (maximum is 255 characters)'],
          ],
        ];
        for (const [doc, errorCode, messages] of cases) {
          for (const format of ['json', 'xml'] as const) {
            expectError(await t.request(write('PATCH', `/api/workers/${w.id}`, doc, format)), errorCode, messages, W);
          }
        }
        expect(await workerSnapshot(t)).toEqual(before);
      });
    });

    describe('bad input is a 4xx in Coupa shape, never a 500, and writes nothing', () => {
      for (const bad of BAD_CREATES) {
        for (const format of bad.formats ?? (['json', 'xml'] as const)) {
          it(`create, ${format}: ${bad.name}`, async () => {
            await createWorker(t, sampleWorker());
            const before = await workerSnapshot(t);
            const res = await t.request(write('POST', '/api/workers', bad.doc, format));
            expectError(res, bad.code, bad.messages, W);
            expect(await workerSnapshot(t)).toEqual(before);
          });
        }
      }

      for (const bad of BAD_BODIES) {
        for (const method of ['POST', 'PUT'] as const) {
          it(`${method === 'POST' ? 'create' : 'update'}: ${bad.name}`, async () => {
            const w = await createWorker(t, sampleWorker());
            const before = await workerSnapshot(t);
            const url = method === 'POST' ? '/api/workers' : `/api/workers/${w.id}`;
            const res = await t.request({
              method,
              url,
              ...(bad.headers ? { headers: bad.headers } : {}),
              ...(bad.payload === undefined ? {} : { payload: bad.payload }),
            });
            expectError(res, bad.code, bad.messages, W);
            expect(await workerSnapshot(t)).toEqual(before);
          });
        }
      }

      const BAD_UPDATES: ReadonlyArray<[string, WorkerDoc, ErrorCode, string[]]> = [
        ['first-name emptied', { 'first-name': '' }, 'validation_failed', ["First name can't be blank"]],
        ['date-of-birth cleared', { 'date-of-birth': null }, 'validation_failed', ["Date of birth can't be blank"]],
        [
          'total-experience-in-years cleared',
          { 'total-experience-in-years': '' },
          'validation_failed',
          ["Total experience in years can't be blank"],
        ],
        [
          "date-of-birth '2001-02-29'",
          { 'date-of-birth': '2001-02-29' },
          'validation_failed',
          ['Date of birth is not a date (YYYY-MM-DD)'],
        ],
        [
          'date-of-birth in the future',
          { 'date-of-birth': '2999-12-31' },
          'validation_failed',
          ["Date of birth can't be in the future"],
        ],
        [
          "total-experience-in-years 'ten'",
          { 'total-experience-in-years': 'ten' },
          'validation_failed',
          ['Total experience in years is not a number'],
        ],
        [
          // decimal(19,2), seed 004: 17 digits before the point at most, on both databases.
          'total-experience-in-years with 18 integer digits',
          { 'total-experience-in-years': '123456789012345678.5' },
          'validation_failed',
          ['Total experience in years is out of range (at most 17 digits before the decimal point)'],
        ],
        [
          'total-experience-in-years that rounds up past 17 integer digits',
          { 'total-experience-in-years': '99999999999999999.995' },
          'validation_failed',
          ['Total experience in years is out of range (at most 17 digits before the decimal point)'],
        ],
        [
          // One write's nested items are capped in all (MAX_NESTED_ITEMS), so it cannot hold the writer long.
          '501 nested items across two collections',
          {
            'worker-emails': Array.from({ length: 300 }, (_, i) => ({
              'email-address': `n${i}@example.com`,
              'email-type': 'Work',
            })),
            'worker-skills': Array.from({ length: 201 }, () => ({ skill: { name: 'Welding' } })),
          },
          'validation_failed',
          ['A worker write may hold at most 500 nested items in all (501 given)'],
        ],
        [
          'total-experience-in-years below zero',
          { 'total-experience-in-years': '-0.5' },
          'validation_failed',
          ['Total experience in years must be greater than or equal to 0'],
        ],
        ["gender-code 'x'", { 'gender-code': 'x' }, 'validation_failed', ['Gender code is not included in the list']],
        [
          'an unknown supplier',
          { supplier: { name: 'Nobody Staffing' } },
          'unknown_reference',
          ["Supplier: no supplier with name 'Nobody Staffing'"],
        ],
        [
          'an unknown country',
          { 'country-of-residence': 'XX' },
          'unknown_reference',
          ["Country of residence: no country with code 'XX'"],
        ],
      ];
      for (const [name, doc, errorCode, messages] of BAD_UPDATES) {
        for (const format of ['json', 'xml'] as const) {
          it(`update, ${format}: ${name}`, async () => {
            const w = await createWorker(t, sampleWorker());
            const before = await workerSnapshot(t);
            expectError(
              await t.request(write('PATCH', `/api/workers/${w.id}`, { 'last-name': 'Changed', ...doc }, format)),
              errorCode,
              messages,
              W,
            );
            expect(await workerSnapshot(t)).toEqual(before);
          });
        }
      }

      it('an update of an unknown worker is 404 and writes nothing', async () => {
        await createWorker(t);
        const before = await workerSnapshot(t);
        for (const id of ['999', '0', 'abc']) {
          const res = await t.request(write('PUT', `/api/workers/${id}`, { 'first-name': 'Ada' }, 'json'));
          expectError(res, 'not_found', [`Couldn't find Worker with 'id'=${id}`], W);
        }
        expect(await workerSnapshot(t)).toEqual(before);
      });

      it('accepts the edges: date-of-birth today, experience 0 or 12.75, an empty current-title', async () => {
        const today = new Date().toISOString().slice(0, 10);
        const w = await createWorker(t, { 'date-of-birth': today, 'total-experience-in-years': 0, 'current-title': '' });
        expect([w['date-of-birth'], w['total-experience-in-years'], w['current-title']]).toEqual([today, '0.0', '']);
        const v = await createWorker(t, { 'total-experience-in-years': '12.75', 'gender-code': 'm' });
        expect([v['total-experience-in-years'], v['gender']]).toEqual(['12.75', 'Male']);
      });

      /**
       * A required element sent with a value of the wrong type is reported once, for its type: the
       * client sent a value, so it is not also "blank". (Creates once answered both messages, as
       * the value was dropped before the presence check; updates always answered one.)
       */
      describe('a required element sent with a value of the wrong type is reported once, not also as blank', () => {
        const WRONG_TYPE: ReadonlyArray<[string, WorkerDoc, string]> = [
          ["date-of-birth '2001-02-29'", { 'date-of-birth': '2001-02-29' }, 'Date of birth is not a date (YYYY-MM-DD)'],
          ["date-of-birth '03/07/1990'", { 'date-of-birth': '03/07/1990' }, 'Date of birth is not a date (YYYY-MM-DD)'],
          [
            // A datetime gives its date (worker-writes.test.ts); an impossible one is no date.
            'date-of-birth as an impossible datetime',
            { 'date-of-birth': '1990-07-03T25:00:00Z' },
            'Date of birth is not a date (YYYY-MM-DD)',
          ],
          [
            "total-experience-in-years 'ten'",
            { 'total-experience-in-years': 'ten' },
            'Total experience in years is not a number',
          ],
          ['total-experience-in-years true', { 'total-experience-in-years': true }, 'Total experience in years is not a number'],
          [
            'first-name an object',
            { 'first-name': { text: 'Ada' } },
            'First name must be a single value, not a list or an object',
          ],
          [
            'a nested email-address an object',
            { 'worker-emails': [{ 'email-address': { text: 'ada@example.com' } }] },
            'Worker emails email address must be a single value, not a list or an object',
          ],
        ];
        for (const [name, change, message] of WRONG_TYPE) {
          for (const format of name.includes('object') || name.includes('true')
            ? (['json'] as const)
            : (['json', 'xml'] as const)) {
            it(`${name}, ${format}`, async () => {
              const before = await workerSnapshot(t);
              const res = await t.request(write('POST', '/api/workers', { ...minimalWorker(), ...change }, format));
              expectError(res, 'validation_failed', [message], W);
              expect(await workerSnapshot(t)).toEqual(before);
            });
          }
        }
      });
    });
  });
}
