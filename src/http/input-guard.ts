import type { FastifyInstance } from 'fastify';
import { humanize } from '../catalog/lookup.js';
import { characterProblem, forbiddenCharacter } from '../catalog/values.js';
import { RosterError } from '../domain/errors.js';
import { XmlBody } from './format/body.js';

/** Where a forbidden character sits: in a name (an object key) or in a value, under the keys leading to it. */
interface Finding {
  readonly path: readonly string[];
  readonly inName: boolean;
  readonly character: string;
}

/**
 * The first text in a parsed body or query (any depth, keys and values) holding a character
 * no value may hold (catalog/values.ts). Iterative, so a deeply nested body cannot exhaust
 * the stack.
 */
function findForbidden(root: unknown): Finding | undefined {
  // Each entry points at its parent's key instead of copying the path, so a body nested
  // 100,000 deep costs linear time; the path is spelled out only for a finding.
  interface Key {
    readonly name: string;
    readonly parent: Key | undefined;
  }
  const pathOf = (key: Key | undefined): string[] => {
    const names: string[] = [];
    for (let k = key; k !== undefined; k = k.parent) names.push(k.name);
    return names.reverse();
  };
  const stack: Array<{ value: unknown; key: Key | undefined }> = [{ value: root, key: undefined }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, key } = item;
    if (typeof value === 'string') {
      const character = forbiddenCharacter(value);
      if (character) return { path: pathOf(key), inName: false, character };
    } else if (Array.isArray(value)) {
      for (const v of value as unknown[]) stack.push({ value: v, key });
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        const character = forbiddenCharacter(k);
        if (character) return { path: pathOf(key), inName: true, character };
        stack.push({ value: v, key: { name: k, parent: key } });
      }
    }
  }
  return undefined;
}

const notAllowed = (f: Finding): string => characterProblem(f.character);

/**
 * Refuses, before any handler runs, a query string or body holding a character that no stored
 * value may hold (NUL, other control characters, lone surrogates…): PostgreSQL would refuse
 * it and SQLite store it, so it is decided once, here, the same on both (Coupa answers 400).
 * The message names the parameter or element; nothing is written.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const oauth = request.routeOptions.config.resource === 'oauth';
    const inQuery = findForbidden(request.query);
    if (inQuery) {
      const name = inQuery.path[0];
      const message =
        inQuery.inName || name === undefined
          ? `A query parameter name ${notAllowed(inQuery)}`
          : `${oauth ? 'Parameter' : 'Query parameter'} '${name}' ${notAllowed(inQuery)}`;
      done(new RosterError(oauth ? 'invalid_request' : 'invalid_query', message));
      return;
    }
    // A CSO write is lenient: each item's values are checked on their own (catalog/values.ts).
    const body =
      request.routeOptions.config.family === 'cso'
        ? undefined
        : request.body instanceof XmlBody
          ? request.body.doc
          : request.body;
    const inBody = findForbidden(body);
    if (inBody) {
      // A deeply nested finding is named by its first few keys; the message stays readable.
      const shown = inBody.path.length > 6 ? [...inBody.path.slice(0, 6), '…'] : inBody.path;
      const where = shown.length === 0 ? undefined : shown.join(' ');
      const message = oauth
        ? `${where ? `Parameter ${where}` : 'The request body'} ${notAllowed(inBody)}`
        : inBody.inName
          ? `An element name${where ? ` in ${humanize(where)}` : ''} ${notAllowed(inBody)}`
          : `${where ? humanize(where) : 'The body'} ${notAllowed(inBody)}`;
      done(new RosterError(oauth ? 'invalid_request' : 'validation_failed', message));
      return;
    }
    done();
  });
}
