import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isKnownScope, SCOPES, splitScopes } from '../../catalog/scopes.js';
import { textProblem } from '../../catalog/values.js';
import type { CredentialService } from '../../domain/credential-service.js';
import { isRosterError, RosterError } from '../../domain/errors.js';
import type { TokenService } from '../../domain/tokens.js';
import { sendInternalError } from '../error-handler.js';
import { sendError } from '../reply.js';

export interface OAuthRoutesDeps {
  readonly credentials: CredentialService;
  readonly tokens: TokenService;
}

type Form = Record<string, string | string[] | undefined>;

interface ClientCredentials {
  readonly id: string;
  readonly secret: string;
  /** Sent as HTTP Basic: a failure then answers with a Basic challenge. */
  readonly basic: boolean;
}

/** One value of a form parameter; RFC 6749 §3.2: parameters must not be repeated. */
function param(form: Form, name: string): string | undefined {
  const v = form[name];
  if (Array.isArray(v)) throw new RosterError('invalid_request', `Parameter ${name} is repeated`);
  return v === '' ? undefined : v;
}

/** One half of HTTP Basic credentials, form-decoded; like the body's parameters, it must be storable text. */
function formDecode(text: string, name: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw new RosterError('invalid_request', 'The Basic credentials are not validly form-encoded');
  }
  const problem = textProblem(decoded);
  if (problem) throw new RosterError('invalid_request', `Parameter ${name} ${problem}`);
  return decoded;
}

/** Client id and secret from HTTP Basic (form-encoded, then base64, per RFC 6749 §2.3.1) or from the body, not both. */
function clientCredentials(request: FastifyRequest, form: Form): ClientCredentials {
  const header = request.headers.authorization;
  const bodyId = param(form, 'client_id');
  const bodySecret = param(form, 'client_secret');
  if (header !== undefined) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const at = decoded.indexOf(':');
    if (at < 0)
      throw new RosterError('invalid_request', 'The Authorization header must be HTTP Basic with client_id:client_secret');
    if (bodySecret !== undefined) {
      throw new RosterError('invalid_request', 'Send the client credentials either as HTTP Basic or in the body, not both');
    }
    const id = formDecode(decoded.slice(0, at), 'client_id');
    if (bodyId !== undefined && bodyId !== id)
      throw new RosterError('invalid_request', 'client_id differs from the Basic credentials');
    return { id, secret: formDecode(decoded.slice(at + 1), 'client_secret'), basic: true };
  }
  if (bodyId === undefined) throw new RosterError('invalid_client', 'Send client_id and client_secret (or HTTP Basic)');
  if (bodySecret === undefined) throw new RosterError('invalid_client', 'client_secret is missing');
  return { id: bodyId, secret: bodySecret, basic: false };
}

/** `/oauth2/token` (and Coupa's `/oauth2/access_tokens`): the client-credentials grant. */
export async function registerOAuthRoutes(app: FastifyInstance, deps: OAuthRoutesDeps): Promise<void> {
  await app.register(async (scope) => {
    // Form bodies only here (the API itself speaks XML and JSON); any other body is read as
    // text so the handler refuses it in OAuth's shape, not Coupa's.
    scope.removeAllContentTypeParsers();
    await scope.register(formbody);
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
      done(null, body);
    });
    // Whatever fails before the handler (a body too large, say) is an OAuth error too.
    scope.setErrorHandler((err: FastifyError, request, reply) => {
      if (isRosterError(err)) return sendError(request, reply, err.code, err.messages);
      if ((err.statusCode ?? 500) >= 500) return sendInternalError(request, reply, err);
      return sendError(request, reply, 'invalid_request', [
        err.statusCode === 413 ? 'The request body is too large' : err.message,
      ]);
    });

    const token = async (request: FastifyRequest, reply: FastifyReply) => {
      const type = request.headers['content-type'] ?? '';
      if (!/^application\/x-www-form-urlencoded\b/i.test(type) || typeof request.body !== 'object') {
        throw new RosterError('invalid_request', 'Send the token request as application/x-www-form-urlencoded');
      }
      const form = (request.body ?? {}) as Form;
      const grant = param(form, 'grant_type');
      if (grant === undefined) throw new RosterError('invalid_request', 'grant_type is missing');
      const creds = clientCredentials(request, form);
      if (grant !== 'client_credentials') {
        throw new RosterError('unsupported_grant_type', `Grant type ${grant} is not supported; use client_credentials`);
      }
      const client = await deps.credentials.authenticateClient(creds.id, creds.secret).catch((err: unknown) => {
        // A failed Basic authentication answers 401 with a challenge (RFC 6749 §5.2).
        if (creds.basic) void reply.header('www-authenticate', 'Basic realm="roster"');
        throw err;
      });
      const requested = param(form, 'scope');
      const scopes = requested === undefined ? [...client.scopes] : splitScopes(requested);
      const unknown = scopes.filter((s) => !isKnownScope(s));
      if (unknown.length > 0) throw new RosterError('invalid_scope', `Unknown scope ${unknown.join(', ')}`);
      const denied = scopes.filter((s) => !client.scopes.includes(s));
      if (denied.length > 0) throw new RosterError('invalid_scope', `Scope ${denied.join(', ')} was not granted to this client`);
      if (scopes.length === 0) throw new RosterError('invalid_scope', 'Ask for at least one scope');
      const issued = await deps.tokens.issue(client.clientId, scopes);
      return reply
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .type('application/json; charset=utf-8')
        .send({ access_token: issued.token, token_type: 'bearer', expires_in: issued.expiresIn, scope: scopes.join(' ') });
    };
    const config = { public: true, resource: 'oauth' };
    scope.post('/oauth2/token', { config }, token);
    scope.post('/oauth2/access_tokens', { config }, token);
    scope.get('/oauth2/scopes', { config }, async (_request, reply) =>
      reply.type('application/json; charset=utf-8').send(SCOPES.map((s) => ({ scope: s.name, description: s.description }))),
    );
  });
}
