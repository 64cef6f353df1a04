/**
 * The agreement alert (HUMAN-03), the message the team waits for: who agreed to what, for how
 * much, whether the price is good (CPM against target and ceiling), where the thread is, what to
 * do next, and who should do it.
 */
import type { NegotiationFactsResult } from '../../db/negotiation-facts.js';
import { formatCents } from '../../domain/money.js';
import {
  amountWithCpm,
  campaignText,
  cpmCents,
  deliverablesText,
  email,
  gmailLink,
  gmailUrl,
  handle,
  mentions,
  platformName,
  viewsText,
  who,
  whoPlain,
} from './describe.js';
import { type ChatMessage, context, fields, header, message, section, userText } from './kit.js';

export interface AgreementInput {
  facts: NegotiationFactsResult;
  agreedCents: number;
  rounds: number;
  /** The Gmail mailbox the thread lives in (for the link). */
  mailbox: string;
  /** Slack user (or user group) ids to mention. */
  mentions: readonly string[];
}

const TERMS_MAX = 500;

export function agreementMessage(input: AgreementInput): ChatMessage {
  const { facts, agreedCents, rounds } = input;
  const views = facts.influencer.averageViews;
  const deliverables = deliverablesText(facts.campaign?.deliverables ?? []);
  const cpm = cpmLines(facts, agreedCents);
  const people = mentions(input.mentions);
  const roundsText = `${rounds} round${rounds === 1 ? '' : 's'}`;
  const blocks = [
    header(`Deal agreed: ${whoPlain(facts)} — ${formatCents(agreedCents)}`),
    section(
      `:handshake: *${who(facts)}* agreed to *${formatCents(agreedCents)}* for ${deliverables} on *${campaignText(facts)}* after ${roundsText}.`,
    ),
    ...fields([
      ['Influencer', `${who(facts)}\n${handle(facts)}\n${email(facts)}`],
      ['Platform', `${platformName(facts.influencer.platform)}\n${viewsText(views)} avg views`],
      ['Client / campaign', campaignText(facts)],
      ['Deliverables', deliverables],
      ['Agreed rate', formatCents(agreedCents)],
      ['Rounds', `${rounds} of ${facts.terms.maxRounds}`],
      ['CPM achieved', cpm.achieved],
      ['CPM target → ceiling', cpm.range],
      ['Floor', amountWithCpm(facts.terms.floorCents, views)],
      ['Ceiling', amountWithCpm(facts.terms.ceilingCents, views)],
    ]),
    section(`*Next steps*\n${nextSteps(facts)}`),
    section(`:email: ${gmailLink(facts, input.mailbox)}`),
    context(people ? `Over to ${people}` : '', `Negotiation \`${userText(facts.id, 200)}\``),
  ];
  const link = facts.threadId ? ` Thread: ${gmailUrl(input.mailbox, facts.threadId)}` : '';
  const text =
    `Deal agreed: ${who(facts)} (${handle(facts)}, ${email(facts)}) on ` +
    `${platformName(facts.influencer.platform)} for ${campaignText(facts)}: ${deliverables} at ` +
    `${formatCents(agreedCents)} after ${roundsText}; CPM ${cpm.achieved} (target → ceiling ` +
    `${cpm.range}). Next: send the contract and brief, collect payment details` +
    `${paymentTermsSuffix(facts)}.${link}${people ? ` ${people}` : ''}`;
  return message(text, blocks);
}

/**
 * CPM as the team reads it, per 1,000 average views of this package: the agreed rate against
 * the floor (priced at the campaign's CPM target) and the ceiling, on the same views, so the three
 * compare like for like whatever the deliverables' multipliers.
 */
function cpmLines(
  facts: NegotiationFactsResult,
  agreedCents: number,
): { achieved: string; range: string } {
  const views = facts.influencer.averageViews;
  const campaignTarget = facts.campaign
    ? ` (campaign target ${formatCents(facts.campaign.cpmTargetCents)} CPM)`
    : '';
  const achieved = cpmCents(agreedCents, views);
  const floor = cpmCents(facts.terms.floorCents, views);
  const ceiling = cpmCents(facts.terms.ceilingCents, views);
  if (achieved === null || floor === null || ceiling === null)
    return {
      achieved: 'unknown (average views not recorded)',
      range: `unknown${campaignTarget}`,
    };
  return {
    achieved: `${formatCents(achieved)} on ${viewsText(views)} avg views — ${verdict(agreedCents, facts)}`,
    range: `${formatCents(floor)} → ${formatCents(ceiling)}${campaignTarget}`,
  };
}

function verdict(agreedCents: number, facts: NegotiationFactsResult): string {
  const { floorCents, ceilingCents } = facts.terms;
  if (agreedCents > ceilingCents) return 'above the ceiling';
  if (agreedCents <= floorCents) return 'at or under target';
  if (agreedCents === ceilingCents) return 'at the ceiling';
  const gap = ceilingCents - floorCents;
  return `${Math.round(((agreedCents - floorCents) * 100) / gap)}% of the way from target to ceiling`;
}

function nextSteps(facts: NegotiationFactsResult): string {
  const c = facts.campaign;
  const steps = [
    'Send the contract and the creative brief',
    'Collect payment details (invoice, tax form)',
    c?.paymentTerms
      ? `Payment terms: ${userText(c.paymentTerms, TERMS_MAX)}`
      : 'Payment terms: none on the campaign, agree them in the contract',
    ...(c?.usageRights ? [`Usage rights: ${userText(c.usageRights, TERMS_MAX)}`] : []),
    ...(c?.productOffer ? [`Product to ship: ${userText(c.productOffer, TERMS_MAX)}`] : []),
  ];
  return steps.map((s) => `• ${s}`).join('\n');
}

function paymentTermsSuffix(facts: NegotiationFactsResult): string {
  const terms = facts.campaign?.paymentTerms;
  return terms ? ` (${userText(terms, 200)})` : '';
}
