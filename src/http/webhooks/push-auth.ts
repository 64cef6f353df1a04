/**
 * Who may push to the Gmail webhook. Two ways, as Pub/Sub offers them:
 *
 * - `oidc`: Pub/Sub signs each push with a Google OIDC token for a service account. The token is
 *   verified with google-auth-library (signature against Google's certificates, expiry, issuer,
 *   audience); the library does not look at `email`/`email_verified`, so those are checked here.
 * - `token`: a shared secret in the push endpoint's `?token=` query, compared in constant time.
 *
 * Status codes: 401 when no credential is present or the credential itself is not acceptable
 * (malformed, forged, expired, wrong audience or issuer, unverified email — we cannot tell who is
 * calling); 403 when the token is genuine and meant for us but names another principal (we know
 * who is calling, and they may not push). 503 when Google's certificates cannot be fetched: that
 * says nothing about the caller, and Pub/Sub retries any non-2xx.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { gaxios, OAuth2Client } from 'google-auth-library';
import type { Config } from '../../config.js';

/** The credentials a push request carries; the verifier never sees the body. */
export interface PushCredentials {
  /** The `Authorization` header, if any. */
  authorization: string | undefined;
  /** The `?token=` query parameter, if any. */
  queryToken: string | undefined;
}

export type PushAuthResult =
  | { ok: true; principal: string }
  | {
      ok: false;
      status: 401 | 403 | 503;
      /** Safe to log: never contains the token or its claims. */
      reason: string;
    };

export interface PushVerifier {
  readonly kind: 'oidc' | 'token';
  verify(credentials: PushCredentials): Promise<PushAuthResult>;
}

export type PushVerifierOptions =
  | {
      kind: 'oidc';
      /** The audience set on the push subscription (often the endpoint URL). */
      audience: string;
      /** The service account the subscription pushes as. */
      serviceAccountEmail: string;
      /** Where Google's PEM certificates are served; the public URL unless set (the sandbox). */
      certsUrl?: string;
    }
  | { kind: 'token'; token: string };

/** Google's ID tokens carry one of these as `iss`; nothing else (e.g. a universe domain) is ok. */
const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

export function createPushVerifier(options: PushVerifierOptions): PushVerifier {
  return options.kind === 'oidc' ? createOidcVerifier(options) : createTokenVerifier(options.token);
}

export class PushAuthConfigError extends Error {
  constructor() {
    super(
      'Gmail push authentication is not configured: set GMAIL_PUSH_AUDIENCE and ' +
        'GMAIL_PUSH_SERVICE_ACCOUNT (Pub/Sub OIDC tokens), or GMAIL_PUSH_TOKEN (a shared ?token= secret)',
    );
    this.name = 'PushAuthConfigError';
  }
}

/** Whether pushes can be verified: both OIDC settings, or the shared token. */
export function pushConfigured(config: Pick<Config, 'gmail' | 'secrets'>): boolean {
  const { audience, serviceAccount } = config.gmail.push;
  return Boolean((audience && serviceAccount) || config.secrets.GMAIL_PUSH_TOKEN);
}

/** OIDC when both its settings are present, else the shared token, else a configuration error. */
export function pushVerifierFromConfig(
  config: Pick<Config, 'gmail' | 'secrets' | 'endpoints'>,
): PushVerifier {
  const { audience, serviceAccount } = config.gmail.push;
  if (audience && serviceAccount) {
    const certsUrl = config.endpoints.googleCertsUrl;
    return createPushVerifier({
      kind: 'oidc',
      audience,
      serviceAccountEmail: serviceAccount,
      ...(certsUrl ? { certsUrl } : {}),
    });
  }
  const token = config.secrets.GMAIL_PUSH_TOKEN;
  if (token) return createPushVerifier({ kind: 'token', token });
  throw new PushAuthConfigError();
}

function createOidcVerifier(options: Extract<PushVerifierOptions, { kind: 'oidc' }>): PushVerifier {
  // One client per verifier: it caches the certificates for as long as Google's max-age allows.
  const client = new OAuth2Client({
    issuers: GOOGLE_ISSUERS,
    ...(options.certsUrl
      ? { endpoints: { oauth2FederatedSignonPemCertsUrl: options.certsUrl } }
      : {}),
  });
  const expectedEmail = options.serviceAccountEmail.trim().toLowerCase();
  const fail = (status: 401 | 403 | 503, reason: string): PushAuthResult => ({
    ok: false,
    status,
    reason,
  });

  return {
    kind: 'oidc',
    async verify({ authorization }) {
      if (!authorization) return fail(401, 'no authorization header');
      const match = /^Bearer\s+([^\s]+)\s*$/i.exec(authorization.trim());
      if (!match?.[1]) return fail(401, 'authorization is not a bearer token');
      let payload: { iss?: string; email?: string; email_verified?: boolean } | undefined;
      try {
        const ticket = await client.verifyIdToken({
          idToken: match[1],
          audience: options.audience,
        });
        payload = ticket.getPayload();
      } catch (error) {
        return isCertificateFetchFailure(error)
          ? fail(503, 'google certificates unavailable')
          : fail(401, tokenProblem(error));
      }
      // The library checked the issuer already; checked again so a changed default cannot widen it.
      if (!payload?.iss || !GOOGLE_ISSUERS.includes(payload.iss)) return fail(401, 'wrong issuer');
      if (!payload.email) return fail(401, 'token has no email');
      if (payload.email_verified !== true) return fail(401, 'email not verified');
      if (payload.email.toLowerCase() !== expectedEmail) return fail(403, 'wrong service account');
      return { ok: true, principal: payload.email };
    },
  };
}

function createTokenVerifier(secret: string): PushVerifier {
  // Digests have equal length whatever the input, so the comparison takes the same time for a
  // short, long or almost-right guess: no early return on length.
  const expected = createHash('sha256').update(secret).digest();
  return {
    kind: 'token',
    async verify({ queryToken }) {
      if (!queryToken) return { ok: false, status: 401, reason: 'no token' };
      const given = createHash('sha256').update(queryToken).digest();
      return timingSafeEqual(given, expected)
        ? { ok: true, principal: 'shared-token' }
        : { ok: false, status: 401, reason: 'wrong token' };
    },
  };
}

function isCertificateFetchFailure(error: unknown): boolean {
  return (
    error instanceof gaxios.GaxiosError ||
    (error instanceof Error && error.message.startsWith('Failed to retrieve verification'))
  );
}

/**
 * google-auth-library reports every token problem as a plain Error whose message embeds the token
 * or its claims, so the message is never logged: it is mapped to a fixed reason here.
 */
function tokenProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const known: Array<[string, string]> = [
    ['Wrong number of segments', 'malformed token'],
    ["Can't parse token", 'malformed token'],
    ['No pem found', 'unknown signing key'],
    ['Invalid token signature', 'bad signature'],
    ['Token used too late', 'expired'],
    ['Token used too early', 'not yet valid'],
    ['Expiration time too far', 'lifetime too long'],
    ['Invalid issuer', 'wrong issuer'],
    ['Wrong recipient', 'wrong audience'],
  ];
  return known.find(([prefix]) => message.startsWith(prefix))?.[1] ?? 'invalid token';
}
