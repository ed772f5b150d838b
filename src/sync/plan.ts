import type { Desired } from './desired.js';
import type { CoupaUser, Plan, PlannedChange } from './types.js';
import { differences, foldKey } from './values.js';

/**
 * Compares the export with Coupa's users and plans the writes (pure; the same inputs give the same plan).
 * `current`: folded key → user, every user Coupa holds with a key. `protect`: keys never deactivated.
 * `snapshot`: a user Coupa holds active whose key the export lacks is deactivated (Okta's CSV directory
 * rule), unless it is an API user, protected, or its row was out of scope or refused.
 *
 * - export active, not in Coupa → create (every mapped element);
 * - export active, in Coupa active → update with only the changed elements, or unchanged;
 * - export active, in Coupa inactive → reactivate (`active=true` and the changed elements);
 * - export inactive (the status rule), or a `--deltas` deactivate row → deactivate if active in Coupa;
 *   an inactive row for a user Coupa lacks is skipped.
 */
export function planChanges(
  desired: Desired,
  current: ReadonlyMap<string, CoupaUser>,
  protect: readonly string[],
  snapshot: boolean,
): Plan {
  const changes: PlannedChange[] = [];
  const protectedKeys = new Set(protect.map(foldKey));
  const managed = (u: CoupaUser): boolean => !u.apiUser && u.key !== '' && !protectedKeys.has(foldKey(u.key));
  let unchanged = 0;
  let skipped = desired.skipped;

  const deactivate = (user: CoupaUser): void => {
    if (user.active && managed(user)) changes.push({ action: 'deactivate', key: user.key, id: user.id });
    else unchanged++;
  };

  for (const [folded, want] of desired.users) {
    const have = current.get(folded);
    if (have === undefined) {
      if (want.active) changes.push({ action: 'create', key: want.key, changes: differences(want.values, undefined) });
      else skipped++;
      continue;
    }
    if (!want.active) {
      deactivate(have);
      continue;
    }
    const diff = differences(want.values, have.values);
    if (!have.active) changes.push({ action: 'reactivate', key: want.key, id: have.id, changes: diff });
    else if (Object.keys(diff).length > 0) changes.push({ action: 'update', key: want.key, id: have.id, changes: diff });
    else unchanged++;
  }
  for (const folded of desired.deactivate.keys()) {
    const have = current.get(folded);
    if (have === undefined) skipped++;
    else deactivate(have);
  }
  if (snapshot) {
    for (const [folded, have] of current) {
      if (desired.users.has(folded) || desired.leftAlone.has(folded) || !have.active || !managed(have)) continue;
      changes.push({ action: 'deactivate', key: have.key, id: have.id });
    }
  }
  let activeManaged = 0;
  for (const u of current.values()) if (u.active && managed(u)) activeManaged++;
  return { changes, unchanged, skipped, inputFailures: desired.failures, activeManaged };
}
