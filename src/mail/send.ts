/**
 * The `sendEmail` effect (EMAIL-02, EMAIL-03): the agent's reply, in the negotiation's thread,
 * exactly once. The Message-ID comes from the outbox key, so whenever the outcome of an earlier
 * attempt is unknown (a retry, or a crash mid-send) the mailbox is searched for it first and the
 * message found there is adopted instead of sending a second one. Every email out is stored.
 */
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import type { MailPort } from '../adapters/gmail/mail-port.js';
import {
  buildOutgoing,
  type Mailbox,
  messageIdForKey,
  replySubject,
} from '../adapters/gmail/outgoing.js';
import type { EmailRecord, MailStore } from '../db/mail-store.js';
import { PermanentError } from '../domain/errors.js';
import type { EffectContext, EffectHandler, EffectOutcome } from '../runtime/outbox-worker.js';

type SendEffect = Extract<OutboxEffect, { kind: 'sendEmail' }>;

export interface SendTarget {
  threadId: string | null;
  influencerEmail: string;
  influencerName: string | null;
}

export function createSendEmailHandler(deps: {
  mail: MailPort;
  store: MailStore;
  from: Mailbox;
  /** The negotiation's thread and influencer. */
  target: (negotiationId: string) => SendTarget | null;
  now: () => number;
}): EffectHandler<SendEffect> {
  // Read per email: the address is known only once the mailbox profile was read.
  const mailbox = () => deps.from.address.toLowerCase();
  const isOurs = (address: string) => address.toLowerCase() === mailbox();

  /** What we answer: the named message, else the newest one from the influencer side. */
  function answered(thread: EmailRecord[], answering: string | null): EmailRecord | null {
    const inbound = thread.filter((e) => e.direction === 'in');
    return (
      (answering ? inbound.find((e) => e.gmailMessageId === answering) : undefined) ??
      inbound.at(-1) ??
      null
    );
  }

  function compose(effect: SendEffect, negotiationId: string) {
    const target = deps.target(negotiationId);
    if (!target) throw new PermanentError(`negotiation ${negotiationId} not found`);
    const thread = target.threadId ? deps.store.thread(target.threadId) : [];
    const parent = answered(thread, effect.answering);
    const split = (list: string | null | undefined) =>
      (list ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a && !isOurs(a));
    // Reply to whoever wrote (a talent manager included) and keep the rest of their side in Cc.
    const to = parent?.from && !isOurs(parent.from) ? [parent.from] : [target.influencerEmail];
    const cc = [...split(parent?.to), ...split(parent?.cc)].filter(
      (a) => !to.some((t) => t.toLowerCase() === a.toLowerCase()),
    );
    const references = [
      ...(parent?.referencesChain?.split(/\s+/).filter(Boolean) ?? []),
      ...(parent?.rfc822MessageId ? [parent.rfc822MessageId] : []),
    ];
    const messageId = messageIdForKey(effect.key, mailbox());
    const subject = parent ? replySubject(parent.subject) : effect.subject;
    const raw = buildOutgoing({
      from: deps.from,
      to: to.map((address) => ({
        name: address === target.influencerEmail ? target.influencerName : null,
        address,
      })),
      cc: [...new Set(cc.map((a) => a.toLowerCase()))].map((address) => ({ name: null, address })),
      subject,
      inReplyTo: parent?.rfc822MessageId ?? null,
      references,
      messageId,
      text: effect.body,
      date: new Date(deps.now()),
    });
    return { raw, messageId, subject, to, cc, references, threadId: target.threadId };
  }

  function sent(
    effect: SendEffect,
    ctx: EffectContext,
    mail: ReturnType<typeof compose>,
    gmail: { id: string; threadId: string },
  ): EffectOutcome {
    deps.store.recordEmail({
      gmailMessageId: gmail.id,
      threadId: gmail.threadId,
      negotiationId: ctx.negotiationId,
      direction: 'out',
      from: mailbox(),
      to: mail.to.join(', '),
      cc: mail.cc.length > 0 ? mail.cc.join(', ') : null,
      subject: mail.subject,
      bodyText: effect.body,
      latestReply: null,
      rfc822MessageId: mail.messageId,
      referencesChain: mail.references.length > 0 ? mail.references.join(' ') : null,
      state: effect.purpose,
      offerCents: effect.offerCents,
      askCents: null,
      at: deps.now(),
    });
    return {
      event: {
        type: 'EMAIL_SENT',
        effectKey: effect.key,
        gmailMessageId: gmail.id,
        threadId: gmail.threadId,
      },
      result: { gmailMessageId: gmail.id, messageId: mail.messageId },
    };
  }

  return {
    async run(effect, ctx) {
      const mail = compose(effect, ctx.negotiationId);
      // A later attempt may follow a send whose answer was lost: look before sending again.
      if (ctx.attempt > 1) {
        const existing = await deps.mail.findByMessageId(mail.messageId);
        if (existing) return sent(effect, ctx, mail, existing);
      }
      return sent(effect, ctx, mail, await deps.mail.send(mail.raw, mail.threadId));
    },
    async reconcile(effect, ctx) {
      const mail = compose(effect, ctx.negotiationId);
      const existing = await deps.mail.findByMessageId(mail.messageId);
      return existing ? sent(effect, ctx, mail, existing) : null;
    },
  };
}
