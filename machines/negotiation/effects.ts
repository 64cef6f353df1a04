/**
 * Effects a transition declares. The machine never performs them: the runtime writes them with
 * the snapshot (outbox rows, timer rows) and a worker performs each exactly once, by its key.
 * Keys are `<negotiation>:<kind>:<n>` with a per-kind counter, so they are deterministic and
 * never repeat within a negotiation.
 */
import { z } from 'zod';
import { DRAFT_PURPOSES, ESCALATION_REASONS } from './context.js';

const key = z.string().min(1);
const cents = z.int().min(0);

export const TIMERS = ['follow_up', 'stale', 'approval_reminder', 'holding_reply'] as const;
export type TimerName = (typeof TIMERS)[number];

export const NOTICES = [
  'stale',
  'approval_reminder',
  'reply_while_escalated',
  'taken_over',
  'resumed',
] as const;

export const outboxEffectSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('classifyReply'), key, messageId: z.string() }),
  z.strictObject({
    kind: z.literal('composeEmail'),
    key,
    purpose: z.enum(DRAFT_PURPOSES),
    offerCents: cents.nullable(),
    askCents: cents.nullable(),
    round: z.int().min(0),
    answering: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('sendEmail'),
    key,
    purpose: z.enum(DRAFT_PURPOSES),
    draftKey: z.string().nullable(),
    subject: z.string(),
    body: z.string(),
    offerCents: cents.nullable(),
    answering: z.string().nullable(),
  }),
  /** Compose (purpose holding), check and send in one effect while people decide. */
  z.strictObject({ kind: z.literal('sendHoldingReply'), key, answering: z.string() }),
  z.strictObject({
    kind: z.literal('requestApproval'),
    key,
    draftKey: z.string(),
    purpose: z.enum(DRAFT_PURPOSES),
    subject: z.string(),
    body: z.string(),
    offerCents: cents.nullable(),
  }),
  z.strictObject({
    kind: z.literal('postAgreement'),
    key,
    agreedCents: cents,
    rounds: z.int().min(0),
  }),
  z.strictObject({
    kind: z.literal('postEscalation'),
    key,
    reason: z.enum(ESCALATION_REASONS),
    detail: z.string(),
    askCents: cents.nullable(),
    lastOfferCents: cents.nullable(),
    suggestedCents: cents.nullable(),
    floorCents: cents,
    ceilingCents: cents,
  }),
  z.strictObject({
    kind: z.literal('postNotice'),
    key,
    notice: z.enum(NOTICES),
    detail: z.string(),
  }),
]);
export type OutboxEffect = z.infer<typeof outboxEffectSchema>;
export type OutboxEffectKind = OutboxEffect['kind'];

export const timerEffectSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('setTimer'),
    timer: z.enum(TIMERS),
    delayMs: z.int().positive(),
    event: z.strictObject({
      type: z.enum(['FOLLOW_UP_DUE', 'STALE_DUE', 'APPROVAL_REMINDER_DUE', 'HOLDING_REPLY_DUE']),
    }),
  }),
  z.strictObject({ kind: z.literal('clearTimer'), timer: z.enum(TIMERS) }),
]);
export type TimerEffect = z.infer<typeof timerEffectSchema>;

export type Effect = OutboxEffect | TimerEffect;

/** What the machine emits: declared effects, and the reason an event changed nothing. */
export type Emitted = { type: 'effect'; effect: Effect } | { type: 'ignored'; reason: string };

export function isOutboxEffect(effect: Effect): effect is OutboxEffect {
  return effect.kind !== 'setTimer' && effect.kind !== 'clearTimer';
}
