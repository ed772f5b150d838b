import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { RESOURCES } from '../../catalog/registry.js';
import type { FlatFileSpec, ResourceDef } from '../../catalog/resource.js';
import { DATA_FILE_SOURCES, DATA_FILE_STATUSES, type DataFileStatus } from '../../catalog/resources/data-file-sources.js';
import { UPLOAD_ERRORS } from '../../catalog/resources/upload-errors.js';
import { idCodecOf, serialId } from '../../catalog/ids.js';
import type { RecordId, ScalarValue } from '../../catalog/types.js';
import type { FileStore } from '../../store/file-store.js';
import type { ServerClock } from '../../store/server-clock.js';
import type { ClaimedJob, JobRepository } from '../../store/job-repository.js';
import type { LoadRowRepository, RowOutcome } from '../../store/load-row-repository.js';
import type { StoredRecord } from '../../store/record-codec.js';
import type { WriteDb } from '../../store/write-db.js';
import type { Actor } from '../actor.js';
import { RosterError } from '../errors.js';
import { yieldTurn } from '../turns.js';
import type { RecordService } from '../record-service.js';
import { readCsvFile, type FileLimits } from './csv-file.js';
import { columnOfMessages, planHeader, rowDocument, type PlannedColumns, type RowDocument } from './csv-rows.js';
import { resultText } from './result-text.js';

/** The job kind of a load. */
export const LOAD_JOB = 'data_file_load';

/** Where a resource's files wait (`/Incoming/Users`) and where they go once picked up (`/Incoming/Archive/Users`). */
export const incomingFolder = (spec: FlatFileSpec): string => `/Incoming/${spec.folder}`;
export const archiveFolder = (spec: FlatFileSpec): string => `/Incoming/Archive/${spec.folder}`;

/** The resources Coupa loads from flat files, with their specs. */
export const LOADABLE: ReadonlyArray<{ readonly def: ResourceDef; readonly spec: FlatFileSpec }> = RESOURCES.flatMap((def) =>
  def.flatFile ? [{ def, spec: def.flatFile }] : [],
);

/** A finished (or refused) load, as `roster flatfile run` prints it. */
export interface LoadSummary {
  readonly id: number;
  readonly file: string;
  readonly sourceFor: string;
  readonly status: DataFileStatus;
  readonly recordsCount: number;
  readonly recordsCreated: number;
  readonly recordsUpdated: number;
  readonly uploadErrorsCount: number;
  readonly resultText: string;
}

/** A file to load: its bytes, or its path in the SFTP tree (moved into the load). */
export interface IncomingFile {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly data?: Buffer;
  readonly path?: string;
}

export interface LoadDeps {
  /** Runs a chunk of rows in one transaction, each row a savepoint (store/chunks.ts). */
  readonly chunk: <T>(body: () => Promise<T>) => Promise<T>;
  readonly service: (def: ResourceDef) => RecordService;
  readonly files: FileStore;
  readonly jobs: JobRepository;
  readonly rows: LoadRowRepository;
  /** The server's time, for `start-time` and `end-time`. */
  readonly clock: ServerClock;
}

export interface LoadOptions {
  readonly limits: FileLimits;
  /** How long a claimed load is this process's before another may take it over, in ms; renewed as rows load. */
  readonly leaseMs: number;
  /** Called with each load that ends (Done or Failed): the admin notification hangs here. */
  readonly onFinished?: (summary: LoadSummary, source: StoredRecord) => Promise<void>;
}

/** The loader's own changes (status, counts, upload errors): no user made them. */
const LOADER: Actor = { name: 'flat-file loader', userId: null };

/** Most claims of one load before it is given up as Failed (a load that crashes its process every time). */
const MAX_ATTEMPTS = 5;

/** Most milliseconds between two `progress` updates of a running load. */
const PROGRESS_MS = 1000;

/**
 * Most rows, and most milliseconds, of one chunk: its rows commit together, and on SQLite every
 * other query waits for the commit, so a chunk stays short.
 */
const CHUNK_ROWS = 200;
const CHUNK_MS = 50;

/** Thrown inside a pick-up's transaction when another process moved the file first: nothing is written. */
class FileTaken extends Error {}

