/**
 * The escalation (HUMAN-01): why the agent stopped, the money on the table against our bounds,
 * the latest emails, the influencer's numbers, the draft if one failed the checks, and one click
 * for each decision a person can take.
 */
import type { EscalationReason } from '../../../machines/negotiation/index.js';
import type { NegotiationFactsResult } from '../../db/negotiation-facts.js';
import { formatCents } from '../../domain/money.js';
import { ESCALATION_ACTIONS, encodeActionValue } from '../actions.js';
import {
  amountWithCpm,
  campaignText,
  type DecisionInput,
  decisionFooter,
  deliverablesText,
  email,
  handle,
  mentions,
  money,
  platformName,
  slackDate,
  viewsText,
  who,
  whoPlain,
} from './describe.js';
import {
  button,
  type ChatMessage,
  fields,
  header,
  message,
  oneLine,
  quote,
  section,
  userText,
} from './kit.js';

export type EscalationInput = DecisionInput<'postEscalation'>;

/** A title and what the reason means for the person deciding. */
export const ESCALATION_TITLES: Record<EscalationReason, { title: string; meaning: string }> = {
  over_ceiling: {
    title: 'Their ask is over the ceiling',
    meaning: 'They want more than this deal may cost without a person’s approval.',
  },
  max_rounds: {
    title: 'Out of negotiation rounds',
    meaning: 'Every planned round was used without an agreement.',
  },
  at_ceiling: {
    title: 'We are already at the ceiling',
    meaning: 'Our offer cannot go up any more, and they still want more.',
  },
  above_approved: {
    title: 'Above the amount a person approved',
    meaning: 'They ask for more than the counter the team approved.',
  },
  ambiguous: {
    title: 'Their reply is unclear',
    meaning: 'The reply could not be read with enough confidence to act on it.',
  },
  hostile_tone: { title: 'Hostile tone', meaning: 'The reply reads as hostile or upset.' },
  legal_language: {
    title: 'Legal or contract language',
    meaning: 'The reply talks about contracts, lawyers or legal terms.',
  },
  unusual_deliverables: {
    title: 'Unusual deliverables',
    meaning: 'They propose deliverables the campaign did not ask for.',
  },
  validation_failed: {
    title: 'The draft failed the checks',
    meaning: 'The written reply broke a rule twice (an amount, a promise, a placeholder…).',
  },
  model_unavailable: {
    title: 'The model is unavailable',
    meaning: 'The reply could not be read or written: the model stayed out of reach.',
  },
  draft_rejected: {
    title: 'A draft was rejected in review',
    meaning: 'A person rejected the draft; the negotiation waits for what to do instead.',
  },
  effect_failed: {
    title: 'An action failed',
    meaning: 'Something the agent had to do could not be done, even after retries.',
  },
};

const DETAIL_MAX = 1500;
const EMAIL_MAX = 700;
const LAST_EMAILS = 3;
const DRAFT_MAX = 2400;

export function escalationMessage(input: EscalationInput): ChatMessage {
  const { facts, effect } = input;
  const reason = ESCALATION_TITLES[effect.reason];
  const people = mentions(input.mentions);
  const blocks = [
    header(`Needs a decision: ${reason.title} — ${whoPlain(facts)}`),
    section(
      `:raising_hand: *${reason.title}* in the negotiation with *${who(facts)}* (${email(facts)}) for *${campaignText(facts)}*.\n${reason.meaning}` +
        (effect.detail.trim() ? `\n${quote(effect.detail, DETAIL_MAX)}` : ''),
    ),
    ...fields(moneyFields(input)),
    ...conversation(facts),
    ...draft(facts),
    ...decisionFooter(
      facts,
      input.mailbox,
      decisionButtons(facts.id, effect.suggestedCents, effect.askCents),
      people,
    ),
  ];
  const text =
    `Needs a decision on ${who(facts)} (${email(facts)}): ${reason.title}` +
    `${effect.detail.trim() ? ` — ${userText(effect.detail, 300)}` : ''}. ` +
    `Their ask ${money(effect.askCents)}, our last offer ${money(effect.lastOfferCents)}, ` +
    `floor ${money(effect.floorCents)}, ceiling ${money(effect.ceilingCents)}.` +
    `${people ? ` ${people}` : ''}`;
  return message(text, blocks);
}

