import { datetimeFromDb } from './codec.js';
import type { Row, Store } from './database.js';
import type { WriteDb } from './write-db.js';

/** A stored file without its bytes. */
export interface FileEntry {
  readonly id: number;
  /** Where it is in the SFTP tree (`/Incoming/Users/a.csv`); null once it is only a load's. */
  readonly path: string | null;
  readonly filename: string;
  readonly contentType: string;
  /** Bytes. */
  readonly size: number;
  /** ISO-8601 UTC, to the second. */
  readonly updatedAt: string;
}

/** The row a stored file belongs to, and which of its files it is (`data_file_sources`, 5, `file`). */
export interface FileOwner {
  readonly table: string;
  readonly id: number;
  readonly slot: string;
}

/** A new file: its bytes, name and type, and where it is kept (a path in the tree, an owner, or both). */
export interface NewFile {
  readonly path?: string;
  readonly owner?: FileOwner;
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

const COLUMNS = ['id', 'path', 'filename', 'content_type', 'size', 'updated_at'] as const;

function entryOf(row: Row): FileEntry {
  return {
    id: Number(row['id']),
    path: typeof row['path'] === 'string' ? row['path'] : null,
    filename: String(row['filename']),
    contentType: String(row['content_type']),
    size: Number(row['size']),
    updatedAt: datetimeFromDb(row['updated_at']) ?? '',
  };
}

/**
 * Uploaded bytes, kept in the database so every Roster process on it sees the same files: the
 * SFTP tree (a file's `path`, unique) and the files loads own (a data file source's CSV). Paths
 * are virtual: nothing here ever touches the host's file system. Writes take the transaction
 * they belong to, so a file moves into a load in the same commit that creates the load.
 */
export class FileStore {
  constructor(private readonly store: Store) {}

  /** The file at `path`, without its bytes. */
  async entry(path: string, db: WriteDb = this.store.db): Promise<FileEntry | undefined> {
    const row = await db.selectFrom('stored_files').select(COLUMNS).where('path', '=', path).executeTakeFirst();
    return row ? entryOf(row) : undefined;
  }

  /**
   * The files directly in `folder` (no trailing slash: `/Incoming/Users`), by path: a range
   * over the unique path index, then only names without a further `/`.
   */
  async list(folder: string, db: WriteDb = this.store.db): Promise<FileEntry[]> {
    const rows = await db
      .selectFrom('stored_files')
      .select(COLUMNS)
      // '0' is the character after '/', so this is every path that starts with `${folder}/`.
      .where('path', '>=', `${folder}/`)
      .where('path', '<', `${folder}0`)
      .orderBy('path')
      .execute();
    return rows.map(entryOf).filter((e) => e.path !== null && !e.path.slice(folder.length + 1).includes('/'));
  }

  /** The bytes of the file at `path`. */
  async read(path: string): Promise<Buffer | undefined> {
    const row = await this.store.db.selectFrom('stored_files').select('data').where('path', '=', path).executeTakeFirst();
    return row ? Buffer.from(row['data'] as Uint8Array) : undefined;
  }

  /** The bytes and entry of the file `owner` holds in its slot. */
  async owned(owner: FileOwner): Promise<(FileEntry & { readonly data: Buffer }) | undefined> {
    const row = await this.store.db
      .selectFrom('stored_files')
      .select([...COLUMNS, 'data'])
      .where('owner_table', '=', owner.table)
      .where('owner_id', '=', owner.id)
      .where('slot', '=', owner.slot)
      .executeTakeFirst();
    return row ? { ...entryOf(row), data: Buffer.from(row['data'] as Uint8Array) } : undefined;
  }

  /** Stores a new file; returns its id. A taken `path` throws (use `replace` to overwrite). */
  async add(file: NewFile, db: WriteDb = this.store.db): Promise<number> {
    const now = this.store.clock.iso();
    const row = await db
      .insertInto('stored_files')
      .values({
        path: file.path ?? null,
        owner_table: file.owner?.table ?? null,
        owner_id: file.owner?.id ?? null,
        slot: file.owner?.slot ?? null,
        filename: file.filename,
        content_type: file.contentType,
        size: file.data.length,
        data: file.data,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row['id']);
  }

  /**
   * Puts `data` at `path`, replacing the file there (an SFTP upload over an existing name), in
   * one transaction; returns the new file's id.
   */
  async replace(path: string, file: Omit<NewFile, 'path' | 'owner'>): Promise<number> {
    return this.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('stored_files').where('path', '=', path).execute();
      return this.add({ ...file, path }, trx);
    });
  }

  /**
   * Moves the file at `from` to `to`. False when there is no file at `from` (another process
   * moved it first) or `to` is taken: the move is one conditional UPDATE, so of two processes
   * moving the same file exactly one succeeds.
   */
  async move(from: string, to: string, db: WriteDb = this.store.db, owner?: FileOwner): Promise<boolean> {
    const filename = to.slice(to.lastIndexOf('/') + 1);
    try {
      const result = await db
        .updateTable('stored_files')
        .set({
          path: to,
          filename,
          updated_at: this.store.clock.iso(),
          ...(owner ? { owner_table: owner.table, owner_id: owner.id, slot: owner.slot } : {}),
        })
        .where('path', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    } catch (err) {
      if (this.store.dialect.uniqueIndexOf(err) !== undefined) return false;
      throw err;
    }
  }

  /** Removes the file at `path`; false when there was none. */
  async remove(path: string): Promise<boolean> {
    const result = await this.store.db.deleteFrom('stored_files').where('path', '=', path).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
