import { RESOURCES, resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import { openChangeFeed, type ChangeFeed } from '../store/change-feed.js';
import type { Store } from '../store/database.js';
import { RecordCaches } from '../store/record-caches.js';
import { RecordRepository } from '../store/record-repository.js';
import { RecordService, type EngineDeps } from './record-service.js';

/**
 * The record engine of one app (or CLI command): a repository and a service per registered
 * resource, sharing one set of reference-data caches kept fresh across processes.
 */
export class Engine {
  private readonly repositories = new Map<string, RecordRepository>();
  private readonly services = new Map<string, RecordService>();
  readonly caches: RecordCaches;

  private feed: ChangeFeed | undefined;

  private constructor(readonly store: Store) {
    this.caches = new RecordCaches(
      (name) => this.repository(name),
      () => this.feed?.poll(),
    );
    const deps: EngineDeps = {
      store,
      repository: (name) => this.repository(name),
      caches: this.caches,
      changed: async (name) => {
        this.caches.forget(name);
        await this.feed?.publish(name);
      },
    };
    for (const def of RESOURCES) this.services.set(def.name, new RecordService(def, deps));
  }

  /** An engine over an open, migrated store; `close` it before closing the store. */
  static async open(store: Store): Promise<Engine> {
    const engine = new Engine(store);
    engine.feed = await openChangeFeed(store, (table) => engine.caches.forget(table));
    return engine;
  }

  /**
   * An engine that hears of no other process's changes: for a command that writes a few rows
   * and exits (credentials), where no cache lives long enough to go stale.
   */
  static detached(store: Store): Engine {
    return new Engine(store);
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
