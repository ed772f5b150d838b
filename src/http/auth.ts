import { FAMILIES, type ApiFamily } from '../catalog/families.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.js';
import { RosterError } from '../domain/errors.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import type { TokenService } from '../domain/tokens.js';
import type { ApiKeyRecord, ApiKeyRepository } from '../store/api-key-repository.js';
import type { ClientRepository } from '../store/client-repository.js';

export const API_KEY_HEADER = FAMILIES.core.keyHeader;

const ANONYMOUS: Actor = { name: 'anonymous', userId: null };

/** Who a request authenticated as, and what it may do (`null` scopes: everything). */
export interface Credential {
  readonly actor: Actor;
  readonly scopes: readonly string[] | null;
  /** The rate-limit bucket: one per client or key. */
  readonly bucket: string;
  /** Bearer tokens get RFC 6750's challenges on refusal. */
  readonly bearer: boolean;
}

const CHALLENGE = 'Bearer realm="roster"';

const AUTHENTICATION_REQUIRED: Readonly<Record<ApiFamily, string>> = {
  core: 'Authentication required: send an OAuth access token (Authorization: Bearer …) or an API key (X-COUPA-API-KEY)',
  cso: 'Authentication required: send a CSO API key (X-CSO-API-KEY)',
};

/**
 * One way of authenticating. It returns undefined when the request does not carry its kind
 * of credential, and throws `unauthorized` when it carries a bad one; synchronously when it
 * needs no I/O (a credential checked a moment ago).
 */
export type Authenticator = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Credential | undefined | Promise<Credential | undefined>;

/**
 * An API key in the header of `family` (`X-COUPA-API-KEY`, `X-CSO-API-KEY`), valid only if it
 * was made for that family: a core key never opens CSO, nor a CSO key core.
 */
export function apiKeyAuthenticator(keys: ApiKeyRepository, family: ApiFamily = 'core'): Authenticator {
  const name = FAMILIES[family].keyHeader;
  const credentialOf = (found: ApiKeyRecord | undefined, reply: FastifyReply): Credential => {
    const record = found?.api === family ? found : undefined;
    if (!record) {
      // RFC 7235: every 401 carries a challenge.
      void reply.header('www-authenticate', CHALLENGE);
      throw new RosterError('unauthorized', 'Invalid API key');
    }
    return {
      actor: { name: record.name, userId: record.userId },
      scopes: record.scopes,
      bucket: `key:${record.id}`,
      bearer: false,
    };
  };
  return (request, reply) => {
    const header = request.headers[name];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key === '') return undefined;
    const remembered = keys.remembered(key);
    if (remembered) return credentialOf(remembered.value, reply);
    return keys.findActive(key).then((found) => credentialOf(found, reply));
  };
}

/** `Authorization: Bearer <token>` from the client-credentials grant; a revoked client's tokens die with it. */
export function bearerAuthenticator(tokens: TokenService, clients: ClientRepository): Authenticator {
  return (request, reply) => {
    const header = request.headers.authorization;
    return header === undefined ? undefined : bearer(header, reply);
  };

  async function bearer(header: string, reply: FastifyReply): Promise<Credential> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const invalid = (message: string) => {
      void reply.header('www-authenticate', `${CHALLENGE}, error="invalid_token"`);
      return new RosterError('unauthorized', message);
    };
    if (!m?.[1]) throw invalid('The Authorization header must be "Bearer <access token>"');
    let claims;
    try {
      claims = await tokens.verify(m[1]);
    } catch (err) {
      if (err instanceof RosterError) throw invalid(err.messages.join('; '));
      throw err;
    }
    const client = await clients.findActive(claims.clientId);
    if (!client) throw invalid('The client of this access token has been revoked');
    // A token never carries more than its client is granted now.
    const scopes = claims.scopes.filter((s) => client.scopes.includes(s));
    return { actor: { name: client.name, userId: client.userId }, scopes, bucket: `client:${client.clientId}`, bearer: true };
  }
}

/**
 * Every route that is not `public` needs a credential with the route's scope
 * (http/route-scopes.ts), and each credential draws on its own rate-limit bucket. The
 * decision is read from the matched route's config, never from the URL text: the router
 * decodes `/%61pi/users` and absolute-form targets to the same route, so any test of the
 * raw URL could be bypassed. A request that matches no route goes to the 404 handler, which
 * reveals nothing. The checks run as an onRequest hook, so a rejected request is never parsed.
 */
export function registerAuth(
  app: FastifyInstance,
  authenticators: readonly Authenticator[],
  limiter: RateLimiter | null,
  family: ApiFamily = 'core',
): void {
  // Set on every request by the hook below; a reference value may not be shared as a default.
  if (!app.hasRequestDecorator('actor')) app.decorateRequest('actor', null as unknown as Actor);
  const required = AUTHENTICATION_REQUIRED[family];

  /** The credential the first authenticator that recognises the request gives, without awaiting what needs no I/O. */
  const authenticate = (
    request: FastifyRequest,
    reply: FastifyReply,
    from = 0,
  ): Credential | undefined | Promise<Credential | undefined> => {
    for (let i = from; i < authenticators.length; i++) {
      const found = authenticators[i]?.(request, reply);
      if (found instanceof Promise) return found.then((c) => c ?? authenticate(request, reply, i + 1));
      if (found) return found;
    }
    return undefined;
  };

  /** Scopes, then the rate limit; a promise only when the limiter is consulted. */
  const admit = (request: FastifyRequest, reply: FastifyReply, credential: Credential | undefined): Promise<void> | void => {
    if (!credential) {
      void reply.header('www-authenticate', CHALLENGE);
      throw new RosterError('unauthorized', required);
    }
    const config = request.routeOptions.config;
    // registerRouteScopes gives every non-public route a scope; one without is refused all the same.
    if (credential.scopes && (config.scope === undefined || !credential.scopes.includes(config.scope))) {
      if (credential.bearer)
        void reply.header('www-authenticate', `${CHALLENGE}, error="insufficient_scope", scope="${config.scope ?? ''}"`);
      throw new RosterError('forbidden', `This credential lacks the scope ${config.scope ?? '(none declared)'}`);
    }
    if (!limiter) {
      request.actor = credential.actor;
      return;
    }
    return limiter.take(credential.bucket).then((decision) => {
      if (!decision.allowed) {
        void reply.header('retry-after', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
        throw new RosterError('rate_limited', 'Rate limit exceeded; retry after the time in the Retry-After header');
      }
      request.actor = credential.actor;
    });
  };

  // Callback style: a credential checked a moment ago (and no rate limit) admits the request
  // without a promise; anything needing I/O continues asynchronously.
  app.addHook('onRequest', (request, reply, done) => {
    request.actor = ANONYMOUS;
    const config = request.routeOptions.config;
    // Each family's hook checks its own routes (the CSO API is mounted inside the core app too;
    // the core app's hook runs first, then the CSO plugin's).
    if ((config.family ?? 'core') !== family || request.is404 || config.public) {
      done();
      return;
    }
    try {
      const found = authenticate(request, reply);
      const admitted =
        found instanceof Promise ? found.then((credential) => admit(request, reply, credential)) : admit(request, reply, found);
      if (admitted instanceof Promise) admitted.then(() => done(), done);
      else done();
    } catch (err) {
      done(err as Error);
    }
  });
}
