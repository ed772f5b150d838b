import type { Store } from './database.js';

/**
 * Revokes the credential of `table` whose `column` is `value` (an API key, an OAuth client, an
 * SFTP account): stamps `revoked_at` once, so a revoked row stays listed and is never reused.
 * Returns false when no active row matched.
 */
export async function revokeRow(store: Store, table: string, column: string, value: string | number): Promise<boolean> {
  const result = await store.db
    .updateTable(table)
    .set({ revoked_at: store.clock.iso() })
    .where(column, '=', value)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
