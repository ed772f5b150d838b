import { openStore, type Store, type StoreOptions } from './database.js';
import { defaultReferenceData } from './default-reference-data.js';
import { migrateToLatest } from './migrate.js';
import { loadClock } from './clock-setting.js';
import { loadFixture } from './reference-seed.js';

/**
 * Opens the database, runs pending migrations and fills empty reference tables with defaults.
 * A `--seed` fixture is applied above the store (controls/fixture-load.ts): its users and
 * workers are written through their record services.
 */
export async function openPreparedStore(options: StoreOptions): Promise<Store> {
  const store = openStore(options);
  try {
    await migrateToLatest(store);
    await loadDefaults(store);
    await loadClock(store);
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Fills the empty reference tables with what a first start gives them (currencies, countries, Coupa's role names…). */
export async function loadDefaults(store: Store): Promise<void> {
  await loadFixture(store, defaultReferenceData(), true);
}
