/**
 * The sandbox's HTTP control API: what the demo, the tests and a curious developer use to look
 * inside the emulators and to act as the outside world (an influencer writing, Google pushing,
 * a teammate clicking in Slack, a service failing). Every body is validated; a bad one gets 400
 * with the problems and changes nothing. The README lists the routes; `GET /control` does too.
 *
 * Longer than most files: it is the route table of the whole sandbox, each route a few validated
 * lines.
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { startAnthropicEmulator } from './anthropic/emulator.js';
import type { Faults } from './faults.js';
import type { GoogleEmulator } from './google/emulator.js';
import type { StoredMessage } from './google/mailbox.js';
import { bodyText, headerValue } from './google/mime.js';
import type { createPubSubPusher, PushOptions } from './google/pubsub.js';
import { type createPersonas, PERSONAS, type PersonaId, personaNumbers } from './personas/index.js';
import type { startSentryCollector } from './sentry/collector.js';
import { startEmulator } from './server.js';
import type { SlackEmulator } from './slack/emulator.js';

export interface ControlledSandbox {
  google: GoogleEmulator;
  slack: SlackEmulator;
  anthropic: Awaited<ReturnType<typeof startAnthropicEmulator>>;
  sentry: Awaited<ReturnType<typeof startSentryCollector>>;
  pusher: ReturnType<typeof createPubSubPusher>;
  readonly personas: ReturnType<typeof createPersonas>;
  push: PushOptions;
  setAutoPush(on: boolean): void;
  env(): Record<string, string>;
  reset(): void;
}

const ROUTES = {
  'GET /control': 'this list',
  'GET /control/env': 'the environment that points negotiator serve at the sandbox',
  'GET /control/emails?label=SENT|INBOX&threadId=': 'messages in the team mailbox, oldest first',
  'POST /control/emails':
    'an inbound email {from, text, threadId?, to?, cc?, subject?, html?}; with threadId it replies to the thread',
  'POST /control/pubsub/push': 'push a mailbox notification now {historyId?}',
  'POST /control/pubsub/behaviour':
    'push delivery {autoPush?, dropRate?, duplicateRate?, reorder?}',
  'GET /control/pubsub/deliveries': 'every push attempt and its answer',
  'GET /control/slack/messages?channel=': 'messages posted to a channel',
  'GET /control/slack/calls': 'Slack Web API calls',
  'GET /control/slack/ephemerals': 'ephemeral messages shown to one user',
  'GET /control/slack/views': 'modals opened',
  'POST /control/slack/click':
    'a user clicks a button {user, channel, ts, actionId, value?, blockId?}; answers with the ack',
  'POST /control/slack/submit':
    'a user submits a modal {user, viewId, values}; answers with the ack',
  'POST /control/slack/command': 'a user runs a slash command {user, command, text?, channel}',
  'GET /control/model/calls': 'requests the model received',
  'POST /control/model/next': 'the next model answer {text?|json?|toolUse?, stopReason?}',
  'GET /control/sentry/events': 'error events received',
  'GET /control/personas': 'the scripted influencers, their profiles and numbers',
  'POST /control/personas/:id/start':
    "the team's outreach and the persona's first reply, in a new thread {subject?, text?}",
  'POST /control/personas/:id/revive': 'a persona that went quiet answers its newest email',
  'GET /control/personas/:id/transcript': 'every email between the team and the persona',
  'POST /control/faults':
    'faults for one endpoint {service: google|slack|anthropic|sentry, endpoint, sequence?, errorRate?, status?, latencyMs?, retryAfterMs?}',
  'DELETE /control/faults': 'clear every fault',
  'POST /control/reset': 'forget all messages, calls, events and faults',
} as const;

const Address = z.string().trim().min(3).max(320);
const InboundEmail = z
  .object({
    from: Address,
    text: z.string().max(200_000),
    html: z.string().max(500_000).optional(),
    threadId: z
      .string()
      .regex(/^[0-9a-f]{16}$/, 'must be a sandbox thread id')
      .optional(),
    to: Address.optional(),
    cc: Address.optional(),
    subject: z.string().max(998).optional(),
  })
  .strict();
const FaultStep = z.union([z.number().int().min(400).max(599), z.enum(['timeout', 'lost'])]);
const FaultBody = z
  .object({
    service: z.enum(['google', 'slack', 'anthropic', 'sentry']),
    endpoint: z.string().trim().min(1).max(100),
    sequence: z.array(FaultStep).max(100).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    status: z.number().int().min(400).max(599).optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    retryAfterMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();
const PushBody = z.object({ historyId: z.number().int().positive().optional() }).strict();
const PushBehaviour = z
  .object({
    autoPush: z.boolean().optional(),
    dropRate: z.number().min(0).max(1).optional(),
    duplicateRate: z.number().min(0).max(1).optional(),
    reorder: z.boolean().optional(),
  })
  .strict();
const SlackId = z.string().trim().min(1).max(64);
const Click = z
  .object({
    user: SlackId,
    channel: SlackId,
    ts: z.string().regex(/^\d+\.\d+$/, 'must be a message ts'),
    actionId: z.string().min(1).max(255),
    value: z.string().max(2000).optional(),
    blockId: z.string().max(255).optional(),
  })
  .strict();
const Submit = z
  .object({
    user: SlackId,
    viewId: SlackId,
    values: z.record(z.string(), z.record(z.string(), z.string().max(3000))).optional(),
  })
  .strict();
const SlashCommand = z
  .object({
    user: SlackId,
    command: z.string().regex(/^\/[a-z0-9_-]+$/i, 'must look like /command'),
    text: z.string().max(4000).optional(),
    channel: SlackId,
  })
  .strict();
const PersonaStart = z
  .object({
    subject: z.string().min(1).max(998).optional(),
    text: z.string().max(20_000).optional(),
  })
  .strict();
const ModelReply = z
  .object({
    text: z.string().optional(),
    json: z.unknown().optional(),
    toolUse: z.object({ name: z.string().min(1), input: z.unknown() }).optional(),
    stopReason: z.enum(['end_turn', 'max_tokens', 'refusal', 'tool_use']).optional(),
  })
  .strict();

/** Reads and validates a JSON body; a Response is the 400 to send back. */
async function body<T>(c: Context, schema: z.ZodType<T>): Promise<T | Response> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return c.json({ error: 'body is not JSON' }, 400);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    return c.json(
      {
        error: 'invalid body',
        problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      },
      400,
    );
  return parsed.data;
}

