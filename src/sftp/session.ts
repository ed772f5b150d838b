import type { Attributes, FileEntry as WireEntry, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import type { FileEntry, FileStore } from '../store/file-store.js';
import type { Store } from '../store/database.js';
import { fileAttributes, folderAttributes, longname } from './attributes.js';
import { nameRefusal, normalizePath, shown } from './paths.js';
import { refuse, SftpRefusal, STATUS_CODE, statusNumber } from './refusal.js';
import type { SftpLogger } from './server.js';
import { UploadBuffer } from './upload-buffer.js';
import type { Folder, Resolved, VirtualTree } from './virtual-tree.js';

const { OPEN_MODE } = ssh2.utils.sftp;

/** Handles one session may hold open at once (files and folders). */
export const MAX_HANDLES = 64;
/** Files (uploads and downloads) one connection may have open at once, across its sessions: each holds up to maxFileBytes in memory. */
export const MAX_OPEN_FILES = 16;
/** Names per SSH_FXP_NAME answer to SSH_FXP_READDIR, as OpenSSH's server sends: keeps each packet far below 256 KiB. */
const NAMES_PER_READDIR = 100;
/** The most bytes one SSH_FXP_DATA carries; clients ask again for the rest (they handle short reads). */
const MAX_READ_BYTES = 64 * 1024;
/** Attempts at storing an upload when a concurrent upload of the same name wins the path's unique index. */
const STORE_ATTEMPTS = 3;

/** What every session of a server shares. */
export interface SessionServices {
  readonly store: Store;
  readonly files: FileStore;
  readonly tree: VirtualTree;
  /** Bytes one file may hold (Coupa: 8 MiB). */
  readonly maxFileBytes: number;
  /** Files one drop folder may hold. */
  readonly maxFilesPerFolder: number;
  readonly logger: SftpLogger;
  readonly onUpload?: ((path: string) => void) | undefined;
  /** When the server started: the folders' times. */
  readonly started: Date;
}

/** What one connection's sessions share: who signed in, and how many files it has open. */
export interface ConnectionState {
  readonly account: string;
  openFiles: number;
}

type OpenHandle =
  | { readonly kind: 'folder'; readonly path: string; readonly entries: readonly WireEntry[]; next: number }
  | { readonly kind: 'reader'; readonly path: string; readonly data: Buffer; readonly attrs: Attributes }
  | {
      readonly kind: 'writer';
      readonly path: string;
      readonly stored: string;
      readonly folder: Folder;
      readonly upload: UploadBuffer;
      readonly append: boolean;
      readonly readable: boolean;
      /** Set once a WRITE was refused: the upload is discarded and its CLOSE fails with this. */
      refused?: string;
    };

type Writer = Extract<OpenHandle, { kind: 'writer' }>;

/** `8 MB (8388608 bytes)` for whole mebibytes (as Coupa states its limit), else `1000 bytes`. */
export function describeBytes(bytes: number): string {
  const mib = 1024 * 1024;
  return bytes % mib === 0 ? `${bytes / mib} MB (${bytes} bytes)` : `${bytes} bytes`;
}

const contentTypeOf = (name: string): string => (/\.csv$/i.test(name) ? 'text/csv' : 'application/octet-stream');

/** What ssh2's SFTP channel has, undocumented, to send a session's exit status (its Channel has `exit`; SFTP lacks it). */
interface ChannelInternals {
  readonly outgoing?: { readonly id: number; readonly state: string };
  readonly _protocol?: { exitStatus(channel: number, status: number): void };
}

/** Sends SSH_MSG_CHANNEL_REQUEST "exit-status" (RFC 4254 §6.10) on the session the SFTP subsystem runs in. */
function sendExitStatus(sftp: SFTPWrapper, status: number): void {
  const channel = sftp as unknown as ChannelInternals;
  if (channel.outgoing?.state === 'open' && typeof channel._protocol?.exitStatus === 'function') {
    channel._protocol.exitStatus(channel.outgoing.id, status);
  }
}

/**
 * Serves one SFTP session (the `sftp` subsystem of one channel) over the virtual tree: answers
 * every request of draft-ietf-secsh-filexfer-02 with its reply or an SSH_FXP_STATUS whose
 * message a user can read. Uploads are assembled in memory and stored only on SSH_FXP_CLOSE;
 * whatever is open when the session ends is dropped, so an interrupted upload stores nothing.
 */
export function serveSftpSession(sftp: SFTPWrapper, services: SessionServices, connection: ConnectionState): void {
  const { tree, files, logger } = services;
  const handles = new Map<number, OpenHandle>();
  let nextHandle = 0;
  let ended = false;

  const log = (fields: object): object => ({ user: shown(connection.account), ...fields });

  /** Runs a request's handler; its result, or its refusal, is the reply. */
  const respond = (request: string, reqId: number, handler: () => Promise<void> | void): void => {
    const fail = (err: unknown): void => {
      if (err instanceof SftpRefusal) {
        sftp.status(reqId, statusNumber(err.code), err.message);
        return;
      }
      logger.error(log({ request, err }), 'SFTP request failed');
      sftp.status(reqId, STATUS_CODE.FAILURE, `Internal error while answering ${request}; the server logged it`);
    };
    try {
      const done = handler();
      if (done) done.catch(fail);
    } catch (err) {
      fail(err);
    }
  };

  const ok = (reqId: number): void => sftp.status(reqId, STATUS_CODE.OK);

  const openHandle = (entry: OpenHandle): Buffer => {
    // A request answered after the session ended (its client gone mid-OPEN) keeps nothing open.
    if (ended) refuse('FAILURE', 'The session has ended');
    if (handles.size >= MAX_HANDLES) {
      refuse('FAILURE', `Too many open handles (at most ${MAX_HANDLES} in one session); close some first`);
    }
    const id = nextHandle;
    nextHandle = (nextHandle + 1) >>> 0;
    handles.set(id, entry);
    const handle = Buffer.alloc(4);
    handle.writeUInt32BE(id, 0);
    return handle;
  };

  const handleId = (handle: Buffer): number | undefined => (handle.length === 4 ? handle.readUInt32BE(0) : undefined);

  const lookup = (handle: Buffer): OpenHandle => {
    const id = handleId(handle);
    const entry = id === undefined ? undefined : handles.get(id);
    return entry ?? refuse('FAILURE', 'Invalid handle: it was never opened in this session, or is closed');
  };

  function noSuchFile(path: string): never {
    refuse('NO_SUCH_FILE', `No such file or folder: ${shown(path)}`);
  }

  /** A write (put, rename, rm) may happen only in a drop folder; anywhere else says why not. */
  const writableFile = (resolved: Resolved, verb: string): Extract<Resolved, { kind: 'file' }> => {
    if (resolved.kind === 'file' && resolved.folder.writable) return resolved;
    if (resolved.kind === 'file') return refuse('PERMISSION_DENIED', `Permission denied: ${resolved.folder.path} is read-only`);
    if (resolved.kind === 'folder') {
      return refuse('PERMISSION_DENIED', `Permission denied: ${resolved.folder.path} is a folder, and folders are fixed here`);
    }
    if (tree.dropPaths.length === 0) return refuse('PERMISSION_DENIED', 'Permission denied: this server takes no files');
    return refuse('PERMISSION_DENIED', `Permission denied: files may be ${verb} only in ${tree.dropPaths.join(', ')}`);
  };

  const checkName = (name: string): void => {
    const why = nameRefusal(name);
    if (why !== undefined) refuse('FAILURE', `Refused file name ${shown(name)}: ${why}`);
  };

  /** Refuses a new file in `folder` when it holds as many as it may. */
  const checkRoom = async (folder: Folder): Promise<void> => {
    const held = (await files.list(folder.files ?? folder.path)).length;
    if (held >= services.maxFilesPerFolder) {
      refuse(
        'FAILURE',
        `${folder.path} holds ${held} files, the most it may (${services.maxFilesPerFolder}); remove some, or wait for them to be loaded`,
      );
    }
  };

  const attrsOf = async (resolved: Resolved): Promise<Attributes> => {
    if (resolved.kind === 'folder') return folderAttributes(resolved.folder.writable, services.started);
    if (resolved.kind === 'nothing') return noSuchFile(resolved.path);
    const entry = await files.entry(resolved.stored);
    return entry ? fileAttributes(entry, resolved.folder.writable) : noSuchFile(resolved.path);
  };

  /** Stores a finished upload (SSH_FXP_CLOSE): replaces any file of that name, in one transaction. */
  const storeUpload = async (writer: Writer): Promise<void> => {
    const data = writer.upload.bytes();
    const filename = writer.stored.slice(writer.stored.lastIndexOf('/') + 1);
    for (let attempt = 1; ; attempt++) {
      try {
        await files.replace(writer.stored, { filename, contentType: contentTypeOf(filename), data });
        break;
      } catch (err) {
        // Two uploads of one name committing at once: the later one replaces the earlier, as a second put would.
        if (attempt >= STORE_ATTEMPTS || services.store.dialect.uniqueIndexOf(err) === undefined) throw err;
      }
    }
    writer.upload.discard();
    logger.info(log({ path: shown(writer.stored), bytes: data.length }), 'SFTP upload stored');
    landed(writer.stored);
  };

  /** Tells the loader a file arrived in a drop folder; its failure is logged, never the client's. */
  const landed = (path: string): void => {
    try {
      services.onUpload?.(path);
    } catch (err) {
      logger.error(log({ path: shown(path), err }), 'SFTP onUpload failed');
    }
  };

  /** Gives back the connection's slot a file handle took (folders take none). */
  const release = (entry: OpenHandle): void => {
    if (entry.kind !== 'folder') connection.openFiles--;
  };

  /**
   * Takes one of the connection's MAX_OPEN_FILES slots for the length of `open`; the slot stays
   * taken when `open` answers a handle (CLOSE, or the session's end, gives it back).
   */
  const withFileSlot = async (open: () => Promise<void>): Promise<void> => {
    if (connection.openFiles >= MAX_OPEN_FILES) {
      refuse('FAILURE', `Too many files open at once (at most ${MAX_OPEN_FILES} a connection); close one first`);
    }
    // Taken before the lookups, so concurrent OPENs cannot pass the cap together.
    connection.openFiles++;
    try {
      await open();
    } catch (err) {
      connection.openFiles--;
      throw err;
    }
  };

  sftp.on('OPEN', (reqId, filename, flags) => {
    respond('OPEN', reqId, async () => {
      const resolved = tree.resolve(filename);
      const writes = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC | OPEN_MODE.EXCL)) !== 0;
      if (!writes) {
        if (resolved.kind === 'folder') refuse('FAILURE', `${resolved.folder.path} is a folder: list it, or open a file in it`);
        if (resolved.kind !== 'file') return noSuchFile(resolved.path);
        await withFileSlot(async () => {
          const entry = await files.entry(resolved.stored);
          const data = entry ? await files.read(resolved.stored) : undefined;
          if (!entry || !data) return noSuchFile(resolved.path);
          const attrs = fileAttributes(entry, resolved.folder.writable);
          sftp.handle(reqId, openHandle({ kind: 'reader', path: resolved.path, data, attrs }));
        });
        return;
      }
      if (filename === '') refuse('FAILURE', 'Refused file name "": a file name may not be empty');
      const target = writableFile(resolved, 'written');
      checkName(target.name);
      await withFileSlot(async () => {
        const existing = await files.entry(target.stored);
        if (existing && flags & OPEN_MODE.EXCL) refuse('FAILURE', `${shown(target.path)} already exists`);
        if (!existing && !(flags & OPEN_MODE.CREAT)) noSuchFile(target.path);
        if (!existing) await checkRoom(target.folder);
        // Without TRUNC the file keeps its bytes (a resumed or appended upload writes after them).
        const initial = existing && !(flags & OPEN_MODE.TRUNC) ? await files.read(target.stored) : undefined;
        if (initial && initial.length > services.maxFileBytes) {
          refuse('FAILURE', `${shown(target.path)} already passes the limit of ${describeBytes(services.maxFileBytes)} per file`);
        }
        const handle = openHandle({
          kind: 'writer',
          path: target.path,
          stored: target.stored,
          folder: target.folder,
          upload: new UploadBuffer(services.maxFileBytes, initial),
          append: (flags & OPEN_MODE.APPEND) !== 0,
          readable: (flags & OPEN_MODE.READ) !== 0,
        });
        sftp.handle(reqId, handle);
      });
    });
  });

  /** Refuses the request that would take an upload past the limit, and discards the upload: its later requests and its CLOSE fail too. */
  function tooLarge(entry: Writer): never {
    entry.refused =
      `File too large: ${shown(entry.path)} passes the limit of ${describeBytes(services.maxFileBytes)} per file; ` +
      'the upload was discarded';
    entry.upload.discard();
    logger.warn(log({ path: shown(entry.stored), limit: services.maxFileBytes }), 'SFTP upload over the size limit discarded');
    refuse('FAILURE', entry.refused);
  }

  sftp.on('WRITE', (reqId, handle, offset, data) => {
    respond('WRITE', reqId, () => {
      const entry = lookup(handle);
      if (entry.kind !== 'writer') refuse('PERMISSION_DENIED', `Permission denied: ${shown(entry.path)} is not open for writing`);
      if (entry.refused !== undefined) refuse('FAILURE', entry.refused);
      const at = entry.append ? entry.upload.length : offset;
      if (entry.upload.exceeds(at, data.length)) tooLarge(entry);
      entry.upload.write(at, data);
      ok(reqId);
    });
  });

  sftp.on('READ', (reqId, handle, offset, length) => {
    respond('READ', reqId, () => {
      const entry = lookup(handle);
      switch (entry.kind) {
        case 'folder':
          return refuse('FAILURE', `${entry.path} is a folder: list it, or open a file in it`);
        case 'writer': {
          if (!entry.readable)
            return refuse('PERMISSION_DENIED', `Permission denied: ${shown(entry.path)} is open for writing only`);
          const chunk = entry.upload.read(offset, Math.min(length, MAX_READ_BYTES));
          if (chunk.length === 0) return refuse('EOF', 'End of file');
          sftp.data(reqId, chunk);
          return;
        }
        case 'reader': {
          if (offset >= entry.data.length) return refuse('EOF', 'End of file');
          sftp.data(reqId, entry.data.subarray(offset, Math.min(entry.data.length, offset + Math.min(length, MAX_READ_BYTES))));
          return;
        }
      }
    });
  });

  sftp.on('CLOSE', (reqId, handle) => {
    respond('CLOSE', reqId, async () => {
      const entry = lookup(handle);
      const id = handleId(handle);
      if (id !== undefined) handles.delete(id);
      release(entry);
      if (entry.kind === 'writer') {
        if (entry.refused !== undefined) refuse('FAILURE', `${entry.refused}; nothing was stored`);
        await storeUpload(entry);
      }
      ok(reqId);
    });
  });

  sftp.on('FSTAT', (reqId, handle) => {
    respond('FSTAT', reqId, () => {
      const entry = lookup(handle);
      switch (entry.kind) {
        case 'folder':
          sftp.attrs(reqId, folderAttributes(tree.folder(entry.path)?.writable ?? false, services.started));
          return;
        case 'reader':
          sftp.attrs(reqId, entry.attrs);
          return;
        case 'writer':
          sftp.attrs(reqId, fileAttributes({ size: entry.upload.length, updatedAt: new Date().toISOString() }, true));
          return;
      }
    });
  });

  sftp.on('FSETSTAT', (reqId, handle, attrs) => {
    respond('FSETSTAT', reqId, () => {
      const entry = lookup(handle);
      if (entry.kind !== 'writer') {
        refuse('PERMISSION_DENIED', `Permission denied: the attributes of ${shown(entry.path)} cannot be changed`);
      }
      if (entry.refused !== undefined) refuse('FAILURE', entry.refused);
      // On an upload of this session: a size cuts or extends it (OpenSSH's scp opens without TRUNC
      // and sets the size last); modes and times mean nothing here, so they are a no-op that
      // succeeds (ssh2-sftp-client's put sets the mode of every file it opens, `put -p` the times).
      const size: unknown = attrs.size;
      if (typeof size === 'number') {
        if (entry.upload.exceeds(size, 0)) tooLarge(entry);
        entry.upload.resize(size);
      }
      ok(reqId);
    });
  });

  sftp.on('SETSTAT', (reqId, path) => {
    respond('SETSTAT', reqId, () =>
      refuse('PERMISSION_DENIED', `Permission denied: the attributes of ${shown(normalizePath(path))} cannot be changed`),
    );
  });

  const stat = (request: string) => (reqId: number, path: string) => {
    respond(request, reqId, async () => {
      sftp.attrs(reqId, await attrsOf(tree.resolve(path)));
    });
  };
  sftp.on('STAT', stat('STAT'));
  // There are no links: LSTAT is STAT.
  sftp.on('LSTAT', stat('LSTAT'));

  sftp.on('OPENDIR', (reqId, path) => {
    respond('OPENDIR', reqId, async () => {
      const resolved = tree.resolve(path);
      if (resolved.kind === 'file') {
        if (await files.entry(resolved.stored)) refuse('FAILURE', `${shown(resolved.path)} is a file, not a folder`);
        return noSuchFile(resolved.path);
      }
      if (resolved.kind === 'nothing') return noSuchFile(resolved.path);
      const { folder } = resolved;
      const now = Date.now();
      const folderEntry = (name: string, writable: boolean): WireEntry => {
        const attrs = folderAttributes(writable, services.started);
        return { filename: name, longname: longname(name, attrs, now), attrs };
      };
      const stored: FileEntry[] = folder.files === undefined ? [] : await files.list(folder.files);
      const entries: WireEntry[] = [
        folderEntry('.', folder.writable),
        folderEntry('..', false),
        ...folder.subfolders.map((name) =>
          folderEntry(name, tree.folder(`${folder.path === '/' ? '' : folder.path}/${name}`)?.writable ?? false),
        ),
        ...stored.map((file) => {
          const attrs = fileAttributes(file, folder.writable);
          return { filename: file.filename, longname: longname(file.filename, attrs, now), attrs };
        }),
      ];
      sftp.handle(reqId, openHandle({ kind: 'folder', path: folder.path, entries, next: 0 }));
    });
  });

  sftp.on('READDIR', (reqId, handle) => {
    respond('READDIR', reqId, () => {
      const entry = lookup(handle);
      if (entry.kind !== 'folder') refuse('FAILURE', `${shown(entry.path)} is a file, not a folder`);
      if (entry.next >= entry.entries.length) refuse('EOF', 'End of folder');
      const batch = entry.entries.slice(entry.next, entry.next + NAMES_PER_READDIR);
      entry.next += batch.length;
      sftp.name(reqId, batch);
    });
  });

  sftp.on('REALPATH', (reqId, path) => {
    respond('REALPATH', reqId, () => {
      const normalized = normalizePath(path);
      // SSH_FXP_NAME with one name and dummy attributes, as OpenSSH's server answers.
      sftp.name(reqId, [{ filename: normalized, longname: normalized, attrs: {} as Attributes }]);
    });
  });

  sftp.on('REMOVE', (reqId, path) => {
    respond('REMOVE', reqId, async () => {
      const target = writableFile(tree.resolve(path), 'removed');
      if (!(await files.remove(target.stored))) return noSuchFile(target.path);
      logger.info(log({ path: shown(target.stored) }), 'SFTP file removed');
      ok(reqId);
    });
  });

  sftp.on('RENAME', (reqId, oldPath, newPath) => {
    respond('RENAME', reqId, async () => {
      const from = writableFile(tree.resolve(oldPath), 'renamed');
      if (newPath === '') refuse('FAILURE', 'Refused file name "": a file name may not be empty');
      const to = writableFile(tree.resolve(newPath), 'renamed');
      checkName(to.name);
      if (!(await files.entry(from.stored))) return noSuchFile(from.path);
      if (from.stored === to.stored) return ok(reqId);
      if (await files.entry(to.stored)) refuse('FAILURE', `${shown(to.path)} already exists; remove it first`);
      if (from.folder !== to.folder) await checkRoom(to.folder);
      if (!(await files.move(from.stored, to.stored))) {
        // Another session moved or took a name first.
        if (!(await files.entry(from.stored))) return noSuchFile(from.path);
        refuse('FAILURE', `${shown(to.path)} already exists; remove it first`);
      }
      logger.info(log({ from: shown(from.stored), to: shown(to.stored) }), 'SFTP file renamed');
      landed(to.stored);
      ok(reqId);
    });
  });

  sftp.on('MKDIR', (reqId, path) => {
    respond('MKDIR', reqId, () =>
      refuse(
        'PERMISSION_DENIED',
        `Permission denied: cannot make ${shown(normalizePath(path))}; folders are fixed here (files go in ${tree.dropPaths.join(', ')})`,
      ),
    );
  });

  sftp.on('RMDIR', (reqId, path) => {
    respond('RMDIR', reqId, () =>
      refuse('PERMISSION_DENIED', `Permission denied: cannot remove ${shown(normalizePath(path))}; folders are fixed here`),
    );
  });

  sftp.on('READLINK', (reqId, path) => {
    respond('READLINK', reqId, () =>
      refuse('PERMISSION_DENIED', `Permission denied: ${shown(normalizePath(path))} is no link; there are no links here`),
    );
  });

  sftp.on('SYMLINK', (reqId) => {
    respond('SYMLINK', reqId, () => refuse('PERMISSION_DENIED', 'Permission denied: symbolic links cannot be made here'));
  });

  sftp.on('EXTENDED', (reqId, name) => {
    respond('EXTENDED', reqId, () => {
      if (name === 'hardlink@openssh.com') refuse('PERMISSION_DENIED', 'Permission denied: hard links cannot be made here');
      refuse('OP_UNSUPPORTED', `Unsupported request: ${shown(name)} (this server offers no SFTP extensions)`);
    });
  });

  sftp.on('error', (err: unknown) => {
    // A malformed packet ends the session (ssh2 closes the channel); nothing to answer.
    logger.warn(log({ err: err instanceof Error ? err.message : String(err) }), 'SFTP session ended on a protocol error');
  });

  const end = (): void => {
    if (ended) return;
    ended = true;
    for (const entry of handles.values()) {
      release(entry);
      if (entry.kind === 'writer') {
        entry.upload.discard();
        logger.info(log({ path: shown(entry.stored) }), 'SFTP upload discarded: the session ended before it was closed');
      }
    }
    handles.clear();
  };
  sftp.once('end', () => {
    end();
    // The client sent EOF (it is done): answer an exit status, as sshd does for its sftp-server
    // (OpenSSH's scp, which speaks SFTP, fails without one), and close the channel.
    sendExitStatus(sftp, 0);
    sftp.end();
  });
  sftp.once('close', end);
}
