import { API_FAMILIES, isApiFamily, type ApiFamily } from '../catalog/families.js';
import { createHash, randomBytes } from 'node:crypto';
import { datetimeFromDb } from './codec.js';
import { CredentialCache } from './credential-cache.js';
import type { Store } from './database.js';
import { revokeRow } from './revoke.js';
import { PreparedQuery } from './prepared.js';

/**
 * What a key opens: an API family (`X-COUPA-API-KEY` for core, `X-CSO-API-KEY` for CSO), or Roster's own
 * emulator controls (`admin`: `X-Roster-Admin-Key`, `/_roster/…`). A key opens exactly one.
 */
export type KeyApi = ApiFamily | 'admin';
export const KEY_APIS: readonly KeyApi[] = [...API_FAMILIES, 'admin'];
const isKeyApi = (text: string): text is KeyApi => isApiFamily(text) || text === 'admin';

export interface ApiKeyRecord {
  readonly id: number;
  readonly name: string;
  readonly scopes: readonly string[] | null;
  /** The API user records written with this key are stamped with; null for keys made before API users. */
  readonly userId: number | null;
  /** What the key opens (an API family, or the controls); never another. */
  readonly api: KeyApi;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** Keys are random, so a SHA-256 digest is enough to store them without keeping the secret. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export const generateApiKey = (): string => `rk_${randomBytes(32).toString('base64url')}`;

function decode(row: Record<string, unknown>): ApiKeyRecord {
  const scopes = row['scopes'];
  return {
    id: Number(row['id']),
    name: String(row['name']),
    scopes: typeof scopes === 'string' && scopes !== '' ? scopes.split(' ') : null,
    userId: row['user_id'] == null ? null : Number(row['user_id']),
    api: typeof row['api'] === 'string' && isKeyApi(row['api']) ? row['api'] : 'core',
    createdAt: datetimeFromDb(row['created_at']) ?? '',
    revokedAt: datetimeFromDb(row['revoked_at']),
  };
}

/** Verified keys are remembered for a moment (see CredentialCache); a revoke by another process takes effect within it. */
export const VERIFIED_TTL_MS = 2000;
const verified = new CredentialCache<ApiKeyRecord>(VERIFIED_TTL_MS);

export class ApiKeyRepository {
  /** Runs on every request, so it is compiled once. */
  private readonly activeByHash: PreparedQuery;

  constructor(private readonly store: Store) {
    this.activeByHash = new PreparedQuery(store, (db) =>
      db.selectFrom('api_keys').selectAll().where('key_hash', '=', '').where('revoked_at', 'is', null),
    );
  }

  /**
   * Stores a key's digest (idempotent for a key already present, whatever `api` it was made
   * for: one secret is one key).
   */
  async add(
    key: string,
    name: string,
    scopes: readonly string[] | null = null,
    userId: number | null = null,
    api: KeyApi = 'core',
  ): Promise<ApiKeyRecord> {
    const keyHash = hashApiKey(key);
    const existing = await this.store.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    if (existing) return decode(existing);
    const row = await this.store.db
      .insertInto('api_keys')
      .values({
        name,
        key_hash: keyHash,
        scopes: scopes ? scopes.join(' ') : null,
        user_id: userId,
        api,
        created_at: this.store.clock.iso(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return decode(row);
  }

  /** The key with this secret, active or revoked. */
  async findByKey(key: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.store.db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashApiKey(key)).executeTakeFirst();
    return row ? decode(row) : undefined;
  }

  /** The active key with this secret, if any (of any family: the caller checks `api`). */
  /**
   * The active key `key`, if it was looked up a moment ago (the credential cache): boxed, so a
   * remembered "no such key" is told from a miss. Synchronous: a request's fast path.
   */
  remembered(key: string): { readonly value: ApiKeyRecord | undefined } | undefined {
    return verified.get(this.store, hashApiKey(key), Date.now());
  }

  async findActive(key: string): Promise<ApiKeyRecord | undefined> {
    const hash = hashApiKey(key);
    const now = Date.now();
    const hit = verified.get(this.store, hash, now);
    if (hit) return hit.value;
    const [row] = await this.activeByHash.execute([hash]);
    if (!row) {
      verified.delete(this.store, hash);
      return undefined;
    }
    const record = decode(row);
    verified.set(this.store, hash, record, now);
    return record;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.store.db.selectFrom('api_keys').selectAll().orderBy('id').execute();
    return rows.map(decode);
  }

  /** How many keys of `api` are active. */
  async countActive(api: KeyApi = 'core'): Promise<number> {
    const r = await this.store.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('revoked_at', 'is', null)
      .where('api', '=', api)
      .executeTakeFirstOrThrow();
    return r['n'];
  }

  async revoke(id: number): Promise<boolean> {
    const revoked = await revokeRow(this.store, 'api_keys', 'id', id);
    verified.clear(this.store);
    return revoked;
  }
}
