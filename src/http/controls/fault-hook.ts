import { setTimeout as delay } from 'node:timers/promises';
import type { ApiFamily } from '../../catalog/families.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorResponseFor } from '../reply.js';
import { isControlPath } from './prefix.js';
import type { FaultSpec, FaultTable } from './faults.js';

/**
 * Applies injected faults (`POST /_roster/faults`) to the requests they match, first thing on
 * arrival: before authentication, parsing or any write, so a faulted write never happens. An
 * answer is in the family's error shape with the code `injected_fault` and the fault's status.
 */
export function registerFaultHook(app: FastifyInstance, faults: FaultTable, family: ApiFamily): void {
  // Callback style: with no fault set (nearly always), a request passes without a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const fault =
      faults.empty || isControlPath(request.url) ? undefined : faults.take(request.method, request.url.split('?')[0] ?? '');
    if (fault === undefined) {
      done();
      return;
    }
    // An answered request goes on no further: `done` only when the fault lets it through.
    applyFault(request, reply, fault, family).then((answered) => {
      if (!answered) done();
    }, done);
  });
}

/** Delays, drops or answers the request as `fault` says; true when it was answered (or dropped). */
async function applyFault(request: FastifyRequest, reply: FastifyReply, fault: FaultSpec, family: ApiFamily): Promise<boolean> {
  if (fault['delay-ms'] !== undefined) await delay(fault['delay-ms']);
  if (fault.drop === true) {
    // No answer at all: the client sees the connection close, as a crashed server or a proxy would do.
    request.raw.socket.destroy();
    reply.hijack();
    return true;
  }
  if (fault.status === undefined) return false;
  const messages = [`Injected fault: ${fault.status} for ${fault.method} ${fault.path} (POST /_roster/faults)`];
  // Under /cso on the main port a request is the CSO family's, even on a path no route serves.
  const shape = family === 'cso' || request.url.startsWith('/cso/') ? 'cso' : 'core';
  const { headers, body } = errorResponseFor(request, 'injected_fault', messages, 'base', shape);
  request.errorMessages = messages;
  if (fault['retry-after'] !== undefined) void reply.header('retry-after', String(fault['retry-after']));
  void reply.code(fault.status).headers(headers).send(body);
  return true;
}
