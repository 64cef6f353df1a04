import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../src/domain/errors.js';
import { DispatchError } from '../../src/runtime/index.js';
import { createManualClock } from '../support/manual-clock.js';
import { classified } from '../support/negotiation.js';
import {
  createTestNegotiation,
  recordingHandlers,
  startRuntime,
  tempDatabasePath,
} from '../support/runtime.js';

type Rt = ReturnType<typeof startRuntime>;
const HOUR = 3_600_000;

/** Runs the outbox until nothing is due now. */
async function drain(rt: Rt, clock: ReturnType<typeof createManualClock>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    clock.advance(0);
    await rt.worker.idle();
    const next = rt.outbox.nextWakeAt();
    if (rt.worker.inFlight() === 0 && (next === null || next > clock.now())) return;
  }
  throw new Error('outbox did not settle');
}

const rows = (rt: Rt, sql: string, ...params: unknown[]) =>
  rt.database.sqlite.prepare(sql).all(...params) as Array<Record<string, unknown>>;
const one = (rt: Rt, sql: string, ...params: unknown[]) =>
  rt.database.sqlite.prepare(sql).get(...params) as Record<string, unknown>;

describe('dispatch persists every transition', () => {
  it('writes snapshot, transition row, outbox rows and timers in one commit', async () => {
    const clock = createManualClock();
    const rt = startRuntime({ path: tempDatabasePath(), clock });
    rt.start();
    createTestNegotiation(rt, 'neg_1');
    const result = rt.dispatch(
      'neg_1',
      { type: 'REPLY_RECEIVED', messageId: 'm1' },
      { dedupeKey: 'gmail:m1', requestId: 'req-1' },
    );
    expect(result).toMatchObject({
      status: 'applied',
      seq: 1,
      from: 'initialOffer',
      to: 'counterReceived',
      outbox: 1,
    });
    expect(one(rt, 'select state, seq, status from negotiations where id = ?', 'neg_1')).toEqual({
      state: 'counterReceived',
      seq: 1,
      status: 'active',
    });
    expect(
      rows(
        rt,
        'select seq, event_type, from_state, to_state, request_id from transitions order by seq',
      ),
    ).toEqual([
      {
        seq: 0,
        event_type: 'xstate.init',
        from_state: '',
        to_state: 'initialOffer',
        request_id: null,
      },
      {
        seq: 1,
        event_type: 'REPLY_RECEIVED',
        from_state: 'initialOffer',
        to_state: 'counterReceived',
        request_id: 'req-1',
      },
    ]);
    expect(rows(rt, 'select key, kind, status, request_id from outbox')).toEqual([
      {
        key: 'neg_1:classifyReply:1',
        kind: 'classifyReply',
        status: 'pending',
        request_id: 'req-1',
      },
    ]);
    const stored = JSON.parse(
      String(one(rt, 'select snapshot_json from negotiations').snapshot_json),
    );
    expect(stored).toEqual(JSON.parse(JSON.stringify(rt.registry.snapshotOf('neg_1'))));
    await rt.close();
  });

  it('acknowledges a duplicate delivery with no second transition and no second effect', async () => {
    const clock = createManualClock();
    const rt = startRuntime({ path: tempDatabasePath(), clock });
    rt.start();
    createTestNegotiation(rt, 'neg_1');
    const event = { type: 'REPLY_RECEIVED', messageId: 'm1' };
    expect(rt.dispatch('neg_1', event, { dedupeKey: 'gmail:m1' }).status).toBe('applied');
    expect(rt.dispatch('neg_1', event, { dedupeKey: 'gmail:m1' })).toEqual({ status: 'duplicate' });
    expect(
      one(rt, 'select count(*) as n from transitions where event_type = ?', 'REPLY_RECEIVED').n,
    ).toBe(1);
    expect(one(rt, 'select count(*) as n from outbox').n).toBe(1);
    await rt.close();
  });

  it('rejects an invalid event with a clear error and changes nothing', async () => {
    const clock = createManualClock();
    const rt = startRuntime({ path: tempDatabasePath(), clock });
    rt.start();
    createTestNegotiation(rt, 'neg_1');
    const result = rt.dispatch(
      'neg_1',
      { type: 'REPLY_RECEIVED', messageId: 42 },
      { dedupeKey: 'gmail:bad' },
    );
    expect(result).toMatchObject({ status: 'invalid', error: expect.stringMatching(/messageId/) });
    expect(one(rt, 'select seq from negotiations').seq).toBe(0);
    expect(one(rt, 'select count(*) as n from inbox').n).toBe(0);
    expect(rt.dispatch('nope', { type: 'OFFER_REQUESTED' })).toEqual({ status: 'not_found' });
    await rt.close();
  });

  it('after a failed commit restores the actor from the database: no divergence', async () => {
    const clock = createManualClock();
    const rt = startRuntime({ path: tempDatabasePath(), clock });
    rt.start();
    createTestNegotiation(rt, 'neg_1');
    // Occupy the key the next transition declares, so its commit fails on the unique constraint.
    rt.database.sqlite
      .prepare(`insert into outbox (key, negotiation_id, kind, payload_json, status, attempts, next_attempt_at, created_at, updated_at)
                values ('neg_1:classifyReply:1', 'neg_1', 'classifyReply', '{}', 'done', 1, 0, 0, 0)`)
      .run();
    const before = JSON.stringify(rt.registry.snapshotOf('neg_1'));
    expect(() =>
      rt.dispatch('neg_1', { type: 'REPLY_RECEIVED', messageId: 'm1' }, { dedupeKey: 'gmail:m1' }),
    ).toThrow(DispatchError);
    expect(JSON.stringify(rt.registry.snapshotOf('neg_1'))).toBe(before);
    expect(one(rt, 'select seq, state from negotiations')).toEqual({
      seq: 0,
      state: 'initialOffer',
    });
    expect(one(rt, 'select count(*) as n from inbox').n).toBe(0);
    rt.database.sqlite.prepare('delete from outbox').run();
    expect(
      rt.dispatch('neg_1', { type: 'REPLY_RECEIVED', messageId: 'm1' }, { dedupeKey: 'gmail:m1' })
        .status,
    ).toBe('applied');
    expect(one(rt, 'select seq, state from negotiations')).toEqual({
      seq: 1,
      state: 'counterReceived',
    });
    await rt.close();
  });
});

