/**
 * Receiving mail (EMAIL-01) and sending it (EMAIL-02/03) on the durable runtime, with the real
 * googleapis client against the sandbox Gmail emulator and a real SQLite file.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGmailPort, type MailPort } from '../../src/adapters/gmail/mail-port.js';
import { createMailStore, type MailStore } from '../../src/db/mail-store.js';
import { RetryableError } from '../../src/domain/errors.js';
import { createMailRouter, type NegotiationStarter } from '../../src/mail/router.js';
import { createSendEmailHandler } from '../../src/mail/send.js';
import { createMailSync, type MailSync } from '../../src/mail/sync.js';
import { createWatchKeeper } from '../../src/mail/watch.js';
import { silentLogger } from '../../src/observability/logger.js';
import { type GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google/emulator.js';
import { createManualClock } from '../support/manual-clock.js';
import { negotiationInput } from '../support/negotiation.js';
import { startRuntime, tempDatabasePath } from '../support/runtime.js';

const TEAM = 'team@brand.test';
let google: GoogleEmulator;
let path: string;
let clock: ReturnType<typeof createManualClock>;
let runtime: ReturnType<typeof startRuntime>;
let mail: MailPort;
let store: MailStore;
let sync: MailSync;
const known = new Map<string, string>([['ada@creators.test', 'Ada Lovelace']]);

/** Known influencers start a negotiation for their thread; anyone else is unknown. */
const starter: NegotiationStarter = async ({ threadId, sender }) => {
  const name = known.get(sender.address);
  if (!name) return { unknown: `${sender.address} is not in the influencer sheet` };
  const id = `neg_${threadId}`;
  runtime.create({
    id,
    threadId,
    influencer: { email: sender.address, name, handle: '@ada', platform: 'instagram' },
    input: negotiationInput({ negotiationId: id }),
  });
  return { started: id };
};

function wire() {
  runtime = startRuntime({ path, clock });
  store = createMailStore(runtime.database.sqlite, TEAM);
  const router = createMailRouter({
    store,
    mailboxAddress: TEAM,
    teamDomains: ['brand.test'],
    dispatch: runtime.dispatch,
    startNegotiation: starter,
    now: clock.now,
  });
  sync = createMailSync({ mail, store, router, clock, logger: silentLogger });
}

beforeEach(async () => {
  // Strictly increasing internal dates, as in any real thread (a person answers after a reply).
  let last = 0;
  google = await startGoogleEmulator({
    mailbox: TEAM,
    now: () => {
      last = Math.max(Date.now(), last + 1);
      return last;
    },
  });
  mail = createGmailPort({
    credentials: {
      clientId: google.identity.clientId,
      clientSecret: google.identity.clientSecret,
      refreshToken: google.identity.refreshToken,
    },
    rootUrl: google.rootUrl,
    tokenUrl: google.tokenUrl,
  });
  path = tempDatabasePath();
  clock = createManualClock(Date.now());
  wire();
});
afterEach(async () => {
  await sync.stop();
  await runtime.close();
  await google.close();
});

const transitions = (type: string) =>
  (
    runtime.database.sqlite
      .prepare('select count(*) as n from transitions where event_type = ?')
      .get(type) as { n: number }
  ).n;

const outreach = () =>
  google.mailbox.send(
    [
      `From: Team <${TEAM}>`,
      'To: Ada Lovelace <ada@creators.test>',
      'Subject: Spring launch collab',
      'Message-ID: <outreach-1@brand.test>',
      '',
      'Would you like to work with us?',
    ].join('\r\n'),
  );

function adaReplies(text: string, parentMessageId = '<outreach-1@brand.test>') {
  return google.mailbox.deliver({
    from: '"Lovelace, Ada" <ADA@Creators.test>',
    subject: 'Re: Spring launch collab',
    text,
    inReplyTo: parentMessageId,
    references: parentMessageId,
  });
}

