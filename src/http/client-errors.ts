import {
  IncomingMessage,
  maxHeaderSize,
  ServerResponse,
  STATUS_CODES,
  type IncomingHttpHeaders,
  type ServerOptions,
} from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { assertNever } from '../catalog/lookup.js';
import type { ErrorCode } from '../domain/errors.js';
import { wantsJson } from './format/negotiate.js';
import { errorResponse } from './reply.js';

/** Longest wait for a request's line and headers, in ms (never longer than the request timeout). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** How often Node looks for requests past their timeouts, in ms: a timeout fires up to this late. */
export const CONNECTIONS_CHECK_MS = 1_000;
/** Most bytes of a refused request's first packet searched for its `Accept` header. */
const SNIFF_BYTES = 64 * 1024;
/** Longest header value (`Accept`, `Content-Type`) taken from that packet, in characters. */
const SNIFF_VALUE_CHARS = 1024;

/**
 * Node's HTTP server options for a request timeout (ms, > 0; 0 turns both timeouts off): the
 * whole request, body included, must arrive within `requestTimeout`, its headers within
 * `HEADERS_TIMEOUT_MS` (or the request timeout, if shorter), checked every
 * `CONNECTIONS_CHECK_MS` instead of Node's 30 s so the timeouts hold to about a second. Pass it
 * as Fastify's `http` option, with Fastify's own `requestTimeout` set to the same value (Fastify
 * sets the server's request timeout after creating it).
 */
export function serverTimeouts(requestTimeout: number): ServerOptions {
  const headersTimeout = requestTimeout > 0 ? Math.min(HEADERS_TIMEOUT_MS, requestTimeout) : 0;
  return { requestTimeout, headersTimeout, connectionsCheckingInterval: CONNECTIONS_CHECK_MS };
}

/** The catalogue codes of errors Node's HTTP layer raises. */
type HttpLayerCode = Extract<ErrorCode, 'request_timeout' | 'headers_too_large' | 'malformed_request'>;

/** The catalogue code for an error Node's HTTP layer raised, or null when there is no one to answer. */
function codeFor(nodeCode: string): HttpLayerCode | null {
  switch (nodeCode) {
    case 'ECONNRESET':
      return null;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'request_timeout';
    case 'HPE_HEADER_OVERFLOW':
      return 'headers_too_large';
    default:
      // Every other parser error (HPE_INVALID_METHOD, HPE_INVALID_HEADER_TOKEN, …) is the client's request.
      return 'malformed_request';
  }
}

/**
 * The `Accept` and `Content-Type` headers from the raw bytes of a request Node refused to parse,
 * read defensively: at most `SNIFF_BYTES`, only whole header lines (the first line, a request
 * line or a piece of one, is skipped), the first of each name, values cut to `SNIFF_VALUE_CHARS`.
 * Anything but a byte array gives no headers.
 */
export function sniffHeaders(packet: unknown): IncomingHttpHeaders {
  if (!(packet instanceof Uint8Array)) return {};
  const text = Buffer.from(packet.buffer, packet.byteOffset, Math.min(packet.byteLength, SNIFF_BYTES)).toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  // Without the blank line the last line may be cut short: keep only lines that ended.
  const lines = (end >= 0 ? text.slice(0, end) : text.slice(0, Math.max(0, text.lastIndexOf('\n')))).split('\n').slice(1);
  const headers: IncomingHttpHeaders = {};
  for (const line of lines) {
    const match = /^(accept|content-type)[ \t]*:[ \t]*([^\r]*)/i.exec(line);
    if (!match) continue;
    const name = (match[1] ?? '').toLowerCase();
    const value = (match[2] ?? '').slice(0, SNIFF_VALUE_CHARS).trim();
    if (name === 'accept') headers.accept ??= value;
    else headers['content-type'] ??= value;
  }
  return headers;
}

/** Seconds for a message, from ms: `10`, `1.5`. */
const seconds = (ms: number): string => `${ms / 1000}`;

