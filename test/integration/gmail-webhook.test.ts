/**
 * POST /webhooks/gmail served on a real port: the sandbox Google emulator is the certificate
 * source, the sandbox Pub/Sub pusher (or plain fetch / node:http for hostile requests) the sender,
 * google-auth-library the verifier. `record` is an in-memory fake: the durable write is another
 * module's job; here we check when it is (and is not) called. Long because it is the whole contract
 * of one route in one place: real pushes, refused credentials, shared token, bodies, app.request().
 */
import { createSign, generateKeyPair, type KeyObject } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  createPushVerifier,
  type GmailPushDeps,
  gmailPushRoutes,
  type MailboxChange,
  PushAuthConfigError,
  type PushVerifier,
  pushVerifierFromConfig,
} from '../../src/http/webhooks/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { type GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google/emulator.js';
import { createPubSubPusher, type PushOptions } from '../../src/sandbox/google/pubsub.js';
import { startEmulator } from '../../src/sandbox/server.js';

const AUDIENCE = 'https://negotiator.example/webhooks/gmail';
const PUSHER = 'gmail-push@sandbox.iam.gserviceaccount.com';
const SECRET = 'shared-push-secret-0123456789';
const MAILBOX = 'team@brand.test';

let google: GoogleEmulator;
let otherKey: KeyObject;

beforeAll(async () => {
  google = await startGoogleEmulator({ mailbox: MAILBOX });
  ({ privateKey: otherKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 }));
});
afterAll(async () => {
  await google.close();
});

const oidc = (): PushVerifier =>
  createPushVerifier({
    kind: 'oidc',
    audience: AUDIENCE,
    serviceAccountEmail: PUSHER,
    certsUrl: google.certsUrl,
  });

const validToken = () => google.identity.mintIdToken({ audience: AUDIENCE, email: PUSHER });

/** The routes mounted as the service app will mount them, plus what they did. */
function harness(overrides: Partial<GmailPushDeps> & { failRecords?: number } = {}) {
  const recorded: MailboxChange[] = [];
  const logs: string[] = [];
  let failures = overrides.failRecords ?? 0;
  const deps: GmailPushDeps = {
    verifier: overrides.verifier ?? oidc(),
    logger: createLogger({ level: 'debug', destination: { write: (line) => logs.push(line) } }),
    record: (change) => {
      if (failures > 0) {
        failures--;
        throw new Error('database is locked');
      }
      recorded.push(change);
    },
    ...(overrides.expectedMailbox ? { expectedMailbox: overrides.expectedMailbox } : {}),
    ...(overrides.maxBodyBytes ? { maxBodyBytes: overrides.maxBodyBytes } : {}),
    ...(overrides.record ? { record: overrides.record } : {}),
  };
  const app = new Hono().route('/webhooks/gmail', gmailPushRoutes(deps));
  return { app, recorded, logs };
}

/** The harness on a real loopback port, closed when the test ends. */
async function served(overrides: Parameters<typeof harness>[0] = {}) {
  const h = harness(overrides);
  const server = await startEmulator(h.app);
  onTestFinished(() => server.close());
  return { ...h, endpoint: `${server.url}/webhooks/gmail` };
}

function envelope(
  data: unknown = { emailAddress: MAILBOX, historyId: 4242 },
  message: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify(data)).toString('base64'),
      messageId: '1700000000001',
      publishTime: '2026-11-02T10:00:00.000Z',
      attributes: {},
      ...message,
    },
    subscription: 'projects/sandbox/subscriptions/gmail-push',
  });
}

async function post(
  endpoint: string,
  body: string,
  headers: Record<string, string> = { authorization: `Bearer ${validToken()}` },
) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers };
}

