/**
 * Influencer rows from the team's Google Sheet (NEG-01, DATA-02), read the way people fill sheets
 * in: "$1,500", "1.5k", "2.5%", "YouTube"/"youtube", blank cells, ragged rows, headers spelt in a
 * dozen ways. Pure and total: every function here returns values, never throws, and reports each
 * unreadable cell by its A1 address so a person can fix the sheet. One bad row never stops the
 * others. Cell readers live in influencer-cells.ts, A1 addresses in sheet-a1.ts.
 *
 * Slightly long: the table parser and the row lookup share the header map (cell readers and A1
 * addresses are already their own files).
 */
import {
  type Reader,
  readAmount,
  readEmail,
  readPercent,
  readPlatform,
  readRange,
  readText,
  readViews,
  textOf,
} from './influencer-cells.js';
import {
  ALIASES,
  type ColumnMap,
  type InfluencerField,
  LABELS,
  mapHeader,
} from './influencer-header.js';
import { type Cents, formatCents } from './money.js';
import type { Platform } from './pricing/deliverables.js';
import type { Bps } from './pricing/rate-card.js';
import { type Addresser, addresser, type TableOrigin } from './sheet-a1.js';

export { mapHeader, normalizeHeader } from './influencer-header.js';
export type { ColumnMap, InfluencerField, TableOrigin };

export interface Influencer {
  /** Lower-cased bare address: the key lookups compare. */
  email: string;
  name: string | null;
  handle: string | null;
  platform: Platform;
  averageViews: number;
  engagementRateBps?: Bps;
  /** The team's pre-calculated pay range; either end may be missing. */
  payRange?: { minCents?: Cents; maxCents?: Cents };
  /** The row it came from in A1 notation ("Influencers!3:3"), for messages and audits. */
  source: string;
}

export interface CellProblem {
  /** A cell ("Influencers!E7"), a range ("Influencers!G7:H7") or a row ("Influencers!7:7"). */
  cell: string;
  field: InfluencerField | null;
  /** An error rejects the row (or the table); a warning only drops that value. */
  severity: 'error' | 'warning';
  /** The whole sentence, address first: `Influencers!E7: "12k-15k" is not a whole number`. */
  message: string;
}

export interface ParsedInfluencer {
  influencer: Influencer;
  warnings: CellProblem[];
}

export interface RejectedRow {
  /** 1-based sheet row number. */
  row: number;
  /** The row's address when its email cell could be read, so lookups can explain themselves. */
  email: string | null;
  problems: CellProblem[];
}

export interface InfluencerTable {
  tab: string;
  influencers: ParsedInfluencer[];
  rejected: RejectedRow[];
  /** About the table itself: no header row, a required column missing, a column given twice. */
  problems: CellProblem[];
}

export type InfluencerLookup =
  | { status: 'found'; influencer: Influencer; warnings: CellProblem[] }
  | { status: 'not_found' }
  | { status: 'invalid'; problems: CellProblem[] };

const REQUIRED: readonly InfluencerField[] = ['email', 'platform', 'averageViews'];
/** A title or a note may sit above the header; look this far down for it. */
const HEADER_SEARCH_ROWS = 10;
const MAX_CELL_CHARS = 500;

/** Reads a whole `values.get` answer: header row, then every row, each on its own. */
export function parseInfluencerTable(
  values: readonly unknown[] | null | undefined,
  origin: TableOrigin,
): InfluencerTable {
  const rows = (Array.isArray(values) ? values : []).map((r) => (Array.isArray(r) ? r : []));
  const at = addresser(origin);
  const table: InfluencerTable = { tab: origin.tab, influencers: [], rejected: [], problems: [] };
  const headerIndex = rows
    .slice(0, HEADER_SEARCH_ROWS)
    .findIndex((r) => mapHeader(r).columns.email !== undefined);
  if (headerIndex < 0) {
    const looked = ALIASES.email.map((a) => `"${a}"`).join(', ');
    table.problems.push(
      problem(
        at.row(0),
        'email',
        'error',
        `no header row with an Email column (looked for ${looked})`,
      ),
    );
    return table;
  }
  const { columns, duplicates } = mapHeader(rows[headerIndex] ?? []);
  const headerRef = at.row(headerIndex);
  for (const { field, columns: cols } of duplicates) {
    const names = cols.map((c) => at.column(c)).join(', ');
    const message = `${LABELS[field]} appears in columns ${names}: column ${at.column(cols[0] ?? 0)} is used`;
    table.problems.push(problem(headerRef, field, 'warning', message));
  }
  for (const field of REQUIRED) {
    if (columns[field] !== undefined) continue;
    const looked = ALIASES[field].map((a) => `"${a}"`).join(', ');
    table.problems.push(
      problem(headerRef, field, 'error', `no ${LABELS[field]} column (looked for ${looked})`),
    );
  }
  for (let i = headerIndex + 1; i < rows.length; i++) {
    const result = parseInfluencerRow(rows[i] ?? [], columns, at, i);
    if (result.kind === 'influencer') table.influencers.push(result.parsed);
    else if (result.kind === 'rejected') table.rejected.push(result.row);
  }
  return table;
}

