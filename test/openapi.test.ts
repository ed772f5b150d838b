import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { LightMyRequestResponse } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_FAMILIES, type ApiFamily } from '../src/catalog/families.js';
import { componentName } from '../src/http/openapi/component-names.js';
import { openApiDocument, ROSTER_VERSION } from '../src/http/openapi/document.js';
import { openApiPath, pathParameterNames } from '../src/http/openapi/operations.js';
import { servedRoutes } from '../src/http/route-scopes.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { ACCEPT_JSON, createRecord, createUser } from './helpers/api.js';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from './helpers/chromium.js';
import { DIALECTS } from './helpers/dialects.js';
import { JSON_IO, makeTestApp, TEST_KEY, type TestApp } from './helpers/test-app.js';
import { createWorker, sampleWorker } from './helpers/workers.js';

/**
 * The OpenAPI documents (`/openapi.json`, `/cso/openapi.json`) made from the resource
 * definitions: each is a valid OpenAPI 3.1 document (the official schema, vendored in
 * test/fixtures/openapi/), lists every route the family serves with its path parameters, and
 * describes what the API really answers: real responses of a running app validate against the
 * schema the document gives for their operation and status. Last, the viewer: Swagger UI in
 * headless Chromium renders every operation, with no request leaving the machine.
 */

type Json = Record<string, unknown>;
type Doc = Readonly<Json>;

/**
 * The official schema of OpenAPI 3.1 documents. Its Schema Objects are `{"$dynamicRef": "#meta"}`,
 * which, without the dialect of schema-base.json, means its own `#/$defs/schema` (the only
 * `$dynamicAnchor: meta`); ajv 8.20 resolves that dynamic reference wrongly (it checks a parameter's
 * `schema` as a parameter), so it is given as the plain `$ref` it amounts to. The schemas themselves
 * are checked as JSON Schema 2020-12 by the next test.
 */
const OAS_SCHEMA = JSON.parse(
  readFileSync(new URL('./fixtures/openapi/oas-3.1-schema-2022-10-07.json', import.meta.url), 'utf8').replaceAll(
    '"$dynamicRef": "#meta"',
    '"$ref": "#/$defs/schema"',
  ),
) as Json;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `value[key]` as an object, failing the test (not a TypeError) when it is not one. */
function child(value: unknown, ...keys: string[]): Json {
  let at: unknown = value;
  for (const key of keys) {
    if (!isObject(at) || !isObject(at[key])) throw new Error(`No object at ${keys.join(' › ')}`);
    at = at[key];
  }
  return at as Json;
}

/** Where `#/a/b` points in `doc` (a JSON pointer), for the document's own `$ref`s. */
function resolvePointer(doc: Doc, ref: string): Json {
  const parts = ref
    .replace(/^#\//, '')
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  return child(doc, ...parts);
}

/** The formats the documents use, checked simply (ajv knows no format of its own). */
const FORMATS: Readonly<Record<string, RegExp>> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
};

/**
 * An ajv (JSON Schema 2020-12, strict: unknown keywords, bad types and such are errors) holding
 * the document's `components.schemas` as `$defs` of one schema, so an operation's schema
 * compiles with its `$ref`s pointing into them.
 */
function schemaChecker(doc: Doc): { compile(schema: unknown): ValidateFunction } {
  const base = `https://roster.invalid/${String(child(doc, 'info')['title']).replace(/\W+/g, '-')}`;
  const rewrite = (schema: unknown): unknown =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${base}#/$defs/`)) as unknown;
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  // OpenAPI's XML annotation (its Schema Object's `xml`): no assertion.
  ajv.addKeyword({ keyword: 'xml', schemaType: 'object' });
  for (const [name, re] of Object.entries(FORMATS)) ajv.addFormat(name, re);
  ajv.addSchema({ $id: base, $defs: rewrite(child(doc, 'components', 'schemas')) as Json });
  const cache = new Map<string, ValidateFunction>();
  return {
    compile(schema) {
      const key = JSON.stringify(schema);
      let fn = cache.get(key);
      if (!fn) {
        fn = ajv.compile(rewrite(schema) as Json);
        cache.set(key, fn);
      }
      return fn;
    },
  };
}

