import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maskText } from '../log-redaction.js';
import { redactUrl } from '../log-url.js';
import { isControlPath } from './prefix.js';
import type { RequestJournal } from './request-journal.js';
import type { Clock } from '../../domain/clock.js';

/** The most of a request body the journal keeps, in characters. */
const BODY_LIMIT = 4096;

/** The body as the journal shows it: text (JSON as sent again), cut at 4 KiB, secrets masked; null if none. */
function bodyText(request: FastifyRequest): string | null {
  const body = request.body;
  if (body === undefined || body === null) return null;
  let text: string;
  if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = `(${body.length} bytes)`;
  else text = JSON.stringify(body);
  return maskText(text.length > BODY_LIMIT ? text.slice(0, BODY_LIMIT) : text);
}

/** The name of the credential that authenticated; null when none did (or none was checked: a fault answered first). */
function credentialOf(request: FastifyRequest): string | null {
  // The decorator starts as null; authentication sets it, and a request answered before it never gets one.
  const actor = request.actor as FastifyRequest['actor'] | null;
  return actor === null || actor.name === 'anonymous' ? null : actor.name;
}

/**
 * Records every answered request in `journal` (not the controls' own: they would drown it), once
 * the answer is sent, at the time `clock` (the server's) says. Costs one object per request; nothing when the journal is off.
 */
export function registerJournalHook(app: FastifyInstance, journal: RequestJournal, clock: Clock): void {
  if (!app.hasRequestDecorator('errorMessages')) app.decorateRequest('errorMessages', null);
  if (!journal.enabled) return;
  app.addHook('onResponse', (request, reply, done) => {
    if (!isControlPath(request.url)) {
      const failed = reply.statusCode >= 400;
      const code = reply.getHeader('x-roster-error-code');
      journal.record({
        id: request.id,
        time: new Date(clock()).toISOString(),
        method: request.method,
        url: redactUrl(request.url),
        status: reply.statusCode,
        'duration-ms': Math.round(reply.elapsedTime * 100) / 100,
        credential: credentialOf(request),
        'error-code': failed && typeof code === 'string' ? code : null,
        errors: failed ? request.errorMessages : null,
        body: bodyText(request),
      });
    }
    done();
  });
}
