import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { servedResources } from '../catalog/registry.js';
import { DATA_FILE_SOURCES } from '../catalog/resources/data-file-sources.js';
import { WORKER_DOCUMENT_ATTACHMENTS } from '../catalog/resources/worker-document-attachments.js';
import { WORKER_DOCUMENTS } from '../catalog/resources/worker-documents.js';
import { WORKERS } from '../catalog/resources/workers.js';
import { apiUserFactory } from '../domain/api-users.js';
import { AttachmentUploads } from '../domain/attachment-uploads.js';
import { CredentialService } from '../domain/credential-service.js';
import type { Engine } from '../domain/engine.js';
import { LoadScheduler } from '../domain/loads/load-scheduler.js';
import { loadsOf } from '../domain/loads/loads-of.js';
import { PageSignIn } from '../domain/page-sign-in.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import type { TokenService } from '../domain/tokens.js';
import { WorkerInvitations } from '../domain/worker-invitations.js';
import { createMailer } from '../mail/mailer.js';
import { registerPages } from '../pages/routes.js';
import type { ApiKeyRepository } from '../store/api-key-repository.js';
import { AttachmentFileRepository } from '../store/attachment-file-repository.js';
import { AvatarRepository } from '../store/avatar-repository.js';
import type { ClientRepository } from '../store/client-repository.js';
import type { Store } from '../store/database.js';
import { MailRepository } from '../store/mail-repository.js';
import type { SigningKey } from '../store/signing-key-repository.js';
import { WebSessionRepository } from '../store/web-session-repository.js';
import { registerAttachmentRoutes } from './attachments/routes.js';
import { apiKeyAuthenticator, bearerAuthenticator, registerAuth } from './auth.js';
import { registerAvatarRoutes } from './avatars/routes.js';
import { registerDataFileSourceRoutes } from './data-file-sources/routes.js';
import { registerOAuthRoutes } from './oauth/routes.js';
import { registerRecordRoutes } from './records/routes.js';
import { registerWorkerRoutes } from './workers/routes.js';

/** What the core API's routes share with the app: the store, the engine, credentials and limits. */
export interface CoreApiContext {
  readonly config: Config;
  readonly store: Store;
  readonly engine: Engine;
  readonly keys: ApiKeyRepository;
  readonly clients: ClientRepository;
  readonly tokens: TokenService;
  readonly signingKey: SigningKey;
  readonly limiter: RateLimiter | null;
  /** Where the app is served, for links in mail. */
  readonly baseUrl: () => string;
}

/**
 * Coupa's core API (catalog/families.ts): OAuth and `X-COUPA-API-KEY` authentication, the
 * token endpoint, every core resource's routes (with users' and workers' avatars, worker
 * invitations and document attachments), the flat-file loader with its routes, and the
 * `/data_sources` pages. Decorates the app with its `loader`.
 */
export async function registerCoreApi(app: FastifyInstance, ctx: CoreApiContext): Promise<void> {
  const { config, store, engine, keys, clients, tokens, signingKey, limiter } = ctx;
  const users = engine.service('users');
  registerAuth(app, [bearerAuthenticator(tokens, clients), apiKeyAuthenticator(keys)], limiter);
  await registerOAuthRoutes(app, { credentials: new CredentialService(apiUserFactory(users), clients, keys), tokens });
  for (const def of servedResources('core')) {
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
    { mailer, from: config.mailFrom, contacts: config.notifyEmails, baseUrl: ctx.baseUrl },
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
}
