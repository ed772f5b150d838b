// One log line a request, with why it failed (src/http/request-log.ts), as JSON lines or pretty
// (src/http/log-pretty.ts, `roster serve --log-format`), and never a secret in either.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialService } from '../src/cli/credentials.js';
import { chooseLogFormat } from '../src/cli/log-format.js';
import { makeConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { prettyLogStream, prettyMessage } from '../src/http/log-pretty.js';
import { CLI, runInProcess, tempDir } from './helpers/cli.js';
import { DIALECTS } from './helpers/dialects.js';

/** What a logger wrote, line by line. */
function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

type Line = Record<string, unknown>;
const parse = (lines: readonly string[]): Line[] => lines.map((l) => JSON.parse(l) as Line);

/** The secrets a failing request below carries: none may reach the log. */
const PASSWORD = 'Corr3ct-horse-battery';
const TOKEN = 'tok-5e1f0c7a9b2d';
const JSON_IO = { 'content-type': 'application/json', accept: 'application/json' };

describe('the request log, in-process', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** An app logging at `level` into `stream`, with an API key and an admin key. */
  async function loggedApp(stream: { write(text: string): unknown }, level = 'info') {
    const dialect = DIALECTS[0];
    if (!dialect) throw new Error('no dialect');
    const { store, drop } = await dialect.open();
    let app: FastifyInstance;
    try {
      app = await buildApp({ config: makeConfig({ rateLimit: null, logLevel: level }), store, logger: { stream } });
    } catch (err) {
      await drop();
      throw err;
    }
    close = async () => {
      await app.close();
      await drop();
    };
    const credentials = credentialService(store);
    const { key } = await credentials.createKey({ name: 'logged key', scopes: null });
    const { key: adminKey } = await credentials.createKey({ name: 'logged admin', scopes: null, api: 'admin' });
    return { app, key, adminKey };
  }

  /** A create refused for its missing fields, carrying the API key, a password and a token. */
  const failedCreate = (app: FastifyInstance, key: string) =>
    app.inject({
      method: 'POST',
      url: `/api/users?access_token=${TOKEN}`,
      headers: { ...JSON_IO, 'x-coupa-api-key': key },
      payload: JSON.stringify({ login: 'ada', password: PASSWORD }),
    });

  it("writes one JSON line a request, at its end: a failure's with its id, code and messages, never a secret", async () => {
    const log = capture();
    const { app, key, adminKey } = await loggedApp(log.stream);
    const ok = await app.inject({ method: 'GET', url: '/api/users', headers: { ...JSON_IO, 'x-coupa-api-key': key } });
    expect(ok.statusCode).toBe(200);
    const refused = await failedCreate(app, key);
    expect(refused.statusCode).toBe(400);
    // A 5xx, as a fault injected through the controls makes one.
    const fault = await app.inject({
      method: 'POST',
      url: '/_roster/faults',
      headers: { 'content-type': 'application/json', 'x-roster-admin-key': adminKey },
      payload: JSON.stringify({ method: 'GET', path: '/api/users/*', status: 503 }),
    });
    expect(fault.statusCode, fault.body).toBe(201);
    const faulted = await app.inject({ method: 'GET', url: '/api/users/1', headers: { 'x-coupa-api-key': key } });
    expect(faulted.statusCode).toBe(503);
    // A path the router gives up on (a parameter over its length) is answered outside Fastify's hooks: logged all the same.
    const unroutable = `/api/users/1;client_secret=${TOKEN}${'x'.repeat(120)}`;
    expect((await app.inject({ method: 'GET', url: unroutable })).statusCode).toBe(404);

    const all = log.lines();
    for (const secret of [key, adminKey, PASSWORD, TOKEN]) expect(all.filter((l) => l.includes(secret))).toEqual([]);
    const lines = parse(all);
    // Fastify's own pair of lines is off: one line a request, at its end.
    expect(lines.filter((l) => l['msg'] === 'incoming request')).toEqual([]);
    const requests = lines.filter((l) => l['msg'] === 'request completed');
    expect(requests.map((l) => [l['method'], l['url'], l['status']])).toEqual([
      ['GET', '/api/users', 200],
      ['POST', '/api/users?access_token=[Redacted]', 400],
      ['POST', '/_roster/faults', 201],
      ['GET', '/api/users/1', 503],
      ['GET', '/api/users/1;client_secret=[Redacted]', 404],
    ]);
    expect(requests[4]).toMatchObject({
      level: 40,
      errorCode: 'route_not_found',
      errors: [expect.stringMatching(/^No route matches/)],
    });
    const [done, failed, , broken] = requests;
    expect(done).toMatchObject({ level: 30, reqId: ok.headers['x-request-id'], responseTime: expect.any(Number) as unknown });
    expect(done).not.toHaveProperty('errorCode');
    expect(done).not.toHaveProperty('errors');
    expect(failed).toMatchObject({
      level: 40,
      reqId: refused.headers['x-request-id'],
      errorCode: refused.headers['x-roster-error-code'],
      errors: (JSON.parse(refused.body) as { errors: { user: string[] } }).errors.user,
    });
    expect(failed?.['errors']).toContain("Email can't be blank");
    expect(broken).toMatchObject({
      level: 50,
      reqId: faulted.headers['x-request-id'],
      errorCode: 'injected_fault',
      errors: [expect.stringContaining('Injected fault: 503')],
    });
  });

  it('writes only the failures at --log-level warn', async () => {
    const log = capture();
    const { app, key } = await loggedApp(log.stream, 'warn');
    await app.inject({ method: 'GET', url: '/api/users', headers: { 'x-coupa-api-key': key } });
    await app.inject({ method: 'GET', url: '/api/nothing-here', headers: { 'x-coupa-api-key': key } });
    expect(parse(log.lines()).map((l) => [l['level'], l['url'], l['status'], l['errorCode']])).toEqual([
      [40, '/api/nothing-here', 404, 'route_not_found'],
    ]);
  });

  it('prints one readable line a request with pino-pretty, its secrets masked as in JSON', async () => {
    const out = capture();
    const { app, key } = await loggedApp(prettyLogStream(out.stream, { colorize: false }));
    const refused = await failedCreate(app, key);
    const ok = await app.inject({ method: 'GET', url: '/api/users', headers: { 'x-coupa-api-key': key } });
    // Whoever logs a secret, in a field or in free text, it is masked before pino-pretty sees it.
    app.log.warn({ headers: { authorization: `Bearer ${TOKEN}` }, clientSecret: PASSWORD }, `upstream said password=${PASSWORD}`);
    app.log.error({ err: new Error('the disk is full') }, 'unhandled error');

    const lines = out.lines();
    for (const secret of [key, PASSWORD, TOKEN]) expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    const id = String(refused.headers['x-request-id']);
    const messages = (JSON.parse(refused.body) as { errors: { user: string[] } }).errors.user.join('; ');
    const time = String.raw`\[\d\d:\d\d:\d\d\.\d{3}\]`;
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          String.raw`^${time} WARN: POST /api/users\?access_token=\[Redacted\] 400 \d+\.\d ms validation_failed: ${messages} \(req ${id}\)$`,
        ),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(String.raw`^${time} INFO: GET /api/users 200 \d+\.\d ms \(req ${String(ok.headers['x-request-id'])}\)$`),
      ),
    );
    // Another line: its message, then its fields as JSON on the same line.
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          String.raw`^${time} WARN: upstream said password=\[Redacted\] \{"headers":\{"authorization":"\[Redacted\]"\},"clientSecret":"\[Redacted\]"\}$`,
        ),
      ),
    );
    // An error: its message, then its stack below.
    const error = lines.findIndex((l) => /^\[.*\] ERROR: unhandled error/.test(l));
    expect(lines.slice(error + 1, error + 7).join('\n')).toMatch(/^ +err: \{[\s\S]*\n +Error: the disk is full\n +at /);
  });

  it('reads a request line as one sentence, with its id, and escapes control characters', () => {
    const line = {
      msg: 'request completed',
      reqId: '5f3c9a0e1b2d4c6f',
      method: 'PUT',
      url: '/api/users/5',
      status: 400,
      responseTime: 3.0812,
      errorCode: 'user_invalid',
      errors: ["Email can't be blank"],
    };
    expect(prettyMessage(line, 'msg')).toBe(
      "PUT /api/users/5 400 3.1 ms user_invalid: Email can't be blank (req 5f3c9a0e1b2d4c6f)",
    );
    expect(prettyMessage({ ...line, status: 204, errorCode: undefined, errors: undefined, reqId: undefined }, 'msg')).toBe(
      'PUT /api/users/5 204 3.1 ms',
    );
    expect(prettyMessage({ msg: 'request aborted', reqId: 'r1', method: 'GET', url: '/api/users' }, 'msg')).toBe(
      'GET /api/users aborted (req r1)',
    );
    expect(prettyMessage({ msg: 'Server listening at http://127.0.0.1:3000' }, 'msg')).toBe(
      'Server listening at http://127.0.0.1:3000',
    );
    expect(prettyMessage({ msg: 'evil \u001b[2J name' }, 'msg')).toBe('evil \\x1b[2J name');
  });

  it('chooses pretty at a terminal and JSON lines elsewhere, unless told, and refuses another format', async () => {
    expect([chooseLogFormat(undefined, true), chooseLogFormat(undefined, false)]).toEqual(['pretty', 'json']);
    expect([chooseLogFormat('json', true), chooseLogFormat('pretty', false)]).toEqual(['json', 'pretty']);
    const refused = await runInProcess('serve', '--log-format', 'xml');
    expect([refused.code, refused.stderr.split('\n')[0]]).toEqual([
      1,
      "error: option '--log-format <format>' argument 'xml' is invalid. Allowed choices are pretty, json.",
    ]);
  });
});