/** Re-signs a real token's header and (optionally changed) claims with a key Google never had. */
function forge(
  token: string,
  change: (claims: Record<string, unknown>) => Record<string, unknown> = (c) => c,
  header?: Record<string, unknown>,
): string {
  const [head = '', body = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
  const h = header ? Buffer.from(JSON.stringify(header)).toString('base64url') : head;
  const b = Buffer.from(JSON.stringify(change(claims))).toString('base64url');
  const signature = createSign('RSA-SHA256').update(`${h}.${b}`).sign(otherKey);
  return `${h}.${b}.${signature.toString('base64url')}`;
}

/** A genuine signature over claims edited afterwards. */
function tamper(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [head, body, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString());
  change(claims);
  return `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;
}

const mint = (claims: Partial<Parameters<GoogleEmulator['identity']['mintIdToken']>[0]>) =>
  google.identity.mintIdToken({ audience: AUDIENCE, email: PUSHER, ...claims });

describe('Gmail push webhook: real Pub/Sub pushes with OIDC tokens', () => {
  const pusher = (endpoint: string, extra: Partial<PushOptions> = {}) =>
    createPubSubPusher(google.identity, MAILBOX, {
      endpoint,
      audience: AUDIENCE,
      serviceAccountEmail: PUSHER,
      backoffMs: 1,
      ...extra,
    });

  it('records each valid push once, with its historyId and Pub/Sub message id', async () => {
    const { endpoint, recorded } = await served();
    const push = pusher(endpoint);
    push.notify(100, '200', 300);
    await push.settled();

    const deliveries = push.deliveries();
    expect(deliveries.map((d) => [d.status, d.attempt])).toEqual([
      [204, 1],
      [204, 1],
      [204, 1],
    ]);
    expect(recorded).toHaveLength(3);
    const byHistory = [...recorded].sort((a, b) => Number(a.historyId) - Number(b.historyId));
    expect(byHistory).toEqual(
      ['100', '200', '300'].map((historyId) => ({
        emailAddress: MAILBOX,
        historyId,
        pubsubMessageId: deliveries.find((d) => d.historyId === historyId)?.messageId,
        publishTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      })),
    );
  });

  it('records every redelivery of a duplicate with the same message id (dedupe is the store’s)', async () => {
    const { endpoint, recorded } = await served();
    const push = pusher(endpoint, { duplicateRate: 1 });
    push.notify(7);
    await push.settled();
    expect(recorded.map((r) => r.historyId)).toEqual(['7', '7']);
    expect(new Set(recorded.map((r) => r.pubsubMessageId)).size).toBe(1);
  });

  it('answers 500 when record throws, so Pub/Sub redelivers, and then succeeds', async () => {
    const { endpoint, recorded, logs } = await served({ failRecords: 1 });
    const push = pusher(endpoint);
    push.notify(555);
    await push.settled();

    const deliveries = push.deliveries();
    expect(deliveries.map((d) => d.status)).toEqual([500, 204]);
    expect(new Set(deliveries.map((d) => d.messageId)).size).toBe(1);
    expect(recorded).toEqual([expect.objectContaining({ historyId: '555' })]);
    const failure = logs.find((l) => l.includes('gmail push not recorded'));
    expect(failure).toContain('database is locked');
    expect(logs.join('')).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT anywhere in the logs
  });

  it('answers 403 to a genuine token for another service account and records nothing', async () => {
    const { endpoint, recorded } = await served();
    const push = pusher(endpoint, {
      serviceAccountEmail: 'intruder@other.iam.gserviceaccount.com',
      maxAttempts: 1,
    });
    push.notify(1);
    await push.settled();
    expect(push.deliveries().map((d) => d.status)).toEqual([403]);
    expect(recorded).toEqual([]);
  });
});

describe('Gmail push webhook: refused credentials record nothing', () => {
  const refused: Array<[string, 401 | 403, () => Record<string, string>]> = [
    ['no authorization header', 401, () => ({})],
    ['a non-bearer scheme', 401, () => ({ authorization: `Basic ${validToken()}` })],
    ['a bearer that is not a JWT', 401, () => ({ authorization: 'Bearer not-a-jwt' })],
    ['three segments of garbage', 401, () => ({ authorization: 'Bearer a.b.c' })],
    ['a token signed by another RSA key', 401, () => bearer(forge(validToken()))],
    [
      'a token signed by another key under an unknown kid',
      401,
      () => bearer(forge(validToken(), undefined, { alg: 'RS256', kid: 'f00d', typ: 'JWT' })),
    ],
    [
      'an unsigned token (alg none)',
      401,
      () => {
        const head = { alg: 'none', kid: kidOf(validToken()), typ: 'JWT' };
        const [, body] = validToken().split('.');
        return bearer(`${Buffer.from(JSON.stringify(head)).toString('base64url')}.${body}.`);
      },
    ],
    [
      'a genuine signature over edited claims',
      401,
      () => bearer(tamper(validToken(), (c) => Object.assign(c, { aud: 'x', email: 'x@y.z' }))),
    ],
    ['an expired token', 401, () => bearer(mint({ expiresInS: -600 }))],
    ['a token for another audience', 401, () => bearer(mint({ audience: 'https://evil.example' }))],
    ['a token from another issuer', 401, () => bearer(mint({ issuer: 'https://evil.example' }))],
    [
      'a token with the universe-domain issuer',
      401,
      () => bearer(mint({ issuer: 'googleapis.com' })),
    ],
    ['a token whose email is unverified', 401, () => bearer(mint({ emailVerified: false }))],
    ['a token for another service account', 403, () => bearer(mint({ email: 'x@y.iam.test' }))],
  ];

  it.each(refused)('%s → %i', async (_name, status, headers) => {
    const { endpoint, recorded, logs } = await served();
    const sent = headers();
    const response = await post(endpoint, envelope(), sent);
    expect(response.status).toBe(status);
    expect(JSON.parse(response.text)).toEqual({
      error: status === 401 ? 'unauthorized' : 'forbidden',
    });
    if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(recorded).toEqual([]);
    expect(logs.some((l) => l.includes('gmail push refused'))).toBe(true);
    const credential = sent.authorization?.split(' ')[1];
    if (credential) expect(logs.join('')).not.toContain(credential);
  });

  it('accepts the same request with a valid token (the control for the table above)', async () => {
    const { endpoint, recorded } = await served();
    expect((await post(endpoint, envelope(), bearer(validToken()))).status).toBe(204);
    expect(recorded).toHaveLength(1);
  });

  it('answers 503 when Google’s certificates cannot be fetched, and records nothing', async () => {
    const closed = await startEmulator(new Hono());
    await closed.close();
    const verifier = createPushVerifier({
      kind: 'oidc',
      audience: AUDIENCE,
      serviceAccountEmail: PUSHER,
      certsUrl: `${closed.url}/oauth2/v1/certs`,
    });
    const { app, recorded } = harness({ verifier });
    const response = await app.request('/webhooks/gmail', {
      method: 'POST',
      headers: bearer(validToken()),
      body: envelope(),
    });
    expect(response.status).toBe(503);
    expect(recorded).toEqual([]);
  });
});

describe('Gmail push webhook: shared ?token= secret', () => {
  const tokenMode = () =>
    served({ verifier: createPushVerifier({ kind: 'token', token: SECRET }) });

  it('records a push that carries the right token', async () => {
    const { endpoint, recorded } = await tokenMode();
    const push = createPubSubPusher(google.identity, MAILBOX, {
      endpoint: `${endpoint}?token=${encodeURIComponent(SECRET)}`,
      audience: AUDIENCE,
      maxAttempts: 1,
    });
    push.notify(77);
    await push.settled();
    expect(push.deliveries().map((d) => d.status)).toEqual([204]);
    expect(recorded).toEqual([expect.objectContaining({ historyId: '77' })]);
  });

  it.each([
    ['missing', ''],
    ['empty', '?token='],
    ['wrong', '?token=nope'],
    ['same length, one character off', `?token=${SECRET.slice(0, -1)}X`],
    ['a prefix of the secret', `?token=${SECRET.slice(0, 10)}`],
    ['the secret plus more', `?token=${SECRET}x`],
  ])('refuses a %s token with 401', async (_name, query) => {
    const { endpoint, recorded, logs } = await tokenMode();
    // A valid OIDC token is no substitute for the configured secret.
    const response = await post(`${endpoint}${query}`, envelope());
    expect(response.status).toBe(401);
    expect(recorded).toEqual([]);
    expect(logs.join('')).not.toContain(SECRET);
  });
});

describe('Gmail push webhook: bodies', () => {
  const bad: Array<[string, string]> = [
    ['malformed JSON', '{"message": '],
    ['a JSON array', '[]'],
    ['no message', JSON.stringify({ subscription: 'projects/p/subscriptions/s' })],
    ['no subscription', JSON.stringify({ message: JSON.parse(envelope()).message })],
    ['no message id', envelope(undefined, { messageId: undefined })],
    ['data that is not base64', envelope(undefined, { data: '@@not base64@@' })],
    ['data that is base64 of text', envelope(undefined, { data: 'aGVsbG8gd29ybGQ=' })],
    ['data without historyId', envelope({ emailAddress: MAILBOX })],
    ['a non-numeric historyId', envelope({ emailAddress: MAILBOX, historyId: '12a' })],
    ['a negative historyId', envelope({ emailAddress: MAILBOX, historyId: -1 })],
    ['a fractional historyId', envelope({ emailAddress: MAILBOX, historyId: 1.5 })],
    ['an emailAddress that is not one', envelope({ emailAddress: 'nobody', historyId: 1 })],
    ['an empty body', ''],
  ];

  it.each(bad)('%s → 400 and nothing recorded', async (_name, body) => {
    const { endpoint, recorded } = await served();
    const response = await post(endpoint, body);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({ error: expect.any(String) });
    expect(recorded).toEqual([]);
  });

  it('accepts the other spellings Pub/Sub and Gmail use', async () => {
    const { endpoint, recorded } = await served();
    const urlSafe = Buffer.from(
      JSON.stringify({ emailAddress: MAILBOX, historyId: '98765' }),
    ).toString('base64url');
    const bodies = [
      envelope({ emailAddress: MAILBOX, historyId: '12345' }),
      envelope(undefined, { messageId: undefined, message_id: '1700000000002' }),
      envelope(undefined, { data: urlSafe, publishTime: undefined, attributes: undefined }),
    ];
    for (const body of bodies) expect((await post(endpoint, body)).status).toBe(204);
    expect(recorded).toEqual([
      expect.objectContaining({ historyId: '12345', pubsubMessageId: '1700000000001' }),
      expect.objectContaining({ historyId: '4242', pubsubMessageId: '1700000000002' }),
      { emailAddress: MAILBOX, historyId: '98765', pubsubMessageId: '1700000000001' },
    ]);
  });

  it('refuses an oversized body that declares its Content-Length', async () => {
    const { endpoint, recorded } = await served();
    const body = envelope(undefined, { attributes: { pad: 'x'.repeat(70 * 1024) } });
    const response = await post(endpoint, body);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({ error: 'body too large' });
    expect(recorded).toEqual([]);
  });

  it('refuses an oversized chunked body that has no Content-Length', async () => {
    const { endpoint, recorded } = await served();
    const chunk = Buffer.from('x'.repeat(16 * 1024));
    const response = await postChunked(endpoint, bearer(validToken()), [
      Buffer.from(envelope().slice(0, -2)),
      ...Array.from({ length: 64 }, () => chunk), // 1 MiB in all
    ]);
    expect(response).toEqual({ status: 400, chunked: true, body: '{"error":"body too large"}' });
    expect(recorded).toEqual([]);
  });

  it('accepts a small chunked body (the control for the test above)', async () => {
    const { endpoint, recorded } = await served();
    const text = envelope();
    const response = await postChunked(endpoint, bearer(validToken()), [
      Buffer.from(text.slice(0, 20)),
      Buffer.from(text.slice(20)),
    ]);
    expect(response).toEqual({ status: 204, chunked: true, body: '' });
    expect(recorded).toHaveLength(1);
  });
});

describe('Gmail push webhook: app.request()', () => {
  const request = (app: Hono, body: string, headers: Record<string, string> = {}) =>
    app.request('/webhooks/gmail', {
      method: 'POST',
      headers: { ...bearer(validToken()), ...headers },
      body,
    });

  it('acknowledges but does not record a push for another mailbox', async () => {
    const { app, recorded, logs } = harness({ expectedMailbox: 'Team@Brand.test' });
    const other = envelope({ emailAddress: 'someone@else.test', historyId: 1 });
    expect((await request(app, other)).status).toBe(204);
    expect(recorded).toEqual([]);
    expect(logs.some((l) => l.includes('another mailbox'))).toBe(true);

    const ours = envelope({ emailAddress: 'TEAM@brand.test', historyId: 2 });
    expect((await request(app, ours)).status).toBe(204);
    expect(recorded.map((r) => r.historyId)).toEqual(['2']);
  });

  it('counts the bytes actually read, whatever Content-Length claims', async () => {
    const { app, recorded } = harness({ maxBodyBytes: 1024 });
    const big = envelope(undefined, { attributes: { pad: 'x'.repeat(2048) } });
    const lying = await request(app, big, { 'content-length': '10' });
    expect(lying.status).toBe(400);
    expect(await lying.json()).toEqual({ error: 'body too large' });
    const declared = await request(app, envelope(), { 'content-length': '1000000' });
    expect(await declared.json()).toEqual({ error: 'body too large' });
    expect((await request(app, envelope(), { 'content-length': 'lots' })).status).toBe(400);
    expect((await request(app, envelope())).status).toBe(204);
    expect(recorded).toHaveLength(1);
  });

  it('answers 500 when an async record rejects, logging the error but not the token', async () => {
    const token = validToken();
    const { app, logs } = harness({
      record: async () => {
        throw new Error('disk I/O error');
      },
    });
    const response = await app.request('/webhooks/gmail', {
      method: 'POST',
      headers: bearer(token),
      body: envelope(),
    });
    expect(response.status).toBe(500);
    expect(logs.join('')).toContain('disk I/O error');
    expect(logs.join('')).not.toContain(token);
  });

  it('is only a POST route', async () => {
    const { app } = harness();
    expect((await app.request('/webhooks/gmail')).status).toBe(404);
  });
});

describe('pushVerifierFromConfig', () => {
  const config = (env: Record<string, string>) => loadConfig({ env, envFile: null });

  it('chooses OIDC when the audience and service account are set', async () => {
    const verifier = pushVerifierFromConfig(
      config({
        GMAIL_PUSH_AUDIENCE: AUDIENCE,
        GMAIL_PUSH_SERVICE_ACCOUNT: PUSHER,
        GMAIL_PUSH_TOKEN: SECRET,
        GOOGLE_CERTS_URL: google.certsUrl,
      }),
    );
    expect(verifier.kind).toBe('oidc');
    expect(
      await verifier.verify({ authorization: `Bearer ${validToken()}`, queryToken: SECRET }),
    ).toEqual({ ok: true, principal: PUSHER });
    expect(await verifier.verify({ authorization: undefined, queryToken: SECRET })).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it('falls back to the shared token', async () => {
    const verifier = pushVerifierFromConfig(
      config({ GMAIL_PUSH_AUDIENCE: AUDIENCE, GMAIL_PUSH_TOKEN: SECRET }),
    );
    expect(verifier.kind).toBe('token');
    expect(await verifier.verify({ authorization: undefined, queryToken: SECRET })).toEqual({
      ok: true,
      principal: 'shared-token',
    });
  });

  it('names the variables when neither is configured', () => {
    const attempt = () => pushVerifierFromConfig(config({ GMAIL_PUSH_AUDIENCE: AUDIENCE }));
    expect(attempt).toThrow(PushAuthConfigError);
    expect(attempt).toThrow(/GMAIL_PUSH_AUDIENCE.*GMAIL_PUSH_SERVICE_ACCOUNT.*GMAIL_PUSH_TOKEN/);
  });
});

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A POST whose body is sent chunked (no Content-Length), as fetch cannot be made to do simply. */
function postChunked(
  url: string,
  headers: Record<string, string>,
  chunks: Buffer[],
): Promise<{ status: number; chunked: boolean; body: string }> {
  return new Promise((resolve, reject) => {
    let chunked = false;
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, chunked, body }));
      },
    );
    // Errors after the answer (the server may stop reading a refused body) do not matter.
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    chunked = req.getHeader('content-length') === undefined && req.chunkedEncoding;
    req.end();
  });
}
