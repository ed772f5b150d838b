import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import { initialMigration } from './migrations/001-initial.js';
import { authMigration } from './migrations/002-auth.js';
import { referenceDataMigration } from './migrations/003-reference-data-api.js';
import { ownedChildrenMigration } from './migrations/004-owned-children.js';
import { swaggerShapesMigration } from './migrations/005-swagger-shapes.js';
import { suppliersMigration } from './migrations/006-suppliers.js';
import { workersMigration } from './migrations/007-workers.js';
import { lookupsMigration } from './migrations/008-lookups.js';
import { referenceElementsMigration } from './migrations/009-reference-elements.js';
import { caselessKeysMigration } from './migrations/010-caseless-keys.js';
import { flatFilesMigration } from './migrations/011-flat-files.js';
import { csoMigration } from './migrations/012-cso.js';
import { controlsMigration } from './migrations/013-controls.js';
import type { Store } from './database.js';
import type { StoreDialect } from './dialects/index.js';

/** Every migration, by name, in order: add a new one here (and its DDL is then pinned by test/migration-ddl.test.ts). */
export function migrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '001-initial': initialMigration(dialect),
    '002-auth': authMigration(dialect),
    '003-reference-data-api': referenceDataMigration(dialect),
    '004-owned-children': ownedChildrenMigration(dialect),
    '005-swagger-shapes': swaggerShapesMigration(dialect),
    '006-suppliers': suppliersMigration(dialect),
    '007-workers': workersMigration(dialect),
    '008-lookups': lookupsMigration(dialect),
    '009-reference-elements': referenceElementsMigration(dialect),
    '010-caseless-keys': caselessKeysMigration,
    '011-flat-files': flatFilesMigration(dialect),
    '012-cso': csoMigration(dialect),
    '013-controls': controlsMigration(dialect),
  };
}

/** The newest migration's name: what a snapshot records, so it is never restored into another schema. */
export function latestMigration(dialect: StoreDialect): string {
  return Object.keys(migrations(dialect)).at(-1) ?? '';
}

function provider(store: Store): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(store.dialect)) };
}

/** Runs pending migrations; throws with the failing migration's error so start-up stops cleanly. */
export async function migrateToLatest(store: Store): Promise<void> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one, so a second
  // Roster (or test) schema in the same PostgreSQL database would make it skip creating them.
  const schema = await store.dialect.migrationSchema(store.db);
  const migrator = new Migrator({
    db: store.db,
    provider: provider(store),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely first lists every schema's tables; a schema another Roster drops meanwhile makes that
  // fail with invalid_schema_name. Nothing was migrated then, so trying again is safe.
  for (let attempt = 0; attempt < 5 && schemaVanished(error); attempt++) ({ error, results } = await migrator.migrateToLatest());
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error));
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
  }
}

const schemaVanished = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === '3F000';
