import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../src/store/api-key-repository.js';
import { runBinary, runInProcess, startServer, tempDir, type Served } from './helpers/cli.js';

/**
 * Runs `roster <args>` in this process (test/helpers/cli.ts): the commands are exercised from
 * the sources without starting Node each time. The built binary gets one run per command group
 * at the end ("the built binary ...").
 */
const roster = runInProcess;

/** A command that must succeed and print one JSON document. */
async function rosterJson<T>(...args: string[]): Promise<T> {
  const run = await roster(...args);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as T;
}

/** A command that must fail with exactly this message. */
async function rosterFails(message: string, ...args: string[]): Promise<void> {
  const run = await roster(...args);
  expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
    code: 1,
    stdout: '',
    stderr: `roster: ${message}\n`,
  });
}

interface CreatedClient {
  client_id: string;
  client_secret: string;
  name: string;
  scopes: string;
}

interface ListedClient {
  client_id: string;
  name: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

interface CreatedKey {
  id: number;
  key: string;
  name: string;
  api: 'core' | 'cso';
  scopes: string | null;
}

interface ListedKey {
  id: number;
  name: string;
  api: 'core' | 'cso';
  scopes: string | null;
  created_at: string;
  revoked_at: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The largest delay before another process sees a revoke (the server caches credentials for 2 s), with slack. */
const REVOKE_DEADLINE_MS = 3000;

/** Polls until `probe` answers 401; returns how long it took after the revoke finished. */
async function msUntil401(probe: () => Promise<number>, since: number): Promise<number> {
  for (;;) {
    const status = await probe();
    const waited = performance.now() - since;
    if (status === 401) return waited;
    expect(status).toBe(200);
    if (waited > REVOKE_DEADLINE_MS) throw new Error(`still ${status} ${Math.round(waited)} ms after the revoke`);
    await sleep(100);
  }
}

describe('roster clients and roster keys, against the data a running server uses', () => {
  let data: string;
  let served: Served;
  /** Every secret the commands printed: none may be stored as is. */
  const secrets: string[] = [];
  const dataArgs = () => ['--data', data];

  beforeAll(async () => {
    data = tempDir();
    served = await startServer(['--data', data]);
  });
  afterAll(async () => {
    await served.stop();
  });

  const token = async (clientId: string, secret: string) =>
    fetch(`${served.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });
  const users = (headers: Record<string, string>) =>
    fetch(`${served.url}/api/users`, { headers: { accept: 'application/json', ...headers } });
  const createUser = (headers: Record<string, string>, login: string) =>
    fetch(`${served.url}/api/users`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ login, email: `${login}@example.com`, firstname: 'Ada', lastname: 'Lovelace' }),
    });

  it('clients create prints a generated id and secret, or the ones given; refuses bad input; list hides secrets', async () => {
    const generated = await rosterJson<CreatedClient>(
      'clients',
      'create',
      '--name',
      'Payroll sync',
      '--scopes',
      // Exactly what Coupa's Okta provisioning set-up grants (0021-…), OpenID Connect scopes included.
      'core.user.read  core.user.write openid offline_access',
      ...dataArgs(),
    );
    expect(Object.keys(generated).sort()).toEqual(['client_id', 'client_secret', 'name', 'scopes']);
    expect(generated.client_id).toMatch(/^roster-[0-9a-f]{16}$/);
    expect(generated.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generated).toMatchObject({ name: 'Payroll sync', scopes: 'core.user.read core.user.write openid offline_access' });
    secrets.push(generated.client_secret);

    const chosen = await rosterJson<CreatedClient>(
      'clients',
      'create',
      '--name',
      'HR feed',
      '--scopes',
      'core.user.read',
      '--id',
      'acme-hr',
      '--secret',
      'a-chosen-secret-0123',
      ...dataArgs(),
    );
    expect(chosen).toEqual({
      client_id: 'acme-hr',
      client_secret: 'a-chosen-secret-0123',
      name: 'HR feed',
      scopes: 'core.user.read',
    });
    secrets.push(chosen.client_secret);

    // Refusals are independent of each other (in-process runs still take turns, see test/helpers/cli.ts).
    await Promise.all([
      rosterFails(
        'Unknown scope core.nope; see GET /oauth2/scopes',
        ...['clients', 'create', '--name', 'X', '--scopes', 'core.user.read core.nope', ...dataArgs()],
      ),
      rosterFails(
        'Client id acme-hr is taken',
        ...['clients', 'create', '--name', 'Again', '--scopes', 'core.user.read', '--id', 'acme-hr', ...dataArgs()],
      ),
      rosterFails(
        'A client secret needs at least 16 characters',
        ...['clients', 'create', '--name', 'Weak', '--scopes', 'core.user.read', '--secret', 'short', ...dataArgs()],
      ),
      rosterFails(
        'A client id may hold only letters, digits and . _ ~ - (at most 100)',
        ...['clients', 'create', '--name', 'Odd', '--scopes', 'core.user.read', '--id', 'has space', ...dataArgs()],
      ),
      (async () => {
        const run = await roster('clients', 'create', '--scopes', 'core.user.read', ...dataArgs());
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain("required option '--name <name>' not specified");
      })(),
    ]);

    const listed = await roster('clients', 'list', ...dataArgs());
    expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
    for (const secret of secrets) expect(listed.stdout).not.toContain(secret);
    const clients = JSON.parse(listed.stdout) as ListedClient[];
    expect(clients.map((c) => ({ ...c, created_at: 'x' }))).toEqual(
      expect.arrayContaining([
        {
          client_id: generated.client_id,
          name: 'Payroll sync',
          scopes: 'core.user.read core.user.write openid offline_access',
          created_at: 'x',
          revoked_at: null,
        },
        { client_id: 'acme-hr', name: 'HR feed', scopes: 'core.user.read', created_at: 'x', revoked_at: null },
      ]),
    );
    // The refused creations left nothing behind.
    expect(clients).toHaveLength(2);
    for (const c of clients) {
      expect(Object.keys(c).sort()).toEqual(['client_id', 'created_at', 'name', 'revoked_at', 'scopes']);
      expect(Number.isNaN(Date.parse(c.created_at))).toBe(false);
    }
  });

  it('a client created by the CLI gets tokens from the running server, and clients revoke cuts it off', async () => {
    const secret = 'integration-secret-0123456789';
    secrets.push(secret);
    await rosterJson(
      'clients',
      'create',
      '--name',
      'Live',
      '--scopes',
      'core.user.read',
      '--id',
      'live-1',
      '--secret',
      secret,
      ...dataArgs(),
    );

    const issued = await token('live-1', secret);
    expect(issued.status).toBe(200);
    const body = (await issued.json()) as { access_token: string; token_type: string; scope: string };
    expect(body).toMatchObject({ token_type: 'bearer', scope: 'core.user.read' });
    const bearer = { authorization: `Bearer ${body.access_token}` };

    const listed = await users(bearer);
    expect(listed.status).toBe(200);
    // The client's API user is there, as Coupa keeps one per integration credential.
    const logins = ((await listed.json()) as Array<{ login: string }>).map((u) => u.login);
    expect(logins).toContain('oauth.live-1');
    // Read-only: writing is forbidden.
    const write = await createUser(bearer, 'not_written');
    expect(write.status).toBe(403);
    expect(write.headers.get('x-roster-error-code')).toBe('forbidden');

    const revoked = await rosterJson<unknown>('clients', 'revoke', 'live-1', ...dataArgs());
    expect(revoked).toEqual({ client_id: 'live-1', revoked: true });
    const done = performance.now();
    // New tokens are refused at once: the token endpoint reads the database.
    const refused = await token('live-1', secret);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_client');
    // Tokens already issued die within the server's cache lifetime.
    const waited = await msUntil401(async () => {
      const res = await users(bearer);
      await res.arrayBuffer();
      return res.status;
    }, done);
    expect(waited).toBeLessThan(REVOKE_DEADLINE_MS);

    await rosterFails('Client live-1 not found, or already revoked', 'clients', 'revoke', 'live-1', ...dataArgs());
    const after = await rosterJson<ListedClient[]>('clients', 'list', ...dataArgs());
    const live = after.find((c) => c.client_id === 'live-1');
    expect(live?.revoked_at).not.toBeNull();
    expect(Number.isNaN(Date.parse(live?.revoked_at ?? ''))).toBe(false);
    expect(after.find((c) => c.client_id === 'acme-hr')?.revoked_at).toBeNull();
  });

  it('keys create makes a scoped key that works on the running server; list hides keys; revoke cuts it off', async () => {
    const [reader, full] = await Promise.all([
      rosterJson<CreatedKey>('keys', 'create', '--name', 'reader', '--scopes', 'core.user.read', ...dataArgs()),
      rosterJson<CreatedKey>('keys', 'create', ...dataArgs()),
      rosterFails('Unknown scope core.nope; see GET /oauth2/scopes', 'keys', 'create', '--scopes', 'core.nope', ...dataArgs()),
    ]);
    expect(reader).toEqual({
      id: expect.any(Number) as unknown,
      key: expect.stringMatching(/^rk_[A-Za-z0-9_-]{43}$/) as unknown,
      name: 'reader',
      api: 'core',
      scopes: 'core.user.read',
    });
    expect(full).toEqual({
      id: expect.any(Number) as unknown,
      key: expect.stringMatching(/^rk_/) as unknown,
      name: 'command line',
      api: 'core',
      scopes: null,
    });
    expect(reader.id).not.toBe(full.id);
    secrets.push(reader.key, full.key);

    const read = await users({ 'x-coupa-api-key': reader.key });
    expect(read.status).toBe(200);
    const write = await createUser({ 'x-coupa-api-key': reader.key }, 'by_reader');
    expect(write.status).toBe(403);
    expect(write.headers.get('x-roster-error-code')).toBe('forbidden');
    expect(await write.text()).toContain('This credential lacks the scope core.user.write');
    // A key without scopes may do everything.
    expect((await createUser({ 'x-coupa-api-key': full.key }, 'by_full')).status).toBe(201);

    const listed = await roster('keys', 'list', ...dataArgs());
    expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(listed.stdout).not.toContain(reader.key);
    expect(listed.stdout).not.toContain(full.key);
    expect(listed.stdout).not.toContain(hashApiKey(reader.key));
    const keys = JSON.parse(listed.stdout) as ListedKey[];
    // The keys the server generated at its first start (a core, a CSO and an admin one), and the two made here.
    expect(keys.map((k) => [k.id, k.name, k.api, k.scopes, k.revoked_at])).toEqual(
      expect.arrayContaining([
        [reader.id, 'reader', 'core', 'core.user.read', null],
        [full.id, 'command line', 'core', null, null],
      ]),
    );
    expect(keys.filter((k) => k.name === 'generated at first start').map((k) => k.api)).toEqual(['core', 'cso', 'admin']);
    expect(keys).toHaveLength(5);
    for (const k of keys) expect(Object.keys(k).sort()).toEqual(['api', 'created_at', 'id', 'name', 'revoked_at', 'scopes']);

    expect(await rosterJson('keys', 'revoke', String(reader.id), ...dataArgs())).toEqual({ id: reader.id, revoked: true });
    const done = performance.now();
    const waited = await msUntil401(async () => {
      const res = await users({ 'x-coupa-api-key': reader.key });
      await res.arrayBuffer();
      return res.status;
    }, done);
    expect(waited).toBeLessThan(REVOKE_DEADLINE_MS);
    // The other key is untouched.
    expect((await users({ 'x-coupa-api-key': full.key })).status).toBe(200);

    await Promise.all([
      rosterFails(`Key ${reader.id} not found, or already revoked`, 'keys', 'revoke', String(reader.id), ...dataArgs()),
      rosterFails('Key 999999 not found, or already revoked', 'keys', 'revoke', '999999', ...dataArgs()),
      rosterFails('Key abc not found, or already revoked', 'keys', 'revoke', 'abc', ...dataArgs()),
    ]);
    const after = await rosterJson<ListedKey[]>('keys', 'list', ...dataArgs());
    expect(after.find((k) => k.id === reader.id)?.revoked_at).not.toBeNull();
    expect(after.find((k) => k.id === full.id)?.revoked_at).toBeNull();
  });

  // One run of the built binary per command group: main.ts, the exit codes and the output a shell sees.
  it('the built binary: clients create exits 0 with its JSON, a failed clients command exits 1 with the message', async () => {
    const secret = 'binary-secret-0123456789';
    secrets.push(secret);
    const [created, refused] = await Promise.all([
      runBinary(
        ...['clients', 'create', '--name', 'Binary', '--scopes', 'core.user.read', '--id', 'bin-1', '--secret', secret],
        ...dataArgs(),
      ),
      runBinary('clients', 'revoke', 'no-such-client', ...dataArgs()),
    ]);
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(created.stdout)).toEqual({
      client_id: 'bin-1',
      client_secret: secret,
      name: 'Binary',
      scopes: 'core.user.read',
    });
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'roster: Client no-such-client not found, or already revoked\n' });
    // The running server knows the client at once.
    expect((await token('bin-1', secret)).status).toBe(200);
  });

  it('the built binary: keys create exits 0 with a key the running server accepts', async () => {
    const run = await runBinary('keys', 'create', '--name', 'binary', '--scopes', 'core.user.read', ...dataArgs());
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const created = JSON.parse(run.stdout) as CreatedKey;
    expect(created).toEqual({
      id: expect.any(Number) as unknown,
      key: expect.stringMatching(/^rk_[A-Za-z0-9_-]{43}$/) as unknown,
      name: 'binary',
      api: 'core',
      scopes: 'core.user.read',
    });
    secrets.push(created.key);
    expect((await users({ 'x-coupa-api-key': created.key })).status).toBe(200);
  });

  it('keys create --api cso makes a key for X-CSO-API-KEY alone: it opens the CSO API, never the core one; revoke cuts it off', async () => {
    const csoUsers = (headers: Record<string, string>) =>
      fetch(`${served.csoUrl ?? ''}/api/users`, { headers: { accept: 'application/json', ...headers } });
    const [cso] = await Promise.all([
      rosterJson<CreatedKey>('keys', 'create', '--api', 'cso', '--name', 'sourcing', ...dataArgs()),
      rosterFails(
        'A CSO key has no scopes: it opens the CSO API',
        'keys',
        'create',
        '--api',
        'cso',
        '--scopes',
        'core.user.read',
        ...dataArgs(),
      ),
    ]);
    expect(cso).toEqual({
      id: expect.any(Number) as unknown,
      key: expect.stringMatching(/^rk_[A-Za-z0-9_-]{43}$/) as unknown,
      name: 'sourcing',
      api: 'cso',
      scopes: null,
    });
    secrets.push(cso.key);
    expect(served.csoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await csoUsers({ 'x-cso-api-key': cso.key })).status).toBe(200);
    // Under /cso on the main port too; and never as a core key, in either header.
    expect((await fetch(`${served.url}/cso/api/users`, { headers: { 'x-cso-api-key': cso.key } })).status).toBe(200);
    expect((await users({ 'x-coupa-api-key': cso.key })).status).toBe(401);
    const listed = await rosterJson<ListedKey[]>('keys', 'list', ...dataArgs());
    expect(listed.find((k) => k.id === cso.id)?.api).toBe('cso');

    expect(await rosterJson('keys', 'revoke', String(cso.id), ...dataArgs())).toEqual({ id: cso.id, revoked: true });
    const waited = await msUntil401(async () => {
      const res = await csoUsers({ 'x-cso-api-key': cso.key });
      await res.arrayBuffer();
      return res.status;
    }, performance.now());
    expect(waited).toBeLessThan(REVOKE_DEADLINE_MS);
  });

  it("keys create takes a name longer than its API user's lastname holds (40 characters)", async () => {
    const longName = `Nightly export to the data warehouse, ${'é'.repeat(30)}`;
    const long = await rosterJson<CreatedKey>('keys', 'create', '--name', longName, ...dataArgs());
    expect(long.name).toBe(longName);
    secrets.push(long.key);
  });

  it('stores secrets and keys only hashed', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const db = new Database(path.join(data, 'roster.sqlite'), { readonly: true });
    let clients: Array<Record<string, unknown>>;
    let keys: Array<Record<string, unknown>>;
    try {
      clients = db.prepare('select * from oauth_clients').all() as Array<Record<string, unknown>>;
      keys = db.prepare('select * from api_keys').all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
    expect(clients.length).toBeGreaterThanOrEqual(3);
    const stored = JSON.stringify([clients, keys]);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    for (const c of clients) expect(String(c['secret_hash'])).toMatch(/^scrypt\$16384\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    // Keys are kept as their SHA-256 digest.
    const hashes = keys.map((k) => k['key_hash']);
    for (const secret of secrets.filter((s) => s.startsWith('rk_'))) expect(hashes).toContain(hashApiKey(secret));
    // Nor anywhere else on disk: the database file, its WAL, or anything beside them.
    for (const file of readdirSync(data)) {
      const bytes = readFileSync(path.join(data, file));
      for (const secret of secrets) expect(bytes.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });
});