describe('rehydration', () => {
  it('restores every non-terminal negotiation and marks unreadable ones as error', async () => {
    const path = tempDatabasePath();
    const clock = createManualClock();
    const first = startRuntime({ path, clock });
    first.start();
    for (const id of ['a', 'b', 'c']) createTestNegotiation(first, id);
    first.dispatch('b', { type: 'STOPPED', by: 'U1', reason: null });
    first.dispatch('c', { type: 'REPLY_RECEIVED', messageId: 'm1' });
    first.database.sqlite
      .prepare(`insert into negotiations (id, influencer_email, platform, state, status, machine_version, snapshot_json, seq, created_at, updated_at)
      values ('broken', 'x@y.z', 'tiktok', 'drafting', 'active', 1, '{"status":"active","value":"writing"}', 3, 0, 0)`)
      .run();
    await first.close();

    const second = startRuntime({ path, clock });
    const report = second.start();
    expect(report).toMatchObject({ restored: 2, failed: 1 });
    expect(second.registry.isLive('a') && second.registry.isLive('c')).toBe(true);
    expect(second.registry.isLive('b')).toBe(false);
    expect(one(second, 'select status from negotiations where id = ?', 'broken').status).toBe(
      'error',
    );
    expect(second.dispatch('c', classified('m1', 'counter', 120_000)).status).toBe('applied');
    expect(second.dispatch('b', { type: 'OFFER_REQUESTED' })).toEqual({
      status: 'finished',
      negotiationStatus: 'done',
    });
    await second.close();
  });
});

