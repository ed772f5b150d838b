import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ClientErrorExtensions, ConnectConfig, SFTPWrapper } from 'ssh2';
import { SyncFatalError } from '../types.js';

/** Where to upload and who to sign in as. A password, a private key, or both (tried in that order). */
export interface SftpTarget {
  readonly host: string;
  /** TCP port; 22 unless the URL says otherwise. */
  readonly port: number;
  readonly username: string;
  readonly password?: string;
  /** An OpenSSH (or PEM) private key, as ssh2 reads it. */
  readonly privateKey?: Buffer;
  /** The private key's passphrase, when it is encrypted. */
  readonly passphrase?: string;
}

const URL_SHAPE = 'sftp://user[:password]@host[:port]';

/** Percent-decodes one part of the URL; `what` names it in the error, never its value. */
function decoded(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new SyncFatalError(`The SFTP address's ${what} is not valid percent-encoding (${URL_SHAPE})`);
  }
}

/**
 * Reads `sftp://user[:password]@host[:port]`: port 22 by default, user and password
 * percent-decoded (`%40` for an `@` in a password), a host name, an IPv4 address or an IPv6 one
 * in brackets. A trailing `/` is allowed; a path, a query or a fragment is not (the folder is
 * given apart). Throws SyncFatalError for anything else, without echoing the address (it may
 * hold the password).
 */
export function parseSftpUrl(url: string): SftpTarget {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new SyncFatalError(`The SFTP address is not a URL: it must look like ${URL_SHAPE}`);
  }
  if (parsed.protocol !== 'sftp:') {
    throw new SyncFatalError(`The SFTP address must start with sftp:// (${URL_SHAPE}), not ${parsed.protocol}//`);
  }
  // A non-special scheme keeps a host-less `sftp:/x` as a path: it has no host.
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (hostname === '') throw new SyncFatalError(`The SFTP address has no host (${URL_SHAPE})`);
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    throw new SyncFatalError(
      `The SFTP address may not have a path (${parsed.pathname}); the folder is given apart (${URL_SHAPE})`,
    );
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new SyncFatalError(`The SFTP address may not have a query or a fragment (${URL_SHAPE})`);
  }
  const username = decoded(parsed.username, 'user name');
  if (username === '') throw new SyncFatalError(`The SFTP address has no user name (${URL_SHAPE})`);
  const port = parsed.port === '' ? 22 : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SyncFatalError(`The SFTP address's port must be from 1 to 65535 (${URL_SHAPE})`);
  }
  const password = decoded(parsed.password, 'password');
  return { host: hostname, port, username, ...(password === '' ? {} : { password }) };
}

