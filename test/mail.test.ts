import { createServer, Socket, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SMTPServerOptions } from 'smtp-server';
import { closedPort, startInbox as startSmtp, type Inbox } from './helpers/smtp.js';
import { createMailer, type Mailer } from '../src/mail/mailer.js';
import { invitationMessage } from '../src/mail/invitation.js';

const inboxes: Inbox[] = [];
const mailers: Mailer[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const mailer of mailers.splice(0)) mailer.close();
  await Promise.all(inboxes.splice(0).map((inbox) => inbox.close()));
});

/** A real SMTP server, closed after the test. */
async function startInbox(options: SMTPServerOptions = {}): Promise<Inbox> {
  const inbox = await startSmtp(options);
  inboxes.push(inbox);
  return inbox;
}

function mailer(url: string | undefined): Mailer {
  const made = createMailer(url);
  mailers.push(made);
  return made;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

const message = {
  to: 'ada@example.com',
  from: 'roster@example.com',
  subject: 'Hello from Roster',
  text: 'First line.\nSecond line.\n',
};

describe('createMailer over SMTP', () => {
  it('delivers the message: to, from, subject and text arrive as sent', async () => {
    const inbox = await startInbox();
    const outcome = await mailer(`smtp://127.0.0.1:${inbox.port}`).send(message);

    expect(outcome.accepted).toBe(true);
    expect(outcome.error).toBeUndefined();
    expect(outcome.messageId).toMatch(/^<.+@.+>$/);
    expect(inbox.received).toHaveLength(1);
    const [mail] = inbox.received;
    expect(mail?.to).toMatchObject({ value: [{ address: 'ada@example.com' }] });
    expect(mail?.from?.value).toEqual([{ address: 'roster@example.com', name: '' }]);
    expect(mail?.subject).toBe('Hello from Roster');
    expect(mail?.text).toBe('First line.\nSecond line.\n');
    expect(mail?.messageId).toBe(outcome.messageId);
  });

  it('delivers an invitation with its HTML alternative', async () => {
    const inbox = await startInbox();
    const invitation = invitationMessage({
      to: '"Ada Lovelace" <ada@example.com>',
      from: 'roster@example.com',
      workerName: 'Ada Lovelace',
      supplierName: 'Analytical Engines Ltd',
      portalUrl: 'https://supplier.example.com/invite?token=abc',
    });
    const outcome = await mailer(`smtp://127.0.0.1:${inbox.port}`).send(invitation);

    expect(outcome).toMatchObject({ accepted: true });
    const [mail] = inbox.received;
    expect(mail?.to).toMatchObject({ value: [{ address: 'ada@example.com', name: 'Ada Lovelace' }] });
    expect(mail?.subject).toBe("You're invited to the Coupa Supplier Portal");
    expect(mail?.text?.trim()).toBe(invitation.text.trim());
    expect(mail?.html).toContain('<a href="https://supplier.example.com/invite?token=abc">');
  });

  it('logs in with the credentials in the URL, percent-decoded', async () => {
    const logins: { username: string | null | undefined; password: string | null | undefined }[] = [];
    const inbox = await startInbox({
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        logins.push({ username: auth.username, password: auth.password });
        callback(null, { user: auth.username });
      },
    });
    const outcome = await mailer(`smtp://roster%40example.com:p%3Ass%40word@127.0.0.1:${inbox.port}`).send(message);

    expect(outcome).toMatchObject({ accepted: true });
    expect(logins).toEqual([{ username: 'roster@example.com', password: 'p:ss@word' }]);
  });

  it('answers accepted:false, without rejecting, when the server refuses the recipient', async () => {
    const inbox = await startInbox({
      onRcptTo(_address, _session, callback) {
        callback(smtpError('No such user here', 550));
      },
    });
    const outcome = await mailer(`smtp://127.0.0.1:${inbox.port}`).send(message);

    expect(outcome.accepted).toBe(false);
    expect(outcome.error).toMatch(/550/);
    expect(outcome.error).toMatch(/No such user here/);
    expect(inbox.received).toEqual([]);
  });

  it('answers accepted:false, without rejecting, when the server refuses the message data', async () => {
    const inbox = await startInbox({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(smtpError('Message looks like spam', 554)));
      },
    });
    const outcome = await mailer(`smtp://127.0.0.1:${inbox.port}`).send(message);

    expect(outcome.accepted).toBe(false);
    expect(outcome.error).toMatch(/554 Message looks like spam/);
  });

  it('answers accepted:false within a few seconds when nothing listens on the port', async () => {
    const port = await closedPort();
    const started = Date.now();
    const sending = mailer(`smtp://127.0.0.1:${port}`).send(message);

    await expect(sending).resolves.toMatchObject({ accepted: false });
    const outcome = await sending;
    expect(outcome.error).toMatch(/ECONNREFUSED/);
    expect(outcome.messageId).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers accepted:false, after the greeting time-out, when the server accepts the connection and says nothing', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const outcome = await mailer(`smtp://127.0.0.1:${port}`).send(message);

      expect(outcome.accepted).toBe(false);
      expect(outcome.error).toMatch(/ETIMEDOUT/);
      // Greeting time-out is 5 s; the whole send is capped at 15 s.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('never puts the password from the URL in an error', async () => {
    const password = 'Sup3r-s3cret!';
    const inbox = await startInbox({
      allowInsecureAuth: true,
      // A hostile or careless server that echoes what it was sent.
      onAuth(auth, _session, callback) {
        callback(smtpError(`Invalid credentials ${auth.username ?? ''}:${auth.password ?? ''}`, 535));
      },
    });
    const refused = await mailer(`smtp://roster:${encodeURIComponent(password)}@127.0.0.1:${inbox.port}`).send(message);

    expect(refused.accepted).toBe(false);
    expect(refused.error).toMatch(/535/);
    expect(refused.error).not.toContain(password);
    expect(refused.error).not.toContain(encodeURIComponent(password));

    const port = await closedPort();
    const unreachable = await mailer(`smtp://roster:${password}@127.0.0.1:${port}`).send(message);
    expect(unreachable.accepted).toBe(false);
    expect(unreachable.error).toBeDefined();
    expect(unreachable.error).not.toContain(password);
  });

  it('answers accepted:false after close, without connecting', async () => {
    const inbox = await startInbox();
    const closing = mailer(`smtp://127.0.0.1:${inbox.port}`);
    closing.close();
    closing.close();

    await expect(closing.send(message)).resolves.toEqual({ accepted: false, error: 'mailer is closed' });
    expect(inbox.connections()).toBe(0);
  });
});

