import type { ItemResult } from './apply-api.js';
import { assertNever } from './assert-never.js';
import type { Counts, ExitStatus, Failure, Plan, PlannedChange } from './types.js';

/**
 * What `--report FILE` writes (JSON), and what the text report prints. The counts add up: every user the
 * run considered is in exactly one of created, updated, deactivated, reactivated, unchanged, skipped,
 * failed, withheld or pending.
 */
export interface SyncReport extends Counts {
  readonly url: string;
  readonly via: 'api' | 'csv';
  readonly mode: 'snapshot' | 'deltas';
  readonly dryRun: boolean;
  readonly started: string;
  readonly finished: string;
  /** Planned changes never started because the run was interrupted. */
  readonly pending: number;
  readonly interrupted: boolean;
  /** Set when a guard held deactivations back or refused the export. */
  readonly guard: string | null;
  /** The keys of the users whose deactivation the guard held back, for review before `--allow-deactivations`. */
  readonly withheldKeys: readonly string[];
  /** A fatal problem that ended the run early. */
  readonly fatal: string | null;
  readonly failures: readonly Failure[];
  /** HTTP requests made (every attempt), retries among them, and answers 429. */
  readonly requests: { readonly total: number; readonly retries: number; readonly throttled: number };
  readonly exit: ExitStatus;
}

export const emptyCounts = (): Counts => ({
  created: 0,
  updated: 0,
  deactivated: 0,
  reactivated: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  withheld: 0,
});

/** The count a successful change adds to. */
function countOf(change: PlannedChange): keyof Counts {
  switch (change.action) {
    case 'create':
      return 'created';
    case 'update':
      return 'updated';
    case 'deactivate':
      return 'deactivated';
    case 'reactivate':
      return 'reactivated';
    default:
      return assertNever(change);
  }
}

/**
 * Counts of a run: the plan's unchanged and skipped, each applied change (less those validation failed),
 * input and apply failures, and `withheld` deactivations. A dry run counts planned changes as if applied.
 */
export function countRun(
  plan: Plan,
  results: readonly ItemResult[],
  validation: ReadonlyMap<PlannedChange, Failure>,
  withheld: number,
): { counts: Counts; failures: Failure[] } {
  const counts = emptyCounts();
  counts.unchanged = plan.unchanged;
  counts.skipped = plan.skipped;
  counts.withheld = withheld;
  const failures: Failure[] = [...plan.inputFailures];
  for (const r of results) {
    const failure = r.ok ? validation.get(r.change) : r.failure;
    if (failure === undefined) counts[countOf(r.change)]++;
    else failures.push(failure);
  }
  counts.failed = failures.length;
  return { counts, failures };
}

/** Counts as planned, for a dry run. */
export function countPlan(plan: Plan, changes: readonly PlannedChange[], withheld: number): Counts {
  const counts = emptyCounts();
  counts.unchanged = plan.unchanged;
  counts.skipped = plan.skipped;
  counts.withheld = withheld;
  counts.failed = plan.inputFailures.length;
  for (const c of changes) counts[countOf(c)]++;
  return counts;
}

/** The report as people read it at the end of a run (stdout). */
export function reportText(r: SyncReport): string {
  const lines = [
    `roster sync ${r.dryRun ? 'dry run ' : ''}(${r.mode}, via ${r.via}): ${r.fatal !== null ? 'FAILED' : r.interrupted ? 'interrupted' : 'finished'}`,
    `  ${r.dryRun ? 'would create' : 'created'} ${r.created}, ${r.dryRun ? 'update' : 'updated'} ${r.updated}, ${r.dryRun ? 'deactivate' : 'deactivated'} ${r.deactivated}, ${r.dryRun ? 'reactivate' : 'reactivated'} ${r.reactivated}; unchanged ${r.unchanged}, skipped ${r.skipped}, failed ${r.failed}${r.withheld > 0 ? `, withheld ${r.withheld}` : ''}${r.pending > 0 ? `, not started ${r.pending}` : ''}`,
  ];
  if (!r.dryRun) {
    const { total, retries, throttled } = r.requests;
    lines.push(
      `  ${total} request${total === 1 ? '' : 's'}, ${retries} ${retries === 1 ? 'retry' : 'retries'}, ${throttled} answered 429`,
    );
  }
  if (r.guard !== null) lines.push(`  guard: ${r.guard}`);
  if (r.withheldKeys.length > 0) {
    const more = r.withheldKeys.length > 20 ? `, … (${r.withheldKeys.length} in all, see --report)` : '';
    lines.push(`  withheld: ${r.withheldKeys.slice(0, 20).join(', ')}${more}`);
  }
  if (r.fatal !== null) lines.push(`  error: ${r.fatal}`);
  const shown = r.failures.slice(0, 50);
  if (shown.length > 0) lines.push('  failures:');
  for (const f of shown) lines.push(`    ${f.key === '' ? '(no key)' : f.key} [${f.action}]: ${f.reason}`);
  if (r.failures.length > shown.length) lines.push(`    … and ${r.failures.length - shown.length} more (see --report)`);
  lines.push(`  exit ${r.exit}`);
  return `${lines.join('\n')}\n`;
}