/** Every JSON Schema in the document outside `components.schemas`: parameters', bodies', answers'. */
function operationSchemas(doc: Doc): Array<{ where: string; schema: unknown }> {
  const found: Array<{ where: string; schema: unknown }> = [];
  for (const [path, item] of Object.entries(child(doc, 'paths'))) {
    for (const [method, op] of Object.entries(item as Json)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const p of (op as { parameters: Json[] }).parameters)
        found.push({ where: `${where} ${String(p['name'])}`, schema: p['schema'] });
      const bodies = [(op as Json)['requestBody'], ...Object.values(child(op, 'responses'))].map((r) =>
        isObject(r) && typeof r['$ref'] === 'string' ? resolvePointer(doc, r['$ref']) : r,
      );
      for (const body of bodies) {
        if (!isObject(body) || !isObject(body['content'])) continue;
        for (const [type, media] of Object.entries(body['content']))
          found.push({ where: `${where} ${type}`, schema: (media as Json)['schema'] });
      }
    }
  }
  return found;
}

describe('the OpenAPI documents', () => {
  for (const family of API_FAMILIES) {
    describe(family, () => {
      const doc = openApiDocument(family);

      it('is a valid OpenAPI 3.1 document (the official schema, 2022-10-07)', () => {
        // JSON Schema 2020-12 treats `format` as an annotation, and so does the OAS schema: its
        // `uri` formats (a token URL) admit relative references, as OpenAPI 3.1 says URLs may be.
        const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
        const validate = ajv.compile(OAS_SCHEMA);
        expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toBe(true);
        expect(doc['openapi']).toBe('3.1.0');
        expect(child(doc, 'info')['version']).toBe(ROSTER_VERSION);
        // The same object each time, and not to be changed by whoever serves it.
        expect(openApiDocument(family)).toBe(doc);
        expect(Object.isFrozen(child(doc, 'paths'))).toBe(true);
      });

      it("has only valid JSON Schemas (2020-12, ajv's strict mode), every $ref resolving", () => {
        const checker = schemaChecker(doc);
        const schemas = operationSchemas(doc);
        expect(schemas.length).toBeGreaterThan(servedRoutes(family).length);
        for (const { where, schema } of schemas) {
          expect(() => checker.compile(schema), where).not.toThrow();
        }
        // Every component is reachable and compiles on its own too.
        for (const name of Object.keys(child(doc, 'components', 'schemas'))) {
          expect(() => checker.compile({ $ref: `#/components/schemas/${name}` }), name).not.toThrow();
        }
      });

      it('lists every served route, and only those, with each path parameter declared', () => {
        const routes = servedRoutes(family);
        expect(routes.length).toBeGreaterThan(0);
        const paths = child(doc, 'paths');
        const listed = Object.entries(paths).flatMap(([path, item]) =>
          Object.keys(item as Json).map((m) => `${m.toUpperCase()} ${path}`),
        );
        expect(listed.sort()).toEqual(routes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
        for (const route of routes) {
          const op = child(paths, openApiPath(route.path), route.method.toLowerCase());
          const parameters = op['parameters'] as Json[];
          const declared = parameters.filter((p) => p['in'] === 'path');
          expect(
            declared.map((p) => p['name']),
            `${route.method} ${route.path}`,
          ).toEqual(pathParameterNames(route.path));
          for (const p of declared) expect(p['required']).toBe(true);
          // Parameters are unique by name and place.
          const keys = parameters.map((p) => `${String(p['in'])}:${String(p['name'])}`);
          expect(new Set(keys).size, `${route.method} ${route.path}`).toBe(keys.length);
          const security = op['security'] as Json[];
          if (family === 'core') expect(security).toEqual([{ oauth2: [route.scope] }, { apiKey: [] }]);
          else expect(security).toEqual([{ csoApiKey: [] }]);
          expect(Object.keys(child(op, 'responses')).some((s) => s.startsWith('2'))).toBe(true);
          // Core answers and takes XML (its default) beside JSON, described by the same schemas; CSO JSON alone.
          for (const body of [op['requestBody'], ...Object.values(child(op, 'responses'))]) {
            if (!isObject(body) || !isObject(body['content'])) continue;
            const media = body['content'];
            if (!('application/json' in media)) continue;
            if (family === 'core') expect(media['application/xml']).toEqual(media['application/json']);
            else expect(Object.keys(media)).toEqual(['application/json']);
          }
        }
        const id = child(paths, '/api/users/{id}', 'get')['parameters'] as Json[];
        expect(id[0]?.['schema']).toEqual(
          family === 'core' ? { type: 'integer', minimum: 1 } : { type: 'string', pattern: '^[1-9][0-9]*$' },
        );
      });
    });
  }

  it("core: OAuth 2.0 client credentials with each route's scope, or X-COUPA-API-KEY; CSO: X-CSO-API-KEY alone", () => {
    const core = child(openApiDocument('core'), 'components', 'securitySchemes');
    expect(child(core, 'apiKey')).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-COUPA-API-KEY' });
    const flow = child(core, 'oauth2', 'flows', 'clientCredentials');
    expect(flow['tokenUrl']).toBe('/oauth2/token');
    expect(Object.keys(child(flow, 'scopes')).sort()).toEqual([...new Set(servedRoutes('core').map((r) => r.scope))].sort());
    expect(child(openApiDocument('cso'), 'components', 'securitySchemes')).toEqual({
      csoApiKey: { type: 'apiKey', in: 'header', name: 'X-CSO-API-KEY', description: expect.any(String) as unknown },
    });
  });

  it("is at Roster's version (package.json)", () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(ROSTER_VERSION).toBe(pkg.version);
  });
});

