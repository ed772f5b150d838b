import { STATUS_CODES } from 'node:http';
import type { ApiFamily } from '../../catalog/families.js';
import { indexCatalog } from '../../catalog/lookup.js';
import type { ResourceDef } from '../../catalog/resource.js';
import { ERROR_CATALOG, type ErrorCode } from '../../domain/errors.js';
import { csoErrorType } from '../../render/cso-json.js';
import { componentName } from './component-names.js';
import { orNull, type JsonSchema } from './json-schema.js';
import type { ResourceSchemas } from './resource-schemas.js';
import { typeSchema } from './value-schemas.js';

/** An OpenAPI Response Object, as plain data. */
export type ResponseObject = { readonly [field: string]: unknown };

/** The media types of core answers and bodies: XML (Coupa's default) and JSON. */
export const CORE_MEDIA = ['application/xml', 'application/json'] as const;

/** `{ "application/xml": {schema}, "application/json": {schema} }` for core; JSON alone for CSO. */
export function contentOf(family: ApiFamily, schema: JsonSchema): Record<string, { schema: JsonSchema }> {
  const types: readonly string[] = family === 'core' ? CORE_MEDIA : ['application/json'];
  return Object.fromEntries(types.map((type) => [type, { schema }] as const));
}

/** The error codes of the catalogue a route may answer with `status` (not the token endpoint's). */
function codesOf(status: number): ErrorCode[] {
  return (Object.keys(ERROR_CATALOG) as ErrorCode[]).filter((code) => {
    const entry: { status: number; oauth?: true } = ERROR_CATALOG[code];
    return entry.status === status && entry.oauth !== true;
  });
}

/**
 * Core's error body (http/reply.ts): JSON `{"errors": {"user": ["Login has already been
 * taken"]}}`, keyed by the resource's singular name (`base` for a request no route took); XML
 * `<errors><error>…</error></errors>`.
 */
function coreErrors(schemas: ResourceSchemas): JsonSchema {
  return schemas.shared('Errors', () => ({
    type: 'object',
    description:
      'A refusal, in Coupa\'s shape: the messages under the resource\'s singular name (`{"errors": {"user": ["…"]}}`); ' +
      'in XML `<errors><error>…</error></errors>`.',
    required: ['errors'],
    properties: {
      errors: {
        type: 'object',
        minProperties: 1,
        additionalProperties: { type: 'array', items: { type: 'string', xml: { name: 'error' } } },
      },
    },
    additionalProperties: false,
    xml: { name: 'errors' },
  }));
}

/** One entry of CSO's `result` list. */
function csoResult(schemas: ResourceSchemas): JsonSchema {
  return schemas.shared('CsoResult', () => ({
    type: 'object',
    required: ['type', 'description'],
    properties: {
      type: { type: 'string', description: '`api.post.added`, `api.put.updated`, `api.<verb>.failed` or `api.error.<code>`' },
      description: { type: 'string' },
    },
    additionalProperties: false,
  }));
}

/** CSO's error body (render/cso-json.ts): `{"result": [{"type": "api.error.<code>", "description": "…"}]}`. */
function csoErrors(schemas: ResourceSchemas): JsonSchema {
  return schemas.shared('CsoErrors', () => ({
    type: 'object',
    description: `A refusal: one \`${csoErrorType('<code>')}\` entry per message.`,
    required: ['result'],
    properties: { result: { type: 'array', minItems: 1, items: csoResult(schemas) } },
    additionalProperties: false,
  }));
}

/**
 * CSO's answer to a write (render/cso-json.ts, `csoWriteAnswer`): `result`, the count written
 * (`added` or `updated`), a create's new ids under the plural, and for items refused `failed`
 * and `errors` (each with its index, how it named its row, its code and why).
 */
