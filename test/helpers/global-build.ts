import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Once per test run: bring `dist/` and its bundle up to date (CLI tests run the bundle `roster`
 * ships, so they never test stale output), and name the run, so the PostgreSQL schemas its
 * workers create (test/helpers/dialects.ts) can be dropped when it ends.
 *
 * The build runs only when a file under `src/` is newer than `dist/` (scripts/ensure-ready.mjs
 * decides, as for `npm start`), so a run of one in-process test file starts at once.
 * `ROSTER_TEST_BUILD=off` skips it altogether, for in-process tests while `src/` is mid-edit.
 */
export default function setup(): () => Promise<void> {
  if (process.env['ROSTER_TEST_BUILD'] !== 'off') {
    execFileSync(process.execPath, ['scripts/ensure-ready.mjs'], { stdio: 'inherit' });
  }
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
