import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RosterError } from '../../domain/errors.js';
import { isPlainObject, type Document } from '../../domain/record-input.js';
import { parseXmlBody } from './xml-body.js';

/** An XML body after parsing: the root element's name and its content. */
export class XmlBody {
  constructor(
    readonly root: string,
    readonly doc: Document,
  ) {}
}

/** Adds the XML content-type parser beside Fastify's JSON one. */
export function registerXmlParser(app: FastifyInstance): void {
  // Coupa takes XML or JSON; Fastify's built-in text/plain parser would let prose through.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      const { root, doc } = parseXmlBody(String(body));
      done(null, new XmlBody(root, doc));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

export const unsupportedMediaType = (contentType: string | undefined): string =>
  `Unsupported Content-Type '${contentType ?? ''}': send application/xml or application/json`;

/** The resource document of a write: `<user>…</user>`, `{…}` or `{"user":{…}}`. */
export function readDocument(request: FastifyRequest, singular: string): Document {
  if (request.isMultipart()) {
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
