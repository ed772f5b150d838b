import { USERS } from '../../catalog/resources/users.js';
import type { Mailer } from '../../mail/mailer.js';
import type { Store } from '../../store/database.js';
import { FileStore } from '../../store/file-store.js';
import { JobRepository } from '../../store/job-repository.js';
import { LoadRowRepository } from '../../store/load-row-repository.js';
import { MailRepository } from '../../store/mail-repository.js';
import type { Engine } from '../engine.js';
import { LoadNotifier, type NotifierSettings } from './load-notifier.js';
import { LoadService, type LoadOptions } from './load-service.js';

/**
 * The flat-file loader over an engine and its store, with its failure notices sent through
 * `mailer`: what `serve` and `roster flatfile run` both run.
 */
export function loadsOf(
  engine: Engine,
  store: Store,
  options: Omit<LoadOptions, 'onFinished'>,
  notify: NotifierSettings & { readonly mailer: Mailer },
): LoadService {
  const notifier = new LoadNotifier(engine.service(USERS), new MailRepository(store), notify.mailer, notify);
  return new LoadService(
    {
      chunk: (body) => store.chunk(body),
      service: (def) => engine.service(def),
      files: new FileStore(store),
      clock: store.clock,
      jobs: new JobRepository(store),
      rows: new LoadRowRepository(store),
    },
    { ...options, onFinished: (summary, source) => notifier.finished(summary, source) },
  );
}
