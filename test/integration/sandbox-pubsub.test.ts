/** Pub/Sub push deliveries, verified on the receiving side with google-auth-library. */
import { OAuth2Client } from 'google-auth-library';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google/emulator.js';
import { createPubSubPusher } from '../../src/sandbox/google/pubsub.js';
import { type RunningEmulator, startEmulator } from '../../src/sandbox/server.js';

const AUDIENCE = 'https://negotiator.example/webhooks/gmail';
let google: GoogleEmulator;
let receiver: RunningEmulator;
const received: Array<{ messageId: string; historyId: number; email: string }> = [];
let failNext = 0;

beforeAll(async () => {
  google = await startGoogleEmulator();
  const verifier = new OAuth2Client({
    endpoints: { oauth2FederatedSignonPemCertsUrl: google.certsUrl },
  });
  const app = new Hono();
  app.post('/webhooks/gmail', async (c) => {
    const token = c.req.header('authorization')?.replace(/^Bearer /, '') ?? '';
    const ticket = await verifier
      .verifyIdToken({ idToken: token, audience: AUDIENCE })
      .catch(() => null);
    if (!ticket) return c.body(null, 401);
    if (failNext > 0) {
      failNext--;
      return c.body(null, 503);
    }
    const body = (await c.req.json()) as { message: { data: string; messageId: string } };
    const data = JSON.parse(Buffer.from(body.message.data, 'base64').toString()) as {
      historyId: number;
    };
    received.push({
      messageId: body.message.messageId,
      historyId: data.historyId,
      email: ticket.getPayload()?.email ?? '',
    });
    return c.body(null, 204);
  });
  receiver = await startEmulator(app);
});
afterAll(async () => {
  await receiver.close();
  await google.close();
});

const pusher = (extra: Partial<Parameters<typeof createPubSubPusher>[2]> = {}) =>
  createPubSubPusher(google.identity, google.mailbox.address, {
    endpoint: `${receiver.url}/webhooks/gmail`,
    audience: AUDIENCE,
    backoffMs: 5,
    ...extra,
  });

describe('sandbox Pub/Sub push', () => {
  it('delivers signed notifications that verifyIdToken accepts', async () => {
    received.length = 0;
    const push = pusher();
    push.notify(100_123);
    await push.settled();
    expect(received).toEqual([
      {
        messageId: expect.any(String),
        historyId: 100_123,
        email: 'gmail-push@sandbox.iam.gserviceaccount.com',
      },
    ]);
  });

  it('redelivers the same message after a non-2xx answer', async () => {
    received.length = 0;
    failNext = 2;
    const push = pusher();
    push.notify('100200');
    await push.settled();
    const attempts = push.deliveries();
    expect(attempts.map((d) => d.status)).toEqual([503, 503, 204]);
    expect(new Set(attempts.map((d) => d.messageId)).size).toBe(1);
    expect(received).toHaveLength(1);
  });

  it('can duplicate, reorder and drop', async () => {
    received.length = 0;
    const duplicating = pusher({ duplicateRate: 1, reorder: true });
    duplicating.notify(1, 2, 3);
    await duplicating.settled();
    expect(received.map((r) => r.historyId).sort()).toEqual([1, 1, 2, 2, 3, 3]);
    expect(new Set(received.map((r) => r.messageId)).size).toBe(3);
    received.length = 0;
    const dropping = pusher({ dropRate: 1 });
    dropping.notify(4, 5);
    await dropping.settled();
    expect(received).toEqual([]);
  });
});
