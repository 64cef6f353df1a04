/**
 * Short notes about a negotiation, posted in the thread of its message: no answer after the
 * follow-up, a draft still waiting for review, a new email while people decide, a person took the
 * thread over (with Resume), the agent is back (with Take over). Each stands on its own when
 * there is no message to answer under.
 */
import type { NOTICES } from '../../../machines/negotiation/index.js';
import type { NegotiationFactsResult } from '../../db/negotiation-facts.js';
import { encodeActionValue, THREAD_ACTIONS } from '../actions.js';
import { campaignText, email, gmailLink, mentions, who, withPeople } from './describe.js';
import {
  actions,
  type Block,
  button,
  type ChatMessage,
  context,
  message,
  quote,
  section,
  userText,
} from './kit.js';

export type NoticeKind = (typeof NOTICES)[number];

export interface NoticeInput {
  facts: NegotiationFactsResult;
  notice: NoticeKind;
  /** What the machine said about it ("taken over by U0ALICE"). */
  detail: string;
  mailbox: string;
  /** People to call on for the notices that need someone (stale, approval reminder). */
  mentions: readonly string[];
  /** True when posted under the negotiation's message, which then gives the context. */
  threaded: boolean;
}

const DETAIL_MAX = 1000;
const REPLY_MAX = 1500;

interface NoticeParts {
  /** The first line, mrkdwn; `text` is the notification's wording of it. */
  line: string;
  extra: Block[];
  button?: 'takeOver' | 'resume';
  callPeople: boolean;
}

export function noticeMessage(input: NoticeInput): ChatMessage {
  const { facts } = input;
  const parts = PARTS[input.notice](input);
  const people = parts.callPeople ? mentions(input.mentions) : '';
  const value = encodeActionValue({ n: facts.id });
  const about = `${who(facts)} · ${email(facts)} · ${campaignText(facts)}`;
  const blocks: Block[] = [
    section(`${parts.line}${people ? `\n${people}` : ''}`),
    ...parts.extra,
    ...(parts.button === 'resume'
      ? [actions([button(THREAD_ACTIONS.resume, 'Resume the agent', value, 'primary')])]
      : []),
    ...(parts.button === 'takeOver'
      ? [actions([button(THREAD_ACTIONS.takeOver, 'Take over', value)])]
      : []),
    context(
      input.threaded ? '' : about,
      input.threaded ? '' : gmailLink(facts, input.mailbox),
      `Negotiation \`${userText(facts.id, 200)}\``,
    ),
  ];
  const text = `${parts.line.replace(/^:[a-z_]+: /, '')}${input.threaded ? '' : ` (${about})`}${people ? ` ${people}` : ''}`;
  return message(text, blocks);
}

const PARTS: Record<NoticeKind, (input: NoticeInput) => NoticeParts> = {
  stale: ({ facts, detail }) => ({
    line:
      `:hourglass_flowing_sand: No answer from *${who(facts)}* after the follow-up: the ` +
      `negotiation is stale. The agent sends nothing more; a reply from them picks it up again.`,
    extra: detailContext(detail),
    button: 'takeOver',
    callPeople: true,
  }),
  approval_reminder: ({ facts, detail, threaded }) => ({
    line:
      `:bell: Reminder: a draft to *${who(facts)}* still waits for review — approve, edit or ` +
      `reject it on the review message${threaded ? ' above' : ''}. Nothing is sent until then.`,
    extra: detailContext(detail),
    callPeople: true,
  }),
  reply_while_escalated: ({ facts, detail }) => {
    const latest = facts.conversation.filter((e) => e.direction === 'in').at(-1);
    return {
      line:
        `:incoming_envelope: *${who(facts)}* wrote again while the team decides. The agent does ` +
        `not answer until someone decides on the escalation.`,
      extra: latest ? [section(quote(latest.text, REPLY_MAX))] : detailContext(detail),
      callPeople: false,
    };
  },
  taken_over: ({ facts, detail }) => ({
    line:
      `:raised_hand: ${sentence(detail, 'A person took the thread over')}. The agent sends ` +
      `nothing to *${who(facts)}* until someone resumes it.`,
    extra: [],
    button: 'resume',
    callPeople: false,
  }),
  resumed: ({ facts, detail }) => ({
    line:
      `:robot_face: ${sentence(detail, 'The agent was resumed')}. The agent is back on the ` +
      `negotiation with *${who(facts)}* and answers their next email.`,
    extra: [],
    button: 'takeOver',
    callPeople: false,
  }),
};

/** The machine's detail as the start of a sentence, with people shown as mentions. */
function sentence(detail: string, fallback: string): string {
  const text = detail.trim().replace(/[.\s]+$/, '');
  if (text === '') return fallback;
  const shown = withPeople(text, DETAIL_MAX);
  return shown.charAt(0).toUpperCase() + shown.slice(1);
}

function detailContext(detail: string): Block[] {
  return detail.trim() ? [context(`_${withPeople(detail.trim(), DETAIL_MAX)}_`)] : [];
}
