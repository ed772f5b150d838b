// Bundles the built CLI (dist/cli/main.js) into one file, dist/roster-main.mjs, started by
// dist/roster.mjs, which `roster` and `npm start` run: loading one file instead of some 900
// modules is most of a fast start-up (docs/performance.md). Native and optional modules stay
// outside the bundle, and so do the large ones loaded only when first used.
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/roster-main.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // better-sqlite3 loads a native addon; pg-native is pg's optional native binding; ssh2 tries
  // its optional native crypto (and cpu-features) and falls back to Node's crypto without them.
  // nodemailer, ioredis and yaml (a quarter of the code) are imported only when first used (mail,
  // --redis-url, a YAML fixture or mapping): left to Node, which loads them from node_modules then,
  // so a start does not parse them.
  external: ['better-sqlite3', 'pg-native', 'ssh2', 'cpu-features', 'nodemailer', 'ioredis', 'yaml'],
  // CommonJS dependencies call require(); an ESM bundle has none of its own.
  banner: {
    js: "import { createRequire as __rosterRequire } from 'node:module'; const require = __rosterRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'none',
});

// The bin: a few lines that turn on Node's compile cache (Node 22.1+: V8's code for the bundle is
// kept on disk, so a later start skips compiling it) before the bundle is loaded; the cache must
// be on before the module it serves is compiled, hence a file of its own.
writeFileSync(
  'dist/roster.mjs',
  `#!/usr/bin/env node
// Roster's command line (scripts/bundle.mjs writes this file; the program is roster-main.mjs).
import module from 'node:module';
module.enableCompileCache?.();
await import('./roster-main.mjs');
`,
);

// `npx roster` in a checkout runs node_modules/.bin/roster when there is one, and otherwise fetches
// the unrelated `roster` package from the registry and runs that. npm links the bins of the
// dependencies, never the project's own, so the build links it (npm ci runs the build).
chmodSync('dist/roster.mjs', 0o755);
mkdirSync('node_modules/.bin', { recursive: true });
rmSync('node_modules/.bin/roster', { force: true });
symlinkSync('../../dist/roster.mjs', 'node_modules/.bin/roster');
