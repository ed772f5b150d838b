import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { RecordId } from '../catalog/types.js';
import type { Store } from './database.js';

/**
 * Tells every Roster process on one database that a cached table changed, or which rows of a
 * table did, so none renders a stale department after another process renamed it, nor sends a
 * user's cached response after another process updated the user.
 *
 * - PostgreSQL: `NOTIFY roster_changes, '<table>'` (or `'<table>#<id>,<id>…'`) after the commit;
 *   each process LISTENs on one held connection and drops what it holds of them when told
 *   (within milliseconds).
 * - SQLite: `PRAGMA data_version` moves when another connection commits; it is read before a
 *   request's first use of the caches (at most once a millisecond), which are then dropped
 *   whole. Apps sharing one connection (in one process) are told directly.
 */
export interface ChangeFeed {
  /**
   * Announces a committed change to `table` (every table: `ALL_TABLES`) to the other processes;
   * with `ids`, to those rows of it only.
   */
  publish(table: string, ids?: readonly RecordId[]): Promise<void>;
  /** SQLite: drops the caches if another connection committed since the last check. */
  poll(): void;
  close(): Promise<void>;
}

const CHANNEL = 'roster_changes';

/** What `publish` is given when every table changed at once (a reset, a restored snapshot). */
export const ALL_TABLES = '*';

/** What a change names: a table (undefined: every table), and with `ids` only those rows of it. */
export type Forget = (table?: string, ids?: readonly string[]) => void;

/** A NOTIFY payload stays under PostgreSQL's 8,000 bytes: ids go in notices of at most this many characters. */
const MAX_PAYLOAD = 7000;

/** The notices telling `table`'s change: `table`, or `table#id,id,…` in as many as the ids need. */
function notices(table: string, ids: readonly RecordId[] | undefined): string[] {
  if (ids === undefined) return [table];
  const out: string[] = [];
  let chunk: string[] = [];
  let length = 0;
  for (const id of ids) {
    const text = String(id);
    if (chunk.length > 0 && length + text.length + 1 > MAX_PAYLOAD) {
      out.push(`${table}#${chunk.join(',')}`);
      chunk = [];
      length = 0;
    }
    chunk.push(text);
    length += text.length + 1;
  }
  if (chunk.length > 0) out.push(`${table}#${chunk.join(',')}`);
  return out;
}

/** A notice back as what it names (`Forget`'s arguments). */
function heardOf(notice: string | undefined, forget: Forget): void {
  if (notice === undefined || notice === ALL_TABLES) return forget();
  const hash = notice.indexOf('#');
  if (hash < 0) return forget(notice);
  forget(notice.slice(0, hash), notice.slice(hash + 1).split(','));
}

/**
 * The feeds open in this process on one SQLite connection or one PostgreSQL pool: they are told
 * directly and at once (a SQLite connection's own commits do not move its data_version; a
 * NOTIFY reaches a listener only after a round trip).
 */
const LOCAL_PEERS = new WeakMap<object, Set<(notice: string) => void>>();

function localPeers(store: Store): Set<(notice: string) => void> {
  const handle: object | undefined = store.sqlite ?? store.pool;
  if (!handle) throw new Error('A store has either a SQLite handle or a PostgreSQL pool');
  let peers = LOCAL_PEERS.get(handle);
  if (!peers) {
    peers = new Set();
    LOCAL_PEERS.set(handle, peers);
  }
  return peers;
}

/**
 * A pool's name in its NOTIFY payloads (`<origin> <notice>`): listeners on the same pool skip
 * what it sent, since its local peers were told at once (a write in `serve` would otherwise be
 * heard twice more, by each listener's engine).
 */
const ORIGINS = new WeakMap<object, string>();

function originOf(pool: object): string {
  let origin = ORIGINS.get(pool);
  if (origin === undefined) {
    origin = randomBytes(6).toString('hex');
    ORIGINS.set(pool, origin);
  }
  return origin;
}

