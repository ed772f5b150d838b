import { readFile } from 'node:fs/promises';
import type { ItemResult } from './apply-api.js';
import { assertNever } from './assert-never.js';
import type { CoupaClient } from './client/coupa-client.js';
import { followLoads, type LoadOutcome } from './csv/data-file-sources.js';
import { parseSftpUrl, uploadFiles } from './csv/sftp-upload.js';
import { writeUsersCsv, type CsvUserRow } from './csv/users-csv.js';
import type { Journal } from './journal.js';
import { SyncFatalError, type DesiredUser, type KeyElement, type PlannedChange } from './types.js';
import { reasonOf } from './users-api.js';
import { foldKey } from './values.js';

/** Where and how the CSV path uploads and waits. */
export interface CsvTarget {
  /** `sftp://user[:password]@host[:port]`. */
  readonly sftpUrl: string;
  /** An OpenSSH private key file, instead of (or beside) the password. */
  readonly privateKeyFile?: string;
  /** The server's host key as OpenSSH prints it (`SHA256:…`): any other ends the connection before signing in. */
  readonly hostKey?: string;
  /** Coupa's drop folder for users (seed 002: `/Incoming/Users`). */
  readonly folder: string;
  /** How often the data file source is polled, and for how long in all (ms). */
  readonly pollMs: number;
  readonly timeoutMs: number;
}

/**
 * A change as a Users Import row: a create carries every mapped element, an update only the changed ones.
 * An empty cell leaves a value as it is in a Coupa load, so a CSV cannot clear an element: validation then
 * reports the difference (docs/sync.md).
 */
function csvRow(change: PlannedChange): CsvUserRow {
  switch (change.action) {
    case 'deactivate':
      return { key: change.key, id: change.id, values: { active: 'false' } };
    case 'create':
      return { key: change.key, values: { ...change.changes } };
    case 'update':
      // The Id column names the row even when the change renames the key (Coupa tries Id first).
      return { key: change.key, id: change.id, values: { ...change.changes } };
    case 'reactivate':
      return { key: change.key, id: change.id, values: { ...change.changes, active: 'true' } };
    default:
      return assertNever(change);
  }
}

/**
 * Applies changes the seeds' CSV way: Users Import CSV files (at most 5,000 rows each) put over SFTP into
 * `/Incoming/Users`, then each file's data file source followed (`/api/data_file_sources`) until Done or
 * Failed; an upload error fails its row's user, a Failed load fails every user in it. Applied users are
 * validated afterwards by key (`id` unknown).
 * Throws SyncFatalError when the upload itself fails (nothing was loaded).
 */
export async function applyByCsv(
  changes: readonly PlannedChange[],
  desired: ReadonlyMap<string, DesiredUser>,
  keyElement: KeyElement,
  client: CoupaClient,
  journal: Journal,
  target: CsvTarget,
  options: { readonly signal?: AbortSignal; readonly onItem?: () => void },
): Promise<ItemResult[]> {
  if (changes.length === 0) return [];
  // The loads are followed through the Data File Sources API: a key that cannot read it would upload, change
  // users, and then not know what became of them. Checked before anything is put.
  const check = await client.send({ method: 'GET', path: '/api/data_file_sources', query: { limit: '1' } });
  if (check.kind !== 'answer' || check.status !== 200) {
    throw new SyncFatalError(
      `--via csv follows its loads at /api/data_file_sources, which answered ${reasonOf(check)} (the credentials need core.integration.read); nothing was uploaded`,
    );
  }
  const byKey = new Map(changes.map((c) => [foldKey(c.key), c]));
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');
  const files = writeUsersCsv(changes.map(csvRow), keyElement, { baseName: `roster-sync-${stamp}-${process.pid}` });
  const sftp = parseSftpUrl(target.sftpUrl);
  const privateKey = target.privateKeyFile === undefined ? undefined : await readKey(target.privateKeyFile);
  const started = Date.now();
  const { hostKey } = await uploadFiles(
    { ...sftp, ...(privateKey === undefined ? {} : { privateKey }) },
    target.folder,
    files,
    target.hostKey === undefined ? {} : { hostKey: target.hostKey },
  );
  journal.write({
    time: new Date(started).toISOString(),
    method: 'SFTP',
    url: `sftp://${sftp.username}@${sftp.host}:${sftp.port}${target.folder}`,
    status: null,
    durationMs: Date.now() - started,
    note: `put ${files.map((f) => `${f.name} (${f.keys.length} rows)`).join(', ')}; host key ${hostKey}`,
  });

  const get = async (path: string, query: Readonly<Record<string, string>>): Promise<unknown> => {
    const outcome = await client.send({ method: 'GET', path, query });
    if (outcome.kind === 'answer' && outcome.status === 200) return outcome.body;
    throw new Error(reasonOf(outcome));
  };
  const loads = await followLoads(
    get,
    files.map((f) => f.name),
    { pollMs: target.pollMs, timeoutMs: target.timeoutMs, ...(options.signal === undefined ? {} : { signal: options.signal }) },
  );

  const results: ItemResult[] = [];
  files.forEach((file, i) => {
    const load: LoadOutcome | undefined = loads[i];
    const rowErrors = new Map<number, string[]>();
    for (const e of load?.errors ?? [])
      rowErrors.set(e.row, [...(rowErrors.get(e.row) ?? []), `${e.field} "${e.value}": ${e.message}`]);
    file.keys.forEach((key, index) => {
      const change = byKey.get(foldKey(key));
      if (change === undefined) return;
      const fail = (reason: string): void =>
        void results.push({ ok: false, change, failure: { key, action: change.action, reason } });
      // Upload errors number rows as the file's lines: the header is line 1.
      const errors = rowErrors.get(index + 2);
      if (load === undefined || load.status === 'timed out')
        fail(`the load of ${file.name} did not finish in ${target.timeoutMs} ms`);
      else if (load.status === 'Failed' && rowErrors.size === 0)
        fail(`the load of ${file.name} failed: ${load.resultText ?? 'no reason given'}`);
      else if (errors !== undefined) fail(`upload error in ${file.name} row ${index + 2}: ${errors.join('; ')}`);
      else {
        const values = change.action === 'deactivate' ? {} : (desired.get(foldKey(key))?.values ?? {});
        results.push({ ok: true, change, id: undefined, expected: values, active: change.action !== 'deactivate' });
      }
      options.onItem?.();
    });
  });
  return results;
}

async function readKey(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new SyncFatalError(`cannot read the SFTP key ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
