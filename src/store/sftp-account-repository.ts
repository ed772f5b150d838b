import { datetimeFromDb } from './codec.js';
import type { Row, Store } from './database.js';
import { revokeRow } from './revoke.js';

/** An SFTP account as listed: never its password digest. */
export interface SftpAccountRecord {
  readonly id: number;
  /** The SSH user name it signs in with; unique, revoked accounts included. */
  readonly name: string;
  readonly hasPassword: boolean;
  /** OpenSSH public key lines (`ssh-ed25519 AAAA… comment`), in the order given. */
  readonly publicKeys: readonly string[];
  /** ISO-8601 UTC, to the second. */
  readonly createdAt: string;
  /** ISO-8601 UTC, to the second; null while the account may sign in. */
  readonly revokedAt: string | null;
}

/** What signing in checks: the account and its password digest (`scrypt$…`, or null for a key-only account). */
export interface SftpAccountSecrets {
  readonly record: SftpAccountRecord;
  readonly passwordDigest: string | null;
}

function decode(row: Row): SftpAccountRecord {
  const keys = row['public_keys'];
  return {
    id: Number(row['id']),
    name: String(row['name']),
    hasPassword: row['password_digest'] !== null && row['password_digest'] !== undefined,
    publicKeys: typeof keys === 'string' ? keys.split('\n').filter((line) => line !== '') : [],
    createdAt: datetimeFromDb(row['created_at']) ?? '',
    revokedAt: datetimeFromDb(row['revoked_at']),
  };
}

/**
 * SFTP accounts (`sftp_accounts`): a name, a scrypt password digest and/or OpenSSH public
 * keys, and when the account was revoked. Nothing is cached: a sign-in reads the row, so a
 * revoke by any process (the `roster sftp-users` command) holds from the next sign-in on.
 */
export class SftpAccountRepository {
  constructor(private readonly store: Store) {}

  /** Stores a new account; undefined when the name is taken (by an active or a revoked account). */
  async insert(account: {
    readonly name: string;
    readonly passwordDigest: string | null;
    readonly publicKeys: readonly string[];
  }): Promise<SftpAccountRecord | undefined> {
    try {
      const row = await this.store.db
        .insertInto('sftp_accounts')
        .values({
          name: account.name,
          password_digest: account.passwordDigest,
          public_keys: account.publicKeys.length === 0 ? null : account.publicKeys.join('\n'),
          created_at: this.store.clock.iso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return decode(row);
    } catch (err) {
      // Two creations of one name racing: the unique index decides.
      if (this.store.dialect.uniqueIndexOf(err) !== undefined) return undefined;
      throw err;
    }
  }

  /** Whether any account, revoked or not, has this name. */
  async exists(name: string): Promise<boolean> {
    const row = await this.store.db.selectFrom('sftp_accounts').select('id').where('name', '=', name).executeTakeFirst();
    return row !== undefined;
  }

  /** The account with this name that is not revoked, with its password digest. */
  async findActive(name: string): Promise<SftpAccountSecrets | undefined> {
    const row = await this.store.db
      .selectFrom('sftp_accounts')
      .selectAll()
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const digest = row['password_digest'];
    return { record: decode(row), passwordDigest: typeof digest === 'string' ? digest : null };
  }

  /** Every account, revoked ones included, oldest first. */
  async list(): Promise<SftpAccountRecord[]> {
    const rows = await this.store.db.selectFrom('sftp_accounts').selectAll().orderBy('id').execute();
    return rows.map(decode);
  }

  /** Revokes the active account with this name; false when there is none. */
  async revoke(name: string): Promise<boolean> {
    const revoked = await revokeRow(this.store, 'sftp_accounts', 'name', name);
    return revoked;
  }
}
