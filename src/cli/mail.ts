import type { Command } from 'commander';
import { makeConfig } from '../config.js';
import { MailRepository } from '../store/mail-repository.js';
import { addDataOptions, openDataStore, type DataOptions } from './options.js';

interface MailListOptions extends DataOptions {
  readonly to?: string;
}

/**
 * `roster mail list [--to ADDRESS]`: every message Roster sent or would have sent (worker
 * invitations), oldest first, as a JSON array of `{id, to, from, subject, text, time,
 * accepted, error}` on stdout; `accepted` says whether an SMTP server took it.
 */
export function mailCommand(program: Command): void {
  const mail = program.command('mail').description('the mail Roster has sent (worker invitations)');
  const list = mail
    .command('list')
    .description('print every recorded message as JSON (to, subject, time, whether SMTP accepted it)')
    .option('--to <address>', 'only messages to this address');
  addDataOptions(list).action(async (opts: MailListOptions) => {
    const config = makeConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl, seedFile: opts.seed });
    const { store } = await openDataStore(config, { existing: true });
    try {
      const messages = await new MailRepository(store).list(opts.to);
      process.stdout.write(`${JSON.stringify(messages, null, 2)}\n`);
    } finally {
      await store.close();
    }
  });
}
