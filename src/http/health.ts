import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Store } from '../store/database.js';

/** `GET /health`: 200 once the database answers; no credentials needed. */
export function registerHealth(app: FastifyInstance, store: Store): void {
  app.get('/health', { config: { public: true } }, async (_request, reply) => {
    await sql`select 1`.execute(store.db);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ status: 'ok', database: store.dialect.name }));
  });
}
