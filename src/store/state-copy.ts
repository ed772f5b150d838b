import { randomBytes } from 'node:crypto';
import { sql, type CompiledQuery } from 'kysely';
import { FIRST_BIGINT_ID, idCodecOf } from '../catalog/ids.js';
import { RESOURCES } from '../catalog/registry.js';
import { datetimeFromDb } from './codec.js';
import type { Store } from './database.js';
import type { TableInfo } from './dialects/dialect.js';
import { latestMigration } from './migrate.js';

/**
 * Tables a reset or a restore never touches: credentials (so a test harness keeps its keys and
 * tokens), the snapshots and settings themselves, and the migrator's bookkeeping. Every other
 * table is data: records, their files and avatars, loads, jobs, mail, sessions, rate-limit buckets.
 */
export const KEPT_TABLES: ReadonlySet<string> = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  'api_keys',
  'oauth_clients',
  'signing_keys',
  'host_keys',
  'sftp_accounts',
  'roster_settings',
  'roster_snapshots',
]);

/**
 * Kept tables whose rows point at a data table (a credential's API user, `user_id`): the
 * pointer is cleared with the data, for the caller to point it at the API user of the new data
 * (controls/api-users.ts).
 */
export const CREDENTIAL_TABLES: readonly { readonly table: string; readonly key: string }[] = [
  { table: 'api_keys', key: 'id' },
  { table: 'oauth_clients', key: 'client_id' },
];

/** A credential and its API user (`user_id`), as read before the data is replaced. */
export interface CredentialUser {
  readonly table: string;
  /** The credential's key (`api_keys.id`, `oauth_clients.client_id`) as text. */
  readonly key: string;
  /** The credential's name: its API user's last name. */
  readonly name: string;
  readonly userId: number;
}

/** Every credential that has an API user. */
export async function credentialUsers(store: Store): Promise<CredentialUser[]> {
  const found: CredentialUser[] = [];
  for (const { table, key } of CREDENTIAL_TABLES) {
    const rows = await store.db.selectFrom(table).select([key, 'name', 'user_id']).where('user_id', 'is not', null).execute();
    for (const r of rows) found.push({ table, key: String(r[key]), name: String(r['name']), userId: Number(r['user_id']) });
  }
  return found;
}

/** Points a credential at its API user in the new data. */
export async function setCredentialUser(store: Store, credential: CredentialUser, userId: number): Promise<void> {
  const { key } = CREDENTIAL_TABLES.find((c) => c.table === credential.table) ?? { key: 'id' };
  await store.db.updateTable(credential.table).set({ user_id: userId }).where(key, '=', credential.key).execute();
}

/** Every snapshot's tables start so: `roster_snap_<tag>` (id counters) and `roster_snap_<tag>_<table>`. */
const SNAPSHOT_PREFIX = 'roster_snap_';

/**
 * Names of the snapshots Roster keeps for itself (a reset's baseline): a `:` no snapshot name
 * given through the controls may hold (controls/snapshots.ts), so none is listed or touched there.
 */
export const BASELINE_PREFIX = ':baseline:';

/** A saved snapshot, as listed. */
export interface SnapshotInfo {
  readonly name: string;
  /** ISO 8601, by the server's clock. */
  readonly createdAt: string;
}

/** Why a snapshot could not be restored (the caller answers 404 or 409). */
export type RestoreOutcome = 'restored' | 'missing' | 'other-schema';

interface Layout {
  readonly data: readonly TableInfo[];
}

const layouts = new WeakMap<Store, Promise<Layout>>();

/** The data tables of the store's schema, read once (the schema is fixed while it runs). */
function layoutOf(store: Store): Promise<Layout> {
  let layout = layouts.get(store);
  if (!layout) {
    layout = store.dialect.tables(store.db).then((tables) => ({
      data: tables.filter((t) => !KEPT_TABLES.has(t.name) && !t.name.startsWith(SNAPSHOT_PREFIX)),
    }));
    layouts.set(store, layout);
    layout.catch(() => layouts.delete(store));
  }
  return layout;
}

/** A table's next id in a fresh database: CSO's 19-digit ids start at FIRST_BIGINT_ID, the rest at 1. */
function freshNextId(table: string): string {
  const def = RESOURCES.find((r) => r.table === table);
  return def && idCodecOf(def).type === 'bigint' ? FIRST_BIGINT_ID : '1';
}

/**
 * The whole state of a database, replaced at once: emptied for a reset, saved and restored as
 * snapshots (docs/controls.md). Each operation is one transaction (store/dialects: `runWhole`),
 * so other requests see the state before or after it, never between; other processes on the
 * database learn of it through the change feed (the caller announces it).
 */
