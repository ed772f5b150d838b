import { indexCatalog } from '../catalog/lookup.js';
import { avatarOwner, type ResourceDef } from '../catalog/resource.js';
import type { Store } from './database.js';
import type { WriteDb } from './write-db.js';

export interface Avatar {
  readonly contentType: string;
  readonly filename: string;
  readonly data: Buffer;
  readonly updatedAt: string;
}

/** The owner's columns that describe its avatar (those it has), and its `updated-at`. */
interface OwnerColumns {
  readonly url?: string;
  readonly fileName?: string;
  readonly contentType?: string;
  readonly updatedAt: string;
}

function ownerColumns(def: ResourceDef): OwnerColumns {
  const scalars = indexCatalog(def).scalars;
  const column = (name: string) => scalars.find((el) => el.name === name)?.column;
  const updatedAt = scalars.find((el) => el.auto === 'updated-at')?.column;
  const url = column('avatar-thumb-url');
  const fileName = column('avatar-file-name');
  const contentType = column('avatar-content-type');
  if (!updatedAt || (!url && !fileName && !contentType)) throw new Error(`${def.name} has no avatar elements or updated-at`);
  return { updatedAt, ...(url ? { url } : {}), ...(fileName ? { fileName } : {}), ...(contentType ? { contentType } : {}) };
}

/**
 * Avatar images live in the database so every server process can serve them, one per row of
 * `def` (users, workers) in its avatar table. The owner describes it in the elements it has:
 * `avatar-thumb-url` (a user: a URL to the image) or `avatar-file-name` and
 * `avatar-content-type` (a worker, seed 004).
 */
export class AvatarRepository {
  private readonly columns: OwnerColumns;
  private readonly table: string;
  private readonly owner: string;

  constructor(
    private readonly store: Store,
    private readonly def: ResourceDef,
  ) {
    if (!def.avatar) throw new Error(`${def.name} keeps no avatars`);
    this.table = def.avatar.table;
    this.owner = avatarOwner(def);
    this.columns = ownerColumns(def);
  }

  private async describe(trx: WriteDb, id: number, avatar: Omit<Avatar, 'updatedAt' | 'data'> | null, url: string | null) {
    const { columns } = this;
    await trx
      .updateTable(this.def.table)
      .set({
        [columns.updatedAt]: this.store.clock.iso(),
        ...(columns.url ? { [columns.url]: url } : {}),
        ...(columns.fileName ? { [columns.fileName]: avatar?.filename ?? null } : {}),
        ...(columns.contentType ? { [columns.contentType]: avatar?.contentType ?? null } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Saves the image and describes it on the owner, in one transaction; `url` makes the thumb URL from a version. */
  async save(id: number, avatar: Omit<Avatar, 'updatedAt'>, url: (version: string) => string): Promise<void> {
    const updatedAt = this.store.clock.iso();
    await this.store.db.transaction().execute(async (trx) => {
      const row = { content_type: avatar.contentType, filename: avatar.filename, data: avatar.data, updated_at: updatedAt };
      // An upsert, so concurrent uploads to one owner never collide on the key: the last one wins.
      await trx
        .insertInto(this.table)
        .values({ [this.owner]: id, ...row })
        .onConflict((oc) => oc.column(this.owner).doUpdateSet(row))
        .execute();
      // Milliseconds, so two uploads within a second still get different URLs.
      await this.describe(trx, id, avatar, url(String(Date.now())));
    });
  }

  async find(id: number): Promise<Avatar | undefined> {
    const row = await this.store.db.selectFrom(this.table).selectAll().where(this.owner, '=', id).executeTakeFirst();
    if (!row) return undefined;
    const updated = row['updated_at'];
    return {
      contentType: String(row['content_type']),
      filename: String(row['filename']),
      data: Buffer.from(row['data'] as Uint8Array),
      updatedAt: updated instanceof Date ? updated.toISOString() : String(updated),
    };
  }

  async remove(id: number): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom(this.table).where(this.owner, '=', id).execute();
      await this.describe(trx, id, null, null);
    });
  }
}
