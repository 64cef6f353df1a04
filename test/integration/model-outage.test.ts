/**
 * The model goes down (OBS-06), through the service's own assembly (createModel) with the real
 * SDK against the sandbox model: after five failures in a row the circuit opens, negotiations
 * that need the model wait with their effects queued (no call is made, no attempt is used up),
 * exactly one alert goes out, the circuit-state metric says so, and when the model answers again
 * the half-open probe closes the circuit and the queue drains. A negotiation that waits longer
 * than `model_unavailable.max_wait` goes to people instead.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createMailStore } from '../../src/db/mail-store.js';
import { createModel } from '../../src/llm/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { SANDBOX_MODELS } from '../../src/sandbox/index.js';
import { useAnthropicEmulator } from '../support/anthropic.js';
import { inboundEmail } from '../support/emails.js';
import { createManualClock } from '../support/manual-clock.js';
import {
  createTestNegotiation,
  recordingHandlers,
  startRuntime,
  tempDatabasePath,
} from '../support/runtime.js';

const MINUTE = 60_000;
const emulator = useAnthropicEmulator();

function setUp(count: number) {
  const clock = createManualClock();
  const { handlers } = recordingHandlers();
  const config = loadConfig({
    env: {
      ANTHROPIC_API_KEY: emulator().apiKey,
      ANTHROPIC_BASE_URL: emulator().url,
      ANTHROPIC_READING_MODEL: SANDBOX_MODELS.reading,
      ANTHROPIC_WRITING_MODEL: SANDBOX_MODELS.writing,
    },
    envFile: null,
  });
  const rt = startRuntime({
    path: tempDatabasePath(),
    clock,
    handlers,
    // The shipped policy's wait (2 h), as the service passes it from createModel.
    // One effect at a time, so the order of the failures is the order of the effects.
    outbox: { baseDelayMs: 1000, random: () => 0, concurrency: 1, maxWaitMs: 2 * 60 * MINUTE },
  });
  const metrics = createMetrics({ defaults: false });
  const alerts: string[] = [];
  const model = createModel({
    config,
    sqlite: rt.database.sqlite,
    clock,
    logger: silentLogger,
    send: handlers.sendEmail as NonNullable<typeof handlers.sendEmail>,
    metrics: metrics.model,
    onProblem: (text) => alerts.push(text),
  });
  expect(model.outboxOptions.maxWaitMs).toBe(2 * 60 * MINUTE);
  // Only the reading goes to the model here; the rest of each negotiation is recorded.
  handlers.classifyReply = model.handlers.classifyReply;
  rt.start();
  const mail = createMailStore(rt.database.sqlite, 'team@brand.test');
  for (let n = 1; n <= count; n++) {
    const id = `neg_${n}`;
    createTestNegotiation(rt, id);
    const text = `Hi! Happy to do it for $1,${n}00. Let me know.`;
    mail.recordEmail(
      inboundEmail({
        gmailMessageId: `g${n}`,
        negotiationId: id,
        threadId: `thread-${id}`,
        from: `${id}@creators.test`,
        text,
        at: clock.now(),
      }),
    );
    rt.dispatch(id, { type: 'REPLY_RECEIVED', messageId: `g${n}` });
  }

  const all = (sql: string) =>
    rt.database.sqlite.prepare(sql).all() as Array<Record<string, unknown>>;
  /** Lets the worker run everything due now. */
  async function settle() {
    for (let i = 0; i < 100; i++) {
      clock.advance(0);
      await rt.worker.idle();
      const next = rt.outbox.nextWakeAt();
      if (rt.worker.inFlight() === 0 && (next === null || next > clock.now())) return;
    }
    throw new Error('the outbox did not settle');
  }
  /** Moves time forward, stopping at every wake-up of the worker on the way. */
  async function runFor(ms: number) {
    const end = clock.now() + ms;
    await settle();
    for (;;) {
      const next = rt.outbox.nextWakeAt();
      if (next === null || next > end) break;
      clock.set(Math.max(next, clock.now()));
      await settle();
    }
    clock.set(end);
    await settle();
  }
  const circuit = async () =>
    (await metrics.registry.getSingleMetric('negotiator_model_circuit_state')?.get())?.values[0]
      ?.value;
  /** Model calls as the port counted them, by outcome (the emulator logs only answered ones). */
  const outcomes = async () => {
    const metric = await metrics.registry.getSingleMetric('negotiator_model_calls_total')?.get();
    const counts: Record<string, number> = {};
    for (const v of metric?.values ?? [])
      counts[String(v.labels.outcome)] = (counts[String(v.labels.outcome)] ?? 0) + v.value;
    return counts;
  };
  const readings = () =>
    all(`select negotiation_id as id, to_state as state from transitions
      where event_type = 'REPLY_CLASSIFIED' order by negotiation_id`);
  const classifyRows = () =>
    all(`select negotiation_id as id, status, attempts from outbox
      where kind = 'classifyReply' order by negotiation_id`);
  return {
    rt,
    clock,
    alerts,
    metrics,
    circuit,
    outcomes,
    readings,
    classifyRows,
    runFor,
    settle,
    all,
  };
}

