import type { RecordId } from '../../catalog/types.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertNever } from '../../catalog/lookup.js';
import type { ResourceDef } from '../../catalog/resource.js';
import type { RecordService, WriteResult } from '../../domain/record-service.js';
import type { WriteOptions } from '../../domain/record-writer.js';
import { RosterError } from '../../domain/errors.js';
import type { View } from '../../query/view.js';
import type { StoredRecord } from '../../store/record-codec.js';
import { readDocument } from '../format/body.js';
import { isBulk, sendBulk, withoutBulk } from './bulk.js';
import { headerList } from '../header-value.js';
import { formatOf, sendBytes, sendError } from '../reply.js';

export type IdParams = { Params: { id: string } };

/** Coupa's JSON answer to a query nothing matches (XML's is the no_results error). */
const EMPTY_JSON_LIST = Buffer.from('[]');

/** Route parameters of any record route: the id, and for a served child its owner's (`worker_id`). */
type RecordParams = { Params: Record<string, string | undefined> };

export const queryOf = (request: FastifyRequest): Record<string, unknown> => request.query as Record<string, unknown>;

/**
 * The view (`return_object`, `fields`) a show or a write asks for. A write ignores other
 * query parameters and names them in `X-Roster-Ignored-Parameters`, as ignored elements are
 * named in `X-Roster-Ignored-Elements`; a show refuses them.
 */
export function viewOf(service: RecordService, request: FastifyRequest, reply: FastifyReply, mode: 'read' | 'write'): View {
  const params = queryOf(request);
  const { view, ignored } = service.parseView(mode === 'write' ? withoutBulk(params) : params, mode);
  if (ignored.length > 0) void reply.header('x-roster-ignored-parameters', headerList(ignored));
  return view;
}

/**
 * Answers with one record as the view asks (nothing at all for `return_object=none`); with the
 * response cache's `mark` taken before `record` was read, its bytes are kept for later reads.
 */
export async function sendRecord(
  service: RecordService,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  record: StoredRecord,
  view: View,
  mark?: number,
): Promise<FastifyReply> {
  const format = formatOf(request);
  return sendBytes(reply, status, format, await service.bytesOf(record, view, format, mark));
}

/** Answers a write; Coupa ignores elements it does not accept, and the header tells a connector developer which. */
export async function sendWrite(
  service: RecordService,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  result: WriteResult,
  view: View,
): Promise<FastifyReply> {
  if (result.ignored.length > 0) void reply.header('x-roster-ignored-elements', headerList(result.ignored));
  return sendRecord(service, request, reply, status, result.record, view, result.mark);
}

/**
 * A resource's standard routes under its `api.path`, as its definition lists them: index,
 * show, create (201), update (PUT and PATCH). Error bodies are keyed by the resource's
 * singular name; each route's scope comes from the route-scope table.
 */
export function registerRecordRoutes(app: FastifyInstance, def: ResourceDef, service: RecordService): void {
  const api = def.api;
  if (!api) return;
  const config = { resource: def.singular };
  const base = api.path;
  const ownerParam = service.owner?.column;
  // A served child's owner, from the path: a 404 unless it exists. Undefined for a top-level resource.
  const ownerOf = async (request: FastifyRequest<RecordParams>): Promise<RecordId | undefined> =>
    ownerParam === undefined ? undefined : service.ownerFrom(request.params[ownerParam] ?? '');
  const idOf = (request: FastifyRequest<RecordParams>): RecordId => service.idFrom(request.params['id'] ?? '');
  const owned = (ownerId: RecordId | undefined): WriteOptions =>
    ownerId === undefined || !service.owner ? {} : { system: new Map([[service.owner.name, ownerId]]) };

  for (const operation of api.operations) {
    switch (operation) {
      case 'index':
        app.get<RecordParams>(base, { config }, async (request, reply) => {
          const ownerId = await ownerOf(request);
          const query = service.parseQuery(queryOf(request));
          const format = formatOf(request);
          const page = await service.pageBytes(query, ownerId, format);
          if (page === undefined && format === 'xml') {
            return sendError(request, reply, 'no_results', ['No results match your search criteria.']);
          }
          return sendBytes(reply, 200, format, page ?? EMPTY_JSON_LIST);
        });
        break;
      case 'show':
        app.get<RecordParams>(`${base}/:id`, { config }, (request, reply) => {
          // A served child: its owner is checked (and 404s) first.
          if (ownerParam !== undefined) {
            return ownerOf(request).then(async (ownerId) => {
              const id = idOf(request);
              const view = viewOf(service, request, reply, 'read');
              const format = formatOf(request);
              return sendBytes(reply, 200, format, await service.showBytes(id, ownerId, view, format));
            });
          }
          const id = idOf(request);
          const view = viewOf(service, request, reply, 'read');
          const format = formatOf(request);
          // A cached answer goes out without a promise.
          const hit = service.cachedBytes(id, undefined, view, format);
          if (hit) return sendBytes(reply, 200, format, hit);
          return service.showBytes(id, undefined, view, format).then((bytes) => sendBytes(reply, 200, format, bytes));
        });
        break;
      case 'create':
        app.post<RecordParams>(base, { config }, async (request, reply) => {
          const ownerId = await ownerOf(request);
          if (ownerId === undefined && isBulk(queryOf(request))) {
            return sendBulk(service, request, reply, 'create', queryOf(request));
          }
          const view = viewOf(service, request, reply, 'write');
          const result = await service.create(readDocument(request, def.singular), request.actor, owned(ownerId));
          return sendWrite(service, request, reply, 201, result, view);
        });
        break;
      case 'update': {
        const update = async (request: FastifyRequest<RecordParams>, reply: FastifyReply) => {
          const ownerId = await ownerOf(request);
          const id = idOf(request);
          const view = viewOf(service, request, reply, 'write');
          if (ownerId !== undefined) await service.show(id, ownerId);
          const result = await service.update(id, readDocument(request, def.singular), request.actor);
          return sendWrite(service, request, reply, 200, result, view);
        };
        // One route for both methods: Rails routes PATCH and PUT to the same update.
        app.route<RecordParams>({ method: ['PUT', 'PATCH'], url: `${base}/:id`, config, handler: update });
        // Without an id, an update is a bulk one: each item names its row (not under an owner).
        if (ownerParam !== undefined) break;
        app.put(base, { config }, async (request, reply) => {
          if (!isBulk(queryOf(request))) {
            throw new RosterError('invalid_query', `PUT ${base} updates in bulk: add bulk=1, or name one record (${base}/:id)`);
          }
          return sendBulk(service, request, reply, 'update', queryOf(request));
        });
        break;
      }
      case 'destroy':
        // Rails answers a destroy with the record as it was.
        app.delete<RecordParams>(`${base}/:id`, { config }, async (request, reply) => {
          const ownerId = await ownerOf(request);
          const id = idOf(request);
          const view = viewOf(service, request, reply, 'write');
          return sendRecord(service, request, reply, 200, await service.destroy(id, ownerId), view);
        });
        break;
      default:
        assertNever(operation);
    }
  }
}
