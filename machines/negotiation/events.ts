/** Everything that can happen to a negotiation, as past-tense facts validated at the boundary. */
import { z } from 'zod';

const id = z.string().min(1).max(512);
const by = z.string().min(1).max(200);
const cents = z.int().min(0).max(100_000_000_000);

export const INTENTS = ['accept', 'counter', 'reject', 'question', 'unclear'] as const;
export type Intent = (typeof INTENTS)[number];

export const negotiationEventSchema = z.discriminatedUnion('type', [
  /** The agent should open with its own first offer. */
  z.strictObject({ type: z.literal('OFFER_REQUESTED') }),
  /** An influencer's email arrived (stored in `emails`; the event carries its id only). */
  z.strictObject({ type: z.literal('REPLY_RECEIVED'), messageId: id }),
  /** Someone from the team wrote in the thread: a person has taken it over. */
  z.strictObject({ type: z.literal('HUMAN_EMAIL_SEEN'), messageId: id }),
  z.strictObject({
    type: z.literal('REPLY_CLASSIFIED'),
    messageId: id,
    intent: z.enum(INTENTS),
    confidence: z.number().min(0).max(1),
    proposedRateCents: cents.nullable(),
    deliverableChanges: z.string().max(2000).nullable(),
    flags: z.strictObject({
      hostileTone: z.boolean(),
      legalLanguage: z.boolean(),
      unusualDeliverables: z.boolean(),
    }),
    evidence: z.array(z.string().max(1000)).max(20),
  }),
  z.strictObject({
    type: z.literal('CLASSIFICATION_FAILED'),
    messageId: id,
    error: z.string().max(2000),
  }),
  z.strictObject({
    type: z.literal('DRAFT_READY'),
    draftKey: id,
    subject: z.string().min(1).max(998),
    body: z.string().min(1).max(100_000),
  }),
  z.strictObject({
    type: z.literal('DRAFT_FAILED'),
    draftKey: id,
    failures: z.array(z.string().max(1000)).min(1).max(50),
  }),
  z.strictObject({ type: z.literal('DRAFT_APPROVED'), draftKey: id, by }),
  z.strictObject({
    type: z.literal('DRAFT_EDITED'),
    draftKey: id,
    by,
    subject: z.string().min(1).max(998),
    body: z.string().min(1).max(100_000),
  }),
  z.strictObject({
    type: z.literal('DRAFT_REJECTED'),
    draftKey: id,
    by,
    reason: z.string().max(2000).nullable(),
  }),
  z.strictObject({
    type: z.literal('EMAIL_SENT'),
    effectKey: id,
    gmailMessageId: id,
    threadId: id,
  }),
  /** An effect was given up on (dead in the outbox). */
  z.strictObject({
    type: z.literal('EFFECT_FAILED'),
    effectKey: id,
    kind: z.string().max(100),
    error: z.string().max(2000),
  }),
  z.strictObject({ type: z.literal('FOLLOW_UP_DUE') }),
  z.strictObject({ type: z.literal('STALE_DUE') }),
  z.strictObject({ type: z.literal('APPROVAL_REMINDER_DUE') }),
  z.strictObject({ type: z.literal('HOLDING_REPLY_DUE') }),
  /** A person approved a counter (or their ask) at this amount: may exceed the ceiling. */
  z.strictObject({ type: z.literal('COUNTER_APPROVED'), by, amountCents: cents }),
  z.strictObject({ type: z.literal('DECLINE_REQUESTED'), by }),
  z.strictObject({ type: z.literal('AGENT_CONTINUE_REQUESTED'), by }),
  /** A person wrote the email themselves (edit and send). */
  z.strictObject({
    type: z.literal('HUMAN_REPLY_SUBMITTED'),
    by,
    subject: z.string().min(1).max(998),
    body: z.string().min(1).max(100_000),
    offerCents: cents.nullable(),
  }),
  z.strictObject({ type: z.literal('HUMAN_TOOK_OVER'), by }),
  z.strictObject({ type: z.literal('PAUSED'), by }),
  z.strictObject({ type: z.literal('RESUMED'), by }),
  z.strictObject({ type: z.literal('STOPPED'), by, reason: z.string().max(2000).nullable() }),
]);

export type NegotiationEvent = z.infer<typeof negotiationEventSchema>;
export type NegotiationEventType = NegotiationEvent['type'];
export type EventOf<T extends NegotiationEventType> = Extract<NegotiationEvent, { type: T }>;

/** Validates an event from outside; a clear error names each wrong field. */
export function parseNegotiationEvent(
  input: unknown,
): { ok: true; event: NegotiationEvent } | { ok: false; error: string } {
  const parsed = negotiationEventSchema.safeParse(input);
  if (parsed.success) return { ok: true, event: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues
      .map((i) => `${i.path.join('.') || 'event'}: ${i.message}`)
      .join('; '),
  };
}
