import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runBinary, runInProcess, startServer, tempDir, type Served } from './helpers/cli.js';

describe('roster serve', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.stop();
    served = undefined;
  });

  it('prints its version, from package.json, as the built binary and from the sources', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const run of [await runBinary('--version'), await runInProcess('--version'), await runBinary('-V')]) {
      expect([run.code, run.stdout]).toEqual([0, `${version}\n`]);
    }
  });

  it('keeps the bundle’s compiled code on disk, and starts as well from a cache it cannot use', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const dir = tempDir();
    // Not the launcher's: left as it is.
    writeFileSync(path.join(dir, 'keep-me.txt'), 'mine');
    const run = (cache = dir) => {
      const done = spawnSync(process.execPath, [CLI, '--version'], {
        env: { ...process.env, NODE_COMPILE_CACHE: cache },
        encoding: 'utf8',
      });
      return [done.status, done.stdout];
    };
    expect(run()).toEqual([0, `${version}\n`]);
    expect(readFileSync(path.join(dir, 'keep-me.txt'), 'utf8')).toBe('mine');
    const kept = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (name) => name !== 'keep-me.txt' && statSync(path.join(dir, name)).isFile(),
    );
    expect(kept.length).toBeGreaterThan(0);
    for (const name of kept) writeFileSync(path.join(dir, name), 'not V8 code');
    expect(run()).toEqual([0, `${version}\n`]);
    // Node 20 (no compile cache of Node's): the launcher's own cache, made anew once rejected.
    if (!('enableCompileCache' in module)) {
      expect(kept.map((name) => readFileSync(path.join(dir, name), 'utf8') === 'not V8 code')).not.toContain(true);
      // A directory another user could write is not used: code read from it would run as this user.
      const open = tempDir();
      chmodSync(open, 0o777);
      expect(run(open)).toEqual([0, `${version}\n`]);
      expect(readdirSync(open)).toEqual([]);
    }
    // The bundle is as strict as the modules it was made of: its first statement says so.
    const bundle = readFileSync(path.join(path.dirname(CLI), 'roster-main.cjs'), 'utf8');
    expect(
      bundle
        .replace(/^#!.*\n/, '')
        .trimStart()
        .startsWith("'use strict';"),
    ).toBe(true);
  });

  // Help and refusals end before anything listens: they run in-process (test/helpers/cli.ts).
  it('prints help for the program and for serve', async () => {
    const help = await runInProcess('--help');
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    expect(help.stdout).toContain('serve');
    const serveHelp = await runInProcess('serve', '--help');
    expect({ code: serveHelp.code, stderr: serveHelp.stderr }).toEqual({ code: 0, stderr: '' });
    for (const flag of ['--host', '--port', '--data', '--database-url', '--api-key', '--seed'])
      expect(serveHelp.stdout).toContain(flag);
    for (const env of ['HOST', 'PORT', 'ROSTER_DATA', 'DATABASE_URL', 'ROSTER_API_KEY'])
      expect(serveHelp.stdout).toMatch(new RegExp(`\\b${env}\\b`));
  });

  // Serving needs a process of its own: it listens until a signal stops it.
  it('generates an API key on first start, prints it once and stores only its hash', async () => {
    const data = tempDir();
    served = await startServer(['--data', data]);
    const key = /API key: (rk_\S+)/.exec(served.banner)?.[1];
    expect(key).toBeDefined();
    const health = await fetch(`${served.url}/health`);
    expect(health.status).toBe(200);
    const ok = await fetch(`${served.url}/api/users`, { headers: { 'X-COUPA-API-KEY': key ?? '', accept: 'application/json' } });
    expect(ok.status).toBe(200);
    // The key's API user, as Coupa keeps one per integration credential.
    const users = (await ok.json()) as Array<Record<string, unknown>>;
    expect(users.map((u) => [u['login'], u['api-user']])).toEqual([[expect.stringMatching(/^api\.key\.[0-9a-f]{8}$/), true]]);

    // And a CSO key (X-CSO-API-KEY), on the CSO listener the banner names, which a core key does not open.
    const csoKey = /CSO key: (rk_\S+)/.exec(served.banner)?.[1];
    expect(served.csoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const cso = await fetch(`${served.csoUrl ?? ''}/api/users`, { headers: { 'X-CSO-API-KEY': csoKey ?? '' } });
    expect([cso.status, await cso.json()]).toEqual([200, { total: 0, users: [] }]);
    expect((await fetch(`${served.csoUrl ?? ''}/api/users`, { headers: { 'X-CSO-API-KEY': key ?? '' } })).status).toBe(401);
    // And an admin key (X-Roster-Admin-Key) for the controls, which neither API key opens.
    const adminKey = /admin key: (rk_\S+)/.exec(served.banner)?.[1];
    const base = served.url;
    const controls = (k: string | undefined) => fetch(`${base}/_roster/requests`, { headers: { 'X-Roster-Admin-Key': k ?? '' } });
    expect((await controls(adminKey)).status).toBe(200);
    expect((await controls(key)).status).toBe(401);
    expect((await fetch(`${served.url}/api/users`, { headers: { 'X-COUPA-API-KEY': adminKey ?? '' } })).status).toBe(401);
    await served.stop();

    const db = new Database(path.join(data, 'roster.sqlite'), { readonly: true });
    const rows = db.prepare('select key_hash, api from api_keys order by id').all() as Array<{ key_hash: string; api: string }>;
    db.close();
    expect(rows.map((r) => r.api)).toEqual(['core', 'cso', 'admin']);
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(JSON.stringify(rows)).not.toContain(csoKey);
    expect(JSON.stringify(rows)).not.toContain(adminKey);

    // A second start keeps the key and prints none.
    served = await startServer(['--data', data]);
    expect(served.banner).not.toMatch(/rk_/);
    const again = await fetch(`${served.url}/api/users`, { headers: { 'X-COUPA-API-KEY': key ?? '' } });
    expect(again.status).toBe(200); // XML: the key's API user
  });

  it('accepts keys from --api-key and ROSTER_API_KEY and loads a --seed fixture', async () => {
    const data = tempDir();
    const fixture = path.join(data, 'fixture.yaml');
    writeFileSync(
      fixture,
      'departments:\n  - name: Treasury\n    active: true\nroles:\n  - name: Auditor\n    description: Reads everything\n',
    );
    served = await startServer(['--data', data, '--api-key', 'flag-key-1', '--api-key', 'flag-key-2', '--seed', fixture]);
    expect(served.banner).toContain('API key: the keys given with --api-key');
    const create = await fetch(`${served.url}/api/users`, {
      method: 'POST',
      headers: { 'X-COUPA-API-KEY': 'flag-key-1', 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        login: 'jdoe',
        email: 'jdoe@example.com',
        firstname: 'J',
        lastname: 'Doe',
        department: { name: 'Treasury' },
        roles: [{ name: 'Auditor' }],
      }),
    });
    expect(create.status).toBe(201);
    const body = (await create.json()) as { department: { name: string }; roles: Array<{ name: string }> };
    expect(body.department.name).toBe('Treasury');
    expect(body.roles.map((r) => r.name)).toEqual(['Auditor']);
    const second = await fetch(`${served.url}/api/users?login=jdoe`, { headers: { 'X-COUPA-API-KEY': 'flag-key-2' } });
    expect(second.status).toBe(200);
    await served.stop();

    // The environment twins: keys are kept (hashed), so the flag keys still work beside it; the
    // reporting currency is what a user created without a default currency gets.
    served = await startServer(['--data', data], { ROSTER_API_KEY: 'env-key-1', ROSTER_REPORTING_CURRENCY: 'eur' });
    for (const key of ['env-key-1', 'flag-key-1']) {
      const res = await fetch(`${served.url}/api/users?login=jdoe`, { headers: { 'X-COUPA-API-KEY': key } });
      expect(res.status).toBe(200);
    }
    const euro = await fetch(`${served.url}/api/users`, {
      method: 'POST',
      headers: { 'X-COUPA-API-KEY': 'env-key-1', 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ login: 'eu.user', email: 'eu@example.com', firstname: 'E', lastname: 'U' }),
    });
    expect(((await euro.json()) as { 'default-currency': { code: string } })['default-currency'].code).toBe('EUR');
  });

  it('a CSO port in use stops the start with the flag to change, and the first-start keys wait for a start that serves', async () => {
    const data = tempDir();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startServer(['--data', data, '--cso-port', String(port)])).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is in use: pass --cso-port with another port, 0 for any free one, or off`,
      );
    } finally {
      holder.close();
    }
    // Nothing was made that nobody saw: the next start makes and prints both keys.
    served = await startServer(['--data', data]);
    expect(served.banner).toMatch(/API key: rk_\S+ {3}\(printed once/);
    expect(served.banner).toMatch(/CSO key: rk_\S+ {3}\(X-CSO-API-KEY; printed once\)/);
  });

  it('refuses a reporting currency it does not know, and exits non-zero', async () => {
    const run = await runInProcess('serve', '--data', tempDir(), '--port', '0', '--reporting-currency', 'XYZ');
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^roster: The reporting currency 'XYZ' names no currency Roster knows \(by code\)/);
  });

  it('refuses a fixture naming an unknown table, and exits non-zero', async () => {
    const data = tempDir();
    const fixture = path.join(data, 'bad.json');
    writeFileSync(fixture, JSON.stringify({ spaceships: [{ name: 'x' }] }));
    const run = await runInProcess('serve', '--data', data, '--port', '0', '--seed', fixture);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^roster: .*unknown reference table 'spaceships'/);
  });
});

// `roster seed` runs in-process in test/seed-command.test.ts; this is the built binary's turn.
describe('roster seed, the built binary', () => {
  it('seeds a new SQLite data directory, prints a summary and exits 0', async () => {
    const data = tempDir();
    const run = await runBinary('seed', '--users', '25', '--random-seed', '5', '--data', data);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^Seeded 25 users \(ids 1\.\.25\) and [\d,]+ memberships into .*roster\.sqlite in \d+\.\d s \([\d,]+ users\/s\)\n$/,
    );
    const db = new Database(path.join(data, 'roster.sqlite'), { readonly: true });
    try {
      expect(db.prepare('select count(distinct login) as n from users').get()).toEqual({ n: 25 });
    } finally {
      db.close();
    }
  });
});
