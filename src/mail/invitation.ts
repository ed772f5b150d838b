// The e-mail that invites a worker to the Coupa Supplier Portal. Pure: builds a message, sends nothing.
import type { MailMessage } from './mailer.js';

/** Subject line of every invitation. */
const SUBJECT = "You're invited to the Coupa Supplier Portal";

/**
 * The invitation e-mail for one worker.
 *
 * Input:
 * - `to`: the worker's address; `from`: the sender's address (each bare or `"Name" <addr>`), copied as they are.
 * - `workerName`: how to greet the worker. Runs of white space (line breaks included) become one space; blank
 *   gives a greeting without a name.
 * - `supplierName`: the supplier that invites the worker, named in the body; `null` or blank when unknown.
 * - `portalUrl`: where the worker accepts the invitation, written out in both bodies. In the HTML body it is a link
 *   only when it is an `http:` or `https:` URL; anything else is shown as text, never as a link.
 *
 * Output: subject "You're invited to the Coupa Supplier Portal", a plain-text body, and an HTML body in which every
 * interpolated value is HTML-escaped (`& < > " '`). No I/O; never throws.
 */
export function invitationMessage(input: {
  readonly to: string;
  readonly from: string;
  readonly workerName: string;
  readonly supplierName: string | null;
  readonly portalUrl: string;
}): MailMessage {
  const name = oneLine(input.workerName);
  const supplier = input.supplierName === null ? '' : oneLine(input.supplierName);
  const url = input.portalUrl.trim();

  const greeting = name === '' ? 'Hello,' : `Hello ${name},`;
  const invited =
    supplier === ''
      ? 'You have been invited to join the Coupa Supplier Portal.'
      : `${supplier} has invited you to join the Coupa Supplier Portal.`;
  const text = [
    greeting,
    '',
    invited,
    '',
    'To accept the invitation, open this link:',
    url,
    '',
    'If you were not expecting this invitation, you can ignore this e-mail.',
    '',
  ].join('\n');

  const link = isWebUrl(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(url);
  const html = [
    '<!DOCTYPE html>',
    '<html>',
    '<body>',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(invited)}</p>`,
    `<p>To accept the invitation, open this link:<br>${link}</p>`,
    '<p>If you were not expecting this invitation, you can ignore this e-mail.</p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');

  return { to: input.to, from: input.from, subject: SUBJECT, text, html };
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function isWebUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}
