import type { FastifyInstance } from 'fastify';
import type { ResourceDef } from '../../catalog/resource.js';
import { RosterError } from '../../domain/errors.js';
import { LOADABLE, type LoadService } from '../../domain/loads/load-service.js';
import type { RecordService } from '../../domain/record-service.js';
import { readUpload, uploadAccepts, type UploadSpec } from '../format/upload.js';
import { sendRecord, viewOf } from '../records/routes.js';
import { sendList, sendObject } from '../reply.js';

/** What the loader routes need: the sources' service, the loader, and a way to have loads run now. */
export interface DataFileSourceDeps {
  readonly sources: RecordService;
  readonly loads: LoadService;
  /** Picks up SFTP files and runs waiting loads soon, in the background. */
  readonly kick: () => void;
  /** Largest file, in bytes (Coupa's 8 MB). */
  readonly limit: number;
}

/**
 * Coupa's Data File Sources actions beyond index and show (reference doc 0166): `load_file`
 * (a CSV posted as multipart/form-data in `file`, with `source_for=User`), `load_from_sftp`
 * (pick up what waits in the SFTP folders now) and `validate_api_key`.
 */
export function registerDataFileSourceRoutes(app: FastifyInstance, def: ResourceDef, deps: DataFileSourceDeps): void {
  const { sources, loads } = deps;
  const base = def.api?.path ?? '';
  const config = { resource: def.singular };
  const spec: UploadSpec = {
    fields: ['file', 'data_file_source[file]'],
    limit: deps.limit,
    code: 'invalid_flat_file',
    noun: 'CSV file',
    types: 'text/csv',
    wrongType: 'A flat file must be CSV text',
    tooLarge: `The file is over the limit of ${deps.limit} bytes per flat file (Coupa's 8 MB)`,
  };
  const objects = LOADABLE.map((l) => l.spec.sourceFor).join(', ');

  app.post(`${base}/load_file`, { config: { ...config, accepts: uploadAccepts(spec) } }, async (request, reply) => {
    const view = viewOf(sources, request, reply, 'write');
    const file = await readUpload(request, spec);
    const sourceFor = (file.fields.get('source_for') ?? file.fields.get('data_file_source[source_for]') ?? '').trim();
    const target = LOADABLE.find((l) => l.spec.sourceFor.toLowerCase() === sourceFor.toLowerCase());
    if (!target) {
      // The value sent is quoted as JSON and cut short: it is the client's text, in an error body.
      const sent = JSON.stringify(sourceFor.slice(0, 50));
      throw new RosterError('invalid_flat_file', `source_for must name an object Roster loads: ${objects} (got ${sent})`);
    }
    const id = await loads.receive(
      target.def,
      { filename: file.filename, contentType: file.contentType, size: file.data.length, data: file.data },
      request.actor,
    );
    // Read before the loader starts, so the answer is the load as received (Pending), as Coupa's is.
    const received = await sources.show(id);
    deps.kick();
    return sendRecord(sources, request, reply, 201, received, view);
  });

  app.post(`${base}/load_from_sftp`, { config }, async (request, reply) => {
    const ids = await loads.pickUp();
    const records = await Promise.all(ids.map((id) => sources.show(id)));
    deps.kick();
    return sendList(request, reply, def.plural, await sources.present(records));
  });

  // Coupa documents the action, not its answer: Roster says the credential was accepted (docs/flat-files.md).
  app.get(`${base}/validate_api_key`, { config }, (request, reply) =>
    sendObject(request, reply, 200, { tag: 'api-key', fields: [['valid', { t: 'boolean', v: true }]] }),
  );
}
