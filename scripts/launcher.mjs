#!/usr/bin/env node
// Roster's command line: `roster`, `npm start`. scripts/bundle.mjs copies this file to
// dist/roster.mjs; the program is dist/roster-main.cjs, one CommonJS bundle. This file only
// loads it with V8's code for it kept on disk, so a start skips compiling 4 MB of JavaScript
// (docs/performance.md, issue 23): Node's compile cache where Node has one (22.1+), else a code
// cache of V8's own (`vm.Script`'s `cachedData`), one a command, in a directory that only this
// user may write (as Node keeps its own). NODE_DISABLE_COMPILE_CACHE=1 turns both off.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const program = fileURLToPath(new URL('./roster-main.cjs', import.meta.url));
const off = process.env.NODE_DISABLE_COMPILE_CACHE === '1';

/** This launcher's cache files: `<hash>-<command>.bin`, and one being written (`.<pid>`). */
const CACHE_FILE = /^[0-9a-f]{24}-[a-z-]*\.bin(\.\d+)?$/;

/**
 * `dir`, made if missing, when it is a directory of this user's that no one else may write;
 * else undefined (the cache is not used: code read from a directory another user can write
 * would be run as this one).
 */
function ownDirectory(dir) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    const mine = process.getuid === undefined || stat.uid === process.getuid();
    return stat.isDirectory() && mine && (stat.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

if (module.enableCompileCache || off) {
  if (!off) module.enableCompileCache();
  createRequire(import.meta.url)(program);
} else {
  // The bundle's first line is main.ts's `#!`, which a function body cannot hold.
  const source = readFileSync(program, 'utf8').replace(/^#!.*/, '');
  const dir = ownDirectory(
    process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), `roster-compile-cache-${process.getuid?.() ?? 'user'}`),
  );
  // One cache a command: V8 keeps the code of the functions that ran, and `serve` runs others than `--version`.
  const command = (process.argv[2] ?? '').replace(/[^a-z-]/g, '') || 'none';
  const hash = createHash('sha256').update(process.version).update(source).digest('hex').slice(0, 24);
  const cacheFile = dir && path.join(dir, `${hash}-${command}.bin`);
  let cachedData;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    // None yet: this run makes it.
  }
  const script = new vm.Script(module.wrap(source), { filename: program, cachedData });
  if (dir && cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    // At exit, so the code of every function the command ran is in it.
    process.once('exit', () => {
      try {
        // Caches of other builds or Node versions are never read again; other files are not ours.
        for (const name of readdirSync(dir)) {
          if (CACHE_FILE.test(name) && !name.startsWith(hash)) rmSync(path.join(dir, name), { force: true });
        }
        const partial = `${cacheFile}.${process.pid}`;
        writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        renameSync(partial, cacheFile);
      } catch {
        // A cache that cannot be written only costs the next start its compile.
      }
    });
  }
  const main = { exports: {} };
  script.runInThisContext().call(main.exports, main.exports, createRequire(program), main, program, path.dirname(program));
}
