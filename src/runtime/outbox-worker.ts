/**
 * Performs declared effects exactly once. Rows are claimed with a lease and run through the
 * handler of their kind with bounded concurrency; the result event is applied to the negotiation
 * in the same transaction that marks the row done. Retryable failures back off exponentially with
 * jitter (and honour the peer's retry-after); permanent failures or exhausted attempts make the
 * row dead, tell the negotiation (which escalates) and raise an alert. A row whose lease ran out
 * mid-effect (a crash) is reconciled — looked up by its key — before it is ever run again.
 */
import {
  type NegotiationEvent,
  type OutboxEffect,
  type OutboxEffectKind,
  outboxEffectSchema,
} from '../../machines/negotiation/index.js';
import type { OutboxRow, OutboxStore } from '../db/outbox-store.js';
import { RetryableError, UnavailableError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import { type Clock, MAX_TIMER_DELAY_MS } from './clock.js';
import { DispatchError, type Registry } from './registry.js';

export interface EffectContext {
  key: string;
  negotiationId: string;
  attempt: number;
  requestId: string | null;
}

/** What an effect produced: an event for the negotiation, and/or a result to keep on the row. */
export interface EffectOutcome {
  event?: NegotiationEvent;
  result?: unknown;
}

export interface EffectHandler<E extends OutboxEffect = OutboxEffect> {
  run(effect: E, ctx: EffectContext): Promise<EffectOutcome>;
  /** Finds out whether an interrupted attempt already took effect; null = it did not. */
  reconcile?(effect: E, ctx: EffectContext): Promise<EffectOutcome | null>;
}

export type EffectHandlers = {
  [K in OutboxEffectKind]?: EffectHandler<Extract<OutboxEffect, { kind: K }>>;
};

export type EffectObservation = 'ok' | 'retry' | 'waiting' | 'dead';

export interface OutboxWorkerOptions {
  concurrency?: number;
  leaseMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  /**
   * How long an effect may wait for a peer known to be down (UnavailableError, which does not use
   * up attempts) before it is given up and its negotiation goes to people; null = wait for ever.
   */
  maxWaitMs?: number | null;
  /** Told how each attempt went and how long it took (the effect-latency metric). */
  observe?: (kind: string, seconds: number, outcome: EffectObservation) => void;
  /** Told about every effect given up on: the alert hook. */
  onDead?: (row: OutboxRow, error: string) => void;
}

export function createOutboxWorker(
  deps: {
    outbox: OutboxStore;
    registry: Registry;
    handlers: EffectHandlers;
    clock: Clock;
    logger: Logger;
  },
  options: OutboxWorkerOptions = {},
) {
  const concurrency = options.concurrency ?? 4;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
  const random = options.random ?? Math.random;
  const maxWaitMs = options.maxWaitMs ?? null;
  const inFlight = new Set<Promise<void>>();
  let handle: unknown = null;
  let running = false;

  function backoff(attempt: number, retryAfterMs: number | undefined): number {
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
    const jittered = Math.round(exponential * (0.5 + random() / 2));
    return Math.max(jittered, retryAfterMs ?? 0);
  }

  function giveUp(row: OutboxRow, error: string): void {
    const now = deps.clock.now();
    deps.outbox.dead(row.key, error, now);
    deps.logger.error({ key: row.key, negotiationId: row.negotiationId, error }, 'effect given up');
    try {
      deps.registry.dispatch(
        row.negotiationId,
        { type: 'EFFECT_FAILED', effectKey: row.key, kind: row.kind, error: error.slice(0, 2000) },
        { dedupeKey: `dead:${row.key}`, requestId: row.requestId ?? undefined },
      );
    } catch (failure) {
      deps.logger.error(
        { err: failure, key: row.key },
        'could not tell the negotiation about a dead effect',
      );
    }
    options.onDead?.(row, error);
  }

  /** The peer is known to be down: keep the effect queued, up to the longest wait. */
  function wait(row: OutboxRow, error: UnavailableError): void {
    const now = deps.clock.now();
    const waited = now - row.createdAt;
    if (maxWaitMs !== null && waited >= maxWaitMs) {
      giveUp(row, `waited ${Math.round(waited / 60_000)} min: ${error.message}`);
      return;
    }
    const at = now + Math.max(baseDelayMs, error.retryAfterMs ?? baseDelayMs);
    deps.outbox.defer(
      row.key,
      maxWaitMs === null ? at : Math.min(at, row.createdAt + maxWaitMs),
      error.message,
      now,
    );
  }

  function finish(row: OutboxRow, outcome: EffectOutcome): void {
    const now = deps.clock.now();
    const resultJson = outcome.result === undefined ? null : JSON.stringify(outcome.result);
    if (!outcome.event) {
      deps.outbox.done(row.key, resultJson, now);
      return;
    }
    try {
      const result = deps.registry.dispatch(row.negotiationId, outcome.event, {
        completes: { key: row.key, resultJson },
        requestId: row.requestId ?? undefined,
      });
      if (result.status !== 'applied') {
        deps.outbox.done(row.key, resultJson, now);
        if (result.status === 'invalid')
          deps.logger.error(
            { key: row.key, error: result.error },
            'effect result is not a valid event',
          );
      }
    } catch (error) {
      if (!(error instanceof DispatchError)) throw error;
      // Done but not recorded: reconcile soon rather than repeat the effect.
      deps.outbox.reconcileLater(row.key, now + baseDelayMs, error.message, now);
    }
  }

  async function perform(row: OutboxRow): Promise<void> {
    const parsed = outboxEffectSchema.safeParse(safeJson(row.payloadJson));
    if (!parsed.success)
      return giveUp(row, `unreadable payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const handler = deps.handlers[parsed.data.kind] as EffectHandler | undefined;
    if (!handler) return giveUp(row, `no handler for ${parsed.data.kind}`);
    const ctx: EffectContext = {
      key: row.key,
      negotiationId: row.negotiationId,
      attempt: row.attempts,
      requestId: row.requestId,
    };
    const started = deps.clock.now();
    const observe = (outcome: EffectObservation) =>
      options.observe?.(parsed.data.kind, (deps.clock.now() - started) / 1000, outcome);
    try {
      const found =
        row.needsReconcile && handler.reconcile ? await handler.reconcile(parsed.data, ctx) : null;
      const outcome = found ?? (await handler.run(parsed.data, ctx));
      observe('ok');
      finish(row, outcome);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof UnavailableError) {
        observe('waiting');
        return wait(row, error);
      }
      observe(error instanceof RetryableError && row.attempts < maxAttempts ? 'retry' : 'dead');
      if (error instanceof RetryableError && row.attempts < maxAttempts) {
        const now = deps.clock.now();
        deps.outbox.retry(row.key, now + backoff(row.attempts, error.retryAfterMs), message, now);
        deps.logger.warn(
          { key: row.key, attempt: row.attempts, error: message },
          'effect will be retried',
        );
      } else {
        giveUp(
          row,
          row.attempts >= maxAttempts
            ? `gave up after ${row.attempts} attempts: ${message}`
            : message,
        );
      }
    }
  }

  function tick(): void {
    handle = null;
    if (!running) return;
    const free = concurrency - inFlight.size;
    if (free > 0) {
      for (const row of deps.outbox.claim(deps.clock.now(), free, leaseMs)) {
        const task = perform(row)
          .catch((error) => deps.logger.error({ err: error, key: row.key }, 'outbox worker failed'))
          .finally(() => {
            inFlight.delete(task);
            wake();
          });
        inFlight.add(task);
      }
    }
    arm();
  }

  function arm(): void {
    if (handle !== null) deps.clock.clearTimeout(handle);
    handle = null;
    if (!running || inFlight.size >= concurrency) return;
    const next = deps.outbox.nextWakeAt();
    if (next === null) return;
    const delay = Math.min(Math.max(0, next - deps.clock.now()), MAX_TIMER_DELAY_MS);
    handle = deps.clock.setTimeout(tick, delay);
  }

  function wake(): void {
    if (running) arm();
  }

  return {
    start(): void {
      running = true;
      const expired = deps.outbox.expireLeases();
      if (expired > 0)
        deps.logger.warn(
          { effects: expired },
          'effects interrupted by the last stop will be reconciled',
        );
      tick();
    },
    wake,
    /** Stops claiming; resolves when the effects in flight have finished (or the deadline passed). */
    async stop(deadlineMs = 10_000): Promise<boolean> {
      running = false;
      arm();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), deadlineMs);
      });
      const settled = await Promise.race([Promise.all(inFlight).then(() => true), deadline]);
      clearTimeout(timer);
      return settled;
    },
    /** Resolves when nothing is in flight (tests). */
    idle: async (): Promise<void> => {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
    inFlight: (): number => inFlight.size,
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
