import { indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import type { Store } from './database.js';
import type { WriteDb } from './write-db.js';

/** An uploaded attachment's bytes and their sniffed type. */
export interface AttachmentFile {
  readonly contentType: string;
  readonly data: Buffer;
}

const ATTACHMENTS = resourceNamed('worker_document_attachments');

/**
 * The bytes of uploaded attachments, in the database (every process serves them), one row per
 * attachment, removed with it.
 */
export class AttachmentFileRepository {
  private readonly urlColumn: string;

  constructor(private readonly store: Store) {
    const url = indexCatalog(ATTACHMENTS).scalars.find((el) => el.name === 'file-url');
    if (!url) throw new Error('attachments have no file-url');
    this.urlColumn = url.column;
  }

  /** Stores attachment `id`'s bytes and its download URL, inside the write `trx` that creates it. */
  async save(trx: WriteDb, id: number, file: AttachmentFile, url: string): Promise<void> {
    await trx
      .insertInto('attachment_files')
      .values({ attachment_id: id, content_type: file.contentType, data: file.data })
      .execute();
    await trx
      .updateTable(ATTACHMENTS.table)
      .set({ [this.urlColumn]: url })
      .where('id', '=', id)
      .execute();
  }

  async find(id: number): Promise<AttachmentFile | undefined> {
    const row = await this.store.db.selectFrom('attachment_files').selectAll().where('attachment_id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return { contentType: String(row['content_type']), data: Buffer.from(row['data'] as Uint8Array) };
  }
}
