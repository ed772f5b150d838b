import { Command } from 'commander';
import { clientsCommand, keysCommand } from './credentials.js';
import { addExamples } from './examples.js';
import { flatfileCommand } from './flatfile.js';
import { mailCommand } from './mail.js';
import { resetCommand } from './reset.js';
import { seedCommand } from './seed.js';
import { serveCommand } from './serve.js';
import { sftpUsersCommand } from './sftp-users.js';
import { syncCommand } from './sync.js';
import { usersCommand } from './users.js';
import { rosterVersion } from './version.js';

/** The `roster` command line, every command on it; main.ts parses process.argv with it, tests run it in-process. */
export function buildProgram(): Command {
  const program = new Command()
    .name('roster')
    .description("Roster: a self-hostable server that speaks Coupa's people APIs.")
    .version(rosterVersion(), '-V, --version', 'print the version')
    .showHelpAfterError();
  serveCommand(program);
  seedCommand(program);
  clientsCommand(program);
  keysCommand(program);
  mailCommand(program);
  resetCommand(program);
  flatfileCommand(program);
  usersCommand(program);
  sftpUsersCommand(program);
  syncCommand(program);
  // Last, so every command is there to get its examples.
  addExamples(program);
  return program;
}

/**
 * What `roster` prints on stderr, before exiting with 1, when a command fails. Commander's own
 * errors (a missing option, an unknown command) it prints itself, and exits.
 */
export const failureMessage = (err: unknown): string => `roster: ${err instanceof Error ? err.message : String(err)}\n`;
