/**
 * Slack messages the agent posted, by effect key: the record that a post happened (a retry adopts
 * it instead of posting again), and where a negotiation's latest message is, so a later notice
 * can answer in its thread.
 */
import type Database from 'better-sqlite3';

export interface SlackMessageRow {
  key: string;
  negotiationId: string | null;
  kind: string;
  channel: string;
  ts: string;
  /** The parent's ts when the message is a thread reply. */
  threadTs: string | null;
  postedAt: number;
}

const COLUMNS = `key, negotiation_id as negotiationId, kind, channel, ts, thread_ts as threadTs,
  posted_at as postedAt`;

export type SlackStore = ReturnType<typeof createSlackStore>;

export function createSlackStore(sqlite: Database.Database) {
  const insert = sqlite.prepare(`insert into slack_messages
    (key, negotiation_id, kind, channel, ts, thread_ts, posted_at)
    values (@key, @negotiationId, @kind, @channel, @ts, @threadTs, @postedAt)
    on conflict (key) do nothing`);
  const selectKey = sqlite.prepare(`select ${COLUMNS} from slack_messages where key = ?`);
  const selectTopLevel = sqlite.prepare(`select ${COLUMNS} from slack_messages
    where negotiation_id = ? and thread_ts is null order by posted_at desc, rowid desc limit ?`);

  return {
    /** Keeps the first record of a key: a message is posted once, so a repeat changes nothing. */
    record(row: SlackMessageRow): void {
      insert.run(row);
    },
    byKey: (key: string): SlackMessageRow | null =>
      (selectKey.get(key) as SlackMessageRow | undefined) ?? null,
    /** The negotiation's newest top-level message (thread replies go under it), if any. */
    latestFor: (negotiationId: string): SlackMessageRow | null =>
      (selectTopLevel.get(negotiationId, 1) as SlackMessageRow | undefined) ?? null,
    /** Its newest top-level messages, newest first: the threads a reply may have gone to. */
    topLevelFor: (negotiationId: string, limit: number): SlackMessageRow[] =>
      selectTopLevel.all(negotiationId, limit) as SlackMessageRow[],
  };
}
