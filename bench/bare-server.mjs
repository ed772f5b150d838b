// The baselines for `npm run bench`: bare Fastify answering constant bodies, each the bytes a
// Roster response sends (a real user, a real page of 50 users in JSON and XML, a page of
// departments), so the ratio to them shows what Roster's own work costs per request.
//
// BARE_BODIES names a JSON file: { "/path": { "type": "content type", "file": "body file" } }.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const spec = process.env['BARE_BODIES'];
if (!spec) throw new Error('BARE_BODIES must name a JSON file of route -> { type, file }');
const routes = JSON.parse(readFileSync(spec, 'utf8'));

const app = Fastify({ logger: false });
for (const [route, { type, file }] of Object.entries(routes)) {
  const body = readFileSync(file, 'utf8');
  app.get(route, (_request, reply) => reply.type(type).send(body));
}

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) });
process.stdout.write(`bare server at ${address}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
