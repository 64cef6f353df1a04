/**
 * A draft waiting for review (review mode): what it is for, the amount it names, its subject and
 * body, and approve / edit / reject. The buttons carry the draft's key, so a click on an older
 * draft changes nothing.
 */
import type { DraftPurpose } from '../../../machines/negotiation/index.js';
import { encodeActionValue, REVIEW_ACTIONS } from '../actions.js';
import {
  amountWithCpm,
  campaignText,
  type DecisionInput,
  decisionFooter,
  email,
  mentions,
  money,
  who,
  whoPlain,
} from './describe.js';
import {
  button,
  type ChatMessage,
  context,
  escapeMrkdwn,
  fields,
  header,
  message,
  oneLine,
  quote,
  section,
  userText,
} from './kit.js';

export type ApprovalInput = DecisionInput<'requestApproval'>;

export const PURPOSE_TITLES: Record<DraftPurpose, string> = {
  opening: 'Opening offer',
  counter: 'Counter offer',
  answer: 'Answer to a question',
  agreement: 'Agreement confirmation',
  follow_up: 'Follow-up',
  decline: 'Polite decline',
  farewell: 'Farewell',
  human: 'Email written by a person',
  holding: 'Holding reply',
};

/** The body is shown in up to three sections; Edit shows all of it. */
const BODY_PART = 2900;
const BODY_PARTS = 3;

export function approvalMessage(input: ApprovalInput): ChatMessage {
  const { facts, effect } = input;
  const purpose = PURPOSE_TITLES[effect.purpose] ?? effect.purpose;
  const views = facts.influencer.averageViews;
  const value = encodeActionValue({ n: facts.id, d: effect.draftKey });
  const people = mentions(input.mentions);
  const body = bodySections(effect.body);
  const blocks = [
    header(`Review before sending: ${purpose} to ${whoPlain(facts)}`),
    ...fields([
      ['To', `${who(facts)}\n${email(facts)}`],
      ['Purpose', purpose],
      [
        'Amount in the email',
        effect.offerCents === null ? 'none' : amountWithCpm(effect.offerCents, views),
      ],
      [
        'Bounds',
        `floor ${money(facts.terms.floorCents)} · ceiling ${money(facts.terms.ceilingCents)}`,
      ],
      ['Campaign', campaignText(facts)],
    ]),
    section(`*Subject:* ${userText(oneLine(effect.subject) || '(no subject)', 500)}`),
    ...body.sections,
    ...(body.trimmed
      ? [context('_The draft is longer than Slack shows here; *Edit* opens all of it._')]
      : []),
    ...decisionFooter(
      facts,
      input.mailbox,
      [
        button(REVIEW_ACTIONS.approve, 'Approve and send', value, 'primary'),
        button(REVIEW_ACTIONS.edit, 'Edit', value),
        button(REVIEW_ACTIONS.reject, 'Reject', value, 'danger'),
      ],
      people,
    ),
  ];
  const text =
    `Review before sending: ${purpose} to ${who(facts)} (${email(facts)})` +
    `${effect.offerCents === null ? '' : ` at ${money(effect.offerCents)}`} — ` +
    `"${userText(oneLine(effect.subject), 200)}".${people ? ` ${people}` : ''}`;
  return message(text, blocks);
}

/**
 * The body quoted in parts that each fit a section, cut at line breaks where possible. Lengths
 * are counted once per line (escaped, with the quote marker), so a huge draft costs one pass.
 */
function bodySections(body: string) {
  const parts: string[][] = [];
  let current: string[] = [];
  let length = 0;
  let more = false;
  for (const line of body.trim().split(/\r?\n/)) {
    const size = escapeMrkdwn(line).length + 3; // "> " and the line break
    if (current.length > 0 && length + size > BODY_PART) {
      parts.push(current);
      current = [];
      length = 0;
      if (parts.length === BODY_PARTS) {
        more = true;
        break;
      }
    }
    current.push(line);
    length += size;
  }
  if (!more && current.length > 0) parts.push(current);
  const quoted = parts.map((lines) => quote(lines.join('\n'), BODY_PART));
  return {
    sections: quoted.map((text) => section(text)),
    trimmed: more || quoted.some((text) => text.endsWith('…')),
  };
}
