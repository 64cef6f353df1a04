/** The audit trail (DATA-03, DATA-04): transitions and emails by influencer, campaign and time. */
import type Database from 'better-sqlite3';

export interface AuditFilter {
  /** Matches the influencer's email, handle or name (case-insensitive, partial). */
  influencer?: string;
  campaign?: string;
  from?: number;
  to?: number;
  eventType?: string;
  limit: number;
}

export interface AuditRow {
  at: number;
  negotiationId: string;
  influencer: string;
  campaignId: string | null;
  kind: 'transition' | 'email' | 'model';
  /** Event type, the email's direction ("in"/"out"), or the model call's purpose and model. */
  what: string;
  fromState: string | null;
  toState: string | null;
  /** Why an event changed nothing, or the email's subject. */
  detail: string | null;
  offerCents: number | null;
  askCents: number | null;
  requestId: string | null;
}

/** Which negotiations (alias `n`) a filter selects: influencer (email, handle, name) and campaign. */
function negotiationFilter(filter: Pick<AuditFilter, 'influencer' | 'campaign'>) {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.influencer) {
    where.push(
      `(lower(n.influencer_email) like @who or lower(coalesce(n.influencer_handle, '')) like @who or lower(coalesce(n.influencer_name, '')) like @who)`,
    );
    params.who = `%${filter.influencer.toLowerCase()}%`;
  }
  if (filter.campaign) {
    where.push('n.campaign_id = @campaign');
    params.campaign = filter.campaign;
  }
  return { where, params };
}

export function queryAudit(sqlite: Database.Database, filter: AuditFilter): AuditRow[] {
  const { where, params } = negotiationFilter(filter);
  params.limit = filter.limit;
  if (filter.from !== undefined) {
    where.push('x.at >= @from');
    params.from = filter.from;
  }
  if (filter.to !== undefined) {
    where.push('x.at < @to');
    params.to = filter.to;
  }
  const transitionsWhere = [...where];
  const emailsWhere = [...where];
  const callsWhere = [...where];
  if (filter.eventType) {
    transitionsWhere.push('x.event_type = @eventType');
    emailsWhere.push('0');
    callsWhere.push('0');
    params.eventType = filter.eventType;
  }
  const clause = (parts: string[]) => (parts.length > 0 ? `where ${parts.join(' and ')}` : '');
  const sql = `select * from (
      select x.at, n.id as negotiationId, n.influencer_email as influencer, n.campaign_id as campaignId,
        'transition' as kind, x.event_type as what, x.from_state as fromState, x.to_state as toState,
        x.note as detail, null as offerCents, null as askCents, x.request_id as requestId, x.seq as ord
      from transitions x join negotiations n on n.id = x.negotiation_id ${clause(transitionsWhere)}
      union all
      select x.at, n.id, n.influencer_email, n.campaign_id, 'email', x.direction, null, x.state,
        x.subject, x.offer_cents, x.ask_cents, null, -1
      from emails x join negotiations n on n.id = x.negotiation_id ${clause(emailsWhere)}
      union all
      select x.at, n.id, n.influencer_email, n.campaign_id, 'model', x.purpose || ' ' || x.model,
        null, null,
        x.outcome || ': in ' || x.input_tokens || ', cache read ' || x.cache_read_tokens ||
          ', cache write ' || x.cache_write_tokens || ', out ' || x.output_tokens ||
          ', cost ' || coalesce(printf('$%.6f', x.cost_micros / 1000000.0), 'unpriced'),
        null, null, null, -2
      from model_calls x join negotiations n on n.id = x.negotiation_id ${clause(callsWhere)}
    ) order by at, negotiationId, ord limit @limit`;
  return (sqlite.prepare(sql).all(params) as Array<AuditRow & { ord: number }>).map(
    ({ ord: _ord, ...row }) => row,
  );
}

/** What the model cost each negotiation matching the filter (cost metering). */
export function queryCosts(
  sqlite: Database.Database,
  filter: Pick<AuditFilter, 'influencer' | 'campaign'>,
): Array<{
  negotiationId: string;
  influencer: string;
  calls: number;
  costMicros: number;
  unpriced: number;
}> {
  const { where, params } = negotiationFilter(filter);
  return sqlite
    .prepare(
      `select n.id as negotiationId, n.influencer_email as influencer, count(*) as calls,
        coalesce(sum(x.cost_micros), 0) as costMicros,
        sum(case when x.cost_micros is null then 1 else 0 end) as unpriced
      from model_calls x join negotiations n on n.id = x.negotiation_id
      ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
      group by n.id order by n.id`,
    )
    .all(params) as Array<{
    negotiationId: string;
    influencer: string;
    calls: number;
    costMicros: number;
    unpriced: number;
  }>;
}
