/**
 * The modals people fill in from a message: the amount of a counter, an email written by a
 * person, an edited draft, the reason for a rejection. Each carries in `private_metadata` the
 * button's value and the message it was opened from, whose dedupe key its submission decides under.
 */
import type { types } from '@slack/bolt';
import { z } from 'zod';
import { type ActionValue, decodeActionValue, encodeActionValue, MODALS } from '../actions.js';

export interface ModalOrigin {
  value: ActionValue;
  channel: string;
  ts: string;
}

const metadataSchema = z.strictObject({
  v: z.string().max(2000),
  ch: z.string().min(1).max(100),
  ts: z.string().min(1).max(100),
});

export function encodeModalOrigin(origin: ModalOrigin): string {
  const text = JSON.stringify({
    v: encodeActionValue(origin.value),
    ch: origin.channel,
    ts: origin.ts,
  });
  if (text.length > 3000) throw new RangeError('private_metadata is limited to 3000 characters');
  return text;
}

/** Parses a submission's private_metadata; null when it is not one of ours. */
export function decodeModalOrigin(text: unknown): ModalOrigin | null {
  if (typeof text !== 'string' || text.length > 3000) return null;
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(text));
    const value = parsed.success ? decodeActionValue(parsed.data.v) : null;
    if (!parsed.success || !value) return null;
    return { value, channel: parsed.data.ch, ts: parsed.data.ts };
  } catch {
    return null;
  }
}

/** Every input's element has this action id; blocks are told apart by block id. */
export const INPUT_ACTION = 'value';
export const BLOCKS = { amount: 'amount', subject: 'subject', body: 'body', reason: 'reason' };

const plain = (text: string) => ({ type: 'plain_text' as const, text });
/** Slack refuses an initial value longer than the input allows: such text starts empty. */
const initial = (text: string | null | undefined, max: number) =>
  text && text.length <= max ? { initial_value: text } : {};
const dollars = (cents: number | null | undefined) =>
  cents ? { initial_value: (cents / 100).toFixed(2) } : {};

function input(
  blockId: string,
  label: string,
  element: Record<string, unknown>,
  extra: { optional?: boolean; hint?: string } = {},
) {
  return {
    type: 'input' as const,
    block_id: blockId,
    label: plain(label),
    element: { ...element, action_id: INPUT_ACTION },
    ...(extra.optional ? { optional: true } : {}),
    ...(extra.hint ? { hint: plain(extra.hint) } : {}),
  } as types.InputBlock;
}

const amountInput = (label: string, cents: number | null | undefined, optional: boolean) =>
  input(
    BLOCKS.amount,
    label,
    { type: 'number_input', is_decimal_allowed: true, min_value: '0.01', ...dollars(cents) },
    optional ? { optional, hint: 'Leave empty when the email names no amount.' } : {},
  );

const emailInputs = (text: { subject?: string | null; body?: string | null }) => [
  input(BLOCKS.subject, 'Subject', {
    type: 'plain_text_input',
    max_length: 998,
    ...initial(text.subject, 998),
  }),
  input(BLOCKS.body, 'Email', {
    type: 'plain_text_input',
    multiline: true,
    max_length: 3000,
    ...initial(text.body, 3000),
  }),
];

function modal(
  callbackId: string,
  origin: ModalOrigin,
  text: { title: string; submit: string; intro: string },
  blocks: types.KnownBlock[],
): types.ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: encodeModalOrigin(origin),
    title: plain(text.title),
    submit: plain(text.submit),
    close: plain('Cancel'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.intro } }, ...blocks],
  };
}

export function counterAmountView(origin: ModalOrigin): types.ModalView {
  return modal(
    MODALS.counterAmount,
    origin,
    {
      title: 'Approve a counter',
      submit: 'Approve',
      intro: 'The agent writes the counter at this amount, in US dollars (e.g. 1350 or 1350.50).',
    },
    [amountInput('Counter amount (USD)', origin.value.c, false)],
  );
}

export function escalationEmailView(
  origin: ModalOrigin,
  draft: { subject?: string | null; body?: string | null },
): types.ModalView {
  return modal(
    MODALS.escalationEmail,
    origin,
    {
      title: 'Write the reply',
      submit: 'Send',
      intro:
        'This email goes to the influencer as written, once it passes the same checks as the agent’s own.',
    },
    [...emailInputs(draft), amountInput('Amount this email offers (USD)', origin.value.c, true)],
  );
}

export function reviewEditView(
  origin: ModalOrigin,
  draft: { subject: string | null; body: string | null },
): types.ModalView {
  return modal(
    MODALS.reviewEdit,
    origin,
    {
      title: 'Edit the draft',
      submit: 'Approve and send',
      intro: 'Your version goes out instead of the draft, once it passes the checks.',
    },
    emailInputs(draft),
  );
}

export function reviewRejectView(origin: ModalOrigin): types.ModalView {
  return modal(
    MODALS.reviewReject,
    origin,
    {
      title: 'Reject the draft',
      submit: 'Reject',
      intro: 'The draft is not sent; the negotiation waits for the team.',
    },
    [
      input(
        BLOCKS.reason,
        'Why? (optional)',
        { type: 'plain_text_input', multiline: true, max_length: 2000 },
        { optional: true },
      ),
    ],
  );
}
