import type { MailMessage, SendOutcome } from '../mail/mailer.js';
import { datetimeFromDb, fromDb } from './codec.js';
import type { Store } from './database.js';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A message Roster sent, or would have sent, as `roster mail list` prints it. */
export interface RecordedMail {
  readonly id: number;
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  /** The plain-text body. */
  readonly text: string;
  /** When it was handed to SMTP (or would have been), ISO 8601 UTC. */
  readonly time: string;
  /** Whether an SMTP server took it; false without `--smtp-url`. */
  readonly accepted: boolean;
  /** Why it was not accepted, in one line (never a credential). */
  readonly error: string | null;
}

/**
 * Every outbound message, recorded whether or not SMTP took it, so a user without an SMTP
 * server sees what would have been sent. Kept in the database: any process can list them.
 */
export class MailRepository {
  constructor(private readonly store: Store) {}

  async record(message: MailMessage, outcome: SendOutcome): Promise<void> {
    const { dialect } = this.store;
    await this.store.db
      .insertInto('mail_messages')
      .values({
        to_address: message.to,
        from_address: message.from,
        subject: message.subject,
        body: message.text,
        accepted: dialect.toDb('boolean', outcome.accepted),
        message_id: outcome.messageId ?? null,
        error: outcome.error ?? null,
        created_at: dialect.toDb('datetime', this.store.clock.iso()),
      })
      .execute();
  }

  /** Every recorded message, oldest first; `to` keeps those sent to that address. */
  async list(to?: string): Promise<RecordedMail[]> {
    let query = this.store.db.selectFrom('mail_messages').selectAll().orderBy('id');
    if (to !== undefined) query = query.where('to_address', '=', to);
    const rows = await query.execute();
    return rows.map((row) => ({
      id: Number(row['id']),
      to: text(row['to_address']),
      from: text(row['from_address']),
      subject: text(row['subject']),
      text: text(row['body']),
      time: datetimeFromDb(row['created_at']) ?? '',
      accepted: fromDb('boolean', row['accepted']) === true,
      error: typeof row['error'] === 'string' ? row['error'] : null,
    }));
  }

  /** Forgets every recorded message (`DELETE /_roster/mail`); returns how many there were. */
  async clear(): Promise<number> {
    const result = await this.store.db.deleteFrom('mail_messages').executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
