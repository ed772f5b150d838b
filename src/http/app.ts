import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { servedResources } from '../catalog/registry.js';
import { apiUserFactory } from '../domain/api-users.js';
import { Engine } from '../domain/engine.js';
import { ApiKeyRepository } from '../store/api-key-repository.js';
import { AvatarRepository } from '../store/avatar-repository.js';
import { MailRepository } from '../store/mail-repository.js';
import { createMailer } from '../mail/mailer.js';
import { WorkerInvitations } from '../domain/worker-invitations.js';
import { WORKERS } from '../catalog/resources/workers.js';
import { WORKER_DOCUMENTS } from '../catalog/resources/worker-documents.js';
import { WORKER_DOCUMENT_ATTACHMENTS } from '../catalog/resources/worker-document-attachments.js';
import { AttachmentUploads } from '../domain/attachment-uploads.js';
import { AttachmentFileRepository } from '../store/attachment-file-repository.js';
import { registerAttachmentRoutes } from './attachments/routes.js';
import type { Store } from '../store/database.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { CredentialService } from '../domain/credential-service.js';
import { RateLimiter } from '../domain/rate-limit.js';
import { TokenService } from '../domain/tokens.js';
import { openBucketStore, redisNamespace } from '../store/bucket-stores.js';
import { ClientRepository } from '../store/client-repository.js';
import { loadSigningKey } from '../store/signing-key-repository.js';
import { apiKeyAuthenticator, bearerAuthenticator, registerAuth } from './auth.js';
import { registerOAuthRoutes } from './oauth/routes.js';
import { registerRouteScopes } from './route-scopes.js';
import { answerFrameworkError, registerErrorHandling } from './error-handler.js';
import { registerXmlParser } from './format/body.js';
import { registerMultipartParser } from './format/upload.js';
import { registerDrainOnError } from './drain.js';
import { clientErrorHandler, serverTimeouts } from './client-errors.js';
import { registerHealth } from './health.js';
import { registerInputGuard } from './input-guard.js';
import { maskLogLine } from './log-redaction.js';
import { redactUrl } from './log-url.js';
import { registerRecordRoutes } from './records/routes.js';
import { registerAvatarRoutes } from './avatars/routes.js';
import { registerWorkerRoutes } from './workers/routes.js';
import { registerDataFileSourceRoutes } from './data-file-sources/routes.js';
import { DATA_FILE_SOURCES } from '../catalog/resources/data-file-sources.js';
import { loadsOf } from '../domain/loads/loads-of.js';
import { LoadScheduler } from '../domain/loads/load-scheduler.js';
import { PageSignIn } from '../domain/page-sign-in.js';
import { registerPages } from '../pages/routes.js';
import { WebSessionRepository } from '../store/web-session-repository.js';
import './fastify-types.js';

export interface BuildAppOptions {
  readonly config: Config;
  /** An open, migrated store; the caller owns it and closes it. */
  readonly store: Store;
  /** Logger: false in tests, pino options in the server. */
  readonly logger?: boolean | object;
  /** Time for token expiry and rate limits; tests set it. */
  readonly clock?: Clock;
}

/** The request as logged: Fastify's default fields, with secret query and path `;` parameters masked. */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
}

