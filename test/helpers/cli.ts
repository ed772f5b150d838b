import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommanderError, type Command } from 'commander';
import { vi } from 'vitest';

export const CLI = path.resolve('dist/roster.mjs');

export const tempDir = (): string => mkdtempSync(path.join(tmpdir(), 'roster-test-'));

/** How a `roster` command ended. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Only the flags choose the data in these runs: not DATABASE_URL or ROSTER_DATA from the environment. */
const DATA_ENV: readonly string[] = ['DATABASE_URL', 'ROSTER_DATA'];

/** Runs `roster <args>` as a user would: the built binary, in a process of its own, to completion. */
export function runBinary(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !DATA_ENV.includes(name)));
    const child = spawn(process.execPath, [CLI, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** In-process runs share process.stdout and the environment, so they take turns. */
let turn: Promise<unknown> = Promise.resolve();

/**
 * Runs `roster <args>` in this process, from the sources, as main.ts would, without the cost of
 * starting Node: what the commands print on stdout and stderr is captured, and the exit code
 * is the one `roster` would exit with (commander's own for its errors, 1 for a failed command).
 * Commands that must outlive the call (a `serve` that starts listening) need runBinary or startServer.
 */
export function runInProcess(...args: string[]): Promise<Run> {
  const run = turn.then(() => runNow(args));
  turn = run.catch(() => undefined);
  return run;
}

async function runNow(args: string[]): Promise<Run> {
  // Imported here, so the test files that only start servers do not load the whole command line.
  const { buildProgram, failureMessage } = await import('../../src/cli/program.js');
  let stdout = '';
  let stderr = '';
  const text = (chunk: string | Uint8Array): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
  // Commander's help and errors, as they look on a pipe (no colours, 80 columns); throws instead of exiting.
  const capture = (cmd: Command): void => {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => (stdout += s),
      writeErr: (s) => (stderr += s),
      getOutHelpWidth: () => 80,
      getErrHelpWidth: () => 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    });
    for (const sub of cmd.commands) capture(sub);
  };
  const program = buildProgram();
  capture(program);

  const saved = DATA_ENV.map((name) => [name, process.env[name]] as const);
  for (const name of DATA_ENV) Reflect.deleteProperty(process.env, name);
  // The commands print with process.stdout.write (and seed's progress with process.stderr.write).
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += text(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += text(chunk);
    return true;
  });
  let code: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = 0;
  } catch (error) {
    if (error instanceof CommanderError) code = error.exitCode;
    else {
      stderr += failureMessage(error);
      code = 1;
    }
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
  return { code, stdout, stderr };
}

export interface Served {
  readonly url: string;
  /** The CSO listener's address, when it is on (`--cso-port`). */
  readonly csoUrl: string | undefined;
  readonly banner: string;
  readonly child: ChildProcessWithoutNullStreams;
  stop(): Promise<void>;
}

/** Starts `roster serve` on a free port and resolves once the banner shows the address. */
export function startServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--sftp-port', '0', '--cso-port', '0', '--log-level', 'warn', ...args],
    {
      env: { ...process.env, ...env },
    },
  );
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`server did not start: ${out}${err}`));
    }, 20_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
    let started = false;
    child.stdout.on('data', (d: Buffer) => {
      // Once started, what it prints is its log (a failed request is a warn line): read, so the pipe
      // never fills, and left alone, so stop()'s exit listener stays.
      if (started) return;
      out += d.toString();
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m?.[1] && out.includes('try:')) {
        started = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          url: m[1],
          csoUrl: /CSO API: (http:\/\/\S+)/.exec(out)?.[1],
          banner: out,
          child,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/**
 * A folder holding an `npx` that runs only `npx roster …`, as the built CLI: a reader's
 * `npx roster` in a docs walkthrough, without the registry. Put it first on PATH.
 */
export function npxRosterBin(): string {
  const bin = tempDir();
  const npx = path.join(bin, 'npx');
  writeFileSync(
    npx,
    `#!/bin/sh\n[ "$1" = roster ] || { echo "npx: only roster here" >&2; exit 1; }\nshift\nexec "${process.execPath}" "${CLI}" "$@"\n`,
  );
  chmodSync(npx, 0o755);
  return bin;
}
