import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { makeConfig, type Config } from '../../src/config.js';
import type { ApiFamily } from '../../src/catalog/families.js';
import type { Clock } from '../../src/domain/clock.js';
import { buildApp } from '../../src/http/app.js';
import { ApiKeyRepository } from '../../src/store/api-key-repository.js';
import type { Store } from '../../src/store/database.js';
import type { TestDialect } from './dialects.js';
import { checkUserResponse } from './swagger-contract.js';

export const TEST_KEY = 'test-key-0123456789';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: Store;
  /** Sends a request with the test API key unless headers say otherwise. */
  request(opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * A fresh app on a fresh database. Rate limiting is off unless a test asks for it: tests send
 * bursts. `options.logger` (pino options, e.g. `{ stream }`) turns logging on, at the config's
 * `logLevel`.
 */
export async function makeTestApp(
  dialect: TestDialect,
  overrides: Partial<Config> = {},
  options: { clock?: Clock; logger?: object; family?: ApiFamily } = {},
): Promise<TestApp> {
  const { store, drop } = await dialect.open();
  await new ApiKeyRepository(store).add(TEST_KEY, 'test');
  let app: FastifyInstance;
  try {
    app = await buildApp({ config: makeConfig({ rateLimit: null, ...overrides }), store, ...options });
  } catch (err) {
    await drop();
    throw err;
  }
  // Every JSON user this app answers with is checked against Coupa's Swagger contract; setup.ts
  // fails the test that received one that breaks it.
  const inject = app.inject.bind(app) as (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  const checked = async (opts: InjectOptions): Promise<LightMyRequestResponse> => {
    const res = await inject(opts);
    // Coupa's User contract is the core API's; the CSO listener's /api/users are CSO users.
    if (options.family !== 'cso') {
      checkUserResponse(typeof opts.url === 'string' ? opts.url : typeof opts.path === 'string' ? opts.path : '', res);
    }
    return res;
  };
  Object.assign(app, { inject: checked });
  return {
    app,
    store,
    request: (opts) => app.inject({ ...opts, headers: { 'x-coupa-api-key': TEST_KEY, ...opts.headers } }),
    close: async () => {
      await app.close();
      await drop();
    },
  };
}

export const XML = { 'content-type': 'application/xml' };
export const JSON_IO = { 'content-type': 'application/json', accept: 'application/json' };

/** A minimal valid user as XML. */
export function userXml(fields: Record<string, string>): string {
  const body = Object.entries(fields)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><user>${body}</user>`;
}

export const validUser = (n: number | string = 1): Record<string, string> => ({
  login: `user_${n}`,
  email: `user_${n}@example.com`,
  firstname: 'Ada',
  lastname: 'Lovelace',
});

/** A token of the client credentials grant, asked of `app` for `scope` (`/oauth2/token`, RFC 6749 §4.4). */
export async function clientToken(
  app: FastifyInstance,
  clientId: string,
  secret: string,
  scope: string,
): Promise<{ access_token: string; expires_in: number }> {
  const res = await app.inject({
    method: 'POST',
    url: '/oauth2/token',
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      scope,
    }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return JSON.parse(res.body) as { access_token: string; expires_in: number };
}