describe('createMailer without an SMTP server', () => {
  it.each([undefined, '', '   '])('answers accepted:false without network for %j', async (url) => {
    const connect = vi.spyOn(Socket.prototype, 'connect');
    const outcome = await mailer(url).send(message);

    expect(outcome).toEqual({ accepted: false, error: 'no SMTP server configured' });
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('createMailer URL checks', () => {
  it.each([
    'not a url',
    'http://mail.example.com',
    'smtp://',
    'smtp://mail.example.com/inbox',
    'smtp://mail.example.com?tls=off',
    'smtp://mail.example.com?secure=true',
  ])('rejects %j at creation', (url) => {
    expect(() => createMailer(url)).toThrow(TypeError);
  });

  it('accepts smtp and smtps URLs with credentials, ports and tls=insecure', () => {
    for (const url of ['smtp://mail.example.com', 'smtps://u:p@mail.example.com:465?tls=insecure', 'smtp://[::1]:2525']) {
      expect(() => createMailer(url).close()).not.toThrow();
    }
  });

  it('does not repeat the URL, or its password, in the creation error', () => {
    expect(() => createMailer('smtp://roster:hunter2@mail.example.com/path')).toThrow(/^invalid SMTP URL: a path/);
    try {
      createMailer('smtp://roster:hunter2@mail.example.com/path');
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });
});

describe('invitationMessage', () => {
  const base = {
    to: 'ada@example.com',
    from: 'roster@example.com',
    workerName: 'Ada Lovelace',
    supplierName: 'Analytical Engines Ltd',
    portalUrl: 'https://supplier.example.com/invite?token=abc&lang=en',
  };

  it('greets the worker, names the supplier and gives the portal URL', () => {
    const invitation = invitationMessage(base);

    expect(invitation.to).toBe('ada@example.com');
    expect(invitation.from).toBe('roster@example.com');
    expect(invitation.subject).toBe("You're invited to the Coupa Supplier Portal");
    expect(invitation.text).toContain('Hello Ada Lovelace,');
    expect(invitation.text).toContain('Analytical Engines Ltd has invited you');
    expect(invitation.text).toContain('https://supplier.example.com/invite?token=abc&lang=en');
    expect(invitation.html).toContain('Hello Ada Lovelace,');
    expect(invitation.html).toContain(
      '<a href="https://supplier.example.com/invite?token=abc&amp;lang=en">https://supplier.example.com/invite?token=abc&amp;lang=en</a>',
    );
  });

  it('does without the supplier when it is not known', () => {
    for (const supplierName of [null, '  ']) {
      const invitation = invitationMessage({ ...base, supplierName });
      expect(invitation.text).toContain('You have been invited to join the Coupa Supplier Portal.');
      expect(invitation.html).toContain('You have been invited to join the Coupa Supplier Portal.');
      expect(invitation.text).not.toContain('has invited you');
    }
  });

  it('escapes every interpolated value in the HTML body', () => {
    const invitation = invitationMessage({
      ...base,
      workerName: '<script>alert("hi")</script>',
      supplierName: `O'Brien & <b>Sons</b>`,
      portalUrl: 'https://supplier.example.com/?a="><script>x</script>',
    });

    expect(invitation.html).not.toContain('<script>');
    expect(invitation.html).not.toContain('<b>');
    expect(invitation.html).toContain('Hello &lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;,');
    expect(invitation.html).toContain('O&#39;Brien &amp; &lt;b&gt;Sons&lt;/b&gt; has invited you');
    // The plain-text body carries the name as it is: it is not HTML.
    expect(invitation.text).toContain('Hello <script>alert("hi")</script>,');
  });

  it('never makes a link of a URL that is not http(s)', () => {
    const invitation = invitationMessage({ ...base, portalUrl: 'javascript:alert(1)' });

    expect(invitation.html).not.toContain('<a ');
    expect(invitation.html).toContain('javascript:alert(1)');
  });

  it('folds white space in names onto one line', () => {
    const invitation = invitationMessage({ ...base, workerName: ' Ada\r\n  Lovelace ', supplierName: 'Engines\nLtd' });

    expect(invitation.text).toContain('Hello Ada Lovelace,');
    expect(invitation.text).toContain('Engines Ltd has invited you');
  });
});
