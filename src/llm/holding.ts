/**
 * The `sendHoldingReply` effect: while people decide an escalated negotiation, a short note tells
 * the influencer they have not been forgotten. One effect composes (purpose `holding`: no amount,
 * no commitment, checked by the gate like every email) and sends it in the thread. Exactly once
 * rests on the send: its Message-ID derives from this effect's key, so a retry after an
 * interrupted attempt finds the email already sent instead of sending a second one. A note that
 * cannot be written within the gate is not sent: the negotiation is with people already.
 */
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import { PermanentError } from '../domain/errors.js';
import type { EffectContext, EffectHandler } from '../runtime/outbox-worker.js';

/** Stored for a holding reply found already sent: its text went with the attempt that sent it. */
const UNKNOWN_TEXT = '(holding reply sent by an earlier attempt; its text was not kept)';

type HoldingEffect = Extract<OutboxEffect, { kind: 'sendHoldingReply' }>;
type ComposeEffect = Extract<OutboxEffect, { kind: 'composeEmail' }>;
type SendEffect = Extract<OutboxEffect, { kind: 'sendEmail' }>;

export function createHoldingReplyHandler(deps: {
  compose: EffectHandler<ComposeEffect>;
  send: EffectHandler<SendEffect>;
}): EffectHandler<HoldingEffect> {
  /** An earlier attempt may have sent it: found by the key's Message-ID, it is adopted. */
  const lookUp = (effect: HoldingEffect, ctx: EffectContext) =>
    deps.send.reconcile?.(sendEffect(effect, '', UNKNOWN_TEXT), ctx) ?? Promise.resolve(null);

  return {
    async run(effect, ctx) {
      if (ctx.attempt > 1) {
        const found = await lookUp(effect, ctx);
        if (found) return found;
      }
      const drafted = await deps.compose.run(
        {
          kind: 'composeEmail',
          key: effect.key,
          purpose: 'holding',
          offerCents: null,
          askCents: null,
          round: 0,
          answering: effect.answering,
        },
        ctx,
      );
      const draft = drafted.event;
      if (draft?.type !== 'DRAFT_READY') {
        const why = draft?.type === 'DRAFT_FAILED' ? draft.failures.join('; ') : 'no draft';
        throw new PermanentError(`the holding reply failed the checks: ${why}`);
      }
      const sent = await deps.send.run(sendEffect(effect, draft.subject, draft.body), ctx);
      return { ...sent, result: { ...(sent.result as object), draft: drafted.result } };
    },
    reconcile: lookUp,
  };
}

function sendEffect(effect: HoldingEffect, subject: string, body: string): SendEffect {
  return {
    kind: 'sendEmail',
    key: effect.key,
    purpose: 'holding',
    draftKey: effect.key,
    subject,
    body,
    offerCents: null,
    answering: effect.answering,
  };
}
