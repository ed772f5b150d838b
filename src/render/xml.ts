import type { ScalarType } from '../catalog/types.js';
import { formatDatetime, type OutNode, type OutObject } from './out.js';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Rails' type attribute for each catalogue type; strings carry none. */
export const TYPE_ATTR: Partial<Record<ScalarType, string>> = {
  integer: ' type="integer"',
  boolean: ' type="boolean"',
  datetime: ' type="dateTime"',
  date: ' type="date"',
  decimal: ' type="decimal"',
  symbol: ' type="symbol"',
};

// Characters XML 1.0 cannot carry at all are dropped rather than producing a broken document.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

// One test finds the (rare) values that need escaping; most values are returned as they are.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(INVALID_XML_CHARS, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A scalar's text in XML: a datetime to the second, anything else escaped. */
export function scalarText(t: ScalarType, v: unknown): string {
  if (t === 'datetime' && typeof v === 'string') return formatDatetime(v);
  return escapeXml(String(v));
}

function writeNode(name: string, n: OutNode, pad: string, out: string[]): void {
  if (n.t === 'object') {
    if (n.v === null) out.push(`${pad}<${name} nil="true" />\n`);
    else writeObject(name, n.v, pad, out);
    return;
  }
  if (n.t === 'array') {
    if (n.v.length === 0) {
      out.push(`${pad}<${name} type="array" />\n`);
      return;
    }
    out.push(`${pad}<${name} type="array">\n`);
    for (const item of n.v) writeObject(item.tag, item, `${pad}  `, out);
    out.push(`${pad}</${name}>\n`);
    return;
  }
  if (n.t === 'texts') {
    if (n.v.length === 0) out.push(`${pad}<${name} type="array" />\n`);
    else {
      out.push(`${pad}<${name} type="array">\n`);
      for (const text of n.v) out.push(`${pad}  <${n.item}>${escapeXml(text)}</${n.item}>\n`);
      out.push(`${pad}</${name}>\n`);
    }
    return;
  }
  const type = TYPE_ATTR[n.t] ?? '';
  if (n.v === null) out.push(`${pad}<${name}${type} nil="true" />\n`);
  else if (n.v === '') out.push(`${pad}<${name}${type} />\n`);
  else out.push(`${pad}<${name}${type}>${scalarText(n.t, n.v)}</${name}>\n`);
}

/**
 * `active?`-style elements are not legal XML names, so XML leaves them out (the seed's XML
 * samples show none); JSON carries them.
 */
export const xmlName = (name: string): boolean => !name.endsWith('?');

function writeObject(name: string, o: OutObject, pad: string, out: string[]): void {
  out.push(`${pad}<${name}>\n`);
  const inner = `${pad}  `;
  for (const [field, value] of o.fields) if (xmlName(field)) writeNode(field, value, inner, out);
  out.push(`${pad}</${name}>\n`);
}

/** One resource: `<user>…</user>`. */
export function renderXml(o: OutObject): string {
  const out = [XML_DECLARATION];
  writeObject(o.tag, o, '', out);
  return out.join('');
}

/** A list, Rails style: `<users type="array"><user>…</user></users>`. */
export function renderXmlList(plural: string, items: readonly OutObject[]): string {
  const out = [XML_DECLARATION];
  writeNode(plural, { t: 'array', item: plural, v: items }, '', out);
  return out.join('');
}

const cdata = (text: string): string => `<![CDATA[${text.replace(INVALID_XML_CHARS, '').replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/**
 * Coupa's error document. Validation messages come in CDATA (as Coupa sends them); other
 * errors ("No results match your search criteria.") as plain text.
 */
export function renderXmlErrors(messages: readonly string[], asCdata: boolean): string {
  const items = messages.map((m) => `  <error>${asCdata ? cdata(m) : escapeXml(m)}</error>\n`).join('');
  return `${XML_DECLARATION}<errors>\n${items}</errors>\n`;
}
