/**
 * The durable side of negotiations: every transition is written in one synchronous SQLite
 * transaction with the effects and timers it declared. Prepared statements on the hot path.
 */
import type Database from 'better-sqlite3';

export type TimerOp =
  | { op: 'set'; key: string; dueAt: number; eventJson: string }
  | { op: 'clear'; key: string };

export interface NewNegotiation {
  id: string;
  campaignId: string | null;
  threadId: string | null;
  influencerEmail: string;
  influencerName: string | null;
  influencerHandle: string | null;
  platform: string;
  /** Average views from the influencer sheet, when known. */
  averageViews?: number | null;
  state: string;
  machineVersion: number;
  snapshotJson: string;
  at: number;
  requestId: string | null;
}

export interface TransitionCommit {
  negotiationId: string;
  expectedSeq: number;
  machineVersion: number;
  snapshotJson: string;
  state: string;
  status: 'active' | 'done';
  eventType: string;
  eventJson: string;
  fromState: string;
  toState: string;
  note: string | null;
  requestId: string | null;
  at: number;
  outbox: Array<{ key: string; kind: string; payloadJson: string }>;
  timers: TimerOp[];
  /** The dedupe row that makes a redelivered event a no-op. */
  inbox: { source: string; externalId: string } | null;
  /** The outbox row whose result this event is: marked done in the same transaction. */
  completes: { key: string; resultJson: string | null } | null;
  /** The timer row this event came from: removed in the same transaction. */
  firedTimer: { key: string; generation: number } | null;
}

/** Another writer changed the negotiation since it was read: nothing was written. */
export class SeqConflictError extends Error {
  constructor(negotiationId: string, expected: number) {
    super(`negotiation ${negotiationId} is no longer at seq ${expected}`);
    this.name = 'SeqConflictError';
  }
}

export type NegotiationStore = ReturnType<typeof createNegotiationStore>;

export function createNegotiationStore(sqlite: Database.Database) {
  const insertNegotiation = sqlite.prepare(`insert into negotiations
    (id, campaign_id, thread_id, influencer_email, influencer_name, influencer_handle, platform,
     average_views, state, status, machine_version, snapshot_json, seq, created_at, updated_at)
    values (@id, @campaignId, @threadId, @influencerEmail, @influencerName, @influencerHandle,
     @platform, @averageViews, @state, 'active', @machineVersion, @snapshotJson, 0, @at, @at)`);
  const updateNegotiation = sqlite.prepare(`update negotiations set snapshot_json = @snapshotJson,
    seq = seq + 1, state = @state, status = @status, machine_version = @machineVersion,
    updated_at = @at where id = @negotiationId and seq = @expectedSeq`);
  const insertTransition = sqlite.prepare(`insert into transitions
    (negotiation_id, seq, event_type, event_json, from_state, to_state, note, at, request_id)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertOutbox = sqlite.prepare(`insert into outbox
    (key, negotiation_id, kind, payload_json, status, attempts, next_attempt_at, request_id,
     created_at, updated_at) values (?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`);
  const upsertTimer = sqlite.prepare(`insert into timers
    (negotiation_id, key, due_at, generation, event_json) values (?, ?, ?, ?, ?)
    on conflict (negotiation_id, key) do update set due_at = excluded.due_at,
    generation = excluded.generation, event_json = excluded.event_json`);
  const deleteTimer = sqlite.prepare('delete from timers where negotiation_id = ? and key = ?');
  const deleteFiredTimer = sqlite.prepare(
    'delete from timers where negotiation_id = ? and key = ? and generation = ?',
  );
  const deleteAllTimers = sqlite.prepare('delete from timers where negotiation_id = ?');
  const insertInbox = sqlite.prepare(
    'insert into inbox (source, external_id, negotiation_id, received_at) values (?, ?, ?, ?)',
  );
  const selectInbox = sqlite.prepare('select 1 from inbox where source = ? and external_id = ?');
  const completeOutbox = sqlite.prepare(`update outbox set status = 'done', result_json = ?,
    lease_until = null, updated_at = ? where key = ? and status != 'done'`);
  const selectSeq = sqlite.prepare('select seq, status from negotiations where id = ?');
  const markError = sqlite.prepare(
    `update negotiations set status = 'error', updated_at = ? where id = ?`,
  );
  const selectActive = sqlite.prepare(
    `select id, machine_version as machineVersion, snapshot_json as snapshotJson, seq
     from negotiations where status = 'active'`,
  );
  const selectOne = sqlite.prepare(
    `select id, machine_version as machineVersion, snapshot_json as snapshotJson, seq, status
     from negotiations where id = ?`,
  );

  const create = sqlite.transaction((row: NewNegotiation) => {
    const { requestId: _requestId, ...columns } = row;
    insertNegotiation.run({ ...columns, averageViews: row.averageViews ?? null });
    insertTransition.run(
      row.id,
      0,
      'xstate.init',
      '{}',
      '',
      row.state,
      null,
      row.at,
      row.requestId,
    );
  });

  const commit = sqlite.transaction((c: TransitionCommit): number => {
    const updated = updateNegotiation.run({
      snapshotJson: c.snapshotJson,
      state: c.state,
      status: c.status,
      machineVersion: c.machineVersion,
      at: c.at,
      negotiationId: c.negotiationId,
      expectedSeq: c.expectedSeq,
    });
    if (updated.changes !== 1) throw new SeqConflictError(c.negotiationId, c.expectedSeq);
    const seq = c.expectedSeq + 1;
    insertTransition.run(
      c.negotiationId,
      seq,
      c.eventType,
      c.eventJson,
      c.fromState,
      c.toState,
      c.note,
      c.at,
      c.requestId,
    );
    for (const o of c.outbox) {
      insertOutbox.run(
        o.key,
        c.negotiationId,
        o.kind,
        o.payloadJson,
        c.at,
        c.requestId,
        c.at,
        c.at,
      );
    }
    if (c.firedTimer)
      deleteFiredTimer.run(c.negotiationId, c.firedTimer.key, c.firedTimer.generation);
    for (const t of c.timers) {
      // The generation is the seq that armed it: unique per negotiation, even after a delete.
      if (t.op === 'set') upsertTimer.run(c.negotiationId, t.key, t.dueAt, seq, t.eventJson);
      else deleteTimer.run(c.negotiationId, t.key);
    }
    if (c.status === 'done') deleteAllTimers.run(c.negotiationId);
    if (c.inbox) insertInbox.run(c.inbox.source, c.inbox.externalId, c.negotiationId, c.at);
    if (c.completes) completeOutbox.run(c.completes.resultJson, c.at, c.completes.key);
    return seq;
  });

  return {
    create: (row: NewNegotiation): void => create(row),
    commit: (c: TransitionCommit): number => commit(c),
    inboxHas: (source: string, externalId: string): boolean =>
      selectInbox.get(source, externalId) !== undefined,
    seqOf: (id: string) => selectSeq.get(id) as { seq: number; status: string } | undefined,
    markError: (id: string, at: number): void => void markError.run(at, id),
    active: () =>
      selectActive.iterate() as IterableIterator<{
        id: string;
        machineVersion: number;
        snapshotJson: string;
        seq: number;
      }>,
    one: (id: string) =>
      selectOne.get(id) as
        | { id: string; machineVersion: number; snapshotJson: string; seq: number; status: string }
        | undefined,
  };
}
