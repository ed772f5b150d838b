import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import type { WebSessionRepository } from '../store/web-session-repository.js';

/** Eight hours, when a session's cookie names no expiry. */
const DEFAULT_LIFETIME_MS = 8 * 60 * 60 * 1000;

/** @fastify/session's callback store over the `web_sessions` table. */
export function sessionStore(repo: WebSessionRepository): SessionStore {
  return {
    set(sid, session, callback) {
      const expires = session.cookie.expires ?? new Date(Date.now() + DEFAULT_LIFETIME_MS);
      repo.set(sid, JSON.stringify(session), expires.toISOString()).then(() => callback(), callback);
    },
    get(sid, callback) {
      repo.get(sid).then(
        (data) => callback(null, data === undefined ? null : (JSON.parse(data) as Session)),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
    destroy(sid, callback) {
      repo.destroy(sid).then(() => callback(), callback);
    },
  };
}
