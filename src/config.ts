import path from 'node:path';
import { DEFAULT_RATE_LIMIT, type RateLimit } from './domain/rate-limit.js';

/** Everything `roster serve` can be told, from flags or their environment twins. */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** A `postgres://` URL selects PostgreSQL; unset means SQLite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Full-access API keys to accept (stored hashed on start). */
  readonly apiKeys: readonly string[];
  /** Reference-data fixture (JSON or YAML) loaded at start. */
  readonly seedFile: string | undefined;
  /** Largest request body, in bytes. */
  readonly bodyLimit: number;
  /** Largest avatar upload, in bytes. */
  readonly avatarLimit: number;
  /** Largest attachment upload (a worker document's file), in bytes. */
  readonly attachmentLimit: number;
  /**
   * Longest a request may take to arrive whole (headers and body), in ms; past it, a 408 and the
   * connection closed. The headers alone get at most 10 s (`http/client-errors.ts`). 0 turns both off.
   */
  readonly requestTimeout: number;
  readonly logLevel: string;
  /** Per-client limit; null turns limiting off. */
  readonly rateLimit: RateLimit | null;
  /** Redis for rate-limit buckets shared by several processes; else the database (PostgreSQL) or memory. */
  readonly redisUrl: string | undefined;
  /** ISO 4217 code of the instance's reporting currency: a new user's `default-currency` when none is sent. */
  readonly reportingCurrency: string;
  /** `smtp://host:port` (or `smtps://`, with `user:pass@`) to send mail through; unset, mail is only recorded. */
  readonly smtpUrl: string | undefined;
  /** The sender of every message Roster sends (worker invitations). */
  readonly mailFrom: string;
  /** The supplier portal an invitation sends a worker to. */
  readonly portalUrl: string;
  /** The SFTP server's port (0: any free port); null turns it off. */
  readonly sftpPort: number | null;
  /** The CSO API's own listener (0: any free port); null turns it off (it is still under `/cso` on `port`). */
  readonly csoPort: number | null;
  /** CSO API keys accepted from the command line (`--cso-api-key`), beside those created with `roster keys create --api cso`. */
  readonly csoApiKeys: readonly string[];
  /** How often the flat-file loader looks for files, in ms (Coupa: every few minutes). */
  readonly flatfileInterval: number;
  /** Most data rows of one flat file (Coupa: 5,000). */
  readonly flatfileMaxRows: number;
  /** Largest flat file, in bytes (Coupa: 8 MB); over SFTP and `load_file` alike. */
  readonly flatfileLimit: number;
  /** How long a load a stopped process had claimed waits before another process takes it over, in ms. */
  readonly jobLease: number;
  /** Integration contacts: e-mailed when a flat file fails (Coupa's admin notification). */
  readonly notifyEmails: readonly string[];
  /** Admin keys accepted from the command line (`--admin-key`): they open the controls (`/_roster/…`). */
  readonly adminKeys: readonly string[];
  /** Requests the journal keeps per process (`/_roster/requests`); 0 turns it off. */
  readonly journalSize: number;
  /** Bytes of rendered responses kept per process (render/response-cache.ts); 0 turns the cache off. */
  readonly responseCache: number;
}

export const DEFAULTS: Config = {
  host: '127.0.0.1',
  port: 3000,
  dataDir: './data',
  databaseUrl: undefined,
  apiKeys: [],
  seedFile: undefined,
  bodyLimit: 1024 * 1024,
  avatarLimit: 2 * 1024 * 1024,
  attachmentLimit: 10 * 1024 * 1024,
  requestTimeout: 60_000,
  logLevel: 'info',
  rateLimit: DEFAULT_RATE_LIMIT,
  redisUrl: undefined,
  reportingCurrency: 'USD',
  smtpUrl: undefined,
  mailFrom: 'Coupa <do_not_reply@roster.localhost>',
  // Coupa's supplier portal, where an invited worker registers.
  portalUrl: 'https://supplier.coupahost.com',
  sftpPort: 2222,
  csoPort: 3001,
  csoApiKeys: [],
  flatfileInterval: 5 * 60_000,
  flatfileMaxRows: 5000,
  flatfileLimit: 8 * 1024 * 1024,
  jobLease: 30_000,
  notifyEmails: [],
  adminKeys: [],
  journalSize: 1000,
  responseCache: 32 * 1024 * 1024,
};

export function makeConfig(overrides: Partial<Config> = {}): Config {
  return { ...DEFAULTS, ...overrides };
}

export const sqliteFile = (config: Config): string => path.join(config.dataDir, 'roster.sqlite');
