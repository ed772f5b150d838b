import { nowIso } from './codec.js';
import type { Store } from './database.js';

/**
 * The pages' sign-in sessions (@fastify/session's store), in the database so that any Roster
 * process on it knows a session another one started. A session is its JSON, kept until
 * `expiresAt`; an expired one reads as none.
 */
export class WebSessionRepository {
  constructor(private readonly store: Store) {}

  /** The session's JSON, unless it is unknown or expired. */
  async get(sid: string): Promise<string | undefined> {
    const row = await this.store.db
      .selectFrom('web_sessions')
      .select('data')
      .where('sid', '=', sid)
      .where('expires_at', '>', nowIso())
      .executeTakeFirst();
    return typeof row?.['data'] === 'string' ? row['data'] : undefined;
  }

  /** Writes (or replaces) the session, kept until `expiresAt` (ISO-8601 UTC). */
  async set(sid: string, data: string, expiresAt: string): Promise<void> {
    await this.store.db
      .insertInto('web_sessions')
      .values({ sid, data, expires_at: expiresAt })
      .onConflict((oc) => oc.column('sid').doUpdateSet({ data, expires_at: expiresAt }))
      .execute();
    // Expired sessions go as new ones come, so the table never grows without bound.
    await this.store.db.deleteFrom('web_sessions').where('expires_at', '<=', nowIso()).execute();
  }

  async destroy(sid: string): Promise<void> {
    await this.store.db.deleteFrom('web_sessions').where('sid', '=', sid).execute();
  }
}
