import type { Store } from './database.js';

/**
 * Credentials checked on every request (API keys, OAuth clients), remembered for a moment so
 * a burst costs one lookup. Every repository on one store shares the cache and a revoke there
 * clears it at once; a revoke by another process takes effect within the TTL.
 */
export class CredentialCache<V> {
  private readonly byStore = new WeakMap<Store, Map<string, { value: V; expires: number }>>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 1000,
  ) {
    ALL.add(this);
  }

  private entries(store: Store): Map<string, { value: V; expires: number }> {
    let entries = this.byStore.get(store);
    if (!entries) {
      entries = new Map();
      this.byStore.set(store, entries);
    }
    return entries;
  }

  /** The remembered value, boxed so that a remembered `undefined` ("no such client") is told from a miss. */
  get(store: Store, key: string, now: number): { value: V } | undefined {
    const hit = this.entries(store).get(key);
    return hit && hit.expires > now ? { value: hit.value } : undefined;
  }

  set(store: Store, key: string, value: V, now: number): void {
    const entries = this.entries(store);
    if (entries.size >= this.max) entries.clear();
    entries.set(key, { value, expires: now + this.ttlMs });
  }

  delete(store: Store, key: string): void {
    this.entries(store).delete(key);
  }

  clear(store: Store): void {
    this.entries(store).clear();
  }
}

const ALL = new Set<CredentialCache<unknown>>();

/**
 * Forgets every remembered credential of `store`: after a reset or a restore, a credential's
 * API user is another row, and no request may act as the old one.
 */
export function forgetCredentials(store: Store): void {
  for (const cache of ALL) cache.clear(store);
}
