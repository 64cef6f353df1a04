/**
 * What `negotiator demo` prints: a live view with one line per negotiation (redrawn in place on a
 * terminal, printed as a new line on each change otherwise), the narration, and the final table.
 */
import { isAbsolute, relative } from 'node:path';
import { formatCents } from '../domain/money.js';
import type { Progress } from './observe.js';
import type { DemoResult } from './run.js';
import type { Verdict } from './verdict.js';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** A folder under the current one is shown relative to it. */
const shown = (dir: string) => {
  const path = relative(process.cwd(), dir);
  return path === '' ? '.' : path.startsWith('..') || isAbsolute(path) ? dir : path;
};
const money = (cents: number | null) => (cents === null ? '–' : formatCents(cents));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1).padStart(5)}s`;

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: string[][]): string[] {
  const widths =
    rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** Fixed widths, so that a line changes only when its negotiation does. */
export function liveLine(row: Progress): string {
  return [
    row.role.personaId.padEnd(15),
    row.name.padEnd(13),
    row.state.padEnd(17),
    `round ${row.round}`.padEnd(9),
    `last offer ${money(row.lastOfferCents)}`.padEnd(22),
    row.askCents === null ? '' : `their ask ${money(row.askCents)}`,
  ]
    .join(' ')
    .trimEnd();
}

export function createLiveView(out: Output) {
  const tty = out.isTTY === true;
  let drawn: string[] = [];
  const printed = new Map<string, string>();
  const started = Date.now();

  function redraw(lines: string[]) {
    // Back to the top of the block, clear it, draw it again.
    if (drawn.length > 0) out.write(`\x1b[${drawn.length}F\x1b[J`);
    out.write(lines.map((l) => `${l}\n`).join(''));
    drawn = lines;
  }

  return {
    update(rows: Progress[], elapsedMs: number): void {
      const lines = rows.map(liveLine);
      if (tty) {
        if (lines.join('\n') !== drawn.join('\n')) redraw(lines);
        return;
      }
      rows.forEach((row, i) => {
        const line = lines[i] ?? '';
        if (printed.get(row.role.personaId) === line) return;
        printed.set(row.role.personaId, line);
        out.write(`${seconds(elapsedMs)}  ${line}\n`);
      });
    },
    /** A line of narration, kept above the live block on a terminal. */
    note(line: string): void {
      if (!tty) {
        out.write(`${seconds(Date.now() - started)}  · ${line}\n`);
        return;
      }
      const block = drawn;
      if (drawn.length > 0) out.write(`\x1b[${drawn.length}F\x1b[J`);
      drawn = [];
      out.write(`· ${line}\n`);
      redraw(block);
    },
  };
}

function outcomeText(v: Verdict): string {
  return v.ok ? v.outcome : `${v.outcome} ✗`;
}

export function summaryLines(result: DemoResult): string[] {
  const rows = [
    [
      'influencer',
      'persona',
      'rounds',
      'outcome',
      'agreed rate',
      'CPM achieved',
      'CPM floor → ceiling',
      'Slack messages',
      'emails sent',
    ],
    ...result.verdicts.map((v) => [
      v.influencer,
      v.personaId,
      String(v.rounds),
      outcomeText(v),
      money(v.agreedCents),
      money(v.cpmCents),
      v.floorCpmCents === null ? '–' : `${money(v.floorCpmCents)} → ${money(v.ceilingCpmCents)}`,
      String(v.slackMessages),
      String(v.emailsSent),
    ]),
  ];
  const failures = result.verdicts.filter((v) => !v.ok);
  const agreed = result.verdicts.filter((v) => v.outcome === 'agreed').length;
  return [
    '',
    ...table(rows),
    '',
    ...failures.map((v) => `✗ ${v.personaId} (${v.story}): ${v.problems.join('; ')}`),
    ...result.problems.map((p) => `✗ ${p}`),
    result.ok
      ? `Every negotiation ended as expected in ${(result.durationMs / 1000).toFixed(1)} s: ${agreed} deals, each announced once in Slack; no email sent twice.`
      : `${failures.length + result.problems.length} problem(s): the demo did not go as expected.`,
    `Transcripts (emails both ways, Slack messages, transition log) and the service's log: ${shown(result.outDir)}`,
  ];
}
