import path from 'node:path';
import { Option, type Command } from 'commander';
import { makeConfig } from '../config.js';
import { seedUsers } from '../store/user-seeder.js';
import { addDataOptions, openDataStore, type DataOptions } from './options.js';

interface SeedCommandOptions extends DataOptions {
  readonly users: string;
  readonly batchSize?: string;
  readonly randomSeed?: string;
}

function positiveInt(flag: string, raw: string, allowZero = false): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || (!allowZero && n === 0)) {
    throw new Error(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got '${raw}'`);
  }
  return n;
}

export function seedCommand(program: Command): void {
  const cmd = program
    .command('seed')
    .description('fill the database with generated, realistic users (for demos and benchmarks)')
    .addOption(new Option('--users <n>', 'how many users to add').makeOptionMandatory())
    .addOption(new Option('--batch-size <n>', 'users per transaction'))
    .addOption(new Option('--random-seed <n>', 'seed for the generator, to repeat a run exactly'));
  addDataOptions(cmd).action(async (opts: SeedCommandOptions) => {
    const users = positiveInt('--users', opts.users, true);
    const batchSize = opts.batchSize === undefined ? undefined : positiveInt('--batch-size', opts.batchSize);
    const randomSeed = opts.randomSeed === undefined ? undefined : positiveInt('--random-seed', opts.randomSeed, true);
    const config = makeConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl, seedFile: opts.seed });
    const { store, options } = await openDataStore(config);
    // Progress only on a terminal: a log file or a pipe gets just the summary.
    const progress = process.stderr.isTTY
      ? (n: number) => process.stderr.write(`\r  seeded ${n.toLocaleString('en-US')} / ${users.toLocaleString('en-US')}`)
      : undefined;
    try {
      const result = await seedUsers(store, {
        users,
        ...(batchSize === undefined ? {} : { batchSize }),
        ...(randomSeed === undefined ? {} : { randomSeed }),
        ...(progress ? { onProgress: progress } : {}),
      });
      if (progress) process.stderr.write('\n');
      const where = options.kind === 'sqlite' ? path.resolve(options.filename) : `PostgreSQL at ${new URL(options.url).host}`;
      const seconds = result.elapsedMs / 1000;
      const rate = seconds > 0 ? Math.round(result.inserted / seconds) : result.inserted;
      const ids = result.firstId === null ? '' : ` (ids ${result.firstId}..${result.lastId ?? result.firstId})`;
      process.stdout.write(
        `Seeded ${result.inserted.toLocaleString('en-US')} users${ids} and ${result.memberships.toLocaleString('en-US')} memberships ` +
          `into ${where} in ${seconds.toFixed(1)} s (${rate.toLocaleString('en-US')} users/s)\n`,
      );
    } finally {
      await store.close();
    }
  });
}
