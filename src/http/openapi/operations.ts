import { servedOwner, resourceNamed } from '../../catalog/registry.js';
import type { ExtraRoute, ResourceDef } from '../../catalog/resource.js';
import type { ServedRoute } from '../route-scopes.js';
import {
  contentOf,
  coreBulkResultSchema,
  csoPageSchema,
  csoWriteAnswerSchema,
  errorResponse,
  type ResponseObject,
} from './answers.js';
import type { JsonSchema } from './json-schema.js';
import { bulkParameter, conditionsText, indexParameters, viewParameters, type ParameterObject } from './query-parameters.js';
import type { ResourceSchemas } from './resource-schemas.js';

/** An OpenAPI Operation Object, as plain data. */
export type OperationObject = { readonly [field: string]: unknown };

/** `/api/users/:id` → `/api/users/{id}`: Fastify's path in OpenAPI's spelling. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The names of a Fastify path's parameters, in order: `:worker_id`, `:id` → `worker_id`, `id`. */
export const pathParameterNames = (path: string): string[] => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');

/** The resource an owned child's path names its owner of (`worker_id` → workers); else the resource itself. */
function idOwner(def: ResourceDef, name: string): ResourceDef {
  const owner = servedOwner(def);
  return owner && owner.column === name ? resourceNamed(owner.target) : def;
}

function pathParameters(schemas: ResourceSchemas, route: ServedRoute): ParameterObject[] {
  return pathParameterNames(route.path).map((name) => {
    const of = idOwner(route.def, name);
    return {
      name,
      in: 'path',
      required: true,
      description:
        name === 'id' ? `The ${route.def.model}'s id` : `The id of the ${of === route.def ? name.replace(/_id$/, '') : of.model}`,
      schema: schemas.idSchema(of),
    };
  });
}

/** The extra route of the definition a served route came from. */
function extraOf(route: ServedRoute): ExtraRoute | undefined {
  const base = route.def.api?.path ?? '';
  return route.def.api?.extraRoutes?.find((r) => r.method === route.method && `${base}${r.path}` === route.path);
}

/** A unique, readable id: `users.index`, `users.patch`, `users.post-avatar`. */
export function operationId(route: ServedRoute): string {
  const { def, method, action, path } = route;
  if (action !== 'extra') return `${def.name}.${method === 'PATCH' ? 'patch' : action}`;
  const words = (extraOf(route)?.path ?? path).split('/').filter((w) => w !== '' && !w.startsWith(':'));
  return `${def.name}.${method.toLowerCase()}-${words.join('-')}`;
}

const summaryOf = (route: ServedRoute): string => {
  const { def, action, method } = route;
  switch (action) {
    case 'index':
      return `List ${def.plural}`;
    case 'show':
      return `Show a ${def.singular}`;
    case 'create':
      return `Create a ${def.singular}`;
    case 'update':
      return `Update a ${def.singular}${method === 'PATCH' ? ' (PATCH)' : ''}`;
    case 'bulk-update':
      return `Update ${def.plural} in bulk`;
    case 'destroy':
      return `Delete a ${def.singular}`;
    case 'extra':
      return `${method} ${(extraOf(route)?.path ?? '').replace(/^\/:id/, '')}`.trim();
  }
};

/** A core request body: the record's input document, in XML or JSON. */
function body(content: Record<string, { schema: JsonSchema }>, description: string): OperationObject {
  return { required: true, description, content };
}

/** Items of a bulk update: each names its row by `id` (core: or by its natural key). */
function withId(schemas: ResourceSchemas, def: ResourceDef, required: boolean): JsonSchema {
  return {
    allOf: [schemas.input(def)],
    properties: { id: { ...schemas.idSchema(def), description: `The ${def.singular} to update` } },
    ...(required ? { required: ['id'] } : {}),
  };
}

interface Shape {
  readonly parameters: ParameterObject[];
  readonly requestBody?: OperationObject;
  readonly responses: Record<string, ResponseObject>;
}

