/**
 * `/negotiation takeover` and `resume`: the person who typed it takes the thread from the agent
 * (HUMAN_TOOK_OVER) or hands it back (RESUMED). Only people allowed to decide may; the name must
 * point at exactly one running negotiation; a repeat of the same command applies once.
 */
import type { NegotiationEvent } from '../../../machines/negotiation/index.js';
import { SLASH_COMMAND } from '../actions.js';
import { userText } from '../blocks/kit.js';
import { isAuthorized, refusalText } from '../interactions/authorization.js';
import { applyEvent, NOT_SAVED, outcomeText, personOf } from '../interactions/decision.js';
import type { InteractionDeps } from '../interactions/deps.js';
import type { Answer } from './answer.js';
import { idText, influencerText, resolveNegotiation, unresolvedAnswer } from './resolve.js';

export interface Invocation {
  user: string;
  channel: string;
  /** Unique to one typed command: its dedupe key. */
  triggerId: string;
}

/** The dedupe key of one typed command. */
export const commandKey = (triggerId: string) => `slack:command:${triggerId}`;

export function handOver(
  deps: InteractionDeps,
  command: { kind: 'takeover' | 'resume'; query: string },
  invocation: Invocation,
  report: { negotiationId?: string },
): Answer {
  if (!isAuthorized(deps, invocation.user, invocation.channel)) return { text: refusalText(deps) };
  const resolution = resolveNegotiation(deps.lookup, command.query, { activeOnly: true });
  if (resolution.kind !== 'one')
    return unresolvedAnswer(command.query, resolution, { activeOnly: true });
  const { match } = resolution;
  report.negotiationId = match.id;
  const by = personOf(invocation.user);
  const event: NegotiationEvent =
    command.kind === 'takeover' ? { type: 'HUMAN_TOOK_OVER', by } : { type: 'RESUMED', by };
  const result = applyEvent(deps, {
    negotiationId: match.id,
    event,
    dedupeKey: commandKey(invocation.triggerId),
    action: `${SLASH_COMMAND} ${command.kind}`,
    user: invocation.user,
  });
  if (!result) return { text: NOT_SAVED };
  const who = `${influencerText(match)} (${idText(match.id)})`;
  if (result.status === 'applied' && result.ignored)
    return { text: `Nothing changed for ${who}: ${userText(result.ignored, 300)}.` };
  if (result.status !== 'applied')
    return { text: outcomeText(result, match.id) ?? 'Nothing was changed.' };
  return {
    text:
      command.kind === 'takeover'
        ? `You hold the negotiation with ${who} now; the agent stays silent until \`${SLASH_COMMAND} resume ${userText(match.id, 200)}\`.`
        : `The negotiation with ${who} is back with the agent (${result.from} → ${result.to}).`,
  };
}
