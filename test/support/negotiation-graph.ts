/** Event samples and state keys for walking the negotiation machine's graph. */
import type { NegotiationEvent } from '../../machines/negotiation/index.js';
import { answerFor, classified, type NegotiationSnapshot } from './negotiation.js';

export function eventsFor(snapshot: NegotiationSnapshot): NegotiationEvent[] {
  const ctx = snapshot.context;
  const reply = `m${(ctx.counts.classifyReply ?? 0) + 1}-${ctx.round}`;
  const common: NegotiationEvent[] = [
    { type: 'HUMAN_TOOK_OVER', by: 'U1' },
    { type: 'PAUSED', by: 'U1' },
    { type: 'STOPPED', by: 'U1', reason: null },
  ];
  // People may keep a negotiation going forever ("continue", approve again): bound the walk.
  if (ctx.round > ctx.terms.maxRounds) return [{ type: 'STOPPED', by: 'U1', reason: null }];
  const answer = answerFor(snapshot);
  const reading = ctx.classifying?.messageId ?? '';
  switch (snapshot.value) {
    case 'initialOffer':
      return [{ type: 'OFFER_REQUESTED' }, { type: 'REPLY_RECEIVED', messageId: reply }, ...common];
    case 'awaitingReply':
      return [
        { type: 'REPLY_RECEIVED', messageId: reply },
        { type: 'FOLLOW_UP_DUE' },
        { type: 'STALE_DUE' },
        ...common,
      ];
    case 'counterReceived':
      return [
        classified(reading, 'accept'),
        classified(reading, 'counter', 140_000),
        classified(reading, 'counter', 400_000),
        classified(reading, 'reject'),
        classified(reading, 'question'),
        classified(reading, 'counter', 120_000, {
          flags: { hostileTone: true, legalLanguage: false, unusualDeliverables: false },
        }),
        { type: 'CLASSIFICATION_FAILED', messageId: reading, error: 'model unavailable' },
        ...common,
      ];
    case 'drafting':
      return [
        answer as NegotiationEvent,
        {
          type: 'DRAFT_FAILED',
          draftKey: ctx.draft?.key ?? '',
          failures: ['amount $9,999 not allowed'],
        },
        ...common,
      ];
    case 'awaitingApproval':
      return [
        answer as NegotiationEvent,
        { type: 'DRAFT_REJECTED', draftKey: ctx.draft?.key ?? '', by: 'U1', reason: null },
        ...common,
      ];
    case 'sending':
      return [answer as NegotiationEvent, ...common];
    case 'escalated':
      return [
        {
          type: 'COUNTER_APPROVED',
          by: 'U1',
          amountCents: ctx.escalation?.suggestedCents ?? 150_000,
        },
        { type: 'DECLINE_REQUESTED', by: 'U1' },
        { type: 'AGENT_CONTINUE_REQUESTED', by: 'U1' },
        ...common,
      ];
    case 'humanControl':
    case 'paused':
      return [
        { type: 'RESUMED', by: 'U1' },
        { type: 'STOPPED', by: 'U1', reason: null },
      ];
    case 'stale':
      return [{ type: 'REPLY_RECEIVED', messageId: reply }, ...common];
    default:
      return [];
  }
}

/** Distinguishes states by what matters for behaviour, so the traversal stays finite. */
export function serializeState(snapshot: NegotiationSnapshot): string {
  const c = snapshot.context;
  return JSON.stringify([
    snapshot.value,
    c.round,
    c.followUpSent,
    ['drafting', 'awaitingApproval', 'sending'].includes(String(snapshot.value))
      ? c.draft?.purpose
      : null,
    c.escalation?.reason ?? null,
    c.unansweredMessageId !== null,
    c.lastOfferCents,
    c.askCents,
  ]);
}
