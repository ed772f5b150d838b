// The run's journal: one JSON line per HTTP attempt (and notes from other parts), so what a sync did
// to Coupa can be read back afterwards. Lines are written synchronously: each is on disk, in order,
// even if the process is killed right after.

import { writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { SyncFatalError } from './types.js';

/** One line of the JSON Lines journal: one HTTP attempt (or a note). Absent fields are left out of the line. */
export interface JournalEntry {
  /** ISO 8601 time of the attempt's start. */
  readonly time: string;
  /** GET, PUT, POST; or `SFTP` / `NOTE` for lines other parts write. */
  readonly method: string;
  /** Absolute URL with its query; never userinfo, never a secret. */
  readonly url: string;
  /** The answer's status; null when there was none (timeout, reset, refused). */
  readonly status: number | null;
  /** Milliseconds from the attempt's start to the end of the answer (or the error). */
  readonly durationMs: number;
  /** The user's key the call is for. */
  readonly key?: string;
  /** 1-based attempt number. */
  readonly attempt?: number;
  /** Network error or timeout text. */
  readonly error?: string;
  /** Coupa's error text from the answer's body (client/coupa-errors.ts). */
  readonly coupaError?: string;
  /** Set when another attempt follows, after this many milliseconds. */
  readonly retryInMs?: number;
  readonly note?: string;
}

/** Where entries go. `write` never throws; `close` flushes and rejects with SyncFatalError if a write failed. */
export interface Journal {
  write(entry: JournalEntry): void;
  close(): Promise<void>;
}

const DISCARD: Journal = {
  write: () => undefined,
  close: () => Promise.resolve(),
};

/** `url` without a user name or password, in case a caller's URL carried one. */
function withoutUserinfo(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

const errorText = (err: unknown): string =>
  err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);

/**
 * A journal appending JSON Lines to `file` (created, or appended to), or one that drops everything
 * when `file` is undefined. Rejects with SyncFatalError when the file can't be opened. A failed write
 * (disk full) stops the journal; `close` then reports it.
 */
export async function openJournal(file: string | undefined): Promise<Journal> {
  if (file === undefined) return DISCARD;
  let handle: FileHandle;
  try {
    handle = await open(file, 'a');
  } catch (err) {
    throw new SyncFatalError(`Cannot open the journal ${file}: ${errorText(err)}`);
  }
  let closed = false;
  let failure: string | undefined;
  return {
    write(entry) {
      if (closed || failure !== undefined) return;
      try {
        writeSync(handle.fd, `${JSON.stringify({ ...entry, url: withoutUserinfo(entry.url) })}\n`);
      } catch (err) {
        failure = errorText(err);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
      if (failure !== undefined) throw new SyncFatalError(`Writing the journal ${file} failed: ${failure}`);
    },
  };
}

/** Writes a `NOTE` line: a decision of the run (a guard, a write to re-read, a notice), for the user `key` if any. */
export function writeNote(journal: Journal, note: string, key?: string): void {
  journal.write({
    time: new Date().toISOString(),
    method: 'NOTE',
    url: '',
    status: null,
    durationMs: 0,
    note,
    ...(key === undefined ? {} : { key }),
  });
}
