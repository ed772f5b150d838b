import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.js';
import { npxRosterBin, runBinary, runInProcess, startServer, tempDir, type Served } from './helpers/cli.js';

/**
 * The first hour of a new user (issue 22): the README's walkthrough as written, every command's
 * help with an example that parses, a key that cannot be lost, and data flags that say what is
 * wrong instead of quietly making a new database. The processes run the built CLI (dist/).
 */

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The ```sh blocks of a page, each with the ```text block right after it (its exact output). */
function shBlocks(markdown: string): Array<{ script: string; output: string | undefined }> {
  const blocks = [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```(?:\s*\n)?/g)];
  return blocks.flatMap((b, i) => {
    if (b[1] !== 'sh') return [];
    const next = blocks[i + 1];
    const adjacent = next?.[1] === 'text' && markdown.slice(b.index + b[0].length, next.index).trim() === '';
    return [{ script: b[2] ?? '', output: adjacent ? next[2] : undefined }];
  });
}

/** A script's commands, each continuation (`\` at a line's end) joined to its line. */
const commandsOf = (script: string): string[] => script.replaceAll('\\\n', ' ').split('\n');

/** The blocks a reader runs against the server: not those that run npm itself (install, build, `npm start`, the suite). */
const WALKTHROUGH = shBlocks(README).filter((b) => !/^npm /m.test(b.script));

/**
 * A command line → its words, as a POSIX shell splits them (quotes, backslashes); a `#` starting
 * a word starts a comment. No expansion: `"$ID"` stays as written.
 */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      if (close < 0) throw new Error(`unclosed ${c} in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Every command of the program, the program included, depth first. */
const everyCommand = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(everyCommand)];

/** Its path under the program, as typed: `keys create`. */
const pathOf = (cmd: Command): string[] => (cmd.parent ? [...pathOf(cmd.parent), cmd.name()] : []);

/** The `$ ` commands a help text's examples show, continuations joined, as argv after `npx roster`. */
function exampleArgvs(help: string): string[][] {
  const examples = help.slice(help.search(/^Examples?:$/m));
  return [...examples.replaceAll('\\\n', ' ').matchAll(/^ *\$ (.*)$/gm)].map((m) => {
    const words = shellWords(m[1] ?? '');
    while (/^[A-Z_]+=/.test(words[0] ?? '')) words.shift(); // an environment twin set for the command
    expect(words.slice(0, 2), m[1]).toEqual(['npx', 'roster']);
    return words.slice(2);
  });
}

/** Parses `argv` as `roster` would, every action a no-op: throws what commander would refuse. */
async function parses(argv: string[]): Promise<void> {
  const program = buildProgram();
  for (const cmd of everyCommand(program)) {
    cmd.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    if (cmd.commands.length === 0) cmd.action(() => undefined);
  }
  await program.parseAsync(argv, { from: 'user' });
}

/** A port some other process holds, for the length of `body`. */
async function withPortTaken<T>(body: (port: number) => Promise<T>): Promise<T> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  try {
    return await body(typeof address === 'object' && address ? address.port : 0);
  } finally {
    holder.close();
  }
}

describe("the README's walkthrough", () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.stop();
    served = undefined;
  });

  it('is written as a reader runs it: npx roster, curl -g for brackets, no guessed user id', () => {
    expect(WALKTHROUGH.length).toBeGreaterThanOrEqual(3);
    for (const { script } of shBlocks(README)) {
      for (const line of commandsOf(script)) {
        // `roster` is run as `npx roster` in a checkout (node_modules/.bin/roster, made by the build).
        for (const m of line.matchAll(/(?<=^|[\s($])roster\s/g)) expect(line.slice(m.index - 4, m.index), line).toBe('npx ');
        // curl globs [brackets] in a URL unless told not to.
        if (/\bcurl\b/.test(line) && /https?:\/\/\S*\[/.test(line)) expect(line).toMatch(/\s-g\s/);
      }
      expect(script).not.toMatch(/\/api\/users\/1\b/);
    }
  });

  it('runs top to bottom against a fresh server, with the outputs it shows', async () => {
    // A reader's folder: the server's ./data in it, `npx roster` the built CLI.
    const folder = tempDir();
    const data = path.join(folder, 'data');
    mkdirSync(data);
    served = await startServer(['--data', data]);
    const bin = npxRosterBin();
    const marker = (i: number) => `@@block ${i}@@`;
    // Its server listens where this test's does, not on 3000: the one substitution made.
    const script = ['set -euo pipefail', ...WALKTHROUGH.flatMap((b, i) => [`echo '${marker(i)}'`, b.script])]
      .join('\n')
      .replaceAll('http://127.0.0.1:3000', served.url);
    const run = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      cwd: folder,
      timeout: 60_000,
      // The data is the folder's ./data, as for a reader with neither variable set.
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL' && name !== 'ROSTER_DATA')),
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      },
    });
    expect(run.status, `${run.stderr}\n--- stdout ---\n${run.stdout}`).toBe(0);
    const outputs = run.stdout.split(/@@block \d+@@\n/).slice(1);
    expect(outputs).toHaveLength(WALKTHROUGH.length);
    WALKTHROUGH.forEach((b, i) => {
      if (b.output !== undefined) expect(outputs[i], b.script).toBe(b.output);
    });
  }, 90_000);

  it('`npx roster` in the checkout is this build (node_modules/.bin/roster), never the registry package of that name', () => {
    expect(readlinkSync(path.resolve('node_modules/.bin/roster'))).toBe('../../dist/roster.mjs');
  });
});

describe('help', () => {
  it("every command's help ends with an example, and every example parses", async () => {
    const commands = everyCommand(buildProgram());
    expect(commands.length).toBeGreaterThan(20);
    for (const cmd of commands) {
      const name = pathOf(cmd);
      const help = await runInProcess(...name, '--help');
      expect({ code: help.code, stderr: help.stderr }, name.join(' ')).toEqual({ code: 0, stderr: '' });
      expect(help.stdout, `roster ${name.join(' ')} --help`).toMatch(/^Examples?:$/m);
      const argvs = exampleArgvs(help.stdout);
      expect(argvs.length, name.join(' ')).toBeGreaterThan(0);
      for (const argv of argvs) {
        // Each example runs the command whose help shows it (or, for the program's, some command).
        if (name.length > 0) expect(argv.slice(0, name.length)).toEqual(name);
        await parses(argv).catch((e: unknown) => {
          expect.fail(`${argv.join(' ')}: ${e instanceof Error ? e.message : String(e)}`);
        });
      }
    }
  });
});

describe('the first start', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.stop();
    served = undefined;
  });

  it('a start that fails makes no key nobody saw; a later start says how to make one, and that command works', async () => {
    const data = tempDir();
    await withPortTaken(async (port) => {
      await expect(startServer(['--data', data, '--port', String(port)])).rejects.toThrow(`Port ${port} on 127.0.0.1 is in use`);
    });
    served = await startServer(['--data', data]);
    expect(served.banner).toMatch(/API key: rk_\S+ {3}\(printed once/);
    await served.stop();

    // The key scrolled away: the next start prints none, and says how to make one on this data.
    served = await startServer(['--data', data]);
    expect(served.banner).not.toMatch(/rk_/);
    const hint = (label: string) =>
      new RegExp(`${label}: not shown again \\(printed only when made\\); make one: (npx roster keys create .*)$`, 'm');
    const core = hint('API key').exec(served.banner)?.[1];
    expect(core).toBe(`npx roster keys create --name me --data ${data}`);
    expect(hint('CSO key').exec(served.banner)?.[1]).toBe(`npx roster keys create --name me --api cso --data ${data}`);
    expect(hint('admin key').exec(served.banner)?.[1]).toBe(`npx roster keys create --name me --api admin --data ${data}`);

    const made = await runBinary(...shellWords(core ?? '').slice(2));
    expect({ code: made.code, stderr: made.stderr }).toEqual({ code: 0, stderr: '' });
    const { key } = JSON.parse(made.stdout) as { key: string };
    expect((await fetch(`${served.url}/api/users`, { headers: { 'X-COUPA-API-KEY': key } })).status).toBe(200);
  }, 60_000);
});

describe('data flags', () => {
  it('--database-url of a scheme Roster does not speak is refused, naming the scheme only, and makes nothing', async () => {
    const data = tempDir();
    for (const args of [
      ['serve', '--port', '0'],
      ['keys', 'list'],
      ['seed', '--users', '1'],
    ]) {
      const run = await runBinary(...args, '--data', data, '--database-url', 'mysql://root:s3cret@db/roster');
      expect({ code: run.code, stdout: run.stdout }, args.join(' ')).toEqual({ code: 1, stdout: '' });
      expect(run.stderr).toBe(
        'roster: --database-url (DATABASE_URL) takes a postgres:// or postgresql:// URL, got a mysql:// URL: Roster runs on PostgreSQL or on SQLite (--data DIR, without --database-url)\n',
      );
    }
    expect(existsSync(path.join(data, 'roster.sqlite'))).toBe(false);
  });

  it('keys, clients, mail and users refuse a --data folder that holds no database; serve and seed make one', async () => {
    const empty = path.join(tempDir(), 'not-data');
    for (const args of [
      ['keys', 'create', '--name', 'me'],
      ['keys', 'list'],
      ['clients', 'list'],
      ['mail', 'list'],
      ['users', 'set-password', 'ada', '--password', 'correct horse battery'],
    ]) {
      const run = await runBinary(...args, '--data', empty);
      expect({ code: run.code, stdout: run.stdout }, args.join(' ')).toEqual({ code: 1, stdout: '' });
      expect(run.stderr).toBe(
        `roster: no Roster database in ${empty}: start \`npx roster serve --data ${empty}\` first, or pass the --data DIR (or ROSTER_DATA) the server uses\n`,
      );
    }
    expect(existsSync(empty)).toBe(false);
    const seeded = await runBinary('seed', '--users', '1', '--data', empty);
    expect(seeded.code, seeded.stderr).toBe(0);
    const listed = await runBinary('keys', 'list', '--data', empty);
    expect({ code: listed.code, stdout: listed.stdout }).toEqual({ code: 0, stdout: '[]\n' });
  });
});
