/** The most bytes (UTF-8) one name in the tree may take, as most file systems allow. */
export const MAX_NAME_BYTES = 255;

/**
 * A path as a client sent it, resolved against `/` as in a chroot: relative paths start at `/`
 * (every account's home), empty segments and `.` are dropped, `..` goes up one folder and never
 * above `/`. The result is absolute, without a trailing slash (`/`, `/Incoming/Users/a.csv`).
 */
export function normalizePath(raw: string): string {
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/** The folder a normalized path is in (`/Incoming/Users` for `/Incoming/Users/a.csv`; `/` for `/` itself). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** The last name of a normalized path (`a.csv`; empty for `/`). */
export const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Why `name` may not name a new file, or undefined when it may: it is empty, holds a control
 * character (a byte below 0x20, or 0x7f), was not valid UTF-8 (ssh2 decodes names as UTF-8,
 * turning bad bytes into U+FFFD), or takes more than MAX_NAME_BYTES bytes. Sentences end
 * without a period, to follow "Refused file name …: ".
 */
export function nameRefusal(name: string): string | undefined {
  if (name === '') return 'a file name may not be empty';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a file name may not hold control characters (bytes below 0x20, or 0x7f)';
  if (name.includes('\ufffd')) return 'a file name must be valid UTF-8';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) return `a file name may take at most ${MAX_NAME_BYTES} bytes (this one takes ${bytes})`;
  return undefined;
}

/**
 * A name or path as shown in a status message or a log line: as is when it is plain printable
 * text, otherwise quoted and escaped (JSON), so a control character cannot garble the client's
 * terminal; cut at 300 characters either way.
 */
export function shown(text: string): string {
  const cut = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
  return /[\u0000-\u001f\u007f-\u009f"\\\ufffd]/.test(cut) ? JSON.stringify(cut) : cut;
}
