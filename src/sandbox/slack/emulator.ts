/**
 * The Slack emulator: Web API, response_urls and Socket Mode on one loopback port, plus simulated
 * users who click, submit modals and run slash commands. Point Bolt at it with
 * `clientOptions.slackApiUrl = apiUrl` for the bot and the same on the SocketModeReceiver's
 * `installerOptions.clientOptions` for apps.connections.open.
 */
import { Hono } from 'hono';
import { createFaults } from '../faults.js';
import { startEmulator } from '../server.js';
import { createInteractions } from './interactions.js';
import { createSocketModeServer } from './socket-mode.js';
import { mountSlackWebApi } from './web-api.js';
import {
  APP_ID,
  createWorkspace,
  type EphemeralMessage,
  type OpenedView,
  type RecordedResponse,
  type SlackChannel,
  type SlackMessage,
  type SlackUser,
  TEAM,
} from './workspace.js';

export type { InteractionHandle, SlashCommandPayload } from './interactions.js';
export { AckTimeoutError, type Envelope, type RecordedAck } from './socket-mode.js';
export type { RecordedCall } from './web-api.js';
export type {
  EphemeralMessage,
  OpenedView,
  RecordedResponse,
  SlackChannel,
  SlackMessage,
  SlackUser,
  SlackView,
} from './workspace.js';

export interface SlackEmulatorOptions {
  port?: number;
  botToken?: string;
  /** The app-level token apps.connections.open takes. */
  appToken?: string;
  /** Who can click and type; default U0ALICE (alice) and U0BOB (bob). */
  users?: SlackUser[];
  /** Channel ids (named after themselves) or `{id, name}`; default C0DEALS (#deals). */
  channels?: Array<string | SlackChannel>;
  now?: () => number;
  /** How long a trigger_id stays usable by views.open. Slack: 3 s. */
  triggerTtlMs?: number;
  /** How long Socket Mode waits for an ack before redelivering or failing. Slack: 3 s. */
  ackTimeoutMs?: number;
  /** Redeliveries of an unacknowledged events_api envelope. */
  maxRetries?: number;
  /** How long a client may stay after a `disconnect` frame before its connection is cut. */
  disconnectGraceMs?: number;
}

export async function startSlackEmulator(options: SlackEmulatorOptions = {}) {
  const botToken = options.botToken ?? 'xoxb-sandbox-bot-token';
  const appToken = options.appToken ?? 'xapp-1-sandbox-app-token';
  const workspace = createWorkspace({
    ...(options.now ? { now: options.now } : {}),
    ...(options.users ? { users: options.users } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
    ...(options.triggerTtlMs === undefined ? {} : { triggerTtlMs: options.triggerTtlMs }),
  });
  const faults = createFaults();
  const app = new Hono();
  let openConnection = (): string => {
    throw new Error('Socket Mode is not listening yet');
  };
  const webApi = mountSlackWebApi(app, {
    workspace,
    faults,
    botToken,
    appToken,
    openConnection: () => openConnection(),
  });
  const running = await startEmulator(
    app,
    options.port === undefined ? {} : { port: options.port },
  );
  if (!running.server) throw new Error('startEmulator did not expose its HTTP server');
  const socket = createSocketModeServer({
    server: running.server,
    origin: running.url,
    appId: APP_ID,
    ackTimeoutMs: options.ackTimeoutMs ?? 3_000,
    maxRetries: options.maxRetries ?? 3,
    disconnectGraceMs: options.disconnectGraceMs ?? 1_000,
  });
  openConnection = socket.openUrl;
  const interactions = createInteractions({ workspace, socket, origin: running.url });

  return {
    url: running.url,
    port: running.port,
    /** `slackApiUrl` for WebClient (Bolt: `clientOptions.slackApiUrl`). */
    apiUrl: `${running.url}/api/`,
    botToken,
    appToken,
    appId: APP_ID,
    team: TEAM,
    /** Per endpoint: Web API method names, and `response_url` for all response_urls. */
    faults,

    messages: (channel: string): SlackMessage[] =>
      structuredClone(workspace.channels.get(channel)?.messages ?? []),
    calls: () => structuredClone(webApi.calls),
    ephemerals: (): EphemeralMessage[] => structuredClone(workspace.ephemerals),
    responses: (): RecordedResponse[] => structuredClone(workspace.responses),
    views: (): OpenedView[] => structuredClone([...workspace.views.values()]),
    /** Every ack received, accepted or not. */
    acks: socket.acks,
    /** Every envelope sent, redeliveries included. */
    envelopes: socket.sent,

    ...interactions,

    /** Connections currently receiving envelopes. */
    connections: socket.connections,
    nextConnection: socket.nextConnection,
    /** Sends `{type:'disconnect', reason}` (default `refresh_requested`) to every client. */
    disconnect: socket.disconnect,
    dropConnections: socket.dropConnections,

    /** Empties channels and records, forgets views, triggers and pending envelopes; clears faults. */
    reset(): void {
      workspace.reset();
      webApi.calls.length = 0;
      socket.reset();
      faults.clear();
    },
    async close(): Promise<void> {
      socket.close();
      await running.close();
    },
  };
}

export type SlackEmulator = Awaited<ReturnType<typeof startSlackEmulator>>;
