/**
 * Business metrics (OBS-03), read from SQLite when Prometheus scrapes rather than counted in
 * memory: the database is the truth, so the numbers survive restarts and can never drift from
 * what the audit trail says. Every known label value is always present (at 0 when there is
 * nothing), so a series never vanishes when its count drops to nothing.
 *
 * Escalations are counted from the `postEscalation` outbox rows: the machine declares exactly one
 * each time a negotiation enters `escalated`, with the reason in its payload, whereas a snapshot
 * only keeps the latest reason and a transition row only the triggering event.
 */
import type Database from 'better-sqlite3';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  ESCALATION_REASONS,
  negotiationMachine,
  outboxEffectSchema,
} from '../../machines/negotiation/index.js';

const OPEN_STATES = Object.entries(negotiationMachine.states)
  .filter(([, node]) => node.type !== 'final')
  .map(([name]) => name);
const EFFECT_KINDS = outboxEffectSchema.options.map((option) => option.shape.kind.value);
const UNFINISHED_EFFECT_STATUSES = ['pending', 'in_flight', 'dead'] as const;
const DIRECTIONS = ['in', 'out'] as const;

const QUERIES = {
  active: `select state, count(*) as n from negotiations where status = 'active' group by state`,
  // The amount the agreement announcement used: agreedCents, else the agreement draft's offer.
  deals: `select count(*) as n, coalesce(sum(coalesce(
      json_extract(snapshot_json, '$.context.agreedCents'),
      json_extract(snapshot_json, '$.context.draft.offerCents'), 0)), 0) as cents
    from negotiations where state = 'agreed'`,
  escalations: `select json_extract(payload_json, '$.reason') as reason, count(*) as n
    from outbox where kind = 'postEscalation' group by reason`,
  emails: 'select direction, count(*) as n from emails group by direction',
  outbox: `select status, kind, count(*) as n from outbox where status != 'done'
    group by status, kind`,
  watch: `select mailbox, watch_expiration as expiration from gmail_sync
    where watch_expiration is not null`,
} as const;

type Row = Record<string, string | number | null>;

/** Registers the business metrics on `registry`; each reads `sqlite` when scraped. */
export function registerBusinessMetrics(registry: Registry, sqlite: Database.Database): void {
  const errors = new Counter({
    name: 'negotiator_business_metrics_errors_total',
    help: 'Scrapes where a business metric could not be read from the database (the last values are kept).',
    labelNames: ['metric'] as const,
    // Registered after the others (below): a scrape collects in registration order, so the
    // failures of this scrape are already counted when this one is read.
    registers: [],
  });
  /** Runs a query for a metric; on failure counts it and returns null so the metric keeps its values. */
  const read = (metric: keyof typeof QUERIES): Row[] | null => {
    try {
      return sqlite.prepare(QUERIES[metric]).all() as Row[];
    } catch {
      errors.inc({ metric });
      return null;
    }
  };

  const active = new Gauge({
    name: 'negotiator_negotiations_active',
    help: 'Negotiations still in progress, by the state they are in.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const rows = read('active');
      if (!rows) return;
      active.reset();
      for (const state of OPEN_STATES) active.set({ state }, 0);
      for (const row of rows) active.set({ state: String(row.state) }, Number(row.n));
    },
  });

  const deals = new Counter({
    name: 'negotiator_deals_closed_total',
    help: 'Negotiations that ended in an agreed deal.',
    registers: [registry],
    collect() {
      const row = read('deals')?.[0];
      if (!row) return;
      deals.reset();
      deals.inc(Number(row.n));
    },
  });
  const agreedValue = new Counter({
    name: 'negotiator_deals_agreed_value_dollars_total',
    help: 'Sum of the agreed amounts of closed deals, in US dollars.',
    registers: [registry],
    collect() {
      const row = read('deals')?.[0];
      if (!row) return;
      agreedValue.reset();
      agreedValue.inc(Number(row.cents) / 100);
    },
  });

  const escalations = new Counter({
    name: 'negotiator_escalations_total',
    help: 'Times a negotiation was handed to people, by escalation reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      const rows = read('escalations');
      if (!rows) return;
      escalations.reset();
      for (const reason of ESCALATION_REASONS) escalations.inc({ reason }, 0);
      for (const row of rows) escalations.inc({ reason: String(row.reason) }, Number(row.n));
    },
  });

  const emails = new Counter({
    name: 'negotiator_emails_total',
    help: 'Emails recorded in negotiation threads, by direction (in from influencers, out from us).',
    labelNames: ['direction'] as const,
    registers: [registry],
    collect() {
      const rows = read('emails');
      if (!rows) return;
      emails.reset();
      for (const direction of DIRECTIONS) emails.inc({ direction }, 0);
      for (const row of rows) emails.inc({ direction: String(row.direction) }, Number(row.n));
    },
  });

  const effects = new Gauge({
    name: 'negotiator_outbox_effects',
    help: 'Outbox effects not yet done, by status (pending, in_flight, dead) and kind.',
    labelNames: ['status', 'kind'] as const,
    registers: [registry],
    collect() {
      const rows = read('outbox');
      if (!rows) return;
      effects.reset();
      for (const status of UNFINISHED_EFFECT_STATUSES)
        for (const kind of EFFECT_KINDS) effects.set({ status, kind }, 0);
      for (const row of rows)
        effects.set({ status: String(row.status), kind: String(row.kind) }, Number(row.n));
    },
  });

  const watch = new Gauge({
    name: 'negotiator_gmail_watch_expiry_timestamp_seconds',
    help: 'When the Gmail push watch on the mailbox expires, as a Unix time in seconds.',
    labelNames: ['mailbox'] as const,
    registers: [registry],
    collect() {
      const rows = read('watch');
      if (!rows) return;
      watch.reset();
      for (const row of rows)
        watch.set({ mailbox: String(row.mailbox) }, Number(row.expiration) / 1000);
    },
  });
  registry.registerMetric(errors);
}
