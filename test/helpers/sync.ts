// What the `roster sync` end-to-end tests share: a real `roster serve` with an API key, an OAuth client and
// an SFTP account; the sync command run as a process; the Users API read over HTTP; a fault-injecting proxy.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CLI, runBinary, startServer, tempDir, type Run, type Served } from './cli.js';
import { scratchSchema } from './dialects.js';

/** The scopes the sync needs: users, and the loads it follows with --via csv. */
export const SYNC_SCOPES = 'core.user.read core.user.write core.integration.read core.integration.write';
export const SFTP_PASSWORD = 'a long sftp passphrase';

/** A running Roster with the credentials a sync run uses. */
export interface SyncTarget {
  readonly served: Served;
  readonly url: string;
  readonly sftpPort: number;
  readonly apiKey: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The data flags of its database (`--data DIR` or `--database-url URL`), for other `roster` commands. */
  readonly flags: readonly string[];
  stop(): Promise<void>;
}

/** Starts `roster serve` (SQLite in a temp dir, or a scratch PostgreSQL schema) looking for files every second. */
export async function startSyncTarget(dialect: 'sqlite' | 'postgres'): Promise<SyncTarget> {
  let flags: string[];
  let drop = async (): Promise<void> => {};
  if (dialect === 'sqlite') flags = ['--data', tempDir()];
  else {
    const schema = await scratchSchema('sync');
    flags = ['--database-url', schema.url];
    drop = schema.drop;
  }
  const served = await startServer([...flags, '--flatfile-interval', '1s']);
  const json = (run: Run): Record<string, string> => {
    if (run.code !== 0) throw new Error(`roster failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, string>;
  };
  const [key, client] = await Promise.all([
    runBinary('keys', 'create', '--name', 'sync', '--scopes', SYNC_SCOPES, ...flags).then(json),
    runBinary('clients', 'create', '--name', 'sync-oauth', '--scopes', SYNC_SCOPES, ...flags).then(json),
    runBinary('sftp-users', 'create', '--name', 'acme-hr', '--password', SFTP_PASSWORD, ...flags).then(json),
  ]);
  return {
    served,
    url: served.url,
    sftpPort: Number(/sftp -P (\d+)/.exec(served.banner)?.[1]),
    apiKey: key['key'] ?? '',
    clientId: client['client_id'] ?? '',
    clientSecret: client['client_secret'] ?? '',
    flags,
    stop: async () => {
      await served.stop();
      await drop();
    },
  };
}

/** Runs `roster sync <args>` as a process, with `env` added (secrets go there, as the docs advise). */
export function runSync(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'sync', '--quiet', ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A user as the Users API shows it (JSON). */
export type ApiUser = Record<string, unknown>;

/** GET/POST/PUT against the Users API with the target's key, JSON both ways. */
export async function api(
  target: SyncTarget,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${target.url}${route}`, {
    method,
    headers: {
      'x-coupa-api-key': target.apiKey,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** The user with this login, or undefined. */
export async function userByLogin(target: SyncTarget, login: string): Promise<ApiUser | undefined> {
  const { body } = await api(target, 'GET', `/api/users?login=${encodeURIComponent(login)}`);
  return (body as ApiUser[])[0];
}

/** Creates a user over the API (throws unless 201). */
export async function createUser(target: SyncTarget, doc: Record<string, unknown>): Promise<ApiUser> {
  const res = await api(target, 'POST', '/api/users', doc);
  if (res.status !== 201) throw new Error(`create ${JSON.stringify(doc)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ApiUser;
}

/** Writes `name` in `dir` and returns its path. */
export function writeIn(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A JSON Lines journal, parsed. */
export const readJournal = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** What the proxy does to the request it is asked about (1-based count of requests it has seen). */
export type Fault = 'pass' | '429' | '500' | '503' | 'slow' | 'drop';

/** An HTTP proxy in front of a server that injects faults by the request's number, and counts what it did. */
export interface FaultProxy {
  readonly url: string;
  readonly done: Record<Fault, number>;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `upstream`. `fault(n, req)` picks each request's fate: `429` (Retry-After: 1), `500`/`503`
 * without forwarding, `slow` (forwards, then holds the answer `slowMs` before sending it: past the client's
 * timeout, the write still happens upstream), `drop` (forwards, then destroys the connection without
 * answering: the write happened but the client never hears).
 */
export async function startFaultProxy(
  upstream: string,
  fault: (n: number, req: IncomingMessage) => Fault,
  slowMs = 3000,
): Promise<FaultProxy> {
  const done: Record<Fault, number> = { pass: 0, '429': 0, '500': 0, '503': 0, slow: 0, drop: 0 };
  const target = new URL(upstream);
  let n = 0;
  const timers = new Set<NodeJS.Timeout>();
  const forward = (
    req: IncomingMessage,
    body: Buffer,
    then: (status: number, headers: IncomingMessage['headers'], data: Buffer) => void,
  ): void => {
    const up = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => then(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
      },
    );
    up.end(body);
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const f = fault(++n, req);
      done[f]++;
      const body = Buffer.concat(chunks);
      const send = (status: number, headers: IncomingMessage['headers'], data: Buffer): void => {
        if (res.destroyed) return;
        const rest = { ...headers };
        delete rest['transfer-encoding'];
        delete rest.connection;
        res.writeHead(status, { ...rest, 'content-length': String(data.length) });
        res.end(data);
      };
      switch (f) {
        case 'pass':
          return forward(req, body, send);
        case '429':
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/xml' });
          return res.end('<?xml version="1.0" encoding="UTF-8"?><errors><error>Rate limit exceeded</error></errors>');
        case '500':
        case '503':
          res.writeHead(Number(f), { 'content-type': 'text/plain' });
          return res.end('injected');
        case 'slow':
          return forward(req, body, (status, headers, data) => {
            const t = setTimeout(() => {
              timers.delete(t);
              send(status, headers, data);
            }, slowMs);
            timers.add(t);
          });
        case 'drop':
          return forward(req, body, () => req.socket.destroy());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    done,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
