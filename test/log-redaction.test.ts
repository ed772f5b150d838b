import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SCOPES } from '../src/catalog/scopes.js';
import { credentialService } from '../src/cli/credentials.js';
import { makeConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { maskLogLine, maskText } from '../src/http/log-redaction.js';
import { redactUrl } from '../src/http/log-url.js';
import type { Store } from '../src/store/database.js';
import { DIALECTS, type TestDialect } from './helpers/dialects.js';
import { makePng, multipartFile } from './helpers/images.js';
import { makeTestApp, validUser, type TestApp } from './helpers/test-app.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Everything the app logs, at the most talkative level, as one string. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('secrets never reach the log', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('masks API keys, client secrets, Basic credentials and tokens in headers, bodies and URLs', async () => {
    const dialect = DIALECTS[0];
    if (!dialect) throw new Error('no dialect');
    const { store, drop }: { store: Store; drop: () => Promise<void> } = await dialect.open();
    const log = capture();
    const app = await buildApp({
      config: makeConfig({ rateLimit: null, logLevel: 'trace' }),
      store,
      logger: { stream: log.stream },
    });
    close = async () => {
      await app.close();
      await drop();
    };
    const credentials = credentialService(store);
    const { key } = await credentials.createKey({ name: 'logged key', scopes: null });
    const { client, secret } = await credentials.createClient({ name: 'logged client', scopes: ['core.user.read'] });
    const basic = Buffer.from(`${client.clientId}:${secret}`).toString('base64');

    const viaBody = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: FORM,
      payload: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${secret}`,
    });
    expect(viaBody.statusCode).toBe(200);
    const token = (JSON.parse(viaBody.body) as { access_token: string }).access_token;
    const viaBasic = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: `Basic ${basic}` },
      payload: 'grant_type=client_credentials',
    });
    expect(viaBasic.statusCode).toBe(200);
    // Secrets in the query string, as careless clients send them: refused, and still not logged.
    await app.inject({
      method: 'POST',
      url: `/oauth2/token?client_secret=${secret}&access_token=${token}`,
      headers: FORM,
      payload: '',
    });
    await app.inject({ method: 'GET', url: '/api/users', headers: { authorization: `Bearer ${token}` } });
    await app.inject({ method: 'GET', url: '/api/users', headers: { 'x-coupa-api-key': key } });
    await app.inject({ method: 'GET', url: `/api/users?x-coupa-api-key=${key}` });
    // Spellings a plain pattern misses: encoded names, other separators, case.
    await app.inject({ method: 'GET', url: `/api/users?%63lient_secret=${secret}&access%5Ftoken=${token}` });
    await app.inject({ method: 'GET', url: `/api/users?a=1;client_secret=${secret};X-Coupa-Api-Key=${key}` });
    await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'x-coupa-api-key': key, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...validUser(1), password: 'Sup3r-secret-pw' }),
    });
    await app.inject({ method: 'GET', url: '/api/users', headers: { authorization: 'Bearer not.a.token' } });
    // A CSO key (X-CSO-API-KEY), on the CSO routes under /cso: in its header, and carelessly in a URL.
    const { key: csoKey } = await credentialService(store).createKey({ name: 'cso', scopes: null, api: 'cso' });
    const csoAnswer = await app.inject({ method: 'GET', url: '/cso/api/users', headers: { 'x-cso-api-key': csoKey } });
    expect(csoAnswer.statusCode).toBe(200);
    await app.inject({ method: 'GET', url: `/cso/api/users?x-cso-api-key=${csoKey}` });
    await app.inject({ method: 'GET', url: `/cso/api/users;X_CSO_API_KEY=${csoKey}` });

    const text = log.text();
    // The log is real: every request was logged with its URL.
    expect(text).toContain('"url":"/oauth2/token"');
    expect(text).toContain('[Redacted]');
    for (const s of [key, secret, token, basic, 'Sup3r-secret-pw', 'not.a.token', csoKey]) expect(text).not.toContain(s);
  });
});

/** A value no request holds by chance: finding it in the log is a leak, never a coincidence. */
const marker = (label: string): string => `${label}-${randomBytes(6).toString('hex')}`;

/** The log lines holding any of the secrets (shortened), so a failure shows where each leaked. */
function leakingLines(text: string, secrets: readonly string[]): string[] {
  return text
    .split('\n')
    .filter((line) => secrets.some((s) => line.includes(s)))
    .map((line) => line.slice(0, 600));
}

/** An app logging at trace into a string, on a fresh database of the dialect. */
async function loggedApp(dialect: TestDialect): Promise<TestApp & { text: () => string }> {
  const log = capture();
  const t = await makeTestApp(dialect, { logLevel: 'trace' }, { logger: { stream: log.stream } });
  return { ...t, text: log.text };
}

const WORKER = {
  'first-name': 'Logged',
  'last-name': 'Worker',
  'date-of-birth': '2000-07-01',
  'gender-code': 'm',
  'total-experience-in-years': '10',
};
/** A one-page PDF's first bytes: enough for its type to be sniffed. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const JSON_IO = { 'content-type': 'application/json', accept: 'application/json' };

/**
 * Secret parameters as a client may put them in a URL, in the query or as `;` parameters of
 * the path, in every spelling redactUrl knows (encoded names, case, `-` for `_`).
 */
const URL_SPELLINGS: ReadonlyArray<(path: string, value: string) => string> = [
  (path, v) => `${path}?client_secret=${v}`,
  (path, v) => `${path}?x=1&%63lient_secret=${v}`,
  (path, v) => `${path}?Client-Secret=${v}`,
  (path, v) => `${path}?x-coupa-api-key=${v}`,
  (path, v) => `${path}?access%5Ftoken=${v}`,
  (path, v) => `${path}?refresh_token=${v};api_key=${v}&password=${v}`,
  (path, v) => `${path};client_secret=${v}`,
  (path, v) => `${path};%63lient_secret=${v}`,
  (path, v) => `${path};Client-Secret=${v}?x=1`,
  (path, v) => `${path};x=1;X-COUPA-API-KEY=${v}`,
  (path, v) => `${path};access%5Ftoken=${v}/more`,
  (path, v) => `${path};%2563lient_secret=${v}`,
];

for (const dialect of DIALECTS) {
  describe(`secrets never reach the log, on every route family, on ${dialect.name}`, () => {
    let close: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await close?.();
      close = undefined;
    });

    it('masks every credential form on users, avatars, worker documents, attachments, oauth2, reference data, health, unknown routes and 401s, at trace', async () => {
      const t = await loggedApp(dialect);
      close = () => t.close();
      const send = (opts: InjectOptions): Promise<LightMyRequestResponse> => t.app.inject(opts);
      const credentials = credentialService(t.store);
      const { key } = await credentials.createKey({ name: 'matrix key', scopes: null });
      const { client, secret } = await credentials.createClient({
        name: 'matrix client',
        scopes: SCOPES.map((s) => s.name),
      });
      const basic = Buffer.from(`${client.clientId}:${secret}`).toString('base64');
      const issued = await send({
        method: 'POST',
        url: '/oauth2/token',
        headers: FORM,
        payload: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${secret}`,
      });
      expect(issued.statusCode, issued.body).toBe(200);
      const token = (JSON.parse(issued.body) as { access_token: string }).access_token;
      const cookie = marker('cookie');
      const proxy = Buffer.from(marker('proxy')).toString('base64');
      const password = marker('password');
      const secrets: string[] = [key, secret, token, basic, cookie, proxy, password];

      // Every form a credential arrives in: the key's header in varied case, Bearer in varied
      // case, and the other secret headers beside them.
      const forms: ReadonlyArray<readonly [string, Record<string, string>]> = [
        ['X-COUPA-API-KEY', { 'X-COUPA-API-KEY': key }],
        ['x-coupa-api-key', { 'x-coupa-api-key': key }],
        ['X-Coupa-Api-Key', { 'X-Coupa-Api-Key': key }],
        ['Bearer', { authorization: `Bearer ${token}` }],
        ['bearer', { Authorization: `bearer ${token}` }],
        ['key, cookie, proxy', { 'x-coupa-api-key': key, cookie: `_roster=${cookie}`, 'proxy-authorization': `Basic ${proxy}` }],
      ];
      const png = multipartFile({ filename: 'a.png', contentType: 'image/png', data: makePng() });
      const pdf = multipartFile({ filename: 'a.pdf', contentType: 'application/pdf', data: PDF });
      const setup = { 'x-coupa-api-key': key, ...JSON_IO };
      const user = await send({ method: 'POST', url: '/api/users', headers: setup, payload: validUser('first') });
      expect(user.statusCode, user.body).toBe(201);
      const worker = await send({ method: 'POST', url: '/api/workers', headers: setup, payload: WORKER });
      expect(worker.statusCode, worker.body).toBe(201);
      const doc = { type: { name: 'Work Permit' } };
      const made = await send({ method: 'POST', url: '/api/workers/1/worker_documents', headers: setup, payload: doc });
      expect(made.statusCode, made.body).toBe(201);

      let n = 0;
      for (const [form, auth] of forms) {
        const routes: ReadonlyArray<InjectOptions & { url: string }> = [
          { method: 'GET', url: '/api/users' },
          { method: 'GET', url: '/api/users/1' },
          { method: 'POST', url: '/api/users', headers: JSON_IO, payload: { ...validUser(++n), password } },
          { method: 'PUT', url: '/api/users/1', headers: JSON_IO, payload: { firstname: 'Ada', password } },
          { method: 'POST', url: '/api/users/1/avatar', headers: png.headers, payload: png.payload },
          { method: 'PUT', url: '/api/users/1/avatar', headers: png.headers, payload: png.payload },
          { method: 'PUT', url: '/api/workers/1/avatar', headers: png.headers, payload: png.payload },
          { method: 'POST', url: '/api/workers/1/avatar', headers: png.headers, payload: png.payload },
          { method: 'GET', url: '/api/workers/1/worker_documents' },
          { method: 'POST', url: '/api/workers/1/worker_documents', headers: JSON_IO, payload: doc },
          { method: 'POST', url: '/api/workers/1/worker_documents/1/attachments', headers: pdf.headers, payload: pdf.payload },
          { method: 'GET', url: '/api/departments' },
          { method: 'GET', url: '/health' },
        ];
        for (const request of routes) {
          const res = await send({ ...request, headers: { ...request.headers, ...auth } });
          // The request reached its handler (an upload's parsing included), so it logged all it logs.
          expect(res.statusCode, `${form} ${request.method} ${request.url}: ${res.body}`).toBeLessThan(300);
        }
        const unknown = await send({ method: 'GET', url: '/api/no_such_resource', headers: auth });
        expect(unknown.statusCode).toBe(404);
      }

      // OAuth: the secret in a form body and in Basic (any case), and what should never be sent.
      const wrongSecret = marker('wrong-secret');
      const wrongBasic = Buffer.from(`${client.clientId}:${wrongSecret}`).toString('base64');
      const refresh = marker('refresh');
      secrets.push(wrongSecret, wrongBasic, refresh);
      const oauth: ReadonlyArray<readonly [InjectOptions, number]> = [
        [{ headers: { ...FORM, authorization: `Basic ${basic}` }, payload: 'grant_type=client_credentials' }, 200],
        [
          {
            headers: { ...FORM, Authorization: `basic ${basic}` },
            payload: 'grant_type=client_credentials&scope=core.user.read',
          },
          200,
        ],
        [
          { headers: FORM, payload: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${wrongSecret}` },
          401,
        ],
        [{ headers: { ...FORM, authorization: `Basic ${wrongBasic}` }, payload: 'grant_type=client_credentials' }, 401],
        [{ headers: FORM, payload: `grant_type=refresh_token&refresh_token=${refresh}&password=${password}` }, 401],
        [{ headers: JSON_IO, payload: JSON.stringify({ grant_type: 'client_credentials', client_secret: secret }) }, 400],
      ];
      for (const [request, status] of oauth) {
        const res = await send({ method: 'POST', url: '/oauth2/token', ...request });
        expect(res.statusCode, res.body).toBe(status);
      }

      // 401s: a wrong key, a forged token, Basic where none is taken; on a plain and an upload route.
      const badKey = marker('bad-key');
      const badToken = marker('bad.token');
      const badBasic = Buffer.from(`someone:${marker('basic')}`).toString('base64');
      secrets.push(badKey, badToken, badBasic);
      for (const auth of [
        { 'X-Coupa-Api-Key': badKey },
        { authorization: `Bearer ${badToken}` },
        { authorization: `Basic ${badBasic}` },
      ]) {
        const plain = await send({ method: 'GET', url: '/api/users', headers: auth });
        expect(plain.statusCode).toBe(401);
        const upload = await send({
          method: 'POST',
          url: '/api/users/1/avatar',
          headers: { ...png.headers, ...auth },
          payload: png.payload,
        });
        expect(upload.statusCode).toBe(401);
      }

      // Secrets in the URL, in the query and the path's `;` parameters, in every spelling, on every kind of route.
      const paths: ReadonlyArray<readonly ['GET' | 'POST', string]> = [
        ['GET', '/api/users'],
        ['GET', '/api/users/1'],
        ['GET', '/api/departments'],
        ['GET', '/api/workers/1/worker_documents'],
        ['GET', '/health'],
        ['GET', '/api/no_such_resource'],
        ['POST', '/oauth2/token'],
        ['POST', '/api/users/1/avatar'],
        ['POST', '/api/workers/1/worker_documents/1/attachments'],
      ];
      for (const [method, path] of paths) {
        const body =
          path === '/oauth2/token'
            ? { headers: FORM, payload: 'grant_type=client_credentials' }
            : method === 'POST'
              ? {
                  headers: path.endsWith('avatar') ? png.headers : pdf.headers,
                  payload: path.endsWith('avatar') ? png.payload : pdf.payload,
                }
              : {};
        for (const spell of URL_SPELLINGS) {
          const value = marker('in-url');
          secrets.push(value);
          await send({ method, url: spell(path, value), ...body, headers: { ...body.headers, 'x-coupa-api-key': key } });
        }
      }

      // Free text: a parser's error quotes the body it could not read.
      const quoted = marker('quoted');
      secrets.push(quoted);
      for (const payload of [`password=${quoted}`, `{"password":"${quoted}"`, `client_secret=${quoted}&x=1`]) {
        await send({ method: 'POST', url: '/api/users', headers: setup, payload });
      }

      const text = t.text();
      // The log is real: every family was logged, and masks were applied.
      for (const url of ['/api/users/1/avatar', '/api/workers/1/worker_documents/1/attachments', '/oauth2/token', '/health']) {
        expect(text).toContain(`"url":"${url}"`);
      }
      expect(leakingLines(text, secrets)).toEqual([]);
      expect(text).toContain('"url":"/api/users;client_secret=[Redacted]"');
    });
  });
}

describe('the log masks whatever anyone logs, at every level', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

  /** The app's own logger (as every plugin and route gets it), writing at trace into a string. */
  async function appLogger(): Promise<{ log: FastifyInstance['log']; text: () => string }> {
    const dialect = DIALECTS[0];
    if (!dialect) throw new Error('no dialect');
    const t = await loggedApp(dialect);
    close = () => t.close();
    return { log: t.app.log, text: t.text };
  }

  it("masks what @fastify/multipart 9 logs at trace: busboy's options with the request's headers", async () => {
    const { log, text } = await appLogger();
    const [key, token, cookie] = [marker('key'), marker('token'), marker('cookie')];
    // multipart 9.4's handleMultipart: this.log.trace({ busboyOptions }, 'Providing options to busboy'), where
    // busboyOptions = deepmergeAll({ headers: request.raw.headers }, pluginOptions, callOptions), on the
    // request's logger. This is the line it wrote for an avatar upload (the values are this test's).
    log.child({ reqId: 'req-9' }).trace(
      {
        busboyOptions: {
          headers: {
            'content-type': 'multipart/form-data; boundary=----RosterTestBoundary7MA4YWxkTrZu0gW',
            'x-coupa-api-key': key,
            authorization: `Bearer ${token}`,
            cookie: `_roster=${cookie}`,
            'user-agent': 'lightMyRequest',
            host: 'localhost:80',
            'content-length': '246',
          },
          throwFileSizeLimit: true,
          limits: { fields: 10, parts: 1000, fileSize: 2097152, files: 1 },
        },
      },
      'Providing options to busboy',
    );
    const line = text();
    expect(line).toContain('"msg":"Providing options to busboy"');
    expect(line).toContain('"x-coupa-api-key":"[Redacted]"');
    expect(line).toContain('"authorization":"[Redacted]"');
    expect(line).toContain('"cookie":"[Redacted]"');
    // Only the secrets go: the rest of what was logged stays readable.
    expect(line).toContain('"content-type":"multipart/form-data; boundary=----RosterTestBoundary7MA4YWxkTrZu0gW"');
    expect(line).toContain('"limits":{"fields":10,"parts":1000,"fileSize":2097152,"files":1}');
    expect(leakingLines(line, [key, token, cookie])).toEqual([]);
  });

  it('masks secret keys at any depth, in any spelling, whatever their value, at every level', async () => {
    const { log, text } = await appLogger();
    const secrets: string[] = [];
    const s = (label: string): string => {
      const value = marker(label);
      secrets.push(value);
      return value;
    };
    for (const level of LEVELS) {
      log[level](
        {
          headers: { 'X-COUPA-API-KEY': s('key'), Authorization: `Basic ${s('basic')}`, 'Proxy-Authorization': s('proxy') },
          deep: { a: [{ b: { options: { headers: { x_coupa_api_key: s('key'), 'set-cookie': [s('c1'), s('c2')] } } } }] },
          body: {
            client_secret: s('secret'),
            'Client-Secret': s('secret'),
            '%63lient_secret': s('secret'),
            password: Number(`9${String(Math.random()).slice(2, 12)}`),
            access_token: s('access'),
            refresh_token: { value: s('refresh') },
            api_key: s('api'),
            'user[password]': s('password'),
            // As JavaScript code names them.
            clientSecret: s('secret'),
            apiKey: s('api'),
            XCoupaApiKey: s('key'),
          },
          // Node's rawHeaders: names and values in one flat list.
          rawHeaders: ['Host', 'localhost', 'X-Coupa-Api-Key', s('raw-key'), 'Authorization', `Bearer ${s('raw-token')}`],
        },
        `logged at ${level}`,
      );
    }
    const logged = text();
    // The numeric password is masked like the strings.
    expect(logged).not.toMatch(/"password":\d/);
    for (const level of LEVELS) expect(logged).toContain(`"msg":"logged at ${level}"`);
    expect(logged).toContain('"Host","localhost"');
    expect(logged).toContain('"password":"[Redacted]"');
    expect(leakingLines(logged, secrets)).toEqual([]);
  });

  it("masks a child logger's bindings, and no child's options turn the masking off", async () => {
    const { log, text } = await appLogger();
    const [key, token, secret] = [marker('key'), marker('token'), marker('secret')];
    log.child({ headers: { 'x-coupa-api-key': key } }).info('bound headers');
    log
      .child(
        { reqId: 'r' },
        { redact: [], serializers: { req: (value: unknown) => value }, formatters: { log: (o: object) => o } },
      )
      .warn({ req: { headers: { authorization: `Bearer ${token}` } }, form: `client_secret=${secret}` }, 'child options');
    const logged = text();
    expect(logged).toContain('bound headers');
    expect(logged).toContain('child options');
    expect(logged).toContain('[Redacted]');
    expect(leakingLines(logged, [key, token, secret])).toEqual([]);
  });

  it('masks credentials quoted in free text: messages, errors and their stacks, raw packets, URLs', async () => {
    const { log, text } = await appLogger();
    const secrets = Array.from({ length: 10 }, (_, i) => marker(`free-${i}`));
    const [a, b, c, d, e, f, g, h, i, j] = secrets as [string, ...string[]];
    log.error(new Error(`GET /api/users;Client-Secret=${a} failed`), 'request failed');
    log.error({ err: new Error(`upstream said: authorization: Bearer ${b}`) }, 'upstream');
    log.info(`note: x-coupa-api-key=${c}, token bearer ${d}`);
    log.warn('Unexpected token, "%s" is not valid JSON', `{"password":"${e} with spaces"}`);
    log.debug(`posted grant_type=client_credentials&%63lient_secret=${f}&access%5Ftoken=${g}`);
    log.error(`Redis error (rate limits) at redis://:${h}@localhost:6379/0`);
    // A malformed request's raw bytes, as Node's HTTP parser attaches them to its error.
    const raw = `GET /api/users?client_secret=${i} HTTP/1.1\r\nHost: x\r\nX-Coupa-Api-Key: ${j}\r\n\r\n`;
    log.debug(
      { err: Object.assign(new Error('Parse Error: Invalid header value char'), { rawPacket: Buffer.from(raw) }) },
      'client error',
    );
    const logged = text();
    for (const msg of [
      'request failed',
      'upstream',
      'note: x-coupa-api-key=[Redacted]',
      'is not valid JSON',
      'posted grant_type',
      'Redis error',
      'client error',
    ]) {
      expect(logged).toContain(msg);
    }
    expect(logged).toContain('Host: x');
    expect(leakingLines(logged, secrets)).toEqual([]);
  });
});