/** A key's fingerprint as OpenSSH prints it: `SHA256:` and the base64 of its SHA-256, without padding. */
const fingerprintOf = (blob: Buffer): string => `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

/** The most bytes one SFTP WRITE carries (OpenSSH's sftp uses 32 KB), and how many are in flight at once. */
const WRITE_BYTES = 32 * 1024;
const WRITES_IN_FLIGHT = 16;
/** ssh2's handshake timeout (`readyTimeout`), in ms. */
const READY_TIMEOUT_MS = 20_000;

/** SFTP status codes (draft-ietf-secsh-filexfer-02, the version OpenSSH speaks). */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

/** A code of an SFTP status error (a number) or of a socket error (`ECONNREFUSED`). */
const codeOf = (err: unknown): unknown => (err instanceof Error ? (err as Error & { code?: unknown }).code : undefined);

/**
 * Uploads each file into `folder` (`/Incoming/Users`) over one SSH connection (ssh2's Client and
 * its SFTP channel). Each file is written as `.name.part`, then renamed to `name` once it is
 * complete and closed, so a loader that lists the folder while it is written does not take half
 * a file. Roster's SFTP server allows the rename within `/Incoming/Users` and its loader takes a
 * renamed file like any other (src/sftp/session.ts RENAME; the loader lists the folder on each
 * pass). Roster's loader does not skip the `.part` name, though: a pass that falls between the
 * close and the rename (a round trip) loads the temporary file under its own name; that is
 * reported as an error here. (On Roster a file is only ever seen complete anyway.) A rename
 * onto a name that is already waiting is refused by the server (SFTP v3 renames do not replace).
 *
 * `options.hostKey`, when given (`SHA256:…`), must be the server's key: another key ends the
 * connection before any credential is sent. Resolves with the host key's fingerprint
 * (`SHA256:…`, as OpenSSH prints it) for the caller to show or pin.
 *
 * Errors are SyncFatalError with a message saying what failed (connection refused, host not
 * found, timed out after 20 s, sign-in refused, host key mismatch, permission denied, the
 * server's message for other refusals); never the password or the key. Files uploaded before a
 * failure stay uploaded (they will be loaded).
 */
export async function uploadFiles(
  target: SftpTarget,
  folder: string,
  files: readonly { readonly name: string; readonly data: Buffer }[],
  options: { readonly hostKey?: string } = {},
): Promise<{ hostKey: string }> {
  for (const file of files) {
    if (file.name === '' || file.name.includes('/'))
      throw new SyncFatalError(`Refusing to upload a file named ${JSON.stringify(file.name)}`);
  }
  const where = `${target.username}@${target.host}:${target.port}`;
  const secrets = [target.password, target.passphrase].filter((s): s is string => s !== undefined && s !== '');
  // ssh2's messages do not carry secrets, nor do SFTP servers' as a rule; a server's message is shown, so scrub anyway.
  const scrub = (message: string): string => secrets.reduce((m, s) => m.split(s).join('***'), message);
  const fail = (message: string): SyncFatalError => new SyncFatalError(scrub(message));

  const client = new ssh2.Client();
  let hostKey: string | undefined;
  let hostRefused = false;
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.username,
    readyTimeout: READY_TIMEOUT_MS,
    // Without `hostHash`, ssh2 hands the verifier the key blob itself.
    hostVerifier: (key: Buffer): boolean => {
      hostKey = fingerprintOf(key);
      hostRefused = options.hostKey !== undefined && options.hostKey !== hostKey;
      return !hostRefused;
    },
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.privateKey === undefined ? {} : { privateKey: target.privateKey }),
    ...(target.passphrase === undefined ? {} : { passphrase: target.passphrase }),
  };

  const connectionError = (err: Error & ClientErrorExtensions): SyncFatalError => {
    if (hostRefused) {
      return fail(
        `The SFTP server at ${target.host}:${target.port} has host key ${hostKey ?? '?'}, not ${options.hostKey ?? '?'}: nothing was sent`,
      );
    }
    const code = codeOf(err);
    if (err.level === 'client-authentication') {
      return fail(
        `The SFTP server at ${target.host}:${target.port} refused the sign-in of ${target.username} (wrong password or key)`,
      );
    }
    if (err.level === 'client-timeout' || code === 'ETIMEDOUT') {
      return fail(`The SFTP server at ${target.host}:${target.port} did not answer within ${READY_TIMEOUT_MS / 1000} s`);
    }
    if (code === 'ECONNREFUSED')
      return fail(`The SFTP server at ${target.host}:${target.port} refused the connection (nothing listening?)`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return fail(`The SFTP host ${target.host} was not found`);
    return fail(`Could not connect to the SFTP server at ${where}: ${err.message}`);
  };

  const connected = new Promise<SFTPWrapper>((resolve, reject) => {
    client.once('error', (err) => reject(connectionError(err)));
    client.once('ready', () => {
      client.sftp((err, channel) => {
        if (err) reject(fail(`The SFTP server at ${where} did not open an SFTP session: ${err.message}`));
        else resolve(channel);
      });
    });
    try {
      client.connect(config);
    } catch (err) {
      // ssh2 throws at once for a private key it cannot read.
      reject(fail(`Cannot sign in to ${where}: ${err instanceof Error ? err.message : String(err)}`));
    }
  });
  let sftp: SFTPWrapper;
  try {
    sftp = await connected;
  } catch (err) {
    client.end();
    throw err;
  }

  // After the sign-in a dropped connection fails the request under way (ssh2 ends its callbacks).
  let lost: Error | undefined;
  client.on('error', (err) => (lost = err));
  try {
    const dir = folder.replace(/\/+$/, '') || '/';
    for (const file of files) {
      const final = `${dir === '/' ? '' : dir}/${file.name}`;
      const temporary = `${dir === '/' ? '' : dir}/.${file.name}.part`;
      const describe = (err: unknown, action: string, path: string): SyncFatalError => {
        const code = codeOf(err);
        const message = err instanceof Error ? err.message : String(err);
        if (code === PERMISSION_DENIED) return fail(`Permission denied ${action} ${path} on ${where}: ${message}`);
        if (code === NO_SUCH_FILE) return fail(`No such file or folder ${action} ${path} on ${where}: ${message}`);
        return fail(`SFTP failed ${action} ${path} on ${where}: ${lost ? lost.message : message}`);
      };
      try {
        await writeWhole(sftp, temporary, file.data);
      } catch (err) {
        await call<undefined>((done) => sftp.unlink(temporary, done)).catch(() => undefined);
        throw describe(err, 'writing', temporary);
      }
      try {
        await call<undefined>((done) => sftp.rename(temporary, final, done));
      } catch (err) {
        if (codeOf(err) === NO_SUCH_FILE) {
          // The temporary file went between its close and the rename: a loader took it as it was.
          throw fail(
            `${temporary} left ${dir} before it could be renamed to ${file.name} (a loader picked it up?): look for a load of .${file.name}.part`,
          );
        }
        await call<undefined>((done) => sftp.unlink(temporary, done)).catch(() => undefined);
        throw describe(err, 'renaming to', final);
      }
    }
  } finally {
    client.end();
  }
  if (hostKey === undefined) throw new Error('unreachable: connected without a host key');
  return { hostKey };
}

/** Runs one ssh2 callback call as a promise. */
function call<T>(run: (done: (err: Error | null | undefined, result?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    run((err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * Writes `data` as the whole of `path` (created or truncated), up to WRITES_IN_FLIGHT writes at
 * once (SFTP answers requests in any order; one at a time, an 8 MB file is 256 round trips),
 * then closes it: the close is when an upload is complete (Roster stores it then).
 */
async function writeWhole(sftp: SFTPWrapper, path: string, data: Buffer): Promise<void> {
  const handle = await new Promise<Buffer>((resolve, reject) => {
    sftp.open(path, 'w', (err, h) => (err ? reject(err) : resolve(h)));
  });
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < data.length) {
        const offset = next;
        const length = Math.min(WRITE_BYTES, data.length - offset);
        next += length;
        await call<undefined>((done) => sftp.write(handle, data, offset, length, offset, done));
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, Math.ceil(data.length / WRITE_BYTES)) }, worker));
  } catch (err) {
    await call<undefined>((done) => sftp.close(handle, done)).catch(() => undefined);
    throw err;
  }
  await call<undefined>((done) => sftp.close(handle, done));
}
