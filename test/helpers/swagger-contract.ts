import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Coupa's published Swagger `User` definition (test/fixtures/coupa/coupa-core-users.swagger.json, vendored)
 * as a JSON Schema, checked with ajv. The relaxations, each one Coupa's own behaviour or a
 * consequence of a view the client asked for:
 *
 * - **null is allowed** for every property: Coupa itself sends `null` (the seed samples do);
 * - **decimals may be JSON strings**: Coupa's docs say JSON carries decimals as strings;
 * - **enums compare by value**: `"0"` in the Swagger enum matches the integer `0` rendered;
 * - **a view that asks for less** (`return_object=limited` or `shallow`, `fields=…`) is checked
 *   for the types of what it holds, not for the elements it was asked to leave out (`required`
 *   is dropped, at every level, for it).
 */
const SWAGGER_FILE = new URL('../fixtures/coupa/coupa-core-users.swagger.json', import.meta.url);

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One property schema, relaxed as above; `$ref`s point into the same document's definitions. */
function relax(schema: Schema): Schema {
  if (typeof schema['$ref'] === 'string') return { anyOf: [{ $ref: schema['$ref'] }, { type: 'null' }] };
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    // Swagger's own formats (`string(255)`, `datetime`) are descriptions, not JSON Schema formats.
    if (key === 'format' || key === 'readOnly' || key === 'description' || key === 'example') continue;
    out[key] = value;
  }
  if (schema['type'] === 'array' && isObject(schema['items'])) out['items'] = relax(schema['items']);
  if (Array.isArray(schema['enum'])) {
    const values = schema['enum'] as unknown[];
    const byValue = values.flatMap((v) => {
      const text = String(v);
      if (/^-?\d+$/.test(text)) return [text, Number(text)];
      if (text === 'true' || text === 'false') return [text, text === 'true'];
      return [v];
    });
    out['enum'] = [...new Set(byValue), null];
  }
  const type = schema['type'];
  if (typeof type === 'string') {
    const types = [type, 'null'];
    if (type === 'number' || schema['format'] === 'decimal') types.push('string');
    out['type'] = types;
  }
  return out;
}

function relaxDefinition(def: Schema, partial: boolean): Schema {
  const properties = isObject(def['properties']) ? def['properties'] : {};
  return {
    ...def,
    ...(partial ? { required: [] } : {}),
    properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, isObject(v) ? relax(v) : v])),
  };
}

function buildSchema(partial: boolean): Schema {
  const swagger = JSON.parse(readFileSync(SWAGGER_FILE, 'utf8')) as { definitions: Record<string, Schema> };
  const definitions = Object.fromEntries(
    Object.entries(swagger.definitions).map(([name, d]) => [name, relaxDefinition(d, partial)]),
  );
  return { ...definitions['User'], definitions };
}

/** Violations found in responses since the last `takeContractViolations` (test/helpers/setup.ts checks after each test). */
const found: string[] = [];

/** How many user responses have been checked in this worker (a test proves the hook runs). */
export let checkedResponses = 0;

/**
 * Checks a response of a user route as the suite makes it (test/helpers/test-app.ts wraps each
 * app's `inject`): a JSON 2xx answer holding a user or a list of users. Bulk answers hold
 * results, not users, and are skipped.
 */
export function checkUserResponse(
  url: string,
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
): void {
  // Not `new URL`: the suite sends odd paths on purpose (`//api%2Fusers` would read as a host).
  const at = url.indexOf('?');
  const pathname = at < 0 ? url : url.slice(0, at);
  const searchParams = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  const type = res.headers['content-type'];
  if (!/^\/api\/users(\/|$)/.test(pathname) || res.statusCode < 200 || res.statusCode > 299) return;
  if (typeof type !== 'string' || !type.startsWith('application/json') || res.body === '' || searchParams.has('bulk')) return;
  const partial = ['fields', 'return_object', 'return-object'].some((name) => searchParams.has(name));
  const value: unknown = JSON.parse(res.body);
  checkedResponses++;
  for (const [i, user] of (Array.isArray(value) ? value : [value]).entries()) {
    for (const v of userContractViolations(user, partial)) found.push(`${pathname}${Array.isArray(value) ? `[${i}]` : ''}: ${v}`);
  }
}

export function takeContractViolations(): string[] {
  return found.splice(0, found.length);
}

let validators: { full: ValidateFunction; partial: ValidateFunction } | undefined;

function compiled(): { full: ValidateFunction; partial: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    validators = { full: ajv.compile(buildSchema(false)), partial: ajv.compile(buildSchema(true)) };
  }
  return validators;
}

const describeError = (e: ErrorObject): string =>
  `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${'missingProperty' in e.params ? '' : ` (${JSON.stringify(e.params)})`}`;

/** Every way `user` breaks the contract, as `/path message` lines; empty when it meets it. */
export function userContractViolations(user: unknown, partial: boolean): string[] {
  const validate = partial ? compiled().partial : compiled().full;
  return validate(user) ? [] : (validate.errors ?? []).map(describeError);
}
