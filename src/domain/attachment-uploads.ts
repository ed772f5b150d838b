import { serialId } from '../catalog/ids.js';
import type { RecordId } from '../catalog/types.js';
import { ownerReferenceOf } from '../catalog/registry.js';
import type { StoredRecord } from '../store/record-codec.js';
import type { AttachmentFile, AttachmentFileRepository } from '../store/attachment-file-repository.js';
import type { Actor } from './actor.js';
import { RosterError } from './errors.js';
import type { RecordService } from './record-service.js';

/** A file as uploaded: its name as the client gave it, its bytes and their sniffed type. */
export interface UploadedFile extends AttachmentFile {
  readonly filename: string;
}

/**
 * Files attached to a worker document (Coupa's Attachment of type `file`): an upload creates
 * the attachment row (name, size in bytes, download URL) and stores the bytes in one
 * transaction; a download returns them. The document must belong to the worker in the path,
 * else a 404, as for every route under a worker.
 */
export class AttachmentUploads {
  /** The attachment's reference naming its document. */
  private readonly owner: string;

  constructor(
    private readonly documents: RecordService,
    private readonly attachments: RecordService,
    private readonly files: AttachmentFileRepository,
  ) {
    const owner = ownerReferenceOf(attachments.def);
    if (!owner) throw new Error(`${attachments.def.name} are owned by nothing`);
    this.owner = owner.name;
  }

  /** Attaches `file` to document `documentId` of worker `workerId`; returns the document as it now is. */
  async upload(
    workerId: RecordId,
    documentId: RecordId,
    file: UploadedFile,
    actor: Actor,
    url: (attachmentId: RecordId) => string,
  ): Promise<StoredRecord> {
    await this.documents.show(documentId, workerId);
    await this.attachments.create({ type: 'file' }, actor, {
      system: new Map<string, string | number>([
        [this.owner, documentId],
        ['file', file.filename],
        ['file-file-size', file.data.length],
      ]),
      alongside: (trx, id) => this.files.save(trx, serialId(id), file, url(id)),
    });
    return this.documents.show(documentId, workerId);
  }

  /** The bytes of attachment `rawId` (as the path gives it) of that document, with its name; a 404 if it has none. */
  async download(workerId: RecordId, documentId: RecordId, rawId: string): Promise<UploadedFile> {
    await this.documents.show(documentId, workerId);
    const attachmentId = this.attachments.idFrom(rawId);
    const attachment = await this.attachments.show(attachmentId);
    const file = attachment.refs.get(this.owner) === documentId ? await this.files.find(serialId(attachmentId)) : undefined;
    if (!file) throw new RosterError('not_found', `Couldn't find Attachment with 'id'=${attachmentId}`);
    const name = attachment.values.get('file');
    return { ...file, filename: typeof name === 'string' ? name : '' };
  }
}
