import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dbSnapshot, expectError } from './helpers/api.js';
import { runBinary, runInProcess, startServer, tempDir, type Served } from './helpers/cli.js';
import { DIALECTS } from './helpers/dialects.js';
import { closedPort, startInbox, type Inbox } from './helpers/smtp.js';
import { JSON_IO, makeTestApp, type TestApp } from './helpers/test-app.js';

type Json = Record<string, unknown>;
const ACCEPT_JSON = { accept: 'application/json' };
const FROM = 'Roster QA <qa@roster.example>';

const worker = (emails: Json[]): Json => ({
  'first-name': 'Ada',
  'last-name': 'Lovelace',
  'date-of-birth': '1990-12-10',
  'gender-code': 'f',
  'total-experience-in-years': '12.5',
  supplier: { name: 'Acme Staffing' },
  'worker-emails': emails,
});

interface RecordedMail {
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly time: string;
  readonly accepted: boolean;
  readonly error: string | null;
}

for (const dialect of DIALECTS) {
  describe(`invite_worker on ${dialect.name}`, () => {
    let t: TestApp;
    let inbox: Inbox;
    beforeEach(async () => {
      inbox = await startInbox();
      t = await makeTestApp(dialect, { smtpUrl: `smtp://127.0.0.1:${inbox.port}`, mailFrom: FROM });
    });
    afterEach(async () => {
      await t.close();
      await inbox.close();
    });

    const create = async (emails: Json[]): Promise<number> => {
      const res = await t.request({ method: 'POST', url: '/api/workers', headers: JSON_IO, payload: worker(emails) });
      expect(res.statusCode, res.body).toBe(201);
      return (JSON.parse(res.body) as { id: number }).id;
    };
    const invite = (id: number, extra: Json = {}) =>
      t.request({ method: 'POST', url: `/api/workers/${id}/invite_worker`, headers: ACCEPT_JSON, ...extra });
    const recorded = async (): Promise<Json[]> =>
      await t.store.db.selectFrom('mail_messages').selectAll().orderBy('id').execute();

    it('sends the invitation to the work e-mail through SMTP, records it, and marks the worker Invited', async () => {
      const id = await create([
        { 'email-address': 'ada@home.example', 'email-type': 'personal' },
        { 'email-address': 'ada@acme.example', 'email-type': 'work' },
      ]);
      const res = await invite(id);
      expect(res.statusCode, res.body).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ id, 'portal-access': 'Invited', 'first-name': 'Ada' });
      const [mail] = inbox.received;
      expect(inbox.received).toHaveLength(1);
      expect(mail?.to).toMatchObject({ text: 'ada@acme.example' });
      expect(mail?.from).toMatchObject({ text: '"Roster QA" <qa@roster.example>' });
      expect(mail?.subject).toBe("You're invited to the Coupa Supplier Portal");
      expect(mail?.text).toContain('Hello Ada Lovelace,');
      expect(mail?.text).toContain('Acme Staffing Ltd. has invited you');
      expect(mail?.text).toContain('https://supplier.coupahost.com');
      const rows = await recorded();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ to_address: 'ada@acme.example', subject: mail?.subject });
      expect(rows[0]?.['error']).toBeNull();
      // Shown again, the worker stays invited.
      const shown = await t.request({ method: 'GET', url: `/api/workers/${id}`, headers: ACCEPT_JSON });
      expect(JSON.parse(shown.body)).toMatchObject({ 'portal-access': 'Invited' });
    });

    it('takes whatever body a client sends with the action (none, empty JSON, a document) and ignores it', async () => {
      const id = await create([{ 'email-address': 'ada@acme.example', 'email-type': 'work' }]);
      const bodies = [
        {},
        { headers: { 'content-type': 'application/json', accept: 'application/xml' }, payload: '' },
        { headers: { 'content-type': 'application/json', accept: 'application/xml' }, payload: '{"first-name": 7}' },
        { headers: { 'content-type': 'application/xml' }, payload: '<worker><unclosed>' },
      ];
      for (const extra of bodies) {
        const res = await t.request({ method: 'POST', url: `/api/workers/${id}/invite_worker`, ...extra });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.body).toContain('<portal-access>Invited</portal-access>');
      }
      // Each invitation is sent again: the portal resends an invitation.
      expect(inbox.received).toHaveLength(bodies.length);
    });

    it('refuses a worker without e-mail, or already registered, and sends and changes nothing', async () => {
      const none = await create([]);
      const before = await dbSnapshot(t.store, 'workers');
      expectError(await invite(none), 'validation_failed', ['Worker emails must exist to invite the worker'], {
        resource: 'worker',
      });
      const registered = await create([{ 'email-address': 'reg@acme.example' }]);
      await t.store.db.updateTable('workers').set({ portal_access: 'Registered' }).where('id', '=', registered).execute();
      const snapshot = await dbSnapshot(t.store, 'workers');
      expectError(await invite(registered), 'validation_failed', ['Worker is already registered on the supplier portal'], {
        resource: 'worker',
      });
      expect(await dbSnapshot(t.store, 'workers')).toEqual(snapshot);
      expect((await dbSnapshot(t.store, 'workers'))['mail_messages']).toEqual(before['mail_messages']);
      expect(inbox.received).toHaveLength(0);
      expectError(await invite(99), 'not_found', ["Couldn't find Worker with 'id'=99"], { resource: 'worker' });
    });

    it('still invites when SMTP refuses or is down, and records why the message was not accepted', async () => {
      const id = await create([{ 'email-address': 'ada@acme.example', 'email-type': 'work' }]);
      await t.close();
      t = await makeTestApp(dialect, { smtpUrl: `smtp://127.0.0.1:${await closedPort()}` });
      const again = await t.request({
        method: 'POST',
        url: '/api/workers',
        headers: JSON_IO,
        payload: worker([{ 'email-address': 'x@acme.example' }]),
      });
      const res = await invite((JSON.parse(again.body) as { id: number }).id);
      expect(res.statusCode, res.body).toBe(200);
      const [row] = await recorded();
      expect(row).toMatchObject({ to_address: 'x@acme.example' });
      expect(String(row?.['error'])).toMatch(/ECONNREFUSED/);
      expect(id).toBeGreaterThan(0);
    });
  });
}

