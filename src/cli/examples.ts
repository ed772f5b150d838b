import type { Command } from 'commander';

/**
 * The examples each command's `--help` ends with, by command path (`keys create`; `''` is
 * `roster` itself): each one a `# what it does` line and the command, as a reader types it
 * from the project's folder. `roster sync` keeps its own (sync.ts). test/first-hour.test.ts
 * checks that every command has one and that each parses.
 */
export const EXAMPLES: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  '': [
    ['serve the APIs on http://127.0.0.1:3000, data in ./data', 'npx roster serve'],
    ['a key for the core API, on the data the server uses', 'npx roster keys create --name me --data ./data'],
  ],
  serve: [
    [
      'SQLite in ./data, on port 3000, with a key of your own',
      'npx roster serve --data ./data --port 3000 --api-key my-own-key-0123456789',
    ],
    ['on PostgreSQL', 'npx roster serve --database-url postgres://roster@127.0.0.1:5432/roster'],
  ],
  seed: [
    ['the small fixed demo set: USER_TEST and 24 more users, 10 workers', 'npx roster seed --demo --data ./data'],
    [
      '1,000 users and 100 workers, the same ones every time',
      'npx roster seed --users 1000 --workers 100 --random-seed 1 --data ./data',
    ],
  ],
  reset: [['back to a fresh start, keys and clients kept', 'npx roster reset --data ./data']],
  clients: [
    [
      'an OAuth 2.0 client (prints its id and secret)',
      'npx roster clients create --name "HR sync" --scopes "core.user.read core.user.write"',
    ],
  ],
  'clients create': [
    [
      'an OAuth 2.0 client that may read and write users',
      'npx roster clients create --name "HR sync" --scopes "core.user.read core.user.write"',
    ],
  ],
  'clients list': [['the clients of the server on ./data', 'npx roster clients list --data ./data']],
  'clients revoke': [['revoke a client and its tokens', 'npx roster clients revoke HR-sync-client']],
  keys: [['a key for the core API (X-COUPA-API-KEY)', 'npx roster keys create --name me']],
  'keys create': [
    [
      'a read-only key for the core API',
      'npx roster keys create --name "nightly export" --scopes "core.user.read" --data ./data',
    ],
    ['a CSO key (X-CSO-API-KEY); --api admin makes one for /_roster/', 'npx roster keys create --name cso --api cso'],
  ],
  'keys list': [['the keys (never the keys themselves)', 'npx roster keys list --data ./data']],
  'keys revoke': [['revoke key 2 (its id in `keys list`)', 'npx roster keys revoke 2']],
  mail: [['the invitations sent to one address', 'npx roster mail list --to test.worker@fieldqa.example']],
  'mail list': [['the invitations sent to one address', 'npx roster mail list --to test.worker@fieldqa.example --data ./data']],
  flatfile: [['load the CSV files waiting in /Incoming/Users now', 'npx roster flatfile run --data ./data']],
  'flatfile run': [['load the CSV files waiting in /Incoming/Users now', 'npx roster flatfile run --data ./data']],
  users: [
    ['a password to sign in to /data_sources with', "npx roster users set-password ada --password 'correct horse battery'"],
  ],
  'users set-password': [
    ['a password to sign in to /data_sources with', "npx roster users set-password ada --password 'correct horse battery'"],
  ],
  'sftp-users': [
    ['an SFTP account with a password', "npx roster sftp-users create --name acme-hr --password 'a long passphrase'"],
  ],
  'sftp-users create': [
    ['an SFTP account with a password', "npx roster sftp-users create --name acme-hr --password 'a long passphrase'"],
    ['one that signs in with an SSH key', 'npx roster sftp-users create --name acme-key --public-key ~/.ssh/id_ed25519.pub'],
  ],
  'sftp-users list': [['the SFTP accounts (never their passwords)', 'npx roster sftp-users list --data ./data']],
  'sftp-users revoke': [['an account that signs in no more', 'npx roster sftp-users revoke acme-hr']],
};

/** The help text of a command's examples. */
export function examplesText(examples: readonly (readonly [string, string])[]): string {
  const lines = examples.flatMap(([what, command], i) => [...(i > 0 ? [''] : []), `  # ${what}`, `  $ ${command}`]);
  return `\n${examples.length === 1 ? 'Example' : 'Examples'}:\n${lines.join('\n')}\n`;
}

/** The path of a command under the program: `keys create`; `''` for the program. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c = cmd; c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Ends the help of every command listed in EXAMPLES with its examples. */
export function addExamples(program: Command): void {
  const visit = (cmd: Command): void => {
    const examples = EXAMPLES[commandPath(cmd)];
    if (examples) cmd.addHelpText('after', examplesText(examples));
    cmd.commands.forEach(visit);
  };
  visit(program);
}
