import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG, type ErrorCode } from '../domain/errors.js';
import { renderJson, renderJsonErrors } from '../render/json.js';
import type { OutObject } from '../render/out.js';
import { renderXml, renderXmlErrors, renderXmlList } from '../render/xml.js';
import { wantsJson } from './format/negotiate.js';

const XML_TYPE = 'application/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

export function sendObject(request: FastifyRequest, reply: FastifyReply, status: number, body: OutObject): FastifyReply {
  const json = wantsJson(request);
  return reply
    .code(status)
    .type(json ? JSON_TYPE : XML_TYPE)
    .send(json ? renderJson(body) : renderXml(body));
}

export function sendList(
  request: FastifyRequest,
  reply: FastifyReply,
  plural: string,
  items: readonly OutObject[],
): FastifyReply {
  const json = wantsJson(request);
  return reply
    .code(200)
    .type(json ? JSON_TYPE : XML_TYPE)
    .send(json ? renderJson(items) : renderXmlList(plural, items));
}

/** Every error response goes through here, shaped as Coupa shapes it, with the stable code in a header. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  messages: readonly string[],
): FastifyReply {
  return sendErrorAs(request, reply, code, messages, request.routeOptions.config.resource ?? 'base');
}

/** `sendError` with the JSON error key given: for requests that never reached a route (framework errors). */
export function sendErrorAs(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  messages: readonly string[],
  resource: string,
): FastifyReply {
  const entry: { status: number; oauth?: true } = ERROR_CATALOG[code];
  if (entry.oauth) {
    return reply
      .code(entry.status)
      .header('x-roster-error-code', code)
      .header('cache-control', 'no-store')
      .type(JSON_TYPE)
      .send(JSON.stringify({ error: code, error_description: messages.join('; ') }));
  }
  const json = wantsJson(request);
  return reply
    .code(ERROR_CATALOG[code].status)
    .header('x-roster-error-code', code)
    .type(json ? JSON_TYPE : XML_TYPE)
    .send(
      json
        ? renderJsonErrors(resource, messages)
        : renderXmlErrors(messages, code === 'validation_failed' || code === 'unknown_reference'),
    );
}
