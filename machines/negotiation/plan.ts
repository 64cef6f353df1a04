/**
 * What the agent does next, as a pure function of the context and the newest facts. The pricing
 * engine alone decides money; the model's reading only selects which rule applies.
 */

import { formatCents } from '../../src/domain/money.js';
import { decide } from '../../src/domain/pricing/decide.js';
import type { DraftPurpose, EscalationReason, NegotiationContext } from './context.js';
import type { EventOf, Intent } from './events.js';

export type Plan =
  | { kind: 'draft'; purpose: DraftPurpose; offerCents: number | null; agreed: boolean }
  | { kind: 'escalate'; reason: EscalationReason; detail: string; suggestedCents: number | null };

type Reading = { intent: Intent; proposedRateCents: number | null };

const draft = (purpose: DraftPurpose, offerCents: number | null): Plan => ({
  kind: 'draft',
  purpose,
  offerCents,
  agreed: purpose === 'agreement',
});

const escalate = (
  reason: EscalationReason,
  detail: string,
  suggestedCents: number | null = null,
): Plan => ({ kind: 'escalate', reason, detail, suggestedCents });

/** The plan for a freshly classified reply: content triggers first, then the intent. */
export function planForClassification(
  ctx: NegotiationContext,
  event: EventOf<'REPLY_CLASSIFIED'>,
): Plan {
  const evidence = event.evidence.length > 0 ? `: "${event.evidence.join('", "')}"` : '';
  const { flags } = event;
  if (flags.hostileTone && ctx.policy.hostileTone)
    return escalate('hostile_tone', `hostile tone${evidence}`);
  if (flags.legalLanguage && ctx.policy.legalLanguage) {
    return escalate('legal_language', `legal or contract language${evidence}`);
  }
  if (flags.unusualDeliverables && ctx.policy.unusualDeliverables) {
    return escalate('unusual_deliverables', `unusual deliverables${evidence}`);
  }
  const min = ctx.policy.minConfidence;
  if (min !== null && event.confidence < min) {
    return escalate(
      'ambiguous',
      `classified "${event.intent}" with confidence ${event.confidence} (below ${min})`,
    );
  }
  return planForReading(ctx, event);
}

/** The plan for an intent, with content triggers already cleared (by policy or by a person). */
export function planForReading(ctx: NegotiationContext, reading: Reading): Plan {
  const proposed = reading.proposedRateCents;
  switch (reading.intent) {
    case 'accept':
      if (proposed !== null && (ctx.lastOfferCents === null || proposed > ctx.lastOfferCents)) {
        return priced(ctx, proposed);
      }
      if (ctx.lastOfferCents !== null) return draft('agreement', ctx.lastOfferCents);
      return escalate('ambiguous', 'they accepted, but no offer of ours is on record');
    case 'counter':
      return priced(ctx, proposed ?? undefined);
    case 'reject':
      return draft('farewell', null);
    case 'question':
      if (proposed !== null) return priced(ctx, proposed);
      return ctx.lastOfferCents === null
        ? priced(ctx, undefined)
        : draft('answer', ctx.lastOfferCents);
    case 'unclear':
      if (ctx.policy.minConfidence !== null) return escalate('ambiguous', 'the reply is unclear');
      return draft('answer', ctx.lastOfferCents);
  }
}

/** Runs the pricing engine on their ask (or none) and turns its decision into a plan. */
export function priced(ctx: NegotiationContext, askCents: number | undefined): Plan {
  const decision = decide({
    floorCents: ctx.terms.floorCents,
    ceilingCents: ctx.terms.ceilingCents,
    scheduleBps: ctx.terms.scheduleBps,
    round: ctx.round,
    maxRounds: ctx.terms.maxRounds,
    askCents,
    previousOfferCents: ctx.lastOfferCents ?? undefined,
    overCeilingMarginBps: ctx.policy.overCeilingMarginBps,
  });
  if (decision.decision === 'agree') return draft('agreement', decision.offerCents);
  if (decision.decision === 'counter') {
    return draft(ctx.round === 0 ? 'opening' : 'counter', decision.offerCents);
  }
  const { reason, suggestedCents } = decision.escalation ?? {
    reason: 'max_rounds',
    suggestedCents: null,
  };
  return escalate(reason, decision.reasons.at(-1) ?? reason, suggestedCents);
}

/**
 * A person said "let the agent continue": re-plan the last reading with its content trigger
 * cleared; where the pricing rules still say stop, make the best offer the agent may make alone.
 */
export function planForContinue(ctx: NegotiationContext): Plan {
  if (ctx.agreedCents !== null) return draft('agreement', ctx.agreedCents);
  const reading = ctx.lastClassified;
  const plan = reading ? planForReading(ctx, reading) : priced(ctx, ctx.askCents ?? undefined);
  return plan.kind === 'escalate' ? finalOffer(ctx) : plan;
}

/** The agent's last word within its own authority: their ask if within the ceiling, else the ceiling. */
export function finalOffer(ctx: NegotiationContext): Plan {
  const ceiling = ctx.terms.ceilingCents;
  const ask = ctx.askCents;
  if (ask !== null && ask <= ceiling) return draft('agreement', ask);
  const last = ctx.lastOfferCents;
  if (last !== null && last >= ceiling) return draft('answer', last);
  return draft(ctx.round === 0 ? 'opening' : 'counter', ceiling);
}

/** A person approved an amount: agree when it meets their ask, otherwise counter with it. */
export function planForApprovedAmount(ctx: NegotiationContext, amountCents: number): Plan {
  if (ctx.askCents !== null && amountCents >= ctx.askCents) return draft('agreement', ctx.askCents);
  return draft(ctx.round === 0 ? 'opening' : 'counter', amountCents);
}

export function describePlan(plan: Plan): string {
  if (plan.kind === 'escalate') return `escalate (${plan.reason}): ${plan.detail}`;
  const amount = plan.offerCents === null ? '' : ` at ${formatCents(plan.offerCents)}`;
  return `draft ${plan.purpose}${amount}`;
}
