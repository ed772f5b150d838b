import type { Attributes } from 'ssh2';
import type { FileEntry } from '../store/file-store.js';

/** Folders clients may put files in (drop folders): `drwxr-xr-x`. */
const DROP_FOLDER_MODE = 0o40755;
/** Every other folder: `dr-xr-xr-x`. */
const READ_ONLY_FOLDER_MODE = 0o40555;
/** A file in a drop folder: `-rw-r--r--`. */
const FILE_MODE = 0o100644;
/** A file in a read-only folder: `-r--r--r--`. */
const READ_ONLY_FILE_MODE = 0o100444;

/** The owner and group `ls -l` shows: every file belongs to the server, whoever uploaded it. */
const OWNER = 'roster';

/** Seconds since the epoch, as SFTP's ATTRS carry times. */
export const unixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** A folder's attributes (SSH_FILEXFER_ATTR_*): its mode, size 0, and `since` (the server's start) as both times. */
export function folderAttributes(writable: boolean, since: Date): Attributes {
  const time = unixSeconds(since);
  return { mode: writable ? DROP_FOLDER_MODE : READ_ONLY_FOLDER_MODE, uid: 0, gid: 0, size: 0, atime: time, mtime: time };
}

/** A stored file's attributes: mode by its folder, its size in bytes, its `updatedAt` as both times. */
export function fileAttributes(entry: Pick<FileEntry, 'size' | 'updatedAt'>, writable: boolean): Attributes {
  const time = unixSeconds(new Date(entry.updatedAt));
  return { mode: writable ? FILE_MODE : READ_ONLY_FILE_MODE, uid: 0, gid: 0, size: entry.size, atime: time, mtime: time };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
/** `ls -l` shows the time of day for the last six months, the year before that. */
const SIX_MONTHS_S = 182 * 24 * 3600;

function permissions(mode: number): string {
  const type = (mode & 0o170000) === 0o040000 ? 'd' : '-';
  const bits = ['r', 'w', 'x', 'r', 'w', 'x', 'r', 'w', 'x'].map((c, i) => (mode & (0o400 >> i) ? c : '-'));
  return type + bits.join('');
}

/** `Jan  2 15:04` or `Jan  2  2023`, in UTC (`ls -l`'s two forms). */
function lsTime(seconds: number, now: number): string {
  const date = new Date(seconds * 1000);
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const month = MONTHS[date.getUTCMonth()] ?? '';
  const recent = seconds > now - SIX_MONTHS_S && seconds <= now + 3600;
  const tail = recent
    ? `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`
    : ` ${date.getUTCFullYear()}`;
  return `${month} ${day} ${tail}`;
}

/**
 * A READDIR entry's `longname`, as OpenSSH's server writes it (`ls -l`):
 * `-rw-r--r--    1 roster   roster        123 Jan  2 15:04 a.csv`.
 */
export function longname(name: string, attrs: Attributes, now = Date.now()): string {
  const size = String(attrs.size).padStart(8, ' ');
  return `${permissions(attrs.mode)}    1 ${OWNER.padEnd(8, ' ')} ${OWNER.padEnd(8, ' ')} ${size} ${lsTime(attrs.mtime, Math.floor(now / 1000))} ${name}`;
}
