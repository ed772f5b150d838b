// Coupa's error text from an answer's body, whatever shape the endpoint used, so a failure reads
// "Login has already been taken" and not "HTTP 400".

import { XMLParser } from 'fast-xml-parser';

/** How much of an unrecognised body is kept. */
const EXCERPT = 300;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: true,
  // CDATA is merged into the element's text (no cdataPropName), as Coupa wraps validation messages in it.
  isArray: (name) => name === 'error',
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every message string in an `errors` value: a string, a list, a map of lists, or items with a description. */
function messages(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()];
  if (Array.isArray(value)) return value.flatMap(messages);
  if (!isRecord(value)) return [];
  // A CSO item ({type, description}) or an XML element with attributes ({'#text'}): its text only.
  for (const field of ['description', 'message', '#text']) {
    if (typeof value[field] === 'string') return messages(value[field]);
  }
  return Object.values(value).flatMap(messages);
}

/** The messages of a parsed JSON body: Coupa's `errors`, OAuth's `error`/`error_description`, CSO's `result`. */
function jsonMessages(body: unknown): string[] {
  if (Array.isArray(body)) return body.flatMap(jsonMessages);
  if (!isRecord(body)) return [];
  if ('errors' in body) {
    const found = messages(body['errors']);
    if (found.length > 0) return found;
  }
  const error = body['error'];
  if (typeof error === 'string') {
    const description = body['error_description'];
    return [typeof description === 'string' && description !== '' ? `${error}: ${description}` : error];
  }
  if (Array.isArray(body['result'])) {
    return body['result'].flatMap((item) => {
      if (!isRecord(item)) return messages(item);
      const { type, description } = item;
      if (typeof description === 'string') return [description];
      return typeof type === 'string' ? [type] : [];
    });
  }
  return [];
}

/** The `<error>` texts under the first `<errors>` element, at any depth. */
function xmlMessages(node: unknown, depth = 0): string[] {
  if (!isRecord(node) || depth > 4) return [];
  const errors = node['errors'];
  if (errors !== undefined) return isRecord(errors) ? messages(errors['error']) : messages(errors);
  for (const child of Object.values(node)) {
    const found = xmlMessages(child, depth + 1);
    if (found.length > 0) return found;
  }
  return [];
}

function parseXml(text: string): unknown {
  // A DOCTYPE could declare entities that expand without bound; Coupa's error bodies never carry one.
  if (/<!DOCTYPE/i.test(text)) return undefined;
  try {
    return parser.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const excerpt = (text: string): string | undefined => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line === '' ? undefined : line.slice(0, EXCERPT);
};

const joined = (found: string[]): string | undefined => (found.length > 0 ? found.join('; ') : undefined);

/**
 * Coupa's error text from an answer's body (`body` as the client read it: parsed JSON, or the text),
 * with its Content-Type. Reads:
 * - XML `<errors><error>…</error></errors>` (CDATA or not; several joined with `'; '`);
 * - JSON `{"errors":{"user":["…","…"]}}`, `{"errors":["…"]}`, `{"errors":{"x":"…"}}`;
 * - OAuth's `{"error":"…","error_description":"…"}` (RFC 6749 §5.2) as `error: description`;
 * - CSO's `{"result":[{"type":"…","description":"…"}]}` (descriptions).
 * Otherwise the first 300 characters of the text (whitespace collapsed); `undefined` for an empty body.
 */
export function coupaErrorText(body: unknown, contentType: string | undefined): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'string') return joined(jsonMessages(body)) ?? excerpt(JSON.stringify(body));
  const type = (contentType ?? '').toLowerCase();
  const text = body.trim();
  if (type.includes('xml') || text.startsWith('<')) {
    const found = joined(xmlMessages(parseXml(text)));
    if (found !== undefined) return found;
  } else if (type.includes('json') || text.startsWith('{') || text.startsWith('[')) {
    const found = joined(jsonMessages(parseJson(text)));
    if (found !== undefined) return found;
  }
  return excerpt(text);
}
