/**
 * The durable side of the mailbox: the history cursor, pushes, the queue of Gmail messages still
 * to be read and routed, the watch expiry, and every email in and out (DATA-03).
 *
 * The cursor only moves in the same transaction that records the message ids it covered, so a
 * crash can never skip mail; the queue then makes each message's processing retryable.
 */
import type Database from 'better-sqlite3';

export interface SyncState {
  historyId: string | null;
  watchExpiration: number | null;
  pushedHistoryId: string | null;
  lastPushAt: number | null;
  lastPollAt: number | null;
  lastResyncAt: number | null;
}

export interface SeenMessage {
  id: string;
  threadId: string | null;
  historyId: string | null;
}

export interface QueuedMessage {
  messageId: string;
  threadId: string | null;
  attempts: number;
  /** The request (a Gmail push) that led to it being read, when one did. */
  requestId: string | null;
}

export interface EmailRecord {
  gmailMessageId: string | null;
  threadId: string;
  negotiationId: string | null;
  direction: 'in' | 'out';
  from: string;
  to: string;
  cc: string | null;
  subject: string;
  bodyText: string;
  latestReply: string | null;
  rfc822MessageId: string | null;
  referencesChain: string | null;
  state: string | null;
  offerCents: number | null;
  askCents: number | null;
  at: number;
}

export interface ThreadNegotiation {
  id: string;
  status: string;
  influencerEmail: string;
  influencerName: string | null;
}

export type MailStore = ReturnType<typeof createMailStore>;

