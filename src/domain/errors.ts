/**
 * The one error catalogue. Every error response comes from here: the status, the stable
 * code (sent as the `X-Roster-Error-Code` header so Coupa's body shape stays exact) and a
 * description that docs/errors.md mirrors (a test keeps them in sync).
 */
export const ERROR_CATALOG = {
  validation_failed: {
    status: 400,
    description:
      'The record is invalid; every failed rule is listed (also: a value or element name holding a character no value may hold).',
  },
  unknown_reference: { status: 400, description: 'An association names a row (by id or natural key) that does not exist.' },
  invalid_query: {
    status: 400,
    description:
      'A query parameter names no element or operator, an operator does not fit its element, a value does not parse or is out of range, or `fields`/`return_object` is invalid.',
  },
  malformed_body: { status: 400, description: 'The request body is not well-formed XML or JSON, or is not a single object.' },
  malformed_request: {
    status: 400,
    description:
      "The request is not well-formed HTTP/1.1 (a request line, header or chunk Node's parser refuses); the connection is closed.",
  },
  invalid_avatar: {
    status: 400,
    description:
      'The avatar upload is missing, is not readable multipart, has an unstorable file name, or is not a PNG, JPEG or GIF image.',
  },
  invalid_attachment: {
    status: 400,
    description:
      'An attachment upload is missing, is not readable multipart, has an unstorable file name, or is not a PDF, image or Office document.',
  },
  invalid_flat_file: {
    status: 400,
    description:
      'A `load_file` upload is missing, is not readable multipart, has an unstorable file name, or its `source_for` names no object Roster loads from flat files.',
  },
  unauthorized: {
    status: 401,
    description: 'No credential was sent, or the API key or bearer token is unknown, revoked, expired or tampered with.',
  },
  forbidden: { status: 403, description: 'The credential is valid but lacks the scope the route needs.' },
  not_found: { status: 404, description: 'No record has the id in the path.' },
  no_results: { status: 404, description: 'An XML index query matched nothing (JSON answers `[]` instead).' },
  route_not_found: { status: 404, description: 'No endpoint at this method and path.' },
  request_timeout: {
    status: 408,
    description:
      'The headers did not arrive within 10 s, or the whole request within the request timeout (`--request-timeout`, 60 s by default); the connection is closed.',
  },
  payload_too_large: {
    status: 413,
    description:
      'The request body (or uploaded file) exceeds the size limit, a multipart body has too many parts, fields or files, or a bulk request holds more than 1,000 items.',
  },
  unsupported_media_type: {
    status: 415,
    description:
      'The Content-Type is neither XML nor JSON; on an upload route (avatar, attachment) not multipart, and the message names the field.',
  },
  rate_limited: {
    status: 429,
    description: 'The client sent more requests than its rate limit allows; `Retry-After` says when to retry.',
  },
  headers_too_large: {
    status: 431,
    description: 'The request line and headers together exceed 16 KB; the connection is closed.',
  },
  // The token endpoint answers in RFC 6749 §5.2's shape: `{"error": code, "error_description": …}`.
  invalid_request: { status: 400, oauth: true, description: 'Token request: a parameter is missing, repeated or malformed.' },
  invalid_client: { status: 401, oauth: true, description: 'Token request: unknown client, wrong secret, or a revoked client.' },
  invalid_grant: { status: 400, oauth: true, description: 'Token request: the grant is invalid for this client.' },
  unsupported_grant_type: { status: 400, oauth: true, description: 'Token request: only client_credentials is supported.' },
  invalid_scope: { status: 400, oauth: true, description: 'Token request: a scope is unknown or was not granted to the client.' },
  internal: { status: 500, description: 'An unexpected server fault; it is logged with the request id.' },
  injected_fault: {
    status: 503,
    description:
      'A fault injected with `POST /_roster/faults` (docs/controls.md): answered with the status the fault names (400–599, 503 by default), before anything is read or written.',
  },
  invalid_control: {
    status: 400,
    description:
      'A control under `/_roster/` was sent what it does not take: a fault, a clock time, a snapshot name or a journal filter that does not parse, or an element it has no use for.',
  },
  snapshot_not_found: { status: 404, description: 'No snapshot has the name in the path (`/_roster/snapshots/N`).' },
  snapshot_other_schema: {
    status: 409,
    description:
      'The snapshot was saved by a Roster with other tables (an earlier release); it cannot be restored into this one.',
  },
} as const satisfies Record<string, { status: number; description: string; oauth?: true }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/**
 * Most messages one error response carries; the rest are counted in a last message. A request
 * with thousands of faults gets a readable answer, not thousands of lines.
 */
export const MAX_ERROR_MESSAGES = 100;

function capped(list: readonly string[]): readonly string[] {
  if (list.length <= MAX_ERROR_MESSAGES) return list;
  const kept = list.slice(0, MAX_ERROR_MESSAGES - 1);
  return [...kept, `…and ${list.length - kept.length} more errors`];
}

export class RosterError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly messages: readonly string[];

  constructor(code: ErrorCode, messages: string | readonly string[]) {
    const list = capped(typeof messages === 'string' ? [messages] : messages);
    super(list.join('; '));
    this.name = 'RosterError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.messages = list;
  }
}

export const isRosterError = (e: unknown): e is RosterError => e instanceof RosterError;
