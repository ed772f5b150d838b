import type { ApiFamily } from '../catalog/families.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRosterError, type ErrorCode } from '../domain/errors.js';
import { unsupportedMediaType } from './format/body.js';
import { sendErrorAs } from './reply.js';
import { logFrameworkAnswer } from './request-log.js';

/** Fastify's own request errors, mapped onto the catalogue. */
export function codeForFastify(err: FastifyError): ErrorCode {
  const status = err.statusCode ?? 500;
  if (status === 413 || err.code === 'FST_REQ_FILE_TOO_LARGE') return 'payload_too_large';
  if (status === 415 || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported_media_type';
  if (status === 404) return 'route_not_found';
  if (status >= 400 && status < 500) return 'malformed_body';
  return 'internal';
}

/** What a client is told of one of Fastify's own request errors, mapped to `code` (codeForFastify). */
export function fastifyErrorMessage(err: FastifyError, code: ErrorCode, request: FastifyRequest): string {
  return code === 'malformed_body' && err.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
    ? `Malformed JSON: ${err.message}`
    : code === 'malformed_body' && err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
      ? 'Malformed JSON: the body is empty'
      : code === 'unsupported_media_type'
        ? unsupportedMediaType(request.headers['content-type'], request.routeOptions.config.accepts)
        : code === 'payload_too_large'
          ? 'Request body is too large'
          : err.message;
}

/** An unexpected fault: logged with the request, answered without detail, in `family`'s shape (the route's by default). */
export function sendInternalError(
  request: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  family: ApiFamily = request.routeOptions.config.family ?? 'core',
): FastifyReply {
  request.log.error({ err }, 'unhandled error');
  const messages = ['An unexpected error occurred; it has been logged.'];
  return sendErrorAs(request, reply, 'internal', messages, request.routeOptions.config.resource ?? 'base', family);
}

/** The error handler, and the answer to an unknown path in the shape of the app's `family`. */
export function registerErrorHandling(app: FastifyInstance, family: ApiFamily = 'core'): void {
  // A route names its family; a request that matched none (a body refused on an unknown path) is the app's or plugin's.
  const answer = (request: FastifyRequest, reply: FastifyReply, code: ErrorCode, messages: readonly string[]) =>
    sendErrorAs(
      request,
      reply,
      code,
      messages,
      request.routeOptions.config.resource ?? 'base',
      request.routeOptions.config.family ?? family,
    );
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isRosterError(err)) return answer(request, reply, err.code, err.messages);
    const code = codeForFastify(err);
    if (code === 'internal') return sendInternalError(request, reply, err, request.routeOptions.config.family ?? family);
    return answer(request, reply, code, [fastifyErrorMessage(err, code, request)]);
  });
  app.setNotFoundHandler((request, reply) => sendErrorAs(request, reply, 'route_not_found', [noRoute(request)], 'base', family));
}

/** The 404's message for a path no route serves. */
const noRoute = (request: FastifyRequest): string => `No route matches ${request.method} ${request.url.split('?')[0] ?? ''}`;

/**
 * Fastify's `frameworkErrors` option: a path the router cannot decode (`/api/users/%%45`) or
 * whose parameter is over its length limit matches no route, so it is answered like any
 * unknown path, a 404 in Coupa's shape, before authentication and without revealing more.
 */
export function frameworkErrorAnswer(family: ApiFamily) {
  return (_err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    logFrameworkAnswer(request, reply);
    void sendErrorAs(request, reply, 'route_not_found', [noRoute(request)], 'base', family);
  };
}
