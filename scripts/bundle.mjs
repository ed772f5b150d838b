// Bundles the built CLI (dist/cli/main.js) into one file, dist/roster-main.cjs, started by
// dist/roster.mjs (scripts/launcher.mjs), which `roster` and `npm start` run: loading one file
// instead of some 900 modules is most of a fast start-up (docs/performance.md). Native and
// optional modules stay outside the bundle, and so do the large ones loaded only when first used.
// CommonJS, because Node 20 keeps V8's code for a script (`vm.Script`) but not for a module.
import { chmodSync, copyFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/roster-main.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // better-sqlite3 loads a native addon; pg-native is pg's optional native binding; ssh2 tries
  // its optional native crypto (and cpu-features) and falls back to Node's crypto without them.
  // nodemailer, ioredis and yaml (a quarter of the code) are imported only when first used (mail,
  // --redis-url, a YAML fixture or mapping): left to Node, which loads them from node_modules then,
  // so a start does not parse them: as require() calls (all are CommonJS), so the bundle holds no
  // import(), which a `vm.Script` could not run.
  supported: { 'dynamic-import': false },
  external: ['better-sqlite3', 'pg-native', 'ssh2', 'cpu-features', 'nodemailer', 'ioredis', 'yaml'],
  // The three modules that find files next to their own (`import.meta.url`) find them next to the
  // bundle. The banner comes before esbuild's own "use strict", which after a statement would no
  // longer be a directive: it says it first, so the bundle stays as strict as the modules were.
  define: { 'import.meta.url': '__rosterUrl' },
  banner: { js: "'use strict';\nconst __rosterUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  legalComments: 'none',
});

// The bin: loads the bundle with its compiled code kept on disk (scripts/launcher.mjs).
rmSync('dist/roster-main.mjs', { force: true });
copyFileSync('scripts/launcher.mjs', 'dist/roster.mjs');

// `npx roster` in a checkout runs node_modules/.bin/roster when there is one, and otherwise fetches
// the unrelated `roster` package from the registry and runs that. npm links the bins of the
// dependencies, never the project's own, so the build links it (npm ci runs the build).
chmodSync('dist/roster.mjs', 0o755);
mkdirSync('node_modules/.bin', { recursive: true });
rmSync('node_modules/.bin/roster', { force: true });
symlinkSync('../../dist/roster.mjs', 'node_modules/.bin/roster');
