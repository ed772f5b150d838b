import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ApiFamily } from '../catalog/families.js';
import type { Config } from '../config.js';
import { ResponseCache } from '../render/response-cache.js';
import { Engine } from '../domain/engine.js';
import type { Clock } from '../domain/clock.js';
import { RateLimiter } from '../domain/rate-limit.js';
import { TokenService } from '../domain/tokens.js';
import { ApiKeyRepository } from '../store/api-key-repository.js';
import { openBucketStore, redisNamespace } from '../store/bucket-stores.js';
import { ClientRepository } from '../store/client-repository.js';
import type { Store } from '../store/database.js';
import { MailRepository } from '../store/mail-repository.js';
import { loadSigningKey } from '../store/signing-key-repository.js';
import { clientErrorHandler, serverTimeouts } from './client-errors.js';
import { registerCoreApi } from './core-api.js';
import { csoApi } from './cso/api.js';
import { registerDrainOnError } from './drain.js';
import { frameworkErrorAnswer, registerErrorHandling } from './error-handler.js';
import { controlsApi } from './controls/api.js';
import { registerFaultHook } from './controls/fault-hook.js';
import { FaultTable } from './controls/faults.js';
import { CONTROLS_PREFIX } from './controls/prefix.js';
import { registerJournalHook } from './controls/journal-hook.js';
import { RequestJournal } from './controls/request-journal.js';
import { registerXmlParser } from './format/body.js';
import { registerMultipartParser } from './format/upload.js';
import { registerHealth } from './health.js';
import { registerInputGuard } from './input-guard.js';
import { maskLogLine } from './log-redaction.js';
import { redactUrl } from './log-url.js';
import { registerOpenApiRoutes } from './openapi/routes.js';
import { newRequestId, registerRequestId } from './request-id.js';
import { registerAbortLog, RequestLogController } from './request-log.js';
import { registerRouteScopes } from './route-scopes.js';
import './fastify-types.js';

export interface BuildAppOptions {
  readonly config: Config;
  /** An open, migrated store; the caller owns it and closes it. */
  readonly store: Store;
  /** Logger: false in tests, pino options in the server. */
  readonly logger?: boolean | object;
  /** Time for token expiry and rate limits; the store's clock (`PUT /_roster/clock`) unless a test sets one. */
  readonly clock?: Clock;
  /**
   * The API family the app serves at its root (catalog/families.ts): `core` (the default) also
   * mounts the CSO API under `/cso`; `cso` is the CSO listener's app, the CSO API alone.
   */
  readonly family?: ApiFamily;
  /** The request journal (`/_roster/requests`); serve shares one between its listeners. A new one of `config.journalSize` when absent. */
  readonly journal?: RequestJournal;
  /** The injected faults (`/_roster/faults`); serve shares one table between its listeners. */
  readonly faults?: FaultTable;
  /**
   * Rendered responses (render/response-cache.ts); serve shares one between its listeners. A new
   * one of `config.responseCache` bytes when absent; none when that is 0.
   */
  readonly responses?: ResponseCache;
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

/** The app factory: wires repositories, services and routes of one API family. It never listens. */
export async function buildApp({
  config,
  store,
  logger = false,
  clock: givenClock,
  family = 'core',
  journal = new RequestJournal(config.journalSize),
  faults = new FaultTable(),
  responses = config.responseCache > 0 ? new ResponseCache(config.responseCache) : undefined,
}: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    genReqId: newRequestId,
    // Fastify's two lines a request (incoming, completed) give way to one, with why it failed (request-log.ts).
    ...(logger === false ? {} : { logController: new RequestLogController() }),
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
    frameworkErrors: frameworkErrorAnswer(family),
    // A request must arrive whole within the request timeout (its headers sooner); errors Node's
    // HTTP layer raises (431, 408, a malformed request) are answered in Coupa's shape too.
    requestTimeout: config.requestTimeout,
    http: serverTimeouts(config.requestTimeout),
    clientErrorHandler: clientErrorHandler(config.requestTimeout),
    // Paths are case-sensitive (find-my-way's default); a trailing slash is ignored, as Rails does.
    routerOptions: { ignoreTrailingSlash: true },
  });
  const clock = givenClock ?? (() => store.clock.now());
  const engine = await Engine.open(store, { reportingCurrency: config.reportingCurrency }, responses);
  app.addHook('onClose', () => engine.close());

  registerRequestId(app);
  if (logger !== false) registerAbortLog(app);
  registerJournalHook(app, journal, clock);
  registerFaultHook(app, faults, family);
  registerErrorHandling(app, family);
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
  registerHealth(app, store);
  if (family === 'core') registerOpenApiRoutes(app, 'core');
  const csoDeps = { engine, keys, limiter };
  if (family === 'core') {
    await registerCoreApi(app, {
      config,
      store,
      engine,
      keys,
      clients,
      tokens,
      signingKey,
      limiter,
      baseUrl: () => baseUrlOf(app, config),
    });
    // The CSO API on the main port too, for single-port deployments (docs/cso-api.md).
    await app.register(csoApi, { ...csoDeps, prefix: '/cso' });
    // Roster's own controls (docs/controls.md): the main port only.
    await app.register(controlsApi, {
      keys,
      journal,
      faults,
      mail: new MailRepository(store),
      engine,
      seedFile: config.seedFile,
      prefix: CONTROLS_PREFIX,
    });
  } else {
    await app.register(csoApi, csoDeps);
  }
  await app.ready();
  return app;
}
