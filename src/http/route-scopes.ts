import type { FastifyInstance } from 'fastify';
import type { ApiFamily } from '../catalog/families.js';
import { assertNever } from '../catalog/lookup.js';
import { servedOwner, servedResources } from '../catalog/registry.js';
import type { Operation, ResourceApi, ResourceDef } from '../catalog/resource.js';

/** What a route does, for the docs and the OpenAPI document: a standard operation, a bulk update, or an extra route. */
export type RouteAction = Operation | 'bulk-update' | 'extra';

/** One route a resource serves, under its family's mount (`/api/users`; the CSO family's also under `/cso`). */
export interface ServedRoute {
  readonly def: ResourceDef;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify's spelling: `/api/users/:id`. */
  readonly path: string;
  readonly scope: string;
  readonly action: RouteAction;
}

function routesOf(def: ResourceDef, api: ResourceApi, family: ApiFamily): ServedRoute[] {
  const out: ServedRoute[] = [];
  const { read, write } = api.scopes;
  const add = (method: ServedRoute['method'], path: string, scope: string, action: RouteAction) =>
    out.push({ def, method, path, scope, action });
  const underOwner = servedOwner(def) !== undefined;
  for (const operation of api.operations) {
    switch (operation) {
      case 'index':
        add('GET', api.path, read, operation);
        break;
      case 'show':
        add('GET', `${api.path}/:id`, read, operation);
        break;
      case 'create':
        add('POST', api.path, write, operation);
        break;
      case 'update':
        add('PUT', `${api.path}/:id`, write, operation);
        // Rails routes PATCH to the same update; CSO documents PUT alone (seed 001).
        if (family === 'core') add('PATCH', `${api.path}/:id`, write, operation);
        // `PUT` on the collection is a bulk update (core: `?bulk=1`), except under an owner.
        if (!underOwner) add('PUT', api.path, write, 'bulk-update');
        break;
      case 'destroy':
        add('DELETE', `${api.path}/:id`, write, operation);
        break;
      default:
        assertNever(operation);
    }
  }
  for (const route of api.extraRoutes ?? []) {
    add(route.method, `${api.path}${route.path}`, route.access === 'read' ? read : write, 'extra');
  }
  return out;
}

/** Every route the resources of `family` serve, made from their definitions. */
export function servedRoutes(family: ApiFamily): ServedRoute[] {
  return servedResources(family).flatMap((def) => (def.api ? routesOf(def, def.api, family) : []));
}

/**
 * The scope every route of `family` needs, keyed `"METHOD path"`, in one place, made from the
 * resource definitions. A route that is neither `public` (health, the token endpoint) nor listed
 * here fails at start-up, so no endpoint can ship without a declared scope. docs/auth.md lists
 * the core table (a test keeps them in sync); the CSO family's key opens all of its routes.
 */
export function routeScopes(family: ApiFamily): Readonly<Record<string, string>> {
  return Object.fromEntries(servedRoutes(family).map((r) => [`${r.method} ${r.path}`, r.scope]));
}

/** The core API's table (`routeScopes('core')`). */
export const ROUTE_SCOPES: Readonly<Record<string, string>> = routeScopes('core');

const TABLES: Readonly<Record<ApiFamily, Readonly<Record<string, string>>>> = {
  core: ROUTE_SCOPES,
  cso: routeScopes('cso'),
};

/**
 * Gives every route its scope from its family's table (`config.family`, core when absent),
 * by its path under the plugin prefix it is mounted at (`/cso/api/users` is CSO's `/api/users`).
 */
export function registerRouteScopes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.public) return;
    const family = route.config?.family ?? 'core';
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = route.prefix !== '' && route.url.startsWith(route.prefix) ? route.url.slice(route.prefix.length) : route.url;
    for (const method of methods) {
      // Fastify answers HEAD with its GET route: it needs what GET needs.
      const scope = TABLES[family][`${method === 'HEAD' ? 'GET' : method} ${path}`];
      if (!scope) throw new Error(`Route ${method} ${route.url} has no scope in the ${family} route table`);
      route.config = { ...route.config, scope };
    }
  });
}
