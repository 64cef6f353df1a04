/**
 * The contract between the messages the agent posts and the clicks that come back: action ids,
 * modal callback ids, and the small JSON carried in a button's `value` (≤ 2000 characters). Every
 * value from Slack is untrusted input and is parsed here; a value that does not parse changes
 * nothing.
 */
import { z } from 'zod';

/** Buttons on an escalation (HUMAN-01). */
export const ESCALATION_ACTIONS = {
  approveCounter: 'escalation_approve_counter',
  /** Opens the amount modal, prefilled with their ask: approve what they asked, or any amount. */
  approveAmount: 'escalation_approve_amount',
  editAndSend: 'escalation_edit_send',
  takeOver: 'escalation_take_over',
  decline: 'escalation_decline',
  continue: 'escalation_continue',
} as const;

/** Buttons on a draft waiting for review (review mode). */
export const REVIEW_ACTIONS = {
  approve: 'review_approve',
  edit: 'review_edit',
  reject: 'review_reject',
} as const;

/** Buttons on notices and on the thread's message once a person holds it. */
export const THREAD_ACTIONS = {
  takeOver: 'thread_take_over',
  resume: 'thread_resume',
} as const;

export const ACTION_IDS = [
  ...Object.values(ESCALATION_ACTIONS),
  ...Object.values(REVIEW_ACTIONS),
  ...Object.values(THREAD_ACTIONS),
] as const;
export type ActionId = (typeof ACTION_IDS)[number];

/** Modal callback ids: the modal's `private_metadata` carries an encoded {@link ActionValue}. */
export const MODALS = {
  /** Edit and send from an escalation: a person writes the email (HUMAN_REPLY_SUBMITTED). */
  escalationEmail: 'modal_escalation_email',
  /** Edit a draft in review (DRAFT_EDITED). */
  reviewEdit: 'modal_review_edit',
  /** Reason for rejecting a draft in review (DRAFT_REJECTED). */
  reviewReject: 'modal_review_reject',
  /** Approve a counter at another amount than suggested (COUNTER_APPROVED). */
  counterAmount: 'modal_counter_amount',
} as const;

export const SLASH_COMMAND = '/negotiation';

const actionValueSchema = z.strictObject({
  /** Negotiation id. */
  n: z.string().min(1).max(300),
  /** The draft key a review decision is about (stale clicks are ignored by the machine). */
  d: z.string().min(1).max(400).optional(),
  /** An amount in cents (the suggested counter). */
  c: z.int().min(0).max(100_000_000_000).optional(),
});
export type ActionValue = z.infer<typeof actionValueSchema>;

export function encodeActionValue(value: ActionValue): string {
  const text = JSON.stringify(actionValueSchema.parse(value));
  if (text.length > 2000) throw new RangeError('a button value is limited to 2000 characters');
  return text;
}

/** Parses a button value or private_metadata; null when it is not one of ours. */
export function decodeActionValue(text: unknown): ActionValue | null {
  if (typeof text !== 'string' || text.length > 2000) return null;
  try {
    const parsed = actionValueSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
