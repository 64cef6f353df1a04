/**
 * Modal submissions: the inputs are read and checked (an amount must be positive dollars with at
 * most two decimals; written text must pass the validation gate) and answered with
 * `response_action: 'errors'` while they fail, nothing dispatched. A valid submission closes the
 * modal and decides under the dedupe key of the message the modal was opened from.
 */
import type { App, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { DRAFT_PURPOSES } from '../../../machines/negotiation/index.js';
import { formatCents, parseMoney } from '../../domain/money.js';
import { MODALS } from '../actions.js';
import { escapeMrkdwn } from '../blocks/kit.js';
import { isAuthorized, refusalText } from './authorization.js';
import { alreadyDecidedText, type Decision, decide, decisionKey, personOf } from './decision.js';
import type { EditedText, InteractionDeps } from './deps.js';
import { guarded } from './errors.js';
import { BLOCKS, decodeModalOrigin, INPUT_ACTION, type ModalOrigin } from './modal-views.js';

/** A submission's input values as Slack sends them: `values[block][action].value`. */
const valuesSchema = z.record(
  z.string(),
  z.record(z.string(), z.looseObject({ value: z.string().max(100_000).nullish() })),
);
type Values = z.infer<typeof valuesSchema>;

const submissionSchema = z.looseObject({
  user: z.looseObject({ id: z.string().min(1).max(100) }),
  view: z.looseObject({
    private_metadata: z.string().max(3000),
    state: z.looseObject({ values: valuesSchema }),
  }),
});

type Reading =
  | { errors: Record<string, string> }
  | { decision: Omit<Decision, 'negotiationId' | 'action'> };
type Reader = (args: {
  values: Values;
  origin: ModalOrigin;
  by: string;
  deps: InteractionDeps;
}) => Promise<Reading>;

const text = (values: Values, block: string): string => values[block]?.[INPUT_ACTION]?.value ?? '';

/** A positive amount in dollars with at most two decimals, in cents; or why not. */
export function readAmount(input: string): { cents: number } | { error: string } {
  const parsed = parseMoney(input);
  if (!parsed.ok) return { error: `Enter an amount in dollars, e.g. 1350.50 (${parsed.reason}).` };
  if (parsed.cents <= 0) return { error: 'The amount must be more than zero.' };
  return { cents: parsed.cents };
}

/** Subject and body through the gate; errors name each failed rule on the body. */
async function gate(
  deps: InteractionDeps,
  negotiationId: string,
  edited: EditedText,
): Promise<Record<string, string> | null> {
  if (edited.subject.trim() === '') return { [BLOCKS.subject]: 'Write a subject.' };
  if (edited.body.trim() === '') return { [BLOCKS.body]: 'Write the email.' };
  const verdict = await deps.checkEdited(negotiationId, edited);
  if (verdict.passed) return null;
  const failures = verdict.failures.map((f) => `${f.rule}: ${f.detail}`).join('; ');
  return { [BLOCKS.body]: `This email cannot go out as written — ${failures}`.slice(0, 2000) };
}

const readCounterAmount: Reader = async ({ values, by }) => {
  const amount = readAmount(text(values, BLOCKS.amount));
  if ('error' in amount) return { errors: { [BLOCKS.amount]: amount.error } };
  return {
    decision: {
      event: { type: 'COUNTER_APPROVED', by, amountCents: amount.cents },
      what: `Counter approved at ${formatCents(amount.cents)}`,
    },
  };
};

const readEscalationEmail: Reader = async ({ values, origin, by, deps }) => {
  const stated = text(values, BLOCKS.amount).trim();
  const amount = stated === '' ? null : readAmount(stated);
  if (amount && 'error' in amount) return { errors: { [BLOCKS.amount]: amount.error } };
  const edited: EditedText = {
    purpose: 'human',
    subject: text(values, BLOCKS.subject).trim(),
    body: text(values, BLOCKS.body),
    offerCents: amount?.cents ?? null,
  };
  const errors = await gate(deps, origin.value.n, edited);
  if (errors) return { errors };
  const offers = edited.offerCents === null ? '' : ` (offers ${formatCents(edited.offerCents)})`;
  return {
    decision: {
      event: {
        type: 'HUMAN_REPLY_SUBMITTED',
        by,
        subject: edited.subject,
        body: edited.body,
        offerCents: edited.offerCents,
      },
      what: `Reply written in Slack is being sent${offers}`,
    },
  };
};

const purposeSchema = z.enum(DRAFT_PURPOSES);

const readReviewEdit: Reader = async ({ values, origin, by, deps }) => {
  const draft = deps.lookup.draft(origin.value.n);
  const purpose = purposeSchema.safeParse(draft?.purpose);
  if (!draft || draft.key !== origin.value.d || !purpose.success)
    return {
      errors: {
        [BLOCKS.subject]:
          'This draft is no longer the one waiting for review; nothing was changed. Close this and look at the newest message.',
      },
    };
  const edited: EditedText = {
    purpose: purpose.data,
    subject: text(values, BLOCKS.subject).trim(),
    body: text(values, BLOCKS.body),
    offerCents: draft.offerCents,
  };
  const errors = await gate(deps, origin.value.n, edited);
  if (errors) return { errors };
  return {
    decision: {
      event: {
        type: 'DRAFT_EDITED',
        draftKey: draft.key,
        by,
        subject: edited.subject,
        body: edited.body,
      },
      what: 'Draft edited and approved',
    },
  };
};

const readReviewReject: Reader = async ({ values, origin, by }) => {
  const reason = text(values, BLOCKS.reason).trim().slice(0, 2000) || null;
  return {
    decision: {
      event: { type: 'DRAFT_REJECTED', draftKey: origin.value.d ?? '', by, reason },
      what: reason ? `Draft rejected: ${escapeMrkdwn(reason).slice(0, 500)}` : 'Draft rejected',
    },
  };
};

interface Modal {
  read: Reader;
  /** The input a refusal is shown on: the modal's first. */
  firstInput: string;
  /** Review modals are about one draft: metadata without its key is not ours. */
  needsDraftKey?: boolean;
}

/** Every modal the agent opens has its reader: the type refuses one nobody listens to. */
const MODAL_READERS: Record<(typeof MODALS)[keyof typeof MODALS], Modal> = {
  [MODALS.counterAmount]: { read: readCounterAmount, firstInput: BLOCKS.amount },
  [MODALS.escalationEmail]: { read: readEscalationEmail, firstInput: BLOCKS.subject },
  [MODALS.reviewEdit]: { read: readReviewEdit, firstInput: BLOCKS.subject, needsDraftKey: true },
  [MODALS.reviewReject]: { read: readReviewReject, firstInput: BLOCKS.reason, needsDraftKey: true },
};

function onSubmission(app: App, deps: InteractionDeps, callbackId: string, modal: Modal): void {
  const first = modal.firstInput;
  app.view<ViewSubmitAction>(
    { type: 'view_submission', callback_id: callbackId },
    guarded(deps, callbackId, async ({ ack, body, client }, report) => {
      const submission = submissionSchema.safeParse(body);
      const origin = submission.success
        ? decodeModalOrigin(submission.data.view.private_metadata)
        : null;
      if (!submission.success || !origin || (modal.needsDraftKey && !origin.value.d)) {
        await ack();
        const user = typeof body?.user?.id === 'string' ? body.user.id : undefined;
        deps.logger.warn({ callbackId, user }, 'a modal submission that is not ours: ignored');
        return;
      }
      const user = submission.data.user.id;
      report.user = user;
      report.negotiationId = origin.value.n;
      if (!isAuthorized(deps, user, origin.channel))
        return ack({ response_action: 'errors', errors: { [first]: refusalText(deps) } });
      const key = decisionKey(origin.channel, origin.ts);
      const earlier = deps.lookup.decision(origin.value.n, key);
      if (earlier)
        return ack({
          response_action: 'errors',
          errors: { [first]: alreadyDecidedText(earlier.by) },
        });
      const values = submission.data.view.state.values;
      const reading = await modal.read({ values, origin, by: personOf(user), deps });
      if ('errors' in reading) return ack({ response_action: 'errors', errors: reading.errors });
      await ack();
      const site = { client: client as WebClient, user, channel: origin.channel, ts: origin.ts };
      await decide(
        deps,
        { ...site, message: null },
        { ...reading.decision, negotiationId: origin.value.n, action: callbackId },
      );
    }),
  );
}

export function registerModalSubmissions(app: App, deps: InteractionDeps): void {
  for (const [callbackId, modal] of Object.entries(MODAL_READERS))
    onSubmission(app, deps, callbackId, modal);
}
