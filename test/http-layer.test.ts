import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { parseRequestTimeout } from '../src/cli/serve.js';
import { sniffHeaders } from '../src/http/client-errors.js';
import { createUser } from './helpers/api.js';
import { runInProcess, tempDir } from './helpers/cli.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeTestApp, TEST_KEY, validUser, type TestApp } from './helpers/test-app.js';

/**
 * Errors raised by Node's HTTP layer (before Fastify sees a request) and slow clients, over real
 * sockets: every answer is in Coupa's shape with its code, and no slow client keeps a connection.
 */

/** The request timeout of the app under test, in ms: short, so the slow-client tests take seconds. */
const REQUEST_TIMEOUT_MS = 2000;
/** Node checks timeouts once a second, so a timed-out request is answered within this, in ms. */
const TIMEOUT_ANSWERED_MS = REQUEST_TIMEOUT_MS + 1500;

/** What a raw client saw: the first response, and whether the server closed the connection. */
interface Seen {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Bytes of the body, to check Content-Length against. */
  readonly bodyBytes: number;
  /** The server closed the connection before `waitMs`. */
  readonly closed: boolean;
  /** From the first write to the close (or to `waitMs`), in ms. */
  readonly ms: number;
}

/**
 * Writes `parts` over a fresh socket, the first at once and each next one `everyMs` later (a slow
 * client), until the server closes the connection or `waitMs` passes; never waits longer.
 */
function talk(port: number, parts: ReadonlyArray<string | Buffer>, everyMs: number, waitMs: number): Promise<Seen> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const started = Date.now();
    let next = 0;
    let closed = false;
    socket.on('data', (c: Buffer) => chunks.push(c));
    // A reset after the answer is the server closing too; what was read is what counts.
    socket.on('error', () => undefined);
    const send = (): void => {
      const part = parts[next++];
      if (part === undefined || socket.destroyed) return;
      socket.write(part);
      if (next < parts.length) pacer = setTimeout(send, everyMs);
    };
    let pacer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(pacer);
      clearTimeout(limit);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      const head = (split < 0 ? raw : raw.subarray(0, split)).toString('latin1').split('\r\n');
      const bodyBuf = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0),
        headers,
        body: bodyBuf.toString('utf8'),
        bodyBytes: bodyBuf.length,
        closed,
        ms: Date.now() - started,
      });
    };
    const limit = setTimeout(done, waitMs);
    socket.on('close', () => {
      closed = true;
      done();
    });
    socket.on('connect', send);
  });
}

const XML_ERRORS = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<errors>\n( {2}<error>[^<]+<\/error>\n)+<\/errors>\n$/;

