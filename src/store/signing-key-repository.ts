import { randomBytes } from 'node:crypto';
import type { Store } from './database.js';

export interface SigningKey {
  readonly kid: string;
  readonly algorithm: 'HS256';
  readonly secret: Uint8Array;
}

const KID = 'roster-1';

/**
 * The key tokens are signed with, generated on first use and kept in the database, so tokens
 * survive a restart and every server process on one database accepts the others' tokens.
 * Roster both issues and verifies, so a symmetric HMAC key is enough and is the cheapest to check.
 */
export async function loadSigningKey(store: Store): Promise<SigningKey> {
  // Two processes starting at once both try; the first insert wins and both read it back.
  await store.db
    .insertInto('signing_keys')
    .values({ kid: KID, algorithm: 'HS256', secret: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('kid').doNothing())
    .execute();
  const row = await store.db.selectFrom('signing_keys').selectAll().where('kid', '=', KID).executeTakeFirstOrThrow();
  return { kid: KID, algorithm: 'HS256', secret: Buffer.from(String(row['secret']), 'base64url') };
}
