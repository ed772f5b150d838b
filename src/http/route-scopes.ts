import type { FastifyInstance } from 'fastify';

/**
 * The scope every route needs, in one place. A route that is neither `public` (health, the
 * token endpoint) nor listed here fails at start-up, so no endpoint can ship without a
 * declared scope. docs/auth.md lists
 * the same table (a test keeps them in sync).
 */
export const ROUTE_SCOPES: Readonly<Record<string, string>> = {
  'GET /api/users': 'core.user.read',
  'GET /api/users/:id': 'core.user.read',
  'POST /api/users': 'core.user.write',
  'PUT /api/users/:id': 'core.user.write',
  'PATCH /api/users/:id': 'core.user.write',
  'GET /api/users/:id/avatar': 'core.user.read',
  'PUT /api/users/:id/avatar': 'core.user.write',
  'DELETE /api/users/:id/avatar': 'core.user.write',
};

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
