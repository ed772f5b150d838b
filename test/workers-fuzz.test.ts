import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPT_JSON, JSON_TYPE } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import {
  captureServerErrors,
  describeResponse,
  FUZZ_PATH,
  FUZZ_RUNS,
  FUZZ_SEED,
  responseProblems,
  sendOverSocket,
  snapshotDiff,
  truncate,
  Obj,
  toJson,
  toXml,
  type FuzzRequest,
  type FuzzResponse,
} from './helpers/fuzz-requests.js';
import { makePng, multipartFile } from './helpers/images.js';
import { JSON_IO, makeTestApp, TEST_KEY, type TestApp } from './helpers/test-app.js';
import {
  avatarsAndInvites,
  bulkResults,
  bulkWrites,
  datesDecimalsReferences,
  deletesRow,
  documentsPath,
  formatProblems,
  hostileChildren,
  hostileQueries,
  legalValues,
  malformed,
  oddStrings,
  RACE_DOCUMENT,
  Race,
  raceRequests,
  races,
  readbackProblems,
  seedDocument,
  seenDocument,
  WORKER_PATH,
  WORKERS,
  workerSnapshot,
  workerUploads,
  WorkerRequest,
  wrongTypes,
  type JsonWorker,
} from './helpers/worker-fuzz-requests.js';

/**
 * A fuzz suite for the Worker API (seed 004), as test/fuzz.test.ts is for the Users API: hostile
 * requests in classes (legal edge values, wrong types for each element, hostile child lists, odd
 * and long strings, dates, decimals and references, malformed bodies, avatars and invitations,
 * truncated and badly delimited uploads, bulk writes, hostile queries), built from the catalogue
 * by test/helpers/worker-fuzz-requests.ts. Whatever the request:
 *   - no 5xx, and every error in Coupa's shape (`<errors><error>` or `{"errors":{"worker":[…]}}`),
 *     in the format the request negotiates, with its `x-roster-error-code`;
 *   - a refused write changes nothing in the worker tables (a bulk write: nothing of its refused items);
 *   - a successful write reads back what was written (readbackProblems), and nothing else changed;
 *     an upload stores the bytes sent.
 * One class is of races instead: a few concurrent writes and deletes of one new document or child
 * item, where no answer is a 5xx or undocumented, and exactly one delete succeeds.
 * All classes of one database share one app, seeded once, and a model of every worker as last read.
 *
 * Environment (as test/fuzz.test.ts): FUZZ_SEED, FUZZ_PATH (with FUZZ_SEED and -t), FUZZ_RUNS
 * (runs per class and database instead of the defaults); CI runs a fixed seed.
 */

const SEED = FUZZ_SEED;
const PATH = FUZZ_PATH;
const RUNS = FUZZ_RUNS;
/** fast-check stops a class after this long, shrinking included, and reports what it has. */
const CLASS_TIME_LIMIT_MS = 60_000;
const SOCKET_TIMEOUT_MS = 30_000;

console.log(`workers fuzz: seed ${SEED}${PATH ? `, path ${PATH}` : ''} (replay with FUZZ_SEED=${SEED})`);

interface FuzzClass {
  readonly name: string;
  /** Requests, checked one at a time, or races of several at once. */
  readonly arbitrary: fc.Arbitrary<FuzzRequest | Race>;
  /** Requests go over a real socket instead of app.inject. */
  readonly socket?: boolean;
  /**
   * Default runs per database: about as long in all as test/fuzz.test.ts (about 20 s per database on
   * a 2-core machine; measured side by side).
   */
  readonly runs: { readonly sqlite: number; readonly postgres: number };
}

const CLASSES: readonly FuzzClass[] = [
  { name: 'legal edge values', arbitrary: legalValues, runs: { sqlite: 250, postgres: 150 } },
  { name: 'wrong types for each element', arbitrary: wrongTypes, runs: { sqlite: 300, postgres: 200 } },
  { name: 'hostile child lists', arbitrary: hostileChildren, runs: { sqlite: 300, postgres: 170 } },
  { name: 'odd and long strings', arbitrary: oddStrings, runs: { sqlite: 250, postgres: 150 } },
  { name: 'dates, decimals and references', arbitrary: datesDecimalsReferences, runs: { sqlite: 300, postgres: 150 } },
  { name: 'malformed bodies', arbitrary: malformed, runs: { sqlite: 250, postgres: 150 } },
  { name: 'avatars and invitations', arbitrary: avatarsAndInvites, runs: { sqlite: 200, postgres: 100 } },
  // Over a socket, as test/fuzz.test.ts's: @fastify/multipart took a body cut short for a whole one there.
  { name: 'truncated and badly delimited uploads', arbitrary: workerUploads, runs: { sqlite: 150, postgres: 80 }, socket: true },
  { name: 'writes racing deletes', arbitrary: races, runs: { sqlite: 80, postgres: 50 } },
  { name: 'bulk writes', arbitrary: bulkWrites, runs: { sqlite: 150, postgres: 80 } },
  { name: 'hostile queries', arbitrary: hostileQueries, runs: { sqlite: 400, postgres: 250 } },
];

