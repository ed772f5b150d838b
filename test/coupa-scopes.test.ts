import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialService } from '../src/cli/credentials.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { runInProcess, tempDir } from './helpers/cli.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';
import { rmSync } from 'node:fs';

/**
 * Every scope Coupa publishes (issue 18, kind 1), driven as IBM's tool_guard Coupa client
 * drives it: it asks `/oauth2/token` for Coupa's whole standard set (148 scopes, vendored in
 * test/fixtures/coupa/coupa-standard-scopes.txt) with `Accept: application/json` and a form body,
 * then calls the API with the bearer token.
 */
const STANDARD = readFileSync(new URL('./fixtures/coupa/coupa-standard-scopes.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '');
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

describe("Coupa's standard scope set", () => {
  it('holds 148 scopes', () => {
    expect(STANDARD).toHaveLength(148);
    expect(new Set(STANDARD).size).toBe(148);
  });

  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('roster clients create grants all of them; a scope Coupa does not define is still refused', async () => {
    const dir = tempDir();
    dirs.push(dir);
    // `roster clients` administers a server's data: make the database `serve` would.
    await (await openPreparedStore({ kind: 'sqlite', filename: path.join(dir, 'roster.sqlite') })).close();
    const created = await runInProcess('clients', 'create', '--name', 'IBM tools', '--scopes', STANDARD.join(' '), '--data', dir);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect((JSON.parse(created.stdout) as { scopes: string }).scopes.split(' ')).toEqual(STANDARD);
    const refused = await runInProcess(
      'clients',
      'create',
      '--name',
      'X',
      '--scopes',
      'core.budget.read core.bogus.read',
      '--data',
      dir,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('core.bogus.read');
  });
});

for (const dialect of DIALECTS) {
  describe(`a token carrying Coupa's standard scopes (${dialect.name})`, () => {
    let t: TestApp;
    const SECRET = 'ibm-tool-guard-secret-0123456789';
    beforeEach(async () => {
      t = await makeTestApp(dialect);
      await credentialService(t.store).createClient({ name: 'IBM tools', scopes: STANDARD, clientId: 'ibm', secret: SECRET });
      await credentialService(t.store).createClient({
        name: 'Budgets only',
        scopes: ['core.budget.read', 'travel_booking.trip.read'],
        clientId: 'budgets',
        secret: SECRET,
      });
    });
    afterEach(async () => {
      await t.close();
    });

    const token = async (clientId: string, scope: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: FORM,
        payload: form({ grant_type: 'client_credentials', client_id: clientId, client_secret: SECRET, scope }),
      });
      return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
    };
    const get = (url: string, bearer: string) =>
      t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' } });

    it('issues a token for all 148, and it opens the APIs Roster serves', async () => {
      const issued = await token('ibm', STANDARD.join(' '));
      expect(issued.status, JSON.stringify(issued.body)).toBe(200);
      expect(String(issued.body['scope']).split(' ')).toEqual(STANDARD);
      const bearer = String(issued.body['access_token']);
      for (const url of ['/api/users', '/api/departments', '/api/accounts', '/api/suppliers', '/api/user_groups']) {
        expect((await get(url, bearer)).statusCode, url).toBe(200);
      }
    });

    it('a scope for an API Roster does not serve is carried, and opens nothing more', async () => {
      const issued = await token('budgets', 'core.budget.read travel_booking.trip.read');
      expect(issued.status, JSON.stringify(issued.body)).toBe(200);
      const bearer = String(issued.body['access_token']);
      for (const url of ['/api/users', '/api/departments', '/api/workers']) {
        const res = await get(url, bearer);
        expect(res.statusCode, url).toBe(403);
        expect(res.headers['x-roster-error-code']).toBe('forbidden');
      }
    });

    it('a scope Coupa does not define stays invalid_scope', async () => {
      for (const scope of ['core.budget.reed', 'core.user.read core.bogus.read', 'travel_booking']) {
        const refused = await token('ibm', scope);
        expect(refused.status, scope).toBe(400);
        expect(refused.body['error'], scope).toBe('invalid_scope');
      }
    });

    it('/oauth2/scopes lists every one, each with a description', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/oauth2/scopes' });
      const listed = JSON.parse(res.body) as Array<{ scope: string; description: string }>;
      const names = listed.map((s) => s.scope);
      for (const scope of STANDARD) expect(names, scope).toContain(scope);
      for (const s of listed) expect(s.description.length, s.scope).toBeGreaterThan(5);
      // Coupa's Swagger words where it gives them.
      expect(listed.find((s) => s.scope === 'core.budget.read')?.description).toBe('Allows budgets to be read');
    });
  });
}