/**
 * Coupa's flat-file loads on the record engine: a file (from SFTP or `load_file`) becomes a
 * data file source and a job in one transaction; a process claims the job and applies each
 * row through the resource's RecordService, as the API would write it, in a savepoint of its
 * own with a mark that it was applied, many rows to a transaction (a chunk: a load resumed
 * after a crash redoes exactly the rows whose chunk did not commit, so each row is applied
 * once). A refused row becomes an upload error; the other rows still load.
 */
export class LoadService {
  /** Who this process is in `jobs.claimed_by`. */
  readonly worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly sources: RecordService;
  private readonly uploadErrors: RecordService;

  constructor(
    private readonly deps: LoadDeps,
    private readonly options: LoadOptions,
  ) {
    this.sources = deps.service(DATA_FILE_SOURCES);
    this.uploadErrors = deps.service(UPLOAD_ERRORS);
  }

  /**
   * Records a file to load for `def`: a `Pending` data file source, the file (moved out of the
   * SFTP tree into the archive when it came from there) and the job, in one transaction.
   * Returns the source's id. Throws `RosterError` when `def` is not loaded from files.
   */
  async receive(def: ResourceDef, file: IncomingFile, actor: Actor): Promise<number> {
    const spec = def.flatFile;
    if (!spec) throw new RosterError('validation_failed', `${def.model} is not loaded from flat files`);
    const system = new Map<string, ScalarValue>([
      ['status', 'Pending'],
      ['source-for', spec.sourceFor],
      ['type', 'DataFileSource'],
      ['file-file-name', file.filename],
      ['file-content-type', file.contentType],
      ['file-file-size', String(file.size)],
    ]);
    const outcome = await this.sources.write({ doc: {} }, actor, {
      system,
      alongside: async (trx, written) => {
        const id = serialId(written);
        const owner = { table: DATA_FILE_SOURCES.table, id, slot: 'file' };
        if (file.path !== undefined) {
          const to = await this.archivePath(trx, spec, file.filename, id);
          if (!(await this.deps.files.move(file.path, to, trx, owner))) throw new FileTaken(file.path);
        } else {
          await this.deps.files.add(
            { owner, filename: file.filename, contentType: file.contentType, data: file.data ?? Buffer.alloc(0) },
            trx,
          );
        }
        await this.deps.jobs.enqueue(trx, LOAD_JOB, id);
      },
    });
    if (!outcome.ok) throw outcome.error;
    return serialId(outcome.id);
  }

  /** The archive path of a picked-up file: its own name, or with the load's id when that is taken. */
  private async archivePath(trx: WriteDb, spec: FlatFileSpec, filename: string, id: number): Promise<string> {
    const plain = `${archiveFolder(spec)}/${filename}`;
    if (!(await this.deps.files.entry(plain, trx))) return plain;
    const dot = filename.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [filename.slice(0, dot), filename.slice(dot)] : [filename, ''];
    return `${archiveFolder(spec)}/${stem}-${id}${ext}`;
  }

  /**
   * Moves every file waiting in an incoming folder into a load, in alphanumeric order (Coupa:
   * "moved to the archive folder … before being processed in alphanumeric order"). A file
   * another process picks up first is skipped. Returns the new sources' ids.
   */
  async pickUp(): Promise<number[]> {
    const ids: number[] = [];
    for (const { def, spec } of LOADABLE) {
      const waiting = await this.deps.files.list(incomingFolder(spec));
      waiting.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
      for (const entry of waiting) {
        // A dot-file is an upload in progress (a client writes `.name.part`, then renames it): not a load yet.
        if (entry.path === null || entry.filename.startsWith('.')) continue;
        const file = { filename: entry.filename, contentType: 'text/csv', size: entry.size, path: entry.path };
        try {
          ids.push(await this.receive(def, file, { name: 'sftp', userId: null }));
        } catch (err) {
          if (!(err instanceof FileTaken)) throw err;
        }
      }
    }
    return ids;
  }

  /** Claims and runs loads until none is waiting; returns what each ended as. */
  async runPending(): Promise<LoadSummary[]> {
    const done: LoadSummary[] = [];
    for (;;) {
      const job = await this.deps.jobs.claim([LOAD_JOB], this.worker, this.options.leaseMs);
      if (!job) return done;
      const summary = await this.run(job);
      if (summary) done.push(summary);
    }
  }

