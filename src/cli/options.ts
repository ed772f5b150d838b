import { Option, type Command } from 'commander';

/** The database flags every command that touches data shares with `serve`. */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data <dir>', 'data directory for the embedded SQLite database').env('ROSTER_DATA').default('./data'))
    .addOption(new Option('--database-url <url>', 'a postgres:// URL switches from SQLite to PostgreSQL').env('DATABASE_URL'))
    .addOption(
      new Option('--seed <file>', 'JSON or YAML fixture of extra reference data (roles, departments, ...)').env('ROSTER_SEED'),
    );
}

export interface DataOptions {
  readonly data: string;
  readonly databaseUrl?: string;
  readonly seed?: string;
}