/**
 * The NOTIFYs of one pool, sent together: the first goes at once, and those that come while a
 * statement is on its way go in the next, as one statement. Under concurrent writes a round
 * trip per write (the cost of a write on PostgreSQL rose by a fifth with it) becomes one per
 * batch. Each sender's promise settles with the statement that carried its payloads.
 */
class Notifier {
  private queued: string[] = [];
  private waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private sending = false;

  constructor(private readonly pool: pg.Pool) {}

  send(payloads: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push(...payloads);
      this.waiting.push({ resolve, reject });
      if (!this.sending) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.sending = true;
    while (this.queued.length > 0) {
      const payloads = this.queued;
      const waiting = this.waiting;
      this.queued = [];
      this.waiting = [];
      try {
        await this.pool.query({
          name: 'roster_notify',
          text: 'select pg_notify($1, payload) from unnest($2::text[]) as payload',
          values: [CHANNEL, payloads],
        });
        for (const w of waiting) w.resolve();
      } catch (err) {
        for (const w of waiting) w.reject(err);
      }
    }
    this.sending = false;
  }
}

const NOTIFIERS = new WeakMap<pg.Pool, Notifier>();

/** Tells the local peers but `self`, then (PostgreSQL) every other process. */
async function tell(store: Store, self: unknown, table: string, ids: readonly RecordId[] | undefined): Promise<void> {
  const peers = localPeers(store);
  const told = notices(table, ids);
  for (const notice of told) for (const peer of peers) if (peer !== self) peer(notice);
  const { pool } = store;
  if (!pool || told.length === 0) return;
  let notifier = NOTIFIERS.get(pool);
  if (!notifier) {
    notifier = new Notifier(pool);
    NOTIFIERS.set(pool, notifier);
  }
  await notifier.send(told.map((notice) => `${originOf(pool)} ${notice}`));
}

/** A NOTIFY payload's notice, or undefined when `origin` (this pool) sent it; a payload without an origin is another's. */
function foreignNotice(payload: string | undefined, origin: string): string | undefined {
  if (payload === undefined) return ALL_TABLES;
  const space = payload.indexOf(' ');
  if (space < 0) return payload;
  return payload.slice(0, space) === origin ? undefined : payload.slice(space + 1);
}

/**
 * A feed that tells and never hears: for a command that writes a few rows and exits (or a
 * detached engine in a test), so the servers on the database still drop what those rows change.
 */
export function publishingFeed(store: Store): ChangeFeed {
  return {
    publish: (table, ids) => tell(store, undefined, table, ids),
    poll: () => undefined,
    close: () => Promise.resolve(),
  };
}

/** `forget(table)` drops one table's cache, `forget(table, ids)` what shows those rows, `forget()` everything. */
export async function openChangeFeed(store: Store, forget: Forget): Promise<ChangeFeed> {
  const { sqlite, pool } = store;
  const peers = localPeers(store);
  const hear = (notice: string) => heardOf(notice, forget);
  if (sqlite) {
    // Prepared once: `Database#pragma` prepares its statement anew on every call.
    const statement = sqlite.prepare('pragma data_version').pluck();
    const version = (): unknown => statement.get();
    let seen = version();
    let checkedAt = 0;
    peers.add(hear);
    return {
      publish: (table, ids) => tell(store, hear, table, ids),
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
    if (msg.channel !== CHANNEL) return;
    const notice = foreignNotice(msg.payload, originOf(pool));
    if (notice !== undefined) heardOf(notice, forget);
  };
  // A lost listener connection could miss changes: drop everything and let reads refill.
  const onError = () => forget();
  client.on('notification', onNotification);
  client.on('error', onError);
  await client.query(`LISTEN ${CHANNEL}`);
  peers.add(hear);
  return {
    publish: (table, ids) => tell(store, hear, table, ids),
    poll: () => undefined,
    async close() {
      peers.delete(hear);
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
