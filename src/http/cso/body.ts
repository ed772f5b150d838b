import type { FastifyRequest } from 'fastify';
import type { ResourceDef } from '../../catalog/resource.js';
import { RosterError } from '../../domain/errors.js';
import { isPlainObject, type Document } from '../../domain/record-input.js';

/**
 * Most items one CSO write may hold; more is a 413 and nothing is written. CSO documents no
 * limit ("There is no technical limit", doc 0462) but advises sending large sets in pieces;
 * Roster's is the core bulk limit.
 */
export const MAX_CSO_ITEMS = 1000;

/** The JSON body, which must be an object: anything else is the request's error. */
function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) throw new RosterError('malformed_body', 'The request body is empty');
  if (!isPlainObject(body)) throw new RosterError('malformed_body', 'Malformed JSON: expected an object');
  return body;
}

/**
 * The items of a CSO write: `{"users": [ … ]}` (seed 001's samples), or one bare object
 * (`{"name": "First Market"}`, doc 0462's market create). Items are returned as sent; each is
 * checked on its own.
 */
export function readCsoItems(request: FastifyRequest, def: ResourceDef): { readonly items: unknown[]; readonly listed: boolean } {
  const body = objectBody(request);
  if (!Object.hasOwn(body, def.plural)) return { items: [body], listed: false };
  const list = body[def.plural];
  // An index answer posted back keeps its `total` (doc 0462: GET answers may be resubmitted).
  const others = Object.keys(body).filter((k) => k !== def.plural && k !== 'total');
  if (!Array.isArray(list)) throw new RosterError('malformed_body', `"${def.plural}" must be a list of ${def.singular} objects`);
  if (others.length > 0) {
    throw new RosterError(
      'malformed_body',
      `Beside "${def.plural}" the body may hold nothing: ${others.map((k) => `"${k}"`).join(', ')} given`,
    );
  }
  if (list.length === 0) throw new RosterError('malformed_body', `"${def.plural}" holds no ${def.singular}`);
  if (list.length > MAX_CSO_ITEMS) {
    throw new RosterError(
      'payload_too_large',
      `One request may hold at most ${MAX_CSO_ITEMS} ${def.plural} (${list.length} given): send them in several requests`,
    );
  }
  return { items: list, listed: true };
}

/** The one record of `PUT /api/<plural>/:id`: a bare object, or a list of exactly one. */
export function readCsoDocument(request: FastifyRequest, def: ResourceDef): Document {
  const { items } = readCsoItems(request, def);
  const [only] = items;
  if (items.length !== 1 || !isPlainObject(only)) {
    throw new RosterError('malformed_body', `PUT on one ${def.singular} takes one ${def.singular} object`);
  }
  return only;
}