export function createMailStore(sqlite: Database.Database, mailbox: string) {
  const ensure = sqlite.prepare(
    'insert into gmail_sync (mailbox, updated_at) values (?, ?) on conflict (mailbox) do nothing',
  );
  const selectState = sqlite.prepare(`select history_id as historyId,
    watch_expiration as watchExpiration, pushed_history_id as pushedHistoryId,
    last_push_at as lastPushAt, last_poll_at as lastPollAt, last_resync_at as lastResyncAt
    from gmail_sync where mailbox = ?`);
  const insertPush = sqlite.prepare(
    `insert into inbox (source, external_id, negotiation_id, received_at)
     values ('pubsub', ?, null, ?) on conflict do nothing`,
  );
  // History ids are decimal strings that outgrow nothing SQLite's integers hold; compare as numbers.
  const notePush = sqlite.prepare(`update gmail_sync set last_push_at = @now, updated_at = @now,
    pushed_history_id = case when pushed_history_id is null
      or cast(pushed_history_id as integer) < cast(@historyId as integer)
      then @historyId else pushed_history_id end
    where mailbox = @mailbox`);
  const enqueue = sqlite.prepare(`insert into gmail_messages (message_id, mailbox, thread_id,
    history_id, status, attempts, next_attempt_at, recorded_at, updated_at, request_id)
    values (?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?) on conflict (message_id) do nothing`);
  const moveCursor = sqlite.prepare(`update gmail_sync set history_id = ?, last_poll_at = ?,
    updated_at = ? where mailbox = ?`);
  const moveCursorResync = sqlite.prepare(`update gmail_sync set history_id = ?, last_poll_at = ?,
    last_resync_at = ?, updated_at = ? where mailbox = ?`);
  const due = sqlite.prepare(`select message_id as messageId, thread_id as threadId, attempts,
    request_id as requestId from gmail_messages where mailbox = ? and status = 'pending' and next_attempt_at <= ?
    order by cast(history_id as integer), recorded_at, rowid limit ?`);
  const finish = sqlite.prepare(`update gmail_messages set status = ?, outcome = ?,
    attempts = attempts + 1, last_error = null, updated_at = ? where message_id = ?`);
  const retry = sqlite.prepare(`update gmail_messages set attempts = attempts + 1,
    next_attempt_at = ?, last_error = ?, updated_at = ? where message_id = ?`);
  const fail = sqlite.prepare(`update gmail_messages set status = 'failed', attempts = attempts + 1,
    last_error = ?, updated_at = ? where message_id = ?`);
  const nextDue = sqlite.prepare(`select min(next_attempt_at) as at from gmail_messages
    where mailbox = ? and status = 'pending'`);
  const queueCounts = sqlite.prepare(
    'select status, count(*) as n from gmail_messages where mailbox = ? group by status',
  );
  const setWatch = sqlite.prepare(
    'update gmail_sync set watch_expiration = ?, updated_at = ? where mailbox = ?',
  );
  const insertEmail = sqlite.prepare(`insert into emails (gmail_message_id, thread_id,
    negotiation_id, direction, from_addr, to_addr, cc_addr, subject, body_text, latest_reply,
    rfc822_message_id, references_chain, state, offer_cents, ask_cents, at)
    values (@gmailMessageId, @threadId, @negotiationId, @direction, @from, @to, @cc, @subject,
    @bodyText, @latestReply, @rfc822MessageId, @referencesChain, @state, @offerCents, @askCents,
    @at) on conflict (gmail_message_id) do nothing`);
  const selectThread = sqlite.prepare(`select gmail_message_id as gmailMessageId,
    thread_id as threadId, negotiation_id as negotiationId, direction, from_addr as "from",
    to_addr as "to", cc_addr as cc, subject, body_text as bodyText, latest_reply as latestReply,
    rfc822_message_id as rfc822MessageId, references_chain as referencesChain, state,
    offer_cents as offerCents, ask_cents as askCents, at
    from emails where thread_id = ? order by at, id`);
  const selectEmail = sqlite.prepare(`select gmail_message_id as gmailMessageId,
    thread_id as threadId, negotiation_id as negotiationId, direction, from_addr as "from",
    to_addr as "to", cc_addr as cc, subject, body_text as bodyText, latest_reply as latestReply,
    rfc822_message_id as rfc822MessageId, references_chain as referencesChain, state,
    offer_cents as offerCents, ask_cents as askCents, at
    from emails where gmail_message_id = ?`);
  const updateAsk = sqlite.prepare(
    "update emails set ask_cents = ? where gmail_message_id = ? and direction = 'in'",
  );
  const selectFirstInbound = sqlite.prepare(`select min(at) as at from emails
    where negotiation_id = ? and direction = 'in'`);
  const selectNegotiation = sqlite.prepare(`select id, status, influencer_email as influencerEmail,
    influencer_name as influencerName from negotiations where thread_id = ?`);

  const record = sqlite.transaction(
    (
      messages: SeenMessage[],
      cursor: string,
      now: number,
      resync: boolean,
      requestId: string | null,
    ) => {
      ensure.run(mailbox, now);
      for (const m of messages)
        enqueue.run(m.id, mailbox, m.threadId, m.historyId, now, now, now, requestId);
      if (resync) moveCursorResync.run(cursor, now, now, now, mailbox);
      else moveCursor.run(cursor, now, now, mailbox);
    },
  );
  const push = sqlite.transaction((historyId: string, pubsubMessageId: string, now: number) => {
    ensure.run(mailbox, now);
    const fresh = insertPush.run(pubsubMessageId, now).changes === 1;
    if (fresh) notePush.run({ mailbox, historyId, now });
    return fresh;
  });

  return {
    mailbox,
    state(): SyncState | null {
      return (selectState.get(mailbox) as SyncState | undefined) ?? null;
    },
    /** A push arrived: noted once per Pub/Sub message id. Returns false for a redelivery. */
    recordPush: (historyId: string, pubsubMessageId: string, now: number): boolean =>
      push(historyId, pubsubMessageId, now),
    /** New messages from history and the cursor after them, in one transaction. */
    recordHistory: (
      messages: SeenMessage[],
      cursor: string,
      now: number,
      requestId: string | null = null,
    ): void => record(messages, cursor, now, false, requestId),
    /** A full resync: the recent messages (already-known ids are kept as they are) and a new cursor. */
    recordResync: (
      messages: SeenMessage[],
      cursor: string,
      now: number,
      requestId: string | null = null,
    ): void => record(messages, cursor, now, true, requestId),
    due: (now: number, limit: number): QueuedMessage[] =>
      due.all(mailbox, now, limit) as QueuedMessage[],
    finish(messageId: string, status: 'done' | 'skipped', outcome: string, now: number): void {
      finish.run(status, outcome, now, messageId);
    },
    retryLater(messageId: string, at: number, error: string, now: number): void {
      retry.run(at, error, now, messageId);
    },
    fail(messageId: string, error: string, now: number): void {
      fail.run(error, now, messageId);
    },
    nextDueAt(): number | null {
      return (nextDue.get(mailbox) as { at: number | null }).at;
    },
    queueCounts(): Record<string, number> {
      return Object.fromEntries(
        (queueCounts.all(mailbox) as Array<{ status: string; n: number }>).map((r) => [
          r.status,
          r.n,
        ]),
      );
    },
    setWatchExpiration(expiration: number | null, now: number): void {
      ensure.run(mailbox, now);
      setWatch.run(expiration, now, mailbox);
    },
    /** Stores an email in or out; a second record of the same Gmail message changes nothing. */
    recordEmail(email: EmailRecord): void {
      insertEmail.run(email);
    },
    thread: (threadId: string): EmailRecord[] => selectThread.all(threadId) as EmailRecord[],
    email: (gmailMessageId: string): EmailRecord | null =>
      (selectEmail.get(gmailMessageId) as EmailRecord | undefined) ?? null,
    /** The fee an inbound email asked for, once it was read (DATA-03). */
    setAsk(gmailMessageId: string, askCents: number | null): void {
      updateAsk.run(askCents, gmailMessageId);
    },
    /** When the negotiation's first influencer email arrived (null before any). */
    firstInboundAt: (negotiationId: string): number | null =>
      (selectFirstInbound.get(negotiationId) as { at: number | null }).at,
    negotiationForThread: (threadId: string): ThreadNegotiation | null =>
      (selectNegotiation.get(threadId) as ThreadNegotiation | undefined) ?? null,
  };
}
