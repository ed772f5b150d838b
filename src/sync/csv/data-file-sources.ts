import { SyncFatalError } from '../types.js';

/**
 * Following flat-file loads through Coupa's Data File Sources API (0166-Data_File_Sources_API,
 * `/api/data_file_sources`), JSON. Element names as Coupa documents them and Roster renders
 * them (src/catalog/resources/data-file-sources.ts, upload-errors.ts,
 * test/golden/index-data-file-sources.json.txt): a source has `id`, `file-file-name`, `status`,
 * `result-text`, `records-count`, `records-created`, `records-updated`, `upload-errors-count` and
 * `upload-errors`; an upload error has `row` (the header is row 1), `first-column`,
 * `field-with-error`, `value`, `field-errors`.
 *
 * `file-file-name` is the name the file was uploaded under, also when the loader archived it
 * under another (Roster adds the load's id to an archive name that is taken: the source keeps
 * the original). So several loads can share a name (a file of that name uploaded again): the
 * newest (highest id) is the one followed. Names carry the run's time (`baseName`), so a name
 * seen before is a repeat of a run within the same second.
 */

/** One row of a file that did not load. */
export interface LoadError {
  /** Coupa's `row`: the CSV record, the header being 1 (`CsvFile.keys[row - 2]` is its key). */
  readonly row: number;
  /** `field-with-error`: the column the first message is about; `''` when none is named. */
  readonly field: string;
  /** `value`: that column's cell; `''` when none. */
  readonly value: string;
  /** `field-errors`: the messages, `; ` between them. */
  readonly message: string;
}

/** A load's counts, as its source gives them (an addition to the first contract). */
export interface LoadCounts {
  /** `records-count`: data rows in the file. */
  readonly records: number;
  readonly created: number;
  readonly updated: number;
  /** `upload-errors-count`: rows that did not load. */
  readonly errors: number;
}

/**
 * How a followed load ended. `Done`: it ran (rows that failed are in `errors`); `Failed`: refused
 * as a whole (`resultText` says why, nothing was written); `timed out`: not Done or Failed in time
 * (never seen, or still Pending or Loading: `resultText` says which).
 */
export interface LoadOutcome {
  /** The name followed, as uploaded. */
  readonly fileName: string;
  readonly status: 'Done' | 'Failed' | 'timed out';
  /** The data file source's id, once one was seen. */
  readonly id?: number | string;
  /** Coupa's `result-text`, or for a time-out what was last seen. */
  readonly resultText?: string;
  /** The source's upload errors (Done loads only), in row order. */
  readonly errors: readonly LoadError[];
  /** The source's counts, for a Done or Failed load. */
  readonly counts?: LoadCounts;
}

/** One GET of the API: `path` (`/api/data_file_sources`) and query → the parsed JSON body; throws an Error with a reason. */
export type ApiGet = (path: string, query: Readonly<Record<string, string>>) => Promise<unknown>;

const PATH = '/api/data_file_sources';

/** Polls of one round that may fail in a row before following gives up (the `get` is expected to retry its own blips). */
const FAILED_ROUNDS = 3;

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Text of a JSON value: a string as is, a number written out, anything else `''`. */
const textOf = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** A number of a JSON value (Coupa renders integers as numbers; XML-minded servers as strings). */
const numberOf = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

const idOf = (source: Json): number | string | undefined => {
  const id = source['id'];
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
};

/** Whether `a`'s id is after `b`'s: numerically when both are numbers, else as text. */
const newer = (a: Json, b: Json): boolean => {
  const [x, y] = [numberOf(a['id']), numberOf(b['id'])];
  if (x !== undefined && y !== undefined) return x > y;
  return textOf(a['id']) > textOf(b['id']);
};

/** The newest source named `name` in an index answer. */
function newestNamed(body: unknown, name: string): Json | undefined {
  if (!Array.isArray(body)) throw new Error(`${PATH} did not answer a JSON array`);
  let best: Json | undefined;
  for (const item of body as unknown[]) {
    // The query matches the name; checking it again guards against a server that ignores an unknown filter.
    if (!isObject(item) || item['file-file-name'] !== name) continue;
    if (!best || newer(item, best)) best = item;
  }
  return best;
}

const errorsOf = (list: readonly unknown[]): LoadError[] =>
  list
    .filter(isObject)
    .map((e) => ({
      row: numberOf(e['row']) ?? 0,
      field: textOf(e['field-with-error']),
      value: textOf(e['value']),
      message: textOf(e['field-errors']),
    }))
    .sort((a, b) => a.row - b.row);