/** Checks real answers against the document: the schema of the operation's response for the answer's status. */
function responseChecker(family: ApiFamily) {
  const doc = openApiDocument(family);
  const checker = schemaChecker(doc);
  const schemaFor = (method: string, template: string, status: number): unknown => {
    let response = child(doc, 'paths', template, method.toLowerCase(), 'responses')[String(status)];
    if (isObject(response) && typeof response['$ref'] === 'string') response = resolvePointer(doc, response['$ref']);
    if (!isObject(response)) throw new Error(`${method} ${template} documents no ${status} answer`);
    return child(response, 'content', 'application/json')['schema'];
  };
  return {
    /** Fails unless the JSON body of `res` is what the document says `method template` answers with its status. */
    check(res: LightMyRequestResponse, method: string, template: string): unknown {
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = JSON.parse(res.body) as unknown;
      const validate = checker.compile(schemaFor(method, template, res.statusCode));
      const ok = validate(body);
      expect(
        ok,
        `${method} ${template} ${res.statusCode}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}\n${res.body.slice(0, 2000)}`,
      ).toBe(true);
      return body;
    },
    /** The properties the document gives a resource's record (`User`), in order. */
    properties(component: string): string[] {
      return Object.keys(child(doc, 'components', 'schemas', component, 'properties'));
    },
  };
}

const CSO_KEY = 'cso-openapi-key-0123456789';

