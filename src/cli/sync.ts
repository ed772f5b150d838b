import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_RETRY } from '../sync/client/coupa-client.js';
import type { Credentials } from '../sync/client/credentials.js';
import { parseDeactivationLimit } from '../sync/guards.js';
import { progressFor } from '../sync/progress.js';
import { runSync } from '../sync/run-sync.js';
import { EXIT, SyncFatalError } from '../sync/types.js';
import { parseDuration } from './duration.js';
import { collect } from './options.js';

/** The flags of `roster sync`, as commander hands them over. */
interface SyncFlags {
  readonly input: string;
  readonly mapping: string;
  readonly url: string;
  readonly apiKey?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly clientSecretFile?: string;
  readonly scopes: string;
  readonly via: 'api' | 'csv';
  readonly sftpUrl?: string;
  readonly sftpKey?: string;
  readonly sftpFolder: string;
  readonly sftpHostKey?: string;
  readonly dryRun?: boolean;
  readonly plan?: string;
  readonly report?: string;
  readonly journal?: string;
  readonly maxDeactivations?: string;
  readonly allowDeactivations?: boolean;
  readonly deltas?: boolean;
  readonly allowShrink?: boolean;
  readonly state?: string;
  readonly smtpUrl?: string;
  readonly notifyEmail?: string[];
  readonly notifyUrl?: string;
  readonly mailFrom: string;
  readonly rate: string;
  readonly burst: string;
  readonly concurrency: string;
  readonly timeout: string;
  readonly loadTimeout: string;
  readonly quiet?: boolean;
}

const EXAMPLES = `
Examples:
  # preview: what would change, written to plan.json; nothing is written to Coupa
  $ npx roster sync --input hr.csv --mapping mapping.yaml --url https://acme.coupahost.com \\
      --client-id "$ID" --dry-run --plan plan.json      # secret from ROSTER_SYNC_CLIENT_SECRET

  # apply by the Users API, with a journal of every call and a JSON report
  $ ROSTER_SYNC_API_KEY=… npx roster sync --input hr.csv --mapping mapping.yaml \\
      --url http://127.0.0.1:3000 --journal sync.jsonl --report report.json

  # apply by a Users CSV put over SFTP into /Incoming/Users
  $ npx roster sync --input hr.jsonl --mapping mapping.yaml --url http://127.0.0.1:3000 \\
      --via csv --sftp-url sftp://acme-hr@127.0.0.1:2222 --sftp-key ~/.ssh/id_ed25519

Exit status: 0 applied and validated; 1 fatal error; 2 some users failed; 3 a guard
tripped (deactivations withheld, or the export refused); 130 interrupted. docs/sync.md has more.
`;

const whole = (flag: string, text: string, min: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new SyncFatalError(`${flag} must be a whole number of at least ${min}, got '${text}'`);
  return n;
};

