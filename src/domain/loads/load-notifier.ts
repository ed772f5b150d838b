import { loadFailureMessage, type FailedRow } from '../../mail/load-failure.js';
import type { Mailer } from '../../mail/mailer.js';
import type { MailRepository } from '../../store/mail-repository.js';
import type { StoredRecord } from '../../store/record-codec.js';
import type { RecordService } from '../record-service.js';
import type { LoadSummary } from './load-service.js';

export interface NotifierSettings {
  /** The sender (`--mail-from`). */
  readonly from: string;
  /** Integration contacts (`--notify-email`). */
  readonly contacts: readonly string[];
  /** Where the pages are served, for the link to the load: `http://127.0.0.1:3000`. */
  readonly baseUrl: () => string;
}

/** Coupa's most records per page; the admins are read a page at a time. */
const PAGE = 50;

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/**
 * Tells people when a flat file fails: every integration contact and every active user with the
 * Admin role and an e-mail gets one message, through the same SMTP path as worker invitations,
 * and each is recorded (`roster mail list`). Nothing is sent for a clean load: Coupa mails
 * only "on an upload failure" (seeds 002, 003). A failing SMTP server never fails the load.
 */
export class LoadNotifier {
  constructor(
    private readonly users: RecordService,
    private readonly mail: MailRepository,
    private readonly mailer: Mailer,
    private readonly settings: NotifierSettings,
  ) {}

  /** Sends the notice of a load that ended, when it failed as a whole or has upload errors. */
  async finished(summary: LoadSummary, source: StoredRecord): Promise<void> {
    if (summary.status !== 'Failed' && summary.uploadErrorsCount === 0) return;
    const rows: FailedRow[] = (source.children.get('upload-errors') ?? []).map((e) => ({
      row: Number(e.values.get('row') ?? 0),
      column: text(e.values.get('field-with-error')),
      value: text(e.values.get('value')),
      errors: text(e.values.get('field-errors')) ?? '',
    }));
    for (const to of await this.recipients()) {
      const message = loadFailureMessage({
        to,
        from: this.settings.from,
        file: summary.file,
        sourceFor: summary.sourceFor,
        status: summary.status,
        counts: {
          rows: summary.recordsCount,
          created: summary.recordsCreated,
          updated: summary.recordsUpdated,
          errors: summary.uploadErrorsCount,
        },
        resultText: summary.resultText,
        rows,
        url: `${this.settings.baseUrl()}/data_sources/${summary.id}`,
      });
      await this.mail.record(message, await this.mailer.send(message));
    }
  }

  /** The contacts, then each active Admin's e-mail, each address once (case aside). */
  private async recipients(): Promise<string[]> {
    const all = [...this.settings.contacts];
    for (let offset = 0; ; offset += PAGE) {
      const query = this.users.parseQuery({
        'roles[name]': 'Admin',
        active: 'true',
        offset: String(offset),
        limit: String(PAGE),
      });
      const page = await this.users.list(query);
      for (const user of page) {
        const email = text(user.values.get('email'));
        if (email) all.push(email);
      }
      if (page.length < PAGE) break;
    }
    const seen = new Set<string>();
    return all.filter((a) => {
      const key = a.trim().toLowerCase();
      if (key === '' || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
