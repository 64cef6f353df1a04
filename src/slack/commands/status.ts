/** `/negotiation status`: where one negotiation stands, and who holds it. */
import type { NegotiationMatch } from '../../db/negotiation-search.js';
import { gmailUrl, money, platformName } from '../blocks/describe.js';
import { userText } from '../blocks/kit.js';
import type { Answer } from './answer.js';
import { idText, influencerText } from './resolve.js';

/** Only mentions we wrote (`<@U…>`) stay live; anything else recorded is shown as text. */
const mention = (by: string) => (/^<@[UW][A-Z0-9]+>$/.test(by) ? by : userText(by, 100));

/** Who has the next move. */
export function holderText(match: NegotiationMatch): string {
  if (match.status === 'error') return 'nobody: it could not be restored and needs an engineer';
  if (match.status === 'done') return `nobody: it is over (${match.state})`;
  switch (match.state) {
    case 'humanControl':
      return match.takenOverBy
        ? `${mention(match.takenOverBy)} (taken over; the agent stays silent)`
        : 'a person from the team, who wrote in the thread (the agent stays silent)';
    case 'escalated':
      return 'the team: a decision is needed in Slack';
    case 'awaitingApproval':
      return 'the team: a draft waits for review in Slack';
    case 'paused':
      return 'nobody: the agent is paused';
    default:
      return 'the agent';
  }
}

function threadLine(match: NegotiationMatch, mailbox: string | undefined): string {
  if (!match.threadId) return '_no Gmail thread yet_';
  if (!mailbox) return `Gmail thread ${idText(match.threadId)}`;
  return `<${gmailUrl(mailbox, match.threadId)}|Open the Gmail thread>`;
}

export function statusAnswer(match: NegotiationMatch, mailbox: string | undefined): Answer {
  const round =
    match.round === null
      ? '—'
      : `${match.round}${match.maxRounds === null ? '' : ` of ${match.maxRounds}`}`;
  const agreed = match.agreedCents === null ? '' : ` · *Agreed:* ${money(match.agreedCents)}`;
  const campaign = match.campaignId ? ` · campaign ${idText(match.campaignId)}` : '';
  const text = [
    `*${influencerText(match)}* · ${platformName(match.platform)}${campaign} — ${idText(match.id)}`,
    `*State:* ${match.state}${match.status === 'active' ? '' : ` (${match.status})`}`,
    `*Round:* ${round} · *Last offer:* ${money(match.lastOfferCents)} · *Their ask:* ${money(match.askCents)}${agreed}`,
    `*Held by:* ${holderText(match)}`,
    threadLine(match, mailbox),
  ].join('\n');
  return { text };
}
