/**
 * One request as the journal keeps it (`GET /_roster/requests`, docs/controls.md). Names are the
 * wire's: dashed, as Coupa's JSON.
 * - `url`: path and query with secrets masked, as the log writes it;
 * - `credential`: the name of the key or OAuth client that authenticated, never a secret; null if none;
 * - `error-code` and `errors`: the `X-Roster-Error-Code` and the messages the client got, for a 4xx/5xx;
 * - `body`: the first 4 KiB of the request body as text, secrets masked; null without a body.
 */
export interface JournalEntry {
  readonly id: string;
  readonly time: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly 'duration-ms': number;
  readonly credential: string | null;
  readonly 'error-code': string | null;
  readonly errors: readonly string[] | null;
  readonly body: string | null;
}

/** What `GET /_roster/requests` filters by; every part optional. */
export interface JournalFilter {
  /** An exact status, or a class: 4 for `4xx`. */
  readonly status?: { readonly exact: number } | { readonly class: number };
  readonly method?: string;
  /** A prefix of the path (`/api/users` matches `/api/users/5?x`). */
  readonly path?: string;
  readonly limit: number;
}

/**
 * The last `capacity` requests of this process, in memory (a ring: the oldest is dropped). Per
 * process: several Roster processes each keep their own (docs/controls.md). Capacity 0 keeps nothing.
 */
export class RequestJournal {
  private readonly entries: (JournalEntry | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.entries = new Array<JournalEntry | undefined>(capacity).fill(undefined);
  }

  get enabled(): boolean {
    return this.capacity > 0;
  }

  record(entry: JournalEntry): void {
    if (this.capacity === 0) return;
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Newest first, filtered, at most `filter.limit`. */
  list(filter: JournalFilter): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 1; i <= this.count && out.length < filter.limit; i++) {
      const entry = this.entries[(this.next - i + this.capacity) % this.capacity];
      if (entry !== undefined && matches(entry, filter)) out.push(entry);
    }
    return out;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}

function matches(entry: JournalEntry, filter: JournalFilter): boolean {
  const { status, method, path } = filter;
  if (
    status !== undefined &&
    ('exact' in status ? entry.status !== status.exact : Math.floor(entry.status / 100) !== status.class)
  ) {
    return false;
  }
  if (method !== undefined && entry.method !== method) return false;
  return path === undefined || entry.url.startsWith(path);
}