  /** Runs one claimed load to its end; undefined when the lease was lost to another process meanwhile. */
  private async run(job: ClaimedJob): Promise<LoadSummary | undefined> {
    const source = await this.sources.show(job.subjectId);
    const sourceId = serialId(source.id);
    const def = LOADABLE.find((l) => l.spec.sourceFor === source.values.get('source-for'))?.def;
    const file = await this.deps.files.owned({ table: DATA_FILE_SOURCES.table, id: sourceId, slot: 'file' });
    if (!def?.flatFile || !file) return this.finish(job, sourceId, 'Failed', 'Roster has no loader or no file for this source');
    if (job.attempts > MAX_ATTEMPTS) {
      return this.finish(job, sourceId, 'Failed', `Roster stopped this load after ${MAX_ATTEMPTS} attempts`);
    }
    const spec = def.flatFile;
    const csv = await readCsvFile(file.data, this.options.limits);
    if (!csv.ok) return this.finish(job, sourceId, 'Failed', csv.reason);
    const plan = planHeader(def, spec, csv.header);
    if (!plan.ok) return this.finish(job, sourceId, 'Failed', plan.reason);
    if (source.values.get('status') !== 'Loading') {
      await this.setSource(sourceId, {
        status: 'Loading',
        'start-time': this.deps.clock.iso(),
        'records-count': csv.rows.length,
      });
    }
    const service = this.deps.service(def);
    const applied = await this.deps.rows.outcomes(sourceId);
    const waiting = csv.rows.filter((r) => !applied.has(r.row));
    let lastProgress = Date.now();
    for (let next = 0; next < waiting.length;) {
      // A chunk of rows in one transaction, each row its own savepoint: applied or refused alone,
      // committed together with their marks (a crash loses the chunk whole, and the resume redoes it).
      const done = await this.deps.chunk(async () => {
        // The lease first: the chunk's first statement is a write, so SQLite takes the write lock
        // now, waiting its turn, rather than at a write after reads, which another process's
        // commit in between would refuse ("database is locked").
        if (!(await this.deps.jobs.renew(job.id, this.worker, this.options.leaseMs))) return undefined;
        const started = Date.now();
        let i = next;
        for (const { row, cells } of waiting.slice(next, next + CHUNK_ROWS)) {
          applied.set(row, await this.applyRow(service, spec, sourceId, row, cells, plan.columns, csv.header.length));
          i++;
          if (Date.now() - started >= CHUNK_MS) break;
        }
        return i;
      });
      // The lease ran out and another process took the load over: it finishes it.
      if (done === undefined) return undefined;
      next = done;
      if (Date.now() - lastProgress > PROGRESS_MS) {
        await this.setSource(sourceId, { progress: applied.size });
        lastProgress = Date.now();
      }
      // Requests waiting for the database run between chunks.
      await yieldTurn();
    }
    const count = (o: RowOutcome) => [...applied.values()].filter((v) => v === o).length;
    const counts = { created: count('created'), updated: count('updated'), failed: count('failed') };
    const text = resultText(csv.rows.length, counts, plan.unknown, plan.unkept);
    return this.finish(job, sourceId, 'Done', text, {
      progress: csv.rows.length,
      'records-count': csv.rows.length,
      'records-created': counts.created,
      'records-updated': counts.updated,
      'upload-errors-count': counts.failed,
    });
  }

  /**
   * Applies one row: finds the record its keys name (Coupa's order: `Id`, then `Employee
   * Number`, then `Login`; a key given and not found creates, except an `Id`), writes it, and
   * marks the row in the same savepoint. A refusal becomes an upload error, marked with it.
   */
  private async applyRow(
    service: RecordService,
    spec: FlatFileSpec,
    sourceId: number,
    row: number,
    cells: readonly string[],
    columns: PlannedColumns,
    width: number,
  ): Promise<RowOutcome> {
    const read = rowDocument(columns, cells);
    const first = cells[0] ?? '';
    if (cells.length !== width) {
      return this.refuse(sourceId, row, first, read, undefined, [`Row has ${cells.length} cells; the header has ${width}`]);
    }
    const [problem] = read.problems;
    const cellErrors = read.problems.map((p) => p.message);
    if (problem) return this.refuse(sourceId, row, first, read, problem, cellErrors);
    const target = await this.target(service, spec, read);
    if (target instanceof RosterError) return this.refuse(sourceId, row, first, read, undefined, target.messages);
    // The key columns named the row; `id` itself is not written.
    const doc = Object.fromEntries(Object.entries(read.doc).filter(([name]) => name !== 'id'));
    const outcome: RowOutcome = target === undefined ? 'created' : 'updated';
    const written = await service.write(target === undefined ? { doc } : { id: target, doc }, LOADER, {
      alongside: (trx) => this.deps.rows.mark(trx, sourceId, row, outcome),
    });
    if (written.ok) return outcome;
    return this.refuse(sourceId, row, first, read, undefined, written.error.messages);
  }

