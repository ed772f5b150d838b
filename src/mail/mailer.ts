// Outbound mail: one small interface over nodemailer's SMTP transport, used to send worker invitations.
//
// nodemailer is loaded on the first send (dynamic import), so a server that never sends mail never loads it.
// Only types are imported statically; they are erased at compile time.
import type { Mail, SMTPSentMessageInfo, SMTPTransportOptions } from 'nodemailer';

/**
 * One message to send.
 *
 * - `to`, `from`: one address each, either bare (`ada@example.com`) or with a display name
 *   (`"Ada Lovelace" <ada@example.com>`). `to` also gives the SMTP envelope recipient, `from` the envelope sender.
 * - `subject`: one line; nodemailer encodes non-ASCII text.
 * - `text`: the plain-text body (always sent).
 * - `html`: an optional HTML alternative, sent as multipart/alternative with `text`. The caller escapes it.
 */
export interface MailMessage {
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/**
 * What became of one `Mailer.send`.
 *
 * - `accepted: true`: the SMTP server took the message for every recipient (it answered 250 to DATA, with no
 *   recipient rejected). That is a hand-over, not proof of delivery to a mailbox. `messageId` is then the
 *   Message-ID header sent, angle brackets included (`<…@…>`), and `error` is absent.
 * - `accepted: false`: nothing was sent, or not to every recipient. `error` says why in one short line
 *   (at most 300 characters: the SMTP reply or socket error, e.g. `ESOCKET: connect ECONNREFUSED 127.0.0.1:2525`, `ETIMEDOUT: Greeting never received`,
 *   `EENVELOPE: Can't send mail - all recipients were rejected: 550 …`, `timed out after 15000 ms`,
 *   `no SMTP server configured`). It never contains the password or `user:pass` from the SMTP URL.
 *   `messageId` is present only when the server took the message for some recipients but not all.
 */
export interface SendOutcome {
  readonly accepted: boolean;
  readonly messageId?: string;
  readonly error?: string;
}

/**
 * Sends mail. Built by `createMailer`.
 *
 * - `send(message)`: one SMTP session per call (a new connection, no pooling). The promise always resolves,
 *   never rejects: every failure (unreachable or dead server, TLS or auth failure, rejected sender or recipient,
 *   time-out, nodemailer failing to load, mailer closed) is an outcome with `accepted: false` and an `error`.
 *   A call resolves within 15 000 ms plus a moment to tear the socket down.
 * - `close()`: releases the transport. Idempotent; never throws. A send already under way finishes; a send started
 *   after `close()` resolves `{ accepted: false, error: 'mailer is closed' }` without network.
 */
export interface Mailer {
  send(message: MailMessage): Promise<SendOutcome>;
  close(): void;
}

/** Milliseconds to open the TCP (and, for smtps, TLS) connection. */
const CONNECTION_TIMEOUT_MS = 5_000;
/** Milliseconds from connecting to the server's 220 greeting. */
const GREETING_TIMEOUT_MS = 5_000;
/** Milliseconds the socket may stay idle once the session is under way. */
const SOCKET_TIMEOUT_MS = 10_000;
/** Milliseconds to resolve the server's host name. */
const DNS_TIMEOUT_MS = 5_000;
/** Milliseconds one send may take in all, whatever the server does (a trickle of bytes resets the idle timer only). */
const SEND_DEADLINE_MS = 15_000;
/** Longest `error` text handed back. */
const MAX_ERROR_LENGTH = 300;

/**
 * Builds a `Mailer`.
 *
 * `smtpUrl`:
 * - `undefined`, or an empty or blank string: a mailer that sends nothing and opens no connection; every `send`
 *   resolves `{ accepted: false, error: 'no SMTP server configured' }`.
 * - `smtp://[user[:pass]@]host[:port]`: plaintext SMTP, port 587 unless given. If the server offers STARTTLS the
 *   session is upgraded to TLS (and fails if the upgrade or the certificate check fails); if it does not, the message
 *   goes in plaintext. TLS is never required.
 * - `smtps://[user[:pass]@]host[:port]`: TLS from the first byte (implicit TLS), port 465 unless given.
 * - `?tls=insecure` (either scheme): do not verify the server's certificate (`tls.rejectUnauthorized: false`), for a
 *   development server with a self-signed certificate. Without it certificates are verified.
 *
 * `user` and `pass` are percent-decoded (write `@` as `%40`, `:` as `%3A`); with them the mailer logs in when the
 * server offers AUTH. The URL has no path, and no query parameter other than `tls=insecure`.
 *
 * Timeouts, in milliseconds: 5 000 to connect, 5 000 for the greeting, 5 000 for DNS, 10 000 of socket inactivity,
 * 15 000 for a whole send.
 *
 * Nothing is loaded or connected here: nodemailer is imported on the first `send`.
 *
 * @throws TypeError when `smtpUrl` is not blank and is not such a URL (unparseable, another scheme, no host, a path,
 *   an unknown query parameter). The message does not repeat the URL, so it never carries its credentials.
 */
export function createMailer(smtpUrl: string | undefined): Mailer {
  if (smtpUrl === undefined || smtpUrl.trim() === '') return unconfiguredMailer();
  const { options, secrets } = parseSmtpUrl(smtpUrl.trim());
  return smtpMailer(options, secrets);
}

function unconfiguredMailer(): Mailer {
  return {
    send: () => Promise.resolve({ accepted: false, error: 'no SMTP server configured' }),
    close: () => undefined,
  };
}

type SmtpTransport = Mail<SMTPSentMessageInfo, SMTPTransportOptions>;

function smtpMailer(options: SMTPTransportOptions, secrets: readonly string[]): Mailer {
  let transport: Promise<SmtpTransport> | undefined;
  let closed = false;
  // A function, not the variable, so the check after an await is not narrowed away.
  const isClosed = (): boolean => closed;

  const load = (): Promise<SmtpTransport> => {
    transport ??= import('nodemailer').then(
      (nodemailer) => nodemailer.createTransport(options),
      (err: unknown) => {
        // Let a later send try again.
        transport = undefined;
        throw err;
      },
    );
    return transport;
  };

  return {
    async send(message) {
      if (isClosed()) return { accepted: false, error: 'mailer is closed' };
      try {
        const smtp = await load();
        if (isClosed()) return { accepted: false, error: 'mailer is closed' };
        const info = await smtp.sendMail({
          to: message.to,
          from: message.from,
          subject: message.subject,
          text: message.text,
          ...(message.html === undefined ? {} : { html: message.html }),
          signal: AbortSignal.timeout(SEND_DEADLINE_MS),
        });
        if (info.rejected.length === 0 && info.accepted.length > 0) return { accepted: true, messageId: info.messageId };
        const refused = info.rejected.length > 0 ? `server rejected ${info.rejected.join(', ')}` : 'server accepted no recipient';
        return { accepted: false, messageId: info.messageId, error: describe(refused, secrets) };
      } catch (err) {
        return { accepted: false, error: describe(errorText(err), secrets) };
      }
    },
    close() {
      if (closed) return;
      closed = true;
      const pending = transport;
      transport = undefined;
      pending?.then(
        (smtp) => smtp.close(),
        () => undefined,
      );
    },
  };
}

/** `CODE: message` for a nodemailer or socket error; the deadline's abort reads as a time-out. */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return `send failed: ${String(err)}`;
  const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  if (code === 'EABORT') return `timed out after ${SEND_DEADLINE_MS} ms`;
  const message = err.message.trim() || err.name;
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}

