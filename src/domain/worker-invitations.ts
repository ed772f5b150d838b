import type { RecordId } from '../catalog/types.js';
import type { Mailer } from '../mail/mailer.js';
import { invitationMessage } from '../mail/invitation.js';
import type { MailRepository } from '../store/mail-repository.js';
import type { StoredRecord } from '../store/record-codec.js';
import type { Actor } from './actor.js';
import { RosterError } from './errors.js';
import type { RecordService } from './record-service.js';

/** Where an invitation comes from and where it sends the worker. */
export interface InvitationSettings {
  /** The sender (`--mail-from`). */
  readonly from: string;
  /** The supplier portal the worker is invited to register on. */
  readonly portalUrl: string;
}

/** The address an invitation goes to: the worker's `work` e-mail, else the first one (seed 004 has one of each type). */
function invitationAddress(worker: StoredRecord): string | undefined {
  const emails = worker.children.get('worker-emails') ?? [];
  const work = emails.find((e) => e.values.get('email-type') === 'work') ?? emails[0];
  const address = work?.values.get('email-address');
  return typeof address === 'string' && address !== '' ? address : undefined;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * `POST /api/workers/:id/invite_worker` (seed 004): invites a worker to Coupa's supplier
 * portal. The invitation goes to the worker's e-mail through SMTP when one is configured and
 * is always recorded (`roster mail list`); `portal-access` then reads `Invited`. A worker with
 * no e-mail, or already `Registered`, is a 400 (validation_failed) that sends and changes
 * nothing. Inviting an `Invited` worker again sends the invitation again, as the portal
 * resends expired invitations. An SMTP failure does not fail the request: Coupa mails
 * asynchronously, so its clients never see one; the record shows it.
 */
export class WorkerInvitations {
  constructor(
    private readonly workers: RecordService,
    private readonly mail: MailRepository,
    private readonly mailer: Mailer,
    private readonly settings: InvitationSettings,
  ) {}

  /** Invites worker `id`; returns the worker as written. Throws not_found or validation_failed. */
  async invite(id: RecordId, actor: Actor): Promise<StoredRecord> {
    const worker = await this.workers.show(id);
    if (worker.values.get('portal-access') === 'Registered') {
      throw new RosterError('validation_failed', 'Worker is already registered on the supplier portal');
    }
    const to = invitationAddress(worker);
    if (to === undefined) throw new RosterError('validation_failed', 'Worker emails must exist to invite the worker');
    const lookups = await this.workers.lookups([worker]);
    const supplierId = worker.refs.get('supplier');
    const supplier = typeof supplierId === 'number' ? lookups.record('suppliers', supplierId) : undefined;
    const message = invitationMessage({
      to,
      from: this.settings.from,
      workerName: [worker.values.get('first-name'), worker.values.get('last-name')].map(text).join(' '),
      supplierName: text(supplier?.values.get('display-name')) || text(supplier?.values.get('name')) || null,
      portalUrl: this.settings.portalUrl,
    });
    const outcome = await this.mailer.send(message);
    await this.mail.record(message, outcome);
    const written = await this.workers.update(id, {}, actor, { system: new Map([['portal-access', 'Invited']]) });
    return written.record;
  }
}
