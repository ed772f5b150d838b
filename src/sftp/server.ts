import net, { type Socket } from 'node:net';
import ssh2, { type Connection } from 'ssh2';
import { SftpAccountService } from '../domain/sftp-accounts.js';
import type { Store } from '../store/database.js';
import { FileStore } from '../store/file-store.js';
import { SftpAccountRepository } from '../store/sftp-account-repository.js';
import { SignIn } from './authentication.js';
import { loadSftpHostKey } from './host-key.js';
import { serveSftpSession, type ConnectionState, type SessionServices } from './session.js';
import { VirtualTree } from './virtual-tree.js';

/** Where the server logs (pino-compatible: fields first, then the message). */
export interface SftpLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SftpServerOptions {
  /** The database the files, accounts and host key live in. */
  readonly store: Store;
  /** Address to listen on (`127.0.0.1`, `0.0.0.0`, `::`). */
  readonly host: string;
  /** TCP port; 0 picks a free one (see SftpServer.port). */
  readonly port: number;
  /** The folders under `/Incoming` clients may put files in (`['Users']`); not `Archive`. */
  readonly dropFolders: readonly string[];
  /** Bytes one file may hold; the WRITE that would pass it fails and the upload is discarded (Coupa: 8 * 1024 * 1024). */
  readonly maxFileBytes: number;
  /** Files one drop folder may hold; an upload of a new name past it is refused. Default DEFAULT_MAX_FILES_PER_FOLDER. */
  readonly maxFilesPerFolder?: number;
  readonly logger: SftpLogger;
  /** Called after a file lands in a drop folder (an upload closed, or a rename into a name there), with its path. */
  readonly onUpload?: (path: string) => void;
}

export interface SftpServer {
  /** The port it listens on (the one picked when the options said 0). */
  readonly port: number;
  /** The host key's OpenSSH fingerprint (`SHA256:…`), as `ssh-keygen -lf` prints it and clients show it on first connection. */
  readonly fingerprint: string;
  /** Stops listening, ends every connection (uploads not yet closed are dropped) and frees the port. */
  close(): Promise<void>;
}

/** Files one drop folder may hold unless the options say otherwise. */
export const DEFAULT_MAX_FILES_PER_FOLDER = 10_000;
/** Connections open at once; more are refused at once. */
const MAX_CONNECTIONS = 256;
/** A connection not signed in by then is closed (OpenSSH's LoginGraceTime). */
const SIGN_IN_GRACE_MS = 120_000;
/** SFTP sessions one connection may hold at once. */
const MAX_SESSIONS_PER_CONNECTION = 4;
/** How long `close` lets clients take the disconnect before their sockets are destroyed. */
const CLOSE_GRACE_MS = 1000;

const socketKey = (address: string | undefined, port: number | undefined): string => `${address ?? ''}|${port ?? ''}`;

/**
 * Starts an SFTP server (SSH with only the `sftp` subsystem: no shell, exec or forwarding) over
 * the virtual tree of `dropFolders` (see VirtualTree), its files in the database. Accounts are
 * those `roster sftp-users` makes; the host key is made on first start and kept in the
 * database. Resolves once it listens; throws when the options are unusable (a bad limit, a
 * drop folder named `Archive`…) or the port cannot be bound.
 */
export async function startSftpServer(options: SftpServerOptions): Promise<SftpServer> {
  const { store, logger } = options;
  if (!Number.isSafeInteger(options.maxFileBytes) || options.maxFileBytes < 1) {
    throw new Error(`maxFileBytes must be a positive whole number of bytes, not ${options.maxFileBytes}`);
  }
  const maxFilesPerFolder = options.maxFilesPerFolder ?? DEFAULT_MAX_FILES_PER_FOLDER;
  if (!Number.isSafeInteger(maxFilesPerFolder) || maxFilesPerFolder < 1) {
    throw new Error(`maxFilesPerFolder must be a positive whole number, not ${maxFilesPerFolder}`);
  }
  const tree = new VirtualTree(options.dropFolders);
  const hostKey = await loadSftpHostKey(store);
  const accounts = new SftpAccountService(new SftpAccountRepository(store));
  const services: SessionServices = {
    store,
    files: new FileStore(store),
    tree,
    maxFileBytes: options.maxFileBytes,
    maxFilesPerFolder,
    logger,
    onUpload: options.onUpload,
    started: new Date(),
  };

  const sockets = new Map<string, { socket: Socket; timer: NodeJS.Timeout }>();
  const clients = new Set<Connection>();

  const ssh = new ssh2.Server({ hostKeys: [hostKey.privateKey], ident: 'Roster' }, (client, info) => {
    clients.add(client);
    const tracked = sockets.get(socketKey(info.ip, info.port));
    client.on('close', () => clients.delete(client));
    client.on('error', (err: Error) => {
      // Resets and timeouts are how connections end; only say what happened.
      logger.info({ err: err.message }, 'SFTP connection error');
    });
    const signIn = new SignIn(accounts, logger, () => client.end());
    client.on('authentication', (ctx) => signIn.handle(ctx));
    client.on('ready', () => {
      if (tracked) clearTimeout(tracked.timer);
      const connection: ConnectionState = { account: signIn.account ?? '', openFiles: 0 };
      let sessions = 0;
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        // Only the sftp subsystem is served: ssh2 refuses shell, exec, pty and the rest for want of listeners.
        session.on('sftp', (acceptSftp, rejectSftp) => {
          if (sessions >= MAX_SESSIONS_PER_CONNECTION) {
            rejectSftp();
            return;
          }
          // ssh2 answers undefined when this session already runs a subsystem (a second request on one channel).
          const sftp = acceptSftp() as ReturnType<typeof acceptSftp> | undefined;
          if (!sftp) return;
          sessions++;
          sftp.once('close', () => sessions--);
          serveSftpSession(sftp, services, connection);
        });
      });
    });
  });
  ssh.on('error', (err: Error) => logger.error({ err }, 'SFTP server error'));

  const tcp = net.createServer((socket) => {
    const key = socketKey(socket.remoteAddress, socket.remotePort);
    const timer = setTimeout(() => socket.destroy(), SIGN_IN_GRACE_MS);
    timer.unref();
    sockets.set(key, { socket, timer });
    socket.once('close', () => {
      clearTimeout(timer);
      sockets.delete(key);
    });
    ssh.injectSocket(socket);
  });
  tcp.maxConnections = MAX_CONNECTIONS;

  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port, options.host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  tcp.on('error', (err) => logger.error({ err }, 'SFTP listener error'));
  const address = tcp.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;

  let closing: Promise<void> | undefined;
  return {
    port,
    fingerprint: hostKey.fingerprint,
    close() {
      closing ??= new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        // A disconnect message first, then the sockets go whether or not the clients answer.
        for (const client of clients) client.end();
        for (const { socket } of sockets.values()) socket.end();
        const force = setTimeout(() => {
          for (const { socket } of sockets.values()) socket.destroy();
        }, CLOSE_GRACE_MS);
        force.unref();
        tcp.once('close', () => clearTimeout(force));
      });
      return closing;
    },
  };
}