for (const dialect of DIALECTS) {
  describe(`real answers match the documents (${dialect.name})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp(dialect);
    });
    afterEach(() => t.close());

    it('core: users, workers and departments, shown and listed, created, refused', async () => {
      const core = responseChecker('core');
      const get = async (url: string) => t.request({ method: 'GET', url, headers: ACCEPT_JSON });
      const dept = await createRecord(t, 'departments', { name: 'Research' });
      const user = await createUser(t, {
        login: 'ada',
        email: 'ada@example.com',
        firstname: 'Ada',
        lastname: 'Lovelace',
        department: { name: 'Research' },
        roles: [{ name: 'User' }],
        'phone-work': '+44 20 7946 0000',
      });
      const bob = await createUser(t, {
        login: 'bob',
        email: 'bob@example.com',
        firstname: 'Bob',
        lastname: 'B',
        manager: { login: 'ada' },
      });
      const worker = await createWorker(t, sampleWorker());

      const users = core.check(await get('/api/users'), 'GET', '/api/users') as Json[];
      expect(users.length).toBeGreaterThanOrEqual(2);
      const shown = core.check(await get(`/api/users/${user.id}`), 'GET', '/api/users/{id}') as Json;
      // The full view shows every property the document gives, in its order.
      expect(Object.keys(shown)).toEqual(core.properties('User'));
      expect(shown['department']).toMatchObject({ name: 'Research' });
      const managed = core.check(await get(`/api/users/${bob.id}`), 'GET', '/api/users/{id}') as Json;
      expect(managed['manager']).toMatchObject({ login: 'ada' });

      const w = core.check(await get(`/api/workers/${worker.id}`), 'GET', '/api/workers/{id}') as Json;
      expect(Object.keys(w)).toEqual(core.properties('Worker'));
      expect((w['worker-emails'] as Json[]).length).toBe(1);
      core.check(await get('/api/workers'), 'GET', '/api/workers');

      const d = core.check(await get(`/api/departments/${dept.id}`), 'GET', '/api/departments/{id}') as Json;
      expect(Object.keys(d)).toEqual(core.properties('Department'));
      core.check(await get('/api/departments'), 'GET', '/api/departments');

      // Narrower views are still the documented shape.
      core.check(await get(`/api/users/${user.id}?return_object=shallow`), 'GET', '/api/users/{id}');
      core.check(await get(`/api/users/${user.id}?fields=["id","login",{"roles":["name"]}]`), 'GET', '/api/users/{id}');

      // Writes: a create (201), a bulk create (200, one result per item), an update.
      const created = await t.request({
        method: 'POST',
        url: '/api/departments',
        headers: JSON_IO,
        payload: { name: 'Development', active: true },
      });
      expect(created.statusCode).toBe(201);
      core.check(created, 'POST', '/api/departments');
      const bulk = await t.request({
        method: 'POST',
        url: '/api/departments?bulk=1',
        headers: JSON_IO,
        payload: [{ name: 'Bulk department' }, { name: 'Research' }],
      });
      expect(bulk.statusCode).toBe(200);
      expect((core.check(bulk, 'POST', '/api/departments') as Json[]).map((r) => r['status'])).toEqual(['SUCCESS', 'ERROR']);
      const updated = await t.request({
        method: 'PUT',
        url: `/api/users/${user.id}`,
        headers: JSON_IO,
        payload: { lastname: 'King' },
      });
      expect(updated.statusCode).toBe(200);
      core.check(updated, 'PUT', '/api/users/{id}');

      // Refusals, in Coupa's error shape.
      const missing = await get('/api/users/99999999');
      expect(missing.statusCode).toBe(404);
      core.check(missing, 'GET', '/api/users/{id}');
      const invalid = await t.request({ method: 'POST', url: '/api/users', headers: JSON_IO, payload: { login: 'x' } });
      expect(invalid.statusCode).toBe(400);
      core.check(invalid, 'POST', '/api/users');
      const anonymous = await t.app.inject({ method: 'GET', url: '/api/users', headers: ACCEPT_JSON });
      expect(anonymous.statusCode).toBe(401);
      core.check(anonymous, 'GET', '/api/users');
    });

    it('core: every index, and a show of its first record, on the seeded reference data', async () => {
      const core = responseChecker('core');
      await createUser(t, { login: 'ada', email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' });
      await createWorker(t, sampleWorker());
      const indexes = servedRoutes('core').filter((r) => r.action === 'index' && !r.path.includes(':'));
      expect(indexes.length).toBeGreaterThan(15);
      let shown = 0;
      for (const route of indexes) {
        const list = await t.request({ method: 'GET', url: route.path, headers: ACCEPT_JSON });
        expect(list.statusCode, `${route.path}: ${list.body.slice(0, 300)}`).toBe(200);
        const [first] = core.check(list, 'GET', route.path) as Json[];
        if (!first || !servedRoutes('core').some((r) => r.def === route.def && r.action === 'show')) continue;
        const one = await t.request({ method: 'GET', url: `${route.path}/${String(first['id'])}`, headers: ACCEPT_JSON });
        const body = core.check(one, 'GET', `${route.path}/{id}`) as Json;
        expect(Object.keys(body), route.path).toEqual(core.properties(componentName('core', route.def)));
        shown++;
      }
      expect(shown).toBeGreaterThan(10);
    });

    it('CSO: users created, listed, shown and updated in bulk, and refused', async () => {
      const cso = responseChecker('cso');
      await new ApiKeyRepository(t.store).add(CSO_KEY, 'cso', null, null, 'cso');
      const H = { 'x-cso-api-key': CSO_KEY, 'content-type': 'application/json' };
      const send = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
        t.app.inject({
          method,
          url: `/cso${url}`,
          headers: H,
          ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
        });

      const company = await send('POST', '/api/companies', { name: 'Acme', city: 'Paris' });
      expect(company.statusCode, company.body).toBe(201);
      const companyId = (cso.check(company, 'POST', '/api/companies') as { companies: Json[] }).companies[0]?.['id'];
      expect(typeof companyId).toBe('string');

      const created = await send('POST', '/api/users', {
        users: [
          { name: 'ada', 'first-name': 'Ada', email: 'ada@example.com', 'company-id': companyId },
          { name: 'bob', 'last-name': 'Builder', 'company-id': companyId, 'accepts-agreement': true },
          { name: 'ada' },
        ],
      });
      expect(created.statusCode, created.body).toBe(201);
      const answer = cso.check(created, 'POST', '/api/users') as { users: Json[]; failed: number; added: number };
      expect(answer.added).toBe(2);
      expect(answer.failed).toBe(1);
      const [ada, bob] = answer.users.map((u) => String(u['id']));

      const page = cso.check(await send('GET', '/api/users?limit=10'), 'GET', '/api/users') as { total: number; users: Json[] };
      expect(page.total).toBe(2);
      // An index's view may ask for less; what it shows is still the documented shape.
      const named = cso.check(await send('GET', '/api/users?fields=["name"]&order_by=name&dir=desc'), 'GET', '/api/users');
      expect(named).toEqual({ total: 2, users: [{ name: 'bob' }, { name: 'ada' }] });
      cso.check(await send('GET', '/api/users?return_object=limited'), 'GET', '/api/users');
      const shown = cso.check(await send('GET', `/api/users/${ada ?? ''}`), 'GET', '/api/users/{id}') as Json;
      expect(shown).toMatchObject({ id: ada, name: 'ada', 'first-name': 'Ada', 'company-id': companyId });
      // Nulls are left out, not sent: bob has no first name.
      const b = cso.check(await send('GET', `/api/users/${bob ?? ''}`), 'GET', '/api/users/{id}') as Json;
      expect('first-name' in b).toBe(false);

      const updated = await send('PUT', '/api/users', {
        users: [
          { id: ada, 'last-name': 'Lovelace' },
          { id: bob, state: 'Nonsense' },
        ],
      });
      expect(updated.statusCode, updated.body).toBe(200);
      expect(cso.check(updated, 'PUT', '/api/users')).toMatchObject({ updated: 1, failed: 1 });
      const one = await send('PUT', `/api/users/${bob ?? ''}`, { 'first-name': 'Bob' });
      expect(one.statusCode, one.body).toBe(200);
      cso.check(one, 'PUT', '/api/users/{id}');

      // Every item refused: a 400 with the write answer; a request refused: CSO's error shape.
      const none = await send('PUT', '/api/users', { users: [{ id: ada, state: 'Nonsense' }] });
      expect(none.statusCode).toBe(400);
      cso.check(none, 'PUT', '/api/users');
      const missing = await send('GET', '/api/users/9220600000009999999');
      expect(missing.statusCode).toBe(404);
      cso.check(missing, 'GET', '/api/users/{id}');
      const anonymous = await t.app.inject({ method: 'GET', url: '/cso/api/users' });
      expect(anonymous.statusCode).toBe(401);
      cso.check(anonymous, 'GET', '/api/users');
    });
  });
}

describe('the documents as the app serves them', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp(DIALECTS[0] ?? raise('no dialect'));
  });
  afterEach(() => t.close());

  it('serves /openapi.json and /cso/openapi.json without credentials, each naming where it is mounted', async () => {
    for (const [url, family, server] of [
      ['/openapi.json', 'core', '/'],
      ['/cso/openapi.json', 'cso', '/cso'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const served = JSON.parse(res.body) as Json;
      expect(served['servers']).toEqual([{ url: server }]);
      expect(served['paths']).toEqual(JSON.parse(JSON.stringify(child(openApiDocument(family), 'paths'))));
    }
    // The token URL the core document names is the app's token endpoint.
    const tokenUrl = String(
      child(openApiDocument('core'), 'components', 'securitySchemes', 'oauth2', 'flows', 'clientCredentials')['tokenUrl'],
    );
    const token = await t.app.inject({
      method: 'POST',
      url: tokenUrl,
      payload: 'grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.statusCode).toBe(401);
    expect(JSON.parse(token.body)).toMatchObject({ error: 'invalid_client' });
    // The CSO listener's app serves the CSO document at its root.
    const alone = await makeTestApp(DIALECTS[0] ?? raise('no dialect'), {}, { family: 'cso' });
    try {
      const res = await alone.app.inject({ method: 'GET', url: '/openapi.json' });
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ servers: [{ url: '/' }], info: { title: 'Roster: CSO API' } });
    } finally {
      await alone.close();
    }
    const page = await t.app.inject({ method: 'GET', url: '/cso/openapi.html' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.body).toContain('src="openapi/swagger-ui-bundle.js"');
    const asset = await t.app.inject({ method: 'GET', url: '/cso/openapi/swagger-ui-bundle.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.body.length).toBeGreaterThan(100_000);
  });
});

function raise(message: string): never {
  throw new Error(message);
}

describe.skipIf(!hasChromium())('the viewer in Chromium', () => {
  let browser: Browser;
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(() => browser.close());
  beforeEach(async () => {
    t = await makeTestApp(DIALECTS[0] ?? raise('no dialect'));
    await new ApiKeyRepository(t.store).add(CSO_KEY, 'cso', null, null, 'cso');
    // Something to list: an XML index that matches nothing answers 404.
    await createUser(t, { login: 'ada', email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(() => t.close());

  for (const [family, at, header, key] of [
    ['core', '', 'X-COUPA-API-KEY', TEST_KEY],
    ['cso', '/cso', 'X-CSO-API-KEY', CSO_KEY],
  ] as const) {
    it(`${family}: Swagger UI at ${at}/openapi.html renders every operation and tries one, nothing leaving localhost`, async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const requests: string[] = [];
      const problems: string[] = [];
      // Every request is recorded; one not bound for this app is refused before it goes out.
      await page.route('**/*', async (route) => {
        const url = route.request().url();
        requests.push(url);
        if (url.startsWith(`${base}/`)) await route.continue();
        else await route.abort();
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      // A CSP violation, a failed asset or a broken document shows as a console error.
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
      });
      try {
        await page.goto(`${base}${at}/openapi.html`);
        const blocks = page.locator('.opblock');
        await expect.poll(() => blocks.count(), { timeout: 60_000 }).toBe(servedRoutes(family).length);
        expect(await page.locator('.title').first().innerText()).toContain(family === 'core' ? 'Coupa core API' : 'CSO API');
        const users = page.locator('.opblock-get').filter({ has: page.locator('.opblock-summary-path[data-path="/api/users"]') });
        expect(await users.locator('.opblock-summary-method').innerText()).toBe('GET');

        // Authorize with the family's API key, then try GET /api/users: the viewer sends it to
        // the server the document names (`/cso` under the prefix), with the key.
        await page.locator('.auth-wrapper .authorize').click();
        const scheme = page.locator('.auth-container').filter({ hasText: header });
        await scheme.locator('input').fill(key);
        await scheme.locator('button.authorize').click();
        await page.locator('.modal-ux button.btn-done').first().click();
        await users.locator('.opblock-summary').click();
        await users.getByRole('button', { name: 'Try it out' }).click();
        await users.getByRole('button', { name: 'Execute' }).click();
        const status = users.locator('.live-responses-table tbody .response-col_status').first();
        await status.waitFor({ timeout: 60_000 });
        expect((await status.innerText()).trim()).toBe('200');
        expect(requests.some((url) => url.startsWith(`${base}${at}/api/users?`))).toBe(true);

        expect(requests).toContain(`${base}${at}/openapi.json`);
        expect(requests.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
      // Swagger UI lays out some 120 operations: seconds on a loaded 2-core machine.
    }, 150_000);
  }
});
