import type { Readable } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { lengthProblem, textProblem } from '../../catalog/values.js';
import { RosterError } from '../../domain/errors.js';

/** One uploaded file, read whole, with its type as sniffed from the bytes. */
export interface Upload {
  readonly filename: string;
  readonly data: Buffer;
  /** The MIME type its bytes show, one of `UploadSpec.types`; `text/csv` for a flat file. */
  readonly contentType: string;
  /** The body's other (non-file) fields, by name: `source_for` of a flat file. */
  readonly fields: ReadonlyMap<string, string>;
}

/** Coupa keeps an attachment's file name in a string(255) column (`avatar_file_name`). */
const MAX_FILENAME = 255;

/** What an upload route takes: the file's field names, its size limit, and the error its faults are. */
export interface UploadSpec {
  /** Field names the file may come in (`file`; Coupa's attachments also take `attachment[file]`). */
  readonly fields: readonly string[];
  /** Largest file, in bytes; larger is `payload_too_large`. */
  readonly limit: number;
  readonly code: 'invalid_avatar' | 'invalid_attachment' | 'invalid_flat_file';
  /** What the file is, in messages: `image`, `file`. */
  readonly noun: string;
  /**
   * The MIME types it may be, sniffed from its bytes, never taken from the client's word;
   * `text/csv` takes any bytes (text has no signature: the flat-file loader checks them).
   */
  readonly types: ReadonlySet<string> | 'text/csv';
  /** The message of a file of another type (`spec.code`). */
  readonly wrongType: string;
  /** The message of a file over `limit` (`payload_too_large`), where it should name the limit; else Rails' generic one. */
  readonly tooLarge?: string;
}

/** What an upload route takes, for its messages and its 415 (`accepts`): `the image as multipart/form-data in a field named file`. */
export const uploadAccepts = (spec: Pick<UploadSpec, 'noun' | 'fields'>): string =>
  `the ${spec.noun} as multipart/form-data in a field named ${spec.fields.join(' or ')}`;

/**
 * Whether the request says its body is multipart/form-data (the upload routes' only form;
 * the content-type parser registered by `registerMultipartParser` leaves such a body unread).
 */
export const isMultipart = (request: FastifyRequest): boolean =>
  /^multipart\/form-data(?:\s*;|\s*$)/i.test(request.headers['content-type'] ?? '');

/** Lets multipart/form-data bodies through to the upload routes unread: `readUpload` streams them. */
export function registerMultipartParser(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
}

/** Most parts, and non-file fields, one upload body may hold; more is `payload_too_large`. */
const MAX_PARTS = 20;
const MAX_FIELDS = 10;

/**
 * An RFC 2046 §5.1.1 boundary: 1 to 70 characters from `bchars`, not ending in a space. A
 * boundary outside that (empty, quoted empty, too long) cannot delimit a body reliably, so the
 * upload is refused before a byte is parsed.
 */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The boundary parameter of a multipart Content-Type, unquoted; undefined when absent. */
function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/i.exec(contentType);
  const raw = match?.[1]?.trim();
  if (raw === undefined) return undefined;
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
}

/**
 * Reads the one file a multipart/form-data request carries in one of `spec.fields`, up to
 * `spec.limit` bytes, and resolves only once the parser has reported a clean end of the body
 * (its closing delimiter seen, the request ended): a caller stores nothing before that.
 * Every way the body can be wrong becomes an error from the catalogue, never a 500: over a
 * limit (the file, the number of parts, files or fields) is `payload_too_large`; a boundary
 * RFC 2046 does not allow, a body that ends before its closing delimiter, a malformed part
 * header, a client that goes away, a file in another field, no file at all, a file name that
 * could not be stored, or bytes of a type not in `spec.types` is `spec.code`.
 */
export async function readUpload(request: FastifyRequest, spec: UploadSpec): Promise<Upload> {
  const upload = await readFile(request, spec);
  if (spec.types === 'text/csv') return { ...upload, contentType: spec.types };
  const type = await fileTypeFromBuffer(upload.data);
  if (!type || !spec.types.has(type.mime)) throw new RosterError(spec.code, spec.wrongType);
  return { ...upload, contentType: type.mime };
}

