import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { createUser } from './api.js';
import type { TestApp } from './test-app.js';

/** A fixture CSV from test/fixtures/flat-files. */
export const flatFixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/flat-files/${name}`, import.meta.url));

/** A multipart/form-data body as `curl -F source_for=User -F file=@users.csv` sends it. */
export function loadFileBody(
  data: Buffer,
  { filename = 'users.csv', sourceFor = 'User' }: { filename?: string; sourceFor?: string | null } = {},
): { headers: Record<string, string>; payload: Buffer } {
  const boundary = '----RosterFlatFileBoundary4f9a';
  const field =
    sourceFor === null ? '' : `--${boundary}\r\nContent-Disposition: form-data; name="source_for"\r\n\r\n${sourceFor}\r\n`;
  const head = Buffer.from(
    `${field}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat([head, data, tail]) };
}

/** A data file source as JSON. */
export type JsonSource = Record<string, unknown> & {
  readonly id: number;
  readonly status: string;
  readonly 'upload-errors': ReadonlyArray<Record<string, unknown>>;
};

/** Posts `csv` to `load_file`, runs the loader once, and returns the source as it ended. */
export async function loadCsv(
  t: TestApp,
  csv: string | Buffer,
  options: { filename?: string; sourceFor?: string | null } = {},
): Promise<JsonSource> {
  const res = await t.request({
    method: 'POST',
    url: '/api/data_file_sources/load_file',
    ...withJson(loadFileBody(typeof csv === 'string' ? Buffer.from(csv) : csv, options)),
  });
  if (res.statusCode !== 201) throw new Error(`load_file answered ${res.statusCode}: ${res.body}`);
  const { id } = JSON.parse(res.body) as { id: number };
  await t.app.loader.pass();
  return showSource(t, id);
}

const withJson = (body: { headers: Record<string, string>; payload: Buffer }) => ({
  ...body,
  headers: { ...body.headers, accept: 'application/json' },
});

export async function showSource(t: TestApp, id: number): Promise<JsonSource> {
  const res: LightMyRequestResponse = await t.request({
    method: 'GET',
    url: `/api/data_file_sources/${id}`,
    headers: { accept: 'application/json' },
  });
  if (res.statusCode !== 200) throw new Error(`show answered ${res.statusCode}: ${res.body}`);
  return JSON.parse(res.body) as JsonSource;
}

/** The Admin the pages' tests sign in as: `ada`, password `correct horse battery`. */
export const ADMIN = { login: 'ada', password: 'correct horse battery' } as const;

/** Creates the Admin user `ADMIN` through the Users API (roles Admin, a password). */
export async function createAdmin(t: TestApp): Promise<void> {
  await createUser(t, {
    login: ADMIN.login,
    email: 'ada@example.com',
    firstname: 'Ada',
    lastname: 'Admin',
    password: ADMIN.password,
    roles: [{ name: 'Admin' }],
  });
}
