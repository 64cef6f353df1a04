/**
 * The chat port on @slack/web-api. The SDK makes one attempt per call: the outbox retries
 * durably (the SDK's default would retry for half an hour inside one effect), rate limits come
 * back at once with their Retry-After, and a timeout bounds every call. Answers are validated
 * before they are believed.
 */
import { type KnownBlock, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { z } from 'zod';
import { RetryableError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { ChatPort, FindRequest, FoundMessage } from './chat.js';
import { type SlackCall, translateSlackError } from './errors.js';

export interface SlackChatPortOptions {
  /** The bot token (xoxb-…). */
  token: string;
  /** The Web API base; default https://slack.com/api/. */
  apiUrl?: string;
  logger?: Logger;
  /** Per call; default 10 s. */
  timeoutMs?: number;
  /** Pages of 200 messages read when looking a message up; default 10. */
  maxPages?: number;
}

const optionsSchema = z.object({
  token: z.string().trim().min(1, 'a Slack bot token is required'),
  apiUrl: z.url().optional(),
  timeoutMs: z.int().positive().max(300_000).default(10_000),
  maxPages: z.int().positive().max(100).default(10),
});

const postedSchema = z.looseObject({ channel: z.string().min(1), ts: z.string().min(1) });
const identitySchema = z.looseObject({
  user_id: z.string().min(1),
  bot_id: z.string().optional(),
  team_id: z.string().min(1),
});
const pageSchema = z.looseObject({
  messages: z
    .array(
      z.looseObject({
        ts: z.string(),
        thread_ts: z.string().optional(),
        metadata: z
          .looseObject({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()) })
          .optional()
          .catch(undefined),
      }),
    )
    .default([]),
  has_more: z.boolean().optional(),
  response_metadata: z.looseObject({ next_cursor: z.string().optional() }).optional(),
});

export function createSlackChatPort(options: SlackChatPortOptions): ChatPort {
  const settings = optionsSchema.parse({
    token: options.token,
    apiUrl: options.apiUrl,
    timeoutMs: options.timeoutMs,
    maxPages: options.maxPages,
  });
  const clientOptions: WebClientOptions = {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: settings.timeoutMs,
    logger: sdkLogger(options.logger),
  };
  if (settings.apiUrl) clientOptions.slackApiUrl = settings.apiUrl;
  const client = new WebClient(settings.token, clientOptions);

  async function call<T>(what: SlackCall, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translateSlackError(error, { ...what, timeoutMs: settings.timeoutMs });
    }
  }

  async function page(request: FindRequest, cursor: string | undefined) {
    const common = {
      channel: request.channel,
      oldest: slackTs(request.oldest),
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    };
    const answer = request.threadTs
      ? await call({ method: 'conversations.replies', channel: request.channel }, () =>
          client.conversations.replies({ ...common, ts: request.threadTs ?? '' }),
        )
      : await call({ method: 'conversations.history', channel: request.channel }, () =>
          client.conversations.history(common),
        );
    const parsed = pageSchema.safeParse(answer);
    if (!parsed.success)
      throw new RetryableError('Slack answered a history read with an unreadable page');
    return parsed.data;
  }

  return {
    async post(message) {
      const content = {
        channel: message.channel,
        text: message.text,
        blocks: message.blocks as unknown as KnownBlock[],
        metadata: message.metadata,
        unfurl_links: false,
        unfurl_media: false,
      };
      const { threadTs } = message;
      const answer = await call({ method: 'chat.postMessage', channel: message.channel }, () =>
        client.chat.postMessage(
          threadTs === undefined
            ? content
            : message.broadcast
              ? { ...content, thread_ts: threadTs, reply_broadcast: true }
              : { ...content, thread_ts: threadTs },
        ),
      );
      const posted = postedSchema.safeParse(answer);
      // It may well have been posted: a retry looks it up by its metadata before posting again.
      if (!posted.success)
        throw new RetryableError('Slack chat.postMessage answered without the message ts');
      return { channel: posted.data.channel, ts: posted.data.ts };
    },

    async update(message) {
      await call({ method: 'chat.update', channel: message.channel }, () =>
        client.chat.update({
          channel: message.channel,
          ts: message.ts,
          text: message.text,
          blocks: message.blocks as unknown as KnownBlock[],
        }),
      );
    },

    async findByMetadataKey(request): Promise<FoundMessage | null> {
      let cursor: string | undefined;
      for (let n = 0; n < settings.maxPages; n++) {
        const answer = await page(request, cursor);
        const found = answer.messages.find(
          (m) =>
            m.metadata?.event_payload.key === request.key &&
            (request.eventType === undefined || m.metadata.event_type === request.eventType),
        );
        if (found)
          return {
            ts: found.ts,
            // A parent with replies carries its own ts as thread_ts: it is still top level.
            threadTs: found.thread_ts && found.thread_ts !== found.ts ? found.thread_ts : null,
          };
        cursor = answer.response_metadata?.next_cursor;
        if (!answer.has_more || !cursor) return null;
      }
      options.logger?.warn(
        { channel: request.channel, key: request.key, pages: settings.maxPages },
        'stopped looking for a Slack message after the last page allowed',
      );
      return null;
    },

    async authTest() {
      const answer = await call({ method: 'auth.test' }, () => client.auth.test());
      const identity = identitySchema.safeParse(answer);
      if (!identity.success)
        throw new RetryableError('Slack auth.test answered without an identity');
      return {
        userId: identity.data.user_id,
        botId: identity.data.bot_id ?? null,
        teamId: identity.data.team_id,
      };
    },
  };
}

/** Epoch milliseconds as a Slack timestamp ("1700000000.000000"). */
function slackTs(ms: number): string {
  return (Math.max(0, Math.floor(ms)) / 1000).toFixed(6);
}

/**
 * The SDK's own log lines go to our logger at debug (its warnings duplicate the errors we
 * translate and log); without a logger they are dropped rather than printed to the console.
 */
function sdkLogger(logger: Logger | undefined): NonNullable<WebClientOptions['logger']> {
  const write = (...parts: unknown[]) =>
    logger?.debug({ component: 'slack-web-api' }, parts.map(String).join(' '));
  return {
    debug: () => {},
    info: write,
    warn: write,
    error: write,
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
