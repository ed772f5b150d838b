import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG, type ErrorCode } from '../domain/errors.js';
import { renderJson, renderJsonErrors } from '../render/json.js';
import type { OutObject } from '../render/out.js';
import { renderXml, renderXmlErrors, renderXmlList } from '../render/xml.js';
import { prefersXml, wantsJson } from './format/negotiate.js';
import { csoErrorBody } from '../render/cso-json.js';
import type { ApiFamily } from '../catalog/families.js';
import type { CoreFormat, WireFormat } from '../render/wire-bytes.js';

const XML_TYPE = 'application/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/** The wire format a request gets its records in: JSON when it asks for it, else Coupa's default XML. */
export const formatOf = (request: FastifyRequest): CoreFormat => (wantsJson(request) ? 'json' : 'xml');

/** Sends rendered bytes (render/wire-bytes.ts) as they are, typed by their format; no body when undefined. */
export function sendBytes(reply: FastifyReply, status: number, format: WireFormat, body: Buffer | undefined): FastifyReply {
  if (body === undefined) return reply.code(status).send();
  return reply
    .code(status)
    .type(format === 'xml' ? XML_TYPE : JSON_TYPE)
    .send(body);
}

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
  family: ApiFamily = request.routeOptions.config.family ?? 'core',
): FastifyReply {
  const { status, headers, body } = errorResponseFor(request, code, messages, resource, family);
  request.errorMessages = messages;
  return reply.code(status).headers(headers).send(body);
}

/** The error answer `family` gives this request (CSO's shape, or Coupa's in the format it asked for). Pure. */
export function errorResponseFor(
  request: FastifyRequest,
  code: ErrorCode,
  messages: readonly string[],
  resource: string,
  family: ApiFamily,
): ErrorResponse {
  return family === 'cso'
    ? csoErrorResponse(code, messages, prefersXml(request))
    : errorResponse(code, messages, wantsJson(request), resource);
}

/**
 * A CSO error (docs/cso-api.md): `{"result":[{"type":"api.error.<code>","description":…}]}`,
 * or Coupa's `<errors><error>…</error></errors>` when the client prefers XML; the stable code
 * in `X-Roster-Error-Code`, as every Roster error. Pure.
 */
export function csoErrorResponse(code: ErrorCode, messages: readonly string[], xml: boolean): ErrorResponse {
  const { status } = ERROR_CATALOG[code];
  return {
    status,
    headers: { 'content-type': xml ? XML_TYPE : JSON_TYPE, 'x-roster-error-code': code },
    body: xml ? renderXmlErrors(messages, true) : JSON.stringify(csoErrorBody(code, messages)),
  };
}

/**
 * An error of Roster's own controls (`/_roster/…`, docs/controls.md): `{"error": {"code", "messages"}}`,
 * the code also in `X-Roster-Error-Code`. Not Coupa's shape: no Coupa client calls these. Pure.
 */
export function controlsErrorResponse(code: ErrorCode, messages: readonly string[]): ErrorResponse {
  return {
    status: ERROR_CATALOG[code].status,
    headers: { 'content-type': JSON_TYPE, 'x-roster-error-code': code },
    body: JSON.stringify({ error: { code, messages } }),
  };
}

/** An error answer as data, before anything is sent. */
export interface ErrorResponse {
  /** The catalogue's status for the code. */
  readonly status: number;
  /** Lower-case names: `content-type`, `x-roster-error-code` (and `cache-control` for OAuth errors); no length. */
  readonly headers: Readonly<Record<string, string>>;
  /** UTF-8 text; its length in bytes is the sender's to compute. */
  readonly body: string;
}

/**
 * THE shape of every error Roster sends, whoever sends it (a route's reply, or the raw socket
 * when Node's HTTP layer refuses a request): Coupa's `<errors><error>…</error></errors>`, or
 * `{"errors": {resource: [messages]}}` when `json`, with the stable code in
 * `X-Roster-Error-Code`. Validation and unknown-reference messages are CDATA, as Coupa sends
 * them. An OAuth code (the token endpoint) is RFC 6749 §5.2's JSON whatever `json` says.
 * `resource` is the JSON key (`user`, `worker`, or `base` for errors tied to no resource). Pure.
 */
export function errorResponse(code: ErrorCode, messages: readonly string[], json: boolean, resource: string): ErrorResponse {
  const entry: { status: number; oauth?: true } = ERROR_CATALOG[code];
  if (entry.oauth) {
    return {
      status: entry.status,
      headers: { 'content-type': JSON_TYPE, 'x-roster-error-code': code, 'cache-control': 'no-store' },
      body: JSON.stringify({ error: code, error_description: messages.join('; ') }),
    };
  }
  return {
    status: entry.status,
    headers: { 'content-type': json ? JSON_TYPE : XML_TYPE, 'x-roster-error-code': code },
    body: json
      ? renderJsonErrors(resource, messages)
      : renderXmlErrors(messages, code === 'validation_failed' || code === 'unknown_reference'),
  };
}
