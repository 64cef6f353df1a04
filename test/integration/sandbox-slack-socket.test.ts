/**
 * Contract test: the real @slack/bolt App in Socket Mode against the sandbox Slack emulator —
 * apps.connections.open, hello, envelopes and acks over a real WebSocket, respond() on
 * response_urls, modals, slash commands, redelivery and reconnects.
 */
import {
  App,
  type BlockAction,
  type ButtonAction,
  type Logger,
  LogLevel,
  SocketModeReceiver,
} from '@slack/bolt';
import { ErrorCode, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  AckTimeoutError,
  type SlackEmulator,
  startSlackEmulator,
} from '../../src/sandbox/slack/emulator.js';
import { eventually } from '../support/slack.js';

const CHANNEL = 'C0DEALS';

/** Bolt's logs, kept for a failing test's message instead of the console. */
function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  let level = LogLevel.DEBUG;
  const log =
    (name: string) =>
    (...message: unknown[]) =>
      void lines.push(`${name} ${message.join(' ')}`);
  return {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * A Bolt app pointed at the emulator. Bolt's `socketMode: true` cannot set the Socket Mode
 * client's options, so the receiver is built here: its `installerOptions.clientOptions` is what
 * the client's own WebClient (apps.connections.open) uses, and `clientPingTimeout` is also its
 * reconnect delay.
 */
function boltApp(
  slack: SlackEmulator,
  options: { appToken?: string; authorize?: () => Promise<Record<string, string>> } = {},
) {
  const logger = quietLogger();
  const clientOptions = () => ({
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 10 },
  });
  const receiver = new SocketModeReceiver({
    appToken: options.appToken ?? slack.appToken,
    logger,
    clientPingTimeout: 1_000,
    installerOptions: { clientOptions: clientOptions() },
  });
  const app = new App({
    receiver,
    logger,
    clientOptions: clientOptions(),
    ...(options.authorize ? { authorize: options.authorize } : { token: slack.botToken }),
  });
  return { app, logger };
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const button = (actionId: string, value: string, text = 'Approve') => ({
  type: 'button' as const,
  action_id: actionId,
  text: { type: 'plain_text' as const, text },
  value,
});

describe('Bolt in Socket Mode against the sandbox Slack', { timeout: 8_000 }, () => {
  let slack: SlackEmulator;
  let app: App;
  let logger: ReturnType<typeof quietLogger>;
  let started: unknown;
  /** Added to the emulator's clock: trigger_ids expire without waiting for them. */
  let skewMs = 0;

  beforeAll(async () => {
    slack = await startSlackEmulator({ now: () => Date.now() + skewMs, ackTimeoutMs: 1_000 });
    ({ app, logger } = boltApp(slack));
    started = await app.start();
  });
  beforeEach(({ onTestFailed }) => {
    const from = logger.lines.length;
    onTestFailed(() => console.warn(logger.lines.slice(from).join('\n')));
  });
  afterEach(() => {
    slack.reset();
    skewMs = 0;
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  const post = async (text: string, actions: ReturnType<typeof button>[], blockId?: string) => {
    const posted = await app.client.chat.postMessage({
      channel: CHANNEL,
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        { type: 'actions', ...(blockId ? { block_id: blockId } : {}), elements: actions },
      ],
    });
    return posted.ts ?? '';
  };

  it('connects with the app-level token and starts on hello', () => {
    expect(started).toMatchObject({
      ok: true,
      url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/),
    });
    expect(slack.calls().filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
    expect(slack.connections()).toBe(1);
  });

  it('delivers a click as block_actions; the listener acks and respond() replaces the message', async () => {
    const ts = await post(
      'Approve $1,350 for Ada?',
      [button('approve_deal', 'neg_1')],
      'deal_neg_1',
    );
    const handled = deferred<BlockAction<ButtonAction>>();
    app.action<BlockAction<ButtonAction>>('approve_deal', async ({ ack, body, respond }) => {
      try {
        await ack();
        await respond({ replace_original: true, text: 'Approved by <@U0ALICE>' });
        handled.resolve(body);
      } catch (error) {
        handled.reject(error);
      }
    });

    const click = slack.clickButton({
      user: 'U0ALICE',
      channel: CHANNEL,
      ts,
      actionId: 'approve_deal',
    });
    expect(await click.acked).toMatchObject({ type: 'interactive', payload: {}, accepted: true });
    const body = await handled.promise;

    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0SANDBOX' },
      api_app_id: 'A0SANDBOX',
      container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
      team: { id: 'T0SANDBOX', domain: 'sandbox-agency' },
      enterprise: null,
      channel: { id: CHANNEL, name: 'deals' },
      message: { type: 'message', ts, text: 'Approve $1,350 for Ada?', bot_id: 'B0NEGOTIATOR' },
      state: { values: {} },
      actions: [
        {
          action_id: 'approve_deal',
          block_id: 'deal_neg_1',
          value: 'neg_1',
          type: 'button',
          text: { type: 'plain_text', text: 'Approve' },
        },
      ],
    });
    expect(body.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
    expect(body.response_url).toMatch(new RegExp(`^${slack.url}/actions/T0SANDBOX/`));
    expect(body.actions[0]?.action_ts).toMatch(/^\d+\.\d{6}$/);

    const [message] = slack.messages(CHANNEL);
    expect(message).toMatchObject({ ts, text: 'Approved by <@U0ALICE>' });
    expect(message?.blocks).toBeUndefined();
    expect(slack.responses()).toEqual([
      {
        via: 'response_url',
        url: body.response_url,
        body: { replace_original: true, text: 'Approved by <@U0ALICE>' },
      },
    ]);
  });

  it("opens a modal with the click's trigger_id; a submission reaches app.view and its errors ack comes back", async () => {
    const ts = await post('Ada asks $1,800', [button('counter_offer', 'neg_2', 'Counter')]);
    const opened = deferred<string>();
    app.action<BlockAction<ButtonAction>>('counter_offer', async ({ ack, body, client }) => {
      try {
        await ack();
        const view = {
          type: 'modal' as const,
          callback_id: 'counter_offer_modal',
          private_metadata: 'neg_2',
          title: { type: 'plain_text' as const, text: 'Counter offer' },
          submit: { type: 'plain_text' as const, text: 'Send' },
          blocks: [
            {
              type: 'input',
              block_id: 'amount',
              label: { type: 'plain_text' as const, text: 'Amount (USD)' },
              element: { type: 'plain_text_input', action_id: 'value' },
            },
            {
              type: 'input',
              block_id: 'note',
              optional: true,
              label: { type: 'plain_text' as const, text: 'Note' },
              element: { type: 'plain_text_input', action_id: 'value', multiline: true },
            },
          ],
        };
        const result = await client.views.open({ trigger_id: body.trigger_id, view });
        // A trigger_id is good for one view.
        const again = await client.views
          .open({ trigger_id: body.trigger_id, view })
          .catch((e) => e);
        expect(again).toMatchObject({ data: { error: 'exchanged_trigger_id' } });
        opened.resolve(result.view?.id ?? '');
      } catch (error) {
        opened.reject(error);
      }
    });
    const submissions: Array<{ metadata: string; values: unknown }> = [];
    app.view('counter_offer_modal', async ({ ack, view }) => {
      submissions.push({ metadata: view.private_metadata, values: view.state.values });
      const amount = view.state.values.amount?.value?.value ?? '';
      if (/^\d+$/.test(amount)) await ack();
      else
        await ack({
          response_action: 'errors',
          errors: { amount: 'Enter whole dollars, e.g. 1500' },
        });
    });

    await slack.clickButton({ user: 'U0BOB', channel: CHANNEL, ts, actionId: 'counter_offer' })
      .acked;
    const viewId = await opened.promise;
    expect(viewId).toMatch(/^V[A-Z0-9]{10}$/);
    expect(slack.views()).toMatchObject([
      { user: 'U0BOB', open: true, view: { id: viewId, callback_id: 'counter_offer_modal' } },
    ]);

    const rejected = slack.submitModal({
      user: 'U0BOB',
      viewId,
      values: { amount: { value: 'about 1.5k' } },
    });
    expect(rejected.payload).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0BOB', username: 'bob' },
      view: { id: viewId, callback_id: 'counter_offer_modal', hash: expect.any(String) },
      response_urls: [],
    });
    expect(await rejected.acked).toMatchObject({
      accepted: true,
      payload: { response_action: 'errors', errors: { amount: 'Enter whole dollars, e.g. 1500' } },
    });
    expect(slack.views()[0]?.open).toBe(true);

    await slack.submitModal({ user: 'U0BOB', viewId, values: { amount: { value: '1500' } } }).acked;
    expect(slack.views()[0]?.open).toBe(false);
    expect(submissions).toEqual([
      {
        metadata: 'neg_2',
        values: {
          amount: { value: { type: 'plain_text_input', value: 'about 1.5k' } },
          note: { value: { type: 'plain_text_input', value: null } },
        },
      },
      {
        metadata: 'neg_2',
        values: {
          amount: { value: { type: 'plain_text_input', value: '1500' } },
          note: { value: { type: 'plain_text_input', value: null } },
        },
      },
    ]);
  });

  it('delivers a slash command to app.command: the ack answers ephemerally, respond() in channel', async () => {
    const handled = deferred<Record<string, string>>();
    app.command('/negotiator', async ({ ack, command, respond }) => {
      try {
        await ack({ text: `Looking up ${command.text}…` });
        await respond({ response_type: 'in_channel', text: 'neg_3: waiting for Ada' });
        handled.resolve({ ...command });
      } catch (error) {
        handled.reject(error);
      }
    });

    const run = slack.slashCommand({
      user: 'U0BOB',
      command: '/negotiator',
      text: 'status neg_3',
      channel: CHANNEL,
    });
    expect(await run.acked).toMatchObject({ type: 'slash_commands', accepted: true });
    expect(await handled.promise).toMatchObject({
      command: '/negotiator',
      text: 'status neg_3',
      user_id: 'U0BOB',
      user_name: 'bob',
      channel_id: CHANNEL,
      channel_name: 'deals',
      team_id: 'T0SANDBOX',
      api_app_id: 'A0SANDBOX',
      is_enterprise_install: 'false',
      response_url: expect.stringMatching(new RegExp(`^${slack.url}/commands/`)),
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]{32}$/),
    });
    expect(slack.ephemerals()).toMatchObject([
      { channel: CHANNEL, user: 'U0BOB', text: 'Looking up status neg_3…', source: 'ack' },
    ]);
    expect(slack.messages(CHANNEL)).toMatchObject([{ text: 'neg_3: waiting for Ada' }]);
  });

  it('reconnects after a disconnect frame and after an abrupt drop; envelopes keep arriving', async () => {
    const commands: string[] = [];
    app.command('/ping', async ({ ack, command }) => {
      commands.push(command.text);
      await ack();
    });
    const opens = () => slack.calls().filter((c) => c.method === 'apps.connections.open').length;

    const refreshed = slack.nextConnection();
    slack.disconnect();
    await refreshed;
    expect(opens()).toBe(1);
    await slack.slashCommand({
      user: 'U0ALICE',
      command: '/ping',
      text: 'after refresh',
      channel: CHANNEL,
    }).acked;

    const recovered = slack.nextConnection();
    slack.dropConnections();
    // Sent while no client is connected: it waits for the reconnect.
    const queued = slack.slashCommand({
      user: 'U0ALICE',
      command: '/ping',
      text: 'during the outage',
      channel: CHANNEL,
    });
    await recovered;
    await queued.acked;
    expect(opens()).toBe(2);
    expect(slack.connections()).toBe(1);
    expect(commands).toEqual(['after refresh', 'during the outage']);
  });

  it('refuses what a user could not do: an expired trigger_id, a button never posted', async () => {
    const ts = await post('Ada asks $2,000', [button('late_modal', 'neg_4', 'Counter')]);
    const failed = deferred<unknown>();
    app.action<BlockAction<ButtonAction>>('late_modal', async ({ ack, body, client }) => {
      await ack();
      skewMs += 3_001; // the app took longer than Slack's 3 s to open the modal
      const view = {
        type: 'modal' as const,
        title: { type: 'plain_text' as const, text: 'Too late' },
        blocks: [],
      };
      failed.resolve(
        await client.views.open({ trigger_id: body.trigger_id, view }).catch((e) => e),
      );
    });
    await slack.clickButton({ user: 'U0ALICE', channel: CHANNEL, ts, actionId: 'late_modal' })
      .acked;
    expect(await failed.promise).toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'expired_trigger_id' },
    });

    expect(() =>
      slack.clickButton({ user: 'U0ALICE', channel: CHANNEL, ts, actionId: 'approve_deal' }),
    ).toThrow(/no button with action_id approve_deal/);
    expect(() =>
      slack.clickButton({
        user: 'U0ALICE',
        channel: CHANNEL,
        ts,
        actionId: 'late_modal',
        value: 'neg_9',
      }),
    ).toThrow(/no button/);
    expect(() =>
      slack.clickButton({
        user: 'U0ALICE',
        channel: CHANNEL,
        ts: '1.000001',
        actionId: 'late_modal',
      }),
    ).toThrow(/No message/);
    expect(() =>
      slack.clickButton({ user: 'U0MALLORY', channel: CHANNEL, ts, actionId: 'late_modal' }),
    ).toThrow(/No user U0MALLORY/);
  });

  it('rejects start() for an unknown app-level token', async () => {
    const wrong = boltApp(slack, { appToken: 'xapp-1-not-this-app' });
    await expect(wrong.app.start()).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'invalid_auth' },
    });
    await wrong.app.stop();
  });
});

