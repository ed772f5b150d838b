import type { FastifyReply, FastifyRequest } from 'fastify';
import { indexCatalog } from '../../catalog/lookup.js';
import type { ResourceDef } from '../../catalog/resource.js';
import { coerceScalar } from '../../catalog/values.js';
import { RosterError } from '../../domain/errors.js';
import type { BulkResult, RecordService } from '../../domain/record-service.js';
import type { ItemOutcome } from '../../domain/record-writer.js';
import type { OutNode, OutObject } from '../../render/out.js';
import { readDocuments } from '../format/body.js';
import { headerList } from '../header-value.js';
import { sendList } from '../reply.js';

// Coupa's bulk form of a write (`?bulk=1`), as its NetSuite integration uses it; docs/users-api.md.

/** A write's query string without `bulk`, which selects the bulk form rather than being ignored. */
export function withoutBulk(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => name !== 'bulk'));
}

/** Whether a write asks for the bulk form (`?bulk=1`, as Coupa's NetSuite integration sends it). */
export function isBulk(params: Record<string, unknown>): boolean {
  const raw = params['bulk'];
  if (raw === undefined) return false;
  const c = coerceScalar('boolean', typeof raw === 'string' ? raw : '');
  if (!c.ok || c.value === null) throw new RosterError('invalid_query', "Query parameter 'bulk' must be 1 or 0");
  return c.value === true;
}

/** One item's result in Coupa's bulk answer: `<result><status>SUCCESS</status><unique-keys>…`. */
function resultNode(def: ResourceDef, outcome: ItemOutcome, keys: BulkResult['keys'][number]): OutObject {
  const key = indexCatalog(def).key;
  // A resource named by its id alone (workers): the id written, or the one a refused item sent.
  const unique: Array<readonly [string, OutNode]> =
    key.auto === 'id'
      ? [['id', { t: 'integer', v: keys.id ?? keys.key }]]
      : [
          ['id', { t: 'integer', v: keys.id }],
          [key.name, { t: key.type, v: keys.key }],
        ];
  return {
    tag: 'result',
    fields: [
      ['status', { t: 'string', v: outcome.ok ? 'SUCCESS' : 'ERROR' }],
      [
        'unique-keys',
        {
          t: 'object',
          v: {
            tag: 'unique-keys',
            fields: unique,
          },
        },
      ],
      ['error-code', { t: 'string', v: outcome.ok ? null : outcome.error.code }],
      ['errors', { t: 'texts', item: 'error', v: outcome.ok ? [] : outcome.error.messages }],
    ],
  };
}

/**
 * A bulk create or update: each item written on its own (a bad item never blocks the good
 * ones, and leaves nothing behind), answered 200 with one `<result>` per item, in order.
 */
export async function sendBulk(
  service: RecordService,
  request: FastifyRequest,
  reply: FastifyReply,
  mode: 'create' | 'update',
  params: Record<string, unknown>,
): Promise<FastifyReply> {
  const ignored = Object.keys(withoutBulk(params));
  if (ignored.length > 0) void reply.header('x-roster-ignored-parameters', headerList(ignored));
  const items = readDocuments(request, service.def.plural, service.def.singular);
  const result = await service.bulk(mode, items, request.actor);
  const nodes = result.outcomes.map((o, i) => resultNode(service.def, o, result.keys[i] ?? { id: null, key: null }));
  return sendList(request, reply, 'results', nodes);
}
