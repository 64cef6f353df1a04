import { describe, expect, it } from 'vitest';
import {
  type CircuitIncident,
  CircuitOpenError,
  type CircuitStateChange,
  createCircuitBreaker,
} from '../../src/adapters/anthropic/circuit-breaker.js';
import { PermanentError, RetryableError } from '../../src/domain/errors.js';
import { createManualClock } from '../support/manual-clock.js';

function setup(overrides: { failureThreshold?: number; probeTimeoutMs?: number } = {}) {
  const clock = createManualClock();
  const incidents: CircuitIncident[] = [];
  const changes: CircuitStateChange[] = [];
  const breaker = createCircuitBreaker({
    clock,
    failureThreshold: overrides.failureThreshold ?? 3,
    openMs: 30_000,
    maxOpenMs: 100_000,
    probeWaitMs: 2_000,
    ...(overrides.probeTimeoutMs ? { probeTimeoutMs: overrides.probeTimeoutMs } : {}),
    onIncident: (incident) => incidents.push(incident),
    onStateChange: (change) => changes.push(change),
  });
  let calls = 0;
  const ok = () => breaker.run(async () => ++calls);
  const overloaded = () =>
    breaker.run(async () => {
      calls++;
      throw new RetryableError('529 overloaded', 10);
    });
  const transitions = () => changes.map((c) => `${c.from}->${c.to}`);
  return { clock, breaker, incidents, transitions, ok, overloaded, calls: () => calls };
}

