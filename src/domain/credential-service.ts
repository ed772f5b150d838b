import { FAMILIES } from '../catalog/families.js';
import { randomBytes } from 'node:crypto';
import { isKnownScope } from '../catalog/scopes.js';
import { generateApiKey, type ApiKeyRecord, type ApiKeyRepository, type KeyApi } from '../store/api-key-repository.js';
import type { ClientRecord, ClientRepository } from '../store/client-repository.js';
import { RosterError } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { ApiUserFactory } from './api-users.js';

/** `a Coupa core API key`, `a CSO … key`, `an admin key`: what a key opens, for messages. */
const keyTitle = (api: KeyApi): string => (api === 'admin' ? 'an admin' : `a ${FAMILIES[api].title}`);

/** RFC 6749 client ids are visible ASCII; Roster keeps to URL-safe characters so they need no escaping. */
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,100}$/;
const MIN_SECRET = 16;

function checkScopes(scopes: readonly string[]): void {
  const unknown = scopes.filter((s) => !isKnownScope(s));
  if (unknown.length > 0) {
    throw new RosterError('validation_failed', `Unknown scope ${unknown.join(', ')}; see GET /oauth2/scopes`);
  }
}

/** A hash to compare against when the client does not exist, so a wrong id costs as long as a wrong secret. */
let decoy: Promise<string> | undefined;

/** OAuth clients and API keys: creating them (each with its API user), authenticating, revoking. */
export class CredentialService {
  constructor(
    private readonly createApiUser: ApiUserFactory,
    private readonly clients: ClientRepository,
    private readonly keys: ApiKeyRepository,
  ) {}

  async createClient(opts: {
    name: string;
    scopes: readonly string[];
    clientId?: string;
    secret?: string;
  }): Promise<{ client: ClientRecord; secret: string }> {
    const name = opts.name.trim();
    if (name === '') throw new RosterError('validation_failed', 'A client needs a name');
    if (opts.scopes.length === 0) throw new RosterError('validation_failed', 'A client needs at least one scope');
    checkScopes(opts.scopes);
    const clientId = opts.clientId ?? `roster-${randomBytes(8).toString('hex')}`;
    if (!CLIENT_ID.test(clientId)) {
      throw new RosterError('validation_failed', 'A client id may hold only letters, digits and . _ ~ - (at most 100)');
    }
    const secret = opts.secret ?? randomBytes(32).toString('base64url');
    if (secret.length < MIN_SECRET)
      throw new RosterError('validation_failed', `A client secret needs at least ${MIN_SECRET} characters`);
    if (await this.clients.findWithSecret(clientId)) throw new RosterError('validation_failed', `Client id ${clientId} is taken`);
    const userId = await this.createApiUser(`oauth.${clientId}`, name);
    const client = await this.clients.insert({
      clientId,
      name,
      secretHash: await hashPassword(secret),
      scopes: opts.scopes,
      userId,
    });
    return { client, secret };
  }

  /** The active client with this id and secret; RFC 6749's invalid_client otherwise, the same for every cause. */
  async authenticateClient(clientId: string, secret: string): Promise<ClientRecord> {
    const found = await this.clients.findWithSecret(clientId);
    decoy ??= hashPassword(randomBytes(16).toString('hex'));
    const ok = await verifyPassword(secret, found?.secretHash ?? (await decoy));
    if (!found || !ok || found.record.revokedAt !== null) {
      throw new RosterError('invalid_client', 'Client authentication failed: unknown client, wrong secret, or revoked');
    }
    return found.record;
  }

  listClients(): Promise<ClientRecord[]> {
    return this.clients.list();
  }

  revokeClient(clientId: string): Promise<boolean> {
    return this.clients.revoke(clientId);
  }

  /**
   * A new API key for `api` (core when absent), with its secret (returned once; only its hash is
   * kept). A core key gets an API user (created-by of what it writes) and may be limited to
   * `scopes`; a CSO key opens the whole CSO API (which has no scopes) and writes no audit users.
   * Throws `validation_failed` for an unknown scope, or for scopes on a CSO key.
   */
  async createKey(opts: {
    name: string;
    scopes: readonly string[] | null;
    key?: string;
    api?: KeyApi;
  }): Promise<{ record: ApiKeyRecord; key: string }> {
    const api = opts.api ?? 'core';
    if (api === 'cso' && opts.scopes) throw new RosterError('validation_failed', 'A CSO key has no scopes: it opens the CSO API');
    if (api === 'admin' && opts.scopes)
      throw new RosterError('validation_failed', 'An admin key has no scopes: it opens the controls');
    if (opts.scopes) checkScopes(opts.scopes);
    const key = opts.key ?? generateApiKey();
    const userId = api === 'core' ? await this.createApiUser(`api.key.${randomBytes(4).toString('hex')}`, opts.name) : null;
    return { record: await this.keys.add(key, opts.name, opts.scopes, userId, api), key };
  }

  /**
   * A key given on the command line at every start: created (with its API user) the first time
   * only. Throws when the secret is already a key of the other API.
   */
  async ensureKey(key: string, name: string, api: KeyApi = 'core'): Promise<ApiKeyRecord> {
    const found = await this.keys.findByKey(key);
    if (found && found.api !== api) {
      throw new RosterError('validation_failed', `That key is already ${keyTitle(found.api)} key; a key opens one API`);
    }
    return found ?? (await this.createKey({ name, scopes: null, key, api })).record;
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    return this.keys.list();
  }

  revokeKey(id: number): Promise<boolean> {
    return this.keys.revoke(id);
  }
}
