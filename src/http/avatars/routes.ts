import { serialId } from '../../catalog/ids.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceDef } from '../../catalog/resource.js';
import { RosterError } from '../../domain/errors.js';
import type { RecordService } from '../../domain/record-service.js';
import type { AvatarRepository } from '../../store/avatar-repository.js';
import { readUpload, uploadAccepts, type UploadSpec } from '../format/upload.js';
import { sendRecord, viewOf, type IdParams } from '../records/routes.js';

/** Image types an avatar may be. */
const AVATAR_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif']);

export interface AvatarRoutesDeps {
  readonly service: RecordService;
  readonly avatars: AvatarRepository;
  /** Largest image accepted, in bytes (`Config.avatarLimit`); larger is a 413. */
  readonly limit: number;
}

/**
 * A resource's avatar routes, those its definition lists among its extra routes (users, workers):
 * upload (PUT or POST `…/:id/avatar`, multipart `file`; a PNG, JPEG or GIF by its bytes, else a
 * 400; answered with the status the route lists, 200 unless Coupa documents another), download (GET `…/:id/avatar`, and `…/:id/retrieve_avatar` as Coupa's user Swagger
 * names it; a 404 when there is none) and DELETE. Upload and delete answer with the record.
 */
export function registerAvatarRoutes(app: FastifyInstance, def: ResourceDef, deps: AvatarRoutesDeps): void {
  const { service, avatars } = deps;
  const base = def.api?.path ?? '';
  const listed = new Map((def.api?.extraRoutes ?? []).map((r) => [`${r.method} ${r.path}`, r]));
  const config = { resource: def.singular };
  const methods = (path: string, candidates: ReadonlyArray<'GET' | 'PUT' | 'POST' | 'DELETE'>) =>
    candidates.filter((m) => listed.has(`${m} ${path}`));

  const spec: UploadSpec = {
    fields: ['file'],
    limit: deps.limit,
    code: 'invalid_avatar',
    noun: 'image',
    types: AVATAR_TYPES,
    wrongType: 'Avatar must be a PNG, JPEG or GIF image',
  };
  const upload = async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const id = serialId(service.idFrom(request.params.id));
    const view = viewOf(service, request, reply, 'write');
    await service.show(id);
    const upload = await readUpload(request, spec);
    await avatars.save(id, upload, (v) => `${base}/${id}/avatar?v=${v}`);
    await service.changedBeside(id);
    const status = listed.get(`${request.method} /:id/avatar`)?.status ?? 200;
    return sendRecord(service, request, reply, status, await service.show(id), view);
  };
  const uploads = methods('/:id/avatar', ['PUT', 'POST']);
  if (uploads.length > 0) {
    const accepts = uploadAccepts(spec);
    app.route<IdParams>({ method: uploads, url: `${base}/:id/avatar`, config: { ...config, accepts }, handler: upload });
  }

  const download = async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const id = serialId(service.idFrom(request.params.id));
    await service.show(id);
    const avatar = await avatars.find(id);
    if (!avatar) throw new RosterError('not_found', `${def.model} ${id} has no avatar`);
    return reply.type(avatar.contentType).header('cache-control', 'private, max-age=300').send(avatar.data);
  };
  for (const path of ['/:id/avatar', '/:id/retrieve_avatar']) {
    if (methods(path, ['GET']).length > 0) app.get<IdParams>(`${base}${path}`, { config }, download);
  }

  if (methods('/:id/avatar', ['DELETE']).length > 0) {
    app.delete<IdParams>(`${base}/:id/avatar`, { config }, async (request, reply) => {
      const id = serialId(service.idFrom(request.params.id));
      const view = viewOf(service, request, reply, 'write');
      await service.show(id);
      await avatars.remove(id);
      await service.changedBeside(id);
      return sendRecord(service, request, reply, 200, await service.show(id), view);
    });
  }
}
