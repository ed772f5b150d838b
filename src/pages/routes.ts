import { createHmac } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { summarize } from '../domain/loads/load-service.js';
import type { PageSignIn, PageUser } from '../domain/page-sign-in.js';
import type { RecordService } from '../domain/record-service.js';
import type { StoredRecord } from '../store/record-codec.js';
import type { WebSessionRepository } from '../store/web-session-repository.js';
import { sessionStore } from './session-store.js';
import { renderPage, type PageName } from './templates.js';

declare module 'fastify' {
  interface Session {
    /** The signed-in user's id. */
    userId?: number;
  }
}

export interface PageDeps {
  readonly signIn: PageSignIn;
  readonly sources: RecordService;
  readonly sessions: WebSessionRepository;
  /** A secret of this database (the token signing key's), from which the session cookie's key is derived. */
  readonly secret: Uint8Array;
}

/** Loads per page of the list. */
const PAGE_SIZE = 50;
/** Seconds between refreshes of a page that shows a load still running. */
const REFRESH_SECONDS = 2;
/** How long a session lasts without use, in ms. */
const SESSION_MAX_AGE = 8 * 60 * 60 * 1000;

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
/** `2026-12-07T04:11:03.000Z` → `2026-12-07 04:11:03 UTC`; empty when unset. */
const when = (v: unknown): string => (typeof v === 'string' ? `${v.slice(0, 19).replace('T', ' ')} UTC` : '');

/** A local path to come back to after signing in; anything else (another host, a scheme) is the list. */
const safeReturn = (raw: unknown): string =>
  typeof raw === 'string' && /^\/data_sources(?:\/\d+)?(?:\?page=\d+)?$/.test(raw) ? raw : '/data_sources';

function sourceView(r: StoredRecord) {
  const s = summarize(r);
  return {
    ...s,
    createdAt: when(r.values.get('created-at')),
    startTime: when(r.values.get('start-time')),
    endTime: when(r.values.get('end-time')),
  };
}

/**
 * Roster's pages: sign-in (`/session/new`, `POST /session`, `POST /session/sign_out`) and the
 * data sources monitor (`/data_sources`, `/data_sources/:id`), Coupa's page of flat-file loads.
 * Sessions are server-side (`web_sessions`) behind a signed, HttpOnly, SameSite=Lax cookie (Secure over HTTPS);
 * every form carries a CSRF token. Only active users with the Admin role see the monitor. These
 * routes answer HTML, never Coupa's API shapes, and are not API routes (no API credential).
 */
