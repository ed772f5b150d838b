import type { Command } from 'commander';
import { makeConfig } from '../config.js';
import { readSeedFile } from '../controls/fixture-file.js';
import { resetState } from '../controls/reset.js';
import { Engine } from '../domain/engine.js';
import { addDataOptions, openDataStore, type DataOptions } from './options.js';

/**
 * `roster reset [--data DIR | --database-url URL] [--seed FILE]`: what `POST /_roster/reset`
 * does, on a database no server need be running on (docs/controls.md): the data as a fresh
 * start leaves it plus the fixture, every credential kept. Servers running on the same
 * PostgreSQL hear of it through the change feed. Prints `{"reset": true, "duration-ms": N}`.
 */
export function resetCommand(program: Command): void {
  const reset = program
    .command('reset')
    .description('empty the data as a fresh start would (plus the --seed fixture), keeping keys, clients and admin keys');
  addDataOptions(reset).action(async (opts: DataOptions) => {
    // The fixture is read first: one that does not parse leaves the data as it is.
    const fixture = opts.seed === undefined ? undefined : await readSeedFile(opts.seed);
    const config = makeConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl });
    const { store } = await openDataStore(config, { existing: true });
    try {
      const started = performance.now();
      const engine = await Engine.open(store, { reportingCurrency: config.reportingCurrency });
      try {
        await resetState(engine, fixture);
      } finally {
        await engine.close();
      }
      const ms = Math.round((performance.now() - started) * 10) / 10;
      process.stdout.write(`${JSON.stringify({ reset: true, 'duration-ms': ms })}\n`);
    } finally {
      await store.close();
    }
  });
}