describe('roster serve --smtp-url and roster mail list, as processes', () => {
  let inbox: Inbox;
  let served: Served;
  let data: string;
  const key = 'mail-process-key-0123456789';
  beforeAll(async () => {
    inbox = await startInbox();
    data = tempDir();
    served = await startServer(['--data', data, '--api-key', key], {
      ROSTER_SMTP_URL: `smtp://127.0.0.1:${inbox.port}`,
      ROSTER_MAIL_FROM: FROM,
    });
  }, 30_000);
  afterAll(async () => {
    await served.stop();
    await inbox.close();
  });

  it('delivers an invitation through the SMTP server and lists it', async () => {
    const headers = { 'x-coupa-api-key': key, 'content-type': 'application/json', accept: 'application/json' };
    const created = await fetch(`${served.url}/api/workers`, {
      method: 'POST',
      headers,
      body: JSON.stringify(worker([{ 'email-address': 'grace@acme.example', 'email-type': 'work' }])),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const invited = await fetch(`${served.url}/api/workers/${id}/invite_worker`, { method: 'POST', headers });
    expect(invited.status).toBe(200);
    expect(inbox.received.map((m) => m.subject)).toEqual(["You're invited to the Coupa Supplier Portal"]);

    const listed = await runBinary('mail', 'list', '--data', data);
    expect(listed.code, listed.stderr).toBe(0);
    const mails = JSON.parse(listed.stdout) as RecordedMail[];
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: 'grace@acme.example', from: FROM, accepted: true, error: null });
    expect(Date.parse(mails[0]?.time ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const filtered = await runInProcess('mail', 'list', '--data', data, '--to', 'nobody@acme.example');
    expect(JSON.parse(filtered.stdout)).toEqual([]);
  });

  it('refuses to start with a malformed --smtp-url, without repeating it', async () => {
    const run = await runBinary('serve', '--port', '0', '--data', tempDir(), '--smtp-url', 'smtp://user:s3cret@host/path');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^roster: invalid SMTP URL/);
    expect(run.stderr).not.toContain('s3cret');
  });
});
