import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// scripts/ensure-ready.mjs, the guard `npm start` and `npm test` run first, run as a real process
// in a throwaway project with a stub `npm` on PATH that records its calls and does what the real
// one would leave behind.

const GUARD = path.resolve('scripts/ensure-ready.mjs');

const STUB_NPM = `#!/bin/sh
echo "$*" >> "$NPM_LOG"
case "$1" in
  ci|install) mkdir -p node_modules && : > node_modules/.package-lock.json ;;
  run) mkdir -p dist && : > dist/roster.mjs ;;
esac
exit "\${NPM_STUB_EXIT:-0}"
`;

/** A point in time, in seconds, `minutes` from now. */
const at = (minutes: number): number => Date.now() / 1000 + minutes * 60;

interface Project {
  readonly root: string;
  /** Creates `file` (and its folders) with its mtime `minutes` from now. */
  file(file: string, minutes: number): void;
  /** Runs the guard; returns its exit code, stderr and the npm calls it made. */
  guard(args?: string[], env?: NodeJS.ProcessEnv): { status: number | null; stderr: string; calls: string[] };
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A project with a lockfile, src/ and a stub npm, nothing installed or built. */
function project(): Project {
  const root = mkdtempSync(path.join(tmpdir(), 'roster-guard-'));
  roots.push(root);
  mkdirSync(path.join(root, 'scripts'));
  copyFileSync(GUARD, path.join(root, 'scripts/ensure-ready.mjs'));
  mkdirSync(path.join(root, 'bin'));
  writeFileSync(path.join(root, 'bin/npm'), STUB_NPM);
  chmodSync(path.join(root, 'bin/npm'), 0o755);
  const log = path.join(root, 'npm.log');
  const file = (name: string, minutes: number): void => {
    const full = path.join(root, name);
    mkdirSync(path.dirname(full), { recursive: true });
    if (!existsSync(full)) writeFileSync(full, '{}');
    utimesSync(full, at(minutes), at(minutes));
  };
  file('package.json', -60);
  file('package-lock.json', -60);
  file('tsconfig.json', -60);
  file('tsconfig.build.json', -60);
  file('src/cli/main.ts', -60);
  file('src/http/routes/users.ts', -60);
  return {
    root,
    file,
    guard(args = [], env = {}) {
      const result = spawnSync(process.execPath, [path.join(root, 'scripts/ensure-ready.mjs'), ...args], {
        // Run from elsewhere: the guard finds the project from its own location.
        cwd: tmpdir(),
        env: {
          ...process.env,
          PATH: `${path.join(root, 'bin')}${path.delimiter}${process.env['PATH'] ?? ''}`,
          NPM_LOG: log,
          ...env,
        },
        encoding: 'utf8',
      });
      const calls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      return { status: result.status, stderr: result.stderr, calls };
    },
  };
}

/** A project installed after its lockfile and built after its sources. */
function readyProject(): Project {
  const p = project();
  p.file('node_modules/.package-lock.json', -30);
  p.file('dist/roster.mjs', -30);
  return p;
}

describe.skipIf(process.platform === 'win32')('setup guard (scripts/ensure-ready.mjs)', () => {
  it('does nothing when node_modules and dist/ are up to date', () => {
    const { status, stderr, calls } = readyProject().guard();
    expect({ status, stderr, calls }).toEqual({ status: 0, stderr: '', calls: [] });
  });

  it('installs with npm ci when node_modules is missing, and does not build again after it', () => {
    const p = project();
    // What `npm ci` leaves behind: the prepare script has built dist/.
    p.file('dist/roster.mjs', -30);
    const { status, stderr, calls } = p.guard();
    expect(status).toBe(0);
    expect(calls).toEqual(['ci --no-audit --no-fund']);
    expect(stderr).toBe('roster: node_modules is missing; running `npm ci --no-audit --no-fund`\n');
    expect(existsSync(path.join(p.root, 'node_modules/.package-lock.json'))).toBe(true);
    // The next run finds everything up to date.
    expect(p.guard().calls).toEqual(['ci --no-audit --no-fund']);
  });

  it('installs when package-lock.json is newer than node_modules/.package-lock.json', () => {
    const p = readyProject();
    p.file('package-lock.json', -1);
    const { status, stderr, calls } = p.guard();
    expect(status).toBe(0);
    expect(calls).toEqual(['ci --no-audit --no-fund']);
    expect(stderr).toContain('package-lock.json is newer than node_modules');
  });

  it('judges a node_modules without .package-lock.json by its own mtime', () => {
    const p = project();
    mkdirSync(path.join(p.root, 'node_modules'));
    p.file('dist/roster.mjs', -30);
    // The folder was just made: newer than the lockfile.
    expect(p.guard().calls).toEqual([]);
    utimesSync(path.join(p.root, 'node_modules'), at(-90), at(-90));
    expect(p.guard().calls).toEqual(['ci --no-audit --no-fund']);
  });

  it('builds when a file under src/ is newer than dist/roster.mjs', () => {
    const p = readyProject();
    p.file('src/http/routes/users.ts', -1);
    const { status, stderr, calls } = p.guard();
    expect(status).toBe(0);
    expect(calls).toEqual(['run build']);
    expect(stderr).toBe('roster: src/http/routes/users.ts is newer than dist/roster.mjs; running `npm run build`\n');
    expect(statSync(path.join(p.root, 'dist/roster.mjs')).mtimeMs).toBeGreaterThan(at(-1) * 1000);
  });

  it('builds when dist/ is missing or older than the tsconfig', () => {
    const missing = project();
    missing.file('node_modules/.package-lock.json', -30);
    expect(missing.guard().calls).toEqual(['run build']);
    const config = readyProject();
    config.file('tsconfig.build.json', -1);
    expect(config.guard().calls).toEqual(['run build']);
  });

  it('with --no-build (npm test) installs but never builds', () => {
    const p = project();
    p.file('src/cli/main.ts', -1);
    const { status, calls } = p.guard(['--no-build']);
    expect(status).toBe(0);
    expect(calls).toEqual(['ci --no-audit --no-fund']);
  });

  it('exits non-zero with a clear message when the install fails', () => {
    const { status, stderr, calls } = project().guard([], { NPM_STUB_EXIT: '1' });
    expect(status).toBe(1);
    // It stops there: no build after a failed install.
    expect(calls).toEqual(['ci --no-audit --no-fund']);
    expect(stderr).toContain('roster: `npm ci --no-audit --no-fund` failed (exit code 1). Fix the error above');
  });

  it('exits non-zero when the build fails, and builds again on the next run', () => {
    const p = readyProject();
    p.file('src/cli/main.ts', -1);
    const failed = p.guard([], { NPM_STUB_EXIT: '2' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('roster: `npm run build` failed (exit code 2)');
    // The stub wrote dist/ as tsc does despite errors; the guard marked it stale.
    const again = p.guard();
    expect(again.status).toBe(0);
    expect(again.calls).toEqual(['run build', 'run build']);
  });

  it('exits non-zero when npm cannot be found', () => {
    const p = project();
    const { status, stderr } = p.guard([], { PATH: path.join(p.root, 'nowhere') });
    expect(status).toBe(1);
    expect(stderr).toMatch(/roster: `npm ci --no-audit --no-fund` failed \(.*ENOENT.*\)/);
  });
});
