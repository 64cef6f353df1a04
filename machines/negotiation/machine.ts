/**
 * The negotiation state machine (NEG-04). Pure: guards, `assign`, and effects declared with
 * `emit` — no `invoke`, no `after`, no I/O. Timers are declared as effects and fired by the runtime
 * as ordinary events. Every event in every state is handled or explicitly ignored with a reason.
 *
 * States: initialOffer (outreach sent, no offer of the agent's yet) → awaitingReply →
 * counterReceived (classifying) → drafting → awaitingApproval (review mode) → sending →
 * awaitingReply … → agreed | rejected. "Counter sent" is awaitingReply with round > 0.
 * Side states: escalated, humanControl, paused, stale; terminal: agreed, rejected, stopped.
 * Longer than most files because a statechart reads best in one place; the named actions and
 * guards it uses are in setup.ts.
 */
import { not } from 'xstate';
import { currentKey } from './actions.js';
import { initialContext } from './context.js';
import type { NOTICES } from './effects.js';
import type { NegotiationEvent } from './events.js';
import {
  type Plan,
  planForApprovedAmount,
  planForClassification,
  planForContinue,
  priced,
} from './plan.js';
import { type Args, keyOf, negotiationSetup } from './setup.js';

export const negotiationMachine = negotiationSetup.createMachine({
  id: 'negotiation',
  context: ({ input }) => initialContext(input),
  initial: 'initialOffer',
  on: {
    REPLY_RECEIVED: { actions: 'noteReply' },
    HUMAN_EMAIL_SEEN: {
      target: '.humanControl',
      actions: [
        'personAnswered',
        ...postNotice('taken_over', () => 'a person from the team wrote in the thread'),
      ],
    },
    HUMAN_TOOK_OVER: {
      target: '.humanControl',
      actions: postNotice('taken_over', ({ event }) => `taken over by ${byOf(event)}`),
    },
    PAUSED: { target: '.paused' },
    STOPPED: { target: '.stopped' },
    // An email already on its way when the agent was paused or taken over still counts.
    EMAIL_SENT: [
      {
        guard: not('isCurrentSend'),
        actions: {
          type: 'ignore',
          params: ({ event }) => ({
            reason: `EMAIL_SENT for ${keyOf(event)}: no email is being sent`,
          }),
        },
      },
      { guard: 'isAgreementDraft', target: '.agreed' },
      { guard: 'isClosingDraft', target: '.rejected' },
      { actions: 'recordSent' },
    ],
    EFFECT_FAILED: [
      {
        guard: 'isAwaitedEffect',
        target: '.escalated',
        actions: {
          type: 'escalate',
          params: ({ event }) => ({
            // A reading or a draft that could not be had means the model stayed out of reach.
            reason:
              event.type === 'EFFECT_FAILED' && MODEL_EFFECTS.has(event.kind)
                ? ('model_unavailable' as const)
                : ('effect_failed' as const),
            detail: event.type === 'EFFECT_FAILED' ? `${event.kind} failed: ${event.error}` : '',
            suggestedCents: null,
          }),
        },
      },
      {
        actions: {
          type: 'ignore',
          params: ({ event }) => ({ reason: `${keyOf(event)} failed, but nothing waits on it` }),
        },
      },
    ],
    RESUMED: { actions: { type: 'ignore', params: { reason: 'not paused or taken over' } } },
    '*': {
      actions: {
        type: 'ignore',
        params: ({ event }) => ({ reason: `${event.type} does not apply in this state` }),
      },
    },
  },
  states: {
    initialOffer: {
      on: {
        OFFER_REQUESTED: actOnPlan(({ context }) => priced(context, undefined)),
        REPLY_RECEIVED: { target: 'counterReceived', actions: 'noteReply' },
      },
    },
    awaitingReply: {
      // One timer at a time: the follow-up, or after it the stale deadline.
      entry: {
        type: 'setTimer',
        params: ({ context }) =>
          context.followUpSent
            ? { timer: 'stale' as const, delayMs: context.settings.staleDelayMs }
            : { timer: 'follow_up' as const, delayMs: context.settings.followUpDelayMs },
      },
      exit: [
        { type: 'clearTimer', params: { timer: 'follow_up' } },
        { type: 'clearTimer', params: { timer: 'stale' } },
      ],
      on: {
        REPLY_RECEIVED: { target: 'counterReceived', actions: 'noteReply' },
        FOLLOW_UP_DUE: [
          {
            guard: 'followUpSent',
            actions: { type: 'ignore', params: { reason: 'follow-up already sent' } },
          },
          {
            target: 'drafting',
            actions: {
              type: 'applyPlan',
              params: ({ context }) => ({
                plan: {
                  kind: 'draft',
                  purpose: 'follow_up',
                  offerCents: context.lastOfferCents,
                  agreed: false,
                },
              }),
            },
          },
        ],
        STALE_DUE: [
          { guard: 'followUpSent', target: 'stale' },
          {
            actions: { type: 'ignore', params: { reason: 'no follow-up sent yet, so not stale' } },
          },
        ],
      },
    },
    counterReceived: {
      entry: [
        'beginClassification',
        {
          type: 'declare',
          params: ({ context }) => ({
            effect: {
              kind: 'classifyReply',
              key: context.classifying?.key ?? '',
              messageId: context.classifying?.messageId ?? '',
            },
          }),
        },
      ],
      exit: 'endClassification',
      on: {
        // A newer message makes the pending reading obsolete: read the newest one.
        REPLY_RECEIVED: { target: 'counterReceived', reenter: true, actions: 'noteReply' },
        REPLY_CLASSIFIED: [
          {
            guard: not('isCurrentClassification'),
            actions: {
              type: 'ignore',
              params: { reason: 'classification is for an older message' },
            },
          },
          ...actOnPlan(classificationPlan, 'recordClassification'),
        ],
        CLASSIFICATION_FAILED: [
          {
            guard: not('isCurrentClassification'),
            actions: { type: 'ignore', params: { reason: 'failure is for an older message' } },
          },
          {
            target: 'escalated',
            actions: {
              type: 'escalate',
              params: ({ event }) => ({
                reason: 'model_unavailable' as const,
                detail: `the reply could not be read: ${event.type === 'CLASSIFICATION_FAILED' ? event.error : ''}`,
                suggestedCents: null,
              }),
            },
          },
        ],
      },
    },
    drafting: {
      entry: [
        'beginCompose',
        {
          type: 'declare',
          params: ({ context }) => ({
            effect: {
              kind: 'composeEmail',
              key: context.draft?.key ?? '',
              purpose: context.draft?.purpose ?? 'answer',
              offerCents: context.draft?.offerCents ?? null,
              askCents: context.askCents,
              round: context.round,
              answering: context.draft?.answering ?? null,
            },
          }),
        },
      ],
      on: {
        REPLY_RECEIVED: { target: 'counterReceived', actions: ['noteReply', 'dropDraft'] },
        DRAFT_READY: [
          { guard: not('isCurrentDraft'), actions: staleResult() },
          { guard: 'reviewMode', target: 'awaitingApproval', actions: 'storeDraftText' },
          { target: 'sending', actions: 'storeDraftText' },
        ],
        DRAFT_FAILED: [
          { guard: not('isCurrentDraft'), actions: staleResult() },
          {
            target: 'escalated',
            actions: {
              type: 'escalate',
              params: ({ context, event }) => ({
                reason: 'validation_failed' as const,
                detail: `the ${context.draft?.purpose ?? ''} draft failed the checks: ${event.type === 'DRAFT_FAILED' ? event.failures.join('; ') : ''}`,
                suggestedCents: context.draft?.offerCents ?? null,
              }),
            },
          },
        ],
      },
    },
    awaitingApproval: {
      entry: [
        'beginApproval',
        {
          type: 'declare',
          params: ({ context }) => ({
            effect: {
              kind: 'requestApproval',
              key: context.draft?.approvalKey ?? '',
              draftKey: context.draft?.key ?? '',
              purpose: context.draft?.purpose ?? 'answer',
              subject: context.draft?.subject ?? '',
              body: context.draft?.body ?? '',
              offerCents: context.draft?.offerCents ?? null,
            },
          }),
        },
        {
          type: 'setTimer',
          params: ({ context }) => ({
            timer: 'approval_reminder' as const,
            delayMs: context.settings.approvalReminderMs,
          }),
        },
      ],
      exit: { type: 'clearTimer', params: { timer: 'approval_reminder' } },
      on: {
        REPLY_RECEIVED: { target: 'counterReceived', actions: ['noteReply', 'dropDraft'] },
        DRAFT_APPROVED: [
          { guard: not('isCurrentDraft'), actions: staleResult() },
          { target: 'sending' },
        ],
        DRAFT_EDITED: [
          { guard: not('isCurrentDraft'), actions: staleResult() },
          { target: 'sending', actions: 'storeDraftText' },
        ],
        DRAFT_REJECTED: [
          { guard: not('isCurrentDraft'), actions: staleResult() },
          {
            target: 'escalated',
            actions: {
              type: 'escalate',
              params: ({ context, event }) => ({
                reason: 'draft_rejected' as const,
                detail:
                  event.type === 'DRAFT_REJECTED'
                    ? `${event.by} rejected the ${context.draft?.purpose ?? ''} draft${event.reason ? `: ${event.reason}` : ''}`
                    : '',
                suggestedCents: context.draft?.offerCents ?? null,
              }),
            },
          },
        ],
        APPROVAL_REMINDER_DUE: {
          actions: [
            ...postNotice(
              'approval_reminder',
              ({ context }) => `the ${context.draft?.purpose ?? ''} draft still waits for approval`,
            ),
          ],
        },
      },
    },
    sending: {
      entry: [
        'beginSend',
        {
          type: 'declare',
          params: ({ context }) => ({
            effect: {
              kind: 'sendEmail',
              key: context.draft?.sendKey ?? '',
              purpose: context.draft?.purpose ?? 'answer',
              draftKey: context.draft?.key || null,
              subject: context.draft?.subject ?? '',
              body: context.draft?.body ?? '',
              offerCents: context.draft?.offerCents ?? null,
              answering: context.draft?.answering ?? null,
            },
          }),
        },
      ],
      on: {
        // The email is on its way and cannot be recalled: remember the reply, read it after.
        REPLY_RECEIVED: { actions: 'noteReply' },
        // A deal whose confirmation is already on its way will close, and must be announced.
        STOPPED: [
          {
            guard: 'isAgreementDraft',
            actions: {
              type: 'ignore',
              params: { reason: 'the agreement email is already on its way; the deal will close' },
            },
          },
          { target: 'stopped' },
        ],
        EMAIL_SENT: [
          { guard: not('isCurrentSend'), actions: staleResult() },
          { guard: 'isAgreementDraft', target: 'agreed' },
          { guard: 'isClosingDraft', target: 'rejected' },
          { guard: 'newerReplyPending', target: 'counterReceived', actions: 'recordSent' },
          { target: 'awaitingReply', actions: 'recordSent' },
        ],
      },
    },
    escalated: {
      exit: { type: 'clearTimer', params: { timer: 'holding_reply' } },
      entry: [
        'armHoldingReply',
        { type: 'countEffect', params: { kind: 'postEscalation' } },
        {
          type: 'declare',
          params: ({ context }) => ({
            effect: {
              kind: 'postEscalation',
              key: currentKey(context, 'postEscalation'),
              reason: context.escalation?.reason ?? 'ambiguous',
              detail: context.escalation?.detail ?? '',
              askCents: context.askCents,
              lastOfferCents: context.lastOfferCents,
              suggestedCents: context.escalation?.suggestedCents ?? null,
              floorCents: context.terms.floorCents,
              ceilingCents: context.terms.ceilingCents,
            },
          }),
        },
      ],
      on: {
        REPLY_RECEIVED: {
          actions: [
            'noteReply',
            ...postNotice(
              'reply_while_escalated',
              ({ context }) =>
                `a new reply (${context.unansweredMessageId ?? ''}) arrived while waiting for a decision`,
            ),
          ],
        },
        COUNTER_APPROVED: {
          target: 'drafting',
          actions: {
            type: 'applyPlan',
            params: ({ context, event }) => ({
              plan: planForApprovedAmount(
                context,
                event.type === 'COUNTER_APPROVED' ? event.amountCents : 0,
              ),
            }),
          },
        },
        DECLINE_REQUESTED: {
          target: 'drafting',
          actions: {
            type: 'applyPlan',
            params: {
              plan: { kind: 'draft', purpose: 'decline', offerCents: null, agreed: false },
            },
          },
        },
        AGENT_CONTINUE_REQUESTED: [
          { guard: 'replyNotYetRead', target: 'counterReceived' },
          {
            target: 'drafting',
            actions: {
              type: 'applyPlan',
              params: ({ context }) => ({ plan: planForContinue(context) }),
            },
          },
        ],
        HUMAN_REPLY_SUBMITTED: { target: 'sending', actions: 'takeHumanReply' },
        HOLDING_REPLY_DUE: [
          {
            guard: 'hasUnanswered',
            actions: [
              { type: 'countEffect', params: { kind: 'sendHoldingReply' } },
              {
                type: 'declare',
                params: ({ context }) => ({
                  effect: {
                    kind: 'sendHoldingReply',
                    key: currentKey(context, 'sendHoldingReply'),
                    answering: context.unansweredMessageId ?? '',
                  },
                }),
              },
            ],
          },
          { actions: { type: 'ignore', params: { reason: 'no email waits for an answer' } } },
        ],
        // The holding reply went out; the decision is still the team's.
        EMAIL_SENT: { guard: 'isHoldingSend' },
        EFFECT_FAILED: {
          actions: {
            type: 'ignore',
            params: { reason: 'an effect failed while a person already decides' },
          },
        },
      },
    },
    humanControl: {
      on: {
        HUMAN_EMAIL_SEEN: [
          { guard: 'hasUnanswered', actions: 'personAnswered' },
          {
            actions: {
              type: 'ignore',
              params: { reason: 'a person is already handling the thread' },
            },
          },
        ],
        HUMAN_TOOK_OVER: {
          actions: { type: 'ignore', params: { reason: 'already under human control' } },
        },
        HUMAN_REPLY_SUBMITTED: { target: 'sending', actions: 'takeHumanReply' },
        RESUMED: resumeTargets(postNotice('resumed', ({ event }) => `resumed by ${byOf(event)}`)),
      },
    },
    paused: {
      on: {
        PAUSED: { actions: { type: 'ignore', params: { reason: 'already paused' } } },
        RESUMED: resumeTargets([]),
      },
    },
    stale: {
      entry: [...postNotice('stale', () => 'no reply after the follow-up')],
      on: { REPLY_RECEIVED: { target: 'counterReceived', actions: 'noteReply' } },
    },
    agreed: {
      type: 'final',
      entry: {
        type: 'declare',
        params: ({ context }) => ({
          effect: {
            kind: 'postAgreement',
            key: `${context.negotiationId}:postAgreement:1`,
            agreedCents: context.agreedCents ?? context.draft?.offerCents ?? 0,
            rounds: context.round,
          },
        }),
      },
    },
    rejected: { type: 'final' },
    stopped: { type: 'final' },
  },
});