export class StateStore {
  constructor(private readonly store: Store) {}

  /** Saved snapshots, oldest first; Roster's own baselines are not listed. */
  async list(): Promise<SnapshotInfo[]> {
    const rows = await this.store.db
      .selectFrom('roster_snapshots')
      .select(['name', 'created_at'])
      .where('name', 'not like', `${BASELINE_PREFIX}%`)
      .orderBy('created_at')
      .orderBy('name')
      .execute();
    return rows.map((r) => ({ name: String(r['name']), createdAt: datetimeFromDb(r['created_at']) ?? '' }));
  }

  /** Saves every data table under `name`, replacing a snapshot of that name. */
  async save(name: string): Promise<SnapshotInfo> {
    const { store } = this;
    const { db, dialect } = store;
    const { data } = await layoutOf(store);
    const old = await this.tagOf(name);
    const tag = randomBytes(4).toString('hex');
    const createdAt = store.clock.iso();
    await dialect.runWhole(store, [
      ...(old ? await this.dropStatements(name, old) : []),
      ...data.map((t) => sql`create table ${sql.id(copyName(tag, t.name))} as select * from ${sql.id(t.name)}`.compile(db)),
      dialect.saveCounters(db, countersName(tag), data),
      db
        .insertInto('roster_snapshots')
        .values({ name, tag, created_at: dialect.toDb('datetime', createdAt), migration: latestMigration(dialect) })
        .compile(),
    ]);
    return { name, createdAt };
  }

  /** Brings back the data tables as `name` saved them, id counters included; credentials stay as they are. */
  async restore(name: string): Promise<RestoreOutcome> {
    const { store } = this;
    const { db, dialect } = store;
    const row = await db.selectFrom('roster_snapshots').select(['tag', 'migration']).where('name', '=', name).executeTakeFirst();
    if (!row) return 'missing';
    if (row['migration'] !== latestMigration(dialect)) return 'other-schema';
    const tag = String(row['tag']);
    const { data } = await layoutOf(store);
    await dialect.runWhole(
      store,
      await this.replacing((into) => [
        ...data.map((t) => sql`insert into ${sql.id(t.name)} select * from ${sql.id(copyName(tag, t.name))}`.compile(into)),
        ...dialect.restoreCounters(into, countersName(tag), data),
      ]),
    );
    return 'restored';
  }

  /** Drops the snapshot `name`; false when there is none. */
  async drop(name: string): Promise<boolean> {
    const tag = await this.tagOf(name);
    if (!tag) return false;
    await this.store.dialect.runWhole(this.store, await this.dropStatements(name, tag));
    return true;
  }

  /** Empties every data table and numbers ids as a fresh database does (a reset; the caller loads what a start loads). */
  async empty(): Promise<void> {
    const { store } = this;
    const { data } = await layoutOf(store);
    const fresh = new Map(data.map((t) => [t, freshNextId(t.name)]));
    await store.dialect.runWhole(store, await this.replacing((into) => store.dialect.setCounters(into, fresh)));
  }

  /**
   * The statements that empty the data and fill it by `fill`, credentials kept with no API
   * user (controls/api-users.ts gives each one its API user in the new data).
   */
  private async replacing(fill: (db: Store['db']) => CompiledQuery[]): Promise<CompiledQuery[]> {
    const { db, dialect } = this.store;
    const { data } = await layoutOf(this.store);
    return [
      ...CREDENTIAL_TABLES.map(({ table }) => db.updateTable(table).set({ user_id: null }).compile()),
      ...dialect.emptyTables(
        db,
        data.map((t) => t.name),
      ),
      ...fill(db),
    ];
  }

  private async tagOf(name: string): Promise<string | undefined> {
    const row = await this.store.db.selectFrom('roster_snapshots').select('tag').where('name', '=', name).executeTakeFirst();
    return row ? String(row['tag']) : undefined;
  }

  private async dropStatements(name: string, tag: string): Promise<CompiledQuery[]> {
    const { db, dialect } = this.store;
    const own = (await dialect.tables(db)).filter(
      (t) => t.name === countersName(tag) || t.name.startsWith(`${countersName(tag)}_`),
    );
    return [
      ...own.map((t) => sql`drop table ${sql.id(t.name)}`.compile(db)),
      db.deleteFrom('roster_snapshots').where('name', '=', name).compile(),
    ];
  }
}

const countersName = (tag: string): string => `${SNAPSHOT_PREFIX}${tag}`;
const copyName = (tag: string, table: string): string => `${SNAPSHOT_PREFIX}${tag}_${table}`;
