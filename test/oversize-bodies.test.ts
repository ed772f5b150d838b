import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAIN_TIMEOUT_MS } from '../src/http/drain.js';
import { createUser, dbSnapshot } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeTestApp, TEST_KEY, validUser, type TestApp } from './helpers/test-app.js';

/** What a raw HTTP/1.1 client saw: the status line, the body, and any socket error (EPIPE, ECONNRESET). */
interface Seen {
  readonly status: string;
  readonly body: string;
  readonly error: string | undefined;
}

/**
 * Sends a request over a real socket, writing the whole body as fast as the socket takes it,
 * as a client streaming an upload does; resolves when the server closes the connection.
 */
function exchange(port: number, head: readonly string[], body: Buffer): Promise<Seen> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e) => (error = e.message));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [status = '', ...rest] = text.split('\r\n');
      resolve({ status, body: rest.join('\r\n').split('\r\n\r\n').slice(1).join(''), error });
    });
    socket.write(`${[...head, 'Host: roster.test', 'Connection: close'].join('\r\n')}\r\n\r\n`);
    let at = 0;
    const pump = (): void => {
      while (at < body.length) {
        const more = socket.write(body.subarray(at, at + 65536));
        at += 65536;
        if (!more) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

const BIG = Buffer.alloc(8 * 1024 * 1024, 'a');
const JSON_BODY = Buffer.concat([Buffer.from('{"login":"'), BIG, Buffer.from('"}')]);
const BOUNDARY = '----Oversize';
const MULTIPART = Buffer.concat([
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
  ),
  BIG,
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);
const chunked = (body: Buffer): Buffer =>
  Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);

for (const dialect of DIALECTS) {
  describe(`bodies over the limit get their answer, not a reset, on ${dialect.name}`, () => {
    let t: TestApp;
    let port: number;
    beforeAll(async () => {
      t = await makeTestApp(dialect);
      await createUser(t, validUser(1));
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });
    afterAll(() => t.close());

    const CASES: ReadonlyArray<[string, readonly string[], Buffer, string]> = [
      [
        'a JSON body over the body limit, by Content-Length',
        [
          'POST /api/users HTTP/1.1',
          'Content-Type: application/json',
          `X-COUPA-API-KEY: ${TEST_KEY}`,
          `Content-Length: ${JSON_BODY.length}`,
        ],
        JSON_BODY,
        'HTTP/1.1 413 Payload Too Large',
      ],
      [
        'a chunked JSON body over the body limit',
        [
          'PUT /api/users/1 HTTP/1.1',
          'Content-Type: application/json',
          `X-COUPA-API-KEY: ${TEST_KEY}`,
          'Transfer-Encoding: chunked',
        ],
        chunked(JSON_BODY),
        'HTTP/1.1 413 Payload Too Large',
      ],
      [
        'a large body without credentials',
        ['POST /api/users HTTP/1.1', 'Content-Type: application/json', `Content-Length: ${JSON_BODY.length}`],
        JSON_BODY,
        'HTTP/1.1 401 Unauthorized',
      ],
      [
        'an avatar over the avatar limit',
        [
          'PUT /api/users/1/avatar HTTP/1.1',
          `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
          `X-COUPA-API-KEY: ${TEST_KEY}`,
          `Content-Length: ${MULTIPART.length}`,
        ],
        MULTIPART,
        'HTTP/1.1 413 Payload Too Large',
      ],
      [
        'a token request over the body limit',
        ['POST /oauth2/token HTTP/1.1', 'Content-Type: application/x-www-form-urlencoded', `Content-Length: ${JSON_BODY.length}`],
        JSON_BODY,
        'HTTP/1.1 400 Bad Request',
      ],
    ];

    it('an upload refused while the parser still holds its unread body is answered without waiting out the drain', async () => {
      const file = Buffer.concat([
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="picture"; filename="a.png"\r\n\r\n`),
        Buffer.alloc(1024 * 1024, 'b'),
        Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      ]);
      const head = [
        'PUT /api/users/1/avatar HTTP/1.1',
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
        `X-COUPA-API-KEY: ${TEST_KEY}`,
        `Content-Length: ${file.length}`,
      ];
      const started = Date.now();
      const seen = await exchange(port, head, file);
      expect(seen).toEqual({
        status: 'HTTP/1.1 400 Bad Request',
        body: expect.stringMatching(/field named file/) as unknown,
        error: undefined,
      });
      // The body was read to its end, not abandoned until the drain's time limit.
      expect(Date.now() - started).toBeLessThan(DRAIN_TIMEOUT_MS);
    });

    for (const [name, head, body, status] of CASES) {
      it(`${name}: the client reads ${status} and its error body`, async () => {
        const before = await dbSnapshot(t.store);
        const seen = await exchange(port, head, body);
        expect(seen).toEqual({ status, body: expect.stringMatching(/error/) as unknown, error: undefined });
        expect(await dbSnapshot(t.store)).toEqual(before);
      });
    }
  });
}
