/**
 * Simulated users: a click, a modal submission or a slash command becomes the payload real Slack
 * sends over Socket Mode, built only from what is on screen — the posted message and its button,
 * the open modal and its inputs — so acting on something the app never showed fails loudly. What
 * Slack does with the ack follows it: a view_submission's `response_action`, a slash command's
 * immediate answer.
 *
 * Longer than most files: each simulated user action builds Slack's full payload.
 */
import { randomBytes } from 'node:crypto';
import type { RecordedAck, SocketModeServer } from './socket-mode.js';
import {
  APP_ID,
  type Block,
  BOT,
  type OpenedView,
  type SlackUser,
  TEAM,
  VERIFICATION_TOKEN,
  viewProblems,
  type Workspace,
} from './workspace.js';

export interface InteractionHandle<P = Record<string, unknown>> {
  /** The first envelope's id (an events_api redelivery gets a new one). */
  envelopeId: string;
  payload: P;
  /** The accepted ack, once Slack has applied it; rejects with AckTimeoutError if none came. */
  acked: Promise<RecordedAck>;
}

/** A slash command's fields: all strings, as Slack takes them from the form it builds. */
export type SlashCommandPayload = Record<
  | 'token'
  | 'team_id'
  | 'team_domain'
  | 'channel_id'
  | 'channel_name'
  | 'user_id'
  | 'user_name'
  | 'command'
  | 'text'
  | 'api_app_id'
  | 'is_enterprise_install'
  | 'response_url'
  | 'trigger_id',
  string
>;

/** Inputs whose state Slack reports as `{type, value}`. */
const TEXT_INPUTS = new Set([
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
]);

type Element = Record<string, unknown> & { type?: unknown; action_id?: unknown };

function buttonsOf(blocks: Block[]): Array<{ block_id: string; button: Element }> {
  return blocks.flatMap((block) => {
    const elements = [
      ...(Array.isArray(block.elements) ? (block.elements as Element[]) : []),
      ...(block.accessory ? [block.accessory as Element] : []),
    ];
    return elements
      .filter((e) => e?.type === 'button')
      .map((button) => ({ block_id: String(block.block_id), button }));
  });
}

