import { FAMILIES, type ApiFamily } from '../../catalog/families.js';
import { SCOPES } from '../../catalog/scopes.js';
import { servedRoutes } from '../route-scopes.js';
import { componentName } from './component-names.js';
import { openApiPath, operationOf, type OperationObject } from './operations.js';
import { ResourceSchemas } from './resource-schemas.js';

/** Roster's version (package.json's `version`; test/openapi.test.ts keeps them equal). */
export const ROSTER_VERSION = '0.1.0';

/** Where a core client gets an OAuth 2.0 access token (http/oauth/routes.ts). */
const TOKEN_URL = '/oauth2/token';

function describeFamily(family: ApiFamily): string {
  return family === 'core'
    ? "Coupa's core API as Roster serves it: XML (the default) or JSON by Accept, OAuth 2.0 client credentials " +
        'with scopes or an X-COUPA-API-KEY header. Made from the resource definitions.'
    : 'Coupa Sourcing Optimization as Roster serves it: JSON, an X-CSO-API-KEY header, ids as strings of digits, ' +
        'values without one left out. Made from the resource definitions.';
}

/** The security schemes of a family: core's OAuth 2.0 (with the scopes its routes need) and API key; CSO's key. */
function securitySchemes(family: ApiFamily, scopes: readonly string[]): Record<string, unknown> {
  const key = (name: string, description: string) => ({ type: 'apiKey', in: 'header', name, description });
  if (family === 'cso')
    return {
      csoApiKey: key(
        FAMILIES.cso.keyHeader.toUpperCase(),
        'A CSO API key (roster keys create --api cso, or serve --cso-api-key)',
      ),
    };
  const described = new Map(SCOPES.map((s) => [s.name, s.description] as const));
  return {
    oauth2: {
      type: 'oauth2',
      description: 'OAuth 2.0 client credentials (roster clients create); each route needs the scope it lists',
      flows: {
        clientCredentials: {
          tokenUrl: TOKEN_URL,
          scopes: Object.fromEntries(scopes.map((s) => [s, described.get(s) ?? s] as const)),
        },
      },
    },
    apiKey: key(FAMILIES.core.keyHeader.toUpperCase(), 'A Roster API key (printed at first start, or roster keys create)'),
  };
}

function build(family: ApiFamily): Readonly<Record<string, unknown>> {
  const schemas = new ResourceSchemas(family);
  const routes = servedRoutes(family);
  const paths: Record<string, Record<string, OperationObject>> = {};
  const ids = new Set<string>();
  for (const route of routes) {
    const operation = operationOf(schemas, route);
    const id = String(operation['operationId']);
    if (ids.has(id)) throw new Error(`Two ${family} routes have the operationId ${id}`);
    ids.add(id);
    const item = (paths[openApiPath(route.path)] ??= {});
    item[route.method.toLowerCase()] = operation;
  }
  const tags = [...new Map(routes.map((r) => [r.def.name, r.def] as const)).values()].map((def) => ({
    name: def.name,
    description: `${componentName(family, def)}: ${def.api?.path ?? ''}`,
  }));
  const scopes = [...new Set(routes.map((r) => r.scope))].sort();
  return deepFreeze({
    openapi: '3.1.0',
    info: { title: `Roster: ${FAMILIES[family].title}`, version: ROSTER_VERSION, description: describeFamily(family) },
    servers: [{ url: '/' }],
    tags,
    paths,
    components: {
      schemas: schemas.components(),
      responses: schemas.responses(),
      securitySchemes: securitySchemes(family, scopes),
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const documents = new Map<ApiFamily, Readonly<Record<string, unknown>>>();

/**
 * The OpenAPI 3.1 document of an API family, made once (per process) from the resource
 * definitions and the route table (`servedRoutes`): every route with its parameters, request
 * body and answers in JSON Schema, each resource's record and input schemas, the family's
 * credentials and each operation's. Core lists XML beside JSON for the same schemas. Deeply
 * frozen. `servers` says `/`: http/openapi/routes.ts gives the prefix a family is mounted under.
 */
export function openApiDocument(family: ApiFamily): Readonly<Record<string, unknown>> {
  let doc = documents.get(family);
  if (!doc) {
    doc = build(family);
    documents.set(family, doc);
  }
  return doc;
}
