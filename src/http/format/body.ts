import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RosterError } from '../../domain/errors.js';
import { isPlainObject, type Document } from '../../domain/record-input.js';
import { isMultipart } from './upload.js';
import { parseXmlBody } from './xml-body.js';

/** An XML body after parsing: the root element's name and its content. */
export class XmlBody {
  constructor(
    readonly root: string,
    readonly doc: Document,
    /** The items of a typed list root (`<users type="array">`). */
    readonly list?: readonly unknown[],
  ) {}
}

/** Adds the XML content-type parser beside Fastify's JSON one. */
export function registerXmlParser(app: FastifyInstance): void {
  // Coupa takes XML or JSON; Fastify's built-in text/plain parser would let prose through.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      const { root, doc, list } = parseXmlBody(String(body));
      done(null, new XmlBody(root, doc, list));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

/** A 415's message: the type sent, and what the route takes (`accepts`; XML or JSON unless the route says otherwise). */
export const unsupportedMediaType = (contentType: string | undefined, accepts = 'application/xml or application/json'): string =>
  `Unsupported Content-Type '${contentType ?? ''}': send ${accepts}`;

/** The resource document of a write: `<user>…</user>`, `{…}` or `{"user":{…}}`. */
export function readDocument(request: FastifyRequest, singular: string): Document {
  if (isMultipart(request)) {
    throw new RosterError('unsupported_media_type', unsupportedMediaType(request.headers['content-type']));
  }
  const body = request.body;
  if (body instanceof XmlBody) {
    if (body.root !== singular)
      throw new RosterError('malformed_body', `Malformed XML: expected a <${singular}> root element, got <${body.root}>`);
    return body.doc;
  }
  if (body === undefined || body === null) throw new RosterError('malformed_body', 'The request body is empty');
  if (!isPlainObject(body)) throw new RosterError('malformed_body', `Malformed JSON: expected a ${singular} object`);
  const keys = Object.keys(body);
  const wrapped = keys.length === 1 && keys[0] === singular ? body[singular] : undefined;
  return isPlainObject(wrapped) ? wrapped : body;
}

/** Most items one bulk request may hold; more is a 413, and nothing is written. */
export const MAX_BULK_ITEMS = 1000;

/**
 * The items of a bulk write: `<users><user>…</user>…</users>` (with or without
 * `type="array"`), a JSON array, or `{"users": […]}`. Items are returned as sent; each is
 * checked on its own, so one bad item never spoils the others.
 */
export function readDocuments(request: FastifyRequest, plural: string, singular: string): unknown[] {
  if (isMultipart(request)) {
    throw new RosterError('unsupported_media_type', unsupportedMediaType(request.headers['content-type']));
  }
  const body = request.body;
  let items: unknown;
  if (body instanceof XmlBody) {
    if (body.root !== plural)
      throw new RosterError('malformed_body', `Malformed XML: expected a <${plural}> root element, got <${body.root}>`);
    const keys = Object.keys(body.doc);
    if (keys.some((k) => k !== singular)) {
      throw new RosterError('malformed_body', `Malformed XML: <${plural}> may hold only <${singular}> elements`);
    }
    const inner = body.doc[singular];
    items = body.list ?? (inner === undefined || inner === '' ? [] : Array.isArray(inner) ? inner : [inner]);
  } else if (Array.isArray(body)) {
    items = body;
  } else if (isPlainObject(body) && Object.keys(body).length === 1 && Array.isArray(body[plural])) {
    items = body[plural];
  } else {
    throw new RosterError('malformed_body', `Malformed JSON: expected an array of ${singular} objects`);
  }
  const list = items as unknown[];
  if (list.length === 0) throw new RosterError('malformed_body', `A bulk request holds at least one ${singular}`);
  if (list.length > MAX_BULK_ITEMS) {
    throw new RosterError(
      'payload_too_large',
      `A bulk request may hold at most ${MAX_BULK_ITEMS} ${plural} (${list.length} given): send them in several requests`,
    );
  }
  return list;
}