function classificationPlan({ context, event }: Args): Plan {
  if (event.type === 'REPLY_CLASSIFIED') return planForClassification(context, event);
  return {
    kind: 'escalate',
    reason: 'ambiguous',
    detail: `no reading in ${event.type}`,
    suggestedCents: null,
  };
}

function staleResult() {
  return {
    type: 'ignore' as const,
    params: ({ context, event }: Args) => ({
      reason: `${event.type} for ${keyOf(event)} is stale: the current draft is ${context.draft?.key || 'none'}`,
    }),
  };
}

/** Where a paused or taken-over negotiation goes when handed back to the agent. */
function resumeTargets(actions: ReturnType<typeof postNotice>) {
  return [
    { guard: 'hasUnanswered' as const, target: 'counterReceived', actions },
    { guard: 'hasNoOffer' as const, target: 'initialOffer', actions },
    { target: 'awaitingReply', actions },
  ];
}

/** Effects that need the model: when one is given up on, the model is what was missing. */
const MODEL_EFFECTS: ReadonlySet<string> = new Set([
  'classifyReply',
  'composeEmail',
  'sendHoldingReply',
]);

const byOf = (event: NegotiationEvent): string => ('by' in event ? event.by : 'someone');

/** Reads an event's plan into the drafting state, or to people when it says escalate. */
function actOnPlan(planOf: (args: Args) => Plan, ...extra: Array<'recordClassification'>) {
  const apply = { type: 'applyPlan' as const, params: (args: Args) => ({ plan: planOf(args) }) };
  return [
    {
      guard: { type: 'planEscalates' as const, params: (args: Args) => ({ plan: planOf(args) }) },
      target: '#negotiation.escalated',
      actions: [apply, ...extra],
    },
    { target: '#negotiation.drafting', actions: [apply, ...extra] },
  ];
}

/** Posts a notice to the team under a fresh key. */
function postNotice(notice: (typeof NOTICES)[number], detail: (args: Args) => string) {
  return [
    { type: 'countEffect' as const, params: { kind: 'postNotice' as const } },
    {
      type: 'declare' as const,
      params: (args: Args) => ({
        effect: {
          kind: 'postNotice' as const,
          key: currentKey(args.context, 'postNotice'),
          notice,
          detail: detail(args),
        },
      }),
    },
  ];
}
