/**
 * The inbound half of Slack: a Bolt app over Socket Mode that turns people's clicks, modal
 * submissions and `/negotiation` commands into negotiation events. Retries are explicit and small
 * (Socket Mode's own default is 100), Bolt's logs go to our logger with secrets masked, the bot's
 * identity comes from one auth.test at start (or is given), and no listener error escapes: each
 * is logged with its action, person and negotiation, and handed to `deps.onListenerError`.
 */
import { App, SocketModeReceiver } from '@slack/bolt';
import { type RetryOptions, WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../observability/logger.js';
import { registerNegotiationCommand } from './commands/index.js';
import { createBoltLogger } from './interactions/bolt-logger.js';
import type { InteractionDeps } from './interactions/deps.js';
import { payloadContext, reportListenerError } from './interactions/errors.js';
import { registerInteractions } from './interactions/index.js';

export interface SlackAppOptions {
  /** xoxb-… */
  botToken: string;
  /** xapp-…, for apps.connections.open. */
  appToken: string;
  /** `https://slack.com/api/` unless set (the sandbox emulator's `apiUrl`). */
  apiUrl?: string;
  deps: InteractionDeps;
  logger: Logger;
  /** The bot's identity when already known: then start() makes no auth.test call. */
  bot?: { botId: string; botUserId: string };
  retryConfig?: RetryOptions;
  /** How long Socket Mode waits for a pong; also its delay before reconnecting. */
  pingTimeoutMs?: number;
}

/** A few quick retries: a person is waiting, and a failed call is reported, not hidden. */
export const SLACK_RETRY: RetryOptions = {
  retries: 2,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 2000,
};

export function createSlackApp(options: SlackAppOptions) {
  const { deps } = options;
  const retryConfig = options.retryConfig ?? SLACK_RETRY;
  // A fresh object each time: the SDKs write into the options they are given.
  const clientOptions = (): WebClientOptions => ({
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { ...retryConfig },
  });
  let identity = options.bot ?? null;

  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger: createBoltLogger(options.logger, 'socket-mode'),
    ...(options.pingTimeoutMs === undefined ? {} : { clientPingTimeout: options.pingTimeoutMs }),
    installerOptions: { clientOptions: clientOptions() },
  });
  const app = new App({
    receiver,
    logger: createBoltLogger(options.logger, 'bolt'),
    clientOptions: clientOptions(),
    extendedErrorHandler: true,
    authorize: async () => {
      if (!identity) throw new Error('the Slack app has not started: its bot is not known yet');
      return { botToken: options.botToken, ...identity };
    },
  });
  // extendedErrorHandler: Bolt hands over the payload, which names the action and the person.
  app.error(async ({ error, body }: { error: Error; body?: unknown }) => {
    reportListenerError(deps, error, payloadContext(body));
  });
  registerInteractions(app, deps);
  registerNegotiationCommand(app, deps);

  /** The bot's client, for calls made outside a listener. */
  const client = new WebClient(options.botToken, {
    ...clientOptions(),
    logger: createBoltLogger(options.logger, 'web-api'),
  });

  return {
    app,
    client,
    async start(): Promise<void> {
      if (!identity) {
        const auth = await client.auth.test();
        if (!auth.bot_id || !auth.user_id)
          throw new Error('auth.test did not name a bot: SLACK_BOT_TOKEN must be a bot token');
        identity = { botId: auth.bot_id, botUserId: auth.user_id };
      }
      await app.start();
      options.logger.info({ botUserId: identity.botUserId }, 'slack app connected (socket mode)');
    },
    /** Disconnects, waiting (up to `timeoutMs`) for the socket to close: Bolt's stop() does not. */
    async stop(timeoutMs = 5_000): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const closed = new Promise<void>((resolve) => {
        receiver.client.once('disconnected', () => resolve());
        timer = setTimeout(resolve, timeoutMs);
      });
      await app.stop();
      await closed;
      clearTimeout(timer);
    },
  };
}

export type SlackApp = ReturnType<typeof createSlackApp>;
