import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import { initialMigration } from './migrations/001-initial.js';
import type { Store } from './database.js';

function provider(store: Store): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve<Record<string, Migration>>({
        '001-initial': initialMigration(store.dialect),
      }),
  };
}

/** Runs pending migrations; throws with the failing migration's error so start-up stops cleanly. */
export async function migrateToLatest(store: Store): Promise<void> {
  const migrator = new Migrator({ db: store.db, provider: provider(store) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error));
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
  }
}
