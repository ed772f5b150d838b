#!/usr/bin/env node
// Runs before `npm start` and `npm test` (package.json): installs the dependencies when they are
// missing or older than package-lock.json, and builds dist/ when it is missing or older than src/.
// When nothing is needed it only reads a few mtimes and exits in a few milliseconds.
//
// Node built-ins only: on a fresh clone it runs before anything is installed.
//
//   node scripts/ensure-ready.mjs            install if needed, then build if needed (npm start)
//   node scripts/ensure-ready.mjs --no-build install if needed (npm test: vitest's global setup builds)
//
// It installs with `npm ci`, not `npm install`: it installs exactly what the lockfile says, never
// rewrites package-lock.json (so starting the server never leaves a diff behind, and the lockfile
// never ends up newer than what was just installed), and it stops with an error when package.json
// and the lockfile disagree instead of quietly resolving new versions. It starts from an empty
// node_modules, which is slower than `npm install`, but it only runs when the lockfile changed.
// `npm ci` runs the `prepare` script, which builds, so a start right after an install does not
// build again.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = !process.argv.slice(2).includes('--no-build');
const say = (line) => console.error(`roster: ${line}`);

/** mtime in ms, or undefined when the path does not exist. */
function mtime(file) {
  try {
    return statSync(path.join(root, file)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Runs npm with `args` in the project; when it fails, runs `cleanUp`, says `failure` and exits 1. */
function npm(args, failure, cleanUp = () => undefined) {
  const windows = process.platform === 'win32';
  const result = spawnSync(windows ? 'npm.cmd' : 'npm', args, { cwd: root, stdio: 'inherit', shell: windows });
  if (result.status === 0) return;
  cleanUp();
  const how = result.error ? result.error.message : result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`;
  say(`\`npm ${args.join(' ')}\` failed (${how}). ${failure}`);
  process.exit(1);
}

/** Why the dependencies need installing, or undefined when they are up to date. */
function installReason() {
  const modules = mtime('node_modules');
  if (modules === undefined) return 'node_modules is missing';
  const lock = mtime('package-lock.json');
  if (lock === undefined) return undefined;
  // npm writes node_modules/.package-lock.json after every install; a node_modules that was put
  // there some other way is judged by the folder's own mtime.
  const installed = mtime('node_modules/.package-lock.json') ?? modules;
  if (installed < lock) return 'package-lock.json is newer than node_modules';
  return undefined;
}

/** The first file under `dir` modified after `than`, or undefined. */
function newerFile(dir, than) {
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newerFile(file, than);
      if (found) return found;
    } else if ((mtime(file) ?? 0) > than) {
      return file;
    }
  }
  return undefined;
}

/** Why dist/ needs building, or undefined when it is newer than every source. */
function buildReason() {
  const output = 'dist/roster.mjs';
  const built = mtime(output);
  if (built === undefined) return `${output} is missing`;
  for (const config of ['tsconfig.json', 'tsconfig.build.json']) {
    if ((mtime(config) ?? 0) > built) return `${config} is newer than ${output}`;
  }
  const changed = newerFile('src', built);
  return changed === undefined ? undefined : `${changed.split(path.sep).join('/')} is newer than ${output}`;
}

const needsInstall = installReason();
if (needsInstall) {
  const lockfile = mtime('package-lock.json') !== undefined;
  const args = lockfile ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  say(`${needsInstall}; running \`npm ${args.join(' ')}\``);
  npm(
    args,
    lockfile
      ? 'Fix the error above and run the command again; if package.json and package-lock.json disagree, run `npm install` to update the lockfile.'
      : 'Fix the error above and run the command again.',
  );
}

const needsBuild = build ? buildReason() : undefined;
if (needsBuild) {
  say(`${needsBuild}; running \`npm run build\``);
  // tsc writes its output even when it reports errors: on a failure, mark it stale so the next run builds again.
  npm(['run', 'build'], 'Fix the errors above and run the command again.', () => {
    try {
      utimesSync(path.join(root, 'dist/roster.mjs'), 0, 0);
    } catch {
      // nothing was written
    }
  });
}
