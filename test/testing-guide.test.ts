import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npxRosterBin, tempDir } from './helpers/cli.js';

/**
 * docs/testing-with-roster.md (issue 22), run as a reader runs it in CI: its `sh` blocks in order in
 * one shell, from starting the server in the background to `node --test examples/connector.test.mjs`
 * and stopping it, with the outputs it shows; its `js` excerpts are the example's own lines, and its
 * GitHub Actions job runs the commands the blocks run.
 */

const PAGE = readFileSync(new URL('../docs/testing-with-roster.md', import.meta.url), 'utf8');
const EXAMPLE = new URL('../examples/connector.test.mjs', import.meta.url);

interface Block {
  readonly lang: string;
  readonly body: string;
  /** For an `sh` block: the ```text block right after it, if any (its exact standard output). */
  readonly output: string | undefined;
}

function blocksOf(markdown: string): Block[] {
  const found = [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```(?:\s*\n)?/g)];
  return found.map((b, i) => {
    const next = found[i + 1];
    const adjacent = next?.[1] === 'text' && markdown.slice(b.index + b[0].length, next.index).trim() === '';
    return { lang: b[1] ?? '', body: b[2] ?? '', output: b[1] === 'sh' && adjacent ? next[2] : undefined };
  });
}

const BLOCKS = blocksOf(PAGE);
const SH = BLOCKS.filter((b) => b.lang === 'sh');

/** A script's commands, continuations (`\` at a line's end) joined and spaces evened out. */
const commandsOf = (script: string): string[] =>
  script
    .replaceAll(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim().replaceAll(/\s+/g, ' '))
    .filter((line) => line !== '');

/** A port free now, for the page's server (the page says 3000: the one substitution made). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

describe('docs/testing-with-roster.md', () => {
  it('is written as a reader runs it: `npx roster`, the server on port 3000, the example test run', () => {
    expect(SH.length).toBeGreaterThanOrEqual(10);
    const commands = SH.flatMap((b) => commandsOf(b.body));
    for (const line of commands) {
      for (const m of line.matchAll(/(?<=^|[\s($])roster\s/g)) expect(line.slice(m.index - 4, m.index), line).toBe('npx ');
      if (/\bcurl\b/.test(line) && /\/api\/\S*\[/.test(line)) expect(line).toMatch(/\s-g\s/);
    }
    expect(commands.some((c) => c.startsWith('npx roster serve --port 3000 '))).toBe(true);
    expect(commands).toContain('node --test examples/connector.test.mjs');
  });

  it("shows the example test's own lines", () => {
    const example = readFileSync(EXAMPLE, 'utf8');
    const excerpts = BLOCKS.filter((b) => b.lang === 'js');
    expect(excerpts.length).toBeGreaterThanOrEqual(2);
    // Line for line; a line's indent may differ (an excerpt from inside a function, reformatted).
    const lines = (text: string) =>
      text
        .split('\n')
        .map((line) => line.trim())
        .join('\n');
    for (const { body } of excerpts) expect(lines(example), body).toContain(lines(body));
  });

  it('has a GitHub Actions job whose commands are the ones the page runs', () => {
    const jobs = BLOCKS.filter((b) => b.lang === 'yaml');
    expect(jobs).toHaveLength(1);
    const job = jobs[0]?.body ?? '';
    // The environment the blocks export.
    for (const m of SH[0]?.body.matchAll(/^export (\w+)=(.*)$/gm) ?? []) expect(job).toContain(`${m[1]}: ${m[2]}`);
    // Every command of its run steps but the ones that install or print the failure's evidence.
    const runs = [...job.matchAll(/run: \|\n((?: {10}.*\n)+)|run: (.*)\n/g)].flatMap((m) => commandsOf(m[1] ?? m[2] ?? ''));
    const shown = new Set(SH.flatMap((b) => commandsOf(b.body)));
    const checked = runs.filter((c) => !/^(npm ci|cat |curl -s "\$ROSTER_URL\/_roster\/requests\?limit)/.test(c));
    expect(checked.length).toBeGreaterThanOrEqual(3);
    for (const command of checked) expect(shown, command).toContain(command);
  });

  it('runs top to bottom, the example test included, with the outputs it shows', async () => {
    // A connector's checkout: the example test where the page runs it, `npx roster` the built CLI.
    const folder = tempDir();
    mkdirSync(path.join(folder, 'examples'));
    copyFileSync(EXAMPLE, path.join(folder, 'examples', 'connector.test.mjs'));
    const bin = npxRosterBin();

    const port = String(await freePort());
    const marker = (i: number) => `@@block ${i}@@`;
    const script = [
      'set -euo pipefail',
      // Should a block fail, the server it started in the background goes too.
      `trap 'if [ -n "\${ROSTER_PID:-}" ]; then kill "$ROSTER_PID" 2>/dev/null || true; fi' EXIT`,
      ...SH.flatMap((b, i) => [`echo '${marker(i)}'`, b.body]),
    ]
      .join('\n')
      .replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`)
      .replaceAll('--port 3000 ', `--port ${port} `);
    const keep = (name: string) => !['DATABASE_URL', 'PORT', 'NODE_TEST_CONTEXT'].includes(name) && !name.startsWith('ROSTER_');
    const run = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      cwd: folder,
      timeout: 90_000,
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => keep(name))),
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      },
    });
    const log = (() => {
      try {
        return readFileSync(path.join(folder, 'roster.log'), 'utf8');
      } catch {
        return '(no roster.log)';
      }
    })();
    expect(run.status, `${run.stderr}\n--- stdout ---\n${run.stdout}\n--- roster.log ---\n${log}`).toBe(0);
    const outputs = run.stdout.split(/@@block \d+@@\n/).slice(1);
    expect(outputs).toHaveLength(SH.length);
    SH.forEach((b, i) => {
      if (b.output !== undefined) expect(outputs[i], b.body).toBe(b.output);
    });
    // `node --test` ran both of the example's tests, and they passed.
    const nodeTest = outputs[SH.findIndex((b) => b.body.includes('node --test'))] ?? '';
    expect(nodeTest).toMatch(/^(#|ℹ) pass 2$/m);
    expect(nodeTest).toMatch(/^(#|ℹ) fail 0$/m);
  }, 120_000);
});
