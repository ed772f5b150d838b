import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { SigningKey } from '../store/signing-key-repository.js';
import type { Clock } from './clock.js';
import { RosterError } from './errors.js';

/** Coupa's tokens live a day less a second. */
export const TOKEN_TTL_SECONDS = 86399;
const ISSUER = 'roster';
const AUDIENCE = 'roster-api';

export interface TokenClaims {
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

const MAX_CACHED = 10_000;

/** Issues and verifies the signed JWT access tokens of the client-credentials grant. */
export class TokenService {
  /** Verified tokens, so a connector's burst costs one signature check; expiry is still checked each time. */
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    private readonly key: SigningKey,
    private readonly clock: Clock,
  ) {}

  async issue(clientId: string, scopes: readonly string[]): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(this.clock() / 1000);
    const token = await new SignJWT({ scope: scopes.join(' ') })
      .setProtectedHeader({ alg: this.key.algorithm, kid: this.key.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_TTL_SECONDS)
      .setJti(randomUUID())
      .sign(this.key.secret);
    return { token, expiresIn: TOKEN_TTL_SECONDS };
  }

  /** The token's client and scopes; 401 when it is malformed, tampered with, foreign or expired. */
  async verify(token: string): Promise<TokenClaims> {
    const now = this.clock();
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.expiresAt > now) return hit;
      this.verified.delete(token);
      throw expired();
    }
    let claims: TokenClaims;
    try {
      const { payload } = await jwtVerify(token, this.key.secret, {
        algorithms: [this.key.algorithm],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: new Date(now),
        requiredClaims: ['sub', 'exp'],
      });
      const scope = typeof payload.scope === 'string' ? payload.scope : '';
      claims = {
        clientId: payload.sub ?? '',
        scopes: scope.split(' ').filter((s) => s !== ''),
        expiresAt: (payload.exp ?? 0) * 1000,
      };
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw expired();
      throw new RosterError('unauthorized', 'The access token is invalid');
    }
    if (this.verified.size >= MAX_CACHED) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }
}

const expired = (): RosterError => new RosterError('unauthorized', 'The access token has expired; request a new one');
