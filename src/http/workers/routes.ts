import type { FastifyInstance } from 'fastify';
import type { ResourceDef } from '../../catalog/resource.js';
import type { RecordService } from '../../domain/record-service.js';
import type { WorkerInvitations } from '../../domain/worker-invitations.js';
import { sendRecord, viewOf, type IdParams } from '../records/routes.js';

/**
 * `POST /api/workers/:id/invite_worker` (seed 004): invites the worker; answers with the worker.
 * The action takes no document, so whatever body a client sends (none, `{}`, an empty body
 * labelled JSON, as curl and many HTTP clients send) is read up to the body limit and ignored.
 */
export function registerWorkerRoutes(
  app: FastifyInstance,
  def: ResourceDef,
  deps: { readonly workers: RecordService; readonly invitations: WorkerInvitations },
): void {
  const { workers, invitations } = deps;
  // A plugin scope, so the ignoring parser applies to this route alone.
  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, parsed) => parsed(null, undefined));
    scope.post<IdParams>(
      `${def.api?.path ?? ''}/:id/invite_worker`,
      { config: { resource: def.singular } },
      async (request, reply) => {
        const id = workers.idFrom(request.params.id);
        const view = viewOf(workers, request, reply, 'write');
        return sendRecord(workers, request, reply, 200, await invitations.invite(id, request.actor), view);
      },
    );
    done();
  });
}
