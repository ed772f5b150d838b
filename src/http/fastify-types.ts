import type { ApiFamily } from '../catalog/families.js';
import type { Actor } from '../domain/actor.js';
import type { LoadScheduler } from '../domain/loads/load-scheduler.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Singular resource name, the key of JSON error bodies (`{"errors":{"user":[…]}}`). */
    resource?: string;
    /** OAuth scope the route needs, set from http/route-scopes.ts; API keys without scopes have them all. */
    scope?: string;
    /** Served without credentials (health check). */
    public?: boolean;
    /** What the route's body must be, named by a 415 (an upload's multipart field); else XML or JSON. */
    accepts?: string;
    /** The API family the route belongs to (catalog/families.ts): its credentials, scopes and error shape. Core when absent. */
    family?: ApiFamily;
  }
  interface FastifyRequest {
    actor: Actor;
    /** The messages of the error answer sent, for the request journal; null until one is. */
    errorMessages: readonly string[] | null;
  }
  interface FastifyInstance {
    /** The flat-file loader of this app: `serve` starts its timer; `pass()` runs one now. */
    loader: LoadScheduler;
  }
}
