import type { FastifyInstance } from 'fastify';
import { FAMILIES, type ApiFamily } from '../../catalog/families.js';
import { openApiDocument } from './document.js';
import { VIEWER_ASSETS, VIEWER_CSP, viewerAsset, viewerPage } from './viewer.js';
import '../fastify-types.js';

/**
 * The OpenAPI document of `family` and its viewer, served without credentials (`public`):
 * `GET /openapi.json` (http/openapi/document.ts), `GET /openapi.html` (Swagger UI) and the
 * viewer's files under `/openapi/` (from the `swagger-ui-dist` package; no CDN). Registered on
 * the app (core) or inside the CSO plugin, whose prefix (`/cso`) the document's `servers`
 * then names. Nothing is built or read before the first request, so start-up pays nothing.
 */
export function registerOpenApiRoutes(app: FastifyInstance, family: ApiFamily): void {
  const config = { public: true, family };
  let text: string | undefined;
  const documentText = (): string => {
    text ??= JSON.stringify({ ...openApiDocument(family), servers: [{ url: app.prefix === '' ? '/' : app.prefix }] });
    return text;
  };

  app.get('/openapi.json', { config }, (_request, reply) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(documentText()),
  );

  const page = viewerPage(`Roster: ${FAMILIES[family].title}`);
  app.get('/openapi.html', { config }, (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', VIEWER_CSP)
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .send(page),
  );

  for (const name of VIEWER_ASSETS) {
    app.get(`/openapi/${name}`, { config }, (_request, reply) => {
      const asset = viewerAsset(name);
      if (!asset) return reply.callNotFound();
      return reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .send(asset.body);
    });
  }
}