export async function registerPages(app: FastifyInstance, deps: PageDeps): Promise<void> {
  await app.register(async (pages) => {
    await pages.register(fastifyFormbody);
    await pages.register(fastifyCookie);
    await pages.register(fastifySession, {
      secret: createHmac('sha256', deps.secret).update('roster pages session').digest('hex'),
      cookieName: 'roster_session',
      // Lax: the plugin forces it for 'auto' over plain HTTP; Secure (and Strict-safe forms) over HTTPS.
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: SESSION_MAX_AGE },
      saveUninitialized: false,
      store: sessionStore(deps.sessions),
    });
    await pages.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
    const config = { public: true };
    // Every form post must carry the session's CSRF token (`_csrf`).
    const csrf = pages.csrfProtection.bind(pages);
    // A refused form (no or a stale CSRF token) or a fault answers as a page, not in the API's shape.
    pages.setErrorHandler((err: { statusCode?: number; message?: string }, request, reply) => {
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) request.log.error({ err }, 'Page failed');
      return send(reply, status, 'message', {
        title: status === 403 ? 'Form expired' : status === 500 ? 'Something went wrong' : 'Request refused',
        message:
          status === 403
            ? 'The form was too old or not ours: open the page again and retry.'
            : status === 500
              ? 'Roster could not show this page; the log says why.'
              : (err.message ?? ''),
      });
    });

    const send = (reply: FastifyReply, status: number, name: PageName, data: Record<string, unknown> & { title: string }) =>
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-frame-options', 'DENY')
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        )
        .send(renderPage(name, data));

    /**
     * The signed-in Admin, or the answer sent instead (the sign-in page, or a 403 page). The answer
     * is wrapped: a reply is thenable, and awaiting a sent one would give undefined.
     */
    const admin = async (
      request: FastifyRequest,
      reply: FastifyReply,
    ): Promise<{ readonly user: PageUser } | { readonly answered: FastifyReply }> => {
      const id = request.session.get('userId');
      const user = id === undefined ? undefined : await deps.signIn.current(id);
      if (!user) return { answered: reply.redirect(`/session/new?return_to=${encodeURIComponent(request.url)}`, 303) };
      if (!user.admin) {
        return {
          answered: send(reply, 403, 'message', {
            title: 'Not allowed',
            message: 'Only users with the Admin role may see data sources.',
            user,
            csrf: reply.generateCsrf(),
          }),
        };
      }
      return { user };
    };

    pages.get<{ Querystring: { return_to?: string } }>('/session/new', { config }, (request, reply) =>
      send(reply, 200, 'sign-in', {
        title: 'Sign in',
        csrf: reply.generateCsrf(),
        returnTo: safeReturn(request.query.return_to),
        login: '',
      }),
    );

    pages.post<{ Body: { login?: unknown; password?: unknown; return_to?: unknown } }>(
      '/session',
      { config, preHandler: csrf },
      async (request, reply) => {
        const body = request.body;
        const login = typeof body.login === 'string' ? body.login : '';
        const password = typeof body.password === 'string' ? body.password : '';
        const user = await deps.signIn.signIn(login, password);
        if (!user) {
          request.log.info({ login: login.slice(0, 255) }, 'Page sign-in refused');
          return send(reply, 401, 'sign-in', {
            title: 'Sign in',
            error: 'The login or password is wrong, or the user is inactive.',
            csrf: reply.generateCsrf(),
            returnTo: safeReturn(body.return_to),
            login,
          });
        }
        // A new session id on sign-in: one fixed before it (session fixation) is worth nothing.
        await request.session.regenerate();
        request.session.set('userId', user.id);
        return reply.redirect(safeReturn(body.return_to), 303);
      },
    );

    pages.post('/session/sign_out', { config, preHandler: csrf }, async (request, reply) => {
      await request.session.destroy();
      return reply.redirect('/session/new', 303);
    });

    pages.get<{ Querystring: { page?: string } }>('/data_sources', { config }, async (request, reply) => {
      const gate = await admin(request, reply);
      if ('answered' in gate) return gate.answered;
      const { user } = gate;
      const page = Math.max(1, Math.min(10_000, Number.parseInt(request.query.page ?? '1', 10) || 1));
      const query = deps.sources.parseQuery({
        order_by: 'id',
        dir: 'desc',
        limit: String(PAGE_SIZE),
        offset: String((page - 1) * PAGE_SIZE),
      });
      const rows = await deps.sources.list(query);
      const sources = rows.map(sourceView);
      const running = sources.some((s) => s.status === 'Pending' || s.status === 'Loading');
      return send(reply, 200, 'list', {
        title: 'Data sources',
        user,
        csrf: reply.generateCsrf(),
        sources,
        page,
        older: rows.length === PAGE_SIZE,
        refresh: running ? REFRESH_SECONDS : undefined,
      });
    });

    pages.get<{ Params: { id: string } }>('/data_sources/:id', { config }, async (request, reply) => {
      const gate = await admin(request, reply);
      if ('answered' in gate) return gate.answered;
      const { user } = gate;
      const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : 0;
      const record = id > 0 && (await deps.sources.exists(id)) ? await deps.sources.show(id) : undefined;
      if (!record) {
        return send(reply, 404, 'message', {
          title: 'Not found',
          message: `There is no data source ${request.params.id}.`,
          user,
          csrf: reply.generateCsrf(),
        });
      }
      const source = sourceView(record);
      const errors = (record.children.get('upload-errors') ?? []).map((e) => ({
        row: text(e.values.get('row')),
        firstColumn: text(e.values.get('first-column')),
        field: text(e.values.get('field-with-error')),
        value: text(e.values.get('value')),
        errors: text(e.values.get('field-errors')),
      }));
      const running = source.status === 'Pending' || source.status === 'Loading';
      return send(reply, 200, 'detail', {
        title: source.file || `Data source ${id}`,
        user,
        csrf: reply.generateCsrf(),
        source,
        errors,
        refresh: running ? REFRESH_SECONDS : undefined,
      });
    });
  });
}
