/**
 * The assembled sandbox: its control API, Pub/Sub pushes that follow the mailbox while a watch
 * is active (verified on the receiving side with google-auth-library), and faults set over HTTP
 * that the real SDKs then meet.
 */
import Anthropic from '@anthropic-ai/sdk';
import { WebClient } from '@slack/web-api';
import { OAuth2Client } from 'google-auth-library';
import { google as googleapis } from 'googleapis';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readEmail } from '../../src/sandbox/anthropic/scripted-model.js';
import { buildMessage } from '../../src/sandbox/google/mime.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { type RunningEmulator, startEmulator } from '../../src/sandbox/server.js';

let sandbox: Sandbox;
let service: RunningEmulator;
const pushes: Array<{ historyId: number; email: string | undefined }> = [];
let gmail: ReturnType<typeof googleapis.gmail>;

/** Stands in for `negotiator serve`'s webhook: verifies the OIDC token as production will. */
async function startReceiver(): Promise<RunningEmulator> {
  const app = new Hono();
  app.post('/webhooks/gmail', async (c) => {
    const env = sandbox.env();
    const verifier = new OAuth2Client({
      endpoints: { oauth2FederatedSignonPemCertsUrl: env.GOOGLE_CERTS_URL },
    });
    const ticket = await verifier
      .verifyIdToken({
        idToken: c.req.header('authorization')?.replace(/^Bearer /, '') ?? '',
        audience: env.GMAIL_PUSH_AUDIENCE ?? '',
      })
      .catch(() => null);
    if (!ticket) return c.body(null, 401);
    const body = (await c.req.json()) as { message: { data: string } };
    const data = JSON.parse(Buffer.from(body.message.data, 'base64').toString()) as {
      historyId: number;
    };
    pushes.push({ historyId: data.historyId, email: ticket.getPayload()?.email });
    return c.body(null, 204);
  });
  return startEmulator(app);
}

const control = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${sandbox.control.url}/control${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    ...(init.body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
        }),
  });

beforeAll(async () => {
  // The receiver starts first (it reads the sandbox lazily): its port is where the sandbox pushes.
  service = await startReceiver();
  sandbox = await startSandbox({ servicePort: service.port, seed: 7 });
  const env = sandbox.env();
  const auth = new OAuth2Client({
    clientId: env.GMAIL_CLIENT_ID ?? '',
    clientSecret: env.GMAIL_CLIENT_SECRET ?? '',
    endpoints: { oauth2TokenUrl: env.GOOGLE_TOKEN_URL ?? '' },
  });
  auth.setCredentials({ refresh_token: env.GMAIL_REFRESH_TOKEN ?? '' });
  gmail = googleapis.gmail({ version: 'v1', auth, rootUrl: env.GOOGLE_API_URL ?? '' });
});
afterAll(async () => {
  await service?.close();
  await sandbox?.close();
});
beforeEach(async () => {
  await sandbox.pusher.settled();
  expect((await control('/reset', { method: 'POST' })).status).toBe(204);
  pushes.length = 0;
});

const watch = () =>
  gmail.users.watch({
    userId: 'me',
    requestBody: { topicName: sandbox.env().GMAIL_PUBSUB_TOPIC ?? '', labelIds: ['INBOX'] },
  });

