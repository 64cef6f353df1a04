/** Outbox rows: claimed with a lease, retried with backoff, finished as done or dead. */
import type Database from 'better-sqlite3';

export interface OutboxRow {
  key: string;
  negotiationId: string;
  kind: string;
  payloadJson: string;
  attempts: number;
  requestId: string | null;
  createdAt: number;
  /** It was in flight when a lease ran out (a crash mid-effect): look it up before redoing it. */
  needsReconcile: boolean;
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;

export function createOutboxStore(sqlite: Database.Database) {
  const selectDue = sqlite.prepare(`select key, negotiation_id as negotiationId, kind,
    payload_json as payloadJson, attempts, request_id as requestId, created_at as createdAt, status
    from outbox where (status = 'pending' and next_attempt_at <= @now)
       or (status = 'in_flight' and lease_until <= @now)
    order by next_attempt_at limit @limit`);
  const lease = sqlite.prepare(`update outbox set status = 'in_flight', attempts = attempts + 1,
    lease_until = ?, updated_at = ? where key = ?`);
  const retry = sqlite.prepare(`update outbox set status = 'pending', next_attempt_at = ?,
    lease_until = null, last_error = ?, updated_at = ? where key = ? and status = 'in_flight'`);
  const defer = sqlite.prepare(`update outbox set status = 'pending', next_attempt_at = ?,
    attempts = max(0, attempts - 1), lease_until = null, last_error = ?, updated_at = ?
    where key = ? and status = 'in_flight'`);
  const dead = sqlite.prepare(`update outbox set status = 'dead', lease_until = null,
    last_error = ?, updated_at = ? where key = ? and status != 'done'`);
  const done = sqlite.prepare(`update outbox set status = 'done', result_json = ?,
    lease_until = null, updated_at = ? where key = ? and status != 'done'`);
  const relapse = sqlite.prepare(`update outbox set lease_until = ?, last_error = ?, updated_at = ?
    where key = ? and status = 'in_flight'`);
  const nextWake = sqlite.prepare(`select min(case when status = 'pending' then next_attempt_at
    else lease_until end) as at from outbox where status in ('pending', 'in_flight')`);
  const expireLeases = sqlite.prepare(
    `update outbox set lease_until = 0 where status = 'in_flight'`,
  );
  const counts = sqlite.prepare('select status, count(*) as n from outbox group by status');

  const claim = sqlite.transaction((now: number, limit: number, leaseMs: number): OutboxRow[] => {
    const rows = selectDue.all({ now, limit }) as Array<
      Omit<OutboxRow, 'needsReconcile'> & { status: string }
    >;
    return rows.map(({ status, ...row }) => {
      lease.run(now + leaseMs, now, row.key);
      return { ...row, attempts: row.attempts + 1, needsReconcile: status === 'in_flight' };
    });
  });

  return {
    /** Leases up to `limit` due rows, including in-flight rows whose lease ran out. */
    claim: (now: number, limit: number, leaseMs: number): OutboxRow[] => claim(now, limit, leaseMs),
    retry: (key: string, at: number, error: string, now: number): void =>
      void retry.run(at, error, now, key),
    /** Not tried (the peer is known to be down): wait without using up an attempt. */
    defer: (key: string, at: number, error: string, now: number): void =>
      void defer.run(at, error, now, key),
    dead: (key: string, error: string, now: number): void => void dead.run(error, now, key),
    done: (key: string, resultJson: string | null, now: number): void =>
      void done.run(resultJson, now, key),
    /**
     * The effect happened but its result could not be saved: keep the row in flight with a short
     * lease, so the next claim reconciles (looks the effect up) instead of doing it again.
     */
    reconcileLater: (key: string, at: number, error: string, now: number): void =>
      void relapse.run(at, error, now, key),
    /** When the worker next has something to do (null: nothing pending). */
    nextWakeAt: (): number | null => (nextWake.get() as { at: number | null }).at,
    /**
     * At startup no effect of this process is in flight: whatever is marked so was cut off by a
     * crash, and is reconciled at once instead of waiting for its lease.
     */
    expireLeases: (): number => expireLeases.run().changes,
    counts: (): Record<string, number> =>
      Object.fromEntries(
        (counts.all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]),
      ),
  };
}
