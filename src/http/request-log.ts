import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type LogLevel } from 'fastify';
import { redactUrl } from './log-url.js';

/** The `msg` of a request's line, once its answer is sent. */
export const REQUEST_COMPLETED = 'request completed';
/** The `msg` of a request's line when the client went before any answer was sent (or a fault dropped it). */
export const REQUEST_ABORTED = 'request aborted';

/**
 * The fields of a request's one log line, beside pino's own (`level`, `time`, `reqId`, `msg`):
 * what was asked, how it ended and, for a 4xx or 5xx, why. docs/controls.md describes them.
 */
export interface RequestLogFields {
  readonly method: string;
  /** As sent, with secret query and path `;` parameters masked (log-url.ts). */
  readonly url: string;
  /** The answer's status; absent on an aborted request. */
  readonly status?: number;
  /** Milliseconds from arrival to the answer's last byte, to 0.01 ms; absent on an aborted request. */
  readonly responseTime?: number;
  /** For a 4xx or 5xx: the stable error code the client got in `X-Roster-Error-Code`, when it got one. */
  readonly errorCode?: string;
  /** For a 4xx or 5xx: the messages the client got in the error body. */
  readonly errors?: readonly string[];
}

/** The level of a request's line: `info` below 400, `warn` for a 4xx, `error` for a 5xx. */
export function requestLogLevel(status: number): LogLevel {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

/** pino's levels by name (`silent` logs nothing), to skip building a line its logger would drop. */
const LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};
const enabled = (request: FastifyRequest, level: LogLevel): boolean =>
  (LEVEL_VALUES[level] ?? 0) >= (LEVEL_VALUES[request.log.level] ?? 0);

const milliseconds = (ms: number): number => Math.round(ms * 100) / 100;

/** A request's line: what was asked, its status and time, and for a failure its code and messages. */
function completedFields(request: FastifyRequest, reply: FastifyReply, elapsedMs: number): RequestLogFields {
  const status = reply.statusCode;
  const fields = { method: request.method, url: redactUrl(request.url), status, responseTime: milliseconds(elapsedMs) };
  if (status < 400) return fields;
  const code = reply.getHeader('x-roster-error-code');
  return {
    ...fields,
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    ...(request.errorMessages === null ? {} : { errors: request.errorMessages }),
  };
}

/**
 * Fastify's request log lines, Roster's way (Fastify's `logController` option): instead of its
 * pair of lines a request (`incoming request`, `request completed`), one line once the answer is
 * sent, on the request's logger (so with its `reqId`, the `X-Request-Id` it was answered with),
 * `request completed` at `requestLogLevel(status)`. A line below the logger's level costs only
 * the level check. Fastify's other lines (a route not found, a failed stream) are its own.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    logCompleted(request, reply, reply.elapsedTime, error);
  }
}

/** Writes a request's `request completed` line; `error`, when given, is its answer's stream failing after the headers went. */
function logCompleted(request: FastifyRequest, reply: FastifyReply, elapsedMs: number, error?: Error | null): void {
  const level = error ? 'error' : requestLogLevel(reply.statusCode);
  if (!enabled(request, level)) return;
  const fields = completedFields(request, reply, elapsedMs);
  request.log[level](error ? { ...fields, err: error } : fields, REQUEST_COMPLETED);
}

/**
 * The same line for an answer Fastify sends outside a request's lifecycle, from its
 * `frameworkErrors` handler (a path the router cannot decode, a parameter over its length):
 * there Fastify runs no hook and no log controller after the answer, so this waits for the
 * answer to be sent itself. Its time runs from this call. Call it before sending.
 */
export function logFrameworkAnswer(request: FastifyRequest, reply: FastifyReply): void {
  const started = performance.now();
  reply.raw.once('finish', () => logCompleted(request, reply, performance.now() - started));
}

/**
 * Logs `request aborted` (warn, with the method and masked URL) when the client closes the
 * connection before its answer is sent (or a fault drops it): Fastify's log controller has no
 * line for that, and without one such a request would leave no trace.
 */
export function registerAbortLog(app: FastifyInstance): void {
  app.addHook('onRequestAbort', (request, done) => {
    // No time: Fastify keeps it on the reply, which this hook is not given.
    const fields: RequestLogFields = { method: request.method, url: redactUrl(request.url) };
    request.log.warn(fields, REQUEST_ABORTED);
    done();
  });
}
