import type pg from 'pg';
import type { Store } from './database.js';

/**
 * Tells every Roster process on one database that a cached table changed, so none renders a
 * stale department after another process renamed it.
 *
 * - PostgreSQL: `NOTIFY roster_changes, '<table>'` after the commit; each process LISTENs on
 *   one held connection and drops that table's cache when told (within milliseconds).
 * - SQLite: `PRAGMA data_version` moves when another connection commits; it is read before a
 *   request's first use of the caches (at most once a millisecond), which are then dropped
 *   whole. Apps sharing one connection (in one process) are told directly.
 */
export interface ChangeFeed {
  /** Announces a committed change to `table` (every table: `ALL_TABLES`) to the other processes. */
  publish(table: string): Promise<void>;
  /** SQLite: drops the caches if another connection committed since the last check. */
  poll(): void;
  close(): Promise<void>;
}

const CHANNEL = 'roster_changes';

/** What `publish` is given when every table changed at once (a reset, a restored snapshot). */
export const ALL_TABLES = '*';

const named = (table: string | undefined): string | undefined => (table === ALL_TABLES ? undefined : table);

/** The feeds open on each SQLite connection: they share a data_version, so they tell each other. */
const SQLITE_LISTENERS = new WeakMap<object, Set<(table: string) => void>>();

/** `forget(table)` drops one table's cache, `forget()` all of them. */
export async function openChangeFeed(store: Store, forget: (table?: string) => void): Promise<ChangeFeed> {
  const { sqlite, pool } = store;
  if (sqlite) {
    // Prepared once: `Database#pragma` prepares its statement anew on every call.
    const statement = sqlite.prepare('pragma data_version').pluck();
    const version = (): unknown => statement.get();
    let seen = version();
    let checkedAt = 0;
    let listeners = SQLITE_LISTENERS.get(sqlite);
    if (!listeners) {
      listeners = new Set();
      SQLITE_LISTENERS.set(sqlite, listeners);
    }
    const peers = listeners;
    const hear = (table: string) => forget(named(table));
    peers.add(hear);
    return {
      publish(table) {
        for (const peer of peers) if (peer !== hear) peer(table);
        return Promise.resolve();
      },
      poll() {
        // At most once a millisecond: the check costs tens of microseconds, and under load a
        // process answers several requests a millisecond. A change is seen within 1 ms.
        const ms = Date.now();
        if (ms === checkedAt) return;
        checkedAt = ms;
        const now = version();
        if (now !== seen) {
          seen = now;
          forget();
        }
      },
      close() {
        peers.delete(hear);
        return Promise.resolve();
      },
    };
  }
  if (!pool) throw new Error('A store has either a SQLite handle or a PostgreSQL pool');
  const client: pg.PoolClient = await pool.connect();
  const onNotification = (msg: pg.Notification) => {
    if (msg.channel === CHANNEL) forget(named(msg.payload));
  };
  // A lost listener connection could miss changes: drop everything and let reads refill.
  const onError = () => forget();
  client.on('notification', onNotification);
  client.on('error', onError);
  await client.query(`LISTEN ${CHANNEL}`);
  return {
    async publish(table) {
      await pool.query('select pg_notify($1, $2)', [CHANNEL, table]);
    },
    poll: () => undefined,
    async close() {
      client.off('notification', onNotification);
      client.off('error', onError);
      try {
        await client.query(`UNLISTEN ${CHANNEL}`);
      } finally {
        client.release();
      }
    },
  };
}
