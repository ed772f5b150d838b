import { mkdir } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { DEFAULTS, type Config } from '../config.js';
import { requireExistingDatabase, storeOptionsOf } from './data-location.js';
import { parseDuration } from './duration.js';
import type { Store, StoreOptions } from '../store/database.js';
import { openPreparedStore } from '../store/prepare.js';
import { Engine } from '../domain/engine.js';
import { readSeedFile } from '../controls/fixture-file.js';
import { applySeedFixture } from '../controls/fixture-load.js';

/** The database flags every command that touches data shares with `serve`. */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data <dir>', 'data directory for the embedded SQLite database').env('ROSTER_DATA').default('./data'))
    .addOption(new Option('--database-url <url>', 'a postgres:// URL switches from SQLite to PostgreSQL').env('DATABASE_URL'))
    .addOption(
      new Option('--seed <file>', 'JSON or YAML fixture: reference data (roles, departments, ...), users and workers').env(
        'ROSTER_SEED',
      ),
    );
}

export interface DataOptions {
  readonly data: string;
  readonly databaseUrl?: string;
  readonly seed?: string;
}

/**
 * Opens the database a command's config names, as `serve` does: the data directory is made
 * for SQLite, migrations run, default reference data and the `--seed` fixture (its reference
 * data, users and workers: controls/fixture-load.ts) are loaded.
 * Returns the options too, for commands that say where the data is. With `existing`, an SQLite
 * data directory must already hold a database (commands that administer a server's data).
 */
export async function openDataStore(
  config: Config,
  { existing = false }: { existing?: boolean } = {},
): Promise<{ store: Store; options: StoreOptions }> {
  const options = storeOptionsOf(config);
  if (existing) requireExistingDatabase(options, config.dataDir);
  if (options.kind === 'sqlite') await mkdir(config.dataDir, { recursive: true });
  const store = await openPreparedStore(options);
  if (config.seedFile === undefined) return { store, options };
  try {
    // Its users and workers are written as the API writes them, with the instance's settings.
    const engine = Engine.detached(store, { reportingCurrency: config.reportingCurrency });
    await applySeedFixture(store, engine, await readSeedFile(config.seedFile));
  } catch (err) {
    await store.close();
    throw err;
  }
  return { store, options };
}

/** A repeatable flag's values, in the order given (commander's argParser for `--x a --x b`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The mail flags of the commands that send mail (`serve`, `flatfile run`). */
export function addMailOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--smtp-url <url>',
        'send mail (invitations, failed-load notices) through this SMTP server: smtp://host:port',
      ).env('ROSTER_SMTP_URL'),
    )
    .addOption(
      new Option('--mail-from <address>', 'the sender of the mail Roster sends')
        .env('ROSTER_MAIL_FROM')
        .default(DEFAULTS.mailFrom),
    )
    .addOption(
      new Option('--notify-email <address>', 'an integration contact, e-mailed when a flat file fails (repeatable)')
        .env('ROSTER_NOTIFY_EMAIL')
        .argParser(collect),
    );
}

export interface MailOptions {
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly notifyEmail?: string[];
}

/** The loader's flags, shared by `serve` and `flatfile run`. */
export function addLoaderOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--job-lease <duration>', 'how long a load a stopped process claimed waits before another takes it')
        .env('ROSTER_JOB_LEASE')
        .default('30s'),
    )
    .addOption(
      new Option('--flatfile-max-rows <n>', "most data rows of one flat file (Coupa's 5,000)")
        .env('ROSTER_FLATFILE_MAX_ROWS')
        .default(String(DEFAULTS.flatfileMaxRows)),
    );
}

export interface LoaderOptions {
  readonly jobLease: string;
  readonly flatfileMaxRows: string;
}

/** The loader's settings from its flags; throws, naming the flag, on a bad value. */
export function loaderSettings(opts: LoaderOptions): Pick<Config, 'jobLease' | 'flatfileMaxRows'> {
  const maxRows = Number(opts.flatfileMaxRows);
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) {
    throw new Error(`--flatfile-max-rows must be a whole number of rows, at least 1, got '${opts.flatfileMaxRows}'`);
  }
  return { jobLease: parseDuration('--job-lease', opts.jobLease, 100), flatfileMaxRows: maxRows };
}
