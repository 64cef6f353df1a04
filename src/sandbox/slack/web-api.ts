/**
 * Slack Web API emulator for @slack/web-api and Bolt: form-encoded (or JSON) POSTs to
 * `/api/<method>`, `{ok:false, error}` platform errors with HTTP 200, 429 with Retry-After, Block
 * Kit limits enforced, message `metadata` kept and returned by `conversations.history` only with
 * `include_all_metadata`, as the real API does. Bot methods take the bot token and
 * `apps.connections.open` only the app-level token (`not_allowed_token_type` otherwise). Also
 * serves the response_urls interaction payloads carry (what Bolt's `respond()` posts to).
 *
 * Longer than most files: each Web API method is a small handler in one table.
 */
import { type Context, Hono } from 'hono';
import { createFaults, type Faults, hang } from '../faults.js';
import { startEmulator } from '../server.js';
import {
  type Block,
  BOT,
  createWorkspace,
  messageBlocksProblem,
  type SlackMessage,
  viewProblems,
  type Workspace,
  withIds,
} from './workspace.js';

export type { SlackMessage } from './workspace.js';

export interface RecordedCall {
  method: string;
  params: Record<string, string>;
}

type Result = Record<string, unknown>;

/** Methods that take the app-level token; every other method takes the bot token. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

const json = <T>(text: string | undefined): T | undefined => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
};

const invalidArguments = (messages: string[]): Result => ({
  ok: false,
  error: 'invalid_arguments',
  response_metadata: { messages },
});

async function params(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json'))
    return Object.fromEntries(
      Object.entries((await c.req.json()) as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : JSON.stringify(v),
      ]),
    );
  return Object.fromEntries(new URLSearchParams(await c.req.text()));
}

/** One page of messages, with Slack's cursor (an offset here). */
function pageOf(messages: SlackMessage[], p: Record<string, string>, withMetadata: boolean) {
  const offset = Number(p.cursor ?? 0) || 0;
  const limit = Math.min(Number(p.limit ?? 100) || 100, 999);
  const page = messages.slice(offset, offset + limit).map(({ metadata, channel: _c, ...m }) => ({
    type: 'message',
    ...m,
    ...(withMetadata && metadata ? { metadata } : {}),
  }));
  const more = offset + limit < messages.length;
  return {
    ok: true,
    messages: page,
    has_more: more,
    response_metadata: { next_cursor: more ? String(offset + limit) : '' },
  };
}

