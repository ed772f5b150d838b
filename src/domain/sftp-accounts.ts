import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import ssh2, { type ParsedKey } from 'ssh2';
import type { SftpAccountRecord, SftpAccountRepository } from '../store/sftp-account-repository.js';
import { RosterError } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** An SSH user name: kept to characters every client and shell passes through unquoted. */
const ACCOUNT_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** Characters, not bytes; the password is set by whoever runs `roster sftp-users create`. */
export const MIN_SFTP_PASSWORD = 12;
/** The key types OpenSSH still offers by default (no DSA). */
const KEY_TYPES: ReadonlySet<string> = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
]);

/** One public key of an account, as listed: what `ssh-keygen -lf` shows of it. */
export interface SftpPublicKey {
  /** `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`… */
  readonly type: string;
  /** `SHA256:` and the unpadded base64 of the SHA-256 of the key blob. */
  readonly fingerprint: string;
  readonly comment: string;
}

/** An SFTP account as shown to its administrator: never its password or its digest. */
export interface SftpAccount {
  readonly name: string;
  readonly hasPassword: boolean;
  readonly publicKeys: readonly SftpPublicKey[];
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  /** ISO-8601 UTC; null while it may sign in. */
  readonly revokedAt: string | null;
}

/** A public-key sign-in request as SSH carries it (RFC 4252 §7). */
export interface PublicKeyAttempt {
  /** The key blob the client offers (`ctx.key.data`). */
  readonly key: Buffer;
  /**
   * The signed session data and the signature over it; absent when the client only asks
   * whether the key would do (it signs once the server says yes).
   */
  readonly signed?: { readonly blob: Buffer; readonly signature: Buffer; readonly hashAlgo?: string | undefined };
}

/** The OpenSSH fingerprint of a public key blob: `SHA256:` + unpadded base64 of its SHA-256, as `ssh-keygen -lf` prints. */
export const sshFingerprint = (blob: Buffer): string =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

/** A public key line as stored: `type base64 comment`, the comment only when there is one. */
const keyLine = (key: ParsedKey): string =>
  `${key.type} ${key.getPublicSSH().toString('base64')}${key.comment === '' ? '' : ` ${key.comment}`}`;

function parsePublicKey(line: string): ParsedKey | undefined {
  const key = ssh2.utils.parseKey(line);
  return key instanceof Error || key.isPrivateKey() ? undefined : key;
}

/**
 * The public keys in the text of an OpenSSH public key file or an authorized_keys-style list
 * (one key a line; blank lines and `#` comments skipped), each as its stored line. Throws a
 * validation RosterError naming the line for anything else: a private key, options before the
 * key, an unknown type, or text that is no key.
 */
export function parsePublicKeys(text: string, source = 'the public key file'): string[] {
  const whole = ssh2.utils.parseKey(text);
  if (!(whole instanceof Error) && whole.isPrivateKey()) {
    throw new RosterError('validation_failed', `${source} holds a private key; give the public one (the .pub file)`);
  }
  const lines: string[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const key = parsePublicKey(line);
    if (!key) {
      throw new RosterError(
        'validation_failed',
        `Line ${index + 1} of ${source} is not an OpenSSH public key (type base64 [comment], no options)`,
      );
    }
    if (!KEY_TYPES.has(key.type)) {
      throw new RosterError('validation_failed', `Line ${index + 1} of ${source}: ${key.type} keys are not accepted`);
    }
    // A comment is shown back by `list`: keep it to printable text.
    if (/[\p{Cc}]/u.test(key.comment)) {
      throw new RosterError('validation_failed', `Line ${index + 1} of ${source}: the key's comment holds a control character`);
    }
    const stored = keyLine(key);
    if (!lines.includes(stored)) lines.push(stored);
  }
  if (lines.length === 0) throw new RosterError('validation_failed', `${source} holds no public key`);
  return lines;
}

function describeKey(line: string): SftpPublicKey {
  const key = parsePublicKey(line);
  if (!key) return { type: line.split(' ')[0] ?? '', fingerprint: '', comment: '' };
  return { type: key.type, fingerprint: sshFingerprint(key.getPublicSSH()), comment: key.comment };
}

const view = (record: SftpAccountRecord): SftpAccount => ({
  name: record.name,
  hasPassword: record.hasPassword,
  publicKeys: record.publicKeys.map(describeKey),
  createdAt: record.createdAt,
  revokedAt: record.revokedAt,
});

