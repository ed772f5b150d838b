import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** A request's id: 16 hex digits, random, so ids from several processes never clash. Fastify's `genReqId`. */
export const newRequestId = (): string => randomBytes(8).toString('hex');

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