function moneyFields({ facts, effect }: EscalationInput): Array<[string, string]> {
  const views = facts.influencer.averageViews;
  return [
    ['Influencer', `${who(facts)}\n${handle(facts)}\n${email(facts)}`],
    ['Their ask', amountWithCpm(effect.askCents, views)],
    ['Our last offer', amountWithCpm(effect.lastOfferCents, views)],
    ['Our floor', amountWithCpm(effect.floorCents, views)],
    ['Our ceiling', amountWithCpm(effect.ceilingCents, views)],
    ['Ask against our bounds', askVersusBounds(effect)],
    [
      'Suggested counter',
      effect.suggestedCents === null
        ? 'none — choose an amount'
        : amountWithCpm(effect.suggestedCents, views),
    ],
    ['Rounds', `${facts.terms.round} of ${facts.terms.maxRounds}`],
    ['Platform', `${platformName(facts.influencer.platform)}\n${viewsText(views)} avg views`],
    ['Deliverables', deliverablesText(facts.campaign?.deliverables ?? [])],
    ['Campaign', campaignText(facts)],
  ];
}

function askVersusBounds(effect: EscalationInput['effect']): string {
  const { askCents: ask, floorCents: floor, ceilingCents: ceiling } = effect;
  if (ask === null) return 'no amount asked';
  if (ask > ceiling) {
    const over = ceiling > 0 ? ` (+${Math.round(((ask - ceiling) * 100) / ceiling)}%)` : '';
    return `${formatCents(ask - ceiling)} over the ceiling${over}`;
  }
  if (ask < floor) return `${formatCents(floor - ask)} under the floor`;
  return 'within our bounds';
}

function conversation(facts: NegotiationFactsResult) {
  const latest = facts.conversation.slice(-LAST_EMAILS);
  if (latest.length === 0) return [section('*Last messages*\n_no emails on record_')];
  return [
    section(`*Last messages* (${latest.length} of ${facts.conversation.length})`),
    ...latest.map((e) => {
      const from = e.direction === 'in' ? userText(e.from, 200) : 'We';
      return section(`*${from}* · ${slackDate(e.at)}\n${quote(e.text, EMAIL_MAX)}`);
    }),
  ];
}

function draft(facts: NegotiationFactsResult) {
  const failed = facts.failedDraft;
  if (!failed) return [];
  return [
    section(
      `*Draft that failed the checks*\n*Subject:* ${userText(oneLine(failed.subject), 300)}\n${quote(failed.body, DRAFT_MAX)}`,
    ),
  ];
}

function decisionButtons(
  negotiationId: string,
  suggestedCents: number | null,
  askCents: number | null,
) {
  const plain = encodeActionValue({ n: negotiationId });
  // Beside a suggestion, the amount modal starts from their ask: agreeing to it is the usual
  // other choice.
  const other = encodeActionValue(
    askCents === null ? { n: negotiationId } : { n: negotiationId, c: askCents },
  );
  return [
    ...(suggestedCents === null
      ? [button(ESCALATION_ACTIONS.approveCounter, 'Approve a counter…', plain, 'primary')]
      : [
          button(
            ESCALATION_ACTIONS.approveCounter,
            `Approve counter at ${formatCents(suggestedCents)}`,
            encodeActionValue({ n: negotiationId, c: suggestedCents }),
            'primary',
          ),
          button(ESCALATION_ACTIONS.approveAmount, 'Another amount…', other),
        ]),
    button(ESCALATION_ACTIONS.editAndSend, 'Edit and send', plain),
    button(ESCALATION_ACTIONS.takeOver, 'Take over', plain),
    button(ESCALATION_ACTIONS.decline, 'Decline politely', plain, 'danger'),
    button(ESCALATION_ACTIONS.continue, 'Let the agent continue', plain),
  ];
}
