/**
 * The process the crash test kills. It runs the real runtime on a SQLite file with effect
 * handlers that record into a ledger file outside the database (appended before the effect
 * reports success, so a kill between the two is visible) and reconcile by key against it.
 * A scripted world answers: influencers reply by persona, a "person" decides escalations and
 * stops stale negotiations. It exits 0 once every negotiation has finished.
 *
 * Usage: node --import tsx test/support/crash-child.ts DB LEDGER COUNT
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { NegotiationEvent } from '../../machines/negotiation/index.js';
import { openMigratedDatabase } from '../../src/db/open.js';
import { silentLogger } from '../../src/observability/logger.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createRuntime, type EffectHandler, type EffectHandlers } from '../../src/runtime/index.js';
import { negotiationInput, noFlags } from './negotiation.js';

const [dbPath = '', ledgerPath = '', countText = '0'] = process.argv.slice(2);
const count = Number(countText);

export const PERSONAS = ['accepts', 'haggles', 'firm', 'ghost', 'declines'] as const;
export const personaOf = (i: number) => PERSONAS[i % PERSONAS.length] ?? 'accepts';
const HAGGLE_ASKS = [160_000, 140_000, 135_000];

const ledger = new Set(
  existsSync(ledgerPath) ? readFileSync(ledgerPath, 'utf8').split('\n').filter(Boolean) : [],
);
function record(key: string): void {
  appendFileSync(ledgerPath, `${key}\n`);
  ledger.add(key);
}

/** A handler that performs by writing the ledger, and reconciles by reading it. */
function ledgered(
  outcome: (effect: never, negotiationId: string) => NegotiationEvent | undefined,
): EffectHandler {
  return {
    async run(effect, ctx) {
      record(effect.key);
      const event = outcome(effect as never, ctx.negotiationId);
      return event ? { event } : {};
    },
    async reconcile(effect, ctx) {
      if (!ledger.has(effect.key)) return null;
      const event = outcome(effect as never, ctx.negotiationId);
      return event ? { event } : {};
    },
  };
}

const handlers: EffectHandlers = {
  classifyReply: {
    // Reading has no side effect worth reconciling: a repeat only costs a call.
    async run(effect) {
      const [, , ask, intent] = effect.messageId.split('|');
      return {
        event: {
          type: 'REPLY_CLASSIFIED',
          messageId: effect.messageId,
          intent: intent as 'accept',
          confidence: 0.95,
          proposedRateCents: ask ? Number(ask) : null,
          deliverableChanges: null,
          flags: noFlags,
          evidence: [],
        },
      };
    },
  },
  composeEmail: {
    async run(effect) {
      return {
        event: {
          type: 'DRAFT_READY',
          draftKey: effect.key,
          subject: 'Re: collaboration',
          body: effect.purpose,
        },
      };
    },
  },
  sendEmail: ledgered((effect: { key: string }, id) => ({
    type: 'EMAIL_SENT',
    effectKey: effect.key,
    gmailMessageId: `gm-${effect.key}`,
    threadId: `t-${id}`,
  })),
  postAgreement: ledgered(() => undefined),
  postEscalation: ledgered(() => undefined),
  postNotice: ledgered(() => undefined),
};

const database = openMigratedDatabase({ path: dbPath, synchronous: 'NORMAL' });
const runtime = createRuntime({
  sqlite: database.sqlite,
  clock: systemClock,
  logger: silentLogger,
  handlers,
  outbox: { concurrency: 8, leaseMs: 60_000, baseDelayMs: 20 },
});
runtime.start();

const settings = {
  reviewMode: false,
  followUpDelayMs: 40,
  staleDelayMs: 40,
  approvalReminderMs: 1000,
  holdingReplyMs: null,
};
for (let i = 0; i < count; i++) {
  const id = `neg_${i}`;
  if (runtime.store.one(id)) continue;
  const persona = personaOf(i);
  runtime.create({
    id,
    threadId: `t-${id}`,
    influencer: { email: `${id}@creators.test`, platform: 'instagram' },
    input: negotiationInput({
      negotiationId: id,
      settings,
      ...(persona === 'accepts' ? { initialOfferCents: 110_000 } : {}),
    }),
  });
}
process.stdout.write('ready\n');

const stateOf = database.sqlite.prepare(
  `select id, state, seq, snapshot_json as s from negotiations where status = 'active'`,
);
const remaining =
  database.sqlite.prepare(`select (select count(*) from negotiations where status = 'active')
  + (select count(*) from outbox where status in ('pending', 'in_flight')) as n`);

/** What the scripted world does next in a negotiation, with the dedupe key that makes it once. */
function nextMove(
  id: string,
  state: string,
  round: number,
  escalations: number,
): [NegotiationEvent, string] | null {
  const persona = personaOf(Number(id.slice(4)));
  const reply = (ask: number | null, intent: string): [NegotiationEvent, string] => {
    const messageId = `${id}|r${round}|${ask ?? ''}|${intent}`;
    return [{ type: 'REPLY_RECEIVED', messageId }, `gmail:${messageId}`];
  };
  if (state === 'initialOffer') {
    if (persona === 'accepts') return reply(null, 'accept');
    if (persona === 'firm') return reply(300_000, 'counter');
    if (persona === 'declines') return reply(null, 'reject');
    return [{ type: 'OFFER_REQUESTED' }, `api:${id}:open`];
  }
  // A haggler answers even late: while this process was down its follow-up may have gone out.
  if ((state === 'awaitingReply' || state === 'stale') && persona === 'haggles') {
    return reply(HAGGLE_ASKS[round - 1] ?? 135_000, 'counter');
  }
  if (state === 'escalated')
    return [
      { type: 'COUNTER_APPROVED', by: 'U1', amountCents: 300_000 },
      `slack:${id}:approve:${escalations}`,
    ];
  if (state === 'stale')
    return [{ type: 'STOPPED', by: 'U1', reason: 'no reply' }, `slack:${id}:stop`];
  return null;
}

let stopping = false;
setInterval(() => {
  const moves: Array<[string, NegotiationEvent, string]> = [];
  for (const row of stateOf.all() as Array<{ id: string; state: string; s: string }>) {
    const ctx = JSON.parse(row.s).context as { round: number; counts: Record<string, number> };
    const move = nextMove(row.id, row.state, ctx.round, ctx.counts.postEscalation ?? 0);
    if (move) moves.push([row.id, ...move]);
  }
  // The world answers a few at a time, so a run is long enough to be killed many times.
  for (const [id, event, dedupeKey] of moves.slice(0, 2))
    runtime.dispatch(id, event, { dedupeKey });
  if ((remaining.get() as { n: number }).n === 0 && !stopping) {
    stopping = true;
    void runtime.stop(1000).then(() => {
      database.close();
      process.exit(0);
    });
  }
}, 5);
