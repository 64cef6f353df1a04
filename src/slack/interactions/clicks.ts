/**
 * Button clicks on the agent's messages: each is acked at once, its payload and value parsed (a
 * click that is not ours changes nothing and is logged), the person checked, then handed to the
 * handler of its action id.
 */
import type { App, BlockAction, ButtonAction, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { type ActionValue, decodeActionValue } from '../actions.js';
import { isAuthorized, refusalText, tellUser } from './authorization.js';
import type { ShownMessage } from './decided-message.js';
import {
  alreadyDecidedText,
  type Decision,
  type DecisionSite,
  decide,
  decisionKey,
} from './decision.js';
import type { InteractionDeps } from './deps.js';
import { guarded } from './errors.js';

export interface Click extends DecisionSite {
  actionId: string;
  value: ActionValue;
  triggerId: string;
}

export interface ClickHandler {
  /** Review buttons name the draft they are about; a value without one is not ours. */
  needsDraftKey?: boolean;
  run(click: Click, deps: InteractionDeps): Promise<unknown>;
}

const id = z.string().min(1).max(100);
/** The parts of a block_actions payload a click is read from. */
const clickSchema = z.object({
  user: z.object({ id }),
  trigger_id: z.string().min(1).max(200),
  channel: z.object({ id }).nullish(),
  container: z.object({ channel_id: id.optional(), message_ts: id.optional() }).nullish(),
  message: z
    .object({
      ts: id.optional(),
      text: z.string().optional(),
      blocks: z.array(z.unknown()).optional(),
    })
    .nullish(),
});

function readClick(body: unknown, action: ButtonAction, client: WebClient): Click | null {
  const parsed = clickSchema.safeParse(body);
  const value = decodeActionValue(action.value);
  if (!parsed.success || !value) return null;
  const { data } = parsed;
  const channel = data.channel?.id ?? data.container?.channel_id;
  const ts = data.container?.message_ts ?? data.message?.ts;
  if (!channel || !ts) return null;
  const message: ShownMessage | null = data.message
    ? {
        ...(data.message.text === undefined ? {} : { text: data.message.text }),
        ...(data.message.blocks ? { blocks: data.message.blocks } : {}),
      }
    : null;
  return {
    client,
    actionId: action.action_id,
    value,
    user: data.user.id,
    channel,
    ts,
    triggerId: data.trigger_id,
    message,
  };
}

/** Registers one listener per action id. */
export function onClicks(
  app: App,
  deps: InteractionDeps,
  handlers: Record<string, ClickHandler>,
): void {
  for (const [actionId, handler] of Object.entries(handlers)) {
    app.action<BlockAction<ButtonAction>>(
      { type: 'block_actions', action_id: actionId },
      guarded(deps, actionId, async ({ ack, body, action, client }, report) => {
        await ack();
        const user = typeof body?.user?.id === 'string' ? body.user.id : undefined;
        if (user) report.user = user;
        const click = readClick(body, action, client);
        if (!click || (handler.needsDraftKey && !click.value.d)) {
          deps.logger.warn(
            { actionId, user, value: String(action?.value ?? '').slice(0, 200) },
            'a click that is not ours: ignored',
          );
          return;
        }
        report.negotiationId = click.value.n;
        if (!isAuthorized(deps, click.user, click.channel)) {
          deps.logger.info(
            { actionId, user: click.user, negotiationId: click.value.n },
            'a click from someone not allowed to decide: refused',
          );
          await tellUser(client, click, refusalText(deps));
          return;
        }
        await handler.run(click, deps);
      }),
    );
  }
}

/** A click that decides at once. */
export function decideOnClick(
  click: Click,
  deps: InteractionDeps,
  decision: Omit<Decision, 'negotiationId' | 'action'>,
): Promise<unknown> {
  return decide(deps, click, { ...decision, negotiationId: click.value.n, action: click.actionId });
}

/**
 * A click that asks for more first: the modal opens on the click's trigger_id (valid 3 s). When
 * the message was decided meanwhile, the person is told by whom and no modal opens.
 */
export async function openModal(
  click: Click,
  deps: InteractionDeps,
  view: types.ModalView,
): Promise<void> {
  if (await alreadyDecided(click, deps)) return;
  try {
    await click.client.views.open({ trigger_id: click.triggerId, view });
  } catch (error) {
    // Most often the 3 s trigger expired: another click opens it with a fresh one.
    deps.logger.warn(
      { err: error, actionId: click.actionId, negotiationId: click.value.n, user: click.user },
      'a modal could not be opened',
    );
    await tellUser(click.client, click, 'The form could not be opened; please click again.');
  }
}

async function alreadyDecided(click: Click, deps: InteractionDeps): Promise<boolean> {
  const earlier = deps.lookup.decision(click.value.n, decisionKey(click.channel, click.ts));
  if (!earlier) return false;
  await tellUser(click.client, click, alreadyDecidedText(earlier.by));
  return true;
}
