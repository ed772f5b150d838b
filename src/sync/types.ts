// The shapes `roster sync` passes between its parts. `sync/` is a Coupa client: it speaks HTTP and SFTP
// and imports nothing of the server (lint holds it), so it runs against a real Coupa unchanged.

/** The Coupa user element a run matches HR rows and Coupa users by (seeds 002/003 query by `login`). */
export type KeyElement = 'login' | 'employee-number';

/**
 * A mapped element's value as the run compares it: text, `''` for null or absent. Booleans are `'true'` or
 * `'false'`; an association's natural key (`department.name`) is the name's text.
 */
export type ElementValues = Readonly<Record<string, string>>;

/** A user as Coupa holds it, read with only the mapped elements (plus `id`, `active`, `api-user`). */
export interface CoupaUser {
  /** Coupa's id, as the JSON carried it. */
  readonly id: number | string;
  /** The key element's value, as Coupa holds it. */
  readonly key: string;
  readonly active: boolean;
  /** Coupa's API users (an integration's own user) are never deactivated by a sync. */
  readonly apiUser: boolean;
  /** Every mapped element path → its value. */
  readonly values: ElementValues;
}

/** What the HR export says a user should be. */
export interface DesiredUser {
  readonly key: string;
  /** 1-based line (CSV, header is line 1) or line number (JSON Lines) of the row, for messages. */
  readonly line: number;
  /** Whether the user should be active (the mapping's status rule; `true` without one). */
  readonly active: boolean;
  /** Mapped element path → value after transforms. */
  readonly values: ElementValues;
}

/** One planned write. `changes` are only the elements whose value differs (all mapped ones for a create). */
export type PlannedChange =
  | { readonly action: 'create'; readonly key: string; readonly changes: ElementValues }
  | {
      readonly action: 'update' | 'reactivate';
      readonly key: string;
      readonly id: number | string;
      readonly changes: ElementValues;
    }
  | { readonly action: 'deactivate'; readonly key: string; readonly id: number | string };

/** What a run does with one user. */
export type Action = PlannedChange['action'];

/**
 * Why an item failed: the user's key (`''` for a row without one), what the run meant to do (`input`: the
 * row was refused before planning), and the reason (Coupa's error text when Coupa refused).
 */
export interface Failure {
  readonly key: string;
  readonly action: Action | 'input';
  readonly reason: string;
}

/** The plan: writes to make, and what was left alone. Counts add up to the users considered. */
export interface Plan {
  readonly changes: readonly PlannedChange[];
  /** Users whose mapped elements already match. */
  readonly unchanged: number;
  /** Export rows with no effect: out of scope, or inactive and not in Coupa. */
  readonly skipped: number;
  /** Rows refused before planning (no key, a duplicate key, a bad value). */
  readonly inputFailures: readonly Failure[];
  /** Active users in Coupa the run manages (for the deactivation guard's percentage). */
  readonly activeManaged: number;
}

/** Counts of a run, as `--report` writes them. */
export interface Counts {
  created: number;
  updated: number;
  deactivated: number;
  reactivated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  /** Deactivations planned but held back by the guard. */
  withheld: number;
}

/**
 * Exit status of `roster sync` (docs/sync.md):
 * - 0: everything planned was applied and validated (or a dry run planned without error);
 * - 1: fatal: bad options, unreadable input or mapping, the target unreachable or refusing the credentials;
 * - 2: partial failure: some users failed (a Coupa error, a validation difference, an upload error);
 * - 3: a guard tripped: deactivations withheld, or an empty or shrunken export refused;
 * - 130: interrupted (SIGINT or SIGTERM); the run is safe to repeat.
 */
export const EXIT = { ok: 0, fatal: 1, partial: 2, guard: 3, interrupted: 130 } as const;
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/** A failure that ends the run before or outside the per-user work (exit 1, or 3 for a guard). */
export class SyncFatalError extends Error {
  constructor(
    message: string,
    readonly exit: ExitStatus = EXIT.fatal,
  ) {
    super(message);
    this.name = 'SyncFatalError';
  }
}
