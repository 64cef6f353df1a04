/** Pure helpers behind the machine's named actions: context patches and effect keys. */
import type { Draft, EscalationReason, NegotiationContext } from './context.js';
import type { OutboxEffectKind } from './effects.js';
import type { Plan } from './plan.js';

/** Bumps the per-kind counter and returns the new deterministic key with the counts. */
export function nextKey(ctx: NegotiationContext, kind: OutboxEffectKind) {
  const n = (ctx.counts[kind] ?? 0) + 1;
  return { key: `${ctx.negotiationId}:${kind}:${n}`, counts: { ...ctx.counts, [kind]: n } };
}

/** The key of the newest effect of a kind (after {@link nextKey} was applied). */
export function currentKey(ctx: NegotiationContext, kind: OutboxEffectKind): string {
  return `${ctx.negotiationId}:${kind}:${ctx.counts[kind] ?? 0}`;
}

export function newDraft(
  purpose: Draft['purpose'],
  offerCents: number | null,
  answering: string | null,
): Draft {
  return {
    key: '',
    purpose,
    offerCents,
    answering,
    subject: null,
    body: null,
    sendKey: null,
    approvalKey: null,
  };
}

/** Context after acting on a plan: a draft to write, or a question for people. */
export function planPatch(ctx: NegotiationContext, plan: Plan): Partial<NegotiationContext> {
  if (plan.kind === 'escalate') {
    return escalationPatch(plan.reason, plan.detail, plan.suggestedCents);
  }
  return {
    draft: newDraft(plan.purpose, plan.offerCents, ctx.unansweredMessageId),
    escalation: null,
    agreedCents: plan.agreed ? plan.offerCents : ctx.agreedCents,
  };
}

export function escalationPatch(
  reason: EscalationReason,
  detail: string,
  suggestedCents: number | null,
): Partial<NegotiationContext> {
  return { draft: null, escalation: { reason, detail, suggestedCents } };
}

/** What an email that went out means for the negotiation. */
export function sentPatch(ctx: NegotiationContext): Partial<NegotiationContext> {
  const draft = ctx.draft;
  if (draft === null) return {};
  const isOffer =
    draft.offerCents !== null &&
    (draft.purpose === 'opening' || draft.purpose === 'counter' || draft.purpose === 'human');
  const restatesOffer = isOffer || (draft.purpose === 'answer' && draft.offerCents !== null);
  return {
    round: isOffer ? ctx.round + 1 : ctx.round,
    lastOfferCents: restatesOffer ? draft.offerCents : ctx.lastOfferCents,
    followUpSent: draft.purpose === 'follow_up',
    unansweredMessageId:
      ctx.unansweredMessageId === draft.answering ? null : ctx.unansweredMessageId,
    draft: null,
  };
}

/** Whether the current state is waiting on this effect, so its failure would stall the deal. */
export function awaits(ctx: NegotiationContext, effectKey: string): boolean {
  const { draft, classifying } = ctx;
  return [classifying?.key, draft?.key, draft?.sendKey, draft?.approvalKey].includes(effectKey);
}