/** Where this app is served, for links in mail: the address it listens on, else the configured one. */
function baseUrlOf(app: FastifyInstance, config: Config): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') return `http://${config.host}:${config.port}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** The app factory: wires repositories, services and routes. It never listens. */
export async function buildApp({
  config,
  store,
  logger = false,
  clock = systemClock,
}: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      logger === false
        ? false
        : {
            level: config.logLevel,
            serializers: { req: serializeRequest },
            ...(typeof logger === 'object' ? logger : {}),
            // Every line, whoever logs it and at any level, has its secrets masked just before
            // it is written (log-redaction.ts says why there); after the caller's options, so
            // none turns it off.
            hooks: { streamWrite: maskLogLine },
          },
    bodyLimit: config.bodyLimit,
    frameworkErrors: answerFrameworkError,
    // A request must arrive whole within the request timeout (its headers sooner); errors Node's
    // HTTP layer raises (431, 408, a malformed request) are answered in Coupa's shape too.
    requestTimeout: config.requestTimeout,
    http: serverTimeouts(config.requestTimeout),
    clientErrorHandler: clientErrorHandler(config.requestTimeout),
    // Paths are case-sensitive (find-my-way's default); a trailing slash is ignored, as Rails does.
    routerOptions: { ignoreTrailingSlash: true },
  });
  const engine = await Engine.open(store, { reportingCurrency: config.reportingCurrency });
  app.addHook('onClose', () => engine.close());
  const users = engine.service('users');

  registerErrorHandling(app);
  registerXmlParser(app);
  registerInputGuard(app);
  registerDrainOnError(app);
  registerMultipartParser(app);
  const keys = new ApiKeyRepository(store);
  const clients = new ClientRepository(store);
  const signingKey = await loadSigningKey(store);
  const tokens = new TokenService(signingKey, clock);
  const redis = config.redisUrl
    ? {
        url: config.redisUrl,
        namespace: redisNamespace(signingKey),
        onError: (err: Error) => app.log.warn({ err }, 'Redis error (rate limits)'),
      }
    : undefined;
  const buckets = config.rateLimit ? await openBucketStore(store, redis) : undefined;
  if (buckets) app.addHook('onClose', () => buckets.close());
  const limiter = config.rateLimit && buckets ? new RateLimiter(config.rateLimit, buckets, clock) : null;
  registerRouteScopes(app);
  registerAuth(app, [bearerAuthenticator(tokens, clients), apiKeyAuthenticator(keys)], limiter);
  registerHealth(app, store);
  await registerOAuthRoutes(app, { credentials: new CredentialService(apiUserFactory(users), clients, keys), tokens });
  for (const def of servedResources()) {
    const service = engine.service(def);
    registerRecordRoutes(app, def, service);
    // Users and workers have an avatar besides the standard routes.
    if (def.avatar) {
      registerAvatarRoutes(app, def, { service, avatars: new AvatarRepository(store, def), limit: config.avatarLimit });
    }
  }
  const mailer = createMailer(config.smtpUrl);
  app.addHook('onClose', () => mailer.close());
  const workers = engine.service(WORKERS);
  const invitations = new WorkerInvitations(workers, new MailRepository(store), mailer, {
    from: config.mailFrom,
    portalUrl: config.portalUrl,
  });
  registerWorkerRoutes(app, WORKERS, { workers, invitations });
  const documents = engine.service(WORKER_DOCUMENTS);
  const uploads = new AttachmentUploads(
    documents,
    engine.service(WORKER_DOCUMENT_ATTACHMENTS),
    new AttachmentFileRepository(store),
  );
  registerAttachmentRoutes(app, WORKER_DOCUMENTS, { documents, uploads, limit: config.attachmentLimit });
  const loads = loadsOf(
    engine,
    store,
    { limits: { maxRows: config.flatfileMaxRows, maxBytes: config.flatfileLimit }, leaseMs: config.jobLease },
    { mailer, from: config.mailFrom, contacts: config.notifyEmails, baseUrl: () => baseUrlOf(app, config) },
  );
  const loader = new LoadScheduler(loads, (err) => app.log.error({ err }, 'Flat-file loader pass failed'));
  app.decorate('loader', loader);
  // Before the engine closes: a running pass writes through it.
  app.addHook('preClose', () => loader.stop());
  await registerPages(app, {
    signIn: new PageSignIn(users),
    sources: engine.service(DATA_FILE_SOURCES),
    sessions: new WebSessionRepository(store),
    secret: signingKey.secret,
  });
  registerDataFileSourceRoutes(app, DATA_FILE_SOURCES, {
    sources: engine.service(DATA_FILE_SOURCES),
    loads,
    kick: () => loader.kick(),
    limit: config.flatfileLimit,
  });
  await app.ready();
  return app;
}
