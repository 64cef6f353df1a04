/** Durable timers: one row per negotiation and timer name, with a generation per re-arm. */
import type Database from 'better-sqlite3';

export interface TimerRow {
  negotiationId: string;
  key: string;
  dueAt: number;
  generation: number;
  eventJson: string;
}

export type TimerStore = ReturnType<typeof createTimerStore>;

export function createTimerStore(sqlite: Database.Database) {
  const due = sqlite.prepare(`select negotiation_id as negotiationId, key, due_at as dueAt,
    generation, event_json as eventJson from timers where due_at <= ? order by due_at limit ?`);
  const generation = sqlite.prepare(
    'select generation from timers where negotiation_id = ? and key = ?',
  );
  const next = sqlite.prepare('select min(due_at) as at from timers');
  const remove = sqlite.prepare(
    'delete from timers where negotiation_id = ? and key = ? and generation = ?',
  );
  return {
    due: (now: number, limit: number): TimerRow[] => due.all(now, limit) as TimerRow[],
    /** Whether the row is still the one armed last (a later transition may have re-armed or cleared it). */
    isCurrent: (row: Pick<TimerRow, 'negotiationId' | 'key' | 'generation'>): boolean =>
      (generation.get(row.negotiationId, row.key) as { generation: number } | undefined)
        ?.generation === row.generation,
    nextDueAt: (): number | null => (next.get() as { at: number | null }).at,
    remove: (row: Pick<TimerRow, 'negotiationId' | 'key' | 'generation'>): void =>
      void remove.run(row.negotiationId, row.key, row.generation),
  };
}
