// An integration test a connector's team writes against Roster (docs/testing-with-roster.md).
// Plain Node.js, no dependencies: run it with `node --test examples/connector.test.mjs`, with
// ROSTER_URL, ROSTER_API_KEY and ROSTER_ADMIN_KEY set to the server's address and keys.
/* global fetch -- for ESLint: Node's own */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

const { ROSTER_URL, ROSTER_API_KEY, ROSTER_ADMIN_KEY } = process.env;
if (!ROSTER_URL || !ROSTER_API_KEY || !ROSTER_ADMIN_KEY) {
  throw new Error('set ROSTER_URL, ROSTER_API_KEY and ROSTER_ADMIN_KEY (docs/testing-with-roster.md)');
}

/** A call to Coupa's API, as the connector makes it. */
function api(method, path, body) {
  return fetch(`${ROSTER_URL}${path}`, {
    method,
    headers: { 'X-COUPA-API-KEY': ROSTER_API_KEY, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A call to Roster's own controls, which set the scene. */
async function control(method, path, body) {
  const res = await fetch(`${ROSTER_URL}/_roster${path}`, {
    method,
    headers: { 'X-Roster-Admin-Key': ROSTER_ADMIN_KEY, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} /_roster${path}: ${res.status} ${await res.clone().text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** The code under test: in your suite, import your connector's client instead. */
async function updateUser(id, changes, { attempts = 5 } = {}) {
  for (let attempt = 1; ; attempt++) {
    const res = await api('PUT', `/api/users/${id}`, changes);
    const transient = res.status === 429 || res.status >= 500;
    if (!transient || attempt === attempts) return { status: res.status, attempt, user: await res.json() };
    // Wait as the server asks (Retry-After, in seconds), or a little.
    const seconds = Number(res.headers.get('retry-after') ?? '0.1');
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
}

async function createUser(login) {
  const res = await api('POST', '/api/users', {
    login,
    email: `${login}@example.com`,
    firstname: 'Test',
    lastname: login,
  });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

beforeEach(async () => {
  // The data as the server started (its --seed fixture), the clock on real time,
  // and no faults or journal left from the test before: a reset keeps those two.
  await control('POST', '/reset');
  await control('DELETE', '/faults');
  await control('DELETE', '/requests');
});

describe('the connector', () => {
  it('retries a 503 and writes once', async () => {
    const user = await createUser('retry.me');
    await control('POST', '/faults', { method: 'PUT', path: '/api/users/*', status: 503, times: 2, 'retry-after': 1 });

    const result = await updateUser(user.id, { lastname: 'Retried' });
    assert.equal(result.status, 200);
    assert.equal(result.attempt, 3);
    assert.equal(result.user.lastname, 'Retried');

    // The journal, newest first: two injected 503s, then one write.
    const { requests } = await control('GET', `/requests?method=PUT&path=/api/users/${user.id}`);
    assert.deepEqual(
      requests.map((r) => [r.status, r['error-code']]),
      [
        [200, null],
        [503, 'injected_fault'],
        [503, 'injected_fault'],
      ],
    );
  });

  it('polls updated-at and picks up only what changed since', async () => {
    await control('PUT', '/clock', { now: '2030-01-01T09:00:00Z', frozen: true });
    const ada = await createUser('ada');
    await createUser('grace');

    // An hour later, one user changes and one is new.
    await control('PUT', '/clock', { now: '2030-01-01T10:00:00Z', frozen: true });
    assert.equal((await updateUser(ada.id, { lastname: 'Lovelace' })).status, 200);
    await createUser('hedy');

    // What the connector asks on its next poll, with the time of its last one.
    const res = await api('GET', '/api/users?updated-at[gt]=2030-01-01T09:30:00Z&order_by=login&fields=["login","updated-at"]');
    assert.deepEqual(await res.json(), [
      { login: 'ada', 'updated-at': '2030-01-01T10:00:00Z' },
      { login: 'hedy', 'updated-at': '2030-01-01T10:00:00Z' },
    ]);
  });
});
