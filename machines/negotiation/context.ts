/**
 * What a negotiation remembers between emails. Small on purpose (an idle actor should cost a few
 * KB): email bodies live in the `emails` table, drafts only while they wait to be sent.
 */
import { z } from 'zod';
import { INTENTS } from './events.js';

const cents = z.int().min(0);

export const termsSchema = z.strictObject({
  floorCents: cents,
  ceilingCents: cents,
  /** Share of the gap offered at each round, in basis points (non-decreasing, ends at 10,000). */
  scheduleBps: z.array(z.int().min(0).max(10_000)).min(1),
  maxRounds: z.int().min(1).max(20),
});

export const policySchema = z.strictObject({
  overCeilingMarginBps: z.int().min(0).nullable(),
  minConfidence: z.number().gt(0).max(1).nullable(),
  hostileTone: z.boolean(),
  legalLanguage: z.boolean(),
  unusualDeliverables: z.boolean(),
});

export const settingsSchema = z.strictObject({
  reviewMode: z.boolean(),
  followUpDelayMs: z.int().positive(),
  staleDelayMs: z.int().positive(),
  approvalReminderMs: z.int().positive(),
  /**
   * While escalated with the influencer's email unanswered, a short holding reply goes out after
   * this long if nobody has decided (never in review mode, where people see every email); null = off.
   */
  holdingReplyMs: z.int().positive().nullable(),
});

export const DRAFT_PURPOSES = [
  'opening',
  'counter',
  'answer',
  'agreement',
  'follow_up',
  'decline',
  'farewell',
  'human',
  'holding',
] as const;
export type DraftPurpose = (typeof DRAFT_PURPOSES)[number];

export const ESCALATION_REASONS = [
  'over_ceiling',
  'max_rounds',
  'at_ceiling',
  'above_approved',
  'ambiguous',
  'hostile_tone',
  'legal_language',
  'unusual_deliverables',
  'validation_failed',
  'model_unavailable',
  'draft_rejected',
  'effect_failed',
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

const draftSchema = z.strictObject({
  /** The compose effect's key; results carrying another key are stale. */
  key: z.string(),
  purpose: z.enum(DRAFT_PURPOSES),
  offerCents: cents.nullable(),
  /** The influencer message this email answers, if any. */
  answering: z.string().nullable(),
  subject: z.string().nullable(),
  body: z.string().nullable(),
  /** The send effect's key once sending was declared. */
  sendKey: z.string().nullable(),
  /** The approval request's key in review mode. */
  approvalKey: z.string().nullable(),
});
export type Draft = z.infer<typeof draftSchema>;

export const contextSchema = z.strictObject({
  negotiationId: z.string().min(1),
  terms: termsSchema,
  policy: policySchema,
  settings: settingsSchema,
  /** Offers we have made (sent) so far. */
  round: z.int().min(0),
  lastOfferCents: cents.nullable(),
  askCents: cents.nullable(),
  agreedCents: cents.nullable(),
  /** The newest influencer message nobody has answered yet: never ghost it. */
  unansweredMessageId: z.string().nullable(),
  /** The classification being waited for: which message, under which effect key. */
  classifying: z.strictObject({ messageId: z.string(), key: z.string() }).nullable(),
  /** The newest classification, so a person's "continue" can re-plan without asking again. */
  lastClassified: z
    .strictObject({
      messageId: z.string(),
      intent: z.enum(INTENTS),
      proposedRateCents: cents.nullable(),
    })
    .nullable(),
  followUpSent: z.boolean(),
  draft: draftSchema.nullable(),
  escalation: z
    .strictObject({
      reason: z.enum(ESCALATION_REASONS),
      detail: z.string(),
      suggestedCents: cents.nullable(),
    })
    .nullable(),
  /** Per-kind effect counters: they make every effect key unique and deterministic. */
  counts: z.record(z.string(), z.int().min(0)),
});

export type NegotiationContext = z.infer<typeof contextSchema>;

export const inputSchema = z.strictObject({
  negotiationId: z.string().min(1),
  terms: termsSchema,
  policy: policySchema,
  settings: settingsSchema,
  /** An offer the team's outreach already made, if any. */
  initialOfferCents: cents.nullable().optional(),
});
export type NegotiationInput = z.infer<typeof inputSchema>;

export function initialContext(input: NegotiationInput): NegotiationContext {
  const parsed = inputSchema.parse(input);
  if (parsed.terms.floorCents > parsed.terms.ceilingCents) {
    throw new RangeError('negotiation terms: floor is above the ceiling');
  }
  return {
    negotiationId: parsed.negotiationId,
    terms: parsed.terms,
    policy: parsed.policy,
    settings: parsed.settings,
    // An offer made by the team's outreach counts as the first round.
    round: parsed.initialOfferCents == null ? 0 : 1,
    lastOfferCents: parsed.initialOfferCents ?? null,
    askCents: null,
    agreedCents: null,
    unansweredMessageId: null,
    classifying: null,
    lastClassified: null,
    followUpSent: false,
    draft: null,
    escalation: null,
    counts: {},
  };
}
