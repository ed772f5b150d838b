// How the client proves who it is to Coupa: a legacy API key header, or an OAuth 2.0 access token
// from the client-credentials grant (RFC 6749 §4.4), cached and renewed before it expires.

import { SyncFatalError } from '../types.js';

/** A Coupa integration's credentials. */
export type Credentials =
  /** Sent as `X-COUPA-API-KEY` on every call. */
  | { readonly kind: 'api-key'; readonly key: string }
  /** Exchanged at `{base}/oauth2/token` for a bearer token; `scopes` space-separated (`core.user.read core.user.write`). */
  | { readonly kind: 'oauth'; readonly clientId: string; readonly clientSecret: string; readonly scopes: string };

/** Header name → value that authenticate one API call. */
export type AuthHeaders = Readonly<Record<string, string>>;

/** A token request's outcome as the client reports it (a `CoupaOutcome` fits). */
export type TokenAnswer =
  | { readonly kind: 'answer'; readonly status: number; readonly body: unknown; readonly errorText: string | undefined }
  | { readonly kind: 'unknown' | 'failed'; readonly reason: string };

/**
 * Sends one token request: POST `form` (application/x-www-form-urlencoded) to `url`, through the client's
 * limits, retries and journal. Resolves `null` when the run was interrupted.
 */
export type TokenPost = (url: string, form: URLSearchParams) => Promise<TokenAnswer | null>;

/** What the client asks of its credentials. */
export interface Authorizer {
  /**
   * The headers for the next call; `null` when the run was interrupted while a token was fetched.
   * Rejects with SyncFatalError when no token can be had (refused credentials, unreachable endpoint).
   */
  headers(): Promise<AuthHeaders | null>;
  /**
   * After a 401 to a call sent with `used`: forget that token (if it is still the current one) so the
   * next `headers()` fetches another. `false` when there is nothing to renew (an API key).
   */
  renew(used: AuthHeaders): boolean;
  /** Every secret this authorizer has held (key, client secret, tokens), to scrub from any text. */
  secrets(): readonly string[];
}

/** Renew this long before the token expires… */
const RENEW_BEFORE_MS = 60_000;
/** …unless it lives less than twice that: then at half its life. */
const SHORT_LIFE_MS = 2 * RENEW_BEFORE_MS;
/** Secrets shorter than this are not scrubbed (it would mangle every text); none real is that short. */
const MIN_SECRET = 4;

/** `text` with every secret of `secrets` replaced by `[secret]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= MIN_SECRET) out = out.replaceAll(secret, '[secret]');
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class ApiKeyAuthorizer implements Authorizer {
  private readonly sent: AuthHeaders;
  constructor(private readonly key: string) {
    this.sent = { 'X-COUPA-API-KEY': key };
  }
  headers(): Promise<AuthHeaders> {
    return Promise.resolve(this.sent);
  }
  renew(): boolean {
    return false;
  }
  secrets(): readonly string[] {
    return [this.key];
  }
}

interface Token {
  readonly value: string;
  /** Clock time (ms) after which `headers()` fetches a new one; Infinity when the answer gave no lifetime. */
  readonly renewAt: number;
}

class OAuthAuthorizer implements Authorizer {
  private current: Token | undefined;
  /** The one token request in flight; concurrent callers share it. */
  private pending: Promise<Token | null> | undefined;
  private readonly held: string[];

  constructor(
    private readonly credentials: Extract<Credentials, { kind: 'oauth' }>,
    private readonly tokenUrl: string,
    private readonly post: TokenPost,
    private readonly now: () => number,
  ) {
    this.held = [credentials.clientSecret];
  }

  async headers(): Promise<AuthHeaders | null> {
    const token = await this.token();
    return token && { Authorization: `Bearer ${token.value}` };
  }

  renew(used: AuthHeaders): boolean {
    if (this.current && used['Authorization'] === `Bearer ${this.current.value}`) this.current = undefined;
    return true;
  }

  secrets(): readonly string[] {
    return this.held;
  }

  private token(): Promise<Token | null> {
    if (this.current && this.now() < this.current.renewAt) return Promise.resolve(this.current);
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private fatal(message: string): SyncFatalError {
    return new SyncFatalError(redact(message, this.held));
  }

  /** RFC 6749 §4.4.2: grant_type, scope, and the client's credentials in the body (§2.3.1). */
  private async fetchToken(): Promise<Token | null> {
    const { clientId, clientSecret, scopes } = this.credentials;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    if (scopes.trim() !== '') form.set('scope', scopes.trim());
    const started = this.now();
    const answer = await this.post(this.tokenUrl, form);
    if (answer === null) return null;
    const what = `OAuth token request for client ${clientId} to ${this.tokenUrl}`;
    if (answer.kind !== 'answer') throw this.fatal(`${what} failed: ${answer.reason}`);
    const { status, body, errorText } = answer;
    const detail = errorText === undefined ? '' : `: ${errorText}`;
    // RFC 6749 §5.2: 400 (invalid_scope, invalid_grant…) or 401 (invalid_client): the credentials are wrong.
    if (status === 400 || status === 401) throw this.fatal(`${what} was refused (HTTP ${status})${detail}`);
    if (status < 200 || status > 299) throw this.fatal(`${what} failed (HTTP ${status})${detail}`);
    const value = isRecord(body) ? body['access_token'] : undefined;
    if (typeof value !== 'string' || value === '') throw this.fatal(`${what}: the answer holds no access_token`);
    this.held.push(value);
    const lifetime = isRecord(body) ? Number(body['expires_in']) : NaN;
    const lifeMs = lifetime * 1000;
    // Counted from the request's start: the token may have been issued at any moment after it.
    const renewAt =
      !Number.isFinite(lifeMs) || lifeMs <= 0
        ? Infinity
        : started + (lifeMs < SHORT_LIFE_MS ? lifeMs / 2 : lifeMs - RENEW_BEFORE_MS);
    this.current = { value, renewAt };
    return this.current;
  }
}

/**
 * The authorizer for `credentials`. OAuth tokens come from `tokenUrl` through `post`, are cached, renewed
 * 60 s before they expire (at half-life when `expires_in` is under 120 s; never, when it is absent: then only
 * after a 401), and fetched by one request at a time. `now` is the clock in milliseconds.
 * Throws SyncFatalError for an empty key, client id or secret.
 */
export function authorizer(credentials: Credentials, tokenUrl: string, post: TokenPost, now: () => number): Authorizer {
  if (credentials.kind === 'api-key') {
    if (credentials.key === '') throw new SyncFatalError('The Coupa API key is empty');
    return new ApiKeyAuthorizer(credentials.key);
  }
  if (credentials.clientId === '' || credentials.clientSecret === '') {
    throw new SyncFatalError('The OAuth client id and secret must not be empty');
  }
  return new OAuthAuthorizer(credentials, tokenUrl, post, now);
}
