// The baseline for `npm run bench`: bare Fastify answering one route with a constant body the
// size of a real user, so the ratio to it shows what Roster's own work costs per request.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const bodyFile = process.env['BARE_BODY_FILE'];
if (!bodyFile) throw new Error('BARE_BODY_FILE must name a file holding the response body');
const body = readFileSync(bodyFile, 'utf8');

const app = Fastify({ logger: false });
app.get('/user', (_request, reply) => reply.type('application/json; charset=utf-8').send(body));

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) });
process.stdout.write(`bare server at ${address}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
