import { resourceNamed, servedOwner } from '../../catalog/registry.js';
import type { ResourceDef } from '../../catalog/resource.js';
import type { ServedRoute } from '../route-scopes.js';
import { errorResponse, type ResponseObject } from './answers.js';
import { coreShape } from './core-operations.js';
import { csoShape } from './cso-operations.js';
import { extraOf, type OperationShape } from './operation-shape.js';
import { conditionsText, type ParameterObject } from './query-parameters.js';
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

/** A route's path parameters: ids of its resource, or of its owner (integers for core, digits as text for CSO). */
function pathParameters(schemas: ResourceSchemas, route: ServedRoute): ParameterObject[] {
  return pathParameterNames(route.path).map((name) => {
    const of = idOwner(route.def, name);
    return {
      name,
      in: 'path',
      required: true,
      description:
        name === 'id'
          ? `The ${route.def.singular}'s id`
          : `The id of the ${of === route.def ? name.replace(/_id$/, '') : of.singular}`,
      schema: schemas.idSchema(of),
    };
  });
}

/** The words of an extra route's path after its resource's: `/:id/retrieve_avatar` → `retrieve_avatar`. */
const actionWords = (route: ServedRoute): string[] =>
  (extraOf(route)?.path ?? route.path).split('/').filter((w) => w !== '' && !w.startsWith(':'));

/** A unique, readable id: `users.index`, `users.patch`, `users.post-avatar`. */
export function operationId(route: ServedRoute): string {
  const { def, method, action } = route;
  if (action !== 'extra') return `${def.name}.${method === 'PATCH' ? 'patch' : action}`;
  return `${def.name}.${method.toLowerCase()}-${actionWords(route).join('-')}`;
}

/** A one-line summary: `List users`, `Update a user (PATCH)`, `POST invite_worker`. */
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
      return `${method} ${actionWords(route).join(' ')}`;
  }
};

/** The refusals a route may answer besides its own (400 for a write whose items all failed is the shape's). */
function refusals(schemas: ResourceSchemas, route: ServedRoute, shape: OperationShape): Record<string, ResponseObject> {
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
