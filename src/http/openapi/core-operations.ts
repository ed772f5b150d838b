import { servedOwner } from '../../catalog/registry.js';
import { MAX_BULK_ITEMS } from '../format/body.js';
import type { ServedRoute } from '../route-scopes.js';
import { contentOf, coreBulkResultSchema, type ResponseObject } from './answers.js';
import type { JsonSchema } from './json-schema.js';
import { extraOf, requestBody, withId, type OperationShape } from './operation-shape.js';
import { bulkParameter, indexParameters, viewParameters } from './query-parameters.js';
import type { ResourceSchemas } from './resource-schemas.js';

/** What a core route takes and answers (http/records/routes.ts, http/records/bulk.ts, http/avatars/routes.ts). */
export function coreShape(schemas: ResourceSchemas, route: ServedRoute): OperationShape {
  const { def } = route;
  const record = schemas.record(def);
  // Only writes have (and so add) the input schema.
  const input = (): JsonSchema => schemas.input(def);
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
        requestBody: requestBody(
          contentOf(
            'core',
            underOwner ? input() : { anyOf: [input(), { type: 'array', minItems: 1, maxItems: MAX_BULK_ITEMS, items: input() }] },
          ),
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
        requestBody: requestBody(contentOf('core', input()), `The elements to change`),
        responses: { '200': ok(`The ${def.singular} updated (no body with return_object=none)`, record) },
      };
    case 'bulk-update':
      return {
        parameters: [bulkParameter(true)],
        requestBody: requestBody(
          contentOf('core', { type: 'array', minItems: 1, maxItems: MAX_BULK_ITEMS, items: withId(schemas, def, false) }),
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
function extraShape(schemas: ResourceSchemas, route: ServedRoute): OperationShape {
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
    requestBody: requestBody(
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
