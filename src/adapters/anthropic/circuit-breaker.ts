/**
 * A circuit breaker around the model (OBS-06). After `failureThreshold` transport failures in a
 * row it opens: calls are refused at once with a `CircuitOpenError` (an UnavailableError whose
 * `retryAfterMs` is the time until the next probe), so the outbox worker keeps the effect queued
 * without counting an attempt and tries again later — nothing is lost, and nothing is half-done
 * because the call never starts.
 * When the open period is over, the next call is the single probe (half-open): success closes
 * the circuit, a transport failure re-opens it for twice as long (up to `maxOpenMs`).
 *
 * Only transport failures count (RetryableError: rate limits, overload, 5xx, timeouts). A refusal
 * or malformed output is a value the model returned, and a PermanentError is an answer too: both
 * prove the API is reachable. One incident runs from opening to closing, re-opens included, and
 * is announced exactly once through `onIncident`.
 */
import { PermanentError, RetryableError, UnavailableError } from '../../domain/errors.js';
import { type Logger, silentLogger } from '../../observability/logger.js';
import type { Clock } from '../../runtime/clock.js';

export type CircuitState = 'closed' | 'half_open' | 'open';

/** The gauge value of each state: 0 closed, 1 half-open, 2 open. */
export const CIRCUIT_STATE_VALUE: Readonly<Record<CircuitState, number>> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

export interface CircuitIncident {
  openedAt: number;
  /** null while the incident lasts. */
  closedAt: number | null;
  /** Consecutive transport failures that opened the circuit. */
  failures: number;
  /** Probes that failed and re-opened it. */
  failedProbes: number;
  lastError: string;
}

export interface CircuitStateChange {
  from: CircuitState;
  to: CircuitState;
  at: number;
  incident: CircuitIncident | null;
}

export interface CircuitBreakerOptions {
  clock: Pick<Clock, 'now'>;
  /** Transport failures in a row that open the circuit. Default 5. */
  failureThreshold?: number;
  /** The first open period; each failed probe doubles it. Default 30 s. */
  openMs?: number;
  /** The longest open period. Default 5 min. */
  maxOpenMs?: number;
  /** How long callers are told to wait while the probe is out. Default 5 s. */
  probeWaitMs?: number;
  /** A probe unsettled after this long is presumed lost, and the next call probes. Default 2 min. */
  probeTimeoutMs?: number;
  /** What is behind the breaker, for messages ("the model"). */
  name?: string;
  onStateChange?: (change: CircuitStateChange) => void;
  /** Called once per incident, when the circuit first opens: the alert hook. */
  onIncident?: (incident: CircuitIncident) => void;
  logger?: Logger;
}

/** Refused without calling: the circuit is open (or its one probe is out). */
export class CircuitOpenError extends UnavailableError {
  /**
   * True when the call was made and its failure is what opened (or re-opened) the circuit; the
   * transport error is the `cause`. False when the call was refused without being made.
   */
  readonly attempted: boolean;
  constructor(message: string, retryAfterMs: number, cause?: unknown) {
    super(message, retryAfterMs);
    this.name = 'CircuitOpenError';
    this.attempted = cause !== undefined;
    if (cause !== undefined) this.cause = cause;
  }
}

type Outcome = 'success' | 'failure' | 'neutral';

function outcomeOf(error: unknown): Outcome {
  // A refusal from another breaker says nothing about this peer.
  if (error instanceof CircuitOpenError) return 'neutral';
  if (error instanceof RetryableError) return 'failure';
  if (error instanceof PermanentError) return 'success';
  // Our own bug (a TypeError before the request left): no evidence either way.
  return 'neutral';
}

