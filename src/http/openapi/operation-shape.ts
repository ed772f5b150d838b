import type { ExtraRoute, ResourceDef } from '../../catalog/resource.js';
import type { ServedRoute } from '../route-scopes.js';
import type { ResponseObject } from './answers.js';
import type { JsonSchema } from './json-schema.js';
import type { ParameterObject } from './query-parameters.js';
import type { ResourceSchemas } from './resource-schemas.js';

/** What an operation takes and answers, besides its path parameters and refusals. */
export interface OperationShape {
  readonly parameters: ParameterObject[];
  readonly requestBody?: Readonly<Record<string, unknown>>;
  readonly responses: Record<string, ResponseObject>;
}

/** The extra route of the definition a served route came from. */
export function extraOf(route: ServedRoute): ExtraRoute | undefined {
  const base = route.def.api?.path ?? '';
  return route.def.api?.extraRoutes?.find((r) => r.method === route.method && `${base}${r.path}` === route.path);
}

/** A required request body in the given media types. */
export function requestBody(
  content: Record<string, { schema: JsonSchema }>,
  description: string,
): Readonly<Record<string, unknown>> {
  return { required: true, description, content };
}

/** Items of a bulk update: each names its row by `id` (core: or by its natural key). */
export function withId(schemas: ResourceSchemas, def: ResourceDef, required: boolean): JsonSchema {
  return {
    type: 'object',
    allOf: [schemas.input(def)],
    properties: { id: { ...schemas.idSchema(def), description: `The ${def.singular} to update` } },
    ...(required ? { required: ['id'] } : {}),
  };
}
