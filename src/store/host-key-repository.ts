import type { Store } from './database.js';

/**
 * The private host key named `name` (`host_keys`), made with `generate` the first time and kept,
 * so a restart, and every Roster process on one database, presents the same key to clients.
 * `generate` returns the key as text (an OpenSSH private key); it is called on every load, and
 * its key is stored only when none is: two processes starting at once both try, the first
 * insert wins, and both read it back.
 */
export async function ensureHostKey(store: Store, name: string, generate: () => string): Promise<string> {
  await store.db
    .insertInto('host_keys')
    .values({ name, private_key: generate(), created_at: store.clock.iso() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await store.db.selectFrom('host_keys').select('private_key').where('name', '=', name).executeTakeFirstOrThrow();
  return String(row['private_key']);
}
