// Seed fixtures with users and workers (`--seed`, docs/controls.md "Fixtures and export"), `GET /_roster/export`
// and its round trip through `--seed`, and the demo set (`roster seed --demo`), on each dialect.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { credentialService } from '../src/cli/credentials.js';
import { demoFixture } from '../src/controls/demo-fixture.js';
import { readSeedFile, type SeedFixture } from '../src/controls/fixture-file.js';
import { applySeedFixture } from '../src/controls/fixture-load.js';
import { Engine } from '../src/domain/engine.js';
import { ApiKeyRepository } from '../src/store/api-key-repository.js';
import { DIALECTS } from './helpers/dialects.js';
import { runBinary, startServer, tempDir } from './helpers/cli.js';
import { JSON_IO, makeTestApp, type TestApp } from './helpers/test-app.js';

const ADMIN_KEY = 'admin-key-fixtures-0123456789';

/** A fixture as a tester writes one: a reference row, users (one naming a manager listed after it), workers with children. */
const FIXTURE: SeedFixture = {
  departments: [{ name: 'Research', active: true }],
  users: [
    {
      login: 'ada',
      email: 'ada@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      department: { name: 'Research' },
      roles: [{ name: 'Admin' }, { name: 'User' }],
      manager: { login: 'charles' },
      'phone-work': { 'country-code': '1', 'area-code': '415', number: '5550100' },
      password: 'correct horse battery staple',
    },
    {
      login: 'charles',
      email: 'charles@example.com',
      firstname: 'Charles',
      lastname: 'Babbage',
      department: { name: 'Finance' },
      roles: [{ name: 'Buyer' }],
      active: false,
    },
  ],
  workers: [
    {
      'first-name': 'Test',
      'last-name': 'Worker',
      'date-of-birth': '2000-07-01',
      'gender-code': 'm',
      'total-experience-in-years': '10.0',
      status: 'assigned',
      supplier: { name: 'FieldQA Supplier SM' },
      'country-of-residence': { code: 'AE' },
      'worker-emails': [{ 'email-address': 'stage@coupa.com', 'email-type': 'work' }],
      'worker-phone-numbers': [{ 'phone-type': 'mobile', 'phone-number': { number: '022345678', 'country-code': 'AL' } }],
      'worker-addresses': [
        { street1: 'abc', city: 'asd', state: 'AZ', 'postal-code': '1237710', 'worker-address-purpose': { code: 'Home' } },
      ],
      'worker-skills': [{ skill: { name: 'Java' }, 'years-of-experience': 3 }],
      'external-identifiers': [{ 'identifier-type': { code: 'hr_system' }, value: 'HR-1' }],
    },
    // Two workers of the same name and birth date are two workers.
    ...[1, 2].map((n) => ({
      'first-name': 'Sam',
      'last-name': 'Same',
      'date-of-birth': '1990-01-01',
      'gender-code': 'f',
      'total-experience-in-years': n,
      'worker-emails': [{ 'email-address': `sam${n}@example.com` }],
    })),
  ],
};

type Counts = Record<string, { created: number; updated: number; unchanged: number }>;