export function createInteractions(deps: {
  workspace: Workspace;
  socket: SocketModeServer;
  /** The emulator's `http://127.0.0.1:PORT`, the origin of response_urls. */
  origin: string;
}) {
  const { workspace: ws, socket } = deps;
  const userField = (u: SlackUser) => ({
    id: u.id,
    username: u.name,
    name: u.name,
    team_id: TEAM.id,
  });
  const actionTs = () => (ws.now() / 1000).toFixed(6);

  /** `acked`, after `apply` ran on the ack; a rejection is handled so an ignored handle is safe. */
  function afterAck(
    delivered: { envelopeId: string; acked: Promise<RecordedAck> },
    apply: (ack: RecordedAck) => void,
  ): Promise<RecordedAck> {
    const acked = delivered.acked.then((ack) => {
      apply(ack);
      return ack;
    });
    acked.catch(() => {});
    return acked;
  }

  /** What Slack does with a view_submission's ack; throws where Slack would show an error. */
  function applyViewAck(opened: OpenedView, payload: Record<string, unknown> = {}): void {
    const action = payload.response_action;
    if (action === 'errors') {
      const inputs = new Set(
        opened.view.blocks.filter((b) => b.type === 'input').map((b) => String(b.block_id)),
      );
      const errors = payload.errors as Record<string, unknown> | undefined;
      const unknown = Object.keys(errors ?? {}).filter((id) => !inputs.has(id));
      if (!errors || unknown.length > 0)
        throw new Error(
          `response_action 'errors' must name input blocks of view ${opened.view.id}; got ${JSON.stringify(errors)}`,
        );
      return; // the modal stays open, showing the errors
    }
    if (action === 'update' || action === 'push') {
      const problems = viewProblems(payload.view);
      if (problems.length > 0)
        throw new Error(
          `response_action '${action}' carried an invalid view: ${problems.join('; ')}`,
        );
      const spec = payload.view as Record<string, unknown>;
      if (action === 'update') ws.updateView(opened, spec);
      else ws.pushView(spec, opened);
      return;
    }
    if (action === 'clear') ws.closeStack(opened);
    else if (action === undefined) opened.open = false;
    else throw new Error(`Unknown response_action ${JSON.stringify(action)}`);
  }

  return {
    /**
     * `user` clicks the button with `actionId` (and `value`/`blockId` when several match) on the
     * message at `ts` in `channel`: a `block_actions` payload with a fresh trigger_id and
     * response_url. Throws if the message or the button is not there.
     */
    clickButton(args: {
      user: string;
      channel: string;
      ts: string;
      actionId: string;
      value?: string;
      blockId?: string;
    }): InteractionHandle {
      const user = ws.user(args.user);
      const channel = ws.channel(args.channel);
      const message = channel.messages.find((m) => m.ts === args.ts);
      if (!message) throw new Error(`No message ${args.ts} in channel ${channel.id}`);
      const hit = buttonsOf(message.blocks ?? []).find(
        ({ block_id, button }) =>
          button.action_id === args.actionId &&
          (args.value === undefined || button.value === args.value) &&
          (args.blockId === undefined || block_id === args.blockId),
      );
      if (!hit)
        throw new Error(
          `Message ${message.ts} in ${channel.id} has no button with action_id ${args.actionId}` +
            (args.value === undefined ? '' : ` and value ${args.value}`),
        );
      const { channel: _channel, metadata: _metadata, ...shown } = message;
      const payload = {
        type: 'block_actions',
        user: userField(user),
        api_app_id: APP_ID,
        token: VERIFICATION_TOKEN,
        container: {
          type: 'message',
          message_ts: message.ts,
          channel_id: channel.id,
          is_ephemeral: false,
        },
        trigger_id: ws.issueTrigger(user.id),
        team: { id: TEAM.id, domain: TEAM.domain },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: channel.id, name: channel.name },
        // A snapshot: the payload shows the message as it was when clicked.
        message: structuredClone({ type: 'message', ...shown, team: TEAM.id, app_id: APP_ID }),
        state: { values: {} },
        response_url: `${deps.origin}${ws.issueResponseUrl({
          kind: 'actions',
          channel: channel.id,
          user: user.id,
          messageTs: message.ts,
        })}`,
        actions: [
          {
            action_id: args.actionId,
            block_id: hit.block_id,
            text: hit.button.text,
            ...(hit.button.value === undefined ? {} : { value: hit.button.value }),
            ...(hit.button.style === undefined ? {} : { style: hit.button.style }),
            type: 'button',
            action_ts: actionTs(),
          },
        ],
      };
      const delivered = socket.deliver('interactive', payload, false);
      return { envelopeId: delivered.envelopeId, payload, acked: afterAck(delivered, () => {}) };
    },

    /**
     * `user` submits the open modal `viewId` with text in its inputs (`values[blockId][actionId]`):
     * a `view_submission` payload. Throws for inputs the modal does not have, or required ones
     * left empty (Slack would not let the user submit). The ack's `response_action` is applied.
     */
    submitModal(args: {
      user: string;
      viewId: string;
      values?: Record<string, Record<string, string>>;
    }): InteractionHandle {
      const user = ws.user(args.user);
      const opened = ws.views.get(args.viewId);
      if (!opened?.open) throw new Error(`View ${args.viewId} is not open`);
      if (opened.user !== user.id)
        throw new Error(`View ${args.viewId} is open for ${opened.user}, not ${user.id}`);
      const given = new Map(
        Object.entries(args.values ?? {}).flatMap(([blockId, actions]) =>
          Object.entries(actions).map(([actionId, value]) => [`${blockId}/${actionId}`, value]),
        ),
      );
      const values: Record<string, Record<string, { type: string; value: string | null }>> = {};
      for (const block of opened.view.blocks) {
        if (block.type !== 'input') continue;
        const element = block.element as Element;
        const key = `${block.block_id}/${element.action_id}`;
        const value = given.get(key);
        given.delete(key);
        if (value === undefined && block.optional !== true)
          throw new Error(`Input ${key} of view ${opened.view.id} is required`);
        if (!TEXT_INPUTS.has(String(element.type))) {
          if (value !== undefined)
            throw new Error(`submitModal fills text inputs only; ${key} is ${element.type}`);
          continue;
        }
        values[String(block.block_id)] = {
          [String(element.action_id)]: { type: String(element.type), value: value ?? null },
        };
      }
      if (given.size > 0)
        throw new Error(`View ${opened.view.id} has no inputs ${[...given.keys()].join(', ')}`);
      const payload = {
        type: 'view_submission',
        team: { id: TEAM.id, domain: TEAM.domain },
        user: userField(user),
        api_app_id: APP_ID,
        token: VERIFICATION_TOKEN,
        trigger_id: ws.issueTrigger(user.id),
        view: { ...structuredClone(opened.view), state: { values } },
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      };
      const delivered = socket.deliver('interactive', payload, true);
      return {
        envelopeId: delivered.envelopeId,
        payload,
        acked: afterAck(delivered, (ack) => applyViewAck(opened, ack.payload)),
      };
    },

    /**
     * `user` types `/command text` in `channel`: a `slash_commands` payload (all strings, as the
     * form Slack builds it from). A `text`/`blocks` ack is the command's immediate answer.
     */
    slashCommand(args: {
      user: string;
      command: string;
      text?: string;
      channel: string;
    }): InteractionHandle<SlashCommandPayload> {
      const user = ws.user(args.user);
      const channel = ws.channel(args.channel);
      if (!/^\/\S+$/.test(args.command)) throw new Error(`Not a slash command: ${args.command}`);
      const target = { kind: 'commands' as const, channel: channel.id, user: user.id };
      const payload: SlashCommandPayload = {
        token: VERIFICATION_TOKEN,
        team_id: TEAM.id,
        team_domain: TEAM.domain,
        channel_id: channel.id,
        channel_name: channel.name,
        user_id: user.id,
        user_name: user.name,
        command: args.command,
        text: args.text ?? '',
        api_app_id: APP_ID,
        is_enterprise_install: 'false',
        response_url: `${deps.origin}${ws.issueResponseUrl(target)}`,
        trigger_id: ws.issueTrigger(user.id),
      };
      const delivered = socket.deliver('slash_commands', payload, true);
      const answer = (ack: RecordedAck) => {
        const body = ack.payload ?? {};
        if (body.text === undefined && body.blocks === undefined) return;
        const error = ws.applyResponse(target, body, 'ack');
        ws.responses.push({ via: 'ack', url: null, body, ...(error ? { error } : {}) });
      };
      return { envelopeId: delivered.envelopeId, payload, acked: afterAck(delivered, answer) };
    },

    /** An Events API event (e.g. `{type:'app_mention', …}`) in an `event_callback` envelope. */
    sendEvent(event: Record<string, unknown> & { type: string }): InteractionHandle {
      const eventTs = typeof event.event_ts === 'string' ? event.event_ts : actionTs();
      const payload = {
        token: VERIFICATION_TOKEN,
        team_id: TEAM.id,
        api_app_id: APP_ID,
        event: { ...event, event_ts: eventTs },
        type: 'event_callback',
        event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
        event_time: Math.floor(ws.now() / 1000),
        authorizations: [
          {
            enterprise_id: null,
            team_id: TEAM.id,
            user_id: BOT.user_id,
            is_bot: true,
            is_enterprise_install: false,
          },
        ],
        is_ext_shared_channel: false,
        event_context: `4-${Buffer.from(`${event.type}-${TEAM.id}`).toString('base64url')}`,
      };
      const delivered = socket.deliver('events_api', payload, false);
      return { envelopeId: delivered.envelopeId, payload, acked: afterAck(delivered, () => {}) };
    },
  };
}
