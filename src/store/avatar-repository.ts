import { indexCatalog } from '../catalog/lookup.js';
import type { ResourceDef } from '../catalog/resource.js';
import { nowIso } from './codec.js';
import type { Store } from './database.js';

export interface Avatar {
  readonly contentType: string;
  readonly filename: string;
  readonly data: Buffer;
  readonly updatedAt: string;
}

/** The owner's columns an avatar write sets: its `avatar-thumb-url` and its `updated-at`. */
function ownerColumns(def: ResourceDef): { url: string; updatedAt: string } {
  const scalars = indexCatalog(def).scalars;
  const url = scalars.find((el) => el.name === 'avatar-thumb-url')?.column;
  const updatedAt = scalars.find((el) => el.auto === 'updated-at')?.column;
  if (!url || !updatedAt) throw new Error(`${def.name} has no avatar-thumb-url or updated-at to keep an avatar`);
  return { url, updatedAt };
}

/**
 * Avatar images live in the database so every server process can serve them. The owner is a
 * row of `def` (users), whose `avatar-thumb-url` points at the image.
 */
export class AvatarRepository {
  private readonly columns: { url: string; updatedAt: string };

  constructor(
    private readonly store: Store,
    private readonly def: ResourceDef,
  ) {
    this.columns = ownerColumns(def);
  }

  /** Saves the image and points the owner's avatar-thumb-url at it, in one transaction. */
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
        .updateTable(this.def.table)
        .set({ [this.columns.url]: url(version), [this.columns.updatedAt]: updatedAt })
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
      await trx
        .updateTable(this.def.table)
        .set({ [this.columns.url]: null, [this.columns.updatedAt]: nowIso() })
        .where('id', '=', userId)
        .execute();
    });
  }
}
