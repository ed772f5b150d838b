import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { UserService } from '../domain/user-service.js';
import { ApiKeyRepository } from '../store/api-key-repository.js';
import { AvatarRepository } from '../store/avatar-repository.js';
import type { Store } from '../store/database.js';
import { ReferenceRepository } from '../store/reference-repository.js';
import { UserRepository } from '../store/user-repository.js';
import { apiKeyAuthenticator, registerAuth } from './auth.js';
import { registerErrorHandling } from './error-handler.js';
import { registerXmlParser } from './format/body.js';
import { registerHealth } from './health.js';
import { registerUserRoutes } from './users/routes.js';
import './fastify-types.js';

export interface BuildAppOptions {
  readonly config: Config;
  /** An open, migrated store; the caller owns it and closes it. */
  readonly store: Store;
  /** Logger: false in tests, pino options in the server. */
  readonly logger?: boolean | object;
}

/** Secrets never reach the log, whatever a future serializer decides to print. */
export const LOG_REDACT = [
  'req.headers["x-coupa-api-key"]',
  'req.headers.authorization',
  'headers["x-coupa-api-key"]',
  'headers.authorization',
];

/** The app factory: wires repositories, services and routes. It never listens. */
export async function buildApp({ config, store, logger = false }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      logger === false ? false : { level: config.logLevel, redact: LOG_REDACT, ...(typeof logger === 'object' ? logger : {}) },
    bodyLimit: config.bodyLimit,
    // Coupa ids are integers in the path; keep routing strict and case-sensitive.
    routerOptions: { ignoreTrailingSlash: true },
  });
  const users = new UserRepository(store);
  const refs = new ReferenceRepository(store);
  const service = new UserService(store, users, refs);

  registerErrorHandling(app);
  registerXmlParser(app);
  await app.register(multipart, { limits: { fileSize: config.avatarLimit, files: 1, fields: 10 }, throwFileSizeLimit: true });
  registerAuth(app, [apiKeyAuthenticator(new ApiKeyRepository(store))]);
  registerHealth(app, store);
  registerUserRoutes(app, { users: service, avatars: new AvatarRepository(store), avatarLimit: config.avatarLimit });
  await app.ready();
  return app;
}