describe('durable timers', () => {
  it('fires a follow-up that fell due while the process was down, once', async () => {
    const path = tempDatabasePath();
    const clock = createManualClock();
    const { handlers, calls } = recordingHandlers();
    const first = startRuntime({ path, clock, handlers });
    first.start();
    createTestNegotiation(first, 'neg_1');
    first.dispatch('neg_1', { type: 'OFFER_REQUESTED' });
    await drain(first, clock);
    expect(one(first, 'select state from negotiations').state).toBe('awaitingReply');
    expect(one(first, 'select key, due_at from timers')).toEqual({
      key: 'follow_up',
      due_at: clock.now() + 48 * HOUR,
    });
    await first.close();

    clock.advance(60 * HOUR); // down for 2.5 days
    const second = startRuntime({ path, clock, handlers });
    second.start();
    await drain(second, clock);
    expect(
      rows(second, "select event_type from transitions where event_type = 'FOLLOW_UP_DUE'"),
    ).toHaveLength(1);
    expect(calls.filter((c) => c.kind === 'sendEmail').map((c) => c.key)).toEqual([
      'neg_1:sendEmail:1',
      'neg_1:sendEmail:2',
    ]);
    expect(one(second, 'select key from timers').key).toBe('stale');
    await second.close();

    const third = startRuntime({ path, clock, handlers });
    third.start();
    await drain(third, clock);
    expect(
      rows(third, "select 1 from transitions where event_type = 'FOLLOW_UP_DUE'"),
    ).toHaveLength(1);
    await third.close();
  });

  it('fires on time with one node timer, and never fires a timer that was cleared', async () => {
    const clock = createManualClock();
    const { handlers } = recordingHandlers();
    const rt = startRuntime({ path: tempDatabasePath(), clock, handlers });
    rt.start();
    createTestNegotiation(rt, 'a');
    createTestNegotiation(rt, 'b');
    rt.dispatch('a', { type: 'OFFER_REQUESTED' });
    rt.dispatch('b', { type: 'OFFER_REQUESTED' });
    await drain(rt, clock);
    rt.dispatch('b', { type: 'REPLY_RECEIVED', messageId: 'm1' }); // clears b's follow-up
    clock.advance(48 * HOUR - 1);
    expect(
      rows(rt, "select negotiation_id from transitions where event_type = 'FOLLOW_UP_DUE'"),
    ).toHaveLength(0);
    clock.advance(1);
    await drain(rt, clock);
    expect(
      rows(rt, "select negotiation_id from transitions where event_type = 'FOLLOW_UP_DUE'"),
    ).toEqual([{ negotiation_id: 'a' }]);
    await rt.close();
  });
});

