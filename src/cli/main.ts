#!/usr/bin/env node
import { Command } from 'commander';
import { clientsCommand, keysCommand } from './credentials.js';
import { seedCommand } from './seed.js';
import { serveCommand } from './serve.js';

const program = new Command()
  .name('roster')
  .description("Roster: a self-hostable server that speaks Coupa's people APIs.")
  .showHelpAfterError();

serveCommand(program);
seedCommand(program);
clientsCommand(program);
keysCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`roster: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
