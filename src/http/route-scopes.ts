import type { FastifyInstance } from 'fastify';
import { assertNever } from '../catalog/lookup.js';
import { servedOwner, servedResources } from '../catalog/registry.js';
import type { ResourceApi } from '../catalog/resource.js';

function routesOf(api: ResourceApi, underOwner: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const { read, write } = api.scopes;
  for (const operation of api.operations) {
    switch (operation) {
      case 'index':
        out.push([`GET ${api.path}`, read]);
        break;
      case 'show':
        out.push([`GET ${api.path}/:id`, read]);
        break;
      case 'create':
        out.push([`POST ${api.path}`, write]);
        break;
      case 'update':
        out.push([`PUT ${api.path}/:id`, write], [`PATCH ${api.path}/:id`, write]);
        // `PUT` on the collection is a bulk update (`?bulk=1`), except under an owner.
        if (!underOwner) out.push([`PUT ${api.path}`, write]);
        break;
      case 'destroy':
        out.push([`DELETE ${api.path}/:id`, write]);
        break;
      default:
        assertNever(operation);
    }
  }
  for (const route of api.extraRoutes ?? []) {
    out.push([`${route.method} ${api.path}${route.path}`, route.access === 'read' ? read : write]);
  }
  return out;
}

/**
 * The scope every route needs, in one place, made from the resource definitions. A route
 * that is neither `public` (health, the token endpoint) nor listed here fails at start-up,
 * so no endpoint can ship without a declared scope. docs/auth.md lists the same table (a
 * test keeps them in sync).
 */
export const ROUTE_SCOPES: Readonly<Record<string, string>> = Object.fromEntries(
  servedResources().flatMap((def) => (def.api ? routesOf(def.api, servedOwner(def) !== undefined) : [])),
);

export function registerRouteScopes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.public) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // Fastify answers HEAD with its GET route: it needs what GET needs.
      const scope = ROUTE_SCOPES[`${method === 'HEAD' ? 'GET' : method} ${route.url}`];
      if (!scope) throw new Error(`Route ${method} ${route.url} has no scope in ROUTE_SCOPES`);
      route.config = { ...route.config, scope };
    }
  });
}