describe('the model goes down', () => {
  it('opens after five failures, keeps the work queued, alerts once, then drains', async () => {
    emulator().faults.set('messages', { sequence: [529, 529, 529, 529, 529] });
    const t = setUp(3);
    // Three first attempts and two retries fail: the fifth failure in a row opens the circuit.
    // The third negotiation's retry, and the first one's next, are refused without a call.
    await t.runFor(10_000);
    expect(await t.outcomes()).toEqual({ retryable_error: 5, circuit_open: 2 });
    expect(emulator().calls()).toHaveLength(0);
    expect(await t.circuit()).toBe(2);
    expect(t.alerts).toHaveLength(1);
    expect(t.alerts[0]).toMatch(/model is unreachable \(5 calls failed in a row; last: .*529/);

    // While it is open nothing calls the model, nothing is given up, no attempt is used up.
    await t.runFor(20_000);
    expect((await t.outcomes()).retryable_error).toBe(5);
    expect(emulator().calls()).toHaveLength(0);
    expect(t.readings()).toEqual([]);
    const waiting = t.classifyRows();
    expect(waiting.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    expect(Math.max(...waiting.map((r) => Number(r.attempts)))).toBeLessThanOrEqual(2);

    // The model is back: one probe closes the circuit, then every queued reading runs once.
    await t.runFor(5 * MINUTE);
    expect(await t.circuit()).toBe(0);
    expect(emulator().calls()).toHaveLength(3);
    expect((await t.outcomes()).ok).toBe(3);
    expect(t.readings().map((r) => r.id)).toEqual(['neg_1', 'neg_2', 'neg_3']);
    expect(t.classifyRows().map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(t.alerts).toHaveLength(1);
    const ledger = t.all(`select outcome, count(*) as n, sum(input_tokens) as input,
      sum(cost_micros) as micros from model_calls group by outcome`);
    expect(ledger).toMatchObject([{ outcome: 'ok', n: 3 }]);
    // Metered in both places: the ledger (per negotiation) and the metrics (per model).
    const text = await t.metrics.registry.metrics();
    const sample = (name: string) =>
      Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const model = `model="${SANDBOX_MODELS.reading}"`;
    expect(
      sample(`negotiator_model_tokens_total\\{purpose="reading",${model},kind="input"\\}`),
    ).toBe(ledger[0]?.input);
    expect(
      sample(`negotiator_model_cost_dollars_total\\{purpose="reading",${model}\\}`) * 1e6,
    ).toBeCloseTo(Number(ledger[0]?.micros), 3);
    expect(Number(ledger[0]?.micros)).toBeGreaterThan(0);
    expect(text).toContain('negotiator_model_incidents_total 1');
    await t.rt.close();
  });

  it('hands a negotiation to people when the model stays down longer than max_wait', async () => {
    emulator().faults.set('messages', { status: 529, errorRate: 1 });
    const t = setUp(1);
    await t.runFor(119 * MINUTE);
    // Four failed attempts before the fifth opened the circuit; the failed probes since (every
    // few minutes, the open period doubling up to 5 min) used up none of the eight attempts.
    expect(t.classifyRows()).toEqual([{ id: 'neg_1', status: 'pending', attempts: 4 }]);
    expect((await t.outcomes()).retryable_error).toBeGreaterThan(20);
    expect(t.all(`select * from transitions where to_state = 'escalated'`)).toEqual([]);

    await t.runFor(2 * MINUTE);
    expect(t.classifyRows()).toMatchObject([{ id: 'neg_1', status: 'dead' }]);
    const escalated = t.all(`select event_type as event, event_json as json from transitions
      where to_state = 'escalated'`);
    expect(escalated).toHaveLength(1);
    expect(escalated[0]?.event).toBe('EFFECT_FAILED');
    const [row] = t.all(`select snapshot_json as json from negotiations where id = 'neg_1'`);
    const persisted = JSON.parse(String(row?.json)) as {
      context: { escalation: { reason: string } | null };
    };
    expect(persisted.context.escalation?.reason).toBe('model_unavailable');
    expect(t.alerts).toHaveLength(1);
    await t.rt.close();
  });
});
