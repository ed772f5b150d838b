import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.js';
import { RosterError } from '../domain/errors.js';
import type { ApiKeyRepository } from '../store/api-key-repository.js';

export const API_KEY_HEADER = 'x-coupa-api-key';

const ANONYMOUS: Actor = { name: 'anonymous', userId: null };

/** Who a request authenticated as, and what it may do (`null` scopes: everything). */
export interface Credential {
  readonly actor: Actor;
  readonly scopes: readonly string[] | null;
}

/**
 * One way of authenticating. It returns undefined when the request does not carry its kind
 * of credential, and throws `unauthorized` when it carries a bad one. API keys are one;
 * OAuth bearer tokens slot in as another.
 */
export type Authenticator = (request: FastifyRequest) => Promise<Credential | undefined>;

export function apiKeyAuthenticator(keys: ApiKeyRepository): Authenticator {
  return async (request) => {
    const header = request.headers[API_KEY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key === '') return undefined;
    const record = await keys.findActive(key);
    if (!record) throw new RosterError('unauthorized', 'Invalid API key');
    return { actor: { name: record.name, userId: null }, scopes: record.scopes };
  };
}

/**
 * Every route under /api needs a credential; the route's `scope` config says which scope.
 * The check runs as an onRequest hook so a rejected request is never parsed.
 */
export function registerAuth(app: FastifyInstance, authenticators: readonly Authenticator[]): void {
  // Set on every request by the hook below; a reference value may not be shared as a default.
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request) => {
    request.actor = ANONYMOUS;
    const config = request.routeOptions.config;
    if (config.public || !request.url.startsWith('/api/')) return;
    let credential: Credential | undefined;
    for (const authenticate of authenticators) {
      credential = await authenticate(request);
      if (credential) break;
    }
    if (!credential)
      throw new RosterError('unauthorized', 'Authentication required: send your API key in the X-COUPA-API-KEY header');
    if (config.scope && credential.scopes && !credential.scopes.includes(config.scope)) {
      throw new RosterError('forbidden', `This credential lacks the scope ${config.scope}`);
    }
    request.actor = credential.actor;
  });
}
