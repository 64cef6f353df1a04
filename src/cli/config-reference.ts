/**
 * `npm run docs:config`: writes the configuration reference (one table per section, generated
 * from the schema in src/config.ts) into README.md between its markers. With `--check` it only
 * compares, exiting 1 when README.md is out of date, so a new variable cannot go unlisted.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONFIG_GROUPS, type ConfigVariable, configReference } from '../config.js';
import { projectRoot } from '../paths.js';

export const START_MARKER = '<!-- config-reference:start -->';
export const END_MARKER = '<!-- config-reference:end -->';
export const OUT_OF_DATE =
  "README.md's configuration reference is out of date: run npm run docs:config";

const HEADER = ['Variable', 'Default', 'Accepts', 'What it is'];

/** The Markdown that goes between the markers: a heading and a table for each section. */
export function renderReference(variables: readonly ConfigVariable[]): string {
  return CONFIG_GROUPS.map((group) => ({
    group,
    rows: variables.filter((v) => v.group === group).map(row),
  }))
    .filter((section) => section.rows.length > 0)
    .map((section) => `#### ${section.group}\n\n${table([HEADER, ...section.rows])}`)
    .join('\n\n');
}

function row(v: ConfigVariable): string[] {
  const what = `${v.description}.${v.required ? ` Required ${v.required}.` : ''}`;
  return [code(v.name), v.default === undefined ? '' : code(v.default), v.accepts, what].map(cell);
}

function code(text: string): string {
  return `\`${text}\``;
}

/** A table cell: one line, and a `|` in the text must not end the cell. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/**
 * Padded exactly as Biome formats Markdown tables (each column as wide as its widest cell, at
 * least 3), so `biome check` leaves README.md as generated and the two never fight.
 */
export function table(rows: readonly (readonly string[])[]): string {
  const [header = [], ...body] = rows;
  const widths = header.map((_, i) => Math.max(3, ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    `| ${widths.map((w, i) => pad(cells[i] ?? '', w)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(width - displayWidth(text));
}

// Code points, which is Biome's width for everything the reference uses (dashes, ellipses);
// East Asian wide characters would count twice there, and have no place in these tables.
function displayWidth(text: string): number {
  return [...text].length;
}

/** README.md with `generated` between the markers; throws when a marker is missing. */
export function replaceSection(readme: string, generated: string): string {
  const { start, end } = markers(readme);
  return `${readme.slice(0, start)}\n\n${generated}\n\n${readme.slice(end)}`;
}

/** What is between the markers now, trimmed; throws when a marker is missing. */
export function currentSection(readme: string): string {
  const { start, end } = markers(readme);
  return readme.slice(start, end).trim();
}

/** Where the generated part starts (after the start marker) and ends (at the end marker). */
function markers(readme: string): { start: number; end: number } {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start)
    throw new Error(`README.md needs ${START_MARKER} followed by ${END_MARKER}`);
  return { start: start + START_MARKER.length, end };
}

export interface RunOptions {
  /** The folder holding README.md; defaults to the project root. */
  root?: string;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
}

/** The command: returns the exit code (0 up to date or rewritten, 1 out of date, 2 bad usage). */
export function run(args: readonly string[], options: RunOptions = {}): number {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    stderr.write(`Usage: npm run docs:config [-- --check]\nunknown: ${unknown.join(' ')}\n`);
    return 2;
  }
  const file = join(options.root ?? projectRoot(), 'README.md');
  const readme = readFileSync(file, 'utf8');
  const wanted = replaceSection(readme, renderReference(configReference()));
  if (wanted === readme) {
    stdout.write("README.md's configuration reference is up to date\n");
    return 0;
  }
  if (args.includes('--check')) {
    stderr.write(`${OUT_OF_DATE}\n`);
    return 1;
  }
  writeFileSync(file, wanted);
  stdout.write("README.md's configuration reference rewritten\n");
  return 0;
}

// Run only as a script (`node --import tsx src/cli/config-reference.ts`), not when imported by
// the tests. The real path, because Node resolves a module's URL through symlinks.
function isMain(): boolean {
  const script = process.argv[1];
  return script !== undefined && import.meta.url === pathToFileURL(realpathSync(script)).href;
}

if (isMain()) process.exitCode = run(process.argv.slice(2));
