// The baselines for `npm run bench` and `npm run bench:cso`: bare Fastify answering constant
// bodies, each the bytes a Roster response sends (a real user, a real page of 50 users in JSON and
// XML, a page of departments; a CSO user, a CSO page of 250), so the ratio to them shows what
// Roster's own work costs per request.
//
// BARE_BODIES names a JSON file: { "/path": { "type": "content type", "file": "body file" } }; each
// path is also served at `/path.buf` with the body as a ready Buffer (no UTF-8 encoding per request).
// BARE_CSO_BULK, when set, is a path that takes a POST like CSO's bulk create (`{"users": […]}`):
// Fastify's own JSON parser reads the body, and the answer is CSO's shape with one new 19-digit
// string id per item, `201 {"result":[…],"added":N,"users":[{"id":"…"}]}`, with no other work.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const spec = process.env['BARE_BODIES'];
if (!spec) throw new Error('BARE_BODIES must name a JSON file of route -> { type, file }');
const routes = JSON.parse(readFileSync(spec, 'utf8'));

const app = Fastify({ logger: false });
for (const [route, { type, file }] of Object.entries(routes)) {
  const body = readFileSync(file, 'utf8');
  app.get(route, (_request, reply) => reply.type(type).send(body));
  // The same bytes ready encoded: what a Node server can do at best, without the UTF-8 encoding a string costs.
  const bytes = Buffer.from(body, 'utf8');
  app.get(`${route}.buf`, (_request, reply) => reply.type(type).send(bytes));
}

const bulkPath = process.env['BARE_CSO_BULK'];
if (bulkPath) {
  let next = 9220600000000000000n;
  app.post(bulkPath, (request, reply) => {
    const items = request.body?.users;
    if (!Array.isArray(items)) return reply.code(400).send({ result: [{ type: 'api.error.bad_request' }] });
    const users = items.map(() => ({ id: String(++next) }));
    const body = {
      result: [{ type: 'api.post.added', description: `${users.length} objects created.` }],
      added: users.length,
      users,
    };
    return reply.code(201).type('application/json; charset=utf-8').send(JSON.stringify(body));
  });
}

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) });
process.stdout.write(`bare server at ${address}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
