import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { SftpAccountService } from '../../src/domain/sftp-accounts.js';
import type { Store } from '../../src/store/database.js';
import { SftpAccountRepository } from '../../src/store/sftp-account-repository.js';
import { startSftpServer, type SftpLogger, type SftpServer, type SftpServerOptions } from '../../src/sftp/server.js';

/** OpenSSH's own client, which the tests drive as a user would. */
export const SFTP_BINARY = '/usr/bin/sftp';

/** One line the server logged. */
export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every line, for assertions. */
export function memoryLogger(): SftpLogger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg: string): void => {
      lines.push({ level, msg, fields: { ...obj } });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A server under test and what it logged and announced. */
export interface TestSftp {
  readonly server: SftpServer;
  readonly port: number;
  readonly logs: LogLine[];
  /** Every path `onUpload` was called with, in order. */
  readonly uploads: string[];
}

/** Starts the SFTP server in this process on a free port of 127.0.0.1, over `store`, with `Users` as the drop folder. */
export async function startTestSftp(store: Store, options: Partial<SftpServerOptions> = {}): Promise<TestSftp> {
  const logger = memoryLogger();
  const uploads: string[] = [];
  const server = await startSftpServer({
    store,
    host: '127.0.0.1',
    port: 0,
    dropFolders: ['Users'],
    maxFileBytes: 8 * 1024 * 1024,
    logger,
    onUpload: (p) => uploads.push(p),
    ...options,
  });
  return { server, port: server.port, logs: logger.lines, uploads };
}

export const scratchDir = (): string => mkdtempSync(path.join(tmpdir(), 'roster-sftp-'));

/** An ed25519 key pair made by `ssh-keygen` (no passphrase) in `dir`. */
export interface KeyPair {
  readonly privateKeyFile: string;
  readonly publicKeyFile: string;
  /** The `.pub` file's text (`ssh-ed25519 AAAA… comment`). */
  readonly publicKey: string;
}

/** What a process printed and how it ended. */
export interface ProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end (never throws for a non-zero exit). */
export function run(file: string, args: readonly string[], timeoutMs = 30_000): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      // A non-zero exit is an answer; a program that could not start (or was killed) is not.
      if (err === null) resolve({ code: 0, stdout, stderr });
      else if (typeof err.code === 'number') resolve({ code: err.code, stdout, stderr });
      else reject(new Error(`${file} failed: ${err.message}`));
    });
  });
}

export async function makeKeyPair(dir: string, name = 'key', comment = 'roster-test'): Promise<KeyPair> {
  const privateKeyFile = path.join(dir, name);
  const made = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', privateKeyFile]);
  if (made.code !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
  const publicKeyFile = `${privateKeyFile}.pub`;
  return { privateKeyFile, publicKeyFile, publicKey: readFileSync(publicKeyFile, 'utf8') };
}

/** Creates an account the way `roster sftp-users create` does. */
export function createAccount(
  store: Store,
  account: { name: string; password?: string; publicKeys?: string },
): ReturnType<SftpAccountService['create']> {
  return new SftpAccountService(new SftpAccountRepository(store)).create(account);
}

export function revokeAccount(store: Store, name: string): Promise<boolean> {
  return new SftpAccountService(new SftpAccountRepository(store)).revoke(name);
}

let batches = 0;

/**
 * Runs OpenSSH's `sftp` in batch mode, signed in with a key, on the batch `commands` (one a
 * line; a leading `-` lets the batch go on past a failing command, as sftp(1) says). `cwd` is
 * the local folder `put` and `get` read and write.
 */
export async function runSftpBatch(opts: {
  port: number;
  user: string;
  key: KeyPair;
  commands: readonly string[];
  cwd: string;
}): Promise<ProcessRun> {
  const batch = path.join(opts.cwd, `batch-${++batches}.txt`);
  writeFileSync(batch, `lcd ${opts.cwd}\n${opts.commands.join('\n')}\n`);
  return run(SFTP_BINARY, [
    ...['-b', batch, '-P', String(opts.port), '-i', opts.key.privateKeyFile],
    ...['-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
    ...['-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'LogLevel=ERROR'],
    `${opts.user}@127.0.0.1`,
  ]);
}

/** Runs OpenSSH's `scp` (SFTP protocol, its default since OpenSSH 9.0), signed in with a key, from `from` to `to`. */
export function runScp(opts: { port: number; key: KeyPair; from: string; to: string }): Promise<ProcessRun> {
  return run('/usr/bin/scp', [
    ...['-P', String(opts.port), '-i', opts.key.privateKeyFile, '-F', '/dev/null'],
    ...[
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
    ],
    ...['-o', 'LogLevel=ERROR', opts.from, opts.to],
  ]);
}

/** An ssh2-sftp-client connected to the server, and the raw SFTP channel under it (for requests the client has no method for). */
export interface ConnectedClient {
  readonly client: SftpClient;
  readonly sftp: SFTPWrapper;
}

export async function connectClient(opts: {
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
}): Promise<ConnectedClient> {
  // Quiet global listeners: the tests expect connections to end, and say so themselves when one should not.
  const quiet = (): void => undefined;
  const client = new SftpClient('test', { error: quiet, end: quiet, close: quiet });
  const sftp = await client.connect({
    host: '127.0.0.1',
    port: opts.port,
    username: opts.username,
    readyTimeout: 10_000,
    ...(opts.password === undefined ? {} : { password: opts.password }),
    ...(opts.privateKey === undefined ? {} : { privateKey: opts.privateKey }),
  });
  return { client, sftp };
}

/** Runs one raw SFTP request through ssh2's callback API; resolves with its error (or undefined) and result. */
export function rawRequest<T = unknown>(
  call: (done: (err: Error | null | undefined, result?: T) => void) => void,
): Promise<{ err: (Error & { code?: number }) | undefined; result: T | undefined }> {
  return new Promise((resolve) => {
    call((err, result) => resolve({ err: err ?? undefined, result }));
  });
}
