/**
 * The other ways clients write an instant, rewritten into the ISO 8601 form `parseDatetime`
 * (values.ts) reads. Coupa "will attempt to parse whatever we receive" (0014-Querying_Options.md),
 * which is Ruby's `Time.parse`; what clients send in practice is what Ruby and HTTP print:
 *
 * - `Time#to_s` / `Time#inspect`: `2026-12-06 19:00:00 +0000`, `2026-12-06 19:00:00.5 -0800`,
 *   `2026-12-06 19:00:00 UTC` (Workato's first poll sends `Time.now.to_s`);
 * - RFC 2822 / `Time#rfc2822` and RFC 9110's HTTP-date / `Time#httpdate`:
 *   `Sun, 06 Dec 2026 19:00:00 +0000`, `Sun, 06 Dec 2026 19:00:00 GMT` (the weekday optional);
 * - a zone written with a space before it, or as one of RFC 2822's names (`UT`, `GMT`, `Z`,
 *   `EST`/`EDT`, `CST`/`CDT`, `MST`/`MDT`, `PST`/`PDT`), which Ruby's parser knows too.
 *
 * Text in none of these forms is returned as it was, for `parseDatetime` to accept or refuse.
 */

/** RFC 2822 §4.3's zone names, as offsets. */
const ZONES: Readonly<Record<string, string>> = {
  UT: '+00:00',
  UTC: '+00:00',
  GMT: '+00:00',
  Z: '+00:00',
  EST: '-05:00',
  EDT: '-04:00',
  CST: '-06:00',
  CDT: '-05:00',
  MST: '-07:00',
  MDT: '-06:00',
  PST: '-08:00',
  PDT: '-07:00',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const TIME = String.raw`\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?`;
const ZONE = String.raw`[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,3}`;

/** `2026-12-06 19:00:00 +0000`, `… UTC`: an ISO date and time, then a zone after white space. */
const SPACED_ZONE = new RegExp(String.raw`^(\d{4}-\d{2}-\d{2}[T ]${TIME})\s+(${ZONE})$`);
/** `Sun, 06 Dec 2026 19:00:00 GMT`: RFC 2822's date-time, the weekday optional. */
const RFC2822 = new RegExp(String.raw`^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(${TIME})(?:\s+(${ZONE}))?$`);

/** A zone as `parseDatetime` reads it (`+00:00`, `-0800`), or undefined for a name it does not know. */
function offset(zone: string): string | undefined {
  return /^[+-]/.test(zone) ? zone : ZONES[zone.toUpperCase()];
}

/**
 * `text` (trimmed) in ISO 8601 form when it is one of the forms above, else unchanged. Never
 * throws; a zone name it does not know leaves the text as it was, so it is refused later.
 */
export function isoFromClientText(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  const spaced = SPACED_ZONE.exec(t);
  if (spaced) {
    const zone = offset(spaced[2] ?? '');
    return zone === undefined ? t : `${spaced[1] ?? ''}${zone}`;
  }
  const rfc = RFC2822.exec(t);
  if (rfc) {
    const month = MONTHS.indexOf((rfc[2] ?? '').toLowerCase()) + 1;
    const zone = rfc[5] === undefined ? '' : offset(rfc[5]);
    if (month === 0 || zone === undefined) return t;
    const day = (rfc[1] ?? '').padStart(2, '0');
    return `${rfc[3] ?? ''}-${String(month).padStart(2, '0')}-${day}T${rfc[4] ?? ''}${zone}`;
  }
  return t;
}
