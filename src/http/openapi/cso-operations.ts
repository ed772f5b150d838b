import { MAX_CSO_ITEMS } from '../cso/body.js';
import type { ServedRoute } from '../route-scopes.js';
import { contentOf, csoPageSchema, csoWriteAnswerSchema, errorResponse, type ResponseObject } from './answers.js';
import type { JsonSchema } from './json-schema.js';
import { requestBody, withId, type OperationShape } from './operation-shape.js';
import { indexParameters } from './query-parameters.js';
import type { ResourceSchemas } from './resource-schemas.js';

/** What a CSO route takes and answers (http/cso/routes.ts, http/cso/body.ts). */
export function csoShape(schemas: ResourceSchemas, route: ServedRoute): OperationShape {
  const { def } = route;
  // Only writes have (and so add) the input schema.
  const input = (): JsonSchema => schemas.input(def);
  const listOf = (item: JsonSchema, max?: number): JsonSchema => ({
    type: 'object',
    required: [def.plural],
    properties: { [def.plural]: { type: 'array', minItems: 1, maxItems: max ?? MAX_CSO_ITEMS, items: item } },
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
        requestBody: requestBody(
          contentOf('cso', { anyOf: [listOf(input()), input()] }),
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
        requestBody: requestBody(
          contentOf('cso', { anyOf: [input(), listOf(input(), 1)] }),
          `The elements to change (an id given must be the path's)`,
        ),
        responses: { '200': ok(`The ${def.singular} was updated`, answer) },
      };
    }
    case 'bulk-update': {
      const answer = csoWriteAnswerSchema(schemas, def, 'update');
      return {
        parameters: [],
        requestBody: requestBody(
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
