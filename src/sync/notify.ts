import { createMailer } from '../mail/mailer.js';
import { writeNote, type Journal } from './journal.js';
import { reportText, type SyncReport } from './report.js';

/** Where a run's problems are announced (seeds 002/003: "a notification must be sent to the relevant person"). */
export interface NotifyTargets {
  /** SMTP server URL (`smtp://host:port`), the same mail code as the server's (src/mail/mailer.ts). */
  readonly smtpUrl?: string;
  readonly emails: readonly string[];
  readonly from: string;
  /** A webhook: the report is POSTed to it as JSON. */
  readonly url?: string;
}

/** Whether a run should notify: any failure, a guard, a fatal error. An interruption alone does not. */
export const needsNotice = (r: SyncReport): boolean => r.failed > 0 || r.guard !== null || r.fatal !== null;

/** Milliseconds the webhook may take. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Sends the notices a report calls for: one e-mail to every `--notify-email` (subject with the counts, body the
 * text report) and one webhook POST (`{"event": "roster.sync.report", "report": …}`). Never throws: each
 * outcome is a journal line and a returned message (`e-mail to x: sent` / `webhook: HTTP 500`).
 */
export async function notify(report: SyncReport, targets: NotifyTargets, journal: Journal): Promise<string[]> {
  const outcomes: string[] = [];
  const note = (text: string): void => {
    outcomes.push(text);
    writeNote(journal, text);
  };
  if (targets.emails.length > 0) {
    const mailer = createMailer(targets.smtpUrl);
    const subject = `roster sync ${report.fatal !== null ? 'failed' : report.guard !== null ? 'stopped by a guard' : `had ${report.failed} failure${report.failed === 1 ? '' : 's'}`} (${report.url})`;
    try {
      for (const to of targets.emails) {
        const sent = await mailer.send({ to, from: targets.from, subject, text: reportText(report) });
        note(`e-mail to ${to}: ${sent.accepted ? 'sent' : `not sent (${sent.error ?? 'refused'})`}`);
      }
    } finally {
      mailer.close();
    }
  }
  if (targets.url !== undefined) {
    const started = Date.now();
    const safeUrl = withoutUserinfo(targets.url);
    let status: number | null = null;
    let error: string | undefined;
    try {
      // fetch refuses a URL with credentials (and its error would quote them): they go as Basic auth instead.
      const { url, authorization } = splitCredentials(targets.url);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify({ event: 'roster.sync.report', report }),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch (err) {
      const text = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      error = text.split(targets.url).join(safeUrl);
    }
    journal.write({
      time: new Date(started).toISOString(),
      method: 'POST',
      url: safeUrl,
      status,
      durationMs: Date.now() - started,
      ...(error === undefined ? {} : { error }),
    });
    outcomes.push(`webhook ${safeUrl}: ${status !== null && status < 300 ? `HTTP ${status}` : (error ?? `HTTP ${status}`)}`);
  }
  return outcomes;
}

/** `url` without its `user:password@`, and those as a Basic authorization header (RFC 7617). */
function splitCredentials(url: string): { url: string; authorization?: string } {
  const u = new URL(url);
  if (u.username === '' && u.password === '') return { url };
  const pair = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = '';
  u.password = '';
  return { url: u.toString(), authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** A URL without `user:password@` and without its query (a webhook's token often rides there). */
export function withoutUserinfo(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    if (u.search !== '') u.search = '?…';
    return u.toString();
  } catch {
    return '(an invalid URL)';
  }
}
