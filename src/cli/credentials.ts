import { Option, type Command } from 'commander';
import { splitScopes } from '../catalog/scopes.js';
import { makeConfig } from '../config.js';
import { CredentialService } from '../domain/credential-service.js';
import { isRosterError } from '../domain/errors.js';
import { apiUserFactory } from '../domain/api-users.js';
import { Engine } from '../domain/engine.js';
import { ApiKeyRepository, KEY_APIS, type KeyApi } from '../store/api-key-repository.js';
import { ClientRepository } from '../store/client-repository.js';
import type { Store } from '../store/database.js';
import { addDataOptions, openDataStore, type DataOptions } from './options.js';

/** Credentials over a store, for commands and tests: API users are written through a short-lived engine. */
export function credentialService(store: Store): CredentialService {
  const users = Engine.detached(store).service('users');
  return new CredentialService(apiUserFactory(users), new ClientRepository(store), new ApiKeyRepository(store));
}

/** Opens the same data `serve` uses (also while it runs), runs `body`, prints its JSON result. */
async function withCredentials(opts: DataOptions, body: (c: CredentialService) => Promise<unknown>): Promise<void> {
  const config = makeConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl, seedFile: opts.seed });
  const { store } = await openDataStore(config, { existing: true });
  try {
    process.stdout.write(`${JSON.stringify(await body(credentialService(store)), null, 2)}\n`);
  } catch (err) {
    // Domain refusals (unknown scope, taken id) are the user's to fix: say them plainly.
    throw isRosterError(err) ? new Error(err.messages.join('; ')) : err;
  } finally {
    await store.close();
  }
}

const notFound = (what: string): Error => new Error(`${what} not found, or already revoked`);

export function clientsCommand(program: Command): void {
  const clients = program.command('clients').description('OAuth 2.0 clients (client-credentials grant)');
  addDataOptions(
    clients
      .command('create')
      .description('create a client; prints its id and secret (the secret is shown only now)')
      .addOption(new Option('--name <name>', 'what the client is for').makeOptionMandatory())
      .addOption(new Option('--scopes <scopes>', 'space-separated scopes it may ask for').makeOptionMandatory())
      .addOption(new Option('--id <id>', 'client id to use instead of a generated one'))
      .addOption(new Option('--secret <secret>', 'client secret to use instead of a generated one (16+ characters)')),
  ).action((opts: DataOptions & { name: string; scopes: string; id?: string; secret?: string }) =>
    withCredentials(opts, async (c) => {
      const { client, secret } = await c.createClient({
        name: opts.name,
        scopes: splitScopes(opts.scopes),
        ...(opts.id === undefined ? {} : { clientId: opts.id }),
        ...(opts.secret === undefined ? {} : { secret: opts.secret }),
      });
      return { client_id: client.clientId, client_secret: secret, name: client.name, scopes: client.scopes.join(' ') };
    }),
  );
  addDataOptions(clients.command('list').description('list clients (never their secrets)')).action((opts: DataOptions) =>
    withCredentials(opts, async (c) =>
      (await c.listClients()).map((r) => ({
        client_id: r.clientId,
        name: r.name,
        scopes: r.scopes.join(' '),
        created_at: r.createdAt,
        revoked_at: r.revokedAt,
      })),
    ),
  );
  addDataOptions(
    clients.command('revoke').description('revoke a client and every token it holds').argument('<client-id>'),
  ).action((clientId: string, opts: DataOptions) =>
    withCredentials(opts, async (c) => {
      if (!(await c.revokeClient(clientId))) throw notFound(`Client ${clientId}`);
      return { client_id: clientId, revoked: true };
    }),
  );
}

export function keysCommand(program: Command): void {
  const keys = program.command('keys').description('API keys: X-COUPA-API-KEY for the core API, X-CSO-API-KEY for CSO');
  addDataOptions(
    keys
      .command('create')
      .description('create a key; prints it (only now: just its hash is stored)')
      .addOption(new Option('--name <name>', 'what the key is for').default('command line'))
      .addOption(
        new Option('--api <api>', "what the key opens: an API, or Roster's controls (admin)").choices(KEY_APIS).default('core'),
      )
      .addOption(new Option('--scopes <scopes>', 'space-separated scopes (core keys); without it the key may do everything')),
  ).action((opts: DataOptions & { name: string; api: KeyApi; scopes?: string }) =>
    withCredentials(opts, async (c) => {
      const { record, key } = await c.createKey({
        name: opts.name,
        scopes: opts.scopes === undefined ? null : splitScopes(opts.scopes),
        api: opts.api,
      });
      return { id: record.id, key, name: record.name, api: record.api, scopes: record.scopes?.join(' ') ?? null };
    }),
  );
  addDataOptions(keys.command('list').description('list keys (never the keys themselves)')).action((opts: DataOptions) =>
    withCredentials(opts, async (c) =>
      (await c.listKeys()).map((r) => ({
        id: r.id,
        name: r.name,
        api: r.api,
        scopes: r.scopes?.join(' ') ?? null,
        created_at: r.createdAt,
        revoked_at: r.revokedAt,
      })),
    ),
  );
  addDataOptions(keys.command('revoke').description('revoke a key').argument('<id>')).action((raw: string, opts: DataOptions) =>
    withCredentials(opts, async (c) => {
      const id = Number(raw);
      if (!Number.isSafeInteger(id) || !(await c.revokeKey(id))) throw notFound(`Key ${raw}`);
      return { id, revoked: true };
    }),
  );
}
