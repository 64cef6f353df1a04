/** Builders for driving the negotiation machine in tests. */
import { type AnyActorRef, createActor, type SnapshotFrom } from 'xstate';
import {
  type Emitted,
  type NegotiationEvent,
  type NegotiationInput,
  negotiationMachine,
} from '../../machines/negotiation/index.js';

export type NegotiationSnapshot = SnapshotFrom<typeof negotiationMachine>;

export function negotiationInput(overrides: Partial<NegotiationInput> = {}): NegotiationInput {
  return {
    negotiationId: 'neg_1',
    terms: {
      floorCents: 100_000,
      ceilingCents: 150_000,
      scheduleBps: [0, 5000, 7500, 9000, 10_000],
      maxRounds: 5,
    },
    policy: {
      overCeilingMarginBps: 2000,
      minConfidence: 0.7,
      hostileTone: true,
      legalLanguage: true,
      unusualDeliverables: true,
    },
    settings: {
      reviewMode: false,
      followUpDelayMs: 172_800_000,
      staleDelayMs: 259_200_000,
      approvalReminderMs: 14_400_000,
      holdingReplyMs: null,
    },
    ...overrides,
  };
}

export const noFlags = { hostileTone: false, legalLanguage: false, unusualDeliverables: false };

export function classified(
  messageId: string,
  intent: 'accept' | 'counter' | 'reject' | 'question' | 'unclear',
  proposedRateCents: number | null = null,
  extra: Partial<Extract<NegotiationEvent, { type: 'REPLY_CLASSIFIED' }>> = {},
): NegotiationEvent {
  return {
    type: 'REPLY_CLASSIFIED',
    messageId,
    intent,
    confidence: 0.95,
    proposedRateCents,
    deliverableChanges: null,
    flags: noFlags,
    evidence: [],
    ...extra,
  };
}

/** A started actor that records everything the machine emits. */
export function startNegotiation(options: { input?: NegotiationInput; snapshot?: unknown } = {}): {
  actor: AnyActorRef & ReturnType<typeof createActor<typeof negotiationMachine>>;
  emitted: Emitted[];
} {
  const emitted: Emitted[] = [];
  const actor = createActor(negotiationMachine, {
    input: options.input ?? negotiationInput(),
    ...(options.snapshot ? { snapshot: options.snapshot as NegotiationSnapshot } : {}),
  });
  actor.on('*', (event) => emitted.push(event as Emitted));
  actor.start();
  return { actor, emitted };
}

/** The events that answer what the machine is waiting for, taken from its context. */
export function answerFor(snapshot: NegotiationSnapshot): NegotiationEvent | null {
  const { context: ctx } = snapshot;
  switch (snapshot.value) {
    case 'drafting':
      return {
        type: 'DRAFT_READY',
        draftKey: ctx.draft?.key ?? '',
        subject: 'Re: collab',
        body: 'draft',
      };
    case 'awaitingApproval':
      return { type: 'DRAFT_APPROVED', draftKey: ctx.draft?.key ?? '', by: 'U1' };
    case 'sending':
      return {
        type: 'EMAIL_SENT',
        effectKey: ctx.draft?.sendKey ?? '',
        gmailMessageId: `g-${ctx.draft?.sendKey}`,
        threadId: 't1',
      };
    default:
      return null;
  }
}
