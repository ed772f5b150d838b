import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { makeConfig } from '../config.js';
import { isRosterError } from '../domain/errors.js';
import { checkNewAccount, SftpAccountService, type NewSftpAccount, type SftpAccount } from '../domain/sftp-accounts.js';
import type { Store } from '../store/database.js';
import { SftpAccountRepository } from '../store/sftp-account-repository.js';
import { addDataOptions, openDataStore, type DataOptions } from './options.js';

/** SFTP accounts over a store, for the commands and tests. */
export const sftpAccountService = (store: Store): SftpAccountService => new SftpAccountService(new SftpAccountRepository(store));

/** An account as the commands print it (JSON, snake_case as the other commands): never a secret. */
function printed(account: SftpAccount): Record<string, unknown> {
  return {
    name: account.name,
    password: account.hasPassword,
    public_keys: account.publicKeys.map((k) => ({ type: k.type, fingerprint: k.fingerprint, comment: k.comment })),
    created_at: account.createdAt,
    revoked_at: account.revokedAt,
  };
}

/** A domain refusal (a taken name, a short password, a private key given) is the user's to fix: said plainly. */
const plainly = (err: unknown): unknown => (isRosterError(err) ? new Error(err.messages.join('; ')) : err);

/** Opens the same data `serve` uses (also while it runs), runs `body`, prints its JSON result. */
async function withAccounts(opts: DataOptions, body: (accounts: SftpAccountService) => Promise<unknown>): Promise<void> {
  const config = makeConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl, seedFile: opts.seed });
  const { store } = await openDataStore(config);
  try {
    process.stdout.write(`${JSON.stringify(await body(sftpAccountService(store)), null, 2)}\n`);
  } catch (err) {
    throw plainly(err);
  } finally {
    await store.close();
  }
}

/** Reads a public key file given on the command line; a missing or unreadable file is said plainly. */
async function readKeyFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read the public key file ${file}${code === undefined ? '' : ` (${code})`}`);
  }
}

/** `roster sftp-users create | list | revoke`: the accounts that sign in to the SFTP server. */
export function sftpUsersCommand(program: Command): void {
  const users = program.command('sftp-users').description('accounts for the SFTP server (a password and/or SSH public keys)');
  addDataOptions(
    users
      .command('create')
      .description('create an account; give --password, --public-key, or both')
      .addOption(new Option('--name <name>', 'the SSH user name it signs in with').makeOptionMandatory())
      .addOption(new Option('--password <password>', 'a password (12+ characters; only its scrypt digest is stored)'))
      .addOption(new Option('--public-key <file>', 'an OpenSSH public key file (id_ed25519.pub; one key a line)')),
  ).action(async (opts: DataOptions & { name: string; password?: string; publicKey?: string }) => {
    const publicKeys = opts.publicKey === undefined ? undefined : await readKeyFile(opts.publicKey);
    const account: NewSftpAccount = {
      name: opts.name,
      ...(opts.password === undefined ? {} : { password: opts.password }),
      ...(publicKeys === undefined ? {} : { publicKeys, keySource: opts.publicKey }),
    };
    // Refused before the database is opened: at once, and without migrating anything.
    try {
      checkNewAccount(account);
    } catch (err) {
      throw plainly(err);
    }
    await withAccounts(opts, async (accounts) => printed(await accounts.create(account)));
  });
  addDataOptions(users.command('list').description('list accounts (never their passwords)')).action((opts: DataOptions) =>
    withAccounts(opts, async (accounts) => (await accounts.list()).map(printed)),
  );
  addDataOptions(users.command('revoke').description('revoke an account: it signs in no more').argument('<name>')).action(
    (name: string, opts: DataOptions) =>
      withAccounts(opts, async (accounts) => {
        if (!(await accounts.revoke(name))) throw new Error(`SFTP account ${name} not found, or already revoked`);
        return { name, revoked: true };
      }),
  );
}