/** A `roster serve` started by `command` (and `args`), read until it is stopped. */
interface Running {
  readonly url: string;
  readonly key: string;
  readonly adminKey: string;
  /** Resolves once what it printed holds `text` (a log line is written just after its answer is sent). */
  printed(text: string): Promise<void>;
  /** Everything it printed until stop() returned, `\r\n` as `\n`, colours removed. */
  stop(): Promise<string>;
}

/**
 * Starts the built binary's `serve` on a temp data directory and free ports, logging at info;
 * `tty` runs it under script(1), which gives it a pseudo-terminal as a person at a shell has.
 * Resolves once the banner is out.
 */
function serveBinary(flags: readonly string[], tty: boolean): Promise<Running> {
  const argv = [CLI, 'serve', '--data', tempDir(), '--port', '0', '--sftp-port', 'off', '--cso-port', 'off'];
  argv.push('--log-level', 'info', ...flags);
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The format is the flag's or the terminal's here, not the environment's.
  delete env['ROSTER_LOG_FORMAT'];
  delete env['DATABASE_URL'];
  delete env['ROSTER_DATA'];
  // Its own process group (detached), so a server that never started is killed with script(1).
  const child = tty
    ? spawn('script', ['-qfec', [process.execPath, ...argv].join(' '), '/dev/null'], { env, detached: true })
    : spawn(process.execPath, argv, { env, detached: true });
  let out = '';
  const text = (): string =>
    out
      .replaceAll('\r\n', '\n')
      // eslint-disable-next-line no-control-regex -- ANSI colour sequences
      .replace(/\u001b\[[0-9;]*m/g, '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
      reject(new Error(`server did not start: ${text()}`));
    }, 20_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${text()}`));
    };
    child.on('exit', onExit);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const shown = text();
      const url = /Roster is serving .* at (http:\/\/[\d.:]+)/.exec(shown)?.[1];
      const key = /API key: (rk_\S+)/.exec(shown)?.[1];
      const adminKey = /admin key: (rk_\S+)/.exec(shown)?.[1];
      if (url === undefined || key === undefined || adminKey === undefined || !shown.includes('loader:')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        url,
        key,
        adminKey,
        printed: (wanted) =>
          new Promise((done, fail) => {
            const check = () => {
              if (!text().includes(wanted)) return;
              clearTimeout(late);
              child.stdout.off('data', check);
              done();
            };
            const late = setTimeout(() => fail(new Error(`never printed ${wanted}: ${text()}`)), 10_000);
            child.stdout.on('data', check);
            check();
          }),
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done(text()));
            // The server itself: script(1) then ends with it (told first, it waits seconds before ending it).
            const pid = child.pid ?? 0;
            const server = tty ? readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ') : [String(pid)];
            for (const id of server) process.kill(Number(id), 'SIGTERM');
          }),
      });
    });
  });
}

describe('roster serve --log-format', () => {
  /** A refused create against a running server; its request id. */
  async function refuse(served: Running): Promise<string> {
    const res = await fetch(`${served.url}/api/users`, {
      method: 'POST',
      headers: { ...JSON_IO, 'x-coupa-api-key': served.key },
      body: JSON.stringify({ login: 'ada', password: PASSWORD }),
    });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
    const id = res.headers.get('x-request-id') ?? '';
    await served.printed(id);
    return id;
  }

  /** The JSON lines a server printed (after and before its banner), with the refused request's. */
  function jsonLines(printed: string, id: string): Line[] {
    const lines = printed.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    const parsed = parse(lines);
    expect(parsed.find((l) => l['reqId'] === id)).toMatchObject({
      level: 40,
      msg: 'request completed',
      method: 'POST',
      url: '/api/users',
      status: 400,
      errorCode: 'validation_failed',
      errors: expect.arrayContaining(["Email can't be blank"]) as unknown,
    });
    return parsed;
  }

  it('writes JSON lines to a pipe, a request the client never got an answer to among them', async () => {
    const served = await serveBinary([], false);
    const id = await refuse(served);
    // A connection dropped by an injected fault: the request has a line all the same.
    const fault = await fetch(`${served.url}/_roster/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-roster-admin-key': served.adminKey },
      body: JSON.stringify({ path: '/api/users/*', drop: true }),
    });
    expect(fault.status).toBe(201);
    await expect(fetch(`${served.url}/api/users/1`, { headers: { 'x-coupa-api-key': served.key } })).rejects.toThrow();
    await served.printed('"msg":"request aborted"');
    const printed = await served.stop();
    const lines = jsonLines(printed, id);
    expect(lines.map((l) => l['msg'])).toContain(`Server listening at ${served.url}`);
    expect(lines.find((l) => l['msg'] === 'request aborted')).toMatchObject({
      level: 40,
      reqId: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
      method: 'GET',
      url: '/api/users/1',
    });
    // The key is in the banner, once; neither it nor the password in the log.
    expect(printed.split(served.key)).toHaveLength(2);
    expect(printed).not.toContain(PASSWORD);
  }, 60_000);

  it('prints one readable line a request at a terminal, and JSON lines there with --log-format json', async () => {
    const served = await serveBinary([], true);
    const id = await refuse(served);
    const printed = await served.stop();
    const messages = "Email can't be blank; Firstname can't be blank; Lastname can't be blank";
    expect(printed).toMatch(
      new RegExp(
        String.raw`\n\[\d\d:\d\d:\d\d\.\d{3}\] WARN: POST /api/users 400 \d+\.\d ms validation_failed: ${messages} \(req ${id}\)\n`,
      ),
    );
    expect(printed).toMatch(new RegExp(String.raw`\] INFO: Server listening at ${served.url.replaceAll('.', '\\.')}\n`));
    expect(printed).not.toMatch(/^\{/m);
    expect(printed).not.toContain(PASSWORD);

    const json = await serveBinary(['--log-format', 'json'], true);
    const jsonId = await refuse(json);
    jsonLines(await json.stop(), jsonId);
  }, 60_000);
});
