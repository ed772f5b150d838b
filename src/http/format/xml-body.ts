import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';
import { forbiddenCharacter } from '../../catalog/values.js';
import { RosterError } from '../../domain/errors.js';
import type { Document } from '../../domain/record-input.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // The predefined entities and numeric character references (`&#233;`); DOCTYPEs, and so
  // custom entities, are refused before parsing.
  processEntities: true,
  htmlEntities: true,
});

type XmlNode = string | XmlNode[] | { [k: string]: XmlNode };

const isAttr = (k: string): boolean => k.startsWith('@_');

/** Rails XML conventions to plain values: `nil="true"` is null, `type="array"` a list. */
function convert(node: XmlNode): unknown {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(convert);
  if (node['@_nil'] === 'true') return null;
  const children = Object.entries(node).filter(([k]) => !isAttr(k));
  if (node['@_type'] === 'array') {
    return children.flatMap(([, v]) => (Array.isArray(v) ? v.map(convert) : [convert(v)]));
  }
  if (children.length === 0) return '';
  const text = node['#text'];
  if (children.length === 1 && text !== undefined) return convert(text);
  return Object.fromEntries(children.filter(([k]) => k !== '#text').map(([k, v]) => [k, convert(v)]));
}

/**
 * A character reference to a character XML 1.0 does not allow (`&#0;`, `&#x1B;`) makes the
 * document not well-formed, as Coupa's parser says; the XML parser here would drop it silently.
 */
function badCharacterReference(text: string): string | undefined {
  for (const m of text.matchAll(/&#(?:x([0-9a-f]+)|([0-9]+));/gi)) {
    const code = m[1] === undefined ? Number(m[2]) : parseInt(m[1], 16);
    if (code > 0x10ffff || forbiddenCharacter(String.fromCodePoint(code)) !== undefined) return m[0];
  }
  return undefined;
}

/** Parses an XML request body into its root element's name and a plain document (or the items of a typed list root). */
export function parseXmlBody(text: string): { root: string; doc: Document; list?: unknown[] } {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new RosterError('malformed_body', 'Malformed XML: DOCTYPE and ENTITY declarations are not allowed');
  }
  const reference = badCharacterReference(text);
  if (reference !== undefined) {
    throw new RosterError('malformed_body', `Malformed XML: ${reference} refers to a character XML does not allow`);
  }
  try {
    new SyntaxValidator().validate(text);
  } catch (err) {
    const e = err as { message?: string; line?: number };
    throw new RosterError('malformed_body', `Malformed XML: ${e.message ?? 'not well-formed'} (line ${e.line ?? 1})`);
  }
  let parsed: Record<string, XmlNode>;
  try {
    parsed = parser.parse(text) as Record<string, XmlNode>;
  } catch (err) {
    // The parser refuses some well-formed documents (very deep nesting, `__proto__` names).
    throw new RosterError('malformed_body', `Malformed XML: ${err instanceof Error ? err.message : 'cannot be read'}`);
  }
  const roots = Object.keys(parsed).filter((k) => !k.startsWith('?'));
  const [root] = roots;
  const content = root === undefined ? undefined : parsed[root];
  // Two <user> roots come back as an array: refuse them rather than merge them.
  if (roots.length !== 1 || root === undefined || content === undefined || Array.isArray(content)) {
    throw new RosterError('malformed_body', 'Malformed XML: expected exactly one root element');
  }
  const body = convert(content);
  // A typed list root (`<users type="array">`) is a bulk request's body.
  if (Array.isArray(body)) return { root, doc: {}, list: body };
  if (typeof body !== 'object' || body === null) return { root, doc: {} };
  return { root, doc: body as Document };
}
