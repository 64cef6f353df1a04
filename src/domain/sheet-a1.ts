/** A1 notation for cells of a sheet read with `values.get`. */

/** Where the values came from, to name cells: `firstRow`/`firstColumn` are the range's origin. */
export interface TableOrigin {
  tab: string;
  /** 1-based row number of `values[0]` (default 1). */
  firstRow?: number;
  /** 0-based column index of each row's first cell (default 0, column A). */
  firstColumn?: number;
}

/** A1 addresses for positions in a `values` array. */
export interface Addresser {
  rowNumber(index: number): number;
  column(index: number): string;
  cell(index: number, column: number): string;
  span(index: number, from: number, to: number): string;
  row(index: number): string;
}

export function addresser(origin: TableOrigin): Addresser {
  const tab = quoteTab(origin.tab);
  const firstRow = origin.firstRow ?? 1;
  const firstColumn = origin.firstColumn ?? 0;
  const rowNumber = (index: number) => firstRow + index;
  const column = (index: number) => columnName(firstColumn + index);
  return {
    rowNumber,
    column,
    cell: (index, col) => `${tab}!${column(col)}${rowNumber(index)}`,
    span: (index, from, to) =>
      from === to
        ? `${tab}!${column(from)}${rowNumber(index)}`
        : `${tab}!${column(from)}${rowNumber(index)}:${column(to)}${rowNumber(index)}`,
    row: (index) => `${tab}!${rowNumber(index)}:${rowNumber(index)}`,
  };
}

/** 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
}

/** Sheets needs quotes around tab names with spaces or symbols, or that look like a cell. */
export function quoteTab(tab: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(tab) && !/^[A-Za-z]{1,3}\d+$/.test(tab);
  return plain ? tab : `'${tab.replace(/'/g, "''")}'`;
}

/** "A" → 0, "AA" → 26. */
export function columnIndex(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
}
