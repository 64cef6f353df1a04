/**
 * Google identity, emulated: the OAuth token endpoint (refresh-token and service-account
 * JWT-bearer grants; `invalid_grant` for anything unknown), the PEM certificates endpoint, and an
 * RSA key that signs Pub/Sub push OIDC tokens the way Google does.
 */

import {
  createSign,
  createVerify,
  generateKeyPair,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { promisify } from 'node:util';
import type { Hono } from 'hono';
import { type Faults, hang } from '../faults.js';

const TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export interface ServiceAccountKey {
  type: 'service_account';
  client_email: string;
  private_key: string;
  private_key_id: string;
  token_uri: string;
}

type KeyPair = { publicKey: KeyObject; privateKey: KeyObject };
export interface IdentityKeys {
  /** Signs push OIDC tokens; its public half is served by the certs endpoint. */
  signing: KeyPair;
  /** The service account's key, whose private half goes into the key file. */
  serviceAccount: KeyPair;
}

/** Both RSA keys, generated in parallel off the main thread (about half the wait of doing it inline). */
export async function generateIdentityKeys(): Promise<IdentityKeys> {
  const generate = () => promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const [signing, serviceAccount] = await Promise.all([generate(), generate()]);
  return { signing, serviceAccount };
}

export function createGoogleIdentity(
  options: {
    clientId?: string;
    clientSecret?: string;
    now?: () => number;
    keys?: IdentityKeys;
  } = {},
) {
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? 'sandbox-client.apps.googleusercontent.com';
  const clientSecret = options.clientSecret ?? 'sandbox-client-secret';
  const refreshTokens = new Set<string>(['sandbox-refresh-token']);
  const accessTokens = new Map<string, { subject: string; expiresAt: number }>();
  const signing = options.keys?.signing ?? generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  const serviceAccount =
    options.keys?.serviceAccount ?? generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccountEmail = 'negotiator-sheets@sandbox.iam.gserviceaccount.com';

  function issue(subject: string) {
    const token = `ya29.sandbox-${randomBytes(12).toString('hex')}`;
    accessTokens.set(token, { subject, expiresAt: now() + 3_599_000 });
    return {
      access_token: token,
      expires_in: 3599,
      token_type: 'Bearer',
      scope: 'https://www.googleapis.com/auth/gmail.modify',
    };
  }

  /** Verifies a service account's signed JWT assertion (RS256). */
  function assertionSubject(assertion: string): string | null {
    const [header, payload, signature] = assertion.split('.');
    if (!header || !payload || !signature) return null;
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${header}.${payload}`);
    if (!verifier.verify(serviceAccount.publicKey, Buffer.from(signature, 'base64url')))
      return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      iss?: string;
      aud?: string;
      exp?: number;
    };
    if (claims.iss !== serviceAccountEmail || claims.aud !== TOKEN_AUDIENCE) return null;
    if (!claims.exp || claims.exp * 1000 < now()) return null;
    return claims.iss;
  }

  return {
    clientId,
    clientSecret,
    refreshToken: 'sandbox-refresh-token',
    /** Mount the token and certificate routes on an emulator app. */
    mount(app: Hono, faults?: Faults): void {
      app.post('/token', async (c) => {
        // Google's token endpoint answers outages in OAuth's error shape, not the API one.
        const fault = await faults?.next('token');
        if (fault?.kind === 'timeout' || fault?.kind === 'lost') return hang();
        if (fault?.kind === 'status')
          return c.json(
            { error: 'temporarily_unavailable', error_description: 'sandbox fault' },
            fault.status as 503,
          );
        const form = new URLSearchParams(await c.req.text());
        const grant = form.get('grant_type');
        const invalid = () =>
          c.json({ error: 'invalid_grant', error_description: 'Bad Request' }, 400);
        if (grant === 'refresh_token') {
          if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
            return c.json({ error: 'invalid_client', error_description: 'Unauthorized' }, 401);
          }
          return refreshTokens.has(form.get('refresh_token') ?? '')
            ? c.json(issue('mailbox'))
            : invalid();
        }
        if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
          const subject = assertionSubject(form.get('assertion') ?? '');
          return subject ? c.json(issue(subject)) : invalid();
        }
        return c.json(
          { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grant}` },
          400,
        );
      });
      app.get('/oauth2/v1/certs', (c) => {
        c.header('cache-control', 'public, max-age=3600');
        return c.json({
          [kid]: signing.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        });
      });
    },
    /** Whether a request carries a live access token from this emulator. */
    authorized(header: string | undefined): boolean {
      const token = header?.replace(/^Bearer\s+/i, '') ?? '';
      const entry = accessTokens.get(token);
      return entry !== undefined && entry.expiresAt > now();
    },
    revokeRefreshToken: (token: string): void => void refreshTokens.delete(token),
    /** A service-account key file whose JWT-bearer grant this emulator honours. */
    serviceAccountKey(tokenUri: string): ServiceAccountKey {
      return {
        type: 'service_account',
        client_email: serviceAccountEmail,
        private_key: serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        private_key_id: 'sandbox-key-1',
        token_uri: tokenUri,
      };
    },
    /** An OIDC token as Pub/Sub push sends it (RS256, iss accounts.google.com). */
    mintIdToken(claims: {
      audience: string;
      email: string;
      emailVerified?: boolean;
      expiresInS?: number;
      issuer?: string;
    }): string {
      const iat = Math.floor(now() / 1000);
      const header = b64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }));
      const payload = b64url(
        JSON.stringify({
          iss: claims.issuer ?? 'https://accounts.google.com',
          aud: claims.audience,
          sub: '1234567890',
          email: claims.email,
          email_verified: claims.emailVerified ?? true,
          iat,
          exp: iat + (claims.expiresInS ?? 3600),
        }),
      );
      const signer = createSign('RSA-SHA256');
      signer.update(`${header}.${payload}`);
      return `${header}.${payload}.${b64url(signer.sign(signing.privateKey))}`;
    },
  };
}

export type GoogleIdentity = ReturnType<typeof createGoogleIdentity>;
