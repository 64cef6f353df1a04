/**
 * The sandbox Slack workspace behind the emulator's Web API, Socket Mode server and user helpers:
 * team, users, channels with their messages, ephemeral messages, modal views, trigger_ids and
 * response_urls, with the limits and lifetimes real Slack applies to each.
 *
 * Longer than most files: it is the emulator's whole state, with Slack's validation rules.
 */
import { randomBytes } from 'node:crypto';

export const TEAM = { id: 'T0SANDBOX', domain: 'sandbox-agency', name: 'Sandbox Agency' };
export const APP_ID = 'A0SANDBOX';
export const BOT = {
  user_id: 'U0NEGOTIATOR',
  bot_id: 'B0NEGOTIATOR',
  team_id: TEAM.id,
  team: TEAM.name,
};
/** The deprecated verification token Slack still puts in every payload. */
export const VERIFICATION_TOKEN = 'sandbox-verification-token';

export interface SlackUser {
  id: string;
  /** The handle, sent as both `username` and `name` in interaction payloads. */
  name: string;
}
export interface SlackChannel {
  id: string;
  name: string;
}

export const DEFAULT_USERS: SlackUser[] = [
  { id: 'U0ALICE', name: 'alice' },
  { id: 'U0BOB', name: 'bob' },
];
export const DEFAULT_CHANNELS: SlackChannel[] = [{ id: 'C0DEALS', name: 'deals' }];

export type Block = Record<string, unknown> & { type?: unknown; block_id?: unknown };