  /** The id of the record a row names by its keys; undefined to create one; the error of an `Id` that names none. */
  private async target(
    service: RecordService,
    spec: FlatFileSpec,
    read: RowDocument,
  ): Promise<RecordId | undefined | RosterError> {
    for (const key of spec.keys) {
      const value = read.doc[key];
      if (value === undefined || value === null) continue;
      const text = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
      if (key === 'id') {
        const id = idCodecOf(service.def).parse(text);
        if (id !== undefined && (await service.exists(id))) return id;
        return new RosterError('not_found', `Couldn't find ${service.def.model} with 'id'=${text}`);
      }
      return service.idByKey(text, key === service.def.key ? undefined : key);
    }
    return undefined;
  }

  /** Records a refused row as an upload error (and its mark), naming the column at fault where it can. */
  private async refuse(
    sourceId: number,
    row: number,
    first: string,
    read: RowDocument,
    problem: { readonly header: string; readonly value: string } | undefined,
    messages: readonly string[],
  ): Promise<RowOutcome> {
    const header = problem?.header ?? columnOfMessages(messages, read.headers);
    const element = [...read.headers].find(([, h]) => h === header)?.[0];
    const value = problem?.value ?? (element === undefined ? undefined : read.doc[element]);
    const system = new Map<string, ScalarValue>([
      ['data-file-source', sourceId],
      ['row', row],
      ['first-column', first.slice(0, 255)],
      ['field-errors', messages.join('; ')],
      ['type', 'UploadError'],
    ]);
    if (header !== undefined) system.set('field-with-error', header);
    if (typeof value === 'string' || typeof value === 'number') system.set('value', String(value).slice(0, 255));
    const outcome = await this.uploadErrors.write({ doc: {} }, LOADER, {
      system,
      alongside: (trx) => this.deps.rows.mark(trx, sourceId, row, 'failed'),
    });
    if (!outcome.ok) throw outcome.error;
    return 'failed';
  }

  private async setSource(id: number, values: Record<string, ScalarValue>, alongside?: (trx: WriteDb) => Promise<void>) {
    const outcome = await this.sources.write({ id, doc: {} }, LOADER, {
      system: new Map(Object.entries(values)),
      ...(alongside ? { alongside } : {}),
    });
    if (!outcome.ok) throw outcome.error;
  }

  /** Ends a load: its status, result and counts, and the job done, in one transaction. */
  private async finish(
    job: ClaimedJob,
    id: number,
    status: 'Done' | 'Failed',
    text: string,
    counts: Record<string, number> = {},
  ): Promise<LoadSummary> {
    await this.setSource(id, { status, 'result-text': text, 'end-time': this.deps.clock.iso(), ...counts }, (trx) =>
      this.deps.jobs.finish(trx, job.id, this.worker),
    );
    const source = await this.sources.show(id);
    const summary = summarize(source);
    await this.options.onFinished?.(summary, source);
    return summary;
  }
}

const statusOf = (value: unknown): DataFileStatus => {
  const found = DATA_FILE_STATUSES.find((s) => s === value);
  if (!found) throw new Error(`A data file source has no status Roster knows: ${String(value)}`);
  return found;
};

/** A load's summary from its data file source. */
export function summarize(source: StoredRecord): LoadSummary {
  const value = (name: string) => source.values.get(name) ?? null;
  const number = (name: string) => Number(value(name) ?? 0);
  return {
    id: serialId(source.id),
    file: String(value('file-file-name') ?? ''),
    sourceFor: String(value('source-for') ?? ''),
    status: statusOf(value('status')),
    recordsCount: number('records-count'),
    recordsCreated: number('records-created'),
    recordsUpdated: number('records-updated'),
    uploadErrorsCount: number('upload-errors-count'),
    resultText: String(value('result-text') ?? ''),
  };
}
