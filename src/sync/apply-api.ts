import { writeNote, type Journal } from './journal.js';
import { mapPool } from './pool.js';
import type { CoupaUser, DesiredUser, ElementValues, Failure, PlannedChange } from './types.js';
import type { UsersApi } from './users-api.js';
import { differences, foldKey, writeBody } from './values.js';

/**
 * How one planned change ended: applied, with what validation should find (`expected` elements, `active`) and
 * the user's id (undefined when only the key is known, after a CSV load), or a failure.
 */
export type ItemResult =
  | {
      readonly ok: true;
      readonly change: PlannedChange;
      readonly id: number | string | undefined;
      readonly expected: ElementValues;
      readonly active: boolean;
    }
  | { readonly ok: false; readonly change: PlannedChange; readonly failure: Failure };

/**
 * Applies planned changes by the Users API, exactly as seeds 002 and 003 do: `GET /api/users?<key>=…` for the
 * user and its id, then `PUT /api/users/:id` (or `POST /api/users` for a new user); 200/201 expected, anything
 * else is that user's failure with Coupa's error text, and the run goes on.
 *
 * Each write is recomputed from the user as just read, so only elements still different are sent and a
 * rerun, or a change already made by someone else, writes nothing. A write whose fate is unknown is never
 * repeated blind: the user is read again and the write recomputed (up to `rounds` times).
 * `desired`: folded key → the export's user (absent for deactivations).
 */
export async function applyByApi(
  changes: readonly PlannedChange[],
  desired: ReadonlyMap<string, DesiredUser>,
  api: UsersApi,
  journal: Journal,
  options: {
    readonly concurrency: number;
    /** Times the find-then-write is tried when a write's fate stays unknown (the retry policy's attempts). */
    readonly rounds: number;
    readonly signal?: AbortSignal;
    readonly onItem?: () => void;
  },
): Promise<ItemResult[]> {
  const applyOne = async (change: PlannedChange): Promise<ItemResult> => {
    const fail = (reason: string): ItemResult => ({
      ok: false,
      change,
      failure: { key: change.key, action: change.action, reason },
    });
    const want = change.action === 'deactivate' ? undefined : desired.get(foldKey(change.key))?.values;
    for (let round = 1; round <= options.rounds; round++) {
      const found = await api.find(change.key);
      if (found.kind === 'error') return fail(`reading the user: ${found.reason}`);
      const user: CoupaUser | undefined = found.kind === 'found' ? found.user : undefined;
      let body: Record<string, unknown>;
      if (want === undefined) {
        if (user === undefined) return fail('the user is no longer in Coupa');
        if (!user.active) return { ok: true, change, id: user.id, expected: {}, active: false };
        body = { active: false };
      } else {
        const diff = differences(want, user?.values);
        if (user !== undefined && user.active && Object.keys(diff).length === 0) {
          return { ok: true, change, id: user.id, expected: want, active: true };
        }
        body = writeBody(diff);
        if (user !== undefined && !user.active) body['active'] = true;
      }
      const written = await api.write(user?.id, body, change.key);
      switch (written.kind) {
        case 'ok': {
          const id = user?.id ?? written.user?.id;
          if (id === undefined) return fail('Coupa answered the create without the new user');
          return { ok: true, change, id, expected: want ?? {}, active: want !== undefined };
        }
        case 'refused':
          return fail(written.reason);
        case 'unknown':
          writeNote(journal, `write outcome unknown (${written.reason}); reading the user again before any retry`, change.key);
          break;
      }
    }
    return fail(`the write's outcome stayed unknown after ${options.rounds} rounds`);
  };
  const results = await mapPool(
    changes,
    options.concurrency,
    async (change) => {
      const result = await applyOne(change);
      options.onItem?.();
      // A request cut short by an interruption is not the user's failure: the item is pending, for the rerun.
      return !result.ok && options.signal?.aborted === true ? undefined : result;
    },
    options.signal,
  );
  return results.filter((r): r is ItemResult => r !== undefined);
}

/**
 * The seeds' step 5: reads every applied user back by id and checks the mapped elements (and `active`).
 * Returns a failure per user whose elements differ from what was written, or that cannot be read.
 */
export async function validateApplied(
  applied: readonly Extract<ItemResult, { ok: true }>[],
  api: UsersApi,
  options: { readonly concurrency: number; readonly signal?: AbortSignal; readonly onItem?: () => void },
): Promise<Map<PlannedChange, Failure>> {
  const failures = new Map<PlannedChange, Failure>();
  await mapPool(
    applied,
    options.concurrency,
    async (r) => {
      const fail = (reason: string): void =>
        void failures.set(r.change, { key: r.change.key, action: r.change.action, reason: `validation: ${reason}` });
      const shown = r.id === undefined ? await api.find(r.change.key) : await api.show(r.id, r.change.key);
      options.onItem?.();
      if (shown.kind === 'absent') return fail('the user is not in Coupa');
      if (shown.kind === 'error') return fail(`reading the user back: ${shown.reason}`);
      const wrong = Object.entries(differences(r.expected, shown.user.values)).map(
        ([element, value]) => `${element} is "${shown.user.values[element] ?? ''}" in Coupa, expected "${value}"`,
      );
      if (shown.user.active !== r.active) wrong.push(`active is ${shown.user.active} in Coupa, expected ${r.active}`);
      if (wrong.length > 0) fail(wrong.join('; '));
    },
    options.signal,
  );
  return failures;
}
