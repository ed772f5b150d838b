import { writeFile } from 'node:fs/promises';
import { applyByApi, validateApplied, type ItemResult } from './apply-api.js';
import { applyByCsv, type CsvTarget } from './apply-csv.js';
import { CoupaClient, type RetryPolicy } from './client/coupa-client.js';
import { usersCsvColumn } from './csv/users-csv.js';
import type { Credentials } from './client/credentials.js';
import { desiredUsers, missingColumns } from './desired.js';
import { deactivationLimit, readState, shrinkRefusal, writeState, type DeactivationLimit } from './guards.js';
import { readInput } from './input.js';
import { openJournal, writeNote, type Journal } from './journal.js';
import { loadMapping } from './mapping.js';
import { needsNotice, notify, type NotifyTargets } from './notify.js';
import { planChanges } from './plan.js';
import type { Progress } from './progress.js';
import { countPlan, countRun, emptyCounts, reportText, type SyncReport } from './report.js';
import { EXIT, SyncFatalError, type Counts, type ExitStatus, type Failure, type Plan, type PlannedChange } from './types.js';
import { usersApi } from './users-api.js';

/** Everything one `roster sync` run is told (cli/sync.ts builds it from the flags; docs/sync.md). */
export interface SyncOptions {
  readonly input: string;
  readonly mapping: string;
  /** The Coupa (or Roster) base URL. */
  readonly url: string;
  readonly credentials: Credentials;
  readonly via: 'api' | 'csv';
  /** Required with `via: 'csv'`. */
  readonly csv?: CsvTarget;
  readonly dryRun: boolean;
  readonly planFile?: string;
  readonly reportFile?: string;
  readonly journalFile?: string;
  readonly maxDeactivations?: DeactivationLimit;
  readonly allowDeactivations: boolean;
  readonly deltas: boolean;
  /** Accept an empty export, or one under half the last accepted size. */
  readonly allowShrink: boolean;
  /** Where the last accepted export's size is kept, per target URL. */
  readonly stateFile: string;
  readonly notify: NotifyTargets;
  /** Client-side rate limit (requests/s, burst); null: off. */
  readonly rate: { readonly perSecond: number; readonly burst: number } | null;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly progress: Progress;
  /** Where the text report (or the dry run's plan) goes: stdout. */
  readonly print: (text: string) => void;
  /** Aborted by SIGINT/SIGTERM: no new write starts; the report says what was done. */
  readonly signal?: AbortSignal;
}

/**
 * The most rows a `--deltas` export may have for its users to be found one by one (`GET /api/users?login=…`);
 * a longer one reads every user in pages of 50, which costs fewer requests from about 50 × pages rows down.
 */
const DELTA_LOOKUPS = 2000;

/** The plan as `--plan FILE` writes it (JSON). */
interface PlanFile {
  readonly url: string;
  readonly mode: 'snapshot' | 'deltas';
  readonly counts: Counts;
  readonly guard: string | null;
  readonly changes: readonly PlannedChange[];
  /** Keys of the deactivations the guard held back. */
  readonly withheld: readonly string[];
  readonly failures: readonly Failure[];
}

/**
 * Runs one sync: read the export through the mapping, read Coupa's users, plan, apply (by API or CSV over
 * SFTP), validate, report, notify. Every outcome, a fatal one included, is a SyncReport whose `exit` is the
 * process's exit status (types.ts EXIT); only a bug throws.
 */
