import type { FastifyInstance } from 'fastify';
import { servedResources } from '../../catalog/registry.js';
import type { Engine } from '../../domain/engine.js';
import type { RateLimiter } from '../../domain/rate-limit.js';
import type { ApiKeyRepository } from '../../store/api-key-repository.js';
import { apiKeyAuthenticator, registerAuth } from '../auth.js';
import { registerErrorHandling } from '../error-handler.js';
import { registerOpenApiRoutes } from '../openapi/routes.js';
import { registerCsoRoutes } from './routes.js';

/** What the CSO family's routes share with the app they are mounted in. */
export interface CsoApiDeps {
  readonly engine: Engine;
  readonly keys: ApiKeyRepository;
  readonly limiter: RateLimiter | null;
}

/**
 * The CSO API family (docs/cso-api.md) as one encapsulated Fastify plugin: its own listener
 * registers it at the root, the core app under `/cso`. Inside it: JSON bodies only (the XML
 * parser the core app adds is removed), `X-CSO-API-KEY` authentication (a core credential
 * opens nothing here), the CSO resources' routes, its OpenAPI document and viewer, and CSO's
 * error shape for every error, unknown paths included.
 */
export function csoApi(scope: FastifyInstance, deps: CsoApiDeps, done: (err?: Error) => void): void {
  // JSON only (doc 0462): not the XML, text or multipart bodies the core API reads.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
  // Under a prefix it answers its own errors and unknown paths; alone, the app's handlers are already CSO's.
  if (scope.prefix !== '') registerErrorHandling(scope, 'cso');
  registerAuth(scope, [apiKeyAuthenticator(deps.keys, 'cso')], deps.limiter, 'cso');
  for (const def of servedResources('cso')) registerCsoRoutes(scope, def, deps.engine.service(def));
  // CSO documents its schema at /openapi.html on every site (doc 0462).
  registerOpenApiRoutes(scope, 'cso');
  done();
}
