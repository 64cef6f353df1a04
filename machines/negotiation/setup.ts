/**
 * The negotiation machine's vocabulary: its types and its named actions and guards. Pure: actions
 * only compute context and declare effects with `emit`; the states live in machine.ts.
 */
import { assign, emit, enqueueActions, setup } from 'xstate';
import {
  awaits,
  currentKey,
  escalationPatch,
  newDraft,
  nextKey,
  planPatch,
  sentPatch,
} from './actions.js';
import type { NegotiationContext, NegotiationInput } from './context.js';
import type { Effect, Emitted, TimerName } from './effects.js';
import type { NegotiationEvent } from './events.js';
import type { Plan } from './plan.js';

type Ctx = NegotiationContext;
export type Args = { context: Ctx; event: NegotiationEvent };

const TIMER_EVENTS = {
  follow_up: 'FOLLOW_UP_DUE',
  stale: 'STALE_DUE',
  approval_reminder: 'APPROVAL_REMINDER_DUE',
  holding_reply: 'HOLDING_REPLY_DUE',
} as const;

/** The draft or effect key an event refers to, if any. */
export const keyOf = (event: NegotiationEvent): string =>
  'draftKey' in event ? event.draftKey : 'effectKey' in event ? event.effectKey : '';

export const negotiationSetup = setup({
  types: {
    context: {} as Ctx,
    events: {} as NegotiationEvent,
    input: {} as NegotiationInput,
    emitted: {} as Emitted,
  },
  actions: {
    /** Declares an effect; the runtime stores it with the snapshot. */
    declare: emit((_: Args, params: { effect: Effect }) => ({
      type: 'effect' as const,
      effect: params.effect,
    })),
    /** Records why an event changed nothing; the transition log keeps the reason. */
    ignore: emit((_: Args, params: { reason: string }) => ({
      type: 'ignored' as const,
      reason: params.reason,
    })),
    setTimer: emit((_: Args, params: { timer: TimerName; delayMs: number }) => ({
      type: 'effect' as const,
      effect: {
        kind: 'setTimer' as const,
        timer: params.timer,
        delayMs: params.delayMs,
        event: { type: TIMER_EVENTS[params.timer] },
      },
    })),
    clearTimer: emit((_: Args, params: { timer: TimerName }) => ({
      type: 'effect' as const,
      effect: { kind: 'clearTimer' as const, timer: params.timer },
    })),
    /** Arms the holding reply when it is on, a reply waits for an answer and no review applies. */
    armHoldingReply: enqueueActions(({ context, enqueue }) => {
      const delayMs = context.settings.holdingReplyMs;
      if (delayMs === null || context.settings.reviewMode || context.unansweredMessageId === null)
        return;
      enqueue.emit({
        type: 'effect' as const,
        effect: {
          kind: 'setTimer' as const,
          timer: 'holding_reply' as const,
          delayMs,
          event: { type: 'HOLDING_REPLY_DUE' as const },
        },
      });
    }),
    applyPlan: assign(({ context }: Args, params: { plan: Plan }) =>
      planPatch(context, params.plan),
    ),
    escalate: assign(
      (
        _: Args,
        params: {
          reason: NonNullable<Ctx['escalation']>['reason'];
          detail: string;
          suggestedCents: number | null;
        },
      ) => escalationPatch(params.reason, params.detail, params.suggestedCents),
    ),
    noteReply: assign(({ event }: Args) =>
      event.type === 'REPLY_RECEIVED' ? { unansweredMessageId: event.messageId } : {},
    ),
    dropDraft: assign({ draft: null }),
    recordClassification: assign(({ context, event }: Args) =>
      event.type === 'REPLY_CLASSIFIED'
        ? {
            lastClassified: {
              messageId: event.messageId,
              intent: event.intent,
              proposedRateCents: event.proposedRateCents,
            },
            askCents: event.proposedRateCents ?? context.askCents,
          }
        : {},
    ),
    storeDraftText: assign(({ context, event }: Args) =>
      (event.type === 'DRAFT_READY' || event.type === 'DRAFT_EDITED') && context.draft
        ? { draft: { ...context.draft, subject: event.subject, body: event.body } }
        : {},
    ),
    takeHumanReply: assign(({ context, event }: Args) =>
      event.type === 'HUMAN_REPLY_SUBMITTED'
        ? {
            escalation: null,
            draft: {
              ...newDraft('human', event.offerCents, context.unansweredMessageId),
              subject: event.subject,
              body: event.body,
            },
          }
        : {},
    ),
    recordSent: assign(({ context }: Args) => sentPatch(context)),
    personAnswered: assign({ unansweredMessageId: null }),
    beginClassification: assign(({ context }: Args) => {
      const { key, counts } = nextKey(context, 'classifyReply');
      return { counts, classifying: { messageId: context.unansweredMessageId ?? '', key } };
    }),
    endClassification: assign({ classifying: null }),
    beginCompose: assign(({ context }: Args) => {
      const { key, counts } = nextKey(context, 'composeEmail');
      return { counts, draft: context.draft && { ...context.draft, key } };
    }),
    beginApproval: assign(({ context }: Args) => {
      const { key, counts } = nextKey(context, 'requestApproval');
      return { counts, draft: context.draft && { ...context.draft, approvalKey: key } };
    }),
    beginSend: assign(({ context }: Args) => {
      const { key, counts } = nextKey(context, 'sendEmail');
      return { counts, draft: context.draft && { ...context.draft, sendKey: key } };
    }),
    countEffect: assign(
      (
        { context }: Args,
        params: { kind: 'postEscalation' | 'postNotice' | 'sendHoldingReply' },
      ) => ({
        counts: nextKey(context, params.kind).counts,
      }),
    ),
  },
  guards: {
    planEscalates: (_: Args, params: { plan: Plan }) => params.plan.kind === 'escalate',
    isCurrentClassification: ({ context, event }: Args) =>
      'messageId' in event && context.classifying?.messageId === event.messageId,
    isCurrentDraft: ({ context, event }: Args) =>
      context.draft !== null && context.draft.key === keyOf(event),
    isCurrentSend: ({ context, event }: Args) =>
      context.draft?.sendKey != null && context.draft.sendKey === keyOf(event),
    isHoldingSend: ({ context, event }: Args) =>
      (context.counts.sendHoldingReply ?? 0) > 0 &&
      keyOf(event) === currentKey(context, 'sendHoldingReply'),
    isAwaitedEffect: ({ context, event }: Args) => awaits(context, keyOf(event)),
    reviewMode: ({ context }: Args) => context.settings.reviewMode,
    followUpSent: ({ context }: Args) => context.followUpSent,
    hasUnanswered: ({ context }: Args) => context.unansweredMessageId !== null,
    hasNoOffer: ({ context }: Args) => context.lastOfferCents === null,
    isAgreementDraft: ({ context }: Args) => context.draft?.purpose === 'agreement',
    isClosingDraft: ({ context }: Args) =>
      context.draft?.purpose === 'decline' || context.draft?.purpose === 'farewell',
    newerReplyPending: ({ context }: Args) =>
      context.unansweredMessageId !== null &&
      context.unansweredMessageId !== context.draft?.answering,
    replyNotYetRead: ({ context }: Args) =>
      context.unansweredMessageId !== null &&
      context.lastClassified?.messageId !== context.unansweredMessageId,
  },
});
