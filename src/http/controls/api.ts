import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isRosterError, RosterError, type ErrorCode } from '../../domain/errors.js';
import { EXPORT_FORMATS, exportSeedFixture, fixtureText } from '../../controls/export-fixture.js';
import type { Engine } from '../../domain/engine.js';
import type { ApiKeyRepository } from '../../store/api-key-repository.js';
import type { MailRepository } from '../../store/mail-repository.js';
import { codeForFastify, fastifyErrorMessage } from '../error-handler.js';
import { controlsErrorResponse } from '../reply.js';
import { faultSpec, type FaultTable } from './faults.js';
import { registerStateRoutes } from './state-routes.js';
import type { JournalFilter, RequestJournal } from './request-journal.js';

/** The header the controls read the admin key from (`roster serve --admin-key`, docs/controls.md). */
export const ADMIN_KEY_HEADER = 'x-roster-admin-key';

export interface ControlsDeps {
  readonly keys: ApiKeyRepository;
  readonly journal: RequestJournal;
  readonly faults: FaultTable;
  readonly mail: MailRepository;
  /** The app's record engine: `GET /_roster/export` reads the data through it; reset, snapshots and the clock change it. */
  readonly engine: Engine;
  /** The `--seed` fixture, loaded again by a reset. */
  readonly seedFile: string | undefined;
}

const send = (request: FastifyRequest, reply: FastifyReply, code: ErrorCode, messages: readonly string[]): FastifyReply => {
  const { status, headers, body } = controlsErrorResponse(code, messages);
  request.errorMessages = messages;
  return reply.code(status).headers(headers).send(body);
};

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/** `?status=4xx|404&method=PUT&path=/api/users&limit=N` → a filter; a bad value is `invalid_control`. */
function journalFilter(query: Readonly<Record<string, string | string[] | undefined>>): JournalFilter {
  const one = (name: string): string | undefined => {
    const v = query[name];
    if (Array.isArray(v)) throw new RosterError('invalid_control', `Query parameter '${name}' may be given once`);
    return v;
  };
  const status = one('status');
  const method = one('method');
  const path = one('path');
  const limit = one('limit');
  let statusFilter: JournalFilter['status'];
  if (status !== undefined) {
    const m = /^([1-5])(?:xx|XX|(\d\d))$/.exec(status);
    if (!m)
      throw new RosterError(
        'invalid_control',
        `Query parameter 'status' must be a status (404) or a class (4xx), not '${status}'`,
      );
    statusFilter = m[2] === undefined ? { class: Number(m[1]) } : { exact: Number(status) };
  }
  if (method !== undefined && !/^[A-Za-z]+$/.test(method))
    throw new RosterError('invalid_control', `Query parameter 'method' must be an HTTP method`);
  if (path !== undefined && !path.startsWith('/'))
    throw new RosterError('invalid_control', `Query parameter 'path' must start with /`);
  const n = limit === undefined ? DEFAULT_LIMIT : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new RosterError('invalid_control', `Query parameter 'limit' must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return {
    limit: n,
    ...(statusFilter === undefined ? {} : { status: statusFilter }),
    ...(method === undefined ? {} : { method: method.toUpperCase() }),
    ...(path === undefined ? {} : { path }),
  };
}

/**
 * Roster's own emulator controls, under `/_roster/` on the main port (docs/controls.md): JSON in and out,
 * opened only by an admin key in `X-Roster-Admin-Key`. A Coupa API key or token opens none of them, they
 * are never counted by the Coupa rate limit (their routes are outside the Coupa authentication), and
 * their errors are `{"error": {"code", "messages"}}`.
 */
export const controlsApi: FastifyPluginAsync<ControlsDeps> = (app, { keys, journal, faults, mail, engine, seedFile }) => {
  // Outside the Coupa authentication (and so its rate limit): the hook below checks the admin key.
  const config = { public: true };
  app.addHook('onRequest', async (request) => {
    const header = request.headers[ADMIN_KEY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key === '') {
      throw new RosterError('unauthorized', 'The controls need an admin key in X-Roster-Admin-Key (roster serve --admin-key)');
    }
    const found = await keys.findActive(key);
    if (found?.api !== 'admin') throw new RosterError('unauthorized', 'Invalid admin key');
    request.actor = { name: found.name, userId: null };
  });
  // A control without a body (reset, restore) may still be sent `Content-Type: application/json`.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    else void json(request, String(body), done);
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isRosterError(err)) return send(request, reply, err.code, err.messages);
    const code = codeForFastify(err);
    if (code === 'internal') {
      request.log.error({ err }, 'unhandled error');
      return send(request, reply, code, ['An unexpected error occurred; it has been logged.']);
    }
    return send(request, reply, code, [fastifyErrorMessage(err, code, request)]);
  });
  app.setNotFoundHandler((request, reply) =>
    send(request, reply, 'route_not_found', [`No control at ${request.method} ${request.url.split('?')[0] ?? ''}`]),
  );

  app.get('/requests', { config }, (request) => ({
    requests: journal.list(journalFilter(request.query as Record<string, string | string[] | undefined>)),
  }));
  app.delete('/requests', { config }, (_request, reply) => {
    journal.clear();
    return reply.code(204).send();
  });

  // The mail as `roster mail list` prints it: a JSON array, oldest first (`?to=` keeps one address's).
  app.get<{ Querystring: { to?: string | string[] } }>('/mail', { config }, (request) => {
    const to = request.query.to;
    if (Array.isArray(to)) throw new RosterError('invalid_control', "Query parameter 'to' may be given once");
    return mail.list(to);
  });
  app.delete('/mail', { config }, async (_request, reply) => {
    await mail.clear();
    return reply.code(204).send();
  });

  // The data as a seed fixture (`--seed`): JSON, or YAML with `?format=yaml`.
  app.get<{ Querystring: { format?: string | string[] } }>('/export', { config }, async (request, reply) => {
    const format = request.query.format ?? 'json';
    if (format !== 'json' && format !== 'yaml')
      throw new RosterError('invalid_control', "Query parameter 'format' must be json or yaml");
    const text = await fixtureText(await exportSeedFixture(engine), format);
    return reply.type(EXPORT_FORMATS[format]).send(text);
  });

  registerStateRoutes(app, { engine, seedFile });

  app.post('/faults', { config }, (request, reply) => reply.code(201).send({ id: faults.add(faultSpec(request.body)) }));
  app.get('/faults', { config }, () => ({ faults: faults.list() }));
  app.delete('/faults', { config }, (_request, reply) => {
    faults.clear();
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/faults/:id', { config }, (request, reply) => {
    const id = Number(request.params.id);
    if (!Number.isInteger(id) || !faults.remove(id))
      throw new RosterError('not_found', `No fault has the id ${request.params.id}`);
    return reply.code(204).send();
  });
  return Promise.resolve();
};
