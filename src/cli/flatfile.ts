import { Option, type Command } from 'commander';
import { makeConfig } from '../config.js';
import { Engine } from '../domain/engine.js';
import { loadsOf } from '../domain/loads/loads-of.js';
import { LoadScheduler } from '../domain/loads/load-scheduler.js';
import {
  addDataOptions,
  addLoaderOptions,
  addMailOptions,
  loaderSettings,
  openDataStore,
  type DataOptions,
  type LoaderOptions,
  type MailOptions,
} from './options.js';
import { createMailer } from '../mail/mailer.js';

interface FlatfileRunOptions extends DataOptions, MailOptions, LoaderOptions {
  readonly reportingCurrency: string;
}

/**
 * `roster flatfile run`: one pass of the loader, now, on the data `serve` uses (also while it
 * runs: a load is claimed by one process, docs/flat-files.md). Prints what it did as JSON.
 */
export function flatfileCommand(program: Command): void {
  const flatfile = program.command('flatfile').description('CSV flat files dropped over SFTP (/Incoming/Users)');
  addLoaderOptions(
    addMailOptions(
      addDataOptions(
        flatfile
          .command('run')
          .description('pick up the files waiting now, load them and every waiting load; prints a JSON summary')
          .addOption(
            new Option('--reporting-currency <code>', "the instance's reporting currency: a new user's default currency")
              .env('ROSTER_REPORTING_CURRENCY')
              .default('USD'),
          ),
      ),
    ),
  ).action(async (opts: FlatfileRunOptions) => {
    const config = makeConfig({
      dataDir: opts.data,
      databaseUrl: opts.databaseUrl,
      seedFile: opts.seed,
      ...loaderSettings(opts),
    });
    const { store } = await openDataStore(config);
    try {
      const engine = await Engine.open(store, { reportingCurrency: opts.reportingCurrency.trim().toUpperCase() });
      const mailer = createMailer(opts.smtpUrl);
      try {
        const loads = loadsOf(
          engine,
          store,
          { limits: { maxRows: config.flatfileMaxRows, maxBytes: config.flatfileLimit }, leaseMs: config.jobLease },
          // No server runs here: a notice links to the default address of `roster serve`.
          {
            mailer,
            from: opts.mailFrom,
            contacts: opts.notifyEmail ?? [],
            baseUrl: () => `http://${config.host}:${config.port}`,
          },
        );
        const pass = await new LoadScheduler(loads, () => undefined).pass();
        const summary = {
          picked_up: pass.pickedUp.length,
          loads: pass.loads.map((l) => ({
            id: l.id,
            file: l.file,
            source_for: l.sourceFor,
            status: l.status,
            records_count: l.recordsCount,
            records_created: l.recordsCreated,
            records_updated: l.recordsUpdated,
            upload_errors_count: l.uploadErrorsCount,
            result_text: l.resultText,
          })),
        };
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } finally {
        mailer.close();
        await engine.close();
      }
    } finally {
      await store.close();
    }
  });
}
