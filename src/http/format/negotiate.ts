import type { FastifyRequest } from 'fastify';

/**
 * JSON when the client asks for it with `Accept`; XML when it asks for XML; otherwise the
 * format of the request body, and XML (Coupa's default) when there is none.
 */
export function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  if (accept.includes('application/json')) return true;
  if (accept.includes('xml')) return false;
  return (request.headers['content-type'] ?? '').includes('json');
}
