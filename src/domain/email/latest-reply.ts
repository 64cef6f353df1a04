/**
 * The influencer's newest words in an email: quoted history, forwarded messages and the
 * signature cut away. Top-posted replies are the text above the history; bottom-posted and
 * inline replies are the unquoted text after an attribution's quote. Never empty when the input
 * has text: when nothing can be told apart, the whole trimmed text is the answer.
 */
import { findHistoryStart, isQuoted } from './quote-markers.js';
import { stripSignature } from './signature.js';

/** A reply sits at the top; this much text is more than enough to find it and its history. */
const MAX_SCANNED_CHARS = 500_000;

export function latestReply(text: string): string {
  const scanned = text.length > MAX_SCANNED_CHARS ? text.slice(0, MAX_SCANNED_CHARS) : text;
  const lines = scanned
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.trimEnd());
  const reply = tidy(stripSignature(replyLines(lines)));
  return reply !== '' ? reply : text.trim();
}

function replyLines(lines: string[]): string[] {
  const marker = findHistoryStart(lines);
  if (!marker) return unquoted(lines);
  const above = unquoted(lines.slice(0, marker.line));
  // Below an attribution and its ">" quote, unquoted text is a reply too (bottom-posting, inline
  // answers) — up to any older history. Below a forward or an Outlook header block, the history
  // is not quoted, so nothing there can be told apart from it.
  if (marker.kind !== 'attribution' || !quoteFollows(lines, marker.after)) return above;
  const older = findHistoryStart(lines, marker.after);
  const below = unquoted(lines.slice(marker.after, older ? older.line : lines.length));
  return [...above, '', ...below];
}

function unquoted(lines: string[]): string[] {
  return lines.filter((line) => !isQuoted(line));
}

function quoteFollows(lines: string[], from: number): boolean {
  const next = lines.slice(from).find((line) => line.trim() !== '');
  return next !== undefined && isQuoted(next);
}

/** Lines trimmed at the end, runs of blank lines collapsed to one, blank edges dropped. */
function tidy(lines: string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed.trim() === '' && (out.length === 0 || out.at(-1) === '')) continue;
    out.push(trimmed.trim() === '' ? '' : trimmed);
  }
  while (out.at(-1) === '') out.pop();
  return out.join('\n');
}
