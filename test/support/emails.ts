/** Stored emails for tests: an influencer's reply as the Gmail side records it. */
import type { EmailRecord } from '../../src/db/mail-store.js';

export function inboundEmail(e: {
  gmailMessageId: string;
  negotiationId: string;
  threadId: string;
  from: string;
  text: string;
  at: number;
}): EmailRecord {
  return {
    gmailMessageId: e.gmailMessageId,
    threadId: e.threadId,
    negotiationId: e.negotiationId,
    direction: 'in',
    from: e.from,
    to: 'team@brand.test',
    cc: null,
    subject: 'Re: collab',
    bodyText: e.text,
    latestReply: e.text,
    rfc822MessageId: `<${e.gmailMessageId}@creators.test>`,
    referencesChain: null,
    state: null,
    offerCents: null,
    askCents: null,
    at: e.at,
  };
}
