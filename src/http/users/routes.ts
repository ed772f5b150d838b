import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { USERS } from '../../catalog/users.js';
import { RosterError } from '../../domain/errors.js';
import { parseUserQuery, parseUserView, userIdFrom, type UserService, type WriteResult } from '../../domain/user-service.js';
import type { View } from '../../query/view.js';
import { wantsJson } from '../format/negotiate.js';
import { readDocument } from '../format/body.js';
import { readUpload } from '../format/upload.js';
import { presentUserAs } from '../../render/present-user.js';
import type { AvatarRepository } from '../../store/avatar-repository.js';
import type { StoredUser } from '../../store/user-repository.js';
import { headerList } from '../header-value.js';
import { sendError, sendList, sendObject } from '../reply.js';

/** Error bodies are keyed `user`; each route's scope is declared in http/route-scopes.ts. */
const CONFIG = { resource: USERS.singular };

/** Image types an avatar may be, sniffed from the bytes, not taken from the client's word. */
const AVATAR_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif']);

type IdParams = { Params: { id: string } };

const idOf = (request: FastifyRequest<IdParams>): number => userIdFrom(request.params.id);
const queryOf = (request: FastifyRequest): Record<string, unknown> => request.query as Record<string, unknown>;

export interface UserRoutesDeps {
  readonly users: UserService;
  readonly avatars: AvatarRepository;
  readonly avatarLimit: number;
}

/** `/api/users`: Coupa's Users API. */
export function registerUserRoutes(app: FastifyInstance, deps: UserRoutesDeps): void {
  const { users, avatars } = deps;

  async function sendUser(request: FastifyRequest, reply: FastifyReply, status: number, user: StoredUser, view: View) {
    const body = presentUserAs(user, await users.lookups([user]), view);
    return body ? sendObject(request, reply, status, body) : reply.code(status).send();
  }

  async function sendWrite(request: FastifyRequest, reply: FastifyReply, status: number, result: WriteResult, view: View) {
    // Coupa ignores elements it does not accept; the header tells a connector developer which ones.
    if (result.ignored.length > 0) void reply.header('x-roster-ignored-elements', headerList(result.ignored));
    return sendUser(request, reply, status, result.user, view);
  }

  app.get('/api/users', { config: CONFIG }, async (request, reply) => {
    const query = parseUserQuery(queryOf(request));
    const page = await users.list(query);
    if (page.length === 0 && !wantsJson(request)) {
      return sendError(request, reply, 'no_results', ['No results match your search criteria.']);
    }
    const lookups = await users.lookups(page);
    return sendList(
      request,
      reply,
      USERS.plural,
      page.flatMap((u) => presentUserAs(u, lookups, query.view) ?? []),
    );
  });

  app.get<IdParams>('/api/users/:id', { config: CONFIG }, async (request, reply) => {
    const id = idOf(request);
    const view = parseUserView(queryOf(request), 'read');
    return sendUser(request, reply, 200, await users.show(id), view);
  });

  app.post('/api/users', { config: CONFIG }, async (request, reply) => {
    const view = parseUserView(queryOf(request), 'write');
    return sendWrite(request, reply, 201, await users.create(readDocument(request, USERS.singular), request.actor), view);
  });

  const update = async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const view = parseUserView(queryOf(request), 'write');
    return sendWrite(
      request,
      reply,
      200,
      await users.update(idOf(request), readDocument(request, USERS.singular), request.actor),
      view,
    );
  };
  app.put<IdParams>('/api/users/:id', { config: CONFIG }, update);
  app.patch<IdParams>('/api/users/:id', { config: CONFIG }, update);

  app.put<IdParams>('/api/users/:id/avatar', { config: CONFIG }, async (request, reply) => {
    const id = idOf(request);
    const view = parseUserView(queryOf(request), 'write');
    await users.show(id);
    const { filename, data } = await readUpload(request, 'file', deps.avatarLimit);
    const type = await fileTypeFromBuffer(data);
    if (!type || !AVATAR_TYPES.has(type.mime)) {
      throw new RosterError('invalid_avatar', 'Avatar must be a PNG, JPEG or GIF image');
    }
    await avatars.save(id, { contentType: type.mime, filename, data }, (v) => `/api/users/${id}/avatar?v=${v}`);
    return sendUser(request, reply, 200, await users.show(id), view);
  });

  app.get<IdParams>('/api/users/:id/avatar', { config: CONFIG }, async (request, reply) => {
    const id = idOf(request);
    await users.show(id);
    const avatar = await avatars.find(id);
    if (!avatar) throw new RosterError('not_found', `User ${id} has no avatar`);
    return reply.type(avatar.contentType).header('cache-control', 'private, max-age=300').send(avatar.data);
  });

  app.delete<IdParams>('/api/users/:id/avatar', { config: CONFIG }, async (request, reply) => {
    const id = idOf(request);
    const view = parseUserView(queryOf(request), 'write');
    await users.show(id);
    await avatars.remove(id);
    return sendUser(request, reply, 200, await users.show(id), view);
  });
}