export function createCircuitBreaker(options: CircuitBreakerOptions) {
  const threshold = options.failureThreshold ?? 5;
  const baseOpenMs = options.openMs ?? 30_000;
  const maxOpenMs = Math.max(baseOpenMs, options.maxOpenMs ?? 5 * 60_000);
  const probeWaitMs = options.probeWaitMs ?? 5_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 2 * 60_000;
  const name = options.name ?? 'the model';
  const logger = options.logger ?? silentLogger;
  const { clock } = options;

  let state: CircuitState = 'closed';
  // Bumped whenever a result would be judged differently: answers to calls let in under an
  // earlier generation (before the circuit opened, or a probe presumed lost) are ignored.
  let generation = 0;
  let failures = 0;
  let lastError = '';
  let openMs = baseOpenMs;
  let openUntil = 0;
  let probeStartedAt: number | null = null;
  let incident: CircuitIncident | null = null;

  function notify(hook: 'onStateChange' | 'onIncident', call: () => void): void {
    try {
      call();
    } catch (error) {
      // An alert that fails must not turn into a failed model call.
      logger.error({ err: error, hook }, 'circuit breaker hook failed');
    }
  }

  function moveTo(to: CircuitState, at: number): void {
    const from = state;
    state = to;
    generation++;
    const change = { from, to, at, incident: incident && { ...incident } };
    if (options.onStateChange) notify('onStateChange', () => options.onStateChange?.(change));
  }

  function open(at: number): void {
    const first = state === 'closed';
    if (first) {
      openMs = baseOpenMs;
      incident = { openedAt: at, closedAt: null, failures, failedProbes: 0, lastError };
    } else if (incident) {
      openMs = Math.min(openMs * 2, maxOpenMs);
      incident.failedProbes++;
      incident.lastError = lastError;
    }
    openUntil = at + openMs;
    probeStartedAt = null;
    moveTo('open', at);
    logger.warn({ openMs, failures, lastError }, `circuit open: ${name} is unavailable`);
    const opened = incident && { ...incident };
    if (first && opened && options.onIncident)
      notify('onIncident', () => options.onIncident?.(opened));
  }

  function close(at: number): void {
    if (incident) incident.closedAt = at;
    failures = 0;
    openMs = baseOpenMs;
    probeStartedAt = null;
    moveTo('closed', at);
    logger.info({ incident }, `circuit closed: ${name} is back`);
  }

  function refuse(retryAfterMs: number, why: string, cause?: unknown): CircuitOpenError {
    const wait = Math.max(1, Math.ceil(retryAfterMs));
    return new CircuitOpenError(
      `${name} is unavailable (${why}; last error: ${lastError || 'none'}); try again in ${wait} ms`,
      wait,
      cause,
    );
  }

  /** Lets a call through (returning its generation) or throws CircuitOpenError. */
  function admit(now: number): number {
    if (state === 'open') {
      if (now < openUntil) throw refuse(openUntil - now, 'circuit open');
      probeStartedAt = now;
      moveTo('half_open', now);
      return generation;
    }
    if (state === 'half_open') {
      if (probeStartedAt !== null && now - probeStartedAt < probeTimeoutMs)
        throw refuse(probeWaitMs, 'a probe is under way');
      probeStartedAt = now;
      generation++;
      return generation;
    }
    return generation;
  }

  function settle(admitted: number, outcome: Outcome, error?: unknown): void {
    if (admitted !== generation) return;
    const now = clock.now();
    if (outcome === 'failure') lastError = error instanceof Error ? error.message : String(error);
    if (state === 'closed') {
      if (outcome === 'success') failures = 0;
      else if (outcome === 'failure' && ++failures >= threshold) open(now);
    } else if (state === 'half_open') {
      if (outcome === 'success') close(now);
      else if (outcome === 'failure') open(now);
      // A neutral probe proved nothing: the next call probes straight away.
      else probeStartedAt = null;
    }
  }

  return {
    /**
     * Runs `fn` unless the circuit is open; its result or error passes through unchanged, except
     * a failure that opens (or re-opens) the circuit: that one becomes a CircuitOpenError too
     * (`attempted`, the failure as its cause), because the outage — not this call — is what
     * failed, and waiting for it must not use up the caller's retries.
     */
    async run<T>(fn: () => Promise<T>): Promise<T> {
      const admitted = admit(clock.now());
      try {
        const value = await fn();
        settle(admitted, 'success');
        return value;
      } catch (error) {
        const outcome = outcomeOf(error);
        const before = state;
        settle(admitted, outcome, error);
        if (outcome === 'failure' && state === 'open' && before !== 'open')
          throw refuse(openUntil - clock.now(), 'circuit opened', error);
        throw error;
      }
    },
    state: (): CircuitState => state,
    /** For the gauge: 0 closed, 1 half-open, 2 open. */
    stateValue: (): number => CIRCUIT_STATE_VALUE[state],
    /** The current or most recent incident (a copy), or null if there has never been one. */
    lastIncident: (): CircuitIncident | null => incident && { ...incident },
    /** When the next probe may go out; null unless open. */
    nextProbeAt: (): number | null => (state === 'open' ? openUntil : null),
  };
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