describe('Socket Mode ack deadlines', { timeout: 8_000 }, () => {
  let slack: SlackEmulator;
  afterAll(async () => {
    await slack?.close();
  });

  it('redelivers an event the app was too slow to ack (retry_attempt 1, timeout); interactions are not retried', async () => {
    slack = await startSlackEmulator({ ackTimeoutMs: 500 });
    // The first authorize() stalls past the ack deadline until the redelivery comes in.
    const firstHeld = deferred();
    let authorizations = 0;
    const { app } = boltApp(slack, {
      authorize: async () => {
        if (++authorizations === 1) await firstHeld.promise;
        else firstHeld.resolve();
        return { botToken: slack.botToken, botId: 'B0NEGOTIATOR', botUserId: 'U0NEGOTIATOR' };
      },
    });
    const seen: Array<{ retryNum?: number; retryReason?: string; eventId: string }> = [];
    const bothSeen = deferred();
    app.event('app_mention', async ({ body, context }) => {
      seen.push({
        retryNum: context.retryNum,
        retryReason: context.retryReason,
        eventId: body.event_id,
      });
      if (seen.length === 2) bothSeen.resolve();
    });
    await app.start();
    try {
      const mention = slack.sendEvent({
        type: 'app_mention',
        user: 'U0ALICE',
        text: '<@U0NEGOTIATOR> status?',
        channel: CHANNEL,
        ts: '1700000000.000100',
      });
      expect(await mention.acked).toMatchObject({ type: 'events_api', accepted: true });
      await bothSeen.promise;

      const sent = slack.envelopes();
      expect(sent.map((e) => [e.type, e.retry_attempt, e.retry_reason])).toEqual([
        ['events_api', 0, ''],
        ['events_api', 1, 'timeout'],
      ]);
      expect(sent[0]?.envelope_id).toBe(mention.envelopeId);
      expect(sent[1]?.envelope_id).not.toBe(mention.envelopeId);
      expect(sent[1]?.payload).toEqual(sent[0]?.payload);
      const eventId = mention.payload.event_id;
      expect(seen).toEqual(
        expect.arrayContaining([
          { retryNum: 1, retryReason: 'timeout', eventId },
          { retryNum: 0, retryReason: '', eventId },
        ]),
      );
      // Both attempts were acked in the end; Slack takes the first and ignores the other.
      await eventually(
        () =>
          expect(
            slack
              .acks()
              .map((a) => a.accepted)
              .sort(),
          ).toEqual([false, true]),
        2_000,
      );

      // Nothing handles this button, so nothing acks it: the user sees an error, and no retry.
      const posted = await app.client.chat.postMessage({
        token: slack.botToken,
        channel: CHANNEL,
        text: 'Unhandled',
        blocks: [{ type: 'actions', elements: [button('nobody_listens', 'x')] }],
      });
      const click = slack.clickButton({
        user: 'U0BOB',
        channel: CHANNEL,
        ts: posted.ts ?? '',
        actionId: 'nobody_listens',
      });
      await expect(click.acked).rejects.toBeInstanceOf(AckTimeoutError);
      const interactive = slack.envelopes().filter((e) => e.type === 'interactive');
      expect(interactive).toHaveLength(1);
      expect(interactive[0]).not.toHaveProperty('retry_attempt');
    } finally {
      await app.stop();
    }
  });
});

