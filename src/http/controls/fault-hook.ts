import { setTimeout as delay } from 'node:timers/promises';
import type { ApiFamily } from '../../catalog/families.js';
import type { FastifyInstance } from 'fastify';
import { wantsJson, prefersXml } from '../format/negotiate.js';
import { csoErrorResponse, errorResponse } from '../reply.js';
import type { FaultTable } from './faults.js';

/**
 * Applies injected faults (`POST /_roster/faults`) to the requests they match, first thing on
 * arrival: before authentication, parsing or any write, so a faulted write never happens. An
 * answer is in the family's error shape with the code `injected_fault` and the fault's status.
 */
export function registerFaultHook(app: FastifyInstance, faults: FaultTable, family: ApiFamily): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/_roster/')) return;
    const fault = faults.take(request.method, request.url.split('?')[0] ?? '');
    if (fault === undefined) return;
    if (fault['delay-ms'] !== undefined) await delay(fault['delay-ms']);
    if (fault.drop === true) {
      // No answer at all: the client sees the connection close, as a crashed server or a proxy would do.
      request.raw.socket.destroy();
      return reply.hijack();
    }
    if (fault.status === undefined) return;
    const messages = [`Injected fault: ${fault.status} for ${fault.method} ${fault.path} (POST /_roster/faults)`];
    const { headers, body } =
      family === 'cso' || request.url.startsWith('/cso/')
        ? csoErrorResponse('injected_fault', messages, prefersXml(request))
        : errorResponse('injected_fault', messages, wantsJson(request), 'base');
    request.errorMessages = messages;
    if (fault['retry-after'] !== undefined) void reply.header('retry-after', String(fault['retry-after']));
    return reply.code(fault.status).headers(headers).send(body);
  });
}