/** The error a call rejects with; fails the test if it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

describe('circuit breaker', () => {
  it('stays closed below the threshold, and a success resets the count', async () => {
    const t = setup();
    await failureOf(t.overloaded());
    await failureOf(t.overloaded());
    await t.ok();
    await failureOf(t.overloaded());
    await failureOf(t.overloaded());
    expect(t.breaker.state()).toBe('closed');
    expect(t.breaker.stateValue()).toBe(0);
    expect(t.incidents).toEqual([]);
  });

  it('opens after the threshold and then refuses fast, with the time until the probe', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) await failureOf(t.overloaded());
    expect(t.breaker.state()).toBe('open');
    expect(t.breaker.stateValue()).toBe(2);
    expect(t.calls()).toBe(3);
    t.clock.advance(10_000);
    const refused = await failureOf(t.ok());
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toBeInstanceOf(RetryableError);
    expect((refused as CircuitOpenError).retryAfterMs).toBe(20_000);
    expect((refused as Error).message).toMatch(/529 overloaded/);
    expect(t.calls()).toBe(3);
    expect(t.incidents).toEqual([
      {
        openedAt: t.clock.now() - 10_000,
        closedAt: null,
        failures: 3,
        failedProbes: 0,
        lastError: '529 overloaded',
      },
    ]);
  });

  it('lets exactly one probe through when half-open; success closes the circuit', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) await failureOf(t.overloaded());
    t.clock.advance(30_000);
    let finish: (value: number) => void = () => {};
    const probe = t.breaker.run(() => new Promise<number>((resolve) => (finish = resolve)));
    expect(t.breaker.state()).toBe('half_open');
    expect(t.breaker.stateValue()).toBe(1);
    const second = await failureOf(t.ok());
    expect(second).toBeInstanceOf(CircuitOpenError);
    expect((second as CircuitOpenError).retryAfterMs).toBe(2_000);
    finish(42);
    await expect(probe).resolves.toBe(42);
    expect(t.breaker.state()).toBe('closed');
    await expect(t.ok()).resolves.toBeGreaterThan(0);
    expect(t.transitions()).toEqual(['closed->open', 'open->half_open', 'half_open->closed']);
    expect(t.breaker.lastIncident()).toMatchObject({ closedAt: t.clock.now(), failedProbes: 0 });
  });

  it('re-opens for longer after a failed probe, within the same incident', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) await failureOf(t.overloaded());
    t.clock.advance(30_000);
    await failureOf(t.overloaded()); // the probe
    expect(t.breaker.state()).toBe('open');
    expect(((await failureOf(t.ok())) as CircuitOpenError).retryAfterMs).toBe(60_000);
    t.clock.advance(60_000);
    await failureOf(t.overloaded());
    expect(((await failureOf(t.ok())) as CircuitOpenError).retryAfterMs).toBe(100_000); // capped
    t.clock.advance(100_000);
    await t.ok();
    expect(t.breaker.state()).toBe('closed');
    expect(t.incidents).toHaveLength(1);
    expect(t.breaker.lastIncident()).toMatchObject({ failedProbes: 2, closedAt: t.clock.now() });
    // The next incident starts from the base open period again, and is announced again.
    for (let i = 0; i < 3; i++) await failureOf(t.overloaded());
    expect(((await failureOf(t.ok())) as CircuitOpenError).retryAfterMs).toBe(30_000);
    expect(t.incidents).toHaveLength(2);
  });

  it('counts only transport failures: refusals-as-values and permanent errors do not open it', async () => {
    const t = setup();
    const refusal = () => t.breaker.run(async () => ({ ok: false, kind: 'refusal' }) as const);
    const badRequest = () =>
      t.breaker.run(async () => {
        throw new PermanentError('400 invalid_request_error');
      });
    const bug = () =>
      t.breaker.run(async () => {
        throw new TypeError('undefined is not a function');
      });
    for (let i = 0; i < 5; i++) {
      await refusal();
      await failureOf(badRequest());
      await failureOf(bug());
    }
    expect(t.breaker.state()).toBe('closed');
    // A permanent error is an answer from the API: it breaks a run of transport failures.
    await failureOf(t.overloaded());
    await failureOf(t.overloaded());
    await failureOf(badRequest());
    await failureOf(t.overloaded());
    expect(t.breaker.state()).toBe('closed');
    expect(t.incidents).toEqual([]);
  });

  it('ignores late answers to calls let in before it opened', async () => {
    const t = setup();
    let finish: (value: number) => void = () => {};
    const slow = t.breaker.run(() => new Promise<number>((resolve) => (finish = resolve)));
    for (let i = 0; i < 3; i++) await failureOf(t.overloaded());
    t.clock.advance(30_000);
    const probe = t.breaker.run(() => new Promise<number>(() => {}));
    // The answer to a call let in before the outage proves nothing about the probe's fate.
    finish(1);
    await slow;
    expect(t.breaker.state()).toBe('half_open');
    void probe;
  });

  it('presumes a probe lost after the probe timeout and lets the next call probe', async () => {
    const t = setup({ probeTimeoutMs: 50_000 });
    for (let i = 0; i < 3; i++) await failureOf(t.overloaded());
    t.clock.advance(30_000);
    let finishLost: (value: number) => void = () => {};
    const lost = t.breaker.run(() => new Promise<number>((resolve) => (finishLost = resolve)));
    t.clock.advance(49_000);
    expect(await failureOf(t.ok())).toBeInstanceOf(CircuitOpenError);
    t.clock.advance(1_000);
    await failureOf(t.overloaded()); // the new probe fails: open again
    finishLost(1); // the lost probe's late success must not close the circuit
    await lost;
    expect(t.breaker.state()).toBe('open');
    expect(t.incidents).toHaveLength(1);
  });

  it('survives a throwing alert hook', async () => {
    const clock = createManualClock();
    const breaker = createCircuitBreaker({
      clock,
      failureThreshold: 1,
      onIncident: () => {
        throw new Error('slack is down too');
      },
    });
    const failure = await failureOf(
      breaker.run(async () => {
        throw new RetryableError('500');
      }),
    );
    // The failure that opened the circuit comes back as the outage, the call's error its cause.
    expect(failure).toBeInstanceOf(CircuitOpenError);
    expect((failure as CircuitOpenError).attempted).toBe(true);
    expect(((failure as Error).cause as Error).message).toBe('500');
    expect(breaker.state()).toBe('open');
  });

  it('turns only the failure that opens the circuit into the outage, not the ones before', async () => {
    const clock = createManualClock();
    const breaker = createCircuitBreaker({ clock, failureThreshold: 2, openMs: 1000 });
    const fail = () =>
      failureOf(
        breaker.run(async () => {
          throw new RetryableError('503');
        }),
      );
    const first = await fail();
    expect(first).not.toBeInstanceOf(CircuitOpenError);
    expect(first).toBeInstanceOf(RetryableError);
    const opening = await fail();
    expect(opening).toBeInstanceOf(CircuitOpenError);
    expect((opening as CircuitOpenError).retryAfterMs).toBe(1000);
    const refused = await fail();
    expect((refused as CircuitOpenError).attempted).toBe(false);
    clock.advance(1000);
    const probe = await fail(); // the failed probe re-opens it: the outage again
    expect((probe as CircuitOpenError).attempted).toBe(true);
    expect(breaker.state()).toBe('open');
  });
});