/** What a core route takes and answers (http/records/routes.ts, http/records/bulk.ts, http/avatars/routes.ts). */
function coreShape(schemas: ResourceSchemas, route: ServedRoute): Shape {
  const { def } = route;
  const record = schemas.record(def);
  const input = schemas.input(def);
  const underOwner = servedOwner(def) !== undefined;
  const ok = (description: string, schema: JsonSchema): ResponseObject => ({ description, content: contentOf('core', schema) });
  const bulkResults = (): ResponseObject =>
    ok('With bulk=1: one result per item, in order', {
      type: 'array',
      items: coreBulkResultSchema(schemas, def),
      xml: { name: 'results', wrapped: true },
    });
  switch (route.action) {
    case 'index':
      return {
        parameters: indexParameters(def, 'core'),
        responses: {
          '200': ok(`A page of ${def.plural} (JSON: a bare array; XML answers 404 when nothing matches)`, {
            type: 'array',
            items: record,
            xml: { name: def.plural, wrapped: true },
          }),
        },
      };
    case 'show':
      return { parameters: viewParameters('read'), responses: { '200': ok(`The ${def.singular}`, record) } };
    case 'destroy':
      return { parameters: viewParameters('write'), responses: { '200': ok(`The ${def.singular} as it was`, record) } };
    case 'create':
      return {
        parameters: [...(underOwner ? [] : [bulkParameter(false)]), ...viewParameters('write')],
        requestBody: body(
          contentOf('core', underOwner ? input : { anyOf: [input, { type: 'array', items: input }] }),
          underOwner
            ? `The new ${def.singular}`
            : `The new ${def.singular}; with bulk=1 a list of them (or {"${def.plural}": […]})`,
        ),
        responses: {
          '201': ok(`The ${def.singular} created (no body with return_object=none)`, record),
          ...(underOwner ? {} : { '200': bulkResults() }),
        },
      };
    case 'update':
      return {
        parameters: viewParameters('write'),
        requestBody: body(contentOf('core', input), `The elements to change`),
        responses: { '200': ok(`The ${def.singular} updated (no body with return_object=none)`, record) },
      };
    case 'bulk-update':
      return {
        parameters: [bulkParameter(true)],
        requestBody: body(
          contentOf('core', { type: 'array', items: withId(schemas, def, false) }),
          `The ${def.plural} to update, each named by its id or ${def.key} (or {"${def.plural}": […]})`,
        ),
        responses: { '200': bulkResults() },
      };
    case 'extra':
      return extraShape(schemas, route);
  }
}

/**
 * An action beyond the standard ones. A resource with an avatar (`def.avatar`) serves it as
 * http/avatars/routes.ts does: the image on GET, a multipart `file` upload answered with the
 * record, a DELETE answered with the record. Other actions are described by their status alone.
 */
function extraShape(schemas: ResourceSchemas, route: ServedRoute): Shape {
  const extra = extraOf(route);
  const status = String(extra?.status ?? 200);
  const avatar = route.def.avatar !== undefined && /^\/:id\/(avatar|retrieve_avatar)$/.test(extra?.path ?? '');
  if (!avatar) {
    return { parameters: [], responses: { [status]: { description: `The ${route.def.singular} action's answer` } } };
  }
  const record = { description: `The ${route.def.singular}`, content: contentOf('core', schemas.record(route.def)) };
  if (route.method === 'GET') {
    const image = { schema: { type: 'string', contentMediaType: 'application/octet-stream' } };
    return {
      parameters: [],
      responses: {
        [status]: { description: 'The avatar image', content: { 'image/png': image, 'image/jpeg': image, 'image/gif': image } },
      },
    };
  }
  if (route.method === 'DELETE') return { parameters: viewParameters('write'), responses: { [status]: record } };
  return {
    parameters: viewParameters('write'),
    requestBody: body(
      {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: {
              file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'A PNG, JPEG or GIF' },
            },
          },
        },
      },
      'The avatar image',
    ),
    responses: { [status]: record },
  };
}