describe('sandbox control API', () => {
  it('lists its routes', async () => {
    const index = (await (await control('')).json()) as { routes: Record<string, string> };
    expect(Object.keys(index.routes)).toContain('POST /control/emails');
  });

  it('injects an inbound email into a thread, threaded as Gmail would', async () => {
    const first = await control('/emails', {
      body: {
        from: 'Ada <ada@creators.test>',
        subject: 'Spring collab',
        text: 'My rate is $1,800.',
      },
    });
    expect(first.status).toBe(201);
    const opened = (await first.json()) as { threadId: string; messageId: string };
    const reply = await control('/emails', {
      body: { from: 'ada@creators.test', threadId: opened.threadId, text: 'Any news?' },
    });
    const answered = (await reply.json()) as Record<string, string>;
    expect(answered).toMatchObject({
      threadId: opened.threadId,
      subject: 'Re: Spring collab',
      inReplyTo: opened.messageId,
      text: 'Any news?',
    });
    const thread = await gmail.users.threads.get({ userId: 'me', id: opened.threadId });
    expect(thread.data.messages).toHaveLength(2);
    const listed = (await (await control(`/emails?label=INBOX`)).json()) as unknown[];
    expect(listed).toHaveLength(2);
  });

  it('refuses a bad body with the problems and changes nothing', async () => {
    for (const bad of [
      '{not json',
      { from: 'a@b.test' },
      { from: 'a@b.test', text: 'x', threadId: '../etc' },
      { from: 'a@b.test', text: 'x', bcc: 'someone@else.test' },
    ]) {
      const response = await control('/emails', { body: bad });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/body/);
    }
    const unknownThread = await control('/emails', {
      body: { from: 'a@b.test', text: 'x', threadId: '0123456789abcdef' },
    });
    expect(unknownThread.status).toBe(404);
    expect(sandbox.google.mailbox.all()).toHaveLength(0);
    const badFault = await control('/faults', { body: { service: 'gmail', endpoint: 'x' } });
    expect(badFault.status).toBe(400);
  });

  it('pushes signed notifications for inbox changes only while a watch is active', async () => {
    await control('/emails', { body: { from: 'x@creators.test', text: 'before the watch' } });
    await sandbox.pusher.settled();
    expect(pushes).toHaveLength(0);
    await watch();
    const inbound = (await (
      await control('/emails', { body: { from: 'x@creators.test', text: 'after the watch' } })
    ).json()) as { historyId: number };
    sandbox.google.mailbox.send(
      'From: team@brand.test\r\nTo: x@creators.test\r\nSubject: hi\r\n\r\nsent by us',
    );
    await sandbox.pusher.settled();
    expect(pushes).toEqual([
      { historyId: inbound.historyId, email: sandbox.env().GMAIL_PUSH_SERVICE_ACCOUNT },
    ]);
    // "Push now" works with or without a watch, for the current history id by default.
    await control('/pubsub/push', { body: {} });
    await sandbox.pusher.settled();
    expect(pushes.at(-1)?.historyId).toBe(sandbox.google.mailbox.historyId());
  });

  it('drops every notification when told to, so only polling finds the mail', async () => {
    const { data } = await watch();
    expect((await control('/pubsub/behaviour', { body: { dropRate: 1 } })).status).toBe(200);
    await control('/emails', { body: { from: 'x@creators.test', text: 'lost push' } });
    await sandbox.pusher.settled();
    expect(pushes).toHaveLength(0);
    const polled = await gmail.users.history.list({
      userId: 'me',
      startHistoryId: data.historyId ?? '',
      historyTypes: ['messageAdded'],
    });
    expect(polled.data.history).toHaveLength(1);
  });

  it('sets faults over HTTP that the real SDKs then meet, and clears them', async () => {
    expect(
      (
        await control('/faults', {
          body: { service: 'anthropic', endpoint: 'messages', sequence: [529], retryAfterMs: 5 },
        })
      ).status,
    ).toBe(201);
    const env = sandbox.env();
    const anthropic = new Anthropic({
      apiKey: env.ANTHROPIC_API_KEY ?? '',
      baseURL: env.ANTHROPIC_BASE_URL ?? '',
      maxRetries: 0,
    });
    const ask = {
      model: env.ANTHROPIC_WRITING_MODEL ?? '',
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: 'hello' }],
    };
    await expect(anthropic.messages.create(ask)).rejects.toMatchObject({ status: 529 });
    await control('/faults', {
      body: { service: 'google', endpoint: 'profile', sequence: [500, 500, 500, 500] },
    });
    expect((await control('/faults', { method: 'DELETE' })).status).toBe(204);
    expect((await gmail.users.getProfile({ userId: 'me' })).status).toBe(200);
    await control('/model/next', { body: { text: 'scripted for this test' } });
    const message = await anthropic.messages.create(ask);
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'scripted for this test' });
    const calls = (await (await control('/model/calls')).json()) as unknown[];
    expect(calls).toHaveLength(1);
  });

  it('clicks a posted Slack button as a user, over Socket Mode, and returns the ack', async () => {
    const env = sandbox.env();
    const web = new WebClient(env.SLACK_BOT_TOKEN, {
      slackApiUrl: env.SLACK_API_URL ?? '',
      retryConfig: { retries: 0 },
    });
    const posted = await web.chat.postMessage({
      channel: env.SLACK_CHANNEL ?? '',
      text: 'Approve $1,250 for Ada?',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              value: 'neg_1',
              text: { type: 'plain_text', text: 'Approve' },
            },
          ],
        },
      ],
    });
    // A bare Socket Mode client: open the connection with the app token, ack every envelope.
    const opened = await new WebClient(env.SLACK_APP_TOKEN, {
      slackApiUrl: env.SLACK_API_URL ?? '',
      retryConfig: { retries: 0 },
    }).apps.connections.open();
    const socket = new WebSocket(opened.url ?? '');
    const clicks: Array<{ user: { id: string }; actions: Array<{ value: string }> }> = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as {
        envelope_id?: string;
        payload?: (typeof clicks)[number];
      };
      if (!frame.envelope_id || !frame.payload) return;
      clicks.push(frame.payload);
      socket.send(JSON.stringify({ envelope_id: frame.envelope_id, payload: {} }));
    });
    await new Promise((resolve) => socket.once('open', resolve));
    try {
      const response = await control('/slack/click', {
        body: { user: 'U0ALICE', channel: env.SLACK_CHANNEL, ts: posted.ts, actionId: 'approve' },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { ack: unknown }).ack).toBeTruthy();
      expect(clicks).toHaveLength(1);
      expect(clicks[0]).toMatchObject({ user: { id: 'U0ALICE' }, actions: [{ value: 'neg_1' }] });
      const missing = await control('/slack/click', {
        body: { user: 'U0ALICE', channel: env.SLACK_CHANNEL, ts: posted.ts, actionId: 'nope' },
      });
      expect(missing.status).toBe(404);
      expect(clicks).toHaveLength(1);
    } finally {
      socket.close();
    }
  });

  it('starts a persona over HTTP; it answers the agent in the thread, and reset forgets it', async () => {
    const listed = (await (await control('/personas')).json()) as Array<{
      id: string;
      numbers: { openingAskCents: number; reservationCents: number };
    }>;
    const haggler = listed.find((p) => p.id === 'haggler');
    expect(haggler?.numbers.openingAskCents).toBeGreaterThan(
      haggler?.numbers.reservationCents ?? 0,
    );
    const started = (await (await control('/personas/haggler/start', { body: {} })).json()) as {
      threadId: string;
      reply: { messageId: string };
      profile: { email: string; name: string };
    };
    const [opening] = (await (
      await control(`/emails?label=INBOX&threadId=${started.threadId}`)
    ).json()) as Array<{ text: string; subject: string }>;
    expect(readEmail(opening?.text ?? '').proposed_rate_cents).toBe(
      haggler?.numbers.openingAskCents,
    );
    // The agent counters in the same thread, through the real Gmail API.
    const counter = buildMessage({
      from: 'Team <team@brand.test>',
      to: started.profile.email,
      subject: `Re: ${opening?.subject.replace(/^re:\s*/i, '')}`,
      text: `Hi ${started.profile.name}, we can offer $1,700 for the video.`,
      inReplyTo: started.reply.messageId,
      references: started.reply.messageId,
    });
    await gmail.users.messages.send({
      userId: 'me',
      requestBody: { raw: Buffer.from(counter).toString('base64url'), threadId: started.threadId },
    });
    await sandbox.personas.settled();
    const transcript = (await (await control('/personas/haggler/transcript')).json()) as Array<{
      from: string;
      amountCents: number | null;
    }>;
    expect(transcript.map((t) => t.from)).toEqual(['team', 'persona', 'team', 'persona']);
    expect(transcript[2]?.amountCents).toBe(170_000);
    const second = transcript[3]?.amountCents ?? 0;
    expect(second).toBeLessThan(haggler?.numbers.openingAskCents ?? 0);
    expect(second).toBeGreaterThan(170_000);
    expect((await control('/personas/nobody/start', { body: {} })).status).toBe(404);
    await control('/reset', { method: 'POST' });
    expect(await (await control('/personas/haggler/transcript')).json()).toEqual([]);
  });
});
