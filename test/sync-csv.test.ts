import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followLoads, type ApiGet } from '../src/sync/csv/data-file-sources.js';
import { parseSftpUrl, uploadFiles, type SftpTarget } from '../src/sync/csv/sftp-upload.js';
import { usersCsvColumn, writeUsersCsv, type CsvFile, type CsvUserRow } from '../src/sync/csv/users-csv.js';
import { SyncFatalError } from '../src/sync/types.js';
import { runBinary, startServer, tempDir, type Served } from './helpers/cli.js';

/**
 * `roster sync --via csv`'s parts: the Users Import CSV writer, the SFTP upload and the following
 * of loads through the Data File Sources API; then all three against a real `roster serve`
 * (its SFTP server, its loader every second, its API), as they would run against Coupa.
 */

/** A file's records, the header first, as Roster's loader (and csv-parse) reads them. */
const records = (file: CsvFile): string[][] => {
  const read: unknown = parse(file.data);
  return read as string[][];
};

describe('usersCsvColumn', () => {
  it("names Coupa's Users Import columns for the sync mapping's element paths", () => {
    const elements = ['login', 'email', 'firstname', 'lastname', 'middlename', 'employee-number', 'active', 'department.name'];
    expect(elements.map(usersCsvColumn)).toEqual([
      'Login',
      'Email',
      'First Name',
      'Last Name',
      'Middle Name',
      'Employee Number',
      'Status',
      'Department',
    ]);
    expect(
      ['phone-work', 'phone-mobile', 'sso-identifier', 'authentication-method', 'purchasing-user', 'aic-user', 'ccw-user'].map(
        usersCsvColumn,
      ),
    ).toEqual([
      'Phone Work',
      'Phone Mobile',
      'Sso Identifier',
      'Authentication Method',
      'Purchasing User',
      'AI Classification User',
      'Contingent Workforce User',
    ]);
    expect(
      ['department', 'default-currency.code', 'roles', 'user-groups', 'work-confirmation-approval-limit'].map(usersCsvColumn),
    ).toEqual(['Department', 'Default Currency', 'User Role Names', 'Groups', 'Service/Time Sheets Approval Limit']);
    // Unknown elements, read-only ones, and associations by anything but their natural key.
    expect(['nope', 'id', 'api-user', 'fullname', 'department.id', 'default-currency.name', ''].map(usersCsvColumn)).toEqual(
      Array.from({ length: 7 }, () => undefined),
    );
  });
});