/** The answer is a whole Coupa error (XML, or JSON under `jsonKey`), with its code, and the connection is closed. */
function expectCoupaError(expect: ExpectStatic, seen: Seen, status: number, code: string, jsonKey?: string): void {
  const json = jsonKey !== undefined;
  expect(seen.status, JSON.stringify(seen)).toBe(status);
  expect(seen.headers['x-roster-error-code']).toBe(code);
  expect(seen.headers['content-type']).toBe(json ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8');
  expect(Number(seen.headers['content-length'])).toBe(seen.bodyBytes);
  if (json) {
    expect(JSON.parse(seen.body)).toEqual({ errors: { [jsonKey]: [expect.any(String)] } });
  } else {
    expect(seen.body).toMatch(XML_ERRORS);
  }
  expect(seen.headers['connection']).toBe('close');
  expect(seen.closed).toBe(true);
}

const LONG_URL = `/api/users?login=${'a'.repeat(20_000)}`;
const BOUNDARY = '----Slow';

for (const dialect of DIALECTS) {
  // Concurrent, each test on its own socket: the slow-client tests wait seconds each.
  describe.concurrent(`errors of the HTTP layer and slow clients, on ${dialect.name}`, () => {
    let t: TestApp;
    let port: number;
    let userId: number;
    beforeAll(async () => {
      t = await makeTestApp(dialect, { requestTimeout: REQUEST_TIMEOUT_MS });
      userId = (await createUser(t, validUser(1))).id;
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });
    afterAll(() => t.close());

    it('a URL over 16 KB is a 431 in Coupa XML with its code', async ({ expect }) => {
      const seen = await talk(port, [`GET ${LONG_URL} HTTP/1.1\r\nHost: roster.test\r\n\r\n`], 0, 2000);
      expectCoupaError(expect, seen, 431, 'headers_too_large');
    });

    it('a URL over 16 KB is a 431 in Coupa JSON when Accept asks for JSON', async ({ expect }) => {
      const head = `GET ${LONG_URL} HTTP/1.1\r\nHost: roster.test\r\nAccept: application/json\r\n\r\n`;
      const seen = await talk(port, [head], 0, 2000);
      expectCoupaError(expect, seen, 431, 'headers_too_large', 'base');
    });

    it('a header block over 16 KB is a 431 in Coupa XML, even when Accept prefers XML', async ({ expect }) => {
      const head = `GET /api/users HTTP/1.1\r\nAccept: application/json;q=0.1, application/xml\r\nX-Filler: ${'b'.repeat(20_000)}\r\n\r\n`;
      const seen = await talk(port, [head], 0, 2000);
      expectCoupaError(expect, seen, 431, 'headers_too_large');
    });

    it('a request line that is not HTTP is a 400 in Coupa shape', async ({ expect }) => {
      const seen = await talk(port, ['HELLO THERE\r\nAccept: application/json\r\n\r\n'], 0, 2000);
      expectCoupaError(expect, seen, 400, 'malformed_request', 'base');
    });

    it('headers that trickle in are cut off with a 408 in Coupa shape', async ({ expect }) => {
      const parts = ['GET /api/users HTTP/1.1\r\n', ...'X-Slow: 1234567890abcdefghij\r\n'.split('')];
      const seen = await talk(port, parts, 150, TIMEOUT_ANSWERED_MS + 1000);
      expectCoupaError(expect, seen, 408, 'request_timeout');
      expect(seen.ms).toBeLessThan(TIMEOUT_ANSWERED_MS);
    });

    it('a body without credentials that trickles in past the request timeout: 408 in Coupa shape, connection closed', async ({
      expect,
    }) => {
      // A byte every 150 ms: never stalled long enough for the drain to give up on it.
      const head =
        'POST /api/users HTTP/1.1\r\nHost: roster.test\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n';
      const seen = await talk(port, [head, ...'<user><login>slow'.split('')], 150, TIMEOUT_ANSWERED_MS + 1000);
      expectCoupaError(expect, seen, 408, 'request_timeout');
      expect(seen.ms).toBeLessThan(TIMEOUT_ANSWERED_MS);
    });

    it('an authenticated avatar upload that trickles in past the request timeout: 408 in Coupa JSON as asked, connection closed', async ({
      expect,
    }) => {
      const preamble = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`;
      const head = [
        `PUT /api/users/${userId}/avatar HTTP/1.1`,
        'Host: roster.test',
        `X-COUPA-API-KEY: ${TEST_KEY}`,
        'Accept: application/json',
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length: 100000',
      ].join('\r\n');
      const trickle = Array.from({ length: 40 }, () => Buffer.from([0x89]));
      const seen = await talk(port, [`${head}\r\n\r\n${preamble}`, ...trickle], 150, TIMEOUT_ANSWERED_MS + 1000);
      // The request reached the route: its own Accept decides.
      expectCoupaError(expect, seen, 408, 'request_timeout', 'base');
      expect(seen.ms).toBeLessThan(TIMEOUT_ANSWERED_MS);
    });

    it('a 401 answered while a large body is still pending: the answer, then the connection closed', async ({ expect }) => {
      const head = `POST /api/users HTTP/1.1\r\nHost: roster.test\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`;
      // 64 KB of the 10 MB, then nothing: the drain stops at the stall instead of waiting 10 s.
      const seen = await talk(port, [head, Buffer.alloc(64 * 1024, 'a')], 0, REQUEST_TIMEOUT_MS - 300);
      // No Accept: the body's type (JSON) decides, as for every other error.
      expectCoupaError(expect, seen, 401, 'unauthorized', 'user');
    });
  });
}

describe('reading Accept from the raw bytes of a refused request', () => {
  it('takes the first Accept and Content-Type of whole header lines, bounded', () => {
    const packet = Buffer.from(
      `GET /x?accept:application/json HTTP/1.1\r\nACCEPT :  application/json \r\nAccept: application/xml\r\ncontent-type: text/xml\r\n\r\nAccept: body`,
    );
    expect(sniffHeaders(packet)).toEqual({ accept: 'application/json', 'content-type': 'text/xml' });
    expect(sniffHeaders(Buffer.from(`GET / HTTP/1.1\r\nAccept: ${'j'.repeat(5000)}\r\n\r\n`)).accept).toHaveLength(1024);
  });

  it('ignores a line cut short, and anything that is not bytes', () => {
    expect(sniffHeaders(Buffer.from('GET / HTTP/1.1\r\nAccept: application/json\r\nAccept: appl'))).toEqual({
      accept: 'application/json',
    });
    expect(sniffHeaders(Buffer.from('GET / HTTP/1.1\r\nAccept: application/js'))).toEqual({});
    expect(sniffHeaders(undefined)).toEqual({});
    expect(sniffHeaders({ type: 'Buffer', data: [65] })).toEqual({});
  });
});

describe('roster serve --request-timeout', () => {
  it('takes seconds from 1 to a day, as milliseconds, and refuses anything else', () => {
    expect(parseRequestTimeout('60')).toBe(60_000);
    expect(parseRequestTimeout(' 1.5 ')).toBe(1500);
    for (const bad of ['', '0', '0.5', '-1', 'abc', '86401', 'Infinity', 'NaN']) {
      expect(() => parseRequestTimeout(bad), bad).toThrow(/--request-timeout must be a number of seconds from 1 to 86400/);
    }
  });

  it('is listed with its environment twin, and a bad value stops the start', async () => {
    const help = await runInProcess('serve', '--help');
    expect(help.stdout).toMatch(/--request-timeout <seconds>[\s\S]*ROSTER_REQUEST_TIMEOUT/);
    const run = await runInProcess('serve', '--data', tempDir(), '--port', '0', '--request-timeout', '0');
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^roster: --request-timeout must be a number of seconds from 1 to 86400, got '0'/);
  });
});
