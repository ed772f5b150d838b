import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailRepository } from '../src/store/mail-repository.js';
import { createUser } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { loadCsv } from './helpers/flat-files.js';
import { startInbox, type Inbox } from './helpers/smtp.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Issue 19, notification: "Coupa sends a notification to Coupa Admin on an upload failure"
 * (seeds 002, 003). Every integration contact and every active Admin with an e-mail gets one
 * message per failed load, through a real SMTP server; a clean load sends nothing.
 */
for (const dialect of DIALECTS) {
  describe(`failed-load notices on ${dialect.name}`, () => {
    let t: TestApp;
    let inbox: Inbox;
    beforeEach(async () => {
      inbox = await startInbox();
      t = await makeTestApp(dialect, {
        smtpUrl: `smtp://127.0.0.1:${inbox.port}`,
        mailFrom: 'Coupa <do_not_reply@roster.test>',
        notifyEmails: ['integrations@example.com', 'INTEGRATIONS@example.com'],
      });
      await createUser(t, {
        login: 'admin1',
        email: 'admin1@example.com',
        firstname: 'A',
        lastname: 'One',
        roles: [{ name: 'Admin' }],
      });
      await createUser(t, {
        login: 'admin2',
        email: 'admin2@example.com',
        firstname: 'A',
        lastname: 'Two',
        roles: [{ name: 'Admin' }],
        active: false,
      });
      await createUser(t, { login: 'plain', email: 'plain@example.com', firstname: 'P', lastname: 'Lain' });
    });
    afterEach(async () => {
      await t.close();
      await inbox.close();
    });

    it('a file with upload errors: one message to each contact and active Admin, with the first errors', async () => {
      const source = await loadCsv(t, 'Login,Email,First Name,Last Name\nok_user,ok@example.com,O,K\nbad,not-an-email,B,D\n', {
        filename: 'hr-export.csv',
      });
      expect(source['upload-errors-count']).toBe(1);
      const to = inbox.received.map((m) => (Array.isArray(m.to) ? '' : (m.to?.text ?? ''))).sort();
      expect(to).toEqual(['admin1@example.com', 'integrations@example.com']);
      const [mail] = inbox.received;
      expect(mail?.subject).toBe('Flat file hr-export.csv loaded with 1 error');
      expect(mail?.from?.value[0]?.address).toBe('do_not_reply@roster.test');
      expect(mail?.text).toContain('Status:   Done');
      expect(mail?.text).toContain('Rows:     2 (1 created, 0 updated, 1 with errors)');
      expect(mail?.text).toContain('Row 3 Email "not-an-email": Email is invalid');
      expect(mail?.text).toMatch(new RegExp(`/data_sources/${source.id}\\n`));
      const recorded = await new MailRepository(t.store).list();
      expect(recorded.map((m) => m.accepted)).toEqual([true, true]);
    });

    it('a file refused as a whole says so', async () => {
      await loadCsv(t, 'Last Name\nx\n', { filename: 'no-keys.csv' });
      expect(inbox.received.map((m) => m.subject)).toEqual(['Flat file no-keys.csv failed', 'Flat file no-keys.csv failed']);
      expect(inbox.received[0]?.text).toContain('Result:   The header needs one of the key columns Id, Employee Number, Login');
    });

    it('a clean load sends nothing', async () => {
      const source = await loadCsv(t, 'Login,Last Name\nplain,Renamed\n');
      expect(source.status).toBe('Done');
      expect(inbox.received).toEqual([]);
      expect(await new MailRepository(t.store).list()).toEqual([]);
    });
  });
}
