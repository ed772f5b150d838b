import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SyncFatalError } from './types.js';

/** `--max-deactivations`: a count, or a percentage of the active users the run manages. */
export type DeactivationLimit = { readonly kind: 'count'; readonly n: number } | { readonly kind: 'percent'; readonly p: number };

/** Reads `N` or `P%` (0 ≤ P ≤ 100). Throws SyncFatalError for anything else. */
export function parseDeactivationLimit(text: string): DeactivationLimit {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (m?.[1] === undefined)
    throw new SyncFatalError(`--max-deactivations must be a count (50) or a percentage (10%), not "${text}"`);
  const value = Number(m[1]);
  if (m[2] === '%') {
    if (value > 100) throw new SyncFatalError(`--max-deactivations cannot be over 100%`);
    return { kind: 'percent', p: value };
  }
  if (!Number.isInteger(value)) throw new SyncFatalError(`--max-deactivations must be a whole count`);
  return { kind: 'count', n: value };
}

/**
 * The most deactivations one run applies. Default: the lower of 200 and 20% (rounded up) of the active
 * users the run manages, as Okta's and Entra's accidental-deletion thresholds do. `activeManaged` is
 * undefined when the run did not read every user (a short `--deltas` export): the default is then 200, and
 * a percentage cannot be had (the caller reads everyone when one is given).
 */
export function deactivationLimit(limit: DeactivationLimit | undefined, activeManaged: number | undefined): number {
  if (limit?.kind === 'count') return limit.n;
  if (activeManaged === undefined) return 200;
  if (limit === undefined) return Math.min(200, Math.ceil(activeManaged * 0.2));
  return Math.floor((activeManaged * limit.p) / 100);
}

/**
 * What the state file remembers per target URL: the size of the last snapshot export a run accepted.
 * The file is JSON (`{"<url>": {"rows": 1200, "at": "…"}}`), written atomically (temp file and rename).
 */
export interface SyncState {
  readonly rows: number;
  readonly at: string;
}

/** A snapshot this much smaller than the last accepted one is refused unless `--allow-shrink`. */
export const SHRINK_RATIO = 0.5;

export async function readState(file: string, url: string): Promise<SyncState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const all = JSON.parse(text) as Record<string, SyncState | undefined>;
    return all[url];
  } catch {
    throw new SyncFatalError(`the state file ${file} is not JSON; remove it to start afresh`);
  }
}

export async function writeState(file: string, url: string, state: SyncState): Promise<void> {
  let all: Record<string, SyncState> = {};
  try {
    all = JSON.parse(await readFile(file, 'utf8')) as Record<string, SyncState>;
  } catch {
    // absent or unreadable: start afresh
  }
  all[url] = state;
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(all, null, 2)}\n`);
  await rename(temp, file);
}

/**
 * Why a snapshot of `rows` in-scope rows is refused, or undefined to accept it: an empty export, or one
 * under half the last accepted size (an HR export cut short is the usual cause of mass deactivations).
 */
export function shrinkRefusal(rows: number, last: SyncState | undefined): string | undefined {
  if (rows === 0) return 'the export has no rows in scope; refusing to deactivate everyone (--allow-shrink to accept it)';
  if (last !== undefined && rows < last.rows * SHRINK_RATIO) {
    return `the export has ${rows} rows in scope, under half the ${last.rows} of the last accepted run (${last.at}); refusing it (--allow-shrink to accept it)`;
  }
  return undefined;
}