/** What a CSO route takes and answers (http/cso/routes.ts, http/cso/body.ts). */
function csoShape(schemas: ResourceSchemas, route: ServedRoute): Shape {
  const { def } = route;
  const input = schemas.input(def);
  const listOf = (item: JsonSchema, max?: number): JsonSchema => ({
    type: 'object',
    required: [def.plural],
    properties: { [def.plural]: { type: 'array', minItems: 1, ...(max ? { maxItems: max } : { maxItems: 1000 }), items: item } },
    additionalProperties: false,
  });
  const ok = (description: string, schema: JsonSchema): ResponseObject => ({ description, content: contentOf('cso', schema) });
  switch (route.action) {
    case 'index':
      return {
        parameters: indexParameters(def, 'cso'),
        responses: { '200': ok(`A page of ${def.plural}`, csoPageSchema(schemas, def)) },
      };
    case 'show':
      return { parameters: [], responses: { '200': ok(`The ${def.singular}`, schemas.record(def)) } };
    case 'create': {
      const answer = csoWriteAnswerSchema(schemas, def, 'create');
      return {
        parameters: [],
        requestBody: body(
          contentOf('cso', { anyOf: [listOf(input), input] }),
          `{"${def.plural}": […]}, or one ${def.singular} object`,
        ),
        responses: {
          '201': ok('At least one item was created; items refused are listed in errors', answer),
          '400': errorResponse(schemas, 400, answer),
        },
      };
    }
    case 'update': {
      const answer = csoWriteAnswerSchema(schemas, def, 'update');
      return {
        parameters: [],
        requestBody: body(
          contentOf('cso', { anyOf: [input, listOf(input, 1)] }),
          `The elements to change (an id given must be the path's)`,
        ),
        responses: { '200': ok(`The ${def.singular} was updated`, answer) },
      };
    }
    case 'bulk-update': {
      const answer = csoWriteAnswerSchema(schemas, def, 'update');
      return {
        parameters: [],
        requestBody: body(
          contentOf('cso', { anyOf: [listOf(withId(schemas, def, true)), withId(schemas, def, true)] }),
          `{"${def.plural}": […]}, each item naming its row by id`,
        ),
        responses: {
          '200': ok('At least one item was updated; items refused are listed in errors', answer),
          '400': errorResponse(schemas, 400, answer),
        },
      };
    }
    case 'destroy':
    case 'extra':
      return { parameters: [], responses: { '200': { description: `The ${def.singular} action's answer` } } };
  }
}

/** The refusals a route may answer besides its own (400 for a write whose items all failed is the shape's). */
function refusals(schemas: ResourceSchemas, route: ServedRoute, shape: Shape): Record<string, ResponseObject> {
  const statuses = [400, 401];
  if (schemas.family === 'core') statuses.push(403);
  if (route.path.includes(':') || (schemas.family === 'core' && route.action === 'index')) statuses.push(404);
  if (shape.requestBody) statuses.push(413, 415);
  statuses.push(429);
  return Object.fromEntries(
    statuses.filter((s) => shape.responses[String(s)] === undefined).map((s) => [String(s), errorResponse(schemas, s)] as const),
  );
}

/** The OpenAPI operation of one served route: parameters, body, answers, its resource's tag, its credentials. */
export function operationOf(schemas: ResourceSchemas, route: ServedRoute): OperationObject {
  const shape = schemas.family === 'core' ? coreShape(schemas, route) : csoShape(schemas, route);
  const security = schemas.family === 'core' ? [{ oauth2: [route.scope] }, { apiKey: [] }] : [{ csoApiKey: [] }];
  return {
    tags: [route.def.name],
    summary: summaryOf(route),
    ...(route.action === 'index' ? { description: conditionsText() } : {}),
    operationId: operationId(route),
    parameters: [...pathParameters(schemas, route), ...shape.parameters],
    ...(shape.requestBody ? { requestBody: shape.requestBody } : {}),
    responses: { ...shape.responses, ...refusals(schemas, route, shape) },
    security,
  };
}
