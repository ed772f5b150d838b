import cliProgress from 'cli-progress';

/** A progress bar for one phase (reading, applying, validating); a no-op when not shown. */
export interface Progress {
  /** Starts a phase of `total` steps (`undefined`: not known in advance, the bar counts up). */
  start(phase: string, total: number | undefined): void;
  tick(steps?: number): void;
  stop(): void;
}

const SILENT: Progress = { start: () => undefined, tick: () => undefined, stop: () => undefined };

/**
 * Bars on stderr (cli-progress) when stderr is a terminal and the run is not `--quiet`; otherwise silent, so
 * logs and pipes get no control characters.
 */
export function progressFor(stream: NodeJS.WriteStream, quiet: boolean): Progress {
  if (quiet || !stream.isTTY) return SILENT;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(phase, total) {
      bar?.stop();
      const known = total !== undefined;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: known
            ? `${phase.padEnd(10)} [{bar}] {value}/{total} {percentage}% | {eta_formatted} left`
            : `${phase.padEnd(10)} {value} users`,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, 0);
    },
    tick(steps = 1) {
      if (bar === undefined) return;
      bar.increment(steps);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
