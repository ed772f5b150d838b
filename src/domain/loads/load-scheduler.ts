import type { LoadService, LoadSummary } from './load-service.js';

/** What one pass of the loader did: the loads it made from SFTP files, and the loads it ran. */
export interface LoaderPass {
  readonly pickedUp: readonly number[];
  readonly loads: readonly LoadSummary[];
}

/**
 * Runs the loader every `intervalMs` (Coupa picks files up every few minutes; `--flatfile-interval`)
 * and on demand, one pass at a time: a pass picks up SFTP files, then runs every waiting load.
 * A pass that fails (the database gone) is reported to `onError` and tried again next time.
 */
export class LoadScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<LoaderPass> | undefined;
  private stopped = false;

  constructor(
    private readonly loads: LoadService,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Starts passes every `intervalMs`, the first at once (files may have waited while Roster was down). */
  start(intervalMs: number): void {
    const tick = () => {
      this.kick();
      this.timer = setTimeout(tick, intervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** Runs a pass soon, in the background: now, or right after the one running. */
  kick(): void {
    void this.pass().catch(this.onError);
  }

  /** Runs a pass and resolves with what it did; waits for a running pass first, then runs a fresh one. */
  async pass(): Promise<LoaderPass> {
    if (this.running) {
      await this.running.catch(() => undefined);
    }
    if (this.stopped) return { pickedUp: [], loads: [] };
    if (this.running) return this.running;
    this.running = (async () => {
      const pickedUp = await this.loads.pickUp();
      return { pickedUp, loads: await this.loads.runPending() };
    })();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /** Stops the timer and waits for a running pass to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
