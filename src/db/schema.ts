/**
 * The data model of ARCHITECTURE.md. Money is integer cents, times are epoch milliseconds,
 * JSON columns hold validated values only. Migrations in migrations/ are generated from this file.
 */
import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

export const campaigns = sqliteTable('campaigns', {
  id: text('id').primaryKey(),
  source: text('source').notNull(),
  client: text('client').notNull(),
  name: text('name'),
  deliverablesJson: text('deliverables_json').notNull(),
  cpmTargetCents: integer('cpm_target_cents').notNull(),
  leniencyBps: integer('leniency_bps').notNull(),
  maxRounds: integer('max_rounds').notNull(),
  minCostCents: integer('min_cost_cents'),
  maxCostCents: integer('max_cost_cents'),
  usageRights: text('usage_rights'),
  productOffer: text('product_offer'),
  paymentTerms: text('payment_terms'),
  followUpJson: text('follow_up_json'),
  rawJson: text('raw_json').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const negotiations = sqliteTable(
  'negotiations',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id').references(() => campaigns.id),
    threadId: text('thread_id').unique(),
    influencerEmail: text('influencer_email').notNull(),
    influencerName: text('influencer_name'),
    influencerHandle: text('influencer_handle'),
    platform: text('platform').notNull(),
    /** The influencer's average views when the negotiation started: the CPM the team sees. */
    averageViews: integer('average_views'),
    state: text('state').notNull(),
    status: text('status', { enum: ['active', 'done', 'error'] }).notNull(),
    machineVersion: integer('machine_version').notNull(),
    snapshotJson: text('snapshot_json').notNull(),
    seq: integer('seq').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('negotiations_status_idx').on(t.status),
    index('negotiations_campaign_idx').on(t.campaignId),
    index('negotiations_influencer_idx').on(t.influencerEmail),
    check('negotiations_status_check', sql`${t.status} in ('active', 'done', 'error')`),
  ],
);

export const transitions = sqliteTable(
  'transitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    negotiationId: text('negotiation_id')
      .notNull()
      .references(() => negotiations.id),
    seq: integer('seq').notNull(),
    eventType: text('event_type').notNull(),
    eventJson: text('event_json').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    /** Why an event changed nothing, when the machine ignored it. */
    note: text('note'),
    at: integer('at').notNull(),
    requestId: text('request_id'),
  },
  (t) => [
    uniqueIndex('transitions_negotiation_seq_idx').on(t.negotiationId, t.seq),
    index('transitions_at_idx').on(t.at),
  ],
);

export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull().unique(),
    negotiationId: text('negotiation_id')
      .notNull()
      .references(() => negotiations.id),
    kind: text('kind').notNull(),
    payloadJson: text('payload_json').notNull(),
    status: text('status', { enum: ['pending', 'in_flight', 'done', 'dead'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    leaseUntil: integer('lease_until'),
    lastError: text('last_error'),
    resultJson: text('result_json'),
    requestId: text('request_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('outbox_negotiation_idx').on(t.negotiationId),
    check('outbox_status_check', sql`${t.status} in ('pending', 'in_flight', 'done', 'dead')`),
  ],
);

export const inbox = sqliteTable(
  'inbox',
  {
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    negotiationId: text('negotiation_id').references(() => negotiations.id),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.externalId] })],
);

export const timers = sqliteTable(
  'timers',
  {
    negotiationId: text('negotiation_id')
      .notNull()
      .references(() => negotiations.id),
    key: text('key').notNull(),
    dueAt: integer('due_at').notNull(),
    generation: integer('generation').notNull(),
    eventJson: text('event_json').notNull(),
  },
  (t) => [primaryKey({ columns: [t.negotiationId, t.key] }), index('timers_due_idx').on(t.dueAt)],
);

