/** `negotiator audit`: what happened, to whom, when — transitions and emails. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { type AuditRow, queryAudit, queryCosts } from '../../db/audit-queries.js';
import { openMigratedDatabase } from '../../db/open.js';
import { parseDuration } from '../../domain/duration.js';
import { formatCents } from '../../domain/money.js';
import { type Command, CommandError } from '../command.js';

const USAGE = `Usage: negotiator audit [--influencer X] [--campaign ID] [--since 7d | --from DATE --to DATE]
                        [--event-type TYPE] [--limit N] [--json]

  --influencer X   email, handle or name (partial, case-insensitive)
  --campaign ID    campaign id
  --since D        the last D (30m, 24h, 7d)
  --from, --to     ISO dates or times (2026-11-01, 2026-11-01T09:00Z); --to is exclusive
  --event-type T   only transitions caused by this event (e.g. REPLY_RECEIVED)
  --limit N        at most N rows (default 500)
  --json           JSON lines instead of a table`;

export const runAudit: Command = {
  name: 'audit',
  summary: 'show the audit trail: every transition and email, by influencer, campaign and date',
  usage: USAGE,
  async run(args, io) {
    const values = parseOptions(args);
    const errors: string[] = [];
    const now = Date.now();
    const date = (name: string, text: string | undefined) => {
      if (text === undefined) return undefined;
      const ms = Date.parse(text);
      if (Number.isNaN(ms)) errors.push(`--${name} "${text}" is not a date`);
      return ms;
    };
    let from = date('from', values.from);
    const to = date('to', values.to);
    if (values.since !== undefined) {
      const span = parseDuration(values.since);
      if (span === null)
        errors.push(`--since "${values.since}" is not a duration such as 24h or 7d`);
      else if (from !== undefined) errors.push('--since and --from cannot be combined');
      else from = now - span;
    }
    const limit = values.limit === undefined ? 500 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
      errors.push('--limit must be a whole number from 1 to 100000');
    if (values['event-type'] !== undefined && !/^[A-Z_.a-z]+$/.test(values['event-type']))
      errors.push('--event-type is not an event name');
    if (errors.length > 0) throw new CommandError(errors.join('; '));

    const config = loadConfig();
    const { sqlite, close } = openMigratedDatabase(config.database);
    try {
      const rows = queryAudit(sqlite, {
        influencer: values.influencer,
        campaign: values.campaign,
        from,
        to,
        eventType: values['event-type'],
        limit,
      });
      io.stdout.write(
        values.json
          ? rows.map((r) => JSON.stringify(snakeCase(r))).join('\n') + (rows.length ? '\n' : '')
          : table(rows),
      );
      // Model cost per negotiation (only in the human view: JSON lines stay one kind of record).
      const costs = values.json
        ? []
        : queryCosts(sqlite, { influencer: values.influencer, campaign: values.campaign });
      if (costs.length > 0)
        io.stdout.write(
          `\nmodel cost per negotiation:\n${costs
            .map(
              (c) =>
                `  ${c.negotiationId}  ${c.influencer}  ${c.calls} call(s)  $${(c.costMicros / 1_000_000).toFixed(4)}${c.unpriced ? ` (+${c.unpriced} unpriced)` : ''}`,
            )
            .join('\n')}\n`,
        );
    } finally {
      close();
    }
    return 0;
  },
};

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      options: {
        influencer: { type: 'string' },
        campaign: { type: 'string' },
        since: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'event-type': { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    throw new CommandError((error as Error).message);
  }
}

function snakeCase(row: AuditRow): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({ ...row, at: new Date(row.at).toISOString() }).map(([k, v]) => [
      k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      v,
    ]),
  );
}

function table(rows: AuditRow[]): string {
  if (rows.length === 0) return 'no matching events\n';
  const money = (c: number | null) => (c === null ? '' : formatCents(c));
  const lines = rows.map((r) => [
    new Date(r.at).toISOString().replace('T', ' ').slice(0, 19),
    r.negotiationId,
    r.influencer,
    r.kind === 'email' ? `email ${r.what}` : r.kind === 'model' ? `model ${r.what}` : r.what,
    r.kind === 'transition' ? `${r.fromState} → ${r.toState}` : (r.toState ?? ''),
    [
      money(r.offerCents) && `offer ${money(r.offerCents)}`,
      money(r.askCents) && `ask ${money(r.askCents)}`,
      r.detail ?? '',
    ]
      .filter(Boolean)
      .join(' · '),
  ]);
  const header = ['time (UTC)', 'negotiation', 'influencer', 'event', 'state', 'detail'];
  const widths = header.map((h, i) =>
    Math.min(40, Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length))),
  );
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[fmt(header), ...lines.map(fmt)].join('\n')}\n`;
}