export async function runSync(o: SyncOptions): Promise<SyncReport> {
  const started = new Date().toISOString();
  const mode = o.deltas ? 'deltas' : 'snapshot';
  let journal: Journal | undefined;
  let client: CoupaClient | undefined;
  let counts = emptyCounts();
  let failures: Failure[] = [];
  let guard: string | null = null;
  let withheldKeys: string[] = [];
  let pending = 0;
  let fatal: string | null = null;
  let exit: ExitStatus = EXIT.ok;

  try {
    journal = await openJournal(o.journalFile);
    const mapping = await loadMapping(o.mapping);
    const input = await readInput(o.input);
    const missing = missingColumns(input.columns, mapping, o.deltas);
    if (input.rows.length > 0 && missing.length > 0) {
      throw new SyncFatalError(
        `the input ${o.input} lacks the mapped column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`,
      );
    }
    if (o.via === 'csv') {
      if (o.csv === undefined) throw new SyncFatalError('--via csv needs --sftp-url (or ROSTER_SYNC_SFTP_URL)');
      const unloadable = [...mapping.fields.keys()].filter((e) => usersCsvColumn(e) === undefined);
      if (unloadable.length > 0)
        throw new SyncFatalError(`--via csv: Coupa's Users Import has no column for ${unloadable.join(', ')}`);
    }
    const desired = desiredUsers(input.rows, mapping, o.deltas);
    const inScope = input.rows.length - desired.skipped;
    const last = o.deltas ? undefined : await readState(o.stateFile, o.url);
    const refusal = o.deltas || o.allowShrink ? undefined : shrinkRefusal(inScope, last);
    if (refusal !== undefined) throw new SyncFatalError(refusal, EXIT.guard);

    client = new CoupaClient({
      baseUrl: o.url,
      credentials: o.credentials,
      rate: o.rate,
      concurrency: o.concurrency,
      timeoutMs: o.timeoutMs,
      retry: o.retry,
      journal,
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    });
    const elements = [...mapping.fields.keys()];
    const api = usersApi(client, mapping.key, elements, o.concurrency);
    // A short --deltas export needs only its own users: found by key, as the seeds do, not every page.
    const keys = [...desired.users.values(), ...desired.deactivate.values()].map((u) => u.key);
    const byKey = o.deltas && keys.length <= DELTA_LOOKUPS && o.maxDeactivations?.kind !== 'percent';
    o.progress.start('reading', byKey ? keys.length : undefined);
    let current;
    try {
      current = byKey ? await api.readKeys(keys, () => o.progress.tick()) : await api.readAll((n) => o.progress.tick(n));
    } catch (err) {
      throw new SyncFatalError(err instanceof Error ? err.message : String(err));
    } finally {
      o.progress.stop();
    }
    const plan: Plan = planChanges(desired, current, mapping.protect, !o.deltas);

    let changes = plan.changes;
    const deactivations = changes.filter((c) => c.action === 'deactivate').length;
    const limit = deactivationLimit(o.maxDeactivations, byKey ? undefined : plan.activeManaged);
    let withheld = 0;
    if (deactivations > limit && !o.allowDeactivations) {
      withheld = deactivations;
      withheldKeys = changes.flatMap((c) => (c.action === 'deactivate' ? [c.key] : []));
      changes = changes.filter((c) => c.action !== 'deactivate');
      guard = `${deactivations} deactivations planned, over the limit of ${limit} (--max-deactivations; --allow-deactivations for this run): none applied`;
      writeNote(journal, `guard: ${guard}`);
    }

    const planned = countPlan(plan, changes, withheld);
    if (o.planFile !== undefined) {
      const planFile: PlanFile = {
        url: o.url,
        mode,
        counts: planned,
        guard,
        changes,
        withheld: withheldKeys,
        failures: plan.inputFailures,
      };
      await writeFile(o.planFile, `${JSON.stringify(planFile, null, 2)}\n`);
    }
    if (o.dryRun) {
      counts = planned;
      failures = [...plan.inputFailures];
      o.print(planText(changes));
    } else {
      const step = {
        concurrency: o.concurrency,
        ...(o.signal === undefined ? {} : { signal: o.signal }),
        onItem: () => o.progress.tick(),
      };
      o.progress.start('applying', changes.length);
      let results: ItemResult[];
      try {
        if (o.via === 'csv' && o.csv !== undefined) {
          results = await applyByCsv(changes, desired.users, mapping.key, client, journal, o.csv, step);
        } else results = await applyByApi(changes, desired.users, api, journal, { ...step, rounds: o.retry.attempts });
      } finally {
        o.progress.stop();
      }
      pending = changes.length - results.length;
      const applied = results.filter((r): r is Extract<ItemResult, { ok: true }> => r.ok);
      o.progress.start('validating', applied.length);
      const validation = await validateApplied(applied, api, step).finally(() => o.progress.stop());
      ({ counts, failures } = countRun(plan, results, validation, withheld));
    }
    exit =
      o.signal?.aborted === true ? EXIT.interrupted : guard !== null ? EXIT.guard : counts.failed > 0 ? EXIT.partial : EXIT.ok;
    // Only a clean run's export becomes the size later ones are measured against.
    if (!o.dryRun && !o.deltas && exit === EXIT.ok) await writeState(o.stateFile, o.url, { rows: inScope, at: started });
  } catch (err) {
    if (!(err instanceof SyncFatalError)) throw err;
    fatal = err.exit === EXIT.guard ? null : err.message;
    if (err.exit === EXIT.guard) guard = err.message;
    exit = o.signal?.aborted === true ? EXIT.interrupted : err.exit;
  }

  const report: SyncReport = {
    url: o.url,
    via: o.via,
    mode,
    dryRun: o.dryRun,
    started,
    finished: new Date().toISOString(),
    ...counts,
    pending,
    interrupted: o.signal?.aborted === true,
    guard,
    withheldKeys,
    fatal,
    failures,
    requests:
      client === undefined
        ? { total: 0, retries: 0, throttled: 0 }
        : { total: client.stats.requests, retries: client.stats.retries, throttled: client.stats.throttled },
    exit,
  };
  try {
    if (o.reportFile !== undefined) await writeFile(o.reportFile, `${JSON.stringify(report, null, 2)}\n`);
    o.print(reportText(report));
    if (needsNotice(report)) {
      for (const line of await notify(report, o.notify, journal ?? (await openJournal(undefined))))
        o.print(`  notified: ${line}\n`);
    }
  } finally {
    await client?.close();
    await journal?.close();
  }
  return report;
}

/** The dry run's plan, one line per change (stdout). */
function planText(changes: readonly PlannedChange[]): string {
  const lines = changes.map((c) => {
    const detail =
      c.action === 'deactivate'
        ? 'active → false'
        : Object.entries(c.changes)
            .map(([e, v]) => `${e} → ${JSON.stringify(v)}`)
            .join(', ');
    return `  ${c.action.padEnd(10)} ${c.key}${detail === '' ? '' : `: ${detail}`}`;
  });
  return `${['plan (dry run: nothing is written):', ...(lines.length === 0 ? ['  no changes'] : lines)].join('\n')}\n`;
}
