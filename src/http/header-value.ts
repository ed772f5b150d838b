/** Longest header value built from a client's words; the rest is summarised (clients cap header sizes). */
export const MAX_LISTED_HEADER_CHARS = 1024;

/**
 * A header value that Node will always send. HTTP field values are visible ASCII, space and
 * tab (RFC 9110 §5.5); names a client sent may hold anything, and a character outside
 * Latin-1 or a control character makes Node throw while the response is being written, which
 * would turn an acknowledged write into a 500. So `%` and every character outside printable
 * ASCII are percent-encoded as UTF-8 (`Ā` → `%C4%80`), as a URL would carry them.
 */
function headerText(text: string): string {
  // With the u flag a lone surrogate matches on its own; encodeURIComponent would throw on it.
  return text.replace(/[^\x20-\x24\x26-\x7e]/gu, (c) => encodeURIComponent(/^[\ud800-\udfff]$/u.test(c) ? '\ufffd' : c));
}

/**
 * A comma-separated header listing client-supplied names, each made safe by `headerText`,
 * cut at `MAX_LISTED_HEADER_CHARS` with the count of names left out (`…, (+12 more)`).
 */
export function headerList(names: readonly string[]): string {
  const parts: string[] = [];
  let length = 0;
  for (const [i, name] of names.entries()) {
    const safe = headerText(name);
    if (length + safe.length > MAX_LISTED_HEADER_CHARS) {
      parts.push(`(+${names.length - i} more)`);
      break;
    }
    parts.push(safe);
    length += safe.length + 2;
  }
  return parts.join(', ');
}