async function readFile(request: FastifyRequest, spec: UploadSpec): Promise<Omit<Upload, 'contentType'>> {
  const { code } = spec;
  const sendAs = `Send ${uploadAccepts(spec)}`;
  const contentType = request.headers['content-type'] ?? '';
  if (!isMultipart(request)) throw new RosterError(code, sendAs);
  const boundary = boundaryOf(contentType);
  if (boundary === undefined || !BOUNDARY.test(boundary)) {
    throw new RosterError(code, 'Malformed multipart body: the boundary must be 1 to 70 characters (RFC 2046)');
  }
  const upload = await parseBody(request, spec);
  if (!upload) throw new RosterError(code, sendAs);
  const problem = textProblem(upload.filename) ?? lengthProblem(upload.filename, MAX_FILENAME);
  if (problem) throw new RosterError(code, `The file name ${problem}`);
  return upload;
}

/**
 * Streams the body through busboy. The first fault wins and is kept until busboy ends, so the
 * answer never races the parser: a clean `finish` resolves with the file (or undefined when
 * there was none), anything else rejects.
 */
function parseBody(request: FastifyRequest, spec: UploadSpec): Promise<Omit<Upload, 'contentType'> | undefined> {
  const { code, limit } = spec;
  const raw = request.raw;
  return new Promise((resolve, reject) => {
    let fault: RosterError | undefined;
    let upload: Omit<Upload, 'contentType' | 'fields'> | undefined;
    const fields = new Map<string, string>();
    let settled = false;
    const fail = (err: RosterError) => {
      fault ??= err;
    };
    const tooLarge = () => fail(new RosterError('payload_too_large', 'Request body is too large'));
    const malformed = (message: string) => fail(new RosterError(code, `Malformed multipart body: ${message}`));
    const settle = () => {
      if (settled) return;
      settled = true;
      raw.off('aborted', onAborted).off('close', onClose);
      if (fault) reject(fault);
      else resolve(upload && { ...upload, fields });
    };
    const onAborted = () => {
      malformed('the client closed the connection before the body ended');
      settle();
    };
    // A request stream that closes before busboy finished never sent its whole body.
    const onClose = () => {
      if (!raw.complete) onAborted();
    };
    let parser: BusboyInstance;
    try {
      parser = new Busboy({
        headers: { ...request.headers, 'content-type': request.headers['content-type'] ?? '' },
        limits: { fileSize: limit, files: 1, fields: MAX_FIELDS, parts: MAX_PARTS },
      });
    } catch (err) {
      reject(new RosterError(code, `Malformed multipart body: ${err instanceof Error ? err.message : 'unreadable'}`));
      return;
    }
    parser.on('file', (field: string, file: Readable, filename: string | undefined) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // A file part may come without a file name; the column (like Coupa's) holds one, so it is empty.
      const name = typeof filename === 'string' ? filename : '';
      file.on('limit', () =>
        spec.tooLarge === undefined ? tooLarge() : fail(new RosterError('payload_too_large', spec.tooLarge)),
      );
      file.on('error', (err: Error) => malformed(err.message));
      file.on('data', (chunk: Buffer) => {
        if (fault) return;
        size += chunk.length;
        chunks.push(chunk);
      });
      file.on('end', () => {
        if (fault || !spec.fields.includes(field)) return;
        upload = { filename: name, data: Buffer.concat(chunks, size) };
      });
      if (!spec.fields.includes(field)) fail(new RosterError(code, `Send ${uploadAccepts(spec)}`));
    });
    parser.on('field', (name: string, value: string) => fields.set(name, value));
    parser.on('partsLimit', tooLarge).on('filesLimit', tooLarge).on('fieldsLimit', tooLarge);
    parser.on('error', (err: Error) => {
      malformed(err.message);
      settle();
    });
    parser.on('finish', settle);
    raw.on('aborted', onAborted).on('close', onClose);
    raw.pipe(parser);
  });
}