describe('writeUsersCsv', () => {
  it('writes the key column first, then the union of the elements in first-seen order; unchanged cells empty', () => {
    const rows: CsvUserRow[] = [
      { key: 'ana', values: { lastname: 'Smith', active: 'false' } },
      { key: 'ben', values: { email: 'ben@example.com', lastname: 'Jones', 'purchasing-user': 'true' } },
      { key: 'cy', values: { 'department.name': 'Finance', 'purchasing-user': 'false', active: 'true' } },
    ];
    const [file, ...rest] = writeUsersCsv(rows, 'login', { baseName: 'roster-sync-20261207T100000Z' });
    expect(rest).toEqual([]);
    expect(file?.name).toBe('roster-sync-20261207T100000Z-1.csv');
    expect(file?.keys).toEqual(['ana', 'ben', 'cy']);
    expect(file?.data.toString('utf8')).toBe(
      [
        'Login,Last Name,Status,Email,Purchasing User,Department',
        'ana,Smith,inactive,,,',
        'ben,Jones,,ben@example.com,Yes,',
        'cy,,active,,No,Finance',
        '',
      ].join('\r\n'),
    );
  });

  it('keys by Employee Number, writing Login as any other column; an Id column when rows carry ids', () => {
    const rows: CsvUserRow[] = [
      { key: 'E-1', id: 41, values: { 'employee-number': 'E-1', login: 'new.login' } },
      { key: 'E-2', values: { firstname: 'New', login: 'newbie', email: 'n@example.com', lastname: 'Person' } },
    ];
    const [file] = writeUsersCsv(rows, 'employee-number', { baseName: 'b' });
    expect(file && records(file)).toEqual([
      ['Employee Number', 'Id', 'Login', 'First Name', 'Email', 'Last Name'],
      ['E-1', '41', 'new.login', '', '', ''],
      ['E-2', '', 'newbie', 'New', 'n@example.com', 'Person'],
    ]);
  });

  it('quotes only the fields that need it (commas, quotes, line breaks), UTF-8 without a BOM, CRLF', () => {
    const awkward = {
      comma: 'Smith, Jr.',
      quote: 'the "Boss"',
      newline: 'two\nlines',
      cr: 'carriage\rreturn',
      accents: 'Ñúñez Ørsted 山田',
      spaces: 'plain text',
    };
    const rows: CsvUserRow[] = Object.entries(awkward).map(([key, lastname]) => ({ key, values: { lastname } }));
    const [file] = writeUsersCsv(rows, 'login', { baseName: 'q' });
    if (!file) throw new Error('no file');
    expect([...file.data.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    const raw = file.data.toString('utf8');
    expect(Buffer.from(raw, 'utf8')).toEqual(file.data);
    expect(raw).toContain('comma,"Smith, Jr."\r\n');
    expect(raw).toContain('quote,"the ""Boss"""\r\n');
    expect(raw).toContain('newline,"two\nlines"\r\n');
    expect(raw).toContain('cr,"carriage\rreturn"\r\n');
    expect(raw).toContain('accents,Ñúñez Ørsted 山田\r\n');
    expect(raw).toContain('spaces,plain text\r\n');
    // Read back, each row is one record in key order (an upload error's row r is keys[r - 2]).
    const read = records(file);
    expect(read.slice(1).map((r) => r[0])).toEqual(file.keys);
    expect(read.slice(1).map((r) => r[1])).toEqual(Object.values(awkward));
  });

  it('splits at maxRows (5,000 by default), the keys aligned with each file', () => {
    const rows: CsvUserRow[] = Array.from({ length: 5001 }, (_, i) => ({ key: `user${i}`, values: { lastname: `Last ${i}` } }));
    const files = writeUsersCsv(rows, 'login', { baseName: 'big' });
    expect(files.map((f) => [f.name, f.keys.length])).toEqual([
      ['big-1.csv', 5000],
      ['big-2.csv', 1],
    ]);
    for (const file of files) {
      const [header, ...data] = records(file);
      expect(header).toEqual(['Login', 'Last Name']);
      expect(data.map((r) => r[0])).toEqual(file.keys);
    }
    expect(files[1]?.keys).toEqual(['user5000']);
    const small = writeUsersCsv(rows.slice(0, 5), 'login', { baseName: 's', maxRows: 2 });
    expect(small.map((f) => f.keys)).toEqual([['user0', 'user1'], ['user2', 'user3'], ['user4']]);
    expect(writeUsersCsv([], 'login', { baseName: 'none' })).toEqual([]);
  });

  it('splits at maxBytes too, and refuses a row that cannot fit', () => {
    const rows: CsvUserRow[] = Array.from({ length: 10 }, (_, i) => ({ key: `u${i}`, values: { lastname: 'x'.repeat(30) } }));
    const files = writeUsersCsv(rows, 'login', { baseName: 'b', maxBytes: 120 });
    expect(files.length).toBeGreaterThan(1);
    expect(files.every((f) => f.data.length <= 120)).toBe(true);
    expect(files.flatMap((f) => f.keys)).toEqual(rows.map((r) => r.key));
    expect(() => writeUsersCsv(rows, 'login', { baseName: 'b', maxBytes: 40 })).toThrow(SyncFatalError);
  });

  it('refuses an element with no Users Import column, two elements of one column, and an empty key', () => {
    expect(() => writeUsersCsv([{ key: 'a', values: { 'favourite-colour': 'blue' } }], 'login', { baseName: 'b' })).toThrow(
      /no column for the user element favourite-colour/,
    );
    expect(() =>
      writeUsersCsv([{ key: 'a', values: { department: 'X', 'department.name': 'Y' } }], 'login', { baseName: 'b' }),
    ).toThrow(/department and department.name both write the column Department/);
    expect(() => writeUsersCsv([{ key: ' ', values: {} }], 'login', { baseName: 'b' })).toThrow(SyncFatalError);
  });
});

describe('parseSftpUrl', () => {
  it('reads user, password, host and port, percent-decoded, port 22 by default', () => {
    expect(parseSftpUrl('sftp://acme-hr@sftp.example.com')).toEqual({ host: 'sftp.example.com', port: 22, username: 'acme-hr' });
    expect(parseSftpUrl('sftp://a%40b:p%3Aw%40rd%20x@example.com:2222/')).toEqual({
      host: 'example.com',
      port: 2222,
      username: 'a@b',
      password: 'p:w@rd x',
    });
    expect(parseSftpUrl('sftp://u:pw@[::1]:2200')).toEqual({ host: '::1', port: 2200, username: 'u', password: 'pw' });
    expect(parseSftpUrl('sftp://u@127.0.0.1:2222')).toMatchObject({ host: '127.0.0.1', port: 2222 });
  });

  it.each([
    ['http://u:s3cr3t@host', /must start with sftp:\/\//],
    ['sftp://host', /no user name/],
    ['sftp://:s3cr3t@host', /no user name/],
    ['sftp://u:s3cr3t@host/Incoming/Users', /may not have a path/],
    ['sftp://u:s3cr3t@host?x=1', /query or a fragment/],
    ['sftp://u:s3cr3t@host:0', /port must be from 1 to 65535/],
    ['sftp://u:s3cr3t@host:99999', /not a URL/],
    ['sftp://u:s3cr3t%E0%A4%A@host', /password is not valid percent-encoding/],
    ['s3cr3t', /not a URL/],
    ['sftp:///s3cr3t', /no host/],
  ])('refuses %s without echoing the password', (url, message) => {
    let caught: unknown;
    try {
      parseSftpUrl(url);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SyncFatalError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('s3cr3t');
  });
});

describe('followLoads (a scripted API)', () => {
  /** A `get` answering from `answer`, and the calls it had. */
  const scripted = (answer: (path: string, query: Readonly<Record<string, string>>, n: number) => unknown) => {
    const calls: string[] = [];
    const get: ApiGet = (path, query) => {
      calls.push(`${path}${query['file-file-name'] === undefined ? '' : `?${query['file-file-name']}`}`);
      return Promise.resolve().then(() => answer(path, query, calls.length));
    };
    return { get, calls };
  };

  it('waits through Pending and Loading; takes the newest source of a name; reads errors from the show when the index has none', async () => {
    const { get, calls } = scripted((path, _query, n) => {
      if (path === '/api/data_file_sources/12') {
        return {
          id: 12,
          'upload-errors': [{ row: 3, 'field-with-error': 'Email', value: 'bad', 'field-errors': 'Email is invalid' }],
        };
      }
      const status = n < 2 ? 'Pending' : n < 3 ? 'Loading' : 'Done';
      return [
        { id: 3, 'file-file-name': 'a.csv', status: 'Done', 'result-text': 'an old load', 'upload-errors-count': 0 },
        {
          id: 12,
          'file-file-name': 'a.csv',
          status,
          'result-text': '2 rows processed, creating 0 new rows and updating 1 rows. 1 row has errors.',
          'records-count': 2,
          'records-updated': 1,
          'upload-errors-count': 1,
        },
      ];
    });
    const [outcome] = await followLoads(get, ['a.csv'], { pollMs: 5, timeoutMs: 2000 });
    expect(outcome).toEqual({
      fileName: 'a.csv',
      status: 'Done',
      id: 12,
      resultText: '2 rows processed, creating 0 new rows and updating 1 rows. 1 row has errors.',
      errors: [{ row: 3, field: 'Email', value: 'bad', message: 'Email is invalid' }],
      counts: { records: 2, created: 0, updated: 1, errors: 1 },
    });
    expect(calls).toEqual([
      '/api/data_file_sources?a.csv',
      '/api/data_file_sources?a.csv',
      '/api/data_file_sources?a.csv',
      '/api/data_file_sources/12',
    ]);
  });

  it('reports a Failed load with its reason, and times out on one never seen or never finished', async () => {
    const { get } = scripted((_path, query) => {
      const name = query['file-file-name'];
      if (name === 'failed.csv') return [{ id: 1, 'file-file-name': name, status: 'Failed', 'result-text': 'The file is empty' }];
      if (name === 'stuck.csv') return [{ id: 2, 'file-file-name': name, status: 'Pending' }];
      return [];
    });
    const outcomes = await followLoads(get, ['failed.csv', 'stuck.csv', 'never.csv'], { pollMs: 10, timeoutMs: 60 });
    expect(outcomes).toEqual([
      {
        fileName: 'failed.csv',
        status: 'Failed',
        id: 1,
        resultText: 'The file is empty',
        errors: [],
        counts: { records: 0, created: 0, updated: 0, errors: 0 },
      },
      { fileName: 'stuck.csv', status: 'timed out', id: 2, resultText: 'The load was still Pending after 60 ms', errors: [] },
      { fileName: 'never.csv', status: 'timed out', resultText: 'No load of never.csv appeared within 60 ms', errors: [] },
    ]);
  });

  it('rides out a failing poll, gives up after three rounds failing, and stops at an abort', async () => {
    let n = 0;
    const flaky: ApiGet = () => {
      n++;
      if (n === 1) return Promise.reject(new Error('503 Service Unavailable'));
      return Promise.resolve([
        { id: 1, 'file-file-name': 'a.csv', status: 'Done', 'upload-errors': [], 'upload-errors-count': 0 },
      ]);
    };
    expect((await followLoads(flaky, ['a.csv'], { pollMs: 5, timeoutMs: 1000 }))[0]?.status).toBe('Done');

    const down: ApiGet = () => Promise.reject(new Error('401 Unauthorized'));
    await expect(followLoads(down, ['a.csv'], { pollMs: 5, timeoutMs: 5000 })).rejects.toThrow(
      new SyncFatalError('Could not follow the loads through /api/data_file_sources: 401 Unauthorized'),
    );

    const pending: ApiGet = () => Promise.resolve([{ id: 1, 'file-file-name': 'a.csv', status: 'Loading' }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted')), 30);
    await expect(followLoads(pending, ['a.csv'], { pollMs: 10, timeoutMs: 5000, signal: controller.signal })).rejects.toThrow(
      'interrupted',
    );
  });
});

describe('against roster serve: SFTP upload, loader, Data File Sources API', () => {
  const PASSWORD = 'a long passphrase, here';
  let served: Served;
  let apiKey: string;
  let sftpPort: number;
  let bannerHostKey: string;
  const KEY_PASSPHRASE = 'key passphrase 7';
  let keyFile: string;

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${served.url}${path}`, {
      method,
      headers: {
        'x-coupa-api-key': apiKey,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: await res.json() };
  };
  const get: ApiGet = async (path, query) => {
    const qs = new URLSearchParams(query).toString();
    const { status, json } = await api('GET', `${path}${qs === '' ? '' : `?${qs}`}`);
    if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
    return json;
  };
  const userWhere = async (query: string): Promise<Record<string, unknown> | undefined> =>
    ((await api('GET', `/api/users?${query}`)).json as Array<Record<string, unknown>>)[0];
  const target = (password = PASSWORD): SftpTarget =>
    parseSftpUrl(`sftp://acme-hr:${encodeURIComponent(password)}@127.0.0.1:${sftpPort}`);

  beforeAll(async () => {
    const data = tempDir();
    served = await startServer(['--data', data, '--flatfile-interval', '1s', '--rate-limit', 'off']);
    sftpPort = Number(/sftp -P (\d+)/.exec(served.banner)?.[1]);
    bannerHostKey = /host key (SHA256:[A-Za-z0-9+/]+)/.exec(served.banner)?.[1] ?? '';
    const scopes = 'core.user.read core.user.write core.integration.read core.integration.write';
    // An encrypted OpenSSH key for a second account, signed in with the key alone.
    keyFile = path.join(tempDir(), 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', KEY_PASSPHRASE, '-C', 'sync-test', '-f', keyFile]);
    const [account, keyAccount, key] = await Promise.all([
      runBinary('sftp-users', 'create', '--name', 'acme-hr', '--password', PASSWORD, '--data', data),
      runBinary('sftp-users', 'create', '--name', 'acme-key', '--public-key', `${keyFile}.pub`, '--data', data),
      runBinary('keys', 'create', '--name', 'sync', '--scopes', scopes, '--data', data),
    ]);
    expect(account.code, account.stderr).toBe(0);
    expect(keyAccount.code, keyAccount.stderr).toBe(0);
    expect(key.code, key.stderr).toBe(0);
    apiKey = (JSON.parse(key.stdout) as { key: string }).key;
  }, 30_000);
  afterAll(async () => {
    await served.stop();
  });

  it('a change, a deactivation, a refused row and an Employee Number key: uploaded, loaded, followed, applied', async () => {
    const people = [
      { login: 'ana.sync', email: 'ana@example.com', firstname: 'Ana', lastname: 'Old' },
      { login: 'ben.sync', email: 'ben@example.com', firstname: 'Ben', lastname: 'Leaving' },
      { login: 'cy.sync', email: 'cy@example.com', firstname: 'Cy', lastname: 'Typo' },
      { login: 'dee.sync', email: 'dee@example.com', firstname: 'Dee', lastname: 'Number', 'employee-number': 'E-100' },
    ];
    for (const person of people) expect((await api('POST', '/api/users', person)).status).toBe(201);

    const newLastname = 'Nouveau-Ñame, "Jr."';
    const byLogin = writeUsersCsv(
      [
        { key: 'ana.sync', values: { lastname: newLastname, 'purchasing-user': 'true' } },
        { key: 'ben.sync', values: { active: 'false' } },
        { key: 'cy.sync', values: { email: 'not-an-email' } },
      ],
      'login',
      { baseName: 'roster-sync-test-login', maxRows: 2 },
    );
    const byNumber = writeUsersCsv(
      [{ key: 'E-100', values: { login: 'dee.renamed', firstname: 'Deirdre' } }],
      'employee-number',
      {
        baseName: 'roster-sync-test-number',
      },
    );
    const files = [...byLogin, ...byNumber];
    expect(files.map((f) => f.name)).toEqual([
      'roster-sync-test-login-1.csv',
      'roster-sync-test-login-2.csv',
      'roster-sync-test-number-1.csv',
    ]);

    const { hostKey } = await uploadFiles(target(), '/Incoming/Users', files);
    expect(hostKey).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(hostKey).toBe(bannerHostKey);

    const outcomes = await followLoads(
      get,
      files.map((f) => f.name),
      { pollMs: 200, timeoutMs: 15_000 },
    );
    expect(outcomes.map((o) => [o.fileName, o.status, o.counts?.updated, o.errors.length])).toEqual([
      ['roster-sync-test-login-1.csv', 'Done', 2, 0],
      ['roster-sync-test-login-2.csv', 'Done', 0, 1],
      ['roster-sync-test-number-1.csv', 'Done', 1, 0],
    ]);
    expect(outcomes[0]?.resultText).toBe('2 rows processed, creating 0 new rows and updating 2 rows.');
    const [refused] = outcomes[1]?.errors ?? [];
    expect(refused).toMatchObject({ row: 2, field: 'Email', value: 'not-an-email' });
    expect(refused?.message).toContain('Email is invalid');
    // The upload error's row names the row's key.
    expect(byLogin[1]?.keys[(refused?.row ?? 0) - 2]).toBe('cy.sync');

    expect(await userWhere('login=ana.sync')).toMatchObject({ lastname: newLastname, 'purchasing-user': true, active: true });
    expect(await userWhere('login=ben.sync')).toMatchObject({ lastname: 'Leaving', active: false });
    expect(await userWhere('login=cy.sync')).toMatchObject({ email: 'cy@example.com' });
    expect(await userWhere('employee-number=E-100')).toMatchObject({
      login: 'dee.renamed',
      firstname: 'Deirdre',
      lastname: 'Number',
    });
  }, 30_000);

  it('refuses a wrong password, a wrong host key and a closed port with SyncFatalError, never showing the password', async () => {
    const wrong = 'not the passphrase 42';
    const file = { name: 'never.csv', data: Buffer.from('Login\r\nx\r\n') };
    const failure = await uploadFiles(target(wrong), '/Incoming/Users', [file]).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(SyncFatalError);
    expect((failure as Error).message).toBe(
      `The SFTP server at 127.0.0.1:${sftpPort} refused the sign-in of acme-hr (wrong password or key)`,
    );
    expect((failure as Error).message).not.toContain(wrong);

    const pinned = await uploadFiles(target(), '/Incoming/Users', [file], { hostKey: 'SHA256:not-this-one' }).catch(
      (err: unknown) => err,
    );
    expect(pinned).toBeInstanceOf(SyncFatalError);
    expect((pinned as Error).message).toContain(`has host key ${bannerHostKey}, not SHA256:not-this-one`);

    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const closed = await uploadFiles({ ...target(), port }, '/Incoming/Users', [file]).catch((err: unknown) => err);
    expect(closed).toBeInstanceOf(SyncFatalError);
    expect((closed as Error).message).toContain('refused the connection');
    expect((closed as Error).message).not.toContain(PASSWORD);
  });

  it('signs in with an encrypted private key and its passphrase', async () => {
    const keyTarget: SftpTarget = {
      host: '127.0.0.1',
      port: sftpPort,
      username: 'acme-key',
      privateKey: readFileSync(keyFile),
      passphrase: KEY_PASSPHRASE,
    };
    const [file] = writeUsersCsv(
      [{ key: 'key.sync', values: { email: 'key@example.com', firstname: 'Kay', lastname: 'Key' } }],
      'login',
      {
        baseName: 'roster-sync-test-key',
      },
    );
    if (!file) throw new Error('no file');
    expect(await uploadFiles(keyTarget, '/Incoming/Users', [file])).toEqual({ hostKey: bannerHostKey });
    const [outcome] = await followLoads(get, [file.name], { pollMs: 200, timeoutMs: 15_000 });
    expect(outcome).toMatchObject({ status: 'Done', counts: { created: 1 }, errors: [] });
    expect(await userWhere('login=key.sync')).toMatchObject({ firstname: 'Kay', active: true });

    const wrong = await uploadFiles({ ...keyTarget, passphrase: 'not it' }, '/Incoming/Users', [file]).catch(
      (err: unknown) => err,
    );
    expect(wrong).toBeInstanceOf(SyncFatalError);
    expect((wrong as Error).message).toMatch(
      /^Cannot sign in to acme-key@127\.0\.0\.1:\d+: Cannot parse privateKey: .*bad passphrase/,
    );
  });

  it('refuses a folder the account may not write, with the server’s reason', async () => {
    const failure = await uploadFiles(target(), '/Incoming/Archive/Users', [
      { name: 'x.csv', data: Buffer.from('Login\r\n') },
    ]).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(SyncFatalError);
    expect((failure as Error).message).toMatch(
      /^Permission denied writing \/Incoming\/Archive\/Users\/\.x\.csv\.part on acme-hr@127\.0\.0\.1:\d+: /,
    );
    expect((failure as Error).message).not.toContain(PASSWORD);
  });
});
