/**
 * The Slack side of the agent, assembled from configuration. Two steps, like the Gmail side: the
 * outbound effects exist before the runtime (which performs them), the listeners need the
 * runtime to dispatch into and the mailbox address for links:
 *
 *   const slack = createSlack({ config, sqlite, clock, logger });
 *   const runtime = createRuntime({ …, handlers: { ...slack.handlers } });
 *   const running = await slack.start({ dispatch: runtime.dispatch, mailbox });
 *   slack.alerts.alert('…')                 // service alerts (model outage, watch, dead effects)
 *   await running.stop();
 */
import type Database from 'better-sqlite3';
import { type ChatPort, createSlackChatPort } from '../adapters/slack/index.js';
import type { Config } from '../config.js';
import { createNegotiationFacts } from '../db/negotiation-facts.js';
import { createSlackStore } from '../db/slack-store.js';
import type { Logger } from '../observability/logger.js';
import type { Clock } from '../runtime/clock.js';
import { createSlackAlerts } from './alerts.js';
import { createSlackApp } from './app.js';
import { createSlackEffects } from './effects.js';
import type { Dispatch, ListenerErrorHook } from './interactions/deps.js';
import { createInteractionReads } from './interactions/sqlite-reads.js';

export class SlackConfigError extends Error {
  constructor(missing: string[]) {
    super(`Slack is not configured: ${missing.join(', ')}`);
    this.name = 'SlackConfigError';
  }
}

export function createSlack(deps: {
  config: Config;
  sqlite: Database.Database;
  clock: Clock;
  logger: Logger;
  /** Overrides the chat port (tests). */
  chat?: ChatPort;
}) {
  const { config } = deps;
  const botToken = config.secrets.SLACK_BOT_TOKEN;
  const appToken = config.secrets.SLACK_APP_TOKEN;
  const channel = config.slack.channel;
  if (!botToken || !appToken || !channel)
    throw new SlackConfigError([
      ...(botToken ? [] : ['SLACK_BOT_TOKEN']),
      ...(appToken ? [] : ['SLACK_APP_TOKEN']),
      ...(channel ? [] : ['SLACK_CHANNEL']),
    ]);
  const log = deps.logger.child({ component: 'slack' });
  const apiUrl = config.endpoints.slackApiUrl;
  const chat =
    deps.chat ??
    createSlackChatPort({ token: botToken, ...(apiUrl ? { apiUrl } : {}), logger: log });
  const mentions = config.slack.mentions;
  // Known once the Gmail side has read the mailbox profile.
  let mailbox = '';
  const effects = createSlackEffects({
    chat,
    store: createSlackStore(deps.sqlite),
    facts: createNegotiationFacts(deps.sqlite),
    channel,
    mailbox: () => mailbox,
    mentions,
    now: deps.clock.now,
    logger: log,
  });
  const alerts = createSlackAlerts({ chat, channel, logger: log, now: deps.clock.now, mentions });

  return {
    handlers: effects,
    alerts,
    chat,
    /** Connects the listeners (Socket Mode): clicks, modals and `/negotiation` become events. */
    async start(run: { dispatch: Dispatch; mailbox: string; onListenerError?: ListenerErrorHook }) {
      mailbox = run.mailbox;
      const app = createSlackApp({
        botToken,
        appToken,
        ...(apiUrl ? { apiUrl } : {}),
        logger: log,
        deps: {
          channel,
          allowedUsers: config.slack.allowedUsers,
          dispatch: run.dispatch,
          ...createInteractionReads(deps.sqlite),
          clock: deps.clock,
          logger: log,
          mailbox: run.mailbox,
          ...(run.onListenerError ? { onListenerError: run.onListenerError } : {}),
        },
      });
      await app.start();
      return { stop: (timeoutMs?: number) => app.stop(timeoutMs) };
    },
  };
}

export type Slack = ReturnType<typeof createSlack>;
export type RunningSlack = Awaited<ReturnType<Slack['start']>>;
