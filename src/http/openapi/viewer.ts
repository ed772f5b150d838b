import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A file the viewer serves: its bytes and its media type. */
export interface ViewerAsset {
  readonly body: string | Buffer;
  readonly type: string;
}

/**
 * The viewer's page: Swagger UI over the family's `openapi.json`, every URL relative to the page
 * (`openapi/swagger-ui.css`, `openapi.json`), so it works wherever the family is mounted (`/`,
 * `/cso`). No inline script: the start-up code is `openapi/viewer.js`, so the page's CSP can
 * allow scripts from Roster alone.
 */
export function viewerPage(title: string): string {
  const escaped = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escaped}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="openapi/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="openapi/swagger-ui-bundle.js"></script>
<script src="openapi/viewer.js"></script>
</body>
</html>
`;
}

/**
 * Starts Swagger UI on the document beside the page. No validator badge (Swagger UI would
 * send the document to validator.swagger.io), no top bar (it loads any URL typed in it).
 */
const VIEWER_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/** The page's policy: scripts, styles and requests from Roster only; Swagger UI sets inline styles and data: images. */
export const VIEWER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The Swagger UI files the page loads, from the `swagger-ui-dist` package, by their name under `openapi/`. */
const DIST_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

let assets: ReadonlyMap<string, ViewerAsset> | undefined;

/**
 * The folder of the installed `swagger-ui-dist` (its `getAbsoluteFSPath()`). Loaded from its own
 * module, `absolute-path.js`: the package's main module also evaluates the 1.8 MB bundle, a
 * third of a second spent for nothing on the server.
 */
function distFolder(): string {
  const require = createRequire(import.meta.url);
  const getAbsoluteFSPath = require('swagger-ui-dist/absolute-path.js') as () => string;
  return getAbsoluteFSPath();
}

/**
 * The viewer's files by name (`swagger-ui.css`, `swagger-ui-bundle.js`, `viewer.js`), read
 * from `swagger-ui-dist` on first use and kept: Roster serves them itself, so the page needs
 * no network beyond Roster.
 */
export function viewerAsset(name: string): ViewerAsset | undefined {
  if (!assets) {
    const folder = distFolder();
    const read = new Map<string, ViewerAsset>(
      Object.entries(DIST_FILES).map(([file, type]) => [file, { body: readFileSync(join(folder, file)), type }] as const),
    );
    read.set('viewer.js', { body: VIEWER_SCRIPT, type: 'text/javascript; charset=utf-8' });
    assets = read;
  }
  return assets.get(name);
}

/** The names `viewerAsset` serves. */
export const VIEWER_ASSETS: readonly string[] = [...Object.keys(DIST_FILES), 'viewer.js'];
