import type { Engine } from '../domain/engine.js';
import { RosterError } from '../domain/errors.js';
import { StateStore, type SnapshotInfo } from '../store/state-copy.js';
import { keptCredentials, reattachApiUsers } from './api-users.js';

/** A snapshot's name: letters, digits, `.`, `_` and `-`, 1–64 of them, never `.` or `..` (it is a path segment). */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** `name` if it may name a snapshot; else `invalid_control` saying why. */
export function snapshotName(name: unknown): string {
  if (typeof name !== 'string') throw new RosterError('invalid_control', 'A snapshot needs a "name" (text)');
  if (!NAME.test(name) || name === '.' || name === '..') {
    throw new RosterError(
      'invalid_control',
      `A snapshot's name is 1 to 64 letters, digits, '.', '_' or '-' (not '.' or '..'), not ${JSON.stringify(name.slice(0, 80))}`,
    );
  }
  return name;
}

/**
 * Snapshots of the whole data (docs/controls.md): saved into tables of the same database, so
 * every process on it can restore them, on SQLite as on PostgreSQL. Credentials are never in
 * a snapshot: a restore keeps the keys and clients of now, each pointed at its API user.
 */
export class Snapshots {
  private readonly state: StateStore;

  constructor(private readonly engine: Engine) {
    this.state = new StateStore(engine.store);
  }

  list(): Promise<SnapshotInfo[]> {
    return this.state.list();
  }

  /** Saves the data as `name`, replacing a snapshot of that name. */
  save(name: string): Promise<SnapshotInfo> {
    return this.state.save(snapshotName(name));
  }

  /** Brings back `name`'s data; `snapshot_not_found` or `snapshot_other_schema` when it cannot. */
  async restore(name: string): Promise<void> {
    const kept = await keptCredentials(this.engine);
    const outcome = await this.state.restore(snapshotName(name));
    switch (outcome) {
      case 'missing':
        throw new RosterError('snapshot_not_found', `No snapshot is named ${name}`);
      case 'other-schema':
        throw new RosterError('snapshot_other_schema', `The snapshot ${name} was saved by another release of Roster`);
      case 'restored':
        await this.engine.announce();
        await reattachApiUsers(this.engine, kept);
        await this.engine.announce();
        return;
    }
  }

  /** Drops `name`; `snapshot_not_found` when there is none. */
  async drop(name: string): Promise<void> {
    if (!(await this.state.drop(snapshotName(name)))) throw new RosterError('snapshot_not_found', `No snapshot is named ${name}`);
  }
}