export type RowResult =
  | { kind: 'influencer'; parsed: ParsedInfluencer }
  | { kind: 'rejected'; row: RejectedRow }
  | { kind: 'blank' };

/** One data row; `index` is its position in the values (0 = the range's first row). */
export function parseInfluencerRow(
  cells: readonly unknown[],
  columns: ColumnMap,
  at: Addresser,
  index: number,
): RowResult {
  const texts = cells.map(textOf);
  if (texts.every((t) => t === '')) return { kind: 'blank' };
  const errors: CellProblem[] = [];
  const warnings: CellProblem[] = [];
  const read = <T>(field: InfluencerField, reader: Reader<T>): T | undefined => {
    const column = columns[field];
    const text = column === undefined ? '' : (texts[column] ?? '');
    const required = REQUIRED.includes(field);
    if (column === undefined) {
      if (required)
        errors.push(problem(at.row(index), field, 'error', `no ${LABELS[field]} column`));
      return undefined;
    }
    const cell = at.cell(index, column);
    if (text === '') {
      if (required) errors.push(problem(cell, field, 'error', `${LABELS[field]} is blank`));
      return undefined;
    }
    // No field we read is long; a pasted essay would only make the readers' regexes slow.
    const outcome =
      text.length > MAX_CELL_CHARS
        ? {
            ok: false as const,
            reason: `${text.length} characters is too long for ${LABELS[field]}`,
          }
        : reader(text);
    if (!outcome.ok) {
      const severity = required ? 'error' : 'warning';
      const suffix = required ? '' : ': ignored';
      (required ? errors : warnings).push(
        problem(cell, field, severity, `${outcome.reason}${suffix}`),
      );
      return undefined;
    }
    if (outcome.note) warnings.push(problem(cell, field, 'warning', outcome.note));
    return outcome.value;
  };

  const email = read('email', readEmail);
  const platform = read('platform', readPlatform);
  const averageViews = read('averageViews', readViews);
  const name = read('name', readText) ?? null;
  const handle = read('handle', readText) ?? null;
  const engagementRateBps = read('engagementRate', readPercent);
  const payRange = readPayRange(read, columns, at, index, warnings);

  if (errors.length > 0 || email === undefined || platform === undefined || !averageViews) {
    return {
      kind: 'rejected',
      row: { row: at.rowNumber(index), email: email ?? null, problems: [...errors, ...warnings] },
    };
  }
  const influencer: Influencer = {
    email,
    name,
    handle,
    platform,
    averageViews,
    ...(engagementRateBps === undefined ? {} : { engagementRateBps }),
    ...(payRange ? { payRange } : {}),
    source: at.row(index),
  };
  return { kind: 'influencer', parsed: { influencer, warnings } };
}

/** Finds the row for an address (any case, with or without a display name). */
export function findInTable(table: InfluencerTable, email: string): InfluencerLookup {
  const wanted = readEmail(email);
  if (!wanted.ok) return { status: 'not_found' };
  const address = wanted.value;
  const matches = table.influencers.filter((p) => p.influencer.email === address);
  const [first, ...others] = matches;
  if (first) {
    const warnings = [...table.problems, ...first.warnings];
    if (others.length > 0) {
      const rows = others.map((o) => o.influencer.source).join(', ');
      const message = `${address} is also listed at ${rows}: the first row is used`;
      warnings.push(problem(first.influencer.source, 'email', 'warning', message));
    }
    return { status: 'found', influencer: first.influencer, warnings };
  }
  const rejected = table.rejected.filter((r) => r.email === address);
  if (rejected.length > 0)
    return { status: 'invalid', problems: rejected.flatMap((r) => r.problems) };
  const fatal = table.problems.filter((p) => p.severity === 'error');
  return fatal.length > 0 ? { status: 'invalid', problems: fatal } : { status: 'not_found' };
}

function readPayRange(
  read: <T>(field: InfluencerField, reader: Reader<T>) => T | undefined,
  columns: ColumnMap,
  at: Addresser,
  index: number,
  warnings: CellProblem[],
): Influencer['payRange'] {
  const range = read('payRange', readRange);
  // Dedicated min/max columns are more specific than a combined range column.
  const minCents = read('payMin', readAmount) ?? range?.minCents;
  const maxCents = read('payMax', readAmount) ?? range?.maxCents;
  if (minCents !== undefined && maxCents !== undefined && minCents > maxCents) {
    const cols = [columns.payMin, columns.payMax, columns.payRange].filter((c) => c !== undefined);
    const ref = at.span(index, Math.min(...cols), Math.max(...cols));
    const message = `pay range minimum ${formatCents(minCents)} is above the maximum ${formatCents(maxCents)}: the range is ignored`;
    warnings.push(problem(ref, 'payRange', 'warning', message));
    return undefined;
  }
  if (minCents === undefined && maxCents === undefined) return undefined;
  return {
    ...(minCents === undefined ? {} : { minCents }),
    ...(maxCents === undefined ? {} : { maxCents }),
  };
}

function problem(
  cell: string,
  field: InfluencerField | null,
  severity: CellProblem['severity'],
  text: string,
): CellProblem {
  return { cell, field, severity, message: `${cell}: ${text}` };
}