export function csoWriteAnswerSchema(schemas: ResourceSchemas, def: ResourceDef, mode: 'create' | 'update'): JsonSchema {
  return schemas.shared(`${componentName(schemas.family, def)}${mode === 'create' ? 'Created' : 'Updated'}`, () => {
    const done = mode === 'create' ? 'added' : 'updated';
    const keyName = mode === 'update' ? 'id' : indexCatalog(def).key.name;
    const properties: Record<string, JsonSchema> = {
      result: { type: 'array', minItems: 1, items: csoResult(schemas) },
      [done]: { type: 'integer', minimum: 0 },
      failed: { type: 'integer', minimum: 1 },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          required: ['index', 'type', 'description'],
          properties: {
            index: { type: 'integer', minimum: 0, description: "The item's position in the request" },
            [keyName]: { type: 'string', description: `The item's ${keyName} as sent` },
            type: { type: 'string', description: `\`${csoErrorType('<code>')}\`` },
            description: { type: 'string' },
          },
          additionalProperties: false,
        },
      },
    };
    if (mode === 'create') {
      properties[def.plural] = {
        type: 'array',
        description: 'The ids of the records written, in order',
        items: { type: 'object', required: ['id'], properties: { id: schemas.idSchema(def) }, additionalProperties: false },
      };
    }
    return {
      type: 'object',
      description: `A ${mode}: how many items were written; items refused are counted in failed and explained in errors.`,
      required: ['result', done, ...(mode === 'create' ? [def.plural] : [])],
      properties,
      additionalProperties: false,
    };
  });
}

/** CSO's index answer: `{"total": N, "<plural>": […]}`. */
export function csoPageSchema(schemas: ResourceSchemas, def: ResourceDef): JsonSchema {
  return schemas.shared(`${componentName(schemas.family, def)}Page`, () => ({
    type: 'object',
    required: ['total', def.plural],
    properties: {
      total: { type: 'integer', minimum: 0, description: 'How many records match, on every page' },
      [def.plural]: { type: 'array', items: schemas.record(def) },
    },
    additionalProperties: false,
  }));
}

/**
 * One item's result of a core bulk write (`?bulk=1`, http/records/bulk.ts): SUCCESS or ERROR,
 * the row's unique keys (the id alone for a resource named by its id), the error code and messages.
 */
export function coreBulkResultSchema(schemas: ResourceSchemas, def: ResourceDef): JsonSchema {
  return schemas.shared(`${componentName(schemas.family, def)}BulkResult`, () => {
    const key = indexCatalog(def).key;
    const unique: Record<string, JsonSchema> = { id: orNull({ type: 'integer' }) };
    if (key.auto !== 'id') unique[key.name] = orNull(typeSchema(key.type, 'out'));
    return {
      type: 'object',
      required: ['status', 'unique-keys', 'error-code', 'errors'],
      properties: {
        status: { type: 'string', enum: ['SUCCESS', 'ERROR'] },
        'unique-keys': { type: 'object', properties: unique, additionalProperties: false },
        'error-code': orNull({ type: 'string', enum: Object.keys(ERROR_CATALOG) }),
        errors: { type: 'array', items: { type: 'string', xml: { name: 'error' } } },
      },
      additionalProperties: false,
      xml: { name: 'result' },
    };
  });
}

/**
 * The refusal a route answers with `status`, in its family's shape, with the error codes it
 * may carry in `X-Roster-Error-Code` (domain/errors.ts, docs/errors.md). `alsoBody` is another
 * body the status may carry (a CSO write whose every item was refused answers its write answer).
 */
export function errorResponse(schemas: ResourceSchemas, status: number, alsoBody?: JsonSchema): ResponseObject {
  const make = (): ResponseObject => {
    const family = schemas.family;
    const errors = family === 'core' ? coreErrors(schemas) : csoErrors(schemas);
    const codes = codesOf(status);
    return {
      description: `${STATUS_CODES[status] ?? 'Refused'}: ${codes.map((c) => `\`${c}\``).join(', ')} (X-Roster-Error-Code).`,
      headers: {
        'X-Roster-Error-Code': { description: 'The stable error code (docs/errors.md)', schema: { type: 'string', enum: codes } },
      },
      content: contentOf(family, alsoBody ? { anyOf: [errors, alsoBody] } : errors),
    };
  };
  return alsoBody ? make() : schemas.sharedResponse(`Error${status}`, make);
}
