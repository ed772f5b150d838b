// One HTTP attempt over fetch (undici): send, read the whole answer within the timeout, and say what
// became of it in terms the retry rules use (was the request possibly acted on? can a retry help?).

import type { AuthHeaders } from './credentials.js';

/** What one attempt's request is. */
export interface Spec {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: string;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
  /** Safe to repeat whatever happened (GET, the token request). */
  readonly idempotent: boolean;
  /** Carries the credentials' headers (not the token request itself). */
  readonly authenticated: boolean;
  readonly key: string | undefined;
  readonly note: string | undefined;
}

/** What one attempt came to. `sent`: the request may have reached the server; `permanent`: retrying can't help. */
export type Exchange =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: Headers; readonly body: unknown }
  | { readonly kind: 'no-answer'; readonly error: string; readonly sent: boolean; readonly permanent: boolean }
  | { readonly kind: 'interrupted' };

/** Failures while connecting: nothing was sent, so even a write may be retried. */
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
};

/** Failures once connected: the request may have been read and acted on. */
const LATER_FAILURES: Readonly<Record<string, string>> = {
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_HEADERS_TIMEOUT: 'no answer headers in time',
  UND_ERR_BODY_TIMEOUT: 'answer body stalled',
};

/** The first error code in `err`'s cause chain (undici wraps the socket's error as `cause`). */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 4) return undefined;
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  return errorCode(cause, depth + 1) ?? (Array.isArray(errors) ? errorCode(errors[0], depth + 1) : undefined);
}

/** A network error as a short reason. `status` is set when the headers had arrived before it. */
function networkFailure(err: unknown, status: number | undefined): Exchange {
  const code = errorCode(err);
  if (status !== undefined) {
    return { kind: 'no-answer', error: `connection lost mid-answer (HTTP ${status})`, sent: true, permanent: false };
  }
  if (code !== undefined && code in CONNECT_FAILURES) {
    return { kind: 'no-answer', error: CONNECT_FAILURES[code] ?? code, sent: false, permanent: false };
  }
  if (code !== undefined && code in LATER_FAILURES) {
    return { kind: 'no-answer', error: LATER_FAILURES[code] ?? code, sent: true, permanent: false };
  }
  if (code !== undefined && /CERT|TLS|SSL/.test(code)) {
    // Certificate and TLS errors happen before the request is sent, and won't mend themselves.
    return { kind: 'no-answer', error: `TLS error: ${code}`, sent: false, permanent: true };
  }
  const message = err instanceof Error ? err.message : String(err);
  if (code === undefined && err instanceof TypeError && message !== 'fetch failed' && message !== 'terminated') {
    // fetch refused to build the request (a bad header value): it never left.
    return { kind: 'no-answer', error: `request not sent: ${message}`, sent: false, permanent: true };
  }
  return { kind: 'no-answer', error: `network error: ${code ?? message}`, sent: true, permanent: false };
}

const isJson = (contentType: string | null): boolean => contentType !== null && /[/+]json\b/i.test(contentType);

/** The body as JSON when the type says so (and it parses), else as text. */
function parseBody(text: string, contentType: string | null): unknown {
  if (!isJson(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** One attempt: send, and read the whole answer within `timeoutMs`. Never rejects. */
export async function exchange(spec: Spec, headers: AuthHeaders, timeoutMs: number, stop: AbortSignal): Promise<Exchange> {
  // One controller per attempt, its listeners removed after: a long run makes many thousands of attempts.
  const controller = new AbortController();
  const timedOut = new Error('timed out');
  const timer = setTimeout(() => controller.abort(timedOut), timeoutMs);
  const cutOff = (): void => controller.abort();
  // A write in flight is let finish (bounded by the timeout): cut off, its effect would be unknown.
  if (spec.idempotent) stop.addEventListener('abort', cutOff, { once: true });
  let status: number | undefined;
  try {
    // Redirects are not followed: the credentials' header would go wherever the Location says.
    const response = await fetch(spec.url, {
      method: spec.method,
      headers,
      body: spec.body,
      signal: controller.signal,
      redirect: 'manual',
    });
    status = response.status;
    const text = await response.text();
    return { kind: 'answer', status, headers: response.headers, body: parseBody(text, response.headers.get('content-type')) };
  } catch (err) {
    if (controller.signal.reason === timedOut)
      return { kind: 'no-answer', error: `timed out after ${timeoutMs} ms`, sent: true, permanent: false };
    if (controller.signal.aborted) return { kind: 'interrupted' };
    return networkFailure(err, status);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', cutOff);
  }
}