export interface SlackMessage {
  ts: string;
  channel: string;
  text: string;
  blocks?: Block[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** The parent's ts, on a thread reply (and on a parent once it has replies). */
  thread_ts?: string;
  /** A thread reply also shown in the channel. */
  reply_broadcast?: boolean;
  bot_id: string;
  user: string;
  edited?: { ts: string };
}

export interface EphemeralMessage {
  channel: string;
  /** The only user who sees it. */
  user: string;
  ts: string;
  text: string;
  blocks?: Block[];
  source: 'chat.postEphemeral' | 'response_url' | 'ack';
}

/** A message sent to a response_url, or a slash command's answer carried in its ack. */
export interface RecordedResponse {
  via: 'response_url' | 'ack';
  url: string | null;
  body: Record<string, unknown>;
  /** The error Slack answered with, if it refused the message. */
  error?: string;
}

export interface SlackView {
  id: string;
  team_id: string;
  type: 'modal';
  title: Record<string, unknown>;
  submit: Record<string, unknown> | null;
  close: Record<string, unknown> | null;
  blocks: Block[];
  private_metadata: string;
  callback_id: string;
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  external_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface OpenedView {
  view: SlackView;
  /** Whose screen it is on: the user whose trigger_id opened it. */
  user: string;
  open: boolean;
}

/** Where a response_url's messages go: the interaction that issued it. */
export interface ResponseTarget {
  kind: 'actions' | 'commands';
  channel: string;
  user: string;
  /** The message whose button was clicked (block_actions only). */
  messageTs?: string;
}

/** Real Slack: trigger_ids expire after 3 seconds; response_urls last 30 minutes, 5 uses. */
const TRIGGER_TTL_MS = 3_000;
const RESPONSE_URL_TTL_MS = 30 * 60_000;
const RESPONSE_URL_USES = 5;

/** Element types Slack gives an `action_id` when the app leaves it out. */
const INTERACTIVE = new Set([
  'button',
  'checkboxes',
  'channels_select',
  'conversations_select',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'multi_static_select',
  'multi_users_select',
  'number_input',
  'overflow',
  'plain_text_input',
  'radio_buttons',
  'static_select',
  'timepicker',
  'url_text_input',
  'users_select',
]);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomId(length: number, alphabet = ALNUM): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Copies blocks, giving each block a `block_id` and each interactive element an `action_id`, as Slack does on post. */
export function withIds(blocks: Block[]): Block[] {
  const element = (e: unknown): unknown => {
    if (!e || typeof e !== 'object') return e;
    const el = e as Record<string, unknown>;
    return INTERACTIVE.has(String(el.type)) && el.action_id === undefined
      ? { ...el, action_id: randomId(5) }
      : el;
  };
  return blocks.map((b) => ({
    ...b,
    block_id: typeof b.block_id === 'string' ? b.block_id : randomId(5),
    ...(b.accessory ? { accessory: element(b.accessory) } : {}),
    ...(b.element ? { element: element(b.element) } : {}),
    ...(Array.isArray(b.elements) ? { elements: b.elements.map(element) } : {}),
  }));
}

/** Slack's Block Kit limits for messages; the error is what chat.postMessage answers. */
export function messageBlocksProblem(blocks: unknown[]): string | null {
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

/**
 * A modal's problems in the words views.open/views.update use in
 * `response_metadata.messages` next to `error: 'invalid_arguments'`.
 */
export function viewProblems(view: unknown): string[] {
  if (!view || typeof view !== 'object') return ['[ERROR] missing required field: view'];
  const v = view as Record<string, unknown>;
  const problems: string[] = [];
  const at = (path: string, message: string) =>
    problems.push(`[ERROR] ${message} [json-pointer:/view${path}]`);
  const plainText = (key: string, max: number, required: boolean) => {
    const value = v[key] as { type?: unknown; text?: unknown } | undefined;
    if (value === undefined || value === null) {
      if (required) at('', `missing required field: ${key}`);
      return;
    }
    if (value.type !== 'plain_text') at(`/${key}/type`, 'must be plain_text');
    if (typeof value.text !== 'string' || value.text.length === 0)
      at(`/${key}/text`, 'must be a non-empty string');
    else if (value.text.length > max) at(`/${key}/text`, `must be less than ${max + 1} characters`);
  };
  const maxString = (key: string, max: number) => {
    const value = v[key];
    if (value === undefined) return;
    if (typeof value !== 'string') at(`/${key}`, 'must be a string');
    else if (value.length > max) at(`/${key}`, `must be less than ${max + 1} characters`);
  };
  if (v.type !== 'modal') at('/type', 'must be one of [modal]');
  plainText('title', 24, true);
  plainText('submit', 24, false);
  plainText('close', 24, false);
  maxString('private_metadata', 3000);
  maxString('callback_id', 255);
  maxString('external_id', 255);
  if (!Array.isArray(v.blocks)) at('', 'missing required field: blocks');
  else {
    if (v.blocks.length > 100) at('/blocks', 'no more than 100 items allowed');
    v.blocks.forEach((b: Block, i) => {
      if (typeof b?.type !== 'string') at(`/blocks/${i}`, 'missing required field: type');
      if (b?.type === 'input' && !b.element) at(`/blocks/${i}`, 'missing required field: element');
      if (b?.type === 'input' && !b.label) at(`/blocks/${i}`, 'missing required field: label');
    });
    if (v.blocks.some((b: Block) => b?.type === 'input') && !v.submit)
      at('', 'must provide submit text when view contains input blocks');
  }
  return problems;
}

export function createWorkspace(
  options: {
    now?: () => number;
    users?: SlackUser[];
    channels?: Array<string | SlackChannel>;
    triggerTtlMs?: number;
  } = {},
) {
  const now = options.now ?? Date.now;
  const triggerTtlMs = options.triggerTtlMs ?? TRIGGER_TTL_MS;
  const users = new Map((options.users ?? DEFAULT_USERS).map((u) => [u.id, u]));
  const channelList = (options.channels ?? DEFAULT_CHANNELS).map((c) =>
    typeof c === 'string' ? { id: c, name: c.toLowerCase() } : c,
  );
  const channels = new Map(
    channelList.map((c) => [c.id, { ...c, messages: [] as SlackMessage[] }]),
  );
  const ephemerals: EphemeralMessage[] = [];
  const responses: RecordedResponse[] = [];
  const views = new Map<string, OpenedView>();
  const triggers = new Map<string, { user: string; expiresAt: number; used: boolean }>();
  const responseUrls = new Map<string, ResponseTarget & { expiresAt: number; uses: number }>();
  let seq = 0;

  const nextTs = () => `${Math.floor(now() / 1000)}.${String(++seq).padStart(6, '0')}`;
  const viewHash = () => `${Math.floor(now() / 1000)}.${randomBytes(4).toString('hex')}`;

  function buildView(
    spec: Record<string, unknown>,
    base: { id: string; root: string; previous: string | null },
  ): SlackView {
    const text = (v: unknown) => (v ? (v as Record<string, unknown>) : null);
    return {
      id: base.id,
      team_id: TEAM.id,
      type: 'modal',
      title: spec.title as Record<string, unknown>,
      submit: text(spec.submit),
      close: text(spec.close),
      blocks: withIds(spec.blocks as Block[]),
      private_metadata: (spec.private_metadata as string | undefined) ?? '',
      callback_id: (spec.callback_id as string | undefined) ?? '',
      state: { values: {} },
      hash: viewHash(),
      clear_on_close: spec.clear_on_close === true,
      notify_on_close: spec.notify_on_close === true,
      root_view_id: base.root,
      previous_view_id: base.previous,
      app_id: APP_ID,
      external_id: (spec.external_id as string | undefined) ?? '',
      app_installed_team_id: TEAM.id,
      bot_id: BOT.bot_id,
    };
  }

  /** What a response_url (or a slash command's ack) does with a message; null when accepted. */
  function applyResponse(
    target: ResponseTarget,
    body: Record<string, unknown>,
    via: 'response_url' | 'ack',
  ): string | null {
    const channel = channels.get(target.channel);
    const original = target.messageTs
      ? channel?.messages.find((m) => m.ts === target.messageTs)
      : undefined;
    if (body.delete_original === true) {
      if (!channel || !original) return 'message_not_found';
      channel.messages.splice(channel.messages.indexOf(original), 1);
      return null;
    }
    const blocks = Array.isArray(body.blocks) ? (body.blocks as Block[]) : undefined;
    const text = typeof body.text === 'string' ? body.text : undefined;
    if (!text && !blocks) return 'no_text';
    if (blocks && messageBlocksProblem(blocks)) return 'invalid_blocks';
    if (body.replace_original === true) {
      if (!original) return 'message_not_found';
      // A replacement is the whole message: blocks left out are removed.
      original.text = text ?? '';
      if (blocks) original.blocks = withIds(blocks);
      else delete original.blocks;
      return null;
    }
    if (body.response_type === 'in_channel') {
      if (!channel) return 'channel_not_found';
      channel.messages.push({
        ts: nextTs(),
        channel: target.channel,
        text: text ?? '',
        bot_id: BOT.bot_id,
        user: BOT.user_id,
        ...(blocks ? { blocks: withIds(blocks) } : {}),
      });
      return null;
    }
    ephemerals.push({
      channel: target.channel,
      user: target.user,
      ts: nextTs(),
      text: text ?? '',
      ...(blocks ? { blocks: withIds(blocks) } : {}),
      source: via,
    });
    return null;
  }

  return {
    now,
    nextTs,
    users,
    channels,
    ephemerals,
    responses,
    views,
    user(id: string): SlackUser {
      const user = users.get(id);
      if (!user) throw new Error(`No user ${id} in the sandbox directory`);
      return user;
    },
    channel(id: string): SlackChannel & { messages: SlackMessage[] } {
      const channel = channels.get(id);
      if (!channel) throw new Error(`No channel ${id} in the sandbox workspace`);
      return channel;
    },

    /** A trigger_id for something `user` just did, usable once by views.open within the TTL. */
    issueTrigger(user: string): string {
      // Shaped like Slack's: `<digits>.<digits>.<32 hex>`.
      const id = `${now()}${++seq}.4242424242.${randomBytes(16).toString('hex')}`;
      triggers.set(id, { user, expiresAt: now() + triggerTtlMs, used: false });
      return id;
    },
    /** Spends a trigger_id: the error views.open answers, or the user it belongs to. */
    useTrigger(id: string | undefined): { error: string } | { user: string } {
      const trigger = id ? triggers.get(id) : undefined;
      if (!trigger) return { error: 'invalid_trigger_id' };
      if (trigger.used) return { error: 'exchanged_trigger_id' };
      if (now() > trigger.expiresAt) return { error: 'expired_trigger_id' };
      trigger.used = true;
      return { user: trigger.user };
    },

    /** A response_url path (under the emulator's origin) bound to the interaction's target. */
    issueResponseUrl(target: ResponseTarget): string {
      const path = `/${target.kind}/${TEAM.id}/${now()}${seq++}/${randomId(24)}`;
      responseUrls.set(path, { ...target, expiresAt: now() + RESPONSE_URL_TTL_MS, uses: 0 });
      return path;
    },
    /** Spends one use of a response_url: its target, or why Slack refuses it. */
    useResponseUrl(path: string): { error: string } | { target: ResponseTarget } {
      const entry = responseUrls.get(path);
      if (!entry) return { error: 'no_service' };
      if (now() > entry.expiresAt) return { error: 'expired_url' };
      if (entry.uses >= RESPONSE_URL_USES) return { error: 'used_url' };
      entry.uses++;
      return { target: entry };
    },
    applyResponse,

    openView(spec: Record<string, unknown>, user: string): SlackView {
      const id = `V${randomId(10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
      const view = buildView(spec, { id, root: id, previous: null });
      views.set(id, { view, user, open: true });
      return view;
    },
    /** Pushes a view on top of `under` (response_action 'push'), sharing its root. */
    pushView(spec: Record<string, unknown>, under: OpenedView): SlackView {
      const id = `V${randomId(10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
      const view = buildView(spec, {
        id,
        root: under.view.root_view_id,
        previous: under.view.id,
      });
      views.set(id, { view, user: under.user, open: true });
      return view;
    },
    /** Replaces an open view's content, keeping its id and stack position; a new hash. */
    updateView(opened: OpenedView, spec: Record<string, unknown>): SlackView {
      opened.view = buildView(spec, {
        id: opened.view.id,
        root: opened.view.root_view_id,
        previous: opened.view.previous_view_id,
      });
      return opened.view;
    },
    /** Closes every view in the stack (response_action 'clear'); a plain ack closes only one. */
    closeStack(opened: OpenedView): void {
      for (const v of views.values())
        if (v.view.root_view_id === opened.view.root_view_id) v.open = false;
    },

    reset(): void {
      for (const c of channels.values()) c.messages.length = 0;
      ephemerals.length = 0;
      responses.length = 0;
      views.clear();
      triggers.clear();
      responseUrls.clear();
    },
  };
}

export type Workspace = ReturnType<typeof createWorkspace>;
