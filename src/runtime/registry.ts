/**
 * One live actor per non-terminal negotiation, and the single way to change one: `dispatch`.
 * An event is applied and committed synchronously — snapshot, transition row, declared outbox
 * rows and timers, dedupe row — so events to one negotiation are applied one at a time and the
 * caller learns of success only after the commit. A failed commit discards the in-memory actor
 * and restores it from the database, so memory never runs ahead of disk.
 * Longer than most files: create, dispatch and restore share the map of live actors and its
 * invariants, and read best side by side.
 */
import { type AnyActorRef, createActor, type InspectionEvent } from 'xstate';
import {
  type Emitted,
  MACHINE_VERSION,
  type NegotiationEvent,
  type NegotiationInput,
  negotiationMachine,
  parseNegotiationEvent,
  parsePersistedSnapshot,
  type SnapshotMigrations,
} from '../../machines/negotiation/index.js';
import type { NegotiationStore } from '../db/negotiation-store.js';
import type { Logger } from '../observability/logger.js';
import type { Clock } from './clock.js';
import { declaredRows, safeInspector, splitDedupeKey } from './declared-rows.js';

export interface DispatchOptions {
  /** `source:id` of the delivery (a Gmail message, a Slack action…): a repeat is acknowledged only. */
  dedupeKey?: string;
  requestId?: string;
  /** This event is the result of that outbox row: it is marked done in the same transaction. */
  completes?: { key: string; resultJson: string | null };
  /** This event comes from that timer row: it is removed in the same transaction. */
  firedTimer?: { key: string; generation: number };
}

export type DispatchResult =
  | {
      status: 'applied';
      seq: number;
      from: string;
      to: string;
      ignored: string | null;
      outbox: number;
      timers: number;
    }
  | { status: 'duplicate' }
  | { status: 'not_found' }
  | { status: 'finished'; negotiationStatus: string }
  | { status: 'invalid'; error: string };

/** The commit failed; nothing was written and the actor was restored from the database. */
export class DispatchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DispatchError';
  }
}

export interface NewNegotiationParams {
  id: string;
  campaignId?: string | null;
  threadId?: string | null;
  influencer: {
    email: string;
    name?: string | null;
    handle?: string | null;
    platform: string;
    averageViews?: number | null;
  };
  input: NegotiationInput;
  requestId?: string | null;
}

export interface RegistryDeps {
  store: NegotiationStore;
  clock: Clock;
  logger: Logger;
  /** Sees every actor event (the Stately inspector); its failures never reach a negotiation. */
  inspect?: (event: InspectionEvent) => void;
  /** Snapshot migrations by machine version (defaults to the machine's own). */
  snapshotMigrations?: SnapshotMigrations;
  /** Called after every commit that declared effects or timers, to wake the workers. */
  onCommitted?: (info: { negotiationId: string; outbox: number; timers: number }) => void;
}

type Live = { actor: AnyActorRef; buffer: Emitted[]; seq: number };

export type Registry = ReturnType<typeof createRegistry>;

