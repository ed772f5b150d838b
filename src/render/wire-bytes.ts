import { XML_DECLARATION } from './xml.js';

/** The two wire formats of Coupa's core API. */
export type CoreFormat = 'json' | 'xml';

/** The wire formats records go out in: the core API's two, and CSO's JSON (render/cso-json.ts). */
export type WireFormat = CoreFormat | 'cso-json';

/**
 * How one record's bytes are sent: alone (`json`, `xml`, `cso-json`: a show, a write's answer)
 * or as an item of a page (the same bytes in JSON; `xml-item`: indented inside the list).
 */
export type RecordForm = WireFormat | 'xml-item';

/** The form of a record in `format`, alone or in a page. */
export const formOf = (format: WireFormat, inPage: boolean): RecordForm => (format === 'xml' && inPage ? 'xml-item' : format);

/**
 * UTF-8 bytes of one record's text (a compiled writer's, render/compiled-writer.ts) in memory
 * of their own, to be cached and sent. `Buffer.from` cuts a text under 4 KiB from a shared
 * 8 KiB slab, and a cached one would keep the whole slab alive; a longer text it encodes in
 * one pass into memory of its own, where counting the bytes first would read the text twice.
 */
export function recordBytes(text: string): Buffer {
  if (text.length >= Buffer.poolSize >>> 1) return Buffer.from(text, 'utf8');
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 'utf8');
  return bytes;
}

const JSON_OPEN = Buffer.from('[');
const JSON_COMMA = Buffer.from(',');
const JSON_CLOSE = Buffer.from(']');

/** `[item,item,…]` into `parts`. */
function jsonArray(parts: Buffer[], items: readonly Buffer[]): void {
  parts.push(JSON_OPEN);
  items.forEach((item, i) => {
    if (i > 0) parts.push(JSON_COMMA);
    parts.push(item);
  });
  parts.push(JSON_CLOSE);
}

/**
 * A core page from its records' bytes (each in `formOf(format, true)`): a bare JSON array, or
 * Rails' `<users type="array">…</users>`; the same bytes `renderJson(list)` and `renderXmlList`
 * write.
 */
export function pageBytes(format: CoreFormat, plural: string, items: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  if (format === 'json') {
    jsonArray(parts, items);
  } else if (items.length === 0) {
    parts.push(Buffer.from(`${XML_DECLARATION}<${plural} type="array" />\n`));
  } else {
    parts.push(Buffer.from(`${XML_DECLARATION}<${plural} type="array">\n`), ...items, Buffer.from(`</${plural}>\n`));
  }
  return Buffer.concat(parts);
}

/** A CSO page (seed 001): `{"total":N,"<plural>":[…]}`, the records' bytes in `cso-json`; JSON.stringify's bytes. */
export function csoPageBytes(total: number, plural: string, items: readonly Buffer[]): Buffer {
  const parts = [Buffer.from(`{"total":${total},${JSON.stringify(plural)}:`)];
  jsonArray(parts, items);
  parts.push(Buffer.from('}'));
  return Buffer.concat(parts);
}