/** A message as a person reads it in a mail client. */
export function describeEmail(m: StoredMessage) {
  const header = (name: string) => headerValue(m.payload.headers, name) ?? null;
  return {
    id: m.id,
    threadId: m.threadId,
    labelIds: m.labelIds,
    historyId: m.historyId,
    from: header('From'),
    to: header('To'),
    cc: header('Cc'),
    subject: header('Subject'),
    messageId: header('Message-ID'),
    inReplyTo: header('In-Reply-To'),
    date: new Date(m.internalDate).toISOString(),
    text: bodyText(m.payload),
  };
}

export async function startControlApi(sandbox: ControlledSandbox, options: { port?: number } = {}) {
  // `sandbox.personas` is read per request: `reset` replaces it.
  const { google, slack, anthropic, sentry, pusher } = sandbox;
  const faults: Record<z.infer<typeof FaultBody>['service'], Faults> = {
    google: google.faults,
    slack: slack.faults,
    anthropic: anthropic.faults,
    sentry: sentry.faults,
  };
  const app = new Hono();

  app.get('/control', (c) => c.json({ routes: ROUTES }));
  app.get('/control/env', (c) => c.json(sandbox.env()));

  app.get('/control/emails', (c) => {
    const label = c.req.query('label');
    const threadId = c.req.query('threadId');
    return c.json(
      google.mailbox
        .all()
        .filter((m) => (label ? m.labelIds.includes(label) : true))
        .filter((m) => (threadId ? m.threadId === threadId : true))
        .map(describeEmail),
    );
  });

  app.post('/control/emails', async (c) => {
    const mail = await body(c, InboundEmail);
    if (mail instanceof Response) return mail;
    let reply: { subject: string; inReplyTo?: string; references?: string } = {
      subject: mail.subject ?? '(no subject)',
    };
    if (mail.threadId) {
      const last = google.mailbox.thread(mail.threadId).at(-1);
      if (!last) return c.json({ error: `no thread ${mail.threadId}` }, 404);
      const header = (name: string) => headerValue(last.payload.headers, name);
      const parentId = header('Message-ID');
      const subject = header('Subject') ?? '';
      reply = {
        subject: mail.subject ?? (/^re:/i.test(subject) ? subject : `Re: ${subject}`),
        ...(parentId
          ? {
              inReplyTo: parentId,
              references: [header('References'), parentId].filter(Boolean).join(' '),
            }
          : {}),
      };
    }
    const stored = google.mailbox.deliver({
      from: mail.from,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      ...(mail.to ? { to: mail.to } : {}),
      ...(mail.cc ? { cc: mail.cc } : {}),
      ...reply,
    });
    return c.json(describeEmail(stored), 201);
  });

  app.post('/control/pubsub/push', async (c) => {
    const request = await body(c, PushBody);
    if (request instanceof Response) return request;
    const historyId = request.historyId ?? google.mailbox.historyId();
    pusher.notify(historyId);
    return c.json({ historyId: String(historyId) }, 202);
  });
  app.post('/control/pubsub/behaviour', async (c) => {
    const request = await body(c, PushBehaviour);
    if (request instanceof Response) return request;
    if (request.autoPush !== undefined) sandbox.setAutoPush(request.autoPush);
    if (request.dropRate !== undefined) sandbox.push.dropRate = request.dropRate;
    if (request.duplicateRate !== undefined) sandbox.push.duplicateRate = request.duplicateRate;
    if (request.reorder !== undefined) sandbox.push.reorder = request.reorder;
    return c.json(request);
  });
  app.get('/control/pubsub/deliveries', (c) => c.json(pusher.deliveries()));

  app.get('/control/slack/messages', (c) => c.json(slack.messages(c.req.query('channel') ?? '')));
  app.get('/control/slack/calls', (c) => c.json(slack.calls()));
  app.get('/control/slack/ephemerals', (c) => c.json(slack.ephemerals()));
  app.get('/control/slack/views', (c) => c.json(slack.views()));

  /** Runs a simulated user action; 404 when its target is not there, else the ack (or its absence). */
  async function act(
    c: Context,
    start: () => { envelopeId: string; acked: Promise<unknown> },
  ): Promise<Response> {
    let handle: { envelopeId: string; acked: Promise<unknown> };
    try {
      handle = start();
    } catch (error) {
      return c.json({ error: (error as Error).message }, 404);
    }
    try {
      return c.json({ envelopeId: handle.envelopeId, ack: await handle.acked });
    } catch (error) {
      return c.json({ envelopeId: handle.envelopeId, error: (error as Error).message }, 504);
    }
  }
  app.post('/control/slack/click', async (c) => {
    const request = await body(c, Click);
    if (request instanceof Response) return request;
    return act(c, () => slack.clickButton(request));
  });
  app.post('/control/slack/submit', async (c) => {
    const request = await body(c, Submit);
    if (request instanceof Response) return request;
    return act(c, () => slack.submitModal(request));
  });
  app.post('/control/slack/command', async (c) => {
    const request = await body(c, SlashCommand);
    if (request instanceof Response) return request;
    return act(c, () => slack.slashCommand(request));
  });

  app.get('/control/model/calls', (c) => c.json(anthropic.calls()));
  app.post('/control/model/next', async (c) => {
    const reply = await body(c, ModelReply);
    if (reply instanceof Response) return reply;
    anthropic.enqueue(reply as Parameters<typeof anthropic.enqueue>[0]);
    return c.json({ queued: true }, 202);
  });

  app.get('/control/sentry/events', (c) => c.json(sentry.events()));

  app.get('/control/personas', (c) =>
    c.json(
      PERSONAS.map((p) => ({
        id: p.id,
        profile: p.profile,
        numbers: personaNumbers(p),
      })),
    ),
  );
  const known = (id: string): id is PersonaId => PERSONAS.some((p) => p.id === id);
  const noPersona = (c: Context) =>
    c.json(
      { error: `no persona ${JSON.stringify(c.req.param('id'))}; GET /control/personas` },
      404,
    );
  app.post('/control/personas/:id/start', async (c) => {
    const id = c.req.param('id');
    if (!known(id)) return noPersona(c);
    const request = await body(c, PersonaStart);
    if (request instanceof Response) return request;
    return c.json(sandbox.personas.start(id, request), 201);
  });
  app.post('/control/personas/:id/revive', (c) => {
    const id = c.req.param('id');
    if (!known(id)) return noPersona(c);
    return c.json({ replying: sandbox.personas.revive(id) });
  });
  app.get('/control/personas/:id/transcript', (c) => {
    const id = c.req.param('id');
    if (!known(id)) return noPersona(c);
    return c.json(sandbox.personas.transcript(id));
  });

  app.post('/control/faults', async (c) => {
    const request = await body(c, FaultBody);
    if (request instanceof Response) return request;
    const { service, endpoint, ...plan } = request;
    faults[service].set(endpoint, plan);
    return c.json(request, 201);
  });
  app.delete('/control/faults', (c) => {
    for (const f of Object.values(faults)) f.clear();
    return c.body(null, 204);
  });
  app.post('/control/reset', (c) => {
    sandbox.reset();
    return c.body(null, 204);
  });
  app.notFound((c) => c.json({ error: 'no such control route; GET /control lists them' }, 404));

  const running = await startEmulator(app, options);
  return running;
}
