/**
 * Slack Web API emulator for @slack/web-api and Bolt: form-encoded (or JSON) POSTs to
 * `/api/<method>`, `{ok:false, error}` platform errors with HTTP 200, 429 with Retry-After, Block
 * Kit limits enforced, message `metadata` kept and returned by `conversations.history` only with
 * `include_all_metadata`, as the real API does.
 */
import { type Context, Hono } from 'hono';
import { createFaults, hang } from '../faults.js';
import { startEmulator } from '../server.js';

export interface SlackMessage {
  ts: string;
  channel: string;
  text: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  bot_id: string;
  user: string;
  edited?: { ts: string };
}

const BOT = {
  user_id: 'U0NEGOTIATOR',
  bot_id: 'B0NEGOTIATOR',
  team_id: 'T0SANDBOX',
  team: 'Sandbox Agency',
};

function blocksProblem(blocks: unknown[]): string | null {
  if (blocks.length > 50) return 'invalid_blocks';
  for (const block of blocks as Array<{
    type?: string;
    text?: { text?: string };
    fields?: Array<{ text?: string }>;
    elements?: Array<{ value?: string }>;
  }>) {
    if (typeof block?.type !== 'string') return 'invalid_blocks';
    if ((block.text?.text?.length ?? 0) > 3000) return 'invalid_blocks';
    if ((block.fields?.length ?? 0) > 10) return 'invalid_blocks';
    if (block.elements?.some((e) => (e.value?.length ?? 0) > 2000)) return 'invalid_blocks';
  }
  return null;
}

export async function startSlackWebApi(
  options: { port?: number; botToken?: string; channels?: string[]; now?: () => number } = {},
) {
  const botToken = options.botToken ?? 'xoxb-sandbox-bot-token';
  const now = options.now ?? Date.now;
  const channels = new Map<string, SlackMessage[]>(
    (options.channels ?? ['C0DEALS']).map((c) => [c, []]),
  );
  const faults = createFaults();
  const calls: Array<{ method: string; params: Record<string, string> }> = [];
  let seq = 0;
  const app = new Hono();

  const nextTs = () => `${Math.floor(now() / 1000)}.${String(++seq).padStart(6, '0')}`;

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
  const json = <T>(text: string | undefined): T | undefined => {
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  };

  const methods: Record<string, (p: Record<string, string>) => Record<string, unknown>> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://sandbox.slack.test/',
      user: 'negotiator',
      ...BOT,
    }),
    'chat.postMessage': (p) => {
      const list = channels.get(p.channel ?? '');
      if (!list) return { ok: false, error: 'channel_not_found' };
      const blocks = p.blocks === undefined ? undefined : json<unknown[]>(p.blocks);
      if (p.blocks !== undefined && !Array.isArray(blocks))
        return { ok: false, error: 'invalid_blocks_format' };
      if (!p.text && !blocks) return { ok: false, error: 'no_text' };
      const problem = blocks ? blocksProblem(blocks) : null;
      if (problem) return { ok: false, error: problem };
      const metadata = json<SlackMessage['metadata']>(p.metadata);
      if (
        p.metadata !== undefined &&
        (!metadata?.event_type || typeof metadata.event_payload !== 'object')
      )
        return { ok: false, error: 'invalid_metadata_format' };
      const message: SlackMessage = {
        ts: nextTs(),
        channel: p.channel ?? '',
        text: p.text ?? '',
        bot_id: BOT.bot_id,
        user: BOT.user_id,
        ...(blocks ? { blocks } : {}),
        ...(metadata ? { metadata } : {}),
      };
      list.push(message);
      return { ok: true, channel: message.channel, ts: message.ts, message };
    },
    'chat.update': (p) => {
      const message = channels.get(p.channel ?? '')?.find((m) => m.ts === p.ts);
      if (!message)
        return {
          ok: false,
          error: channels.has(p.channel ?? '') ? 'message_not_found' : 'channel_not_found',
        };
      const blocks = json<unknown[]>(p.blocks);
      if (blocks && blocksProblem(blocks)) return { ok: false, error: 'invalid_blocks' };
      if (p.text !== undefined) message.text = p.text;
      if (blocks) message.blocks = blocks;
      message.edited = { ts: nextTs() };
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
    },
    'conversations.history': (p) => {
      const list = channels.get(p.channel ?? '');
      if (!list) return { ok: false, error: 'channel_not_found' };
      const withMetadata = p.include_all_metadata === 'true' || p.include_all_metadata === '1';
      const oldest = Number(p.oldest ?? 0);
      const newest = [...list].reverse().filter((m) => Number(m.ts) > oldest);
      const offset = Number(p.cursor ?? 0) || 0;
      const limit = Math.min(Number(p.limit ?? 100) || 100, 999);
      const page = newest.slice(offset, offset + limit).map(({ metadata, channel: _c, ...m }) => ({
        type: 'message',
        ...m,
        ...(withMetadata && metadata ? { metadata } : {}),
      }));
      const more = offset + limit < newest.length;
      return {
        ok: true,
        messages: page,
        has_more: more,
        response_metadata: { next_cursor: more ? String(offset + limit) : '' },
      };
    },
  };

  app.post('/api/:method', async (c) => {
    const method = c.req.param('method');
    const p = await params(c);
    const token = c.req.header('authorization')?.replace(/^Bearer\s+/i, '') ?? p.token;
    const fault = await faults.next(method);
    if (fault?.kind === 'timeout') return hang();
    if (fault?.status === 429) {
      c.header('retry-after', String(Math.ceil(fault.retryAfterMs / 1000)));
      return c.json({ ok: false, error: 'ratelimited' }, 429);
    }
    if (fault) return c.text('upstream error', fault.status as 500);
    const handler = methods[method];
    if (!handler) return c.json({ ok: false, error: 'unknown_method' });
    if (token !== botToken)
      return c.json({ ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    calls.push({ method, params: p });
    return c.json(handler(p));
  });

  const running = await startEmulator(
    app,
    options.port === undefined ? {} : { port: options.port },
  );
  return {
    ...running,
    /** `slackApiUrl` for WebClient (Bolt: `clientOptions.slackApiUrl`). */
    apiUrl: `${running.url}/api/`,
    botToken,
    faults,
    messages: (channel: string): SlackMessage[] => [...(channels.get(channel) ?? [])],
    calls: () => [...calls],
  };
}
