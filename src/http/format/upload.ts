import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { lengthProblem, textProblem } from '../../catalog/values.js';
import { isRosterError, RosterError } from '../../domain/errors.js';

/** One uploaded file, read whole, with its type as sniffed from the bytes. */
export interface Upload {
  readonly filename: string;
  readonly data: Buffer;
  /** The MIME type its bytes show, one of `UploadSpec.types`. */
  readonly contentType: string;
}

/** Coupa keeps an attachment's file name in a string(255) column (`avatar_file_name`). */
const MAX_FILENAME = 255;

/** What an upload route takes: the file's field names, its size limit, and the error its faults are. */
export interface UploadSpec {
  /** Field names the file may come in (`file`; Coupa's attachments also take `attachment[file]`). */
  readonly fields: readonly string[];
  /** Largest file, in bytes; larger is `payload_too_large`. */
  readonly limit: number;
  readonly code: 'invalid_avatar' | 'invalid_attachment';
  /** What the file is, in messages: `image`, `file`. */
  readonly noun: string;
  /** The MIME types it may be, sniffed from its bytes, never taken from the client's word. */
  readonly types: ReadonlySet<string>;
  /** The message of a file of another type (`spec.code`). */
  readonly wrongType: string;
}

/** What an upload route takes, for its messages and its 415 (`accepts`): `the image as multipart/form-data in a field named file`. */
export const uploadAccepts = (spec: Pick<UploadSpec, 'noun' | 'fields'>): string =>
  `the ${spec.noun} as multipart/form-data in a field named ${spec.fields.join(' or ')}`;

/**
 * Reads the one file a multipart/form-data request carries in one of `spec.fields`, up to
 * `spec.limit` bytes. Every way the body can be wrong becomes an error from the catalogue,
 * never a 500: over a limit (the file, the number of parts, files or fields) is
 * `payload_too_large`; anything the multipart parser cannot read (no boundary, a truncated
 * body, a malformed part header), a file name that could not be stored, or bytes of a type
 * not in `spec.types` is `spec.code`.
 */
export async function readUpload(request: FastifyRequest, spec: UploadSpec): Promise<Upload> {
  const upload = await readFile(request, spec);
  const type = await fileTypeFromBuffer(upload.data);
  if (!type || !spec.types.has(type.mime)) throw new RosterError(spec.code, spec.wrongType);
  return { ...upload, contentType: type.mime };
}

async function readFile(request: FastifyRequest, spec: UploadSpec): Promise<Omit<Upload, 'contentType'>> {
  const { code, limit } = spec;
  const sendAs = `Send ${uploadAccepts(spec)}`;
  if (!request.isMultipart()) throw new RosterError(code, sendAs);
  try {
    let upload: Omit<Upload, 'contentType'> | undefined;
    let fileError: Error | undefined;
    for await (const part of request.parts({ limits: { fileSize: limit, files: 1 } })) {
      if (part.type !== 'file') continue;
      if (!spec.fields.includes(part.fieldname)) throw new RosterError(code, sendAs);
      try {
        // A file part may come without a file name; the column (like Coupa's) holds one, so it is empty.
        upload = { filename: typeof part.filename === 'string' ? part.filename : '', data: await part.toBuffer() };
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        // A limit on fields, parts or files destroys the file stream ("premature close"); the
        // parts iterator then throws the real cause (the plugin's 413), so it is asked first.
        fileError = err;
      }
    }
    if (fileError !== undefined) throw fileError;
    if (!upload) throw new RosterError(code, sendAs);
    const problem = textProblem(upload.filename) ?? lengthProblem(upload.filename, MAX_FILENAME);
    if (problem) throw new RosterError(code, `The file name ${problem}`);
    return upload;
  } catch (err) {
    if (isRosterError(err)) throw err;
    const e = err as { statusCode?: unknown; message?: unknown };
    if (e.statusCode === 413) {
      throw new RosterError('payload_too_large', 'Request body is too large');
    }
    // Busboy's own errors carry no status: they all mean the body is not readable multipart.
    throw new RosterError(code, `Malformed multipart body: ${typeof e.message === 'string' ? e.message : 'unreadable'}`);
  }
}
