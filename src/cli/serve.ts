import path from 'node:path';
import { Option, type Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { DEFAULTS, makeConfig, sqliteFile, type Config } from '../config.js';
import { buildApp } from '../http/app.js';
import { parseRateLimit } from '../domain/rate-limit.js';
import { ApiKeyRepository } from '../store/api-key-repository.js';
import { credentialService } from './credentials.js';
import {
  addDataOptions,
  addLoaderOptions,
  addMailOptions,
  collect,
  loaderSettings,
  openDataStore,
  type DataOptions,
  type LoaderOptions,
  type MailOptions,
} from './options.js';
import { formatDuration, parseDuration } from './duration.js';
import { makeKeyHint } from './data-location.js';
import { incomingFolder, LOADABLE } from '../domain/loads/load-service.js';
import { startSftpServer, type SftpServer } from '../sftp/server.js';
import { FaultTable } from '../http/controls/faults.js';
import { RequestJournal } from '../http/controls/request-journal.js';
import { ResponseCache } from '../render/response-cache.js';
import type { LogDestination } from '../http/log-pretty.js';
import { chooseLogFormat, LOG_FORMATS, logStreamFor, type LogFormat } from './log-format.js';

interface ServeOptions extends DataOptions, MailOptions, LoaderOptions {
  readonly host: string;
  readonly port: string;
  readonly apiKey?: string[];
  readonly adminKey?: string[];
  readonly journalSize: string;
  readonly responseCache: string;
  readonly logLevel: string;
  readonly logFormat?: LogFormat;
  readonly rateLimit: string;
  readonly redisUrl?: string;
  readonly reportingCurrency: string;
  readonly requestTimeout: string;
  readonly sftpPort: string;
  readonly csoPort: string;
  readonly csoApiKey?: string[];
  readonly flatfileInterval: string;
}

/** A listener's port flag (`--sftp-port`, `--cso-port`): a port number, `0` for any free port, or `off` (null). */
export function parseListenerPort(flag: string, text: string): number | null {
  if (text.trim().toLowerCase() === 'off') return null;
  const port = Number(text);
  if (text.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${flag} must be a port number, 0 (any free port) or off, got '${text}'`);
  }
  return port;
}

/** `--sftp-port`: a port number, `0` for any free port, or `off`; null means off. */
export const parseSftpPort = (text: string): number | null => parseListenerPort('--sftp-port', text);

/** Most seconds `--request-timeout` takes: a day. */
const MAX_REQUEST_TIMEOUT_S = 86_400;

/**
 * `--request-timeout` in seconds (a decimal number from 1 to a day) → milliseconds. Throws,
 * naming the flag, on anything else.
 */
export function parseRequestTimeout(text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 1 || value > MAX_REQUEST_TIMEOUT_S) {
    throw new Error(`--request-timeout must be a number of seconds from 1 to ${MAX_REQUEST_TIMEOUT_S}, got '${text}'`);
  }
  return Math.round(value * 1000);
}

/** Listens, or says which flag picks another port when this one is taken. */
async function listenOn(app: FastifyInstance, host: string, port: number, flag: string): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EADDRINUSE') throw err;
    const choices = flag === '--port' ? '' : ', or off';
    throw new Error(`Port ${port} on ${host} is in use: pass ${flag} with another port, 0 for any free one${choices}`);
  }
}

/** Serves until SIGINT or SIGTERM; `logStream` is where the log goes (log-format.ts), JSON lines on stdout when absent. */
export async function serve(config: Config, logStream?: LogDestination): Promise<void> {
  const pgUrl =
    config.databaseUrl !== undefined && /^postgres/.test(config.databaseUrl) ? new URL(config.databaseUrl) : undefined;
  const { store } = await openDataStore(config);
  const credentials = credentialService(store);
  for (const key of config.apiKeys) await credentials.ensureKey(key, 'command line');
  for (const key of config.csoApiKeys) await credentials.ensureKey(key, 'command line', 'cso');
  for (const key of config.adminKeys) await credentials.ensureKey(key, 'command line', 'admin');
  let generated: string | undefined;
  let generatedCso: string | undefined;
  let generatedAdmin: string | undefined;
  // One journal and one fault table for both listeners: the controls on the main port see and reach the CSO port too.
  const journal = new RequestJournal(config.journalSize);
  const faults = new FaultTable();
  const responses = config.responseCache > 0 ? new ResponseCache(config.responseCache) : undefined;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let cso: Awaited<ReturnType<typeof buildApp>> | undefined;
  let address: string;
  let csoAddress: string | undefined;
  let sftp: SftpServer | undefined;
  // Both listeners log to one stream.
  const logger = { level: config.logLevel, ...(logStream === undefined ? {} : { stream: logStream }) };
  try {
    app = await buildApp({ config, store, logger, journal, faults, responses });
    address = await listenOn(app, config.host, config.port, '--port');
    if (config.csoPort !== null) {
      cso = await buildApp({ config, store, logger, family: 'cso', journal, faults, responses });
      csoAddress = await listenOn(cso, config.host, config.csoPort, '--cso-port');
    }
    if (config.sftpPort !== null) {
      sftp = await startSftpServer({
        store,
        host: config.host,
        port: config.sftpPort,
        dropFolders: LOADABLE.map((l) => l.spec.folder),
        maxFileBytes: config.flatfileLimit,
        logger: app.log,
      });
    }
    app.loader.start(config.flatfileInterval);
    // First start: a key of each API so the server is usable at once, made once every listener
    // is up, so a start that fails never leaves keys nobody saw; only their hashes are kept.
    const keys = new ApiKeyRepository(store);
    if ((await keys.countActive('core')) === 0) {
      generated = (await credentials.createKey({ name: 'generated at first start', scopes: null })).key;
    }
    if ((await keys.countActive('cso')) === 0) {
      generatedCso = (await credentials.createKey({ name: 'generated at first start', scopes: null, api: 'cso' })).key;
    }
    if ((await keys.countActive('admin')) === 0) {
      generatedAdmin = (await credentials.createKey({ name: 'generated at first start', scopes: null, api: 'admin' })).key;
    }
  } catch (err) {
    await sftp?.close();
    await cso?.close();
    await store.close();
    throw err;
  }
  const where = pgUrl ? `PostgreSQL at ${pgUrl.host}${pgUrl.pathname}` : path.resolve(sqliteFile(config));
  const lines = [`Roster is serving Coupa's Users and Worker APIs at ${address}`, `  data:    ${where}`];
  if (generated) lines.push(`  API key: ${generated}   (printed once; only its hash is stored)`);
  else if (config.apiKeys.length > 0)
    lines.push(`  API key: the ${config.apiKeys.length === 1 ? 'key' : 'keys'} given with --api-key`);
  else lines.push(`  API key: ${makeKeyHint(config, 'core')}`);
  lines.push(`  try:     curl -H "X-COUPA-API-KEY: <key>" ${address}/api/users`);
  lines.push(`  CSO API: ${csoAddress ?? 'own port off (--cso-port off)'} and ${address}/cso`);
  if (generatedCso) lines.push(`  CSO key: ${generatedCso}   (X-CSO-API-KEY; printed once)`);
  else if (config.csoApiKeys.length > 0) lines.push('  CSO key: the keys given with --cso-api-key');
  else lines.push(`  CSO key: ${makeKeyHint(config, 'cso')}`);
  lines.push(
    `  try:     curl -H "X-CSO-API-KEY: <key>" -H "Accept: application/json" ${csoAddress ?? `${address}/cso`}/api/users`,
  );
  if (generatedAdmin) lines.push(`  admin key: ${generatedAdmin}   (X-Roster-Admin-Key, for ${address}/_roster/…; printed once)`);
  else if (config.adminKeys.length > 0) lines.push(`  admin key: the keys given with --admin-key, for ${address}/_roster/…`);
  else lines.push(`  admin key: ${makeKeyHint(config, 'admin')}`);
  if (sftp) {
    lines.push(
      `  sftp:    sftp -P ${sftp.port} <account>@${config.host}   (roster sftp-users create; host key ${sftp.fingerprint})`,
    );
    app.log.info({ port: sftp.port, fingerprint: sftp.fingerprint }, 'SFTP server listening');
  } else lines.push('  sftp:    off (--sftp-port off)');
  lines.push(
    `  loader:  ${LOADABLE.map((l) => incomingFolder(l.spec)).join(', ')} every ${formatDuration(config.flatfileInterval)}; loads at ${address}/api/data_file_sources`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);

  const stop = async () => {
    await sftp?.close();
    await cso?.close();
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** `--response-cache`: `off`, or a size in bytes with an optional unit (`64MiB`, `512k`, `1g`; powers of 1024). */
export function parseResponseCache(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/.exec(t);
  const unit = { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[(m?.[2] ?? 'b').charAt(0) as 'b' | 'k' | 'm' | 'g'];
  const n = m ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(n) || n < 1024 || n > 64 * 2 ** 30) {
    throw new Error(`--response-cache must be off or a size from 1KiB to 64GiB (e.g. 32MiB), got '${text}'`);
  }
  return n;
}

/** `--journal-size`: a whole number of requests, 0 for none. */
function parseJournalSize(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
    throw new Error(`--journal-size must be a whole number from 0 to 1000000, got '${text}'`);
  return n;
}

export function serveCommand(program: Command): void {
  const cmd = program.command('serve').description('serve the Coupa-compatible API');
  cmd
    .addOption(new Option('--host <host>', 'address to listen on').env('HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on').env('PORT').default('3000'))
    .addOption(
      new Option('--api-key <key>', 'accept this full-access API key (repeatable)').env('ROSTER_API_KEY').argParser(collect),
    )
    .addOption(
      new Option('--admin-key <key>', "accept this admin key for Roster's controls, X-Roster-Admin-Key (repeatable)")
        .env('ROSTER_ADMIN_KEY')
        .argParser(collect),
    )
    .addOption(
      new Option('--journal-size <n>', 'requests the journal keeps (/_roster/requests); 0 turns it off')
        .env('ROSTER_JOURNAL_SIZE')
        .default(String(DEFAULTS.journalSize)),
    )
    .addOption(
      new Option('--response-cache <size>', 'rendered responses kept in memory per process (e.g. 64MiB), or off')
        .env('ROSTER_RESPONSE_CACHE')
        .default('32MiB'),
    )
    .addOption(new Option('--log-level <level>', 'pino log level').env('LOG_LEVEL').default('info'))
    .addOption(
      new Option('--log-format <format>', 'one readable line a request (pretty) or JSON lines; pretty at a terminal')
        .env('ROSTER_LOG_FORMAT')
        .choices(LOG_FORMATS),
    )
    .addOption(
      new Option('--rate-limit <limit>', "per-client limit: RATE/BURST requests per second, or 'off'")
        .env('ROSTER_RATE_LIMIT')
        .default('25/20'),
    )
    .addOption(
      new Option('--redis-url <url>', 'keep rate-limit buckets in Redis, shared by several servers').env('ROSTER_REDIS_URL'),
    )
    .addOption(
      new Option('--reporting-currency <code>', "the instance's reporting currency: a new user's default currency")
        .env('ROSTER_REPORTING_CURRENCY')
        .default('USD'),
    )
    .addOption(
      new Option('--sftp-port <port>', "the SFTP server's port: a number, 0 for any free port, or off")
        .env('ROSTER_SFTP_PORT')
        .default(String(DEFAULTS.sftpPort)),
    )
    .addOption(
      new Option('--cso-port <port>', "the CSO API's own port: a number, 0 for any free port, or off (it is also under /cso)")
        .env('ROSTER_CSO_PORT')
        .default(String(DEFAULTS.csoPort)),
    )
    .addOption(
      new Option('--cso-api-key <key>', 'accept this CSO API key, for X-CSO-API-KEY (repeatable)')
        .env('ROSTER_CSO_API_KEY')
        .argParser(collect),
    )
    .addOption(
      new Option('--flatfile-interval <duration>', 'how often to load CSV files dropped over SFTP: 5m, 30s, 1s')
        .env('ROSTER_FLATFILE_INTERVAL')
        .default('5m'),
    )
    .addOption(
      new Option('--request-timeout <seconds>', 'longest a request (headers and body) may take to arrive; then 408')
        .env('ROSTER_REQUEST_TIMEOUT')
        .default(String(DEFAULTS.requestTimeout / 1000)),
    );
  addLoaderOptions(addMailOptions(addDataOptions(cmd))).action(async (opts: ServeOptions) => {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got '${opts.port}'`);
    const requestTimeout = parseRequestTimeout(opts.requestTimeout);
    const flatfileInterval = parseDuration('--flatfile-interval', opts.flatfileInterval, 100);
    await serve(
      makeConfig({
        host: opts.host,
        port,
        dataDir: opts.data,
        databaseUrl: opts.databaseUrl,
        apiKeys: opts.apiKey ?? [],
        adminKeys: opts.adminKey ?? [],
        journalSize: parseJournalSize(opts.journalSize),
        responseCache: parseResponseCache(opts.responseCache),
        seedFile: opts.seed,
        logLevel: opts.logLevel,
        rateLimit: parseRateLimit(opts.rateLimit),
        redisUrl: opts.redisUrl,
        reportingCurrency: opts.reportingCurrency.trim().toUpperCase(),
        // A malformed URL stops the start (createMailer, in buildApp) with a message that never repeats it.
        smtpUrl: opts.smtpUrl,
        mailFrom: opts.mailFrom,
        requestTimeout,
        sftpPort: parseSftpPort(opts.sftpPort),
        csoPort: parseListenerPort('--cso-port', opts.csoPort),
        csoApiKeys: opts.csoApiKey ?? [],
        flatfileInterval,
        ...loaderSettings(opts),
        notifyEmails: opts.notifyEmail ?? [],
      }),
      logStreamFor(chooseLogFormat(opts.logFormat, process.stdout.isTTY)),
    );
  });
}
