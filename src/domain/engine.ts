import { RESOURCES, resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { InstanceSettings } from '../catalog/types.js';
import { ALL_TABLES, openChangeFeed, publishingFeed, type ChangeFeed } from '../store/change-feed.js';
import { loadClock, SETTINGS_TABLE } from '../store/clock-setting.js';
import { forgetCredentials } from '../store/credential-cache.js';
import type { Store } from '../store/database.js';
import { RecordCaches } from '../store/record-caches.js';
import { RecordRepository } from '../store/record-repository.js';
import { ResponseCache } from '../render/response-cache.js';
import type { RecordId } from '../catalog/types.js';
import { RecordService } from './record-service.js';
import type { EngineDeps } from './record-writer.js';

/** Settings of an instance started without any: Coupa's usual reporting currency. */
export const DEFAULT_SETTINGS: InstanceSettings = { reportingCurrency: 'USD' };

/**
 * The record engine of one app (or CLI command): a repository and a service per registered
 * resource, sharing one set of reference-data caches kept fresh across processes.
 */
export class Engine {
  private readonly repositories = new Map<string, RecordRepository>();
  private readonly services = new Map<string, RecordService>();
  readonly caches: RecordCaches;

  private feed: ChangeFeed | undefined;

  private constructor(
    readonly store: Store,
    readonly settings: InstanceSettings,
    /** Rendered responses (render/response-cache.ts), shared by the apps of one process; none when off. */
    readonly responses: ResponseCache | undefined,
  ) {
    this.caches = new RecordCaches(
      (name) => this.repository(name),
      () => this.feed?.poll(),
    );
    const deps: EngineDeps = {
      store,
      repository: (name) => this.repository(name),
      caches: this.caches,
      responses,
      settings,
      changed: async (name) => {
        this.heard(name);
        await this.feed?.publish(name);
      },
      rowsChanged: async (name, ids) => {
        this.heard(name, ids);
        await this.feed?.publish(name, ids);
      },
    };
    for (const def of RESOURCES) this.services.set(def.name, new RecordService(def, deps));
  }

  /**
   * An engine over an open, migrated store; `close` it before closing the store. Throws when a
   * setting a creation default names has no row (`--reporting-currency XYZ`), so a server with
   * such a setting never starts.
   */
  static async open(store: Store, settings: InstanceSettings = DEFAULT_SETTINGS, responses?: ResponseCache): Promise<Engine> {
    const engine = new Engine(store, settings, responses);
    await engine.checkSettings();
    await loadClock(store);
    engine.feed = await openChangeFeed(store, (table, ids) => engine.heard(table, ids));
    return engine;
  }

  /**
   * What this process drops when `table` changed (every table when undefined: another process's
   * reset, restore or clock), or only rows `ids` of it (another process's write to them).
   */
  private heard(table?: string, ids?: readonly RecordId[]): void {
    if (table === undefined) for (const repo of this.repositories.values()) repo.forgetBookmarks();
    else this.repositories.get(table)?.forgetBookmarks();
    if (table !== undefined && ids !== undefined) {
      this.responses?.evictRows(table, ids);
      return;
    }
    if (table === undefined) this.responses?.clear();
    else this.responses?.evictTable(table);
    if (table === undefined || table === SETTINGS_TABLE) {
      // Read again rather than passed in the notice: the row is the one truth, and a lost notice heals on the next.
      loadClock(this.store).catch(() => undefined);
      if (table === SETTINGS_TABLE) return;
      forgetCredentials(this.store);
    }
    this.caches.forget(table);
  }

  /**
   * Tells this process and every other on the database that `table` changed, or every table
   * (a reset, a restored snapshot: caches and remembered credentials are dropped everywhere).
   */
  async announce(table?: string): Promise<void> {
    this.heard(table);
    await this.feed?.publish(table ?? ALL_TABLES);
  }

  private async checkSettings(): Promise<void> {
    for (const def of RESOURCES) {
      for (const el of def.elements) {
        if (el.kind !== 'reference' || !el.default || !('setting' in el.default)) continue;
        const value = this.settings[el.default.setting];
        const target = resourceNamed(el.target);
        if ((await this.repository(target.name).idByKey(value)) === undefined) {
          const setting = el.default.setting.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
          throw new Error(`The ${setting} '${value}' names no ${target.singular} Roster knows (by ${target.key})`);
        }
      }
    }
  }

  /**
   * An engine that hears of no other process's changes, but tells them of its own writes: for
   * a command that writes a few rows and exits (credentials), where no cache lives long enough
   * to go stale.
   */
  static detached(store: Store, settings: InstanceSettings = DEFAULT_SETTINGS): Engine {
    const engine = new Engine(store, settings, undefined);
    // It still tells the others what it writes.
    engine.feed = publishingFeed(store);
    return engine;
  }

  repository(name: string): RecordRepository {
    let repo = this.repositories.get(name);
    if (!repo) {
      repo = new RecordRepository(this.store, resourceNamed(name));
      this.repositories.set(name, repo);
    }
    return repo;
  }

  /** The service of a registered resource. */
  service(def: ResourceDef | string): RecordService {
    const name = typeof def === 'string' ? def : def.name;
    const service = this.services.get(name);
    if (!service) throw new Error(`No resource ${name}`);
    return service;
  }

  async close(): Promise<void> {
    await this.feed?.close();
    this.feed = undefined;
  }
}
