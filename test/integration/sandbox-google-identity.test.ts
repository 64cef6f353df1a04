/** google-auth-library (both auth flows, and verifyIdToken) against the sandbox identity routes. */
import { JWT, OAuth2Client } from 'google-auth-library';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleTokenRedirect } from '../../src/sandbox/google/emulator.js';
import { createGoogleIdentity } from '../../src/sandbox/google/identity.js';
import { type RunningEmulator, startEmulator } from '../../src/sandbox/server.js';

const identity = createGoogleIdentity();
let server: RunningEmulator;
const AUDIENCE = 'https://negotiator.example/webhooks/gmail';
const PUSHER = 'gmail-push@sandbox.iam.gserviceaccount.com';

beforeAll(async () => {
  const app = new Hono();
  identity.mount(app);
  server = await startEmulator(app);
});
afterAll(async () => {
  await server.close();
});

const mailboxClient = (refreshToken: string) => {
  const client = new OAuth2Client({
    clientId: identity.clientId,
    clientSecret: identity.clientSecret,
    endpoints: {
      oauth2TokenUrl: `${server.url}/token`,
      oauth2FederatedSignonPemCertsUrl: `${server.url}/oauth2/v1/certs`,
    },
  });
  client.setCredentials({ refresh_token: refreshToken });
  return client;
};

describe('sandbox Google identity', () => {
  it('refreshes an OAuth access token for the mailbox', async () => {
    const { token } = await mailboxClient(identity.refreshToken).getAccessToken();
    expect(token).toMatch(/^ya29\.sandbox-/);
    expect(identity.authorized(`Bearer ${token}`)).toBe(true);
    expect(identity.authorized('Bearer forged')).toBe(false);
  });

  it('answers invalid_grant for an unknown or revoked refresh token', async () => {
    const failure = (await mailboxClient('revoked')
      .getAccessToken()
      .catch((e: unknown) => e)) as { response?: { status: number; data: { error: string } } };
    expect(failure.response?.status).toBe(400);
    expect(failure.response?.data.error).toBe('invalid_grant');
  });

  it('grants a service account token through the JWT-bearer flow, redirected by fetchImplementation', async () => {
    const key = identity.serviceAccountKey('https://oauth2.googleapis.com/token');
    const jwt = new JWT({
      email: key.client_email,
      key: key.private_key,
      scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'],
      transporterOptions: { fetchImplementation: googleTokenRedirect(server.url) },
    });
    const { token } = await jwt.getAccessToken();
    expect(identity.authorized(`Bearer ${token}`)).toBe(true);
  });

  it('signs Pub/Sub OIDC tokens that verifyIdToken accepts against the certs endpoint', async () => {
    const client = mailboxClient(identity.refreshToken);
    const idToken = identity.mintIdToken({ audience: AUDIENCE, email: PUSHER });
    const ticket = await client.verifyIdToken({ idToken, audience: AUDIENCE });
    expect(ticket.getPayload()).toMatchObject({
      email: PUSHER,
      email_verified: true,
      iss: 'https://accounts.google.com',
    });
    await expect(
      client.verifyIdToken({ idToken, audience: 'https://someone-else.example' }),
    ).rejects.toThrow(/audience/i);
    const tampered = `${idToken.slice(0, -4)}AAAA`;
    await expect(client.verifyIdToken({ idToken: tampered, audience: AUDIENCE })).rejects.toThrow();
    const expired = identity.mintIdToken({ audience: AUDIENCE, email: PUSHER, expiresInS: -600 });
    await expect(client.verifyIdToken({ idToken: expired, audience: AUDIENCE })).rejects.toThrow(
      /late|expired/i,
    );
  });
});
