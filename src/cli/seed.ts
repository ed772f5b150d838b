import path from 'node:path';
import { Option, type Command } from 'commander';
import { makeConfig } from '../config.js';
import type { StoreOptions } from '../store/database.js';
import { seedUsers } from '../store/user-seeder.js';
import { seedWorkers } from '../store/worker-seeder.js';
import { Engine } from '../domain/engine.js';
import { seedCso } from '../domain/seed/cso-seeder.js';
import { demoFixture } from '../controls/demo-fixture.js';
import { applySeedFixture } from '../controls/fixture-load.js';
import { addDataOptions, openDataStore, type DataOptions } from './options.js';

interface SeedCommandOptions extends DataOptions {
  readonly demo?: boolean;
  readonly users?: string;
  readonly workers?: string;
  readonly csoUsers?: string;
  readonly csoCompanies?: string;
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

const count = (n: number): string => n.toLocaleString('en-US');

/** How a summary line ends: where, how long, how fast. */
function timing(where: string, inserted: number, elapsedMs: number, noun: string): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(inserted / seconds) : inserted;
  return `into ${where} in ${seconds.toFixed(1)} s (${count(rate)} ${noun}/s)\n`;
}

const idRange = (first: number | null, last: number | null): string =>
  first === null ? '' : ` (ids ${first}..${last ?? first})`;

/** Progress only on a terminal: a log file or a pipe gets just the summary. */
const progressOf = (noun: string, total: number): ((n: number) => void) | undefined =>
  process.stderr.isTTY ? (n: number) => process.stderr.write(`\r  seeded ${count(n)} / ${count(total)} ${noun}`) : undefined;

const whereOf = (options: StoreOptions): string =>
  options.kind === 'sqlite' ? path.resolve(options.filename) : `PostgreSQL at ${new URL(options.url).host}`;

export function seedCommand(program: Command): void {
  const cmd = program
    .command('seed')
    .description(
      'fill the database with generated, realistic users, workers, and CSO companies and users (for demos and benchmarks)',
    )
    .addOption(
      new Option(
        '--demo',
        'add the small, fixed demo set (USER_TEST and 24 more users, 10 workers); running it again changes nothing',
      ),
    )
    .addOption(new Option('--users <n>', 'how many users to add'))
    .addOption(
      new Option('--workers <n>', 'how many workers to add, with their e-mails, phones, addresses, skills and identifiers'),
    )
    .addOption(new Option('--cso-users <n>', 'how many CSO users to add (spread over the CSO companies)'))
    .addOption(new Option('--cso-companies <n>', 'how many CSO companies to add'))
    .addOption(new Option('--batch-size <n>', 'users or workers per transaction'))
    .addOption(new Option('--random-seed <n>', 'seed for the generator, to repeat a run exactly'));
  addDataOptions(cmd).action(async (opts: SeedCommandOptions) => {
    if (opts.demo !== true && [opts.users, opts.workers, opts.csoUsers, opts.csoCompanies].every((n) => n === undefined)) {
      throw new Error('seed needs --demo, --users <n>, --workers <n>, --cso-users <n> or --cso-companies <n>');
    }
    const csoUsers = opts.csoUsers === undefined ? undefined : positiveInt('--cso-users', opts.csoUsers, true);
    const csoCompanies = opts.csoCompanies === undefined ? undefined : positiveInt('--cso-companies', opts.csoCompanies, true);
    const users = opts.users === undefined ? undefined : positiveInt('--users', opts.users, true);
    const workers = opts.workers === undefined ? undefined : positiveInt('--workers', opts.workers, true);
    const batchSize = opts.batchSize === undefined ? undefined : positiveInt('--batch-size', opts.batchSize);
    const randomSeed = opts.randomSeed === undefined ? undefined : positiveInt('--random-seed', opts.randomSeed, true);
    const common = {
      ...(batchSize === undefined ? {} : { batchSize }),
      ...(randomSeed === undefined ? {} : { randomSeed }),
    };
    const config = makeConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl, seedFile: opts.seed });
    const { store, options } = await openDataStore(config);
    const where = whereOf(options);
    try {
      if (opts.demo === true) {
        const result = await applySeedFixture(store, Engine.detached(store), demoFixture());
        const said = Object.entries(result.records).map(
          ([name, c]) =>
            `${count(c.created + c.updated + c.unchanged)} ${name} (${count(c.created)} new, ${count(c.updated)} changed)`,
        );
        process.stdout.write(`Seeded the demo set: ${said.join(' and ')} into ${where}\n`);
      }
      if (users !== undefined) {
        const progress = progressOf('users', users);
        const result = await seedUsers(store, { users, ...common, ...(progress ? { onProgress: progress } : {}) });
        if (progress) process.stderr.write('\n');
        process.stdout.write(
          `Seeded ${count(result.inserted)} users${idRange(result.firstId, result.lastId)} and ${count(result.memberships)} memberships ` +
            timing(where, result.inserted, result.elapsedMs, 'users'),
        );
      }
      if (workers !== undefined) {
        const progress = progressOf('workers', workers);
        const result = await seedWorkers(store, { workers, ...common, ...(progress ? { onProgress: progress } : {}) });
        if (progress) process.stderr.write('\n');
        const children = Object.values(result.children).reduce((a, b) => a + b, 0);
        process.stdout.write(
          `Seeded ${count(result.inserted)} workers${idRange(result.firstId, result.lastId)} with ${count(children)} children ` +
            timing(where, result.inserted, result.elapsedMs, 'workers'),
        );
      }
      if (csoUsers !== undefined || csoCompanies !== undefined) {
        const total = (csoUsers ?? 0) + (csoCompanies ?? 0);
        const progress = progressOf('CSO records', total);
        const result = await seedCso(Engine.detached(store), store, {
          companies: csoCompanies ?? 0,
          users: csoUsers ?? 0,
          ...common,
          ...(progress ? { onProgress: progress } : {}),
        });
        if (progress) process.stderr.write('\n');
        if (result.failed > 0) throw new Error(`${result.failed} CSO records were refused: ${result.reasons.join(' | ')}`);
        const ids = result.firstUserId === null ? '' : ` (user ids ${result.firstUserId}..${result.lastUserId ?? ''})`;
        process.stdout.write(
          `Seeded ${count(result.companies)} CSO companies and ${count(result.users)} CSO users${ids} ` +
            timing(where, result.companies + result.users, result.elapsedMs, 'records'),
        );
      }
    } finally {
      await store.close();
    }
  });
}
