import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../src/store/file-store.js';
import type { Store, StoreOptions } from '../src/store/database.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { CLI, runBinary, tempDir } from './helpers/cli.js';
import { PG_URL, scratchSchema } from './helpers/dialects.js';

/**
 * Issue 19, exactly once: loads are claimed by one process, and a load whose process is killed
 * (`kill -9`) mid-file is finished by the next `roster flatfile run` once its lease runs out,
 * every row applied once and the counts right. Real processes, the built binary.
 */

/** A Users file of `n` new users. */
const usersCsv = (prefix: string, n: number): Buffer =>
  Buffer.from(
    [
      'Login,Email,First Name,Last Name',
      ...Array.from({ length: n }, (_, i) => `${prefix}${i},${prefix}${i}@example.com,F,L${i}`),
    ].join('\n'),
  );

interface Target {
  readonly name: string;
  /** The data flags every command of the test takes. */
  readonly flags: readonly string[];
  readonly options: StoreOptions;
  readonly drop: () => Promise<void>;
}

function sqliteTarget(): Promise<Target> {
  const dir = tempDir();
  return Promise.resolve({
    name: 'sqlite',
    flags: ['--data', dir],
    options: { kind: 'sqlite', filename: path.join(dir, 'roster.sqlite') },
    drop: async () => {},
  });
}

async function postgresTarget(): Promise<Target> {
  const { url, schema, drop } = await scratchSchema('ff');
  return {
    name: 'postgres',
    flags: ['--database-url', url],
    options: { kind: 'postgres', url: PG_URL ?? '', schema, poolSize: 2 },
    drop,
  };
}

const count = async (store: Store, table: string, where?: [string, string]): Promise<number> => {
  let q = store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
  if (where) q = q.where(where[0], '=', where[1]);
  return Number((await q.executeTakeFirstOrThrow())['n']);
};

const targets: Array<() => Promise<Target>> = [sqliteTarget, ...(PG_URL ? [postgresTarget] : [])];

describe('flat-file loads across processes', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  for (const make of targets) {
    it(`a load killed mid-file is finished once by the next run (${make.name})`, { timeout: 120_000 }, async () => {
      const target = await make();
      cleanups.push(target.drop);
      const store = await openPreparedStore(target.options);
      cleanups.push(() => store.close());
      const rows = 2000;
      await new FileStore(store).add({
        path: '/Incoming/Users/big.csv',
        filename: 'big.csv',
        contentType: 'text/csv',
        data: usersCsv('crash', rows),
      });

      const child = spawn(process.execPath, [CLI, 'flatfile', 'run', '--job-lease', '1s', ...target.flags], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // Kill it once some rows, not all, are in.
      for (let i = 0; i < 600; i++) {
        const applied = await count(store, 'data_file_rows');
        if (applied >= 100) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      await exited;
      const before = await count(store, 'data_file_rows');
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(rows);
      expect(await count(store, 'users', ['email', 'crash0@example.com'])).toBe(1);

      // The lease (1 s) runs out; the next run takes the load over and finishes it.
      await new Promise((r) => setTimeout(r, 1200));
      const run = await runBinary('flatfile', 'run', '--job-lease', '1s', ...target.flags);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as { loads: Array<Record<string, unknown>> };
      expect(summary.loads).toEqual([
        expect.objectContaining({
          file: 'big.csv',
          status: 'Done',
          records_count: rows,
          records_created: rows,
          upload_errors_count: 0,
        }),
      ]);
      expect(await count(store, 'data_file_rows')).toBe(rows);
      const created = await store.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('login', 'like', 'crash%')
        .executeTakeFirstOrThrow();
      expect(Number(created['n'])).toBe(rows);
    });

    it(`two runs at once load each waiting file once (${make.name})`, { timeout: 120_000 }, async () => {
      const target = await make();
      cleanups.push(target.drop);
      const store = await openPreparedStore(target.options);
      cleanups.push(() => store.close());
      const files = new FileStore(store);
      for (const name of ['a', 'b', 'c', 'd']) {
        await files.add({
          path: `/Incoming/Users/${name}.csv`,
          filename: `${name}.csv`,
          contentType: 'text/csv',
          data: usersCsv(`two_${name}_`, 150),
        });
      }
      const runs = await Promise.all([0, 1].map(() => runBinary('flatfile', 'run', ...target.flags)));
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const loads = runs.flatMap(
        (r) => (JSON.parse(r.stdout) as { loads: Array<{ file: string; status: string; records_created: number }> }).loads,
      );
      expect(loads.map((l) => l.file).sort()).toEqual(['a.csv', 'b.csv', 'c.csv', 'd.csv']);
      expect(loads.every((l) => l.status === 'Done' && l.records_created === 150)).toBe(true);
      expect(await count(store, 'data_file_sources')).toBe(4);
      expect(await count(store, 'data_file_rows')).toBe(600);
      expect((await files.list('/Incoming/Users')).length).toBe(0);
      expect((await files.list('/Incoming/Archive/Users')).map((f) => f.filename)).toEqual(['a.csv', 'b.csv', 'c.csv', 'd.csv']);
    });
  }
});