export function createRegistry(deps: RegistryDeps) {
  const live = new Map<string, Live>();
  const inspect = deps.inspect && safeInspector(deps.inspect, deps.logger);

  function spawn(
    id: string,
    seq: number,
    options: { snapshot?: unknown; input?: NegotiationInput },
  ): Live {
    const buffer: Emitted[] = [];
    // A restored actor takes its context from the snapshot; the input is then never read.
    const actor = createActor(negotiationMachine, {
      id,
      input: options.input as NegotiationInput,
      ...(options.snapshot ? { snapshot: options.snapshot as never } : {}),
      ...(inspect ? { inspect } : {}),
    });
    actor.on('*', (event) => buffer.push(event as Emitted));
    return { actor, buffer, seq };
  }

  /** Restores one negotiation from its row; returns why it cannot, or null. Never throws. */
  function restore(row: {
    id: string;
    machineVersion: number;
    snapshotJson: string;
    seq: number;
  }): string | null {
    const parsed = parsePersistedSnapshot(
      row.snapshotJson,
      row.machineVersion,
      deps.snapshotMigrations,
    );
    if (!parsed.ok) return parsed.error;
    // A snapshot that is not active must never be started: XState would crash the process.
    if (parsed.snapshot.status !== 'active') return `snapshot status is ${parsed.snapshot.status}`;
    const entry = spawn(row.id, row.seq, { snapshot: parsed.snapshot });
    try {
      entry.actor.start();
    } catch (error) {
      return `start failed: ${(error as Error).message}`;
    }
    if (entry.actor.getSnapshot().status !== 'active') {
      entry.actor.stop();
      return 'restored actor is not active';
    }
    entry.buffer.length = 0;
    live.set(row.id, entry);
    return null;
  }

  function markError(id: string, reason: string): void {
    deps.store.markError(id, deps.clock.now());
    deps.logger.error(
      { negotiationId: id, reason },
      'negotiation cannot be restored; marked error',
    );
  }

  function discardAndRestore(id: string): void {
    live.get(id)?.actor.stop();
    live.delete(id);
    const row = deps.store.one(id);
    const problem = row?.status === 'active' ? restore(row) : null;
    if (problem !== null) markError(id, problem);
  }

  function create(params: NewNegotiationParams): void {
    if (live.has(params.id) || deps.store.one(params.id)) {
      throw new DispatchError(`negotiation ${params.id} already exists`);
    }
    const entry = spawn(params.id, 0, { input: params.input });
    entry.actor.start();
    const snapshot = entry.actor.getSnapshot();
    if (entry.buffer.some((e) => e.type === 'effect')) {
      entry.actor.stop();
      throw new DispatchError('the initial state must not declare effects');
    }
    try {
      deps.store.create({
        id: params.id,
        campaignId: params.campaignId ?? null,
        threadId: params.threadId ?? null,
        influencerEmail: params.influencer.email,
        influencerName: params.influencer.name ?? null,
        influencerHandle: params.influencer.handle ?? null,
        platform: params.influencer.platform,
        averageViews: params.influencer.averageViews ?? null,
        state: String(snapshot.value),
        machineVersion: MACHINE_VERSION,
        snapshotJson: JSON.stringify(entry.actor.getPersistedSnapshot()),
        at: deps.clock.now(),
        requestId: params.requestId ?? null,
      });
    } catch (error) {
      entry.actor.stop();
      throw new DispatchError(
        `negotiation ${params.id} could not be stored: ${(error as Error).message}`,
        { cause: error },
      );
    }
    entry.buffer.length = 0;
    live.set(params.id, entry);
  }

  function dispatch(id: string, input: unknown, options: DispatchOptions = {}): DispatchResult {
    const parsed = parseNegotiationEvent(input);
    if (!parsed.ok) return { status: 'invalid', error: parsed.error };
    const event = parsed.event;
    const inbox = options.dedupeKey ? splitDedupeKey(options.dedupeKey) : null;
    if (inbox && deps.store.inboxHas(inbox.source, inbox.externalId))
      return { status: 'duplicate' };
    const entry = live.get(id);
    if (!entry) {
      const row = deps.store.seqOf(id);
      return row ? { status: 'finished', negotiationStatus: row.status } : { status: 'not_found' };
    }
    return apply(id, entry, event, inbox, options);
  }

  function apply(
    id: string,
    entry: Live,
    event: NegotiationEvent,
    inbox: { source: string; externalId: string } | null,
    options: DispatchOptions,
  ): DispatchResult {
    const from = String(entry.actor.getSnapshot().value);
    entry.buffer.length = 0;
    entry.actor.send(event);
    const after = entry.actor.getSnapshot();
    const emitted = entry.buffer.splice(0);
    if (after.status === 'error') {
      discardAndRestore(id);
      throw new DispatchError(`negotiation ${id} failed on ${event.type}: ${String(after.error)}`);
    }
    const now = deps.clock.now();
    const { outbox, timers, ignored } = declaredRows(emitted, now);
    const to = String(after.value);
    let seq: number;
    try {
      seq = deps.store.commit({
        negotiationId: id,
        expectedSeq: entry.seq,
        machineVersion: MACHINE_VERSION,
        snapshotJson: JSON.stringify(entry.actor.getPersistedSnapshot()),
        state: to,
        status: after.status === 'done' ? 'done' : 'active',
        eventType: event.type,
        eventJson: JSON.stringify(event),
        fromState: from,
        toState: to,
        note: ignored,
        requestId: options.requestId ?? null,
        at: now,
        outbox,
        timers,
        inbox,
        completes: options.completes ?? null,
        firedTimer: options.firedTimer ?? null,
      });
    } catch (error) {
      discardAndRestore(id);
      throw new DispatchError(
        `negotiation ${id}: ${event.type} was not saved: ${(error as Error).message}`,
        { cause: error },
      );
    }
    entry.seq = seq;
    if (after.status === 'done') {
      entry.actor.stop();
      live.delete(id);
    }
    if (outbox.length > 0 || timers.length > 0)
      deps.onCommitted?.({ negotiationId: id, outbox: outbox.length, timers: timers.length });
    return {
      status: 'applied',
      seq,
      from,
      to,
      ignored,
      outbox: outbox.length,
      timers: timers.length,
    };
  }

  return {
    create,
    dispatch,
    restore,
    markError,
    isLive: (id: string): boolean => live.has(id),
    liveCount: (): number => live.size,
    /** The in-memory snapshot, for tests and diagnostics. */
    snapshotOf: (id: string) => live.get(id)?.actor.getPersistedSnapshot(),
    stopAll(): void {
      for (const entry of live.values()) entry.actor.stop();
      live.clear();
    },
  };
}
