/**
 * What each button does: the escalation's decisions (approve a counter, write the email, take
 * over, decline, let the agent continue), the review of a draft (approve, edit, reject) and the
 * thread's take over / resume. A button that needs more (an amount, an email, a reason) opens its
 * modal; every other one decides at once.
 */
import { formatCents } from '../../domain/money.js';
import { type ActionId, ESCALATION_ACTIONS, REVIEW_ACTIONS, THREAD_ACTIONS } from '../actions.js';
import { tellUser } from './authorization.js';
import { type Click, type ClickHandler, decideOnClick, openModal } from './clicks.js';
import { personOf } from './decision.js';
import {
  counterAmountView,
  escalationEmailView,
  type ModalOrigin,
  reviewEditView,
  reviewRejectView,
} from './modal-views.js';

const originOf = (click: Click): ModalOrigin => ({
  value: click.value,
  channel: click.channel,
  ts: click.ts,
});

/** A button that decides at once with `event`, described by `what` on the message. */
function deciding(
  build: (click: Click) => { event: Parameters<typeof decideOnClick>[2]['event']; what: string },
  options: { needsDraftKey?: boolean } = {},
): ClickHandler {
  return { ...options, run: (click, deps) => decideOnClick(click, deps, build(click)) };
}

const STALE_DRAFT = 'This draft is no longer the one waiting for review; nothing was changed.';

/** Every action id has a handler: the type refuses a button nobody listens to. */
export const CLICK_HANDLERS: Record<ActionId, ClickHandler> = {
  [ESCALATION_ACTIONS.approveCounter]: {
    run: (click, deps) => {
      const cents = click.value.c;
      if (cents === undefined || cents <= 0)
        return openModal(click, deps, counterAmountView(originOf(click)));
      return decideOnClick(click, deps, {
        event: { type: 'COUNTER_APPROVED', by: personOf(click.user), amountCents: cents },
        what: `Counter approved at ${formatCents(cents)}`,
      });
    },
  },
  [ESCALATION_ACTIONS.approveAmount]: {
    run: (click, deps) => openModal(click, deps, counterAmountView(originOf(click))),
  },
  [ESCALATION_ACTIONS.editAndSend]: {
    run: (click, deps) => {
      // The draft the negotiation holds, if any, is where the person starts from.
      const draft = deps.lookup.draft(click.value.n);
      const prefill = draft ? { subject: draft.subject, body: draft.body } : {};
      return openModal(click, deps, escalationEmailView(originOf(click), prefill));
    },
  },
  [ESCALATION_ACTIONS.takeOver]: deciding((click) => ({
    event: { type: 'HUMAN_TOOK_OVER', by: personOf(click.user) },
    what: 'Taken over: the agent stays silent until someone resumes it',
  })),
  [ESCALATION_ACTIONS.decline]: deciding((click) => ({
    event: { type: 'DECLINE_REQUESTED', by: personOf(click.user) },
    what: 'Declined: the agent writes a polite decline',
  })),
  [ESCALATION_ACTIONS.continue]: deciding((click) => ({
    event: { type: 'AGENT_CONTINUE_REQUESTED', by: personOf(click.user) },
    what: 'The agent continues on its own',
  })),
  [REVIEW_ACTIONS.approve]: deciding(
    (click) => ({
      event: { type: 'DRAFT_APPROVED', draftKey: click.value.d ?? '', by: personOf(click.user) },
      what: 'Draft approved: it is being sent',
    }),
    { needsDraftKey: true },
  ),
  [REVIEW_ACTIONS.edit]: {
    needsDraftKey: true,
    run: async (click, deps) => {
      const draft = deps.lookup.draft(click.value.n);
      if (!draft || draft.key !== click.value.d) return tellUser(click.client, click, STALE_DRAFT);
      return openModal(click, deps, reviewEditView(originOf(click), draft));
    },
  },
  [REVIEW_ACTIONS.reject]: {
    needsDraftKey: true,
    run: (click, deps) => openModal(click, deps, reviewRejectView(originOf(click))),
  },
  [THREAD_ACTIONS.takeOver]: deciding((click) => ({
    event: { type: 'HUMAN_TOOK_OVER', by: personOf(click.user) },
    what: 'Taken over: the agent stays silent until someone resumes it',
  })),
  [THREAD_ACTIONS.resume]: deciding((click) => ({
    event: { type: 'RESUMED', by: personOf(click.user) },
    what: 'Handed back to the agent',
  })),
};
