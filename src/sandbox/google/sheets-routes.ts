/** Sheets API v4 read routes of the Google emulator: values.get, values:batchGet, spreadsheets.get. */
import type { Context, Hono } from 'hono';
import { type Faults, hang } from '../faults.js';
import { googleError } from './errors.js';
import type { GoogleIdentity } from './identity.js';
import type { Cell, FixtureSheet, FixtureSpreadsheet } from './sheets-fixtures.js';

interface Range {
  sheet: FixtureSheet;
  startRow: number;
  startCol: number;
  endRow: number;
  endCol: number;
}

const colIndex = (letters: string) =>
  [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
const colName = (index: number): string =>
  index < 26
    ? String.fromCharCode(65 + index)
    : colName(Math.floor(index / 26) - 1) + String.fromCharCode(65 + (index % 26));

/** "Influencers!A1:H20", "'My sheet'!B:D", "A2:C" (first sheet), "Notes" (whole sheet). */
export function parseRange(spreadsheet: FixtureSpreadsheet, text: string): Range | null {
  const match = /^(?:'((?:[^']|'')+)'|([^!']+))(?:!(.+))?$/.exec(text.trim());
  if (!match) return null;
  let name = match[1]?.replace(/''/g, "'") ?? match[2] ?? '';
  let cells = match[3];
  if (
    cells === undefined &&
    !spreadsheet.sheets.some((s) => s.title === name) &&
    /^[A-Z]+\d*(:[A-Z]+\d*)?$/i.test(name)
  ) {
    cells = name;
    name = spreadsheet.sheets[0]?.title ?? '';
  }
  const sheet = spreadsheet.sheets.find((s) => s.title === name);
  if (!sheet) return null;
  if (cells === undefined) return { sheet, startRow: 0, startCol: 0, endRow: 999, endCol: 25 };
  const a1 = /^([A-Z]+)(\d+)?(?::([A-Z]+)(\d+)?)?$/i.exec(cells);
  if (!a1) return null;
  const [, c1 = 'A', r1, c2, r2] = a1;
  return {
    sheet,
    startCol: colIndex(c1),
    startRow: r1 ? Number(r1) - 1 : 0,
    endCol: c2 ? colIndex(c2) : colIndex(c1),
    endRow: r2 ? Number(r2) - 1 : c2 ? 999 : r1 ? Number(r1) - 1 : 999,
  };
}

function render(cell: Cell | undefined, option: string): string | number | boolean {
  if (cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  return option === 'FORMATTED_VALUE' ? cell.formatted : cell.value;
}

/** Values as Sheets returns them: trailing empty cells and rows dropped; no `values` when empty. */
function valueRange(range: Range, option: string) {
  const rows: Array<Array<string | number | boolean>> = [];
  for (let r = range.startRow; r <= Math.min(range.endRow, range.sheet.rows.length - 1); r++) {
    const row = range.sheet.rows[r] ?? [];
    const cells = [];
    for (let c = range.startCol; c <= Math.min(range.endCol, row.length - 1); c++)
      cells.push(render(row[c], option));
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    rows.push(cells);
  }
  while (rows.length > 0 && rows[rows.length - 1]?.length === 0) rows.pop();
  const lastRow = range.startRow + Math.max(rows.length, 1);
  const a1 = `'${range.sheet.title}'!${colName(range.startCol)}${range.startRow + 1}:${colName(range.endCol)}${lastRow}`;
  return { range: a1, majorDimension: 'ROWS', ...(rows.length > 0 ? { values: rows } : {}) };
}

export function mountSheets(
  app: Hono,
  deps: { spreadsheets: FixtureSpreadsheet[]; identity: GoogleIdentity; faults: Faults },
) {
  async function open(c: Context, endpoint: string): Promise<FixtureSpreadsheet | Response> {
    if (!deps.identity.authorized(c.req.header('authorization'))) return googleError(c, 401);
    const fault = await deps.faults.next(endpoint);
    if (fault?.kind === 'timeout' || fault?.kind === 'lost') return hang();
    if (fault?.kind === 'status') return googleError(c, fault.status);
    const spreadsheet = deps.spreadsheets.find((s) => s.id === c.req.param('id'));
    if (!spreadsheet) return googleError(c, 404);
    if (!spreadsheet.shared) return googleError(c, 403, 'The caller does not have permission');
    return spreadsheet;
  }
  const option = (c: Context) => c.req.query('valueRenderOption') ?? 'FORMATTED_VALUE';

  app.get('/v4/spreadsheets/:id/values:batchGet', async (c) => {
    const found = await open(c, 'sheets.batchGet');
    if (found instanceof Response) return found;
    const ranges = c.req.queries('ranges') ?? [];
    const parsed = ranges.map((r) => parseRange(found, r));
    const bad = ranges.find((_, i) => parsed[i] === null);
    if (bad !== undefined) return googleError(c, 400, `Unable to parse range: ${bad}`);
    return c.json({
      spreadsheetId: found.id,
      valueRanges: parsed.map((r) => valueRange(r as Range, option(c))),
    });
  });

  app.get('/v4/spreadsheets/:id/values/:range', async (c) => {
    const found = await open(c, 'sheets.values.get');
    if (found instanceof Response) return found;
    const text = c.req.param('range');
    const range = parseRange(found, text);
    if (!range) return googleError(c, 400, `Unable to parse range: ${text}`);
    return c.json(valueRange(range, option(c)));
  });

  app.get('/v4/spreadsheets/:id', async (c) => {
    const found = await open(c, 'sheets.get');
    if (found instanceof Response) return found;
    return c.json({
      spreadsheetId: found.id,
      properties: { title: found.title, locale: 'en_US', timeZone: 'Etc/GMT' },
      sheets: found.sheets.map((s, index) => ({
        properties: {
          sheetId: index * 1000,
          title: s.title,
          index,
          sheetType: 'GRID',
          gridProperties: { rowCount: 1000, columnCount: 26 },
        },
      })),
    });
  });
}
