/**
 * The durability core, composed: registry (dispatch), rehydrator, timer scheduler and outbox
 * worker over one SQLite connection. Start order: restore negotiations, then fire overdue
 * timers, then run the effects left pending.
 */
import type Database from 'better-sqlite3';
import type { InspectionEvent } from 'xstate';
import type { SnapshotMigrations } from '../../machines/negotiation/index.js';
import { createNegotiationStore } from '../db/negotiation-store.js';
import { createOutboxStore } from '../db/outbox-store.js';
import { createTimerStore } from '../db/timer-store.js';
import type { Logger } from '../observability/logger.js';
import type { Clock } from './clock.js';
import {
  createOutboxWorker,
  type EffectHandlers,
  type OutboxWorkerOptions,
} from './outbox-worker.js';
import { createRegistry } from './registry.js';
import { type RehydrationReport, rehydrate } from './rehydrate.js';
import { createTimerScheduler } from './timer-scheduler.js';

export interface RuntimeDeps {
  sqlite: Database.Database;
  clock: Clock;
  logger: Logger;
  handlers: EffectHandlers;
  inspect?: (event: InspectionEvent) => void;
  outbox?: OutboxWorkerOptions;
  snapshotMigrations?: SnapshotMigrations;
}

export function createRuntime(deps: RuntimeDeps) {
  const store = createNegotiationStore(deps.sqlite);
  const outbox = createOutboxStore(deps.sqlite);
  const timers = createTimerStore(deps.sqlite);
  const registry = createRegistry({
    store,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.inspect ? { inspect: deps.inspect } : {}),
    ...(deps.snapshotMigrations ? { snapshotMigrations: deps.snapshotMigrations } : {}),
    onCommitted: (info) => {
      if (info.timers > 0) scheduler.wake();
      if (info.outbox > 0) worker.wake();
    },
  });
  const scheduler = createTimerScheduler({
    timers,
    registry,
    clock: deps.clock,
    logger: deps.logger,
  });
  const worker = createOutboxWorker(
    { outbox, registry, handlers: deps.handlers, clock: deps.clock, logger: deps.logger },
    deps.outbox,
  );

  return {
    registry,
    store,
    outbox,
    timers,
    scheduler,
    worker,
    create: registry.create,
    dispatch: registry.dispatch,
    start(): RehydrationReport {
      const report = rehydrate({ store, registry, logger: deps.logger });
      scheduler.start();
      worker.start();
      return report;
    },
    /**
     * The first half of `start`: negotiations restored and taking events, nothing performed
     * yet — for a service whose effect handlers need something read at startup first (the
     * mailbox address). `startWorkers` is the second half.
     */
    restore(): RehydrationReport {
      return rehydrate({ store, registry, logger: deps.logger });
    },
    startWorkers(): void {
      scheduler.start();
      worker.start();
    },
    /** Stops timers and new effects, waits for effects in flight, stops every actor. */
    async stop(deadlineMs?: number): Promise<boolean> {
      scheduler.stop();
      const drained = await worker.stop(deadlineMs);
      registry.stopAll();
      return drained;
    },
  };
}

export type Runtime = ReturnType<typeof createRuntime>;
export type {
  EffectContext,
  EffectHandler,
  EffectHandlers,
  EffectOutcome,
} from './outbox-worker.js';
export { DispatchError, type DispatchOptions, type DispatchResult } from './registry.js';
