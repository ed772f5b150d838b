import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startServer, tempDir, type Served } from './helpers/cli.js';

interface Example {
  readonly script: string;
  /** The ```text block right after it, if any: its exact standard output. */
  readonly output: string | undefined;
}

/** The ```sh blocks of a page, in order, each with the output block that follows it. */
function examples(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/```(\w+)\n([\s\S]*?)```(?:\s*\n)?/g)];
  const out: Example[] = [];
  blocks.forEach((b, i) => {
    if (b[1] !== 'sh') return;
    const next = blocks[i + 1];
    const end = b.index + b[0].length;
    const adjacent = next?.[1] === 'text' && markdown.slice(end, next.index).trim() === '';
    out.push({ script: b[2] ?? '', output: adjacent ? next[2] : undefined });
  });
  return out;
}

/** The admin key the controls page's server is started with, and its readers have in ROSTER_ADMIN_KEY. */
const DOCS_ADMIN_KEY = 'docs-admin-key-0123456789';

/**
 * The pages whose examples are run, with how many each has at least (so an emptied page fails)
 * and the flags their server needs beyond a data directory.
 */
const PAGES: ReadonlyArray<readonly [string, number, readonly string[]]> = [
  ['docs/auth.md', 8, []],
  ['docs/workers-api.md', 8, []],
  ['docs/flat-files.md', 9, ['--flatfile-interval', '1s']],
  ['docs/cso-api.md', 10, []],
  ['docs/sync.md', 10, ['--flatfile-interval', '1s']],
  ['docs/controls.md', 4, ['--admin-key', DOCS_ADMIN_KEY]],
];

describe.each(PAGES)('%s', (page, least, flags) => {
  let served: Served;
  let bin: string;
  let data: string;
  beforeAll(async () => {
    data = tempDir();
    bin = tempDir();
    // `roster` as a reader would have it on their PATH after `npm install -g`.
    const shim = path.join(bin, 'roster');
    writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(shim, 0o755);
    served = await startServer(['--data', data, ...flags]);
  }, 30_000);
  afterAll(async () => {
    await served.stop();
  });

  it('runs every curl and roster example verbatim, with the outputs the page shows', () => {
    const list = examples(readFileSync(new URL(`../${page}`, import.meta.url), 'utf8'));
    expect(list.length).toBeGreaterThanOrEqual(least);
    // One shell session, so variables set by one example serve the next, as for a reader.
    const marker = (i: number) => `@@example ${i}@@`;
    const script = ['set -euo pipefail', ...list.flatMap((e, i) => [`echo '${marker(i)}'`, e.script])].join('\n');
    const run = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      // A directory of its own, for the files an example writes.
      cwd: tempDir(),
      timeout: 60_000,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
        ROSTER_URL: served.url,
        ROSTER_CSO_URL: served.csoUrl ?? '',
        ROSTER_DATA: data,
        ROSTER_ADMIN_KEY: DOCS_ADMIN_KEY,
        // The SFTP port the banner shows (startServer takes a free one), and a HOME of its own for known_hosts.
        ROSTER_SFTP_PORT: /sftp -P (\d+)/.exec(served.banner)?.[1] ?? '',
        HOME: tempDir(),
      },
    });
    const stdout = run.stdout;
    const outputs = stdout.split(/@@example \d+@@\n/).slice(1);
    expect(run.status, `${run.stderr}\n--- stdout ---\n${stdout}`).toBe(0);
    expect(outputs).toHaveLength(list.length);
    list.forEach((e, i) => {
      if (e.output !== undefined) expect(outputs[i], `example ${i + 1}:\n${e.script}`).toBe(e.output);
    });
  }, 90_000);
});
