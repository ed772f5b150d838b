// `roster reset` (docs/controls.md): what POST /_roster/reset does, on a data directory with no
// server running; credentials survive it, and a fixture that does not parse changes nothing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';
import { runInProcess, tempDir } from './helpers/cli.js';

/** Rows of `table` in the data directory's database (read beside the CLI, as a check). */
async function count(data: string, table: string, where = '1 = 1'): Promise<number> {
  const store = openStore({ kind: 'sqlite', filename: path.join(data, 'roster.sqlite') });
  try {
    return Number(store.sqlite?.prepare(`select count(*) from ${table} where ${where}`).pluck().get());
  } finally {
    await store.close();
  }
}

describe('roster reset', () => {
  it('empties the data, loads the fixture, keeps keys; a broken fixture changes nothing', async () => {
    const data = tempDir();
    expect((await runInProcess('seed', '--users', '20', '--random-seed', '1', '--data', data)).code).toBe(0);
    const key = JSON.parse((await runInProcess('keys', 'create', '--name', 'kept', '--data', data)).stdout) as { id: number };
    expect(await count(data, 'users')).toBeGreaterThan(20);
    const fixture = path.join(data, 'fixture.yaml');
    writeFileSync(fixture, 'departments:\n  - name: From The Fixture\n    active: true\n');

    const reset = await runInProcess('reset', '--data', data, '--seed', fixture);
    expect(reset.code, reset.stderr).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ reset: true, 'duration-ms': expect.any(Number) as number });
    // Only the key's API user is left, and the fixture's department is there.
    expect(await count(data, 'users')).toBe(1);
    expect(await count(data, 'departments', "name = 'From The Fixture'")).toBe(1);
    const keys = JSON.parse((await runInProcess('keys', 'list', '--data', data)).stdout) as { id: number; name: string }[];
    expect(keys.map((k) => k.name)).toContain('kept');
    expect(keys.find((k) => k.name === 'kept')?.id).toBe(key.id);

    writeFileSync(fixture, 'departments: [ {name: ');
    const broken = await runInProcess('reset', '--data', data, '--seed', fixture);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^roster: /);
    expect(await count(data, 'departments', "name = 'From The Fixture'")).toBe(1);

    const missing = await runInProcess('reset', '--data', path.join(data, 'nothing-here'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nothing-here');
  });
});