describe('outbox worker', () => {
  it('drives a negotiation to agreement, announcing it exactly once', async () => {
    const clock = createManualClock();
    const { handlers, calls } = recordingHandlers();
    const rt = startRuntime({ path: tempDatabasePath(), clock, handlers });
    rt.start();
    createTestNegotiation(rt, 'neg_1', { initialOfferCents: 110_000 });
    rt.dispatch('neg_1', { type: 'REPLY_RECEIVED', messageId: 'm1' }, { dedupeKey: 'gmail:m1' });
    await drain(rt, clock);
    expect(one(rt, 'select state, status from negotiations')).toEqual({
      state: 'agreed',
      status: 'done',
    });
    expect(calls.map((c) => c.kind)).toEqual([
      'classifyReply',
      'composeEmail',
      'sendEmail',
      'postAgreement',
    ]);
    expect(one(rt, "select count(*) as n from outbox where status != 'done'").n).toBe(0);
    expect(one(rt, 'select count(*) as n from timers').n).toBe(0);
    await rt.close();
  });

  it('retries a retryable failure after its retry-after, then succeeds', async () => {
    const clock = createManualClock();
    const { handlers, calls } = recordingHandlers();
    let failures = 2;
    const compose = handlers.composeEmail;
    handlers.composeEmail = {
      async run(effect, ctx) {
        if (failures-- > 0) throw new RetryableError('rate limited', 30_000);
        return compose?.run(effect, ctx) ?? {};
      },
    };
    const rt = startRuntime({
      path: tempDatabasePath(),
      clock,
      handlers,
      outbox: { baseDelayMs: 10, random: () => 0 },
    });
    rt.start();
    createTestNegotiation(rt, 'neg_1');
    rt.dispatch('neg_1', { type: 'OFFER_REQUESTED' });
    await drain(rt, clock);
    expect(
      one(rt, "select attempts, status, last_error from outbox where kind = 'composeEmail'"),
    ).toEqual({ attempts: 1, status: 'pending', last_error: 'rate limited' });
    clock.advance(29_999);
    await drain(rt, clock);
    expect(one(rt, "select attempts from outbox where kind = 'composeEmail'").attempts).toBe(1);
    clock.advance(1);
    await drain(rt, clock);
    clock.advance(30_000);
    await drain(rt, clock);
    expect(one(rt, "select attempts, status from outbox where kind = 'composeEmail'")).toEqual({
      attempts: 3,
      status: 'done',
    });
    expect(calls.filter((c) => c.kind === 'sendEmail')).toHaveLength(1);
    await rt.close();
  });

  it('gives up on a permanent failure: dead row, alert, and the negotiation escalates', async () => {
    const clock = createManualClock();
    const { handlers, calls } = recordingHandlers();
    handlers.sendEmail = {
      run: async () => Promise.reject(new PermanentError('recipient rejected')),
    };
    const alerts: string[] = [];
    const rt = startRuntime({
      path: tempDatabasePath(),
      clock,
      handlers,
      outbox: { onDead: (row, error) => alerts.push(`${row.key}: ${error}`) },
    });
    rt.start();
    createTestNegotiation(rt, 'neg_1');
    rt.dispatch('neg_1', { type: 'OFFER_REQUESTED' });
    await drain(rt, clock);
    expect(one(rt, "select status, last_error from outbox where kind = 'sendEmail'")).toEqual({
      status: 'dead',
      last_error: 'recipient rejected',
    });
    expect(alerts).toEqual(['neg_1:sendEmail:1: recipient rejected']);
    expect(one(rt, 'select state from negotiations').state).toBe('escalated');
    expect(calls.filter((c) => c.kind === 'postEscalation')).toHaveLength(1);
    await rt.close();
  });

  it('reconciles an effect interrupted by a crash instead of repeating it', async () => {
    const path = tempDatabasePath();
    const clock = createManualClock();
    const first = startRuntime({ path, clock });
    first.start();
    createTestNegotiation(first, 'neg_1');
    first.dispatch('neg_1', { type: 'OFFER_REQUESTED' });
    first.dispatch('neg_1', {
      type: 'DRAFT_READY',
      draftKey: 'neg_1:composeEmail:1',
      subject: 'Hi',
      body: 'offer',
    });
    first.database.sqlite
      .prepare("update outbox set status = 'done' where kind = 'composeEmail'")
      .run();
    // The process claims the send and dies mid-effect.
    expect(first.outbox.claim(clock.now(), 10, 60_000).map((r) => r.key)).toEqual([
      'neg_1:sendEmail:1',
    ]);
    await first.close();

    const { handlers, calls } = recordingHandlers();
    const sent = new Set(['neg_1:sendEmail:1']); // what the mailbox already has
    const run = handlers.sendEmail?.run;
    handlers.sendEmail = {
      run: async (effect, ctx) => (run ? run(effect, ctx) : {}),
      async reconcile(effect, ctx) {
        calls.push({ kind: effect.kind, key: effect.key, reconcile: true });
        return sent.has(effect.key)
          ? {
              event: {
                type: 'EMAIL_SENT',
                effectKey: effect.key,
                gmailMessageId: 'gm-found',
                threadId: `thread-${ctx.negotiationId}`,
              },
            }
          : null;
      },
    };
    const second = startRuntime({ path, clock, handlers });
    second.start();
    await drain(second, clock);
    expect(calls.filter((c) => c.kind === 'sendEmail')).toEqual([
      { kind: 'sendEmail', key: 'neg_1:sendEmail:1', reconcile: true },
    ]);
    expect(one(second, 'select state from negotiations').state).toBe('awaitingReply');
    await second.close();
  });
});
