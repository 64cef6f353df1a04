/**
 * Listener failures: logged with the negotiation and the action, handed to the error hook, never
 * allowed to crash the app or to leave Slack without an ack (the person would see an error and
 * nothing would be recorded).
 */
import { z } from 'zod';
import { decodeActionValue } from '../actions.js';
import type { InteractionDeps } from './deps.js';
import { decodeModalOrigin } from './modal-views.js';

export interface ListenerErrorContext {
  /** The action id, modal callback id, slash command or Bolt stage that failed. */
  action: string;
  negotiationId?: string;
  user?: string;
}

/** The one place listener errors are reported; the hook (Sentry) never breaks the listener. */
export function reportListenerError(
  deps: Pick<InteractionDeps, 'logger' | 'onListenerError'>,
  error: unknown,
  context: ListenerErrorContext,
): void {
  deps.logger.error({ err: error, ...context }, 'slack listener failed');
  try {
    deps.onListenerError?.(error, context);
  } catch (hookError) {
    deps.logger.error({ err: hookError, ...context }, 'slack listener error hook failed');
  }
}

/** Bolt listener arguments, reduced to what the guard touches. */
interface Ackable {
  ack: (response?: never) => Promise<void>;
}

/**
 * Runs a listener with its errors reported, and acks on its behalf if it failed before acking.
 * `report` names the person and the negotiation once the listener knows them.
 */
export function guarded<A extends Ackable>(
  deps: Pick<InteractionDeps, 'logger' | 'onListenerError'>,
  action: string,
  listener: (args: A, report: { negotiationId?: string; user?: string }) => Promise<void>,
): (args: A) => Promise<void> {
  return async (args) => {
    let acked = false;
    const ack = args.ack;
    const tracked = {
      ...args,
      ack: (async (response?: never) => {
        acked = true;
        await ack(response);
      }) as A['ack'],
    };
    const report: { negotiationId?: string; user?: string } = {};
    try {
      await listener(tracked, report);
    } catch (error) {
      reportListenerError(deps, error, { action, ...report });
      if (!acked) await ack().catch(() => {});
    }
  };
}

const payloadSchema = z.looseObject({
  user: z.looseObject({ id: z.string() }).nullish(),
  user_id: z.string().nullish(),
  command: z.string().nullish(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().nullish() })).nullish(),
  view: z.looseObject({ callback_id: z.string(), private_metadata: z.string() }).nullish(),
});

/** What a payload says about itself, for reporting an error Bolt caught outside a listener. */
export function payloadContext(body: unknown): ListenerErrorContext {
  const parsed = payloadSchema.safeParse(body);
  if (!parsed.success) return { action: 'slack' };
  const { user, user_id, command, actions, view } = parsed.data;
  const action = actions?.[0];
  const negotiationId =
    decodeActionValue(action?.value)?.n ?? decodeModalOrigin(view?.private_metadata)?.value.n;
  const who = user?.id ?? user_id ?? undefined;
  return {
    action: action?.action_id ?? view?.callback_id ?? command ?? 'slack',
    ...(negotiationId ? { negotiationId } : {}),
    ...(who ? { user: who } : {}),
  };
}