const tally: Array<{ dialect: string; cls: string; requests: number; ms: number; statuses: string }> = [];

/** A worker as the JSON API renders it now, or undefined when there is none. */
async function readWorker(t: TestApp, id: number): Promise<JsonWorker | undefined> {
  const res = await t.request({ method: 'GET', url: `${WORKER_PATH}/${id}`, headers: ACCEPT_JSON });
  return res.statusCode === 200 ? (JSON.parse(res.body) as JsonWorker) : undefined;
}

/** The attachments of document `document` as worker `w` renders it. */
function attachmentsOf(w: JsonWorker | undefined, document: string): Array<{ id: number }> {
  const docs = (w?.['worker-documents'] ?? []) as Array<{ id: number; attachments?: Array<{ id: number }> }>;
  return docs.find((d) => d.id === Number(document))?.attachments ?? [];
}

/** The ids of a worker's items in one of its lists. */
function childIds(w: JsonWorker | undefined, list: string): number[] {
  const items = w?.[list];
  return Array.isArray(items) ? items.map((c: { id: number }) => c.id) : [];
}

/** The rows a write changed, by the worker they belong to (`null`: a row of no worker, such as a recorded mail). */
function changedOwners(before: Record<string, string[]>, after: Record<string, string[]>): Set<number | null> {
  const owners = new Set<number | null>();
  for (const table of Object.keys(after)) {
    const a = new Set(before[table] ?? []);
    const b = new Set(after[table] ?? []);
    for (const text of [...[...a].filter((r) => !b.has(r)), ...[...b].filter((r) => !a.has(r))]) {
      const row = JSON.parse(text) as Record<string, unknown>;
      const owner = table === WORKERS.table ? row['id'] : row['worker_id'];
      owners.add(owner === undefined || owner === null ? null : Number(owner));
    }
  }
  return owners;
}

/** The document a request whose generator did not keep one sent, when the body is JSON the oracle can read. */
function jsonBody(req: FuzzRequest): unknown {
  if (typeof req.body !== 'string' || !(req.headers['content-type'] ?? '').includes('json')) return undefined;
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    return undefined;
  }
}

/** Elements other than `names` (and the stamps) read the same. */
function unchangedExcept(before: JsonWorker | undefined, after: JsonWorker, names: readonly string[]): string[] {
  if (!before) return [];
  const skip = new Set([...names, 'updated-at', 'updated-by']);
  return Object.keys({ ...before, ...after })
    .filter((k) => !skip.has(k) && !isDeepStrictEqual(before[k], after[k]))
    .map((k) => `${k} changed unasked: ${truncate(JSON.stringify(before[k]), 200)} → ${truncate(JSON.stringify(after[k]), 200)}`);
}

/** A page of workers holds at most 50 (Coupa's cap), and no more than `limit` asks for. */
function pageProblems(req: FuzzRequest, res: FuzzResponse): string[] {
  if (req.method !== 'GET' || req.path !== WORKER_PATH || res.status !== 200 || res.headers['content-type'] !== JSON_TYPE)
    return [];
  const page = JSON.parse(res.body) as unknown;
  if (!Array.isArray(page)) return ['an index answered something other than a list'];
  const limit = /(?:^|&)limit=(\d+)(?:&|$)/.exec(req.url.split('?')[1] ?? '')?.[1];
  const cap = Math.min(50, limit === undefined ? 50 : Number(limit));
  return page.length > cap ? [`an index answered ${page.length} workers, more than ${cap}`] : [];
}