describe.each(DIALECTS)('seed fixtures ($name)', (dialect) => {
  const apps: TestApp[] = [];
  const open = async (): Promise<TestApp> => {
    const t = await makeTestApp(dialect);
    apps.push(t);
    await new ApiKeyRepository(t.store).add(ADMIN_KEY, 'fixtures', null, null, 'admin');
    return t;
  };
  const apply = async (t: TestApp, fixture: SeedFixture): Promise<Counts> =>
    (await applySeedFixture(t.store, Engine.detached(t.store), fixture)).records;
  const exported = async (t: TestApp, query = ''): Promise<{ status: number; type: string; body: string }> => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/_roster/export${query}`,
      headers: { 'x-roster-admin-key': ADMIN_KEY },
    });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: res.body };
  };
  const exportJson = async (t: TestApp): Promise<SeedFixture> => {
    const res = await exported(t);
    expect(res.status, res.body).toBe(200);
    return JSON.parse(res.body) as SeedFixture;
  };

  beforeEach(() => {
    apps.length = 0;
  });
  afterEach(async () => {
    for (const t of apps) await t.close();
  });

  it('writes users and workers as the API does, upserted by natural key: the second load changes nothing', async () => {
    const t = await open();
    expect(await apply(t, FIXTURE)).toEqual({
      users: { created: 2, updated: 0, unchanged: 0 },
      workers: { created: 3, updated: 0, unchanged: 0 },
    });
    const before = await exportJson(t);
    expect(await apply(t, FIXTURE)).toEqual({
      users: { created: 0, updated: 0, unchanged: 2 },
      workers: { created: 0, updated: 0, unchanged: 3 },
    });
    expect(await exportJson(t)).toEqual(before);

    const res = await t.request({ method: 'GET', url: '/api/users?login=ada', headers: JSON_IO });
    const [ada] = JSON.parse(res.body) as Array<Record<string, unknown>>;
    expect(ada).toMatchObject({
      login: 'ada',
      department: { name: 'Research' },
      manager: { login: 'charles' },
      roles: [{ name: 'Admin' }, { name: 'User' }],
      'phone-work': { 'country-code': '1', 'area-code': '415', number: '5550100' },
    });
    const workers = JSON.parse(
      (await t.request({ method: 'GET', url: '/api/workers?last-name=Same', headers: JSON_IO })).body,
    ) as Array<Record<string, unknown>>;
    expect(workers.map((w) => w['total-experience-in-years'])).toEqual(['1.0', '2.0']);

    // A changed value is written; the children given replace the worker's own.
    const changed = structuredClone(FIXTURE);
    const [first] = changed['workers'] ?? [];
    if (first) first['worker-emails'] = [{ 'email-address': 'new@coupa.com', 'email-type': 'work' }];
    expect((await apply(t, changed))['workers']).toEqual({ created: 0, updated: 1, unchanged: 2 });
    const test = JSON.parse(
      (await t.request({ method: 'GET', url: '/api/workers?first-name=Test', headers: JSON_IO })).body,
    ) as Array<{
      status: string;
      'worker-emails': Array<{ 'email-address': string }>;
    }>;
    expect(test.map((w) => [w.status, w['worker-emails'].map((e) => e['email-address'])])).toEqual([
      ['assigned', ['new@coupa.com']],
    ]);
  });

  it("loads docs/controls.md's example fixture", async () => {
    const page = readFileSync(new URL('../docs/controls.md', import.meta.url), 'utf8');
    const example = /## Fixtures and export[\s\S]*?```yaml\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    const file = path.join(tempDir(), 'example.yaml');
    writeFileSync(file, example);
    const t = await open();
    expect(await apply(t, await readSeedFile(file))).toEqual({
      users: { created: 2, updated: 0, unchanged: 0 },
      workers: { created: 1, updated: 0, unchanged: 0 },
    });
  });

  it("refuses a bad record with the record named and Coupa's message", async () => {
    const t = await open();
    const bad: SeedFixture = {
      users: [
        { login: 'fine', email: 'fine@example.com', firstname: 'Fine', lastname: 'User' },
        { login: 'nomail', firstname: 'No', lastname: 'Mail', department: { name: 'Nowhere' } },
      ],
    };
    await expect(apply(t, bad)).rejects.toMatchObject({
      code: 'validation_failed',
      messages: [
        "users[1] (login 'nomail'): Email can't be blank",
        "users[1] (login 'nomail'): Department: no department with name 'Nowhere'",
      ],
    });
  });

  it('exports the data as a seed file that loads into a fresh database and exports the same (JSON and YAML)', async () => {
    const source = await open();
    await apply(source, FIXTURE);
    // A credential's API user is not data a fixture makes.
    await credentialService(source.store).createKey({ name: 'integration', scopes: null });
    const first = await exportJson(source);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['currencies', 'departments', 'roles', 'users', 'workers']));
    expect((first['users'] ?? []).map((u) => u['login'])).toEqual(['ada', 'charles']);
    const text = JSON.stringify(first);
    for (const secret of ['password', 'digest', '"id"', 'created-at', 'updated-by']) expect(text).not.toContain(secret);
    expect(first['workers']?.[0]).toMatchObject({
      'first-name': 'Test',
      status: 'assigned',
      supplier: { name: 'FieldQA Supplier SM' },
      'worker-emails': [{ 'email-address': 'stage@coupa.com', 'email-type': 'work' }],
      'worker-skills': [{ skill: { name: 'Java' } }],
    });

    const yaml = await exported(source, '?format=yaml');
    expect([yaml.status, yaml.type]).toEqual([200, 'application/yaml; charset=utf-8']);
    expect(parseYaml(yaml.body)).toEqual(first);
    const refused = await exported(source, '?format=xml');
    expect([refused.status, JSON.parse(refused.body)]).toEqual([
      400,
      { error: { code: 'invalid_control', messages: ["Query parameter 'format' must be json or yaml"] } },
    ]);

    // Through a file, as `--seed` reads one.
    const file = path.join(tempDir(), 'export.yaml');
    writeFileSync(file, yaml.body);
    const copy = await open();
    await apply(copy, await readSeedFile(file));
    expect(await exportJson(copy)).toEqual(first);
    const again = await apply(copy, first);
    expect(Object.values(again).every((c) => c.created === 0 && c.updated === 0)).toBe(true);
  });

  it('applies the demo set: 25 users with USER_TEST, 10 workers with their collections; twice is the same', async () => {
    const t = await open();
    expect(await apply(t, demoFixture())).toEqual({
      users: { created: 25, updated: 0, unchanged: 0 },
      workers: { created: 10, updated: 0, unchanged: 0 },
    });
    expect(await apply(t, demoFixture())).toEqual({
      users: { created: 0, updated: 0, unchanged: 25 },
      workers: { created: 0, updated: 0, unchanged: 10 },
    });
    const res = await t.request({ method: 'GET', url: '/api/users?login=USER_TEST', headers: JSON_IO });
    expect(JSON.parse(res.body)).toMatchObject([{ login: 'USER_TEST', email: 'user.test@example.com', firstname: 'user' }]);
  });
});