const countsOf = (source: Json): LoadCounts => ({
  records: numberOf(source['records-count']) ?? 0,
  created: numberOf(source['records-created']) ?? 0,
  updated: numberOf(source['records-updated']) ?? 0,
  errors: numberOf(source['upload-errors-count']) ?? 0,
});

/** Waits `ms`, or rejects when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Follows the loads of `fileNames` (uploaded to Coupa's SFTP): polls
 * `GET /api/data_file_sources?file-file-name=<name>` every `pollMs` ms for each file not yet
 * settled, until its newest source is `Done` or `Failed` or `timeoutMs` ms (from the call) have
 * passed; then takes its upload errors from the index entry, or from
 * `GET /api/data_file_sources/:id` when the entry does not carry them and counts some. Resolves
 * with one outcome per file name, in the given order.
 *
 * A poll that throws is tried again next round; FAILED_ROUNDS rounds failing in a row reject with
 * SyncFatalError naming the last reason (the files stay uploaded and will still load). An abort
 * of `signal` rejects at once with its reason.
 */
export async function followLoads(
  get: ApiGet,
  fileNames: readonly string[],
  options: { readonly pollMs: number; readonly timeoutMs: number; readonly signal?: AbortSignal },
): Promise<LoadOutcome[]> {
  const { signal } = options;
  const deadline = Date.now() + options.timeoutMs;
  const settled = new Map<string, LoadOutcome>();
  const lastSeen = new Map<string, Json>();
  let failedRounds = 0;
  let lastFailure = '';

  const settle = async (name: string, source: Json, status: 'Done' | 'Failed'): Promise<LoadOutcome> => {
    const id = idOf(source);
    const counts = countsOf(source);
    const listed = source['upload-errors'];
    // Coupa's index may leave the upload errors out (or carry fewer than it counts); its show carries them.
    const needShow =
      id !== undefined &&
      (Array.isArray(listed) ? listed.length < counts.errors : counts.errors > 0 || source['upload-errors-count'] === undefined);
    let errors: LoadError[] = Array.isArray(listed) ? errorsOf(listed as unknown[]) : [];
    if (needShow) {
      const one = await get(`${PATH}/${encodeURIComponent(String(id))}`, {});
      const full = isObject(one) ? one['upload-errors'] : undefined;
      if (Array.isArray(full)) errors = errorsOf(full as unknown[]);
    }
    const resultText = textOf(source['result-text']);
    return {
      fileName: name,
      status,
      ...(id === undefined ? {} : { id }),
      ...(resultText === '' ? {} : { resultText }),
      errors,
      counts,
    };
  };

  for (;;) {
    signal?.throwIfAborted();
    let failure: string | undefined;
    for (const name of fileNames) {
      if (settled.has(name)) continue;
      signal?.throwIfAborted();
      try {
        const source = newestNamed(await get(PATH, { 'file-file-name': name }), name);
        if (!source) continue;
        lastSeen.set(name, source);
        const status = source['status'];
        if (status === 'Done' || status === 'Failed') settled.set(name, await settle(name, source, status));
      } catch (err) {
        signal?.throwIfAborted();
        failure = err instanceof Error ? err.message : String(err);
      }
    }
    if (failure === undefined) failedRounds = 0;
    else {
      lastFailure = failure;
      if (++failedRounds >= FAILED_ROUNDS) {
        throw new SyncFatalError(`Could not follow the loads through ${PATH}: ${lastFailure}`);
      }
    }
    if (fileNames.every((name) => settled.has(name))) break;
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(options.pollMs, left), signal);
  }

  const waited = options.timeoutMs < 1000 ? `${options.timeoutMs} ms` : `${Math.round(options.timeoutMs / 1000)} s`;
  return fileNames.map((name): LoadOutcome => {
    const done = settled.get(name);
    if (done) return done;
    const seen = lastSeen.get(name);
    const id = seen === undefined ? undefined : idOf(seen);
    const resultText =
      seen === undefined
        ? `No load of ${name} appeared within ${waited}${lastFailure === '' ? '' : ` (last error: ${lastFailure})`}`
        : `The load was still ${textOf(seen['status']) || 'unfinished'} after ${waited}`;
    return { fileName: name, status: 'timed out', ...(id === undefined ? {} : { id }), resultText, errors: [] };
  });
}