/** One line, no credentials, at most `MAX_ERROR_LENGTH` characters. */
function describe(text: string, secrets: readonly string[]): string {
  let safe = text;
  // Longest first, so `user:pass` goes before `pass` alone.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) safe = safe.split(secret).join('***');
  safe = safe.replace(/\s+/g, ' ').trim();
  return safe.length > MAX_ERROR_LENGTH ? `${safe.slice(0, MAX_ERROR_LENGTH - 1)}…` : safe;
}

/** Transport options for an `smtp:`/`smtps:` URL, and the strings an error text must not contain. */
function parseSmtpUrl(raw: string): { options: SMTPTransportOptions; secrets: string[] } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError('invalid SMTP URL: expected smtp://[user[:pass]@]host[:port] or smtps://…');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new TypeError(`invalid SMTP URL: scheme must be smtp: or smtps:, not ${url.protocol}`);
  }
  // Non-special schemes keep IPv6 brackets in hostname.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new TypeError('invalid SMTP URL: no host');
  if (url.pathname !== '' && url.pathname !== '/') throw new TypeError('invalid SMTP URL: a path is not allowed');
  if (url.hash !== '') throw new TypeError('invalid SMTP URL: a fragment is not allowed');
  let insecure = false;
  for (const [key, value] of url.searchParams) {
    if (key === 'tls' && value === 'insecure') insecure = true;
    else throw new TypeError(`invalid SMTP URL: unsupported query parameter ${JSON.stringify(key)} (only tls=insecure)`);
  }

  const secrets = [url.password, safeDecode(url.password)];
  if (url.password !== '')
    secrets.push(`${url.username}:${url.password}`, `${safeDecode(url.username)}:${safeDecode(url.password)}`);
  const options: SMTPTransportOptions = {
    host,
    secure: url.protocol === 'smtps:',
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    dnsTimeout: DNS_TIMEOUT_MS,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    ...(url.username === '' ? {} : { auth: { user: safeDecode(url.username), pass: safeDecode(url.password) } }),
    ...(insecure ? { tls: { rejectUnauthorized: false } } : {}),
  };
  return { options, secrets: [...new Set(secrets)].filter((secret) => secret !== '') };
}

function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw new TypeError('invalid SMTP URL: malformed percent-encoding in the user or password');
  }
}