describe('the built CLI: roster seed --demo and serve --seed with users', () => {
  it('seeds the demo set twice into a new data directory; serve --seed loads users and workers, and a bad one stops it', async () => {
    const data = tempDir();
    const first = await runBinary('seed', '--demo', '--data', data);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toMatch(
      /^Seeded the demo set: 25 users \(25 new, 0 changed\) and 10 workers \(10 new, 0 changed\) into /,
    );
    const second = await runBinary('seed', '--demo', '--data', data);
    expect(second.stdout).toMatch(
      /^Seeded the demo set: 25 users \(0 new, 0 changed\) and 10 workers \(0 new, 0 changed\) into /,
    );

    const file = path.join(tempDir(), 'people.json');
    writeFileSync(file, JSON.stringify({ ...FIXTURE, workers: FIXTURE['workers']?.slice(0, 1) }));
    // A command that needs no records still opens the data with the fixture.
    const key = await runBinary('keys', 'create', '--name', 'ci', '--data', data, '--seed', file);
    expect([key.code, key.stderr]).toEqual([0, '']);
    const served = await startServer(['--data', data, '--seed', file, '--admin-key', ADMIN_KEY]);
    try {
      const res = await fetch(`${served.url}/_roster/export`, { headers: { 'x-roster-admin-key': ADMIN_KEY } });
      const body = (await res.json()) as SeedFixture;
      // The fixture's worker is the demo set's Test Worker (same names and date of birth): updated, not added.
      expect([(body['users'] ?? []).length, (body['workers'] ?? []).length]).toEqual([27, 10]);
      expect(body['users']?.map((u) => u['login'])).toContain('USER_TEST');
    } finally {
      await served.stop();
    }

    writeFileSync(file, JSON.stringify({ users: [{ login: 'x', email: 'not-an-email', firstname: 'X', lastname: 'Y' }] }));
    const refused = await runBinary(
      'serve',
      '--data',
      data,
      '--seed',
      file,
      '--port',
      '0',
      '--sftp-port',
      'off',
      '--cso-port',
      'off',
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("users[0] (login 'x'): Email");
  }, 60_000);
});