describe('maskText', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['note: client_secret=S rest', 'note: client_secret=[Redacted] rest'],
    ['Authorization: Bearer abc.def', 'Authorization: [Redacted]'],
    ['GET /api/users;Client-Secret=S HTTP/1.1', 'GET /api/users;Client-Secret=[Redacted] HTTP/1.1'],
    ['{"password":"a b,c","login":"ada"}', '{"password":"[Redacted]","login":"ada"}'],
    ['user[password]=S&x=1', 'user[password]=[Redacted]&x=1'],
    ['{"clientSecret":"S","accessToken":"T"}', '{"clientSecret":"[Redacted]","accessToken":"[Redacted]"}'],
    ['%63lient_secret=S&access%5Ftoken=T', '%63lient_secret=[Redacted]&access%5Ftoken=[Redacted]'],
    ['sent with bearer abc', 'sent with bearer [Redacted]'],
    ['smtp://ada:pw@mail.example.com:587', 'smtp://ada:[Redacted]@mail.example.com:587'],
    ['login=client_secret', 'login=client_secret'],
    ['client+secret=S', 'client+secret=S'],
    ['token bucket empty', 'token bucket empty'],
    ['client_secret=[Redacted]', 'client_secret=[Redacted]'],
  ];
  for (const [text, masked] of cases) {
    it(`masks ${text} as ${masked}`, () => {
      expect(maskText(text)).toBe(masked);
    });
  }

  it('stays linear on long text with no separator', () => {
    const started = performance.now();
    expect(maskText(`token ${'a'.repeat(1_000_000)}`)).toHaveLength(1_000_006);
    expect(maskText(`token ${'ab+/'.repeat(250_000)}`)).toHaveLength(1_000_006);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('maskLogLine', () => {
  it('returns a line with nothing secret-looking unchanged, and masks the rest keeping its ending', () => {
    const plain = '{"level":30,"reqId":"req-1","req":{"method":"GET","url":"/api/users?offset=50"},"msg":"incoming request"}\n';
    expect(maskLogLine(plain)).toBe(plain);
    expect(maskLogLine('{"level":10,"headers":{"Authorization":"Bearer t"}}\n')).toBe(
      '{"level":10,"headers":{"Authorization":"[Redacted]"}}\n',
    );
    expect(maskLogLine('not json: api_key=K\n')).toBe('not json: api_key=[Redacted]\n');
  });
});

describe('redactUrl', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['/api/users?client_secret=S', '/api/users?client_secret=[Redacted]'],
    ['/api/users?%63lient_secret=S&x=1', '/api/users?%63lient_secret=[Redacted]&x=1'],
    ['/api/users?access%5Ftoken=S', '/api/users?access%5Ftoken=[Redacted]'],
    ['/api/users?%2563lient_secret=S', '/api/users?%2563lient_secret=[Redacted]'],
    ['/api/users?a=1;client_secret=S;b=2', '/api/users?a=1;client_secret=[Redacted];b=2'],
    ['/api/users?CLIENT-SECRET=S', '/api/users?CLIENT-SECRET=[Redacted]'],
    [
      '/api/users?x-coupa-api-key=S&api_key=T&password=U',
      '/api/users?x-coupa-api-key=[Redacted]&api_key=[Redacted]&password=[Redacted]',
    ],
    ['/api/users?client+secret=S', '/api/users?client+secret=S'],
    ['/api/users?login=client_secret', '/api/users?login=client_secret'],
    ['/api/users?client_secret', '/api/users?client_secret'],
    ['/api/users?%zzclient_secret=S', '/api/users?%zzclient_secret=S'],
    ['/api/users', '/api/users'],
    // The path's `;` parameters, which come before any `?`.
    ['/api/users;client_secret=S', '/api/users;client_secret=[Redacted]'],
    ['/api/users;%63lient_secret=S;b=2?x=1', '/api/users;%63lient_secret=[Redacted];b=2?x=1'],
    ['/api/users;Client-Secret=S/more?client_secret=T', '/api/users;Client-Secret=[Redacted]?client_secret=[Redacted]'],
    ['/api/users;x=1;access%5Ftoken=S', '/api/users;x=1;access%5Ftoken=[Redacted]'],
    ['/api/users;X-COUPA-API-KEY=S', '/api/users;X-COUPA-API-KEY=[Redacted]'],
    ['/api/users;login=client_secret', '/api/users;login=client_secret'],
    ['/api/users;client+secret=S', '/api/users;client+secret=S'],
  ];
  for (const [url, logged] of cases) {
    it(`logs ${url} as ${logged}`, () => {
      expect(redactUrl(url)).toBe(logged);
    });
  }
});
