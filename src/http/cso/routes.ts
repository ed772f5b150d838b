import type { FastifyInstance, FastifyReply } from 'fastify';
import { assertNever } from '../../catalog/lookup.js';
import type { ResourceDef } from '../../catalog/resource.js';
import { RosterError } from '../../domain/errors.js';
import { ROUNDED_ID, type BulkPolicy, type BulkResult, type RecordService } from '../../domain/record-service.js';
import { csoWriteAnswer, type CsoItemError, type CsoObject } from '../../render/cso-json.js';
import { csoPageBytes } from '../../render/wire-bytes.js';
import { FULL_VIEW } from '../../query/view.js';
import { queryOf } from '../records/routes.js';
import { readCsoDocument, readCsoItems } from './body.js';

type IdParams = { Params: { id: string } };

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * CSO's writes: items name rows by `id` alone, an element the resource does not take is the
 * item's error, and a request's items commit together (each still applied or refused alone).
 */
const CSO_BULK: BulkPolicy = { idOnly: true, strict: true, together: true, sentKeys: true };

const send = (reply: FastifyReply, status: number, body: CsoObject): FastifyReply =>
  reply.code(status).type(JSON_TYPE).send(JSON.stringify(body));

/** How a refused item named its row, as it sent it: its `id` for an update, its natural key for a create. */
function sentKey(def: ResourceDef, mode: 'create' | 'update', item: unknown): CsoItemError['key'] {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const element = mode === 'update' ? 'id' : def.key;
  const value: unknown = (item as Record<string, unknown>)[element];
  // A number past 2^53 was rounded by JSON.parse: echoing it would name an id the client never sent.
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { element, value: String(value) } : undefined;
  return typeof value === 'string' ? { element, value } : undefined;
}

/**
 * A lenient write's answer (doc 0462: "if updating one resource fails, the other ones might be
 * successful"): 201 (create) or 200 with seed 001's shape, the refused items added to it; a 400
 * when every item was refused.
 */
function sendWrite(
  reply: FastifyReply,
  def: ResourceDef,
  mode: 'create' | 'update',
  items: readonly unknown[],
  result: BulkResult,
): FastifyReply {
  const written: string[] = [];
  const failures: CsoItemError[] = [];
  result.outcomes.forEach((outcome, index) => {
    if (outcome.ok) written.push(String(outcome.id));
    else {
      const key = sentKey(def, mode, items[index]);
      failures.push({ index, ...(key ? { key } : {}), code: outcome.error.code, messages: outcome.error.messages });
    }
  });
  const status = written.length === 0 ? 400 : mode === 'create' ? 201 : 200;
  if (written.length === 0) void reply.header('x-roster-error-code', failures[0]?.code ?? 'validation_failed');
  return send(reply, status, csoWriteAnswer(mode, def.plural, written, failures));
}

/**
 * A CSO resource's routes under its `api.path` (seed 001's table for users): index
 * (`{"total": N, "<plural>": […]}`, `offset`/`limit` up to 250 and Coupa's operators), show,
 * create one or many (`POST`), update many (`PUT` on the collection, each item naming its `id`)
 * or one (`PUT …/:id`). Errors are CSO's (http/reply.ts); every route is `family: 'cso'`.
 */
export function registerCsoRoutes(app: FastifyInstance, def: ResourceDef, service: RecordService): void {
  const api = def.api;
  if (!api) return;
  const config = { resource: def.singular, family: 'cso' as const, accepts: 'application/json' };
  const base = api.path;
  for (const operation of api.operations) {
    switch (operation) {
      case 'index':
        app.get(base, { config }, async (request, reply) => {
          const query = service.parseQuery(queryOf(request));
          const items = await service.pageItems(query, undefined, 'cso-json');
          const total = await service.count(query);
          return reply
            .code(200)
            .type(JSON_TYPE)
            .send(csoPageBytes(total, def.plural, items));
        });
        break;
      case 'show':
        app.get<IdParams>(`${base}/:id`, { config }, async (request, reply) => {
          const bytes = await service.showBytes(service.idFrom(request.params.id), undefined, FULL_VIEW, 'cso-json');
          return reply.code(200).type(JSON_TYPE).send(bytes);
        });
        break;
      case 'create':
        app.post(base, { config }, async (request, reply) => {
          const { items } = readCsoItems(request, def);
          return sendWrite(reply, def, 'create', items, await service.bulk('create', items, request.actor, CSO_BULK));
        });
        break;
      case 'update':
        app.put(base, { config }, async (request, reply) => {
          const { items } = readCsoItems(request, def);
          return sendWrite(reply, def, 'update', items, await service.bulk('update', items, request.actor, CSO_BULK));
        });
        app.put<IdParams>(`${base}/:id`, { config }, async (request, reply) => {
          const id = service.idFrom(request.params.id);
          const { id: sent, ...doc } = readCsoDocument(request, def);
          // A GET's answer may be sent back as it is (doc 0462), its own id included.
          if (typeof sent === 'number' && !Number.isSafeInteger(sent)) throw new RosterError('validation_failed', ROUNDED_ID);
          const given = typeof sent === 'string' || typeof sent === 'number' ? String(sent) : JSON.stringify(sent);
          if (sent !== undefined && given !== String(id)) {
            throw new RosterError('validation_failed', `id ${given} does not match the ${def.singular} in the path (${id})`);
          }
          await service.update(id, doc, request.actor, { strict: true });
          return send(reply, 200, csoWriteAnswer('update', def.plural, [String(id)], []));
        });
        break;
      case 'destroy':
        // CSO deletes some resources (doc 0462); users and companies are not among them (seed 001).
        throw new Error(`${def.name}: the CSO family serves no DELETE`);
      default:
        assertNever(operation);
    }
  }
}
