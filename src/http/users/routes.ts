import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import type { ResourceDef } from '../../catalog/resource.js';
import { RosterError } from '../../domain/errors.js';
import type { RecordService } from '../../domain/record-service.js';
import type { AvatarRepository } from '../../store/avatar-repository.js';
import { readUpload } from '../format/upload.js';
import { registerRecordRoutes, sendRecord, viewOf, type IdParams } from '../records/routes.js';

/** Image types an avatar may be, sniffed from the bytes, not taken from the client's word. */
const AVATAR_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif']);

export interface UserRoutesDeps {
  readonly users: RecordService;
  readonly avatars: AvatarRepository;
  readonly avatarLimit: number;
}

/**
 * Coupa's Users API: the standard routes from the definition, and the user's avatar (GET, PUT
 * as multipart `file`, DELETE), which sets `avatar-thumb-url`. Scopes: http/route-scopes.ts.
 */
export function registerUserRoutes(app: FastifyInstance, def: ResourceDef, deps: UserRoutesDeps): void {
  const { users, avatars } = deps;
  registerRecordRoutes(app, def, users);
  const config = { resource: def.singular };
  const avatarPath = `${def.api?.path ?? ''}/:id/avatar`;

  const upload = async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const id = users.idFrom(request.params.id);
    const view = viewOf(users, request, reply, 'write');
    await users.show(id);
    const { filename, data } = await readUpload(request, 'file', deps.avatarLimit);
    const type = await fileTypeFromBuffer(data);
    if (!type || !AVATAR_TYPES.has(type.mime)) {
      throw new RosterError('invalid_avatar', 'Avatar must be a PNG, JPEG or GIF image');
    }
    await avatars.save(id, { contentType: type.mime, filename, data }, (v) => `${def.api?.path ?? ''}/${id}/avatar?v=${v}`);
    return sendRecord(users, request, reply, 200, await users.show(id), view);
  };
  // PUT as Roster's docs give it; POST as Coupa's Swagger lists it.
  app.route<IdParams>({ method: ['PUT', 'POST'], url: avatarPath, config, handler: upload });

  const download = async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const id = users.idFrom(request.params.id);
    await users.show(id);
    const avatar = await avatars.find(id);
    if (!avatar) throw new RosterError('not_found', `${def.model} ${id} has no avatar`);
    return reply.type(avatar.contentType).header('cache-control', 'private, max-age=300').send(avatar.data);
  };
  // `…/avatar` as Roster's docs give it; `…/retrieve_avatar` as Coupa's Swagger lists it.
  for (const url of [avatarPath, `${def.api?.path ?? ''}/:id/retrieve_avatar`]) app.get<IdParams>(url, { config }, download);

  app.delete<IdParams>(avatarPath, { config }, async (request, reply) => {
    const id = users.idFrom(request.params.id);
    const view = viewOf(users, request, reply, 'write');
    await users.show(id);
    await avatars.remove(id);
    return sendRecord(users, request, reply, 200, await users.show(id), view);
  });
}
