/**
 * From what a person typed to one negotiation: the best kind of match wins (an id over an email
 * over a handle over a name), and when several share it the person is shown the candidates and
 * nothing is done.
 */
import type { NegotiationMatch } from '../../db/negotiation-search.js';
import { userText } from '../blocks/kit.js';
import type { InteractionLookup } from '../interactions/deps.js';
import type { Answer } from './answer.js';

/** Candidates listed when a query is ambiguous. */
const CANDIDATES = 10;

export type Resolution =
  | { kind: 'one'; match: NegotiationMatch }
  | { kind: 'none' }
  | { kind: 'many'; matches: NegotiationMatch[]; more: boolean };

export function resolveNegotiation(
  lookup: Pick<InteractionLookup, 'find'>,
  query: string,
  options: { activeOnly?: boolean } = {},
): Resolution {
  const found = lookup.find(query, { limit: CANDIDATES + 1, ...options });
  const first = found[0];
  if (!first) return { kind: 'none' };
  const best = found.filter((m) => m.matchedBy === first.matchedBy);
  if (best.length === 1) return { kind: 'one', match: first };
  return { kind: 'many', matches: best.slice(0, CANDIDATES), more: best.length > CANDIDATES };
}

/** "Ada (@ada, ada@creators.test)", escaped for mrkdwn. */
export function influencerText(match: NegotiationMatch): string {
  const name = match.influencerName ?? match.influencerEmail;
  const extra = [match.influencerHandle, match.influencerName ? match.influencerEmail : null]
    .filter((part): part is string => Boolean(part))
    .join(', ');
  return userText(extra ? `${name} (${extra})` : name, 300);
}

export const idText = (id: string) => `\`${userText(id, 200)}\``;

/** The answer when a query names no negotiation, or several. */
export function unresolvedAnswer(
  query: string,
  resolution: Exclude<Resolution, { kind: 'one' }>,
  options: { activeOnly?: boolean } = {},
): Answer {
  const quoted = `\`${userText(query, 200)}\``;
  if (resolution.kind === 'none')
    return {
      text: `No ${options.activeOnly ? 'running ' : ''}negotiation matches ${quoted}; nothing was changed. Try an email, an @handle or a negotiation id.`,
    };
  const lines = resolution.matches.map(
    (m) =>
      `• ${idText(m.id)} — ${influencerText(m)} · ${m.state}${m.campaignId ? ` · campaign ${idText(m.campaignId)}` : ''}`,
  );
  const more = resolution.more ? '\n…and more: narrow it down.' : '';
  return {
    text: `${quoted} matches ${resolution.matches.length}${resolution.more ? '+' : ''} negotiations; nothing was done. Name one by its id:\n${lines.join('\n')}${more}`,
  };
}