export function mountSlackWebApi(
  app: Hono,
  deps: {
    workspace: Workspace;
    faults: Faults;
    botToken: string;
    appToken: string;
    /** Issues a single-use Socket Mode URL; without it apps.connections.open is unknown. */
    openConnection?: () => string;
  },
): { calls: RecordedCall[] } {
  const { workspace: ws, faults } = deps;
  const calls: RecordedCall[] = [];

  const postedBlocks = (p: Record<string, string>): Block[] | undefined | 'invalid' => {
    if (p.blocks === undefined) return undefined;
    const blocks = json<Block[]>(p.blocks);
    return Array.isArray(blocks) ? blocks : 'invalid';
  };

  const methods: Record<string, (p: Record<string, string>) => Result> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://sandbox.slack.test/',
      user: 'negotiator',
      ...BOT,
    }),
    'chat.postMessage': (p) => {
      const channel = ws.channels.get(p.channel ?? '');
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const blocks = postedBlocks(p);
      if (blocks === 'invalid') return { ok: false, error: 'invalid_blocks_format' };
      if (!p.text && !blocks) return { ok: false, error: 'no_text' };
      const problem = blocks ? messageBlocksProblem(blocks) : null;
      if (problem) return { ok: false, error: problem };
      const metadata = json<SlackMessage['metadata']>(p.metadata);
      if (
        p.metadata !== undefined &&
        (!metadata?.event_type || typeof metadata.event_payload !== 'object')
      )
        return { ok: false, error: 'invalid_metadata_format' };
      const parent = p.thread_ts
        ? channel.messages.find((m) => m.ts === p.thread_ts && (m.thread_ts ?? m.ts) === m.ts)
        : undefined;
      if (p.thread_ts && !parent) return { ok: false, error: 'thread_not_found' };
      const broadcast = p.reply_broadcast === 'true' || p.reply_broadcast === '1';
      const message: SlackMessage = {
        ts: ws.nextTs(),
        channel: channel.id,
        text: p.text ?? '',
        bot_id: BOT.bot_id,
        user: BOT.user_id,
        ...(blocks ? { blocks: withIds(blocks) } : {}),
        ...(metadata ? { metadata } : {}),
        ...(parent
          ? { thread_ts: parent.ts, ...(broadcast ? { reply_broadcast: true } : {}) }
          : {}),
      };
      if (parent) parent.thread_ts = parent.ts;
      channel.messages.push(message);
      return { ok: true, channel: message.channel, ts: message.ts, message };
    },
    'chat.postEphemeral': (p) => {
      const channel = ws.channels.get(p.channel ?? '');
      if (!channel) return { ok: false, error: 'channel_not_found' };
      // The sandbox treats every user in the directory as a member of every channel.
      if (!ws.users.has(p.user ?? '')) return { ok: false, error: 'user_not_in_channel' };
      const blocks = postedBlocks(p);
      if (blocks === 'invalid') return { ok: false, error: 'invalid_blocks_format' };
      if (!p.text && !blocks) return { ok: false, error: 'no_text' };
      const problem = blocks ? messageBlocksProblem(blocks) : null;
      if (problem) return { ok: false, error: problem };
      const ts = ws.nextTs();
      ws.ephemerals.push({
        channel: channel.id,
        user: p.user ?? '',
        ts,
        text: p.text ?? '',
        ...(blocks ? { blocks: withIds(blocks) } : {}),
        source: 'chat.postEphemeral',
      });
      return { ok: true, message_ts: ts };
    },
    'chat.update': (p) => {
      const message = ws.channels.get(p.channel ?? '')?.messages.find((m) => m.ts === p.ts);
      if (!message)
        return {
          ok: false,
          error: ws.channels.has(p.channel ?? '') ? 'message_not_found' : 'channel_not_found',
        };
      const blocks = json<Block[]>(p.blocks);
      if (blocks && messageBlocksProblem(blocks)) return { ok: false, error: 'invalid_blocks' };
      if (p.text !== undefined) message.text = p.text;
      if (blocks) message.blocks = withIds(blocks);
      message.edited = { ts: ws.nextTs() };
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
    },
    'chat.delete': (p) => {
      const channel = ws.channels.get(p.channel ?? '');
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const index = channel.messages.findIndex((m) => m.ts === p.ts);
      if (index < 0) return { ok: false, error: 'message_not_found' };
      // A bot token deletes only the bot's own messages.
      if (channel.messages[index]?.bot_id !== BOT.bot_id)
        return { ok: false, error: 'cant_delete_message' };
      channel.messages.splice(index, 1);
      return { ok: true, channel: channel.id, ts: p.ts };
    },
    'conversations.history': (p) => {
      const channel = ws.channels.get(p.channel ?? '');
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const withMetadata = p.include_all_metadata === 'true' || p.include_all_metadata === '1';
      const oldest = Number(p.oldest ?? 0);
      // Thread replies are not channel history unless they were broadcast to it.
      const newest = [...channel.messages]
        .reverse()
        .filter((m) => Number(m.ts) > oldest)
        .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast);
      return pageOf(newest, p, withMetadata);
    },
    'conversations.replies': (p) => {
      const channel = ws.channels.get(p.channel ?? '');
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!p.ts) return invalidArguments(['[ERROR] missing required field: ts']);
      const parent = channel.messages.find((m) => m.ts === p.ts);
      if (!parent) return { ok: false, error: 'thread_not_found' };
      const withMetadata = p.include_all_metadata === 'true' || p.include_all_metadata === '1';
      const oldest = Number(p.oldest ?? 0);
      // The parent first, then its replies oldest first, as Slack answers.
      const thread = channel.messages.filter(
        (m) => m === parent || (m.thread_ts === parent.ts && m.ts !== parent.ts),
      );
      return pageOf(
        thread.filter((m) => m === parent || Number(m.ts) > oldest),
        p,
        withMetadata,
      );
    },
    'views.open': (p) => {
      if (!p.trigger_id) return invalidArguments(['[ERROR] missing required field: trigger_id']);
      const view = json<Record<string, unknown>>(p.view);
      const problems = viewProblems(view);
      if (problems.length > 0 || !view) return invalidArguments(problems);
      // Validated before the trigger is spent: a rejected view does not use up the trigger_id.
      const trigger = ws.useTrigger(p.trigger_id);
      if ('error' in trigger) return { ok: false, error: trigger.error };
      return { ok: true, view: ws.openView(view, trigger.user) };
    },
    'views.update': (p) => {
      if (!p.view_id && !p.external_id)
        return invalidArguments(['[ERROR] missing required field: view_id']);
      const opened = p.view_id
        ? ws.views.get(p.view_id)
        : [...ws.views.values()].find((v) => v.view.external_id === p.external_id);
      if (!opened?.open) return { ok: false, error: 'not_found' };
      if (p.hash !== undefined && p.hash !== opened.view.hash)
        return { ok: false, error: 'hash_conflict' };
      const view = json<Record<string, unknown>>(p.view);
      const problems = viewProblems(view);
      if (problems.length > 0 || !view) return invalidArguments(problems);
      return { ok: true, view: ws.updateView(opened, view) };
    },
  };

  const { openConnection } = deps;
  if (openConnection)
    methods['apps.connections.open'] = () => ({ ok: true, url: openConnection() });

  app.post('/api/:method', async (c) => {
    const method = c.req.param('method');
    const p = await params(c);
    const token = c.req.header('authorization')?.replace(/^Bearer\s+/i, '') ?? p.token;
    const fault = await faults.next(method);
    if (fault?.kind === 'timeout') return hang();
    if (fault?.kind === 'status' && fault.status === 429) {
      c.header('retry-after', String(Math.ceil(fault.retryAfterMs / 1000)));
      return c.json({ ok: false, error: 'ratelimited' }, 429);
    }
    if (fault?.kind === 'status') return c.text('upstream error', fault.status as 500);
    if (fault?.kind === 'platform') return c.json({ ok: false, error: fault.error });
    const handler = methods[method];
    if (!handler) return c.json({ ok: false, error: 'unknown_method' });
    if (!token) return c.json({ ok: false, error: 'not_authed' });
    const wanted = APP_TOKEN_METHODS.has(method) ? deps.appToken : deps.botToken;
    if (token !== wanted) {
      const known = token === deps.appToken || token === deps.botToken;
      return c.json({ ok: false, error: known ? 'not_allowed_token_type' : 'invalid_auth' });
    }
    calls.push({ method, params: p });
    const result = handler(p);
    // `lost`: the call took effect (a message was posted) but the answer never arrives.
    if (fault?.kind === 'lost') return hang();
    return c.json(result);
  });

  // response_urls: JSON bodies, one message per POST, answered `{ok:true}`; a URL that is
  // unknown, expired (30 min) or used up (5 posts) gets a 404, which Bolt's respond() throws on.
  app.post('/:kind{actions|commands}/:team/:id/:secret', async (c) => {
    const fault = await faults.next('response_url');
    if (fault?.kind === 'timeout' || fault?.kind === 'lost') return hang();
    if (fault?.kind === 'status')
      return c.json({ ok: false, error: 'internal_error' }, fault.status as 500);
    const url = c.req.url;
    const body = await c.req.json().catch(() => undefined);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      ws.responses.push({ via: 'response_url', url, body: {}, error: 'invalid_payload' });
      return c.json({ ok: false, error: 'invalid_payload' }, 400);
    }
    const record = { via: 'response_url' as const, url, body: body as Result };
    const use = ws.useResponseUrl(new URL(url).pathname);
    if ('error' in use) {
      ws.responses.push({ ...record, error: use.error });
      return c.json({ ok: false, error: use.error }, 404);
    }
    const error = ws.applyResponse(use.target, record.body, 'response_url');
    ws.responses.push(error ? { ...record, error } : record);
    return error ? c.json({ ok: false, error }, 400) : c.json({ ok: true });
  });

  return { calls };
}

/**
 * The Web API and response_urls alone, without Socket Mode or simulated users (startSlackEmulator
 * in emulator.ts has everything).
 */
export async function startSlackWebApi(
  options: { port?: number; botToken?: string; channels?: string[]; now?: () => number } = {},
) {
  const botToken = options.botToken ?? 'xoxb-sandbox-bot-token';
  const workspace = createWorkspace({
    ...(options.now ? { now: options.now } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
  });
  const faults = createFaults();
  const app = new Hono();
  const { calls } = mountSlackWebApi(app, { workspace, faults, botToken, appToken: '' });
  const running = await startEmulator(
    app,
    options.port === undefined ? {} : { port: options.port },
  );
  return {
    url: running.url,
    port: running.port,
    close: running.close,
    /** `slackApiUrl` for WebClient (Bolt: `clientOptions.slackApiUrl`). */
    apiUrl: `${running.url}/api/`,
    botToken,
    faults,
    messages: (channel: string): SlackMessage[] =>
      structuredClone(workspace.channels.get(channel)?.messages ?? []),
    calls: (): RecordedCall[] => structuredClone(calls),
  };
}
