import type { FastifyInstance } from 'fastify';
import type { Actor } from '../domain/actor.js';
import { RosterError } from '../domain/errors.js';
import type { ApiKeyRepository } from '../store/api-key-repository.js';

export const API_KEY_HEADER = 'x-coupa-api-key';

const ANONYMOUS: Actor = { name: 'anonymous', userId: null };

/**
 * Every route under /api needs a valid `X-COUPA-API-KEY`. The check runs as an onRequest
 * hook so a rejected request is never parsed; OAuth bearer tokens will slot in beside it.
 */
export function registerAuth(app: FastifyInstance, keys: ApiKeyRepository): void {
  // Set on every request by the hook below; a reference value may not be shared as a default.
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request) => {
    request.actor = ANONYMOUS;
    if (request.routeOptions.config.public || !request.url.startsWith('/api/')) return;
    const header = request.headers[API_KEY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    if (!key) throw new RosterError('unauthorized', 'Authentication required: send your API key in the X-COUPA-API-KEY header');
    const record = await keys.findActive(key);
    if (!record) throw new RosterError('unauthorized', 'Invalid API key');
    request.actor = { name: record.name, userId: null };
  });
}
