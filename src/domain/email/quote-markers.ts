/**
 * Where quoted history or a forwarded message begins in a plain-text email. Clients mark it in a
 * few recognisable ways: an attribution line ("On … wrote:", possibly wrapped over two or three
 * lines, or in another language), an Outlook header block ("From: … Sent: … To: … Subject:"),
 * an "-----Original Message-----" or forwarding separator, and ">"-quoted lines.
 */

export type MarkerKind = 'attribution' | 'header-block' | 'separator';

export interface HistoryMarker {
  kind: MarkerKind;
  /** First line of the marker (moved up over a rule line such as Outlook's "_____"). */
  line: number;
  /** First line after the marker. */
  after: number;
}

/** "> text" is quoted; ">50k views" or ">$2k" is a person writing, not a quote. */
export function isQuoted(line: string): boolean {
  return /^\s*>(?![\d$])/.test(line);
}

const SEPARATOR =
  /^[-=_* ]*(?:-{2,}|={2,}) *(?:original message|forwarded message|ursprüngliche nachricht|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|oorspronkelijk bericht|doorgestuurd bericht|mensagem original|mensagem encaminhada) *(?:-{2,}|={2,})[-=_* ]*$/i;
const BEGIN_FORWARDED =
  /^(?:begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht) ?:$/i;

// An attribution must also name a time, a year or an address (DATED), so that a sentence which
// happens to end in "wrote:" is not taken for one.
const ATTRIBUTIONS = [
  /^On\b.+\bwrote:$/i, // English: Gmail, Apple Mail, Thunderbird, Yahoo
  /^Le\b.+\ba écrit ?:$/i,
  /^Am\b.+\bschrieb\b.*:$/i,
  /^El\b.+\bescribió:$/i,
  /^Il\b.+\bha scritto:$/i,
  /^Op\b.+\bschreef\b.*:$/i,
  /^Em\b.+\bescreveu:$/i,
  /^Den\b.+\bskrev\b.*:$/i,
];
const DATED = /\d{1,2}:\d{2}|\d{4}|@/;
// "… wrote:" in any of these languages, or any line ending in "<address>:" (Gmail in Japanese,
// Chinese, Korean…), counts when a quote follows it.
const GENERIC_ATTRIBUTION =
  /(?:\b(?:wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu)|<[^<>\s]+@[^<>\s]+>)\s?:$/i;

const FROM_LABEL = /^\*?(?:from|de|von|van|da|från|fra|od)\s?:\*?\s*\S/i;
const DATE_LABEL =
  /^\*?(?:sent|date|envoyé|gesendet|datum|enviado|fecha|verzonden|inviato|data|skickat|sendt)\s?:/i;
const TO_LABEL =
  /^\*?(?:to|subject|cc|à|a|an|aan|para|objet|betreff|asunto|onderwerp|oggetto|assunto|ämne|emne|til|till)\s?:/i;
const RULE = /^\s*(?:_{10,}|-{10,}|={10,})\s*$/;

/** Lines longer than this are prose, never a marker, and are not run through the patterns. */
const MAX_MARKER_LINE = 300;

export function findHistoryStart(lines: string[], from = 0): HistoryMarker | null {
  for (let i = from; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.length > MAX_MARKER_LINE || isQuoted(line)) continue;
    const marker = markerAt(lines, i, line);
    if (marker) return { ...marker, line: overRule(lines, marker.line, from) };
  }
  return null;
}

function markerAt(lines: string[], i: number, line: string): HistoryMarker | null {
  if (SEPARATOR.test(line) || BEGIN_FORWARDED.test(line)) {
    return { kind: 'separator', line: i, after: i + 1 };
  }
  const attribution = attributionLength(lines, i);
  if (attribution > 0) return { kind: 'attribution', line: i, after: i + attribution };
  if (isHeaderBlock(lines, i)) return { kind: 'header-block', line: i, after: i + 1 };
  return null;
}

/** How many lines (1–3) form an attribution starting at `i`, or 0. */
function attributionLength(lines: string[], i: number): number {
  let joined = '';
  for (let count = 1; count <= 3 && i + count - 1 < lines.length; count++) {
    const next = (lines[i + count - 1] ?? '').trim();
    if (next === '' || next.length > MAX_MARKER_LINE || isQuoted(next)) return 0;
    joined = count === 1 ? next : `${joined} ${next}`;
    if (ATTRIBUTIONS.some((re) => re.test(joined)) && DATED.test(joined)) return count;
    // "Jane <jane@x> wrote:" with no date is an attribution when a quote follows it.
    if (count === 1 && GENERIC_ATTRIBUTION.test(joined) && quoteFollows(lines, i + 1)) return 1;
  }
  return 0;
}

function quoteFollows(lines: string[], from: number): boolean {
  const next = lines.slice(from, from + 3).find((l) => l.trim() !== '');
  return next !== undefined && isQuoted(next);
}

/** "From:" followed within a few lines by a date label and a recipient or subject label. */
function isHeaderBlock(lines: string[], i: number): boolean {
  if (!FROM_LABEL.test((lines[i] ?? '').trim())) return false;
  const following = lines
    .slice(i + 1, i + 9)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 6);
  return following.some((l) => DATE_LABEL.test(l)) && following.some((l) => TO_LABEL.test(l));
}

/** Outlook puts a rule ("_____" or an <hr>) right above its header block: history starts there. */
function overRule(lines: string[], start: number, floor: number): number {
  let i = start - 1;
  while (i >= floor && (lines[i] ?? '').trim() === '') i--;
  return i >= floor && RULE.test(lines[i] ?? '') ? i : start;
}
