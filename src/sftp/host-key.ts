import ssh2 from 'ssh2';
import { sshFingerprint } from '../domain/sftp-accounts.js';
import type { Store } from '../store/database.js';
import { ensureHostKey } from '../store/host-key-repository.js';

/** The `host_keys` row the SFTP server's key is kept in. */
export const SFTP_HOST_KEY_NAME = 'sftp';

/** The server's host key: the private key ssh2 serves with, and what clients are shown of it. */
export interface SftpHostKey {
  /** An OpenSSH private key (ed25519), as ssh2's Server takes it. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA…`: the public key, as a known_hosts line carries it. */
  readonly publicKey: string;
  /** `SHA256:…`, as `ssh-keygen -lf` and a connecting client print it. */
  readonly fingerprint: string;
}

/** An ed25519 public key blob: the type name and the 32-byte key, each with its 4-byte length. */
const ED25519_BLOB_BYTES = 4 + 'ssh-ed25519'.length + 4 + 32;

/**
 * A new ed25519 host key (OpenSSH format). ssh2's generateKeyPairSync drops a key part's
 * leading zero byte, so about one key in 300 comes out malformed (a 31-byte public key): such
 * a key is made again, and only one that parses and verifies its own signature is kept.
 */
export function generateHostKey(): string {
  for (;;) {
    const candidate = ssh2.utils.generateKeyPairSync('ed25519').private;
    const parsed = ssh2.utils.parseKey(candidate);
    if (parsed instanceof Error || !parsed.isPrivateKey()) continue;
    const probe = Buffer.from('roster host key check');
    const verdict: unknown = parsed.verify(probe, parsed.sign(probe));
    if (verdict === true && parsed.getPublicSSH().length === ED25519_BLOB_BYTES) return candidate;
  }
}

/**
 * The SFTP host key, generated (ed25519) the first time and kept in the database, so clients
 * see the same key after a restart and from every Roster process on one PostgreSQL. Throws when
 * the stored key cannot be read.
 */
export async function loadSftpHostKey(store: Store): Promise<SftpHostKey> {
  const privateKey = await ensureHostKey(store, SFTP_HOST_KEY_NAME, generateHostKey);
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error || !parsed.isPrivateKey()) {
    throw new Error(
      `The stored SFTP host key (host_keys, ${SFTP_HOST_KEY_NAME}) cannot be read: ${parsed instanceof Error ? parsed.message : 'not a private key'}`,
    );
  }
  const blob = parsed.getPublicSSH();
  return { privateKey, publicKey: `${parsed.type} ${blob.toString('base64')}`, fingerprint: sshFingerprint(blob) };
}
