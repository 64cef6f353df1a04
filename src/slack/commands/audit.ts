/**
 * `/negotiation audit` (DATA-04 in Slack): the audit trail for an influencer, a campaign and a
 * recent span, as lines packed into sections within Block Kit's limits — the newest rows when
 * they do not all fit, with the CLI command that shows everything.
 */
import type { AuditFilter, AuditRow } from '../../db/audit-queries.js';
import { formatCents } from '../../domain/money.js';
import { type Block, clip, LIMITS, section, userText } from '../blocks/kit.js';
import type { Answer } from './answer.js';
import type { NegotiationCommand } from './parse.js';

type AuditCommand = Extract<NegotiationCommand, { kind: 'audit' }>;

/** Rows read at most: far more than a message shows, few enough to read in a moment. */
export const AUDIT_FETCH_LIMIT = 2000;
/** Blocks for rows: the rest of the 50 are the summary and the footer. */
const ROW_BLOCKS = LIMITS.blocks - 2;
const LINE_MAX = 400;

export function auditFilter(command: AuditCommand, now: number): AuditFilter {
  return {
    ...(command.influencer ? { influencer: command.influencer } : {}),
    ...(command.campaign ? { campaign: command.campaign } : {}),
    from: now - command.lastMs,
    limit: AUDIT_FETCH_LIMIT,
  };
}

const when = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');

export function auditLine(row: AuditRow): string {
  const head = `\`${when(row.at)}\` ${userText(row.negotiationId, 80)} (${userText(row.influencer, 120)})`;
  let what: string;
  if (row.kind === 'transition') {
    const move =
      row.fromState === row.toState ? `stays ${row.toState}` : `${row.fromState} → ${row.toState}`;
    what = `*${userText(row.what, 60)}* ${move}${row.detail ? ` — ${userText(row.detail, 200)}` : ''}`;
  } else if (row.kind === 'email') {
    const money = [
      row.offerCents === null ? '' : `offer ${formatCents(row.offerCents)}`,
      row.askCents === null ? '' : `ask ${formatCents(row.askCents)}`,
    ].filter(Boolean);
    what = `email ${row.what === 'in' ? 'in' : 'out'}: "${userText(row.detail ?? '', 150)}"${money.length ? ` · ${money.join(', ')}` : ''}`;
  } else {
    what = `model ${userText(row.what, 80)}: ${userText(row.detail ?? '', 150)}`;
  }
  return clip(`${head} · ${what}`, LINE_MAX);
}

/** Lines packed into as few sections as fit, newest kept when they do not all fit. */
function packNewest(lines: string[]): { blocks: Block[]; shown: number } {
  const packs: string[][] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const current = packs[0];
    if (current && size + line.length + 1 <= LIMITS.sectionText) {
      current.unshift(line);
      size += line.length + 1;
    } else {
      if (packs.length === ROW_BLOCKS) break;
      packs.unshift([line]);
      size = line.length;
    }
  }
  return {
    blocks: packs.map((pack) => section(pack.join('\n'))),
    shown: packs.reduce((n, pack) => n + pack.length, 0),
  };
}

function filterText(command: AuditCommand): string {
  const parts = [
    command.influencer ? `influencer \`${userText(command.influencer, 100)}\`` : 'every influencer',
    command.campaign ? `campaign \`${userText(command.campaign, 100)}\`` : 'every campaign',
    `last ${command.last}`,
  ];
  return parts.join(' · ');
}

function cliHint(command: AuditCommand): string {
  const quote = (text: string) => (/^[\w@.+-]+$/.test(text) ? text : `"${text.replace(/"/g, '')}"`);
  return [
    'negotiator audit',
    command.influencer ? `--influencer ${quote(command.influencer)}` : '',
    command.campaign ? `--campaign ${quote(command.campaign)}` : '',
    `--since ${command.last}`,
  ]
    .filter(Boolean)
    .join(' ');
}

export function auditAnswer(command: AuditCommand, rows: AuditRow[]): Answer {
  const filters = filterText(command);
  if (rows.length === 0) return { text: `*Audit* — ${filters}: nothing recorded.` };
  const { blocks, shown } = packNewest(rows.map(auditLine));
  // The query keeps the oldest rows past its limit: then the rows shown are not the newest.
  const capped = rows.length >= AUDIT_FETCH_LIMIT;
  const summary = capped
    ? `*Audit* — ${filters}: more than ${AUDIT_FETCH_LIMIT} rows, too many to show the newest; ${shown} of the oldest shown. Narrow the filters, or run the command below.`
    : shown === rows.length
      ? `*Audit* — ${filters}: ${rows.length} rows, oldest first.`
      : `*Audit* — ${filters}: ${rows.length} rows; the newest ${shown} shown, oldest first.`;
  const footer =
    shown === rows.length && !capped
      ? []
      : [section(`Everything: \`${userText(clip(cliHint(command), 500), 600)}\``)];
  return { text: summary, blocks: [section(summary), ...blocks, ...footer] };
}
