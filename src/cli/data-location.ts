import { existsSync } from 'node:fs';
import { sqliteFile, type Config } from '../config.js';
import { storeOptionsFor, type StoreOptions } from '../store/database.js';

/** The schemes `--database-url` takes: PostgreSQL's two spellings. */
const POSTGRES_SCHEME = /^postgres(ql)?:\/\//;

/**
 * Where a command's data is: PostgreSQL for a `postgres://` URL, else the SQLite file in the
 * data directory. Throws on a URL of another scheme (`mysql://`, `sqlite://`), which would
 * otherwise quietly mean a new SQLite database; the message names the scheme only, never the
 * URL, which may hold a password.
 */
export function storeOptionsOf(config: Config): StoreOptions {
  const url = config.databaseUrl;
  if (url !== undefined && url !== '' && !POSTGRES_SCHEME.test(url)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    const given = scheme === undefined ? 'a value with no scheme' : `a ${scheme}:// URL`;
    throw new Error(
      `--database-url (DATABASE_URL) takes a postgres:// or postgresql:// URL, got ${given}: Roster runs on PostgreSQL or on SQLite (--data DIR, without --database-url)`,
    );
  }
  return storeOptionsFor(url, sqliteFile(config));
}

/**
 * Refuses an SQLite data directory that holds no database, for the commands that administer the
 * data a server already has (keys, clients, mail): a mistyped `--data`, or a command run from
 * another folder than the server's `./data`, would otherwise make an empty database and act on it.
 */
export function requireExistingDatabase(options: StoreOptions, dataDir: string): void {
  if (options.kind !== 'sqlite' || existsSync(options.filename)) return;
  throw new Error(
    `no Roster database in ${dataDir}: start \`npx roster serve --data ${dataDir}\` first, or pass the --data DIR (or ROSTER_DATA) the server uses`,
  );
}

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
const shellWord = (word: string): string => (/^[\w@%+=:,./~-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/**
 * The flags that point another `roster` command at this config's data: `--data DIR`, or
 * `--database-url` with the URL's password left for the reader to fill in (`"$DATABASE_URL"`
 * when the URL came from there), so it is never printed.
 */
export function dataFlags(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  const url = config.databaseUrl;
  if (url === undefined || url === '') return `--data ${shellWord(config.dataDir)}`;
  if (process.env['DATABASE_URL'] === url) return '--database-url "$DATABASE_URL"';
  const shown = new URL(url);
  if (shown.password !== '') shown.password = 'PASSWORD';
  return `--database-url ${shellWord(shown.toString())}`;
}

/**
 * What the banner says of a key API when this start printed no key of it and none was given on
 * the command line: keys exist (made at first start, or by `roster keys create`) and are never
 * shown again, so it says how to make one on this very data.
 */
export function makeKeyHint(config: Pick<Config, 'databaseUrl' | 'dataDir'>, api: 'core' | 'cso' | 'admin'): string {
  const flag = api === 'core' ? '' : ` --api ${api}`;
  return `not shown again (printed only when made); make one: npx roster keys create --name me${flag} ${dataFlags(config)}`;
}
