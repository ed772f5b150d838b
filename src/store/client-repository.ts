import { datetimeFromDb } from './codec.js';
import { CredentialCache } from './credential-cache.js';
import type { Row, Store } from './database.js';
import { revokeRow } from './revoke.js';
import { PreparedQuery } from './prepared.js';

export interface ClientRecord {
  readonly clientId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** The API user records written through this client are stamped with. */
  readonly userId: number | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

function decode(row: Row): ClientRecord {
  return {
    clientId: String(row['client_id']),
    name: String(row['name']),
    scopes: String(row['scopes'])
      .split(' ')
      .filter((s) => s !== ''),
    userId: row['user_id'] == null ? null : Number(row['user_id']),
    createdAt: datetimeFromDb(row['created_at']) ?? '',
    revokedAt: datetimeFromDb(row['revoked_at']),
  };
}

/** Whether a client is still active is asked on every bearer request (see CredentialCache). */
export const ACTIVE_TTL_MS = 2000;
const active = new CredentialCache<ClientRecord | undefined>(ACTIVE_TTL_MS);

/** OAuth 2.0 clients: id, name, granted scopes and the scrypt hash of the secret. */
export class ClientRepository {
  private readonly activeById: PreparedQuery;

  constructor(private readonly store: Store) {
    this.activeById = new PreparedQuery(store, (db) =>
      db.selectFrom('oauth_clients').selectAll().where('client_id', '=', '').where('revoked_at', 'is', null),
    );
  }

  async insert(client: { clientId: string; name: string; secretHash: string; scopes: readonly string[]; userId: number | null }) {
    const row = await this.store.db
      .insertInto('oauth_clients')
      .values({
        client_id: client.clientId,
        name: client.name,
        secret_hash: client.secretHash,
        scopes: client.scopes.join(' '),
        user_id: client.userId,
        created_at: this.store.clock.iso(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return decode(row);
  }

  /** The client and its secret hash, revoked or not (the token endpoint tells them apart). */
  async findWithSecret(clientId: string): Promise<{ record: ClientRecord; secretHash: string } | undefined> {
    const row = await this.store.db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row ? { record: decode(row), secretHash: String(row['secret_hash']) } : undefined;
  }

  async findActive(clientId: string, now = Date.now()): Promise<ClientRecord | undefined> {
    const hit = active.get(this.store, clientId, now);
    if (hit) return hit.value;
    const [row] = await this.activeById.execute([clientId]);
    const record = row ? decode(row) : undefined;
    active.set(this.store, clientId, record, now);
    return record;
  }

  async list(): Promise<ClientRecord[]> {
    const rows = await this.store.db.selectFrom('oauth_clients').selectAll().orderBy('created_at').orderBy('client_id').execute();
    return rows.map(decode);
  }

  async revoke(clientId: string): Promise<boolean> {
    const revoked = await revokeRow(this.store, 'oauth_clients', 'client_id', clientId);
    active.clear(this.store);
    return revoked;
  }
}