/** Equal-length buffers compared in constant time; different lengths never match (a length is not secret). */
const sameBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/** What `create` takes: a name, and a password and/or the text of an OpenSSH public key file. */
export interface NewSftpAccount {
  readonly name: string;
  readonly password?: string;
  /** The text of an OpenSSH public key file (one or more lines). */
  readonly publicKeys?: string;
  /** How messages name that file (its path); "the public key file" by default. */
  readonly keySource?: string;
}

/**
 * Checks a new account without the database (a command refuses before opening it) and returns
 * its public keys as stored lines. Throws a validation RosterError for a bad name, neither
 * credential, a password shorter than MIN_SFTP_PASSWORD, or keys parsePublicKeys refuses.
 */
export function checkNewAccount(account: NewSftpAccount): string[] {
  if (!ACCOUNT_NAME.test(account.name)) {
    throw new RosterError('validation_failed', 'An SFTP account name may hold only letters, digits and . _ - (1 to 64)');
  }
  if (account.password === undefined && account.publicKeys === undefined) {
    throw new RosterError('validation_failed', 'An SFTP account needs a password, a public key, or both');
  }
  if (account.password !== undefined && Array.from(account.password).length < MIN_SFTP_PASSWORD) {
    throw new RosterError('validation_failed', `An SFTP password needs at least ${MIN_SFTP_PASSWORD} characters`);
  }
  return account.publicKeys === undefined ? [] : parsePublicKeys(account.publicKeys, account.keySource);
}

/** A digest to check against when the account does not exist, so an unknown name costs as long as a wrong password. */
let decoy: Promise<string> | undefined;

/**
 * SFTP accounts: creating them (a password and/or public keys), listing them without secrets,
 * revoking them by name, and deciding a sign-in. Passwords are kept as scrypt digests; keys as
 * OpenSSH lines, matched against the offered key blob and its signature checked.
 */
export class SftpAccountService {
  constructor(private readonly accounts: SftpAccountRepository) {}

  /**
   * Creates an account (checked first by checkNewAccount). Throws a validation RosterError, with
   * a message for the user, for whatever checkNewAccount refuses, or a taken name.
   */
  async create(account: NewSftpAccount): Promise<SftpAccount> {
    const keys = checkNewAccount(account);
    const { name } = account;
    const taken = (): RosterError => new RosterError('validation_failed', `SFTP account name ${name} is taken`);
    // Checked before hashing, so a taken name is answered at once; the unique index settles races.
    if (await this.accounts.exists(name)) throw taken();
    const record = await this.accounts.insert({
      name,
      passwordDigest: account.password === undefined ? null : await hashPassword(account.password),
      publicKeys: keys,
    });
    if (!record) throw taken();
    return view(record);
  }

  /** Every account, revoked ones included, oldest first; no secrets. */
  async list(): Promise<SftpAccount[]> {
    return (await this.accounts.list()).map(view);
  }

  /** Revokes the active account `name`: it signs in no more (sessions already open go on). False when there is none. */
  revoke(name: string): Promise<boolean> {
    return this.accounts.revoke(name);
  }

  /** Whether `password` signs in the active account `name`; as slow for an unknown name as for a wrong password. */
  async authenticatePassword(name: string, password: string): Promise<boolean> {
    const found = await this.accounts.findActive(name);
    decoy ??= hashPassword(randomBytes(16).toString('hex'));
    const digest = found?.passwordDigest ?? null;
    // A key-only account is checked against the decoy too: it never matches.
    const ok = await verifyPassword(password, digest ?? (await decoy));
    return ok && digest !== null;
  }

  /**
   * Whether the active account `name` holds the offered key and, when the attempt is signed,
   * whether the signature verifies with it. An unsigned attempt that answers true only tells the
   * client to go on and sign (RFC 4252 §7): it signs nobody in.
   */
  async authenticatePublicKey(name: string, attempt: PublicKeyAttempt): Promise<boolean> {
    const found = await this.accounts.findActive(name);
    if (!found) return false;
    for (const line of found.record.publicKeys) {
      const key = parsePublicKey(line);
      if (!key || !sameBytes(key.getPublicSSH(), attempt.key)) continue;
      if (!attempt.signed) return true;
      const { blob, signature, hashAlgo } = attempt.signed;
      // ssh2 answers an Error (truthy) when it cannot verify, whatever its typings say: only `true` signs in.
      const verdict: unknown = key.verify(blob, signature, hashAlgo);
      return verdict === true;
    }
    return false;
  }
}
