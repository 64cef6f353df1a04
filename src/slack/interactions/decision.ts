/**
 * One decision per message: a person's click (or the modal it opened) becomes one event for the
 * negotiation under the message's dedupe key, so a redelivered envelope, a double click or two
 * people clicking the same message decide once. The outcome is shown where it belongs: the
 * message when the decision was applied, the person alone otherwise.
 */
import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { NegotiationEvent } from '../../../machines/negotiation/index.js';
import type { DispatchResult } from '../../runtime/registry.js';
import { tellUser } from './authorization.js';
import { markDecided, type ShownMessage } from './decided-message.js';
import type { InteractionDeps } from './deps.js';
import { reportListenerError } from './errors.js';

/** The dedupe key of the decision taken on the message at `ts` in `channel`. */
export const decisionKey = (channel: string, ts: string) => `slack:decision:${channel}:${ts}`;

/** A person in Slack, as events record them: a mention that reads right in Slack and in logs. */
export const personOf = (user: string) => `<@${user}>`;

export interface Decision {
  negotiationId: string;
  event: NegotiationEvent;
  /** What was decided, for the message: "Counter approved at $1,350.00". */
  what: string;
  /** The action or modal it came from, for the logs. */
  action: string;
}

export interface DecisionSite {
  client: WebClient;
  user: string;
  channel: string;
  ts: string;
  /** The message as clicked, when the payload carries it. */
  message: ShownMessage | null;
}

export const alreadyDecidedText = (by: string | null) =>
  by
    ? `Already decided by ${by}; nothing more was changed.`
    : 'This was already decided; nothing more was changed.';

/** Why nothing changed, in words for the person who acted; null when the decision was applied. */
export function outcomeText(
  result: DispatchResult,
  negotiationId: string,
  decidedBy: string | null = null,
): string | null {
  switch (result.status) {
    case 'applied':
      return result.ignored ? `This no longer applies: ${result.ignored}.` : null;
    case 'duplicate':
      return alreadyDecidedText(decidedBy);
    case 'finished':
      return `Negotiation ${negotiationId} is over (${result.negotiationStatus}); nothing was changed.`;
    case 'not_found':
      return `There is no negotiation ${negotiationId}; nothing was changed.`;
    case 'invalid':
      return `That decision could not be applied (${result.error}); nothing was changed.`;
  }
}

/**
 * Dispatches one event for a person's action. A failed commit is reported and answered with null
 * (the caller tells the person); an event the machine rejects as invalid is logged.
 */
export function applyEvent(
  deps: InteractionDeps,
  args: {
    negotiationId: string;
    event: NegotiationEvent;
    dedupeKey: string;
    action: string;
    user: string;
  },
): DispatchResult | null {
  const { negotiationId, event, action, user } = args;
  const requestId = randomUUID();
  try {
    const result = deps.dispatch(negotiationId, event, { dedupeKey: args.dedupeKey, requestId });
    if (result.status === 'invalid')
      deps.logger.error(
        { negotiationId, action, user, error: result.error, requestId },
        'slack action is not a valid event',
      );
    return result;
  } catch (error) {
    reportListenerError(deps, error, { action, negotiationId, user });
    return null;
  }
}

export const NOT_SAVED = 'That could not be saved; nothing was changed. Please try again.';

/** Applies a decision taken on a message and shows its outcome. */
export async function decide(
  deps: InteractionDeps,
  site: DecisionSite,
  decision: Decision,
): Promise<DispatchResult | null> {
  const dedupeKey = decisionKey(site.channel, site.ts);
  const result = applyEvent(deps, {
    negotiationId: decision.negotiationId,
    event: decision.event,
    dedupeKey,
    action: decision.action,
    user: site.user,
  });
  if (!result) await tellUser(site.client, site, NOT_SAVED);
  else await showOutcome(deps, site, decision, result, dedupeKey);
  return result;
}

/** Who took the decision already recorded under `dedupeKey`, as a mention; null when unknown. */
export function decidedBy(
  deps: Pick<InteractionDeps, 'lookup'>,
  negotiationId: string,
  dedupeKey: string,
): string | null {
  return deps.lookup.decision(negotiationId, dedupeKey)?.by ?? null;
}

async function showOutcome(
  deps: InteractionDeps,
  site: DecisionSite,
  decision: Decision,
  result: DispatchResult,
  dedupeKey: string,
): Promise<void> {
  const by = personOf(site.user);
  if (result.status === 'applied') {
    // Applied or ignored, the message's key is spent: its buttons must go either way.
    const line = result.ignored
      ? `⚠️ No longer applies (${result.ignored}) — ${by}`
      : `✅ ${decision.what} — ${by}`;
    const where = { negotiationId: decision.negotiationId, channel: site.channel, ts: site.ts };
    try {
      if (!(await markDecided(site.client, site, site.message, line)))
        deps.logger.warn(where, 'the decided message was not found to update');
    } catch (error) {
      // The decision stands; only its display failed.
      deps.logger.warn({ ...where, err: error }, 'the decided message could not be updated');
    }
  }
  const earlier =
    result.status === 'duplicate' ? decidedBy(deps, decision.negotiationId, dedupeKey) : null;
  const text = outcomeText(result, decision.negotiationId, earlier);
  if (text) await tellUser(site.client, site, text);
}