/** Printable ASCII only, bounded: the parser's reason goes into a message. */
const cleanReason = (reason: unknown): string | undefined =>
  typeof reason === 'string' && reason !== '' ? reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 200) : undefined;

/** The one message of an HTTP-layer error's answer; timeouts in ms. */
function messageFor(code: HttpLayerCode, err: ClientError, timeouts: { requestTimeout: number; headersTimeout: number }): string {
  switch (code) {
    case 'request_timeout':
      return `Request timeout: the headers must arrive within ${seconds(timeouts.headersTimeout)} seconds and the whole request within ${seconds(timeouts.requestTimeout)} seconds`;
    case 'headers_too_large':
      return `Request header fields too large: the request line and headers may hold at most ${maxHeaderSize} bytes`;
    case 'malformed_request':
      return `Bad request: not well-formed HTTP/1.1 (${cleanReason(err.reason) ?? (typeof err.code === 'string' ? err.code : 'unreadable')})`;
    default:
      return assertNever(code);
  }
}

/**
 * The request a route already has on this socket (a request timeout while its body streams in):
 * its headers, and whether its answer has started. Node keeps the response on the socket
 * (`_httpMessage`, no public accessor), so it is read defensively.
 */
function inFlightOn(socket: Socket): { readonly headers: IncomingHttpHeaders; readonly answered: boolean } | undefined {
  const message: unknown = Reflect.get(socket, '_httpMessage');
  if (!(message instanceof ServerResponse)) return undefined;
  const answered: boolean = message.headersSent;
  const request: unknown = message.req;
  return { headers: request instanceof IncomingMessage ? request.headers : {}, answered };
}

/** The error Node's HTTP layer hands to a `clientError` listener (Fastify's `ConnectionError`, loosely). */
interface ClientError extends Error {
  readonly code?: unknown;
  readonly reason?: unknown;
  readonly rawPacket?: unknown;
}

/**
 * Fastify's `clientErrorHandler` option (Node's `clientError` event): a request Node's HTTP layer
 * refuses before Fastify sees it, a URL or header block over `http.maxHeaderSize` (16 KB) →
 * 431 `headers_too_large`, a request or its headers past their timeouts (`serverTimeouts`) →
 * 408 `request_timeout`, anything the parser cannot read → 400 `malformed_request`, is
 * answered like every other Roster error (`errorResponse`): Coupa's XML, or JSON when the
 * request's `Accept` (sniffed from its raw bytes, or read from the request already handed to a
 * route) prefers it, with `X-Roster-Error-Code`, `Content-Length` in bytes and
 * `Connection: close`, written raw on the socket, which is then destroyed. A reset or destroyed
 * socket gets nothing; a response already under way is not interrupted, its socket only destroyed.
 * `requestTimeout` (ms) is only quoted in the timeout's message. Never throws.
 */
export function clientErrorHandler(requestTimeout: number): (this: FastifyInstance, err: ClientError, socket: Socket) => void {
  const { headersTimeout = HEADERS_TIMEOUT_MS } = serverTimeouts(requestTimeout);
  return function answerClientError(this: FastifyInstance, err: ClientError, socket: Socket): void {
    const code = codeFor(typeof err.code === 'string' ? err.code : '');
    if (code === null || socket.destroyed) return;
    this.log.debug({ err }, 'client error');
    const inFlight = inFlightOn(socket);
    if (!socket.writable || inFlight?.answered === true) {
      socket.destroy();
      return;
    }
    const message = messageFor(code, err, { requestTimeout, headersTimeout });
    const headers = inFlight ? inFlight.headers : sniffHeaders(err.rawPacket);
    const json = wantsJson({ headers });
    const answer = errorResponse(code, [message], json, 'base');
    const body = Buffer.from(answer.body, 'utf8');
    const head = [
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`,
      ...Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}`),
      `content-length: ${body.length}`,
      'connection: close',
    ];
    // As Node's own answer does: one write, then the socket is closed (the request was refused whole).
    socket.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
    socket.destroy();
  };
}