describe('Socket Mode on the wire (a bare ws client)', { timeout: 5_000 }, () => {
  /** The next JSON frame from the server, in order. */
  function frames(socket: WebSocket): () => Promise<Record<string, unknown>> {
    const queue: Array<Record<string, unknown>> = [];
    const waiting: Array<(frame: Record<string, unknown>) => void> = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      const wake = waiting.shift();
      if (wake) wake(frame);
      else queue.push(frame);
    });
    return () => {
      const frame = queue.shift();
      return frame ? Promise.resolve(frame) : new Promise((resolve) => waiting.push(resolve));
    };
  }

  it('greets with hello, takes a ticket once, records acks, answers pings, and asks clients to go', async () => {
    const slack = await startSlackEmulator({ disconnectGraceMs: 50 });
    try {
      const web = new WebClient(slack.appToken, {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
      });
      const { url = '' } = await web.apps.connections.open();
      expect(url).toMatch(
        /^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]{36}&app_id=A0SANDBOX$/,
      );

      const socket = new WebSocket(url);
      const next = frames(socket);
      expect(await next()).toEqual({
        type: 'hello',
        num_connections: 1,
        debug_info: expect.objectContaining({ host: expect.any(String) }),
        connection_info: { app_id: 'A0SANDBOX' },
      });
      const reused = await new Promise<number | undefined>((resolve) => {
        const again = new WebSocket(url);
        again.on('unexpected-response', (_req, res) => resolve(res.statusCode));
        again.on('open', () => resolve(101));
        again.on('error', () => {});
      });
      expect(reused).toBe(401);

      const pong = new Promise((resolve) => socket.once('pong', resolve));
      socket.ping();
      await pong;

      const command = slack.slashCommand({ user: 'U0ALICE', command: '/deal', channel: CHANNEL });
      const envelope = await next();
      expect(envelope).toEqual({
        envelope_id: command.envelopeId,
        payload: command.payload,
        type: 'slash_commands',
        accepts_response_payload: true,
      });
      socket.send(JSON.stringify({ envelope_id: command.envelopeId, payload: { text: 'On it' } }));
      expect(await command.acked).toEqual({
        envelope_id: command.envelopeId,
        payload: { text: 'On it' },
        type: 'slash_commands',
        accepted: true,
      });
      expect(slack.ephemerals()).toMatchObject([{ user: 'U0ALICE', text: 'On it', source: 'ack' }]);

      const closed = new Promise((resolve) => socket.once('close', resolve));
      slack.disconnect();
      expect(await next()).toEqual({
        type: 'disconnect',
        reason: 'refresh_requested',
        debug_info: { host: expect.any(String) },
      });
      // This client does not leave by itself, so the server cuts it after the grace period.
      await closed;
      expect(slack.connections()).toBe(0);
    } finally {
      await slack.close();
    }
  });
});
