/**
 * Reads of negotiations for the people in Slack: find them by influencer (exact email, handle with
 * or without "@", name, or the negotiation id), best match first, with the figures a status line
 * shows; the draft a negotiation holds, for editing it in a modal; and who took a decision made
 * under a Slack dedupe key. Figures come from the stored snapshot's context, read with
 * json_extract so a search never restores an actor.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';

/** How a negotiation matched a query, best first: an exact id beats a partial name. */
export const MATCH_KINDS = ['id', 'email', 'handle', 'name', 'partial_name'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export interface NegotiationMatch {
  id: string;
  matchedBy: MatchKind;
  campaignId: string | null;
  threadId: string | null;
  influencerEmail: string;
  influencerName: string | null;
  influencerHandle: string | null;
  platform: string;
  state: string;
  status: 'active' | 'done' | 'error';
  round: number | null;
  maxRounds: number | null;
  lastOfferCents: number | null;
  askCents: number | null;
  agreedCents: number | null;
  floorCents: number | null;
  ceilingCents: number | null;
  /** Who took the thread over (`<@U…>`), when the newest move into humanControl names someone. */
  takenOverBy: string | null;
  updatedAt: number;
}

export interface SearchOptions {
  limit: number;
  /** Only negotiations the agent still runs (status active). */
  activeOnly?: boolean;
}

const MATCH_COLUMNS = `n.id, n.campaign_id as campaignId, n.thread_id as threadId,
  n.influencer_email as influencerEmail, n.influencer_name as influencerName,
  n.influencer_handle as influencerHandle, n.platform, n.state, n.status,
  json_extract(n.snapshot_json, '$.context.round') as round,
  json_extract(n.snapshot_json, '$.context.terms.maxRounds') as maxRounds,
  json_extract(n.snapshot_json, '$.context.lastOfferCents') as lastOfferCents,
  json_extract(n.snapshot_json, '$.context.askCents') as askCents,
  json_extract(n.snapshot_json, '$.context.agreedCents') as agreedCents,
  json_extract(n.snapshot_json, '$.context.terms.floorCents') as floorCents,
  json_extract(n.snapshot_json, '$.context.terms.ceilingCents') as ceilingCents,
  (select json_extract(t.event_json, '$.by') from transitions t
    where t.negotiation_id = n.id and t.to_state = 'humanControl'
      and t.from_state != 'humanControl'
    order by t.seq desc limit 1) as takenOverBy,
  n.updated_at as updatedAt`;

/** LIKE wildcards typed by a person are literal characters. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Negotiations matching `query`, best kind of match first, then newest first. */
export function searchNegotiations(
  sqlite: Database.Database,
  query: string,
  options: SearchOptions,
): NegotiationMatch[] {
  const text = query.trim().toLowerCase();
  if (text === '') return [];
  const rows = sqlite
    .prepare(
      `select * from (select ${MATCH_COLUMNS},
         case when lower(n.id) = @text then 0
           when lower(n.influencer_email) = @text then 1
           when lower(ltrim(coalesce(n.influencer_handle, ''), '@')) = @handle then 2
           when lower(coalesce(n.influencer_name, '')) = @text then 3
           else 4 end as rank, n.created_at as createdAt
       from negotiations n
       where (lower(n.id) = @text
         or lower(n.influencer_email) = @text
         or lower(ltrim(coalesce(n.influencer_handle, ''), '@')) = @handle
         or lower(coalesce(n.influencer_name, '')) like @name escape '\\')
         ${options.activeOnly ? "and n.status = 'active'" : ''})
       order by rank, createdAt desc, id desc limit @limit`,
    )
    .all({
      text,
      handle: text.replace(/^@+/, ''),
      name: `%${escapeLike(text)}%`,
      limit: options.limit,
    }) as Array<Omit<NegotiationMatch, 'matchedBy'> & { rank: number; createdAt: number }>;
  return rows.map(({ rank, createdAt: _createdAt, ...row }) => ({
    ...row,
    matchedBy: MATCH_KINDS[rank] ?? 'partial_name',
  }));
}

const storedDraftSchema = z.object({
  key: z.string(),
  purpose: z.string(),
  offerCents: z.int().nullable(),
  subject: z.string().nullable(),
  body: z.string().nullable(),
});
export type StoredDraft = z.infer<typeof storedDraftSchema>;

/** The draft in the negotiation's last committed snapshot, or null when it holds none. */
export function currentDraft(sqlite: Database.Database, negotiationId: string): StoredDraft | null {
  const row = sqlite
    .prepare(`select json_extract(snapshot_json, '$.context.draft') as draft from negotiations
      where id = ?`)
    .get(negotiationId) as { draft: string | null } | undefined;
  if (!row?.draft) return null;
  try {
    const parsed = storedDraftSchema.safeParse(JSON.parse(row.draft));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface RecordedDecision {
  /** The event's `by`: who decided, as the event recorded it (`<@U…>`). */
  by: string | null;
  eventType: string;
  at: number;
}

/**
 * The decision recorded under a dedupe key (`source:externalId`), or null when none was. The
 * inbox row and the transition are written in one commit with the same time, which links them.
 */
export function recordedDecision(
  sqlite: Database.Database,
  negotiationId: string,
  dedupeKey: string,
): RecordedDecision | null {
  const at = dedupeKey.indexOf(':');
  if (at <= 0) return null;
  const row = sqlite
    .prepare(
      `select json_extract(t.event_json, '$.by') as "by", t.event_type as eventType, t.at
       from inbox i join transitions t
         on t.negotiation_id = i.negotiation_id and t.at = i.received_at
       where i.source = ? and i.external_id = ? and i.negotiation_id = ?
       order by (json_extract(t.event_json, '$.by') is not null) desc, t.seq desc limit 1`,
    )
    .get(dedupeKey.slice(0, at), dedupeKey.slice(at + 1), negotiationId) as
    | RecordedDecision
    | undefined;
  return row ?? null;
}