describe('gmail sync', () => {
  it('starts from the profile, then routes each new reply once however often it syncs', async () => {
    await sync.sync(); // first run: cursor from a resync of recent mail
    outreach();
    const reply = adaReplies('Hi! My rate is $1,800.');
    await sync.sync();
    await sync.sync();
    expect(transitions('REPLY_RECEIVED')).toBe(1);
    expect(store.email(reply.id)).toMatchObject({
      direction: 'in',
      from: 'ada@creators.test',
      negotiationId: `neg_${reply.threadId}`,
      latestReply: 'Hi! My rate is $1,800.',
    });
    // The outreach (SENT by a person, outside any negotiation) is not a reply.
    expect(store.queueCounts()).toMatchObject({ done: 1, skipped: 1 });
  });

  it('catches up by polling when no push comes', async () => {
    await sync.start();
    outreach();
    adaReplies('Deal at $1,200!');
    expect(transitions('REPLY_RECEIVED')).toBe(0);
    clock.advance(5 * 60_000);
    await sync.sync(); // wait for the poll's run to finish
    expect(transitions('REPLY_RECEIVED')).toBe(1);
  });

  it('reads mail that arrived while the agent was down, from the stored cursor', async () => {
    await sync.sync();
    await sync.stop();
    await runtime.close();
    outreach();
    adaReplies('Back from holiday: $1,500 works.');
    wire(); // a new process on the same database
    await sync.start();
    expect(transitions('REPLY_RECEIVED')).toBe(1);
  });

  it('resyncs after a 404 cursor without routing anything twice', async () => {
    await sync.sync();
    outreach();
    adaReplies('First reply: $2,000.');
    await sync.sync();
    google.mailbox.expireHistory();
    const second = adaReplies('Second reply: $1,900.');
    await sync.sync();
    expect(transitions('REPLY_RECEIVED')).toBe(2);
    expect(store.state()?.lastResyncAt).not.toBeNull();
    expect(store.email(second.id)?.latestReply).toBe('Second reply: $1,900.');
  });

  it('ignores unknown senders (recorded) and turns a colleague in the thread into a takeover', async () => {
    await sync.sync();
    const stranger = google.mailbox.deliver({
      from: 'promo@spam.test',
      subject: 'Buy followers',
      text: 'Cheap!',
    });
    outreach();
    const reply = adaReplies('My rate is $1,800.');
    const colleague = google.mailbox.deliver({
      from: 'Bea <bea@brand.test>',
      to: 'ada@creators.test',
      cc: TEAM,
      subject: 'Re: Spring launch collab',
      text: 'Ada, I will take it from here.',
      inReplyTo: headerOf(reply.id, 'Message-ID'),
      references: headerOf(reply.id, 'Message-ID'),
    });
    await sync.sync();
    expect(store.email(stranger.id)).toMatchObject({ negotiationId: null });
    expect(transitions('HUMAN_EMAIL_SEEN')).toBe(1);
    expect(colleague.threadId).toBe(reply.threadId);
  });
});

function headerOf(id: string, name: string): string {
  const message = google.mailbox.get(id);
  return (
    message?.payload.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? ''
  );
}

