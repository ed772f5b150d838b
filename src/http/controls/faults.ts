import { RosterError } from '../../domain/errors.js';
import { CONTROLS_PREFIX } from './prefix.js';

/**
 * A fault to inject (`POST /_roster/faults`, docs/controls.md): the next `times` requests matching
 * `method` and `path` fail this way, before anything is read or written.
 * - `path`: a path pattern; `*` stands for any run of characters but `/`, `**` for any run at all;
 *   matched against the path without its query.
 * - `status`: answered with this status (in the API's error shape, code `injected_fault`);
 *   `retry-after` (seconds) adds that header (a 429's or a 503's).
 * - `delay-ms`: waits this long first (then answers as the request would, or with `status`).
 * - `drop`: closes the connection without an answer.
 */
export interface FaultSpec {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly times: number;
  readonly 'delay-ms'?: number;
  readonly 'retry-after'?: number;
  readonly drop?: boolean;
}

/** A fault as listed: its id and how many times it is left. */
export type Fault = FaultSpec & { readonly id: number; readonly 'times-left': number };

const METHODS = ['*', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const FIELDS = ['method', 'path', 'status', 'times', 'delay-ms', 'retry-after', 'drop'];

const wholeIn = (value: unknown, name: string, min: number, max: number): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RosterError('invalid_control', `A fault's ${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
};

/** Checks a `POST /_roster/faults` body. Throws `invalid_query` naming the problem. */
export function faultSpec(body: unknown): FaultSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RosterError('invalid_control', 'A fault is a JSON object');
  const doc = body as Record<string, unknown>;
  const unknown = Object.keys(doc).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0)
    throw new RosterError('invalid_control', `A fault has no ${unknown.join(', ')} (it has ${FIELDS.join(', ')})`);
  const method = doc['method'] === undefined ? '*' : doc['method'];
  if (typeof method !== 'string' || !METHODS.includes(method.toUpperCase())) {
    throw new RosterError('invalid_control', `A fault's method must be one of ${METHODS.join(', ')}`);
  }
  const path = doc['path'];
  if (typeof path !== 'string' || !/^\/[\x21-\x7e]*$/.test(path) || path.startsWith(CONTROLS_PREFIX)) {
    throw new RosterError(
      'invalid_control',
      "A fault's path must be a pattern starting with / (not /_roster), * for a segment, ** for any run",
    );
  }
  const drop = doc['drop'];
  if (drop !== undefined && typeof drop !== 'boolean')
    throw new RosterError('invalid_control', "A fault's drop must be true or false");
  const status = doc['status'] === undefined ? undefined : wholeIn(doc['status'], 'status', 400, 599);
  const delay = doc['delay-ms'] === undefined ? undefined : wholeIn(doc['delay-ms'], 'delay-ms', 0, 60_000);
  const retryAfter = doc['retry-after'] === undefined ? undefined : wholeIn(doc['retry-after'], 'retry-after', 0, 86_400);
  if (status === undefined && drop !== true && delay === undefined) {
    throw new RosterError('invalid_control', 'A fault needs a status, drop: true, or a delay-ms');
  }
  if (retryAfter !== undefined && status === undefined)
    throw new RosterError('invalid_control', "A fault's retry-after goes with a status (429 or 503)");
  return {
    method: method.toUpperCase(),
    path,
    times: doc['times'] === undefined ? 1 : wholeIn(doc['times'], 'times', 1, 1_000_000),
    ...(status === undefined ? {} : { status }),
    ...(delay === undefined ? {} : { 'delay-ms': delay }),
    ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }),
    ...(drop === undefined ? {} : { drop }),
  };
}

/** A path pattern as a RegExp: `*` a segment's run, `**` any run, everything else literal. */
function patternOf(path: string): RegExp {
  const source = path
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((lit) => lit.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}

/**
 * The faults of this process (per process: with several Roster processes, each has its own;
 * docs/controls.md). `take` is called for every request, so it is a scan of a short list.
 */
export class FaultTable {
  private readonly faults: { fault: FaultSpec; id: number; left: number; pattern: RegExp }[] = [];
  private nextId = 1;

  add(spec: FaultSpec): number {
    const id = this.nextId++;
    this.faults.push({ fault: spec, id, left: spec.times, pattern: patternOf(spec.path) });
    return id;
  }

  list(): Fault[] {
    return this.faults.map(({ fault, id, left }) => ({ id, ...fault, 'times-left': left }));
  }

  remove(id: number): boolean {
    const i = this.faults.findIndex((f) => f.id === id);
    if (i < 0) return false;
    this.faults.splice(i, 1);
    return true;
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** Whether no fault is set: the request hook's fast path. */
  get empty(): boolean {
    return this.faults.length === 0;
  }

  /** The first fault matching this request, used once (and dropped when used up); undefined if none. */
  take(method: string, path: string): FaultSpec | undefined {
    if (this.faults.length === 0) return undefined;
    const i = this.faults.findIndex((f) => (f.fault.method === '*' || f.fault.method === method) && f.pattern.test(path));
    const hit = this.faults[i];
    if (hit === undefined) return undefined;
    hit.left -= 1;
    if (hit.left === 0) this.faults.splice(i, 1);
    return hit.fault;
  }
}
