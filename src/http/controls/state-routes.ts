import type { FastifyInstance } from 'fastify';
import { clearClock, clockView, setClock } from '../../controls/clock.js';
import { readSeedFile, type SeedFixture } from '../../controls/fixture-file.js';
import { resetState } from '../../controls/reset.js';
import { snapshotName, Snapshots } from '../../controls/snapshots.js';
import type { Engine } from '../../domain/engine.js';
import { isPlainObject } from '../../domain/record-input.js';
import { RosterError } from '../../domain/errors.js';

export interface StateRoutesDeps {
  readonly engine: Engine;
  /** The `--seed` fixture a reset loads again (read anew each time, so an edited fixture is used). */
  readonly seedFile: string | undefined;
}

/**
 * The controls that replace the state (docs/controls.md): `POST /reset`, `/snapshots` (save,
 * list, restore, drop) and `/clock`. They run one at a time in a process: a reset and a
 * restore each replace every table, and neither may interleave with the other.
 */
export function registerStateRoutes(app: FastifyInstance, { engine, seedFile }: StateRoutesDeps): void {
  const config = { public: true };
  const snapshots = new Snapshots(engine);
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  app.post('/reset', { config }, async (_request, reply) => {
    let fixture: SeedFixture | undefined;
    try {
      fixture = seedFile === undefined ? undefined : await readSeedFile(seedFile);
    } catch (err) {
      throw new RosterError('internal', `The --seed fixture ${seedFile ?? ''} no longer reads: ${(err as Error).message}`);
    }
    await oneAtATime(() => resetState(engine, fixture));
    return reply.code(204).send();
  });

  app.get('/snapshots', { config }, async () => ({
    snapshots: (await snapshots.list()).map((s) => ({ name: s.name, 'created-at': s.createdAt })),
  }));
  app.post('/snapshots', { config }, async (request, reply) => {
    const body = request.body;
    if (!isPlainObject(body))
      throw new RosterError('invalid_control', 'A snapshot is saved with a JSON object: {"name": "before-test"}');
    const unknown = Object.keys(body).filter((k) => k !== 'name');
    if (unknown.length > 0) throw new RosterError('invalid_control', `A snapshot has no ${unknown.join(', ')} (it has name)`);
    const saved = await oneAtATime(() => snapshots.save(snapshotName(body['name'])));
    return reply.code(201).send({ name: saved.name, 'created-at': saved.createdAt });
  });
  app.post<{ Params: { name: string } }>('/snapshots/:name/restore', { config }, async (request, reply) => {
    await oneAtATime(() => snapshots.restore(request.params.name));
    return reply.code(204).send();
  });
  app.delete<{ Params: { name: string } }>('/snapshots/:name', { config }, async (request, reply) => {
    await oneAtATime(() => snapshots.drop(request.params.name));
    return reply.code(204).send();
  });

  app.get('/clock', { config }, () => clockView(engine));
  app.put('/clock', { config }, (request) => setClock(engine, request.body));
  app.delete('/clock', { config }, () => clearClock(engine));
}