describe('sending', () => {
  async function negotiationWithReply() {
    await sync.sync();
    outreach();
    const reply = adaReplies('Hi! My rate is $1,800.');
    await sync.sync();
    return { reply, negotiationId: `neg_${reply.threadId}` };
  }
  const handler = () =>
    createSendEmailHandler({
      mail,
      store,
      from: { name: 'Brand Partnerships', address: TEAM },
      target: (id) => {
        const row = runtime.database.sqlite
          .prepare(
            'select thread_id as threadId, influencer_email as influencerEmail, influencer_name as influencerName from negotiations where id = ?',
          )
          .get(id) as
          | { threadId: string; influencerEmail: string; influencerName: string }
          | undefined;
        return row ?? null;
      },
      now: clock.now,
    });
  const effect = (negotiationId: string) => ({
    kind: 'sendEmail' as const,
    key: `${negotiationId}:sendEmail:1`,
    purpose: 'counter' as const,
    draftKey: null,
    subject: 'ignored for replies',
    body: 'Hi Ada,\n\nWe can offer $1,250 for the reel.\n\nBest,\nBrand',
    offerCents: 125_000,
    answering: null,
  });

  it('replies in the thread by Gmail threading rules, and never reads its own mail', async () => {
    const { reply, negotiationId } = await negotiationWithReply();
    const outcome = await handler().run(effect(negotiationId), {
      key: `${negotiationId}:sendEmail:1`,
      negotiationId,
      attempt: 1,
      requestId: null,
    });
    const sent = google.mailbox.get((outcome.result as { gmailMessageId: string }).gmailMessageId);
    expect(sent?.threadId).toBe(reply.threadId);
    expect(headerOf(sent?.id ?? '', 'Subject')).toBe('Re: Spring launch collab');
    expect(headerOf(sent?.id ?? '', 'In-Reply-To')).toBe(headerOf(reply.id, 'Message-ID'));
    expect(headerOf(sent?.id ?? '', 'References')).toContain('<outreach-1@brand.test>');
    expect(headerOf(sent?.id ?? '', 'To')).toBe('Ada Lovelace <ada@creators.test>');
    expect(outcome.event).toMatchObject({ type: 'EMAIL_SENT', threadId: reply.threadId });
    await sync.sync();
    expect(transitions('REPLY_RECEIVED')).toBe(1);
    expect(transitions('HUMAN_EMAIL_SEEN')).toBe(0);
  });

  it('adopts the message an earlier attempt sent instead of sending a second one', async () => {
    const { negotiationId } = await negotiationWithReply();
    const ctx = { key: `${negotiationId}:sendEmail:1`, negotiationId, requestId: null };
    // The first attempt reached Gmail but its answer was lost (a crash, a timeout).
    const first = await handler().run(effect(negotiationId), { ...ctx, attempt: 1 });
    const count = () => google.mailbox.all().filter((m) => m.labelIds.includes('SENT')).length;
    const before = count();
    const retried = await handler().run(effect(negotiationId), { ...ctx, attempt: 2 });
    const reconciled = await handler().reconcile?.(effect(negotiationId), { ...ctx, attempt: 3 });
    expect(count()).toBe(before);
    expect(retried.result).toEqual(first.result);
    expect(reconciled?.result).toEqual(first.result);
  });

  it('sends once when Gmail took the message but the answer was lost', async () => {
    const { negotiationId } = await negotiationWithReply();
    mail = createGmailPort({
      credentials: {
        clientId: google.identity.clientId,
        clientSecret: google.identity.clientSecret,
        refreshToken: google.identity.refreshToken,
      },
      rootUrl: google.rootUrl,
      tokenUrl: google.tokenUrl,
      timeoutMs: 300,
    });
    google.faults.set('messages.send', { sequence: ['lost'] });
    const ctx = { key: `${negotiationId}:sendEmail:1`, negotiationId, requestId: null };
    const count = () => google.mailbox.all().filter((m) => m.labelIds.includes('SENT')).length;
    const before = count();
    await expect(handler().run(effect(negotiationId), { ...ctx, attempt: 1 })).rejects.toThrow(
      RetryableError,
    );
    expect(count()).toBe(before + 1);
    const retried = await handler().run(effect(negotiationId), { ...ctx, attempt: 2 });
    expect(count()).toBe(before + 1);
    expect(retried.event).toMatchObject({ type: 'EMAIL_SENT' });
  });

  it('reconciles to nothing when the send never happened', async () => {
    const { negotiationId } = await negotiationWithReply();
    const ctx = { key: `${negotiationId}:sendEmail:1`, negotiationId, requestId: null, attempt: 2 };
    expect(await handler().reconcile?.(effect(negotiationId), ctx)).toBeNull();
  });
});

describe('watch', () => {
  const keeper = (problems: string[] = []) =>
    createWatchKeeper({
      mail,
      store,
      clock,
      logger: silentLogger,
      topicName: 'projects/sandbox/topics/gmail-push',
      baseDelayMs: 1000,
      onProblem: (p) => problems.push(p),
    });
  const watchCalls = () => google.watch.expiration;

  it('starts a watch, renews a day before the stored expiry, and never twice after a restart', async () => {
    const first = keeper();
    await first.start();
    const expiration = first.expiration();
    expect(expiration).toBe(watchCalls());
    expect(expiration).toBeGreaterThan(clock.now() + 6 * 86_400_000);
    first.stop();
    // A restart with a stored, distant expiry does not call watch again.
    google.watch.expiration = null;
    const second = keeper();
    await second.start();
    expect(watchCalls()).toBeNull();
    // A day before the stored expiry it renews.
    clock.set((expiration ?? 0) - 24 * 3_600_000);
    await vi.waitFor(() => expect(watchCalls()).not.toBeNull());
    expect(second.expiration()).toBeGreaterThan(expiration ?? 0);
    second.stop();
  });

  it('retries a failed renewal with backoff and raises one alert', async () => {
    const problems: string[] = [];
    google.faults.set('watch', { sequence: [500, 500] });
    const watcher = keeper(problems);
    await watcher.start();
    expect(watcher.expiration()).toBeNull();
    expect(problems).toHaveLength(1);
    clock.advance(1000); // the first retry fails too: its next try is armed 2 s out
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    clock.advance(2000);
    await vi.waitFor(() => expect(watcher.expiration()).not.toBeNull());
    expect(problems).toHaveLength(1);
    watcher.stop();
  });
});