async function credentialsOf(f: SyncFlags): Promise<Credentials> {
  if (f.apiKey !== undefined && f.clientId !== undefined) throw new SyncFatalError('give --api-key or --client-id, not both');
  if (f.apiKey !== undefined) return { kind: 'api-key', key: f.apiKey };
  if (f.clientId === undefined)
    throw new SyncFatalError('credentials needed: --api-key (or ROSTER_SYNC_API_KEY), or --client-id with a client secret');
  // An empty variable (ROSTER_SYNC_CLIENT_SECRET=) is no secret: the file may still give one.
  let secret = f.clientSecret === '' ? undefined : f.clientSecret;
  if (secret === undefined && f.clientSecretFile !== undefined) {
    try {
      secret = (await readFile(f.clientSecretFile, 'utf8')).trim();
    } catch (err) {
      throw new SyncFatalError(
        `cannot read --client-secret-file ${f.clientSecretFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
  }
  if (secret === undefined || secret === '')
    throw new SyncFatalError('--client-id needs a secret: --client-secret, ROSTER_SYNC_CLIENT_SECRET or --client-secret-file');
  return { kind: 'oauth', clientId: f.clientId, clientSecret: secret, scopes: f.scopes };
}

/**
 * `roster sync`: the HR-to-Coupa connector (docs/sync.md). Runs one sync and exits with its status
 * (sync/types.ts EXIT). SIGINT and SIGTERM stop it cleanly: no new write starts, the report is written.
 */
export function syncCommand(program: Command): void {
  program
    .command('sync')
    .description("bring Coupa's users in line with an HR export, by the Users API or a CSV over SFTP")
    .addOption(new Option('--input <file>', 'the HR export: .csv (with a header row) or .jsonl').makeOptionMandatory())
    .addOption(
      new Option('--mapping <file>', 'YAML: key, fields, and optional status, scope, deltas, protect').makeOptionMandatory(),
    )
    .addOption(new Option('--url <url>', 'the Coupa (or Roster) base URL').makeOptionMandatory())
    .addOption(new Option('--api-key <key>', 'an X-COUPA-API-KEY').env('ROSTER_SYNC_API_KEY'))
    .addOption(new Option('--client-id <id>', 'an OAuth 2.0 client (client credentials grant)').env('ROSTER_SYNC_CLIENT_ID'))
    .addOption(new Option('--client-secret <secret>', "the OAuth client's secret").env('ROSTER_SYNC_CLIENT_SECRET'))
    .addOption(new Option('--client-secret-file <file>', "a file holding the OAuth client's secret"))
    .addOption(
      new Option('--scopes <scopes>', 'OAuth scopes to ask for').default('core.user.read core.user.write core.integration.read'),
    )
    .addOption(
      new Option('--via <how>', 'apply by the Users API, or by a Users CSV over SFTP').choices(['api', 'csv']).default('api'),
    )
    .addOption(new Option('--sftp-url <url>', 'with --via csv: sftp://user[:password]@host[:port]').env('ROSTER_SYNC_SFTP_URL'))
    .addOption(new Option('--sftp-key <file>', 'with --via csv: an OpenSSH private key file'))
    .addOption(
      new Option(
        '--sftp-host-key <fingerprint>',
        "with --via csv: the server's host key (SHA256:…, as ssh-keygen -lf prints it)",
      ),
    )
    .addOption(new Option('--sftp-folder <path>', 'with --via csv: the drop folder').default('/Incoming/Users'))
    .option('--dry-run', 'print the plan and change nothing')
    .option('--plan <file>', 'write the plan as JSON (before applying it, or instead with --dry-run)')
    .option('--report <file>', 'write the report as JSON')
    .option('--journal <file>', 'append every HTTP call as JSON Lines')
    .option('--max-deactivations <n|p%>', 'most deactivations a run applies (default: the lower of 200 and 20% of active users)')
    .option('--allow-deactivations', 'apply every planned deactivation this run, whatever the limit')
    .option('--deltas', 'the export lists changes with an action column, not a full snapshot')
    .option('--allow-shrink', 'accept an empty export, or one under half the size of the last accepted one')
    .option(
      '--state <file>',
      "where the last accepted export's size is kept (default: .roster-sync-state.json beside the mapping)",
    )
    .addOption(new Option('--smtp-url <url>', 'send failure notices through this SMTP server').env('ROSTER_SMTP_URL'))
    .addOption(
      new Option('--notify-email <address>', 'e-mail this address on failures or a tripped guard (repeatable)').argParser(
        collect,
      ),
    )
    .option('--notify-url <url>', 'POST the report as JSON to this URL on failures or a tripped guard')
    .addOption(new Option('--mail-from <address>', 'the sender of notices').default('roster-sync@localhost'))
    .addOption(new Option('--rate <n>', 'requests per second, client-side (Coupa: 25); 0 turns the limit off').default('25'))
    .addOption(
      new Option('--burst <n>', "requests allowed at once before the rate applies (under Coupa's 20, to keep slack)").default(
        '10',
      ),
    )
    .addOption(new Option('--concurrency <n>', 'requests in flight at once').default('4'))
    .addOption(new Option('--timeout <duration>', 'per request').default('30s'))
    .addOption(new Option('--load-timeout <duration>', 'with --via csv: how long to follow the load').default('30m'))
    .option('--quiet', 'no progress bars')
    .addHelpText('after', EXAMPLES)
    .action(async (f: SyncFlags) => {
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const rate = whole('--rate', f.rate, 0);
        const report = await runSync({
          input: f.input,
          mapping: f.mapping,
          url: f.url.replace(/\/+$/, ''),
          credentials: await credentialsOf(f),
          via: f.via,
          ...(f.sftpUrl === undefined
            ? {}
            : {
                csv: {
                  sftpUrl: f.sftpUrl,
                  folder: f.sftpFolder,
                  pollMs: 1000,
                  timeoutMs: parseDuration('--load-timeout', f.loadTimeout),
                  ...(f.sftpKey === undefined ? {} : { privateKeyFile: f.sftpKey }),
                  ...(f.sftpHostKey === undefined ? {} : { hostKey: f.sftpHostKey }),
                },
              }),
          dryRun: f.dryRun === true,
          ...(f.plan === undefined ? {} : { planFile: f.plan }),
          ...(f.report === undefined ? {} : { reportFile: f.report }),
          ...(f.journal === undefined ? {} : { journalFile: f.journal }),
          ...(f.maxDeactivations === undefined ? {} : { maxDeactivations: parseDeactivationLimit(f.maxDeactivations) }),
          allowDeactivations: f.allowDeactivations === true,
          deltas: f.deltas === true,
          allowShrink: f.allowShrink === true,
          stateFile: f.state ?? path.join(path.dirname(f.mapping), '.roster-sync-state.json'),
          notify: {
            emails: f.notifyEmail ?? [],
            from: f.mailFrom,
            ...(f.smtpUrl === undefined ? {} : { smtpUrl: f.smtpUrl }),
            ...(f.notifyUrl === undefined ? {} : { url: f.notifyUrl }),
          },
          rate: rate === 0 ? null : { perSecond: rate, burst: whole('--burst', f.burst, 1) },
          concurrency: whole('--concurrency', f.concurrency, 1),
          timeoutMs: parseDuration('--timeout', f.timeout),
          retry: DEFAULT_RETRY,
          progress: progressFor(process.stderr, f.quiet === true),
          print: (text) => void process.stdout.write(text),
          signal: controller.signal,
        });
        process.exitCode = report.exit;
      } catch (err) {
        if (!(err instanceof SyncFatalError)) throw err;
        process.stderr.write(`roster sync: ${err.message}\n`);
        process.exitCode = EXIT.fatal;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
