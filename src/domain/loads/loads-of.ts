import { FileStore } from '../../store/file-store.js';
import type { Store } from '../../store/database.js';
import { JobRepository } from '../../store/job-repository.js';
import { LoadRowRepository } from '../../store/load-row-repository.js';
import type { Engine } from '../engine.js';
import { LoadService, type LoadOptions } from './load-service.js';

/** The flat-file loader over an engine and its store: what `serve` and `roster flatfile run` both run. */
export function loadsOf(engine: Engine, store: Store, options: LoadOptions): LoadService {
  return new LoadService(
    {
      service: (def) => engine.service(def),
      files: new FileStore(store),
      jobs: new JobRepository(store),
      rows: new LoadRowRepository(store),
    },
    options,
  );
}