for (const dialect of DIALECTS) {
  describe(`workers fuzz on ${dialect.name}`, () => {
    let t: TestApp;
    /** Every worker as last read, to compare a write's result with. */
    const model = new Map<number, JsonWorker>();

    let port = 0;

    beforeAll(async () => {
      t = await makeTestApp(dialect);
      await seed(t, model);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
    });
    afterAll(() => t.close());

    /** Everything a successful write gets wrong, reading the workers it wrote back (and updating the model). */
    async function successProblems(req: FuzzRequest, res: FuzzResponse, before: Record<string, string[]>): Promise<string[]> {
      const intent = req instanceof WorkerRequest ? req.intent : undefined;
      if (!intent) return [];
      const problems: string[] = [];
      const fullJson = res.headers['content-type'] === JSON_TYPE && !req.url.includes('?');
      const compareBody = (after: JsonWorker) => {
        if (fullJson && !isDeepStrictEqual(JSON.parse(res.body), after)) {
          problems.push(
            `the write answered ${truncate(res.body, 600)}\n  but reads back ${truncate(JSON.stringify(after), 600)}`,
          );
        }
      };
      switch (intent.kind) {
        case 'create':
        case 'update': {
          const id =
            intent.kind === 'update'
              ? Number(intent.id)
              : Number((await t.store.db.selectFrom(WORKERS.table).select('id').orderBy('id', 'desc').executeTakeFirst())?.id);
          const after = await readWorker(t, id);
          if (!after) return [`the write succeeded, but worker ${id} does not read back`];
          const doc = intent.doc === undefined ? jsonBody(req) : seenDocument(intent.doc, intent.format);
          if (doc !== undefined)
            problems.push(...readbackProblems(doc, intent.kind === 'update' ? model.get(id) : undefined, after));
          compareBody(after);
          model.set(id, after);
          return problems;
        }
        case 'bulk': {
          const results = bulkResults(res);
          if (intent.docs && results.length !== intent.docs.length) {
            problems.push(`${intent.docs.length} items sent, ${results.length} results`);
          }
          const okIds = results.filter((r) => r.ok).map((r) => r.id);
          const owners = changedOwners(before, await workerSnapshot(t.store));
          for (const owner of owners) {
            if (owner === null || !okIds.includes(owner))
              problems.push(`rows of worker ${String(owner)} changed, which no successful item names`);
          }
          for (const [i, r] of results.entries()) {
            if (!r.ok || r.id === null) continue;
            const after = await readWorker(t, r.id);
            if (!after) {
              problems.push(`item ${i + 1} succeeded, but worker ${r.id} does not read back`);
              continue;
            }
            const doc = intent.docs?.[i];
            // A worker two items wrote is compared with the last only through the model's next use.
            if (doc !== undefined && okIds.filter((x) => x === r.id).length === 1) {
              const prior = intent.mode === 'update' ? model.get(r.id) : undefined;
              problems.push(
                ...readbackProblems(seenDocument(doc, intent.format), prior, after).map((p) => `item ${i + 1}: ${p}`),
              );
            }
            model.set(r.id, after);
          }
          return problems;
        }
        case 'avatar-upload':
        case 'avatar-delete':
        case 'invite': {
          const id = Number(intent.id);
          const after = await readWorker(t, id);
          if (!after) return [`the ${intent.kind} succeeded, but worker ${intent.id} does not read back`];
          const avatar = await t.request({ method: 'GET', url: `${WORKER_PATH}/${id}/avatar` });
          if (intent.kind === 'avatar-upload') {
            problems.push(...unchangedExcept(model.get(id), after, ['avatar-file-name', 'avatar-content-type']));
            if (
              !['image/png', 'image/jpeg', 'image/gif'].includes(String(after['avatar-content-type'])) ||
              after['avatar-file-name'] === null
            ) {
              problems.push(
                `after an upload the worker names no image: ${String(after['avatar-file-name'])} ${String(after['avatar-content-type'])}`,
              );
            }
            if (avatar.statusCode !== 200 || avatar.headers['content-type'] !== after['avatar-content-type']) {
              problems.push(
                `after an upload GET …/avatar answers ${avatar.statusCode} ${String(avatar.headers['content-type'])}`,
              );
            } else if (intent.data && !avatar.rawPayload.equals(intent.data)) {
              problems.push(
                `after an upload GET …/avatar answers ${avatar.rawPayload.length} other bytes than the ${intent.data.length} sent`,
              );
            }
          } else if (intent.kind === 'avatar-delete') {
            problems.push(...unchangedExcept(model.get(id), after, ['avatar-file-name', 'avatar-content-type']));
            if (after['avatar-file-name'] !== null || after['avatar-content-type'] !== null)
              problems.push('after a delete the worker still names an avatar');
            if (avatar.statusCode !== 404) problems.push(`after a delete GET …/avatar answers ${avatar.statusCode}`);
          } else {
            problems.push(...unchangedExcept(model.get(id), after, ['portal-access']));
            if (after['portal-access'] !== 'Invited')
              problems.push(`after an invitation portal-access reads ${String(after['portal-access'])}`);
            const mails = (await workerSnapshot(t.store))['mail_messages']?.length ?? 0;
            if (mails !== (before['mail_messages']?.length ?? 0) + 1)
              problems.push(`an invitation recorded ${mails - (before['mail_messages']?.length ?? 0)} mails`);
          }
          compareBody(after);
          model.set(id, after);
          return problems;
        }
        case 'attachment-upload': {
          const id = Number(intent.id);
          const after = await readWorker(t, id);
          if (!after) return [`the upload succeeded, but worker ${intent.id} does not read back`];
          problems.push(...unchangedExcept(model.get(id), after, ['worker-documents']));
          const was = attachmentsOf(model.get(id), intent.document);
          const added = attachmentsOf(after, intent.document).filter((a) => !was.some((b) => b.id === a.id));
          const [one] = added;
          if (added.length !== 1 || !one) {
            problems.push(`an upload added ${added.length} attachments to document ${intent.document}`);
          } else {
            const file = await t.request({ method: 'GET', url: `${documentsPath(id)}/${intent.document}/attachments/${one.id}` });
            if (file.statusCode !== 200 || !file.rawPayload.equals(intent.data)) {
              problems.push(
                `the new attachment reads back ${file.statusCode}, ${file.rawPayload.length} bytes, not the ${intent.data.length} sent`,
              );
            }
          }
          model.set(id, after);
          return problems;
        }
        case 'read':
          return [];
      }
    }

    /**
     * Runs a race: makes its row (a document, or an item in one of the worker's lists), sends
     * its requests at once, and returns what is wrong: a 5xx or an answer the request does not
     * allow, anything but exactly one successful delete, the row there after a successful
     * delete (or gone without one). The row is removed after, and the worker read into the model.
     */
    async function raceProblems(race: Race, seen: (res: FuzzResponse) => void): Promise<string[]> {
      const worker = Number(race.worker);
      const problems: string[] = [];
      let rowId: number;
      if (race.target.kind === 'document') {
        const made = await t.request({ method: 'POST', url: documentsPath(worker), headers: JSON_IO, payload: RACE_DOCUMENT });
        if (made.statusCode !== 201) return [`setup: making a document answered ${made.statusCode}: ${truncate(made.body, 300)}`];
        rowId = (JSON.parse(made.body) as { id: number }).id;
      } else {
        const list = race.target.list;
        const before = childIds(await readWorker(t, worker), list);
        const payload = toJson(new Obj([[list, [race.target.item]]]));
        const made = await t.request({ method: 'PUT', url: `${WORKER_PATH}/${worker}`, headers: JSON_IO, payload });
        const fresh =
          made.statusCode === 200 ? childIds(JSON.parse(made.body) as JsonWorker, list).filter((id) => !before.includes(id)) : [];
        const [id] = fresh;
        if (fresh.length !== 1 || id === undefined)
          return [`setup: adding a ${list} item answered ${made.statusCode}: ${truncate(made.body, 300)}`];
        rowId = id;
      }
      const requests = raceRequests(race, rowId);
      const responses = await Promise.all(
        requests.map(async (req): Promise<FuzzResponse> => {
          const res = await t.app.inject({
            method: req.method,
            url: req.url,
            headers: { 'x-coupa-api-key': TEST_KEY, ...req.headers },
            ...(req.body === undefined ? {} : { payload: req.body }),
          });
          return { status: res.statusCode, headers: res.headers, body: res.body };
        }),
      );
      let deletes = 0;
      let deleted = 0;
      requests.forEach((req, i) => {
        const res = responses[i];
        const op = race.ops[i]?.op;
        if (!res || !op) return;
        seen(res);
        const wrong = [...responseProblems(req, res), ...formatProblems(req, res)];
        if (wrong.length > 0) problems.push(`${op.kind} (request ${i + 1}): ${wrong.join('; ')}\n${describeResponse(res)}`);
        if (deletesRow(op)) {
          deletes++;
          if (res.status === 200) deleted++;
        }
      });
      if (deletes > 0 && deleted !== 1) problems.push(`${deleted} of ${deletes} deletes of row ${rowId} succeeded, not one`);
      const still =
        race.target.kind === 'document'
          ? (await t.request({ method: 'GET', url: `${documentsPath(worker)}/${rowId}` })).statusCode === 200
          : childIds(await readWorker(t, worker), race.target.list).includes(rowId);
      if (deleted > 0 && still) problems.push(`row ${rowId} was deleted, but is still there`);
      if (deletes === 0 && !still) problems.push(`row ${rowId} is gone, though nothing deleted it`);
      // Leave the worker as other classes know it.
      if (still && race.target.kind === 'document') {
        await t.request({ method: 'DELETE', url: `${documentsPath(worker)}/${rowId}` });
      } else if (still && race.target.kind === 'child') {
        const payload = { [race.target.list]: [{ id: rowId, _destroy: true }] };
        await t.request({ method: 'PUT', url: `${WORKER_PATH}/${worker}`, headers: JSON_IO, payload });
      }
      const after = await readWorker(t, worker);
      if (after) model.set(worker, after);
      return problems;
    }

    // Found by this suite: a resource whose natural key is its id (workers) gets `<id>` twice in a
    // bulk result's <unique-keys>, and JSON keeps only the second. Both items are refused, so nothing changes.
    it('a bulk answer names each unique key once, and the same in XML and JSON', async () => {
      const items = [
        { id: 1, 'date-of-birth': 'not a date' },
        { id: 999, 'middle-name': 'Nobody' },
      ];
      const xml = await t.request({
        method: 'PUT',
        url: `${WORKER_PATH}?bulk=1`,
        headers: { 'content-type': 'application/xml' },
        payload: toXml(
          WORKERS.plural,
          items.map((i) => new Obj(Object.entries(i))),
        ),
      });
      const asJson = await t.request({ method: 'PUT', url: `${WORKER_PATH}?bulk=1`, headers: JSON_IO, payload: items });
      expect([xml.statusCode, asJson.statusCode]).toEqual([200, 200]);
      const xmlKeys = [...xml.body.matchAll(/<unique-keys>([\s\S]*?)<\/unique-keys>/g)].map(([, inner = '']) =>
        [...inner.matchAll(/<([a-z-]+)(?: type="\w+")?(?: nil="true" \/>|>([^<]*)<\/[a-z-]+>)/g)].map(([, name = '', v]) => [
          name,
          v ?? null,
        ]),
      );
      const jsonKeys = (JSON.parse(asJson.body) as Array<{ 'unique-keys': Record<string, unknown> }>).map((r) =>
        Object.entries(r['unique-keys']).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'string' ? String(v) : null]),
      );
      for (const keys of xmlKeys)
        expect(
          keys.map(([name]) => name),
          xml.body,
        ).toEqual([...new Set(keys.map(([name]) => name))]);
      expect(xmlKeys).toEqual(jsonKeys);
    });

    for (const cls of CLASSES) {
      it(cls.name, { timeout: 180_000 }, async () => {
        const started = Date.now();
        const logged = captureServerErrors(t);
        const statuses = new Map<string, number>();
        let requests = 0;
        const count = (res: FuzzResponse) => {
          requests++;
          const code = res.headers['x-roster-error-code'];
          const key = `${res.status}${typeof code === 'string' ? ` ${code}` : ''}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        };
        const fail = (problems: readonly string[], response?: FuzzResponse): never => {
          const serverLog = logged.take();
          throw new Error(
            [
              ...problems,
              ...(response ? ['response:', describeResponse(response)] : []),
              ...(serverLog.length > 0 ? ['server log:', ...serverLog.map((l) => `  ${truncate(l, 1000)}`)] : []),
            ].join('\n'),
          );
        };
        try {
          const onRequest = async (req: FuzzRequest): Promise<void> => {
            const before = req.isWrite ? await workerSnapshot(t.store) : undefined;
            logged.take();
            let response: FuzzResponse;
            if (cls.socket) {
              const outcome = await sendOverSocket(port, req, TEST_KEY, SOCKET_TIMEOUT_MS);
              response = outcome.response ?? fail([`connection dropped: ${outcome.dropped ?? 'no response'}`]);
            } else {
              const res = await t.app.inject({
                method: req.method,
                url: req.url,
                headers: { 'x-coupa-api-key': TEST_KEY, ...req.headers },
                ...(req.body === undefined ? {} : { payload: req.body }),
              });
              response = { status: res.statusCode, headers: res.headers, body: res.body };
            }
            count(response);
            const problems = [
              ...responseProblems(req, response),
              ...formatProblems(req, response),
              ...pageProblems(req, response),
            ];
            if (before) {
              const ok = response.status >= 200 && response.status < 300;
              if (!ok) {
                const diff = snapshotDiff(before, await workerSnapshot(t.store));
                if (diff) problems.push(`the worker tables changed on a refused write (${response.status}):\n  ${diff}`);
              } else {
                problems.push(...(await successProblems(req, response, before)));
              }
            }
            if (problems.length > 0) fail(problems, response);
          };
          const onRace = async (race: Race): Promise<void> => {
            logged.take();
            const problems = await raceProblems(race, count);
            if (problems.length > 0) fail(problems);
          };
          const property = fc.asyncProperty(cls.arbitrary, (value) => (value instanceof Race ? onRace(value) : onRequest(value)));
          try {
            await fc.assert(property, {
              seed: SEED,
              numRuns: RUNS ?? cls.runs[dialect.name],
              includeErrorInReport: true,
              interruptAfterTimeLimit: CLASS_TIME_LIMIT_MS,
              ...(PATH === undefined ? {} : { path: PATH }),
            });
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            const path = /path: "([^"]*)"/.exec(message)?.[1] ?? '';
            throw new Error(
              `workers fuzz class '${cls.name}' on ${dialect.name} failed; replay with\n` +
                `  FUZZ_SEED=${SEED} FUZZ_PATH=${path} npx vitest run test/workers-fuzz.test.ts -t '${dialect.name} ${cls.name}'\n${message}`,
            );
          }
        } finally {
          logged.restore();
          const histogram = [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}×${n}`);
          tally.push({
            dialect: dialect.name,
            cls: cls.name,
            requests,
            ms: Date.now() - started,
            statuses: histogram.join(', '),
          });
        }
        expect(requests).toBeGreaterThan(0);
      });
    }
  });
}

