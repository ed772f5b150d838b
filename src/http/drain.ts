import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** Most bytes read and discarded from a refused request's body before answering it. */
export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
/** Longest wait for a refused request's body to arrive, in milliseconds. */
export const DRAIN_TIMEOUT_MS = 10_000;
/** Longest wait for the next byte of a refused request's body, in milliseconds: a stalled body is given up on. */
export const DRAIN_STALL_MS = 1_000;

/** Reads and discards what is left of a request body, up to a bound in bytes and time, and while bytes keep coming. */
function drain(raw: IncomingMessage): Promise<void> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(stall);
      raw.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
      resolve();
    };
    let stall = setTimeout(finish, DRAIN_STALL_MS);
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      clearTimeout(stall);
      if (seen > DRAIN_LIMIT_BYTES) finish();
      else stall = setTimeout(finish, DRAIN_STALL_MS);
    };
    const timer = setTimeout(finish, DRAIN_TIMEOUT_MS);
    raw.on('data', onData).on('end', finish).on('error', finish).on('close', finish);
    // A refused multipart upload may still be piped into the parser, whose backpressure would
    // pause the request again: the rest of the body is nobody's now.
    raw.unpipe();
    raw.resume();
  });
}

/**
 * An error answered before the body was read (a 413 on `Content-Length`, a 401 from the auth
 * hook, a multipart file over its limit) would otherwise close a connection that still holds
 * unread bytes, and the client sees a reset instead of the answer. So before an error response
 * is sent, the rest of the body is read and discarded, up to `DRAIN_LIMIT_BYTES` and
 * `DRAIN_TIMEOUT_MS`, and only while it keeps coming (no byte for `DRAIN_STALL_MS` ends it).
 * If the body is still not complete then, the answer carries `Connection: close`: Node closes
 * the socket once it is sent, so a slow or endless body cannot keep the connection.
 */
export function registerDrainOnError(app: FastifyInstance): void {
  // Callback style: a success passes straight on, without a promise a request.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode < 400) {
      done(null, payload);
      return;
    }
    drain(request.raw).then(() => {
      if (!request.raw.complete) void reply.header('connection', 'close');
      done(null, payload);
    }, done);
  });
}
