import { nowIso } from './codec.js';
import type { Store } from './database.js';

export interface Avatar {
  readonly contentType: string;
  readonly filename: string;
  readonly data: Buffer;
  readonly updatedAt: string;
}

/** Avatar images live in the database so every server process can serve them. */
export class AvatarRepository {
  constructor(private readonly store: Store) {}

  /** Saves the image and points the user's avatar-thumb-url at it, in one transaction. */
  async save(userId: number, avatar: Omit<Avatar, 'updatedAt'>, url: (version: string) => string): Promise<void> {
    const updatedAt = nowIso();
    await this.store.db.transaction().execute(async (trx) => {
      const row = {
        content_type: avatar.contentType,
        filename: avatar.filename,
        data: avatar.data,
        updated_at: updatedAt,
      };
      // An upsert, so concurrent uploads to one user never collide on the key: the last one wins.
      await trx
        .insertInto('avatars')
        .values({ user_id: userId, ...row })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
        .execute();
      // Milliseconds, so two uploads within a second still get different URLs.
      const version = String(Date.now());
      await trx
        .updateTable('users')
        .set({ avatar_thumb_url: url(version), updated_at: updatedAt })
        .where('id', '=', userId)
        .execute();
    });
  }

  async find(userId: number): Promise<Avatar | undefined> {
    const row = await this.store.db.selectFrom('avatars').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!row) return undefined;
    const updated = row['updated_at'];
    return {
      contentType: String(row['content_type']),
      filename: String(row['filename']),
      data: Buffer.from(row['data'] as Uint8Array),
      updatedAt: updated instanceof Date ? updated.toISOString() : String(updated),
    };
  }

  async remove(userId: number): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('avatars').where('user_id', '=', userId).execute();
      await trx.updateTable('users').set({ avatar_thumb_url: null, updated_at: nowIso() }).where('id', '=', userId).execute();
    });
  }
}
