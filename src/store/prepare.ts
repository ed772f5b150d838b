import { openStore, type Store, type StoreOptions } from './database.js';
import { defaultReferenceData } from './default-reference-data.js';
import { migrateToLatest } from './migrate.js';
import { loadFixture, readFixtureFile } from './reference-seed.js';

export interface PrepareOptions {
  /** Fixture (JSON/YAML) of extra reference data, upserted by natural key. */
  readonly seedFile?: string | undefined;
}

/** Opens the database, runs pending migrations and fills empty reference tables with defaults. */
export async function openPreparedStore(options: StoreOptions, prepare: PrepareOptions = {}): Promise<Store> {
  const store = openStore(options);
  try {
    await migrateToLatest(store);
    await loadFixture(store, defaultReferenceData(), true);
    if (prepare.seedFile) await loadFixture(store, await readFixtureFile(prepare.seedFile));
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}
