import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Once per test run: build `dist/` and its bundle (CLI tests run it, so they never test stale output), and
 * name the run, so the PostgreSQL schemas its workers create (test/helpers/dialects.ts) can be
 * dropped when it ends.
 */
export default function setup(): () => Promise<void> {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // The spawned CLI tests run the bundle `roster` ships (dist/roster.mjs), as users do.
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
  const run = randomBytes(4).toString('hex');
  // Workers are started after this and inherit the environment.
  process.env['ROSTER_TEST_RUN'] = run;
  return async () => {
    const url = process.env['TEST_DATABASE_URL'];
    if (!url) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        `select nspname as name from pg_namespace where starts_with(nspname, $1)`,
        [`roster_test_${run}_`],
      );
      for (const { name } of rows) await client.query(`drop schema "${name}" cascade`);
    } finally {
      await client.end();
    }
  };
}
