import { createHash } from 'node:crypto';
import type { Engine } from '../domain/engine.js';
import { saveClock } from '../store/clock-setting.js';
import { latestMigration } from '../store/migrate.js';
import { loadDefaults } from '../store/prepare.js';
import { REAL_TIME } from '../store/server-clock.js';
import { BASELINE_PREFIX, StateStore } from '../store/state-copy.js';
import { keptCredentials, reattachApiUsers } from './api-users.js';
import type { SeedFixture } from './fixture-file.js';
import { applySeedFixture } from './fixture-load.js';

/**
 * `POST /_roster/reset` and `roster reset` (docs/controls.md): the data as a fresh start leaves
 * it (default reference data, ids numbered from the start, real time) plus the `--seed`
 * fixture, with every credential kept: API keys, OAuth clients (and their tokens), admin keys,
 * SFTP accounts. Every process on the database drops its caches. Snapshots are kept too.
 *
 * The first reset with a fixture builds that state (defaults, then the fixture through the
 * record services) and keeps it as a hidden snapshot, the baseline; later resets restore it,
 * which costs a copy rather than a seeding (docs/performance.md).
 *
 * `fixture` is read by the caller before anything changes, so a fixture that no longer parses
 * refuses the reset instead of leaving an empty database.
 */
export async function resetState(engine: Engine, fixture: SeedFixture | undefined): Promise<void> {
  const { store } = engine;
  const state = new StateStore(store);
  const kept = await keptCredentials(engine);
  const baseline = baselineName(fixture, latestMigration(store.dialect));
  if ((await state.restore(baseline)) !== 'restored') {
    await state.empty();
    await engine.announce();
    await loadDefaults(store);
    if (fixture) await applySeedFixture(store, engine, fixture);
    await state.save(baseline);
  }
  await saveClock(store, REAL_TIME);
  await engine.announce();
  await reattachApiUsers(engine, kept);
  await engine.announce();
}

/** The baseline of a fixture: one per fixture content and schema, shared by every process with that fixture. */
function baselineName(fixture: SeedFixture | undefined, migration: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([migration, fixture ?? null]))
    .digest('hex');
  return `${BASELINE_PREFIX}${digest.slice(0, 16)}`;
}
