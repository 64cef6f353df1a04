/**
 * Where a new Gmail message goes (EMAIL-01, HUMAN-04): a reply in a negotiation's thread becomes
 * REPLY_RECEIVED; anything a person of the team wrote there (any message the agent did not send)
 * becomes HUMAN_EMAIL_SEEN; a known influencer writing on an unknown thread starts a negotiation;
 * an unknown sender is recorded and ignored; the agent's own mail is never read as a reply.
 * Addresses are compared parsed, never as raw header strings.
 */
import type { NegotiationEvent } from '../../machines/negotiation/index.js';
import type { MailboxMessage } from '../adapters/gmail/mail-port.js';
import { isAgentMessageId } from '../adapters/gmail/outgoing.js';
import type { MailStore } from '../db/mail-store.js';
import type { EmailAddress, ParsedEmail } from '../domain/email/index.js';
import type { DispatchOptions, DispatchResult } from '../runtime/index.js';

export type Routed = { status: 'done' | 'skipped'; outcome: string };

/** Finds who a sender on an unknown thread is and starts a negotiation, or says why not. */
export type NegotiationStarter = (request: {
  threadId: string;
  sender: EmailAddress;
  email: ParsedEmail;
  /** The push request that had the email read, stored on the negotiation's first transition. */
  requestId?: string | null;
}) => Promise<{ started: string } | { unknown: string }>;

export interface RouterDeps {
  store: MailStore;
  /** The team mailbox, lower-cased. */
  mailboxAddress: string;
  /** Domains whose senders are the team (a colleague replying in a thread is a takeover). */
  teamDomains: string[];
  dispatch: (id: string, event: NegotiationEvent, options: DispatchOptions) => DispatchResult;
  startNegotiation: NegotiationStarter;
  now: () => number;
}

const domainOf = (address: string) => address.split('@')[1]?.toLowerCase() ?? '';

export function createMailRouter(deps: RouterDeps) {
  const isTeam = (message: MailboxMessage, sender: EmailAddress | null) =>
    message.labelIds.includes('SENT') ||
    (sender !== null &&
      (sender.address === deps.mailboxAddress ||
        deps.teamDomains.includes(domainOf(sender.address))));

  function record(
    message: MailboxMessage,
    email: ParsedEmail,
    negotiationId: string | null,
    direction: 'in' | 'out',
  ) {
    const list = (addresses: EmailAddress[]) => addresses.map((a) => a.address).join(', ');
    deps.store.recordEmail({
      gmailMessageId: message.id,
      threadId: message.threadId,
      negotiationId,
      direction,
      from: email.from?.address ?? '',
      to: list(email.to),
      cc: email.cc.length > 0 ? list(email.cc) : null,
      subject: email.subject,
      bodyText: email.text,
      latestReply: email.latestReply,
      rfc822MessageId: email.messageId,
      referencesChain: email.references.length > 0 ? email.references.join(' ') : null,
      state: null,
      offerCents: null,
      askCents: null,
      at: message.internalDate || deps.now(),
    });
  }

  function deliver(
    negotiationId: string,
    type: 'REPLY_RECEIVED' | 'HUMAN_EMAIL_SEEN',
    id: string,
    requestId: string | null,
  ) {
    const result = deps.dispatch(
      negotiationId,
      { type, messageId: id },
      { dedupeKey: `gmail:${id}`, ...(requestId ? { requestId } : {}) },
    );
    const kind = type === 'REPLY_RECEIVED' ? 'reply' : 'takeover';
    if (result.status === 'applied' || result.status === 'duplicate')
      return { status: 'done' as const, outcome: `${kind}:${negotiationId}` };
    if (result.status === 'finished')
      return { status: 'done' as const, outcome: `${kind} after the end:${negotiationId}` };
    return { status: 'skipped' as const, outcome: `${kind} not applied (${result.status})` };
  }

  return {
    /** `requestId`: the push request that had it read, stored on the transitions it causes. */
    async route(
      message: MailboxMessage,
      email: ParsedEmail,
      requestId: string | null = null,
    ): Promise<Routed> {
      if (message.labelIds.includes('DRAFT')) return { status: 'skipped', outcome: 'draft' };
      const sender = email.from;
      // Our Message-IDs are minted from outbox keys: that, not a table lookup, identifies our mail,
      // so a person writing from the same mailbox is never mistaken for the agent.
      const ownMail =
        message.labelIds.includes('SENT') && isAgentMessageId(email.messageId, deps.mailboxAddress);
      if (ownMail) return { status: 'skipped', outcome: 'sent by the agent' };
      const team = isTeam(message, sender);
      const negotiation = deps.store.negotiationForThread(message.threadId);
      if (negotiation) {
        record(message, email, negotiation.id, team ? 'out' : 'in');
        if (!team) return deliver(negotiation.id, 'REPLY_RECEIVED', message.id, requestId);
        // The team's own outreach predates the reply the negotiation began with: history, not a
        // person taking over (a resync can read it after that reply).
        const began = deps.store.firstInboundAt(negotiation.id);
        if (began !== null && message.internalDate <= began)
          return { status: 'skipped', outcome: `earlier team mail:${negotiation.id}` };
        return deliver(negotiation.id, 'HUMAN_EMAIL_SEEN', message.id, requestId);
      }
      if (team) return { status: 'skipped', outcome: 'team mail outside any negotiation' };
      if (!sender) return { status: 'skipped', outcome: 'no readable sender' };
      const start = await deps.startNegotiation({
        threadId: message.threadId,
        sender,
        email,
        requestId,
      });
      if ('unknown' in start) {
        record(message, email, null, 'in');
        return { status: 'skipped', outcome: `ignored: ${start.unknown}` };
      }
      record(message, email, start.started, 'in');
      const delivered = deliver(start.started, 'REPLY_RECEIVED', message.id, requestId);
      return { ...delivered, outcome: `started ${delivered.outcome}` };
    },
  };
}

export type MailRouter = ReturnType<typeof createMailRouter>;