/** Workers 1..3, each with one item in every list it writes (the item of worker w has id w), and an avatar on worker 1. */
async function seed(t: TestApp, model: Map<number, JsonWorker>): Promise<void> {
  for (const n of [1, 2, 3]) {
    const res = await t.request({ method: 'POST', url: WORKER_PATH, headers: JSON_IO, payload: seedDocument(n) });
    expect(res.statusCode, res.body).toBe(201);
  }
  const upload = multipartFile({ filename: 'seed.png', contentType: 'image/png', data: makePng() });
  const res = await t.request({ method: 'PUT', url: `${WORKER_PATH}/1/avatar`, ...upload });
  expect(res.statusCode, res.body).toBe(200);
  // Document n of worker n, with one attachment: where the upload class sends files.
  for (const n of [1, 2, 3]) {
    const doc = await t.request({ method: 'POST', url: documentsPath(n), headers: JSON_IO, payload: RACE_DOCUMENT });
    expect(doc.statusCode, doc.body).toBe(201);
    expect((JSON.parse(doc.body) as { id: number }).id).toBe(n);
    const file = await t.request({ method: 'POST', url: `${documentsPath(n)}/${n}/attachments`, ...upload });
    expect(file.statusCode, file.body).toBe(201);
  }
  for (const n of [1, 2, 3]) {
    const w = await readWorker(t, n);
    expect(w?.id).toBe(n);
    if (!w) return;
    for (const el of WORKERS.elements) {
      if (el.kind !== 'children' || !el.in) continue;
      expect(
        (w[el.name] as Array<{ id: number }>).map((c) => c.id),
        `${el.name} of worker ${n}`,
      ).toEqual([n]);
    }
    model.set(n, w);
  }
}

afterAll(() => {
  const lines = tally.map(
    (r) =>
      `  ${r.dialect.padEnd(8)} ${r.cls.padEnd(38)} ${String(r.requests).padStart(5)} requests ${String(r.ms).padStart(6)} ms\n      ${r.statuses}`,
  );
  for (const d of new Set(tally.map((r) => r.dialect))) {
    const rows = tally.filter((r) => r.dialect === d);
    lines.push(
      `  ${d.padEnd(8)} ${'total'.padEnd(38)} ${String(rows.reduce((a, r) => a + r.requests, 0)).padStart(5)} requests ${String(rows.reduce((a, r) => a + r.ms, 0)).padStart(6)} ms`,
    );
  }
  console.log(`workers fuzz summary (seed ${SEED}):\n${lines.join('\n')}`);
});