export const emails = sqliteTable(
  'emails',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    gmailMessageId: text('gmail_message_id').unique(),
    threadId: text('thread_id').notNull(),
    negotiationId: text('negotiation_id').references(() => negotiations.id),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    fromAddr: text('from_addr').notNull(),
    toAddr: text('to_addr').notNull(),
    ccAddr: text('cc_addr'),
    subject: text('subject').notNull(),
    bodyText: text('body_text').notNull(),
    rfc822MessageId: text('rfc822_message_id'),
    /** The message's References chain (space-separated ids), so a reply can extend it. */
    referencesChain: text('references_chain'),
    /** The newest words of an inbound email, without quoted history or signature. */
    latestReply: text('latest_reply'),
    state: text('state'),
    offerCents: integer('offer_cents'),
    askCents: integer('ask_cents'),
    at: integer('at').notNull(),
  },
  (t) => [
    index('emails_thread_idx').on(t.threadId),
    index('emails_negotiation_idx').on(t.negotiationId, t.at),
    index('emails_rfc822_idx').on(t.rfc822MessageId),
    check('emails_direction_check', sql`${t.direction} in ('in', 'out')`),
  ],
);

export const gmailSync = sqliteTable('gmail_sync', {
  mailbox: text('mailbox').primaryKey(),
  historyId: text('history_id'),
  watchExpiration: integer('watch_expiration'),
  lastPushAt: integer('last_push_at'),
  /** The newest history id a push announced (a hint only: sync reads from `history_id`). */
  pushedHistoryId: text('pushed_history_id'),
  lastPollAt: integer('last_poll_at'),
  lastResyncAt: integer('last_resync_at'),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Gmail messages seen in the mailbox's history, recorded in the same transaction that advances
 * the cursor, then processed one by one (read, routed, turned into a negotiation event) until
 * done. A crash between the two steps loses nothing: pending rows are picked up again.
 */
export const gmailMessages = sqliteTable(
  'gmail_messages',
  {
    messageId: text('message_id').primaryKey(),
    mailbox: text('mailbox').notNull(),
    threadId: text('thread_id'),
    historyId: text('history_id'),
    status: text('status', { enum: ['pending', 'done', 'skipped', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** What became of it: `reply:<negotiation>`, `takeover:<negotiation>`, `own mail`, … */
    outcome: text('outcome'),
    lastError: text('last_error'),
    recordedAt: integer('recorded_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** The push request that had it read (X-Request-Id), carried to the transition it causes. */
    requestId: text('request_id'),
  },
  (t) => [
    index('gmail_messages_due_idx').on(t.status, t.nextAttemptAt),
    check(
      'gmail_messages_status_check',
      sql`${t.status} in ('pending', 'done', 'skipped', 'failed')`,
    ),
  ],
);

/** Every model call an effect made (issue: cost metering): tokens and cost per negotiation. */
export const modelCalls = sqliteTable(
  'model_calls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    negotiationId: text('negotiation_id').references(() => negotiations.id),
    effectKey: text('effect_key'),
    purpose: text('purpose', { enum: ['reading', 'writing'] }).notNull(),
    model: text('model').notNull(),
    outcome: text('outcome').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    cacheReadTokens: integer('cache_read_tokens').notNull(),
    cacheWriteTokens: integer('cache_write_tokens').notNull(),
    /** Integer micro-dollars; null when the price table has no entry for the model. */
    costMicros: integer('cost_micros'),
    durationMs: integer('duration_ms').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('model_calls_negotiation_idx').on(t.negotiationId, t.at)],
);

/**
 * Every Slack message the agent posted (or found already posted) for an effect, by the effect's
 * key: where a decision's message lives, and the thread a later notice replies in.
 */
export const slackMessages = sqliteTable(
  'slack_messages',
  {
    key: text('key').primaryKey(),
    negotiationId: text('negotiation_id').references(() => negotiations.id),
    kind: text('kind').notNull(),
    channel: text('channel').notNull(),
    ts: text('ts').notNull(),
    /** The parent message when this one is a thread reply. */
    threadTs: text('thread_ts'),
    postedAt: integer('posted_at').notNull(),
  },
  (t) => [index('slack_messages_negotiation_idx').on(t.negotiationId, t.postedAt)],
);
