import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** This process's half of every request id: random, so ids from several processes never clash. */
const PROCESS_PART = randomBytes(4).toString('hex');
let sequence = randomBytes(4).readUInt32BE();

/**
 * A request's id: 16 hex digits, the process's random 8 and a counter's 8, so ids from several
 * processes never clash and none repeats within 2^32 requests. Fastify's `genReqId`; a counter
 * instead of 8 random bytes a request (reading the system's randomness cost 5 % of a cached show).
 */
export const newRequestId = (): string => {
  sequence = (sequence + 1) >>> 0;
  return PROCESS_PART + sequence.toString(16).padStart(8, '0');
};

/**
 * Every answer carries `X-Request-Id`: the id the log lines (`reqId`) and the request journal
 * (`/_roster/requests`) name the request by. Set on arrival, so error answers carry it too.
 */
export function registerRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
}
