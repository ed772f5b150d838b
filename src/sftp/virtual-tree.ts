import { nameOf, nameRefusal, normalizePath, parentOf } from './paths.js';

/** A fixed folder of the tree. Folders are not stored: they follow from the drop folders. */
export interface Folder {
  /** Where clients see it (`/Incoming/Users`). */
  readonly path: string;
  /** The names of the folders in it, in listing order. */
  readonly subfolders: readonly string[];
  /**
   * The folder of the file store whose files it shows, when it shows files: its own path, or
   * for `/Archive/Incoming/<Drop>` (an alias) `/Incoming/Archive/<Drop>`.
   */
  readonly files?: string;
  /** True for drop folders only: clients may put, rename and remove files there. */
  readonly writable: boolean;
}

/** What a normalized path names in the tree. */
export type Resolved =
  | { readonly kind: 'folder'; readonly folder: Folder }
  /** A name in a folder that shows files; the file there may or may not exist. */
  | { readonly kind: 'file'; readonly path: string; readonly name: string; readonly folder: Folder; readonly stored: string }
  /** Nothing can be here: the parent is no folder, or holds only folders. */
  | { readonly kind: 'nothing'; readonly path: string };

/** The folder under `/Incoming` the loader moves processed files to (and so no drop folder's name). */
export const ARCHIVE = 'Archive';

/**
 * The fixed folder layout Coupa's SFTP site has, for a list of drop folders (`['Users']`):
 *
 * ```
 * /                            Incoming, Outgoing, Archive        read-only
 * /Incoming                    <Drop>…, Archive                   read-only
 * /Incoming/<Drop>             files                              drop folder: put, get, rename, rm
 * /Incoming/Archive            <Drop>…                            read-only
 * /Incoming/Archive/<Drop>     files the loader moved here        read-only
 * /Archive                     Incoming                           read-only
 * /Archive/Incoming            <Drop>…                            read-only
 * /Archive/Incoming/<Drop>     the same files as /Incoming/Archive/<Drop> (Coupa's docs name both)
 * /Outgoing                    files (none yet)                   read-only
 * ```
 */
export class VirtualTree {
  private readonly folders = new Map<string, Folder>();
  /** The drop folders' paths, for messages (`/Incoming/Users`). */
  readonly dropPaths: readonly string[];

  /** Throws when a drop folder's name could not be a folder here (empty, `Archive`, twice, a `/`, a control character…). */
  constructor(dropFolders: readonly string[]) {
    for (const [i, drop] of dropFolders.entries()) {
      const refusal =
        nameRefusal(drop) ??
        (drop.includes('/') ? 'a folder name holds no /' : undefined) ??
        (drop === '.' || drop === '..' || drop === ARCHIVE ? 'a reserved name' : undefined);
      if (refusal !== undefined) throw new Error(`Drop folder name ${JSON.stringify(drop)} cannot be used (${refusal})`);
      if (dropFolders.indexOf(drop) !== i) throw new Error(`Drop folder ${drop} is listed twice`);
    }
    const add = (folder: Folder): void => {
      this.folders.set(folder.path, folder);
    };
    add({ path: '/', subfolders: ['Incoming', 'Outgoing', ARCHIVE], writable: false });
    add({ path: '/Incoming', subfolders: [...dropFolders, ARCHIVE], writable: false });
    add({ path: `/Incoming/${ARCHIVE}`, subfolders: dropFolders, writable: false });
    add({ path: `/${ARCHIVE}`, subfolders: ['Incoming'], writable: false });
    add({ path: `/${ARCHIVE}/Incoming`, subfolders: dropFolders, writable: false });
    add({ path: '/Outgoing', subfolders: [], files: '/Outgoing', writable: false });
    for (const drop of dropFolders) {
      add({ path: `/Incoming/${drop}`, subfolders: [], files: `/Incoming/${drop}`, writable: true });
      add({ path: `/Incoming/${ARCHIVE}/${drop}`, subfolders: [], files: `/Incoming/${ARCHIVE}/${drop}`, writable: false });
      add({ path: `/${ARCHIVE}/Incoming/${drop}`, subfolders: [], files: `/Incoming/${ARCHIVE}/${drop}`, writable: false });
    }
    this.dropPaths = dropFolders.map((drop) => `/Incoming/${drop}`);
  }

  /** What the path a client sent names, after normalizing it (see normalizePath). */
  resolve(raw: string): Resolved {
    const path = normalizePath(raw);
    const folder = this.folders.get(path);
    if (folder) return { kind: 'folder', folder };
    const parent = this.folders.get(parentOf(path));
    if (parent?.files === undefined) return { kind: 'nothing', path };
    const name = nameOf(path);
    return { kind: 'file', path, name, folder: parent, stored: `${parent.files}/${name}` };
  }

  /** The folder at a normalized path, if there is one. */
  folder(path: string): Folder | undefined {
    return this.folders.get(path);
  }
}
