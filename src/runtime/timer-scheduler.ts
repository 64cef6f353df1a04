/**
 * Fires durable timers as ordinary events. One Node timer, aimed at the earliest due row (capped
 * below 2^31 ms); overdue rows fire right after start. The event's commit removes the row, so a
 * timer fires exactly once even across crashes; a row re-armed or cleared meanwhile is skipped.
 */
import type { TimerStore } from '../db/timer-store.js';
import type { Logger } from '../observability/logger.js';
import { type Clock, MAX_TIMER_DELAY_MS } from './clock.js';
import { DispatchError, type Registry } from './registry.js';

const BATCH = 200;
const RETRY_AFTER_FAILURE_MS = 1000;

export function createTimerScheduler(deps: {
  timers: TimerStore;
  registry: Registry;
  clock: Clock;
  logger: Logger;
}) {
  let handle: unknown = null;
  let running = false;

  function fireDue(): number {
    let fired = 0;
    for (;;) {
      const rows = deps.timers.due(deps.clock.now(), BATCH);
      let progressed = false;
      for (const row of rows) {
        if (!deps.timers.isCurrent(row)) continue;
        progressed = true;
        let event: unknown;
        try {
          event = JSON.parse(row.eventJson);
        } catch {
          event = null;
        }
        try {
          const result = deps.registry.dispatch(row.negotiationId, event, {
            firedTimer: { key: row.key, generation: row.generation },
          });
          if (result.status === 'applied') fired++;
          else {
            // Finished, unknown or unreadable: nothing can take this timer any more.
            deps.timers.remove(row);
            deps.logger.warn(
              { negotiationId: row.negotiationId, timer: row.key, result },
              'timer dropped',
            );
          }
        } catch (error) {
          if (!(error instanceof DispatchError)) throw error;
          deps.logger.error(
            { err: error, negotiationId: row.negotiationId, timer: row.key },
            'timer event not saved; will retry',
          );
          return fired;
        }
      }
      if (rows.length < BATCH || !progressed) return fired;
    }
  }

  function arm(delayOverride?: number): void {
    if (handle !== null) deps.clock.clearTimeout(handle);
    handle = null;
    if (!running) return;
    const next = deps.timers.nextDueAt();
    if (next === null && delayOverride === undefined) return;
    const delay = delayOverride ?? Math.max(0, (next ?? 0) - deps.clock.now());
    handle = deps.clock.setTimeout(tick, Math.min(delay, MAX_TIMER_DELAY_MS));
  }

  function tick(): void {
    handle = null;
    if (!running) return;
    let failed = false;
    try {
      fireDue();
      failed = deps.timers.due(deps.clock.now(), 1).some((r) => deps.timers.isCurrent(r));
    } catch (error) {
      deps.logger.error({ err: error }, 'timer scheduler failed; will retry');
      failed = true;
    }
    arm(failed ? RETRY_AFTER_FAILURE_MS : undefined);
  }

  return {
    start(): void {
      running = true;
      tick();
    },
    /** A commit set or cleared timers: re-aim at the earliest one. */
    wake(): void {
      if (running) arm();
    },
    stop(): void {
      running = false;
      arm();
    },
    fireDue,
  };
}

export type TimerScheduler = ReturnType<typeof createTimerScheduler>;
