import { Option, type Command } from 'commander';
import { USERS } from '../catalog/resources/users.js';
import { makeConfig } from '../config.js';
import { Engine } from '../domain/engine.js';
import { isRosterError } from '../domain/errors.js';
import { addDataOptions, openDataStore, type DataOptions } from './options.js';

/**
 * `roster users set-password LOGIN --password P`: the password a Roster user signs in to the
 * pages with (`/session/new`), written as the Users API writes `password` (hashed with
 * scrypt; never printed or logged).
 */
export function usersCommand(program: Command): void {
  const users = program.command('users').description("Roster's users (the Users API's records)");
  addDataOptions(
    users
      .command('set-password')
      .description("set a user's password for signing in to the pages (/data_sources)")
      .argument('<login>')
      .addOption(new Option('--password <password>', 'the new password').makeOptionMandatory()),
  ).action(async (login: string, opts: DataOptions & { password: string }) => {
    const config = makeConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl, seedFile: opts.seed });
    // A user to set a password for exists only in a database a server already has.
    const { store } = await openDataStore(config, { existing: true });
    try {
      const service = Engine.detached(store).service(USERS);
      const id = await service.idByKey(login);
      if (id === undefined) throw new Error(`No user has the login ${login}`);
      const outcome = await service.write({ id, doc: { password: opts.password } }, { name: 'command line', userId: null });
      if (!outcome.ok) throw new Error(outcome.error.messages.join('; '));
      process.stdout.write(`${JSON.stringify({ login, id, password_set: true }, null, 2)}\n`);
    } catch (err) {
      throw isRosterError(err) ? new Error(err.messages.join('; ')) : err;
    } finally {
      await store.close();
    }
  });
}
