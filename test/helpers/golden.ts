import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/**
 * Golden files pin whole responses byte for byte, apart from the few parts that change on
 * every run. Those are replaced by named placeholders, and only when they have the exact
 * shape Coupa sends (a timestamp to the second with `Z` or an offset), so a change of format
 * still shows up as a diff.
 *
 * A missing golden file fails the test; `UPDATE_GOLDEN=1 npx vitest run` (re)writes them all.
 * Review the diff of test/golden/ before committing.
 */
export const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url));

const TIMESTAMP = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})`;
const PLACEHOLDER: Record<string, string> = {
  'created-at': '{{CREATED_AT}}',
  'updated-at': '{{UPDATED_AT}}',
  // A load's times (data file sources).
  'start-time': '{{START_TIME}}',
  'end-time': '{{END_TIME}}',
};
const VOLATILE = Object.keys(PLACEHOLDER).join('|');

export function normalizeVolatile(text: string): string {
  return (
    text
      // XML: <created-at type="dateTime">2026-01-02T03:04:05Z</created-at>
      .replace(
        new RegExp(`(<(${VOLATILE}) type="dateTime">)${TIMESTAMP}(</\\2>)`, 'g'),
        (_m, open: string, name: string, close: string) => `${open}${PLACEHOLDER[name] ?? ''}${close}`,
      )
      // JSON: "created-at": "2026-01-02T03:04:05Z"
      .replace(
        new RegExp(`("(${VOLATILE})": ?)"${TIMESTAMP}"`, 'g'),
        (_m, key: string, name: string) => `${key}"${PLACEHOLDER[name] ?? ''}"`,
      )
      // avatar-thumb-url cache buster: /api/users/1/avatar?v=1795440557.785
      .replace(/(\/avatar\?v=)\d+(?:\.\d+)?/g, '$1{{AVATAR_VERSION}}')
  );
}

/**
 * A response as a golden text: status, the headers a client relies on, a blank line, then
 * the body. JSON bodies are pretty-printed (key order and values unchanged) so diffs are
 * readable; XML bodies are kept byte for byte.
 */
export function describeResponse(res: LightMyRequestResponse): string {
  const lines = [`HTTP ${res.statusCode}`, `content-type: ${String(res.headers['content-type'])}`];
  for (const name of ['x-roster-error-code', 'x-roster-ignored-elements']) {
    const value = res.headers[name];
    if (value !== undefined) lines.push(`${name}: ${String(value)}`);
  }
  const json = String(res.headers['content-type']).startsWith('application/json');
  const body = json ? `${JSON.stringify(JSON.parse(res.body), null, 2)}\n` : res.body;
  return `${lines.join('\n')}\n\n${body}`;
}

/** Compares `text` (normalized) with test/golden/<name>; writes it instead when UPDATE_GOLDEN=1. */
export function expectGolden(name: string, text: string): void {
  const file = `${GOLDEN_DIR}${name}`;
  const actual = normalizeVolatile(text);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    expect(readFileSync(file, 'utf8'), `test/golden/${name} was not written`).toBe(actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`Golden file test/golden/${name} is missing: run UPDATE_GOLDEN=1 npx vitest run, then review it`);
  }
  expect(actual, `response differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}
