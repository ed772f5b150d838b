import { assertNever } from '../catalog/lookup.js';
import { renderJson } from './json.js';
import type { OutObject } from './out.js';
import { renderXml, renderXmlItem, XML_DECLARATION } from './xml.js';

/** The two wire formats of Coupa's core API. */
export type WireFormat = 'json' | 'xml';

/**
 * How one record's bytes are sent: alone (`json`, `xml`: a show, a write's answer) or as an item
 * of a page (`json` again: JSON's are the same bytes; `xml-item`: indented inside the list).
 */
export type RecordForm = 'json' | 'xml' | 'xml-item';

/** The form of a record in `format`, alone or in a page. */
export const formOf = (format: WireFormat, inPage: boolean): RecordForm =>
  format === 'json' ? 'json' : inPage ? 'xml-item' : 'xml';

/** One record's bytes in `form`, UTF-8: what is cached and sent. */
export function recordBytes(o: OutObject, form: RecordForm): Buffer {
  switch (form) {
    case 'json':
      return Buffer.from(renderJson(o), 'utf8');
    case 'xml':
      return Buffer.from(renderXml(o), 'utf8');
    case 'xml-item':
      return Buffer.from(renderXmlItem(o), 'utf8');
    default:
      return assertNever(form);
  }
}

const JSON_OPEN = Buffer.from('[');
const JSON_COMMA = Buffer.from(',');
const JSON_CLOSE = Buffer.from(']');

/**
 * A page from its records' bytes (each in `formOf(format, true)`): a bare JSON array, or Rails'
 * `<users type="array">…</users>`; the same bytes `renderJson(list)` and `renderXmlList` write.
 */
export function pageBytes(format: WireFormat, plural: string, items: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  if (format === 'json') {
    parts.push(JSON_OPEN);
    items.forEach((item, i) => {
      if (i > 0) parts.push(JSON_COMMA);
      parts.push(item);
    });
    parts.push(JSON_CLOSE);
  } else if (items.length === 0) {
    parts.push(Buffer.from(`${XML_DECLARATION}<${plural} type="array" />\n`));
  } else {
    parts.push(Buffer.from(`${XML_DECLARATION}<${plural} type="array">\n`), ...items, Buffer.from(`</${plural}>\n`));
  }
  return Buffer.concat(parts);
}
