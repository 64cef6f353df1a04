/**
 * Header blocks (RFC 5322 §2.2) and structured values with parameters (RFC 2045 Content-Type,
 * RFC 2183 Content-Disposition, RFC 2231 continuations and charsets). Values stay as "binary"
 * strings (one char per byte) until a caller decodes them for display.
 */
import { decodeBytes } from './charset.js';
import { decodeHeaderText } from './encoded-words.js';

export interface HeaderField {
  /** Lower-cased. */
  name: string;
  /** Unfolded, undecoded. */
  value: string;
}

export interface StructuredValue {
  /** Lower-cased, e.g. "text/plain" or "attachment"; "" when absent. */
  value: string;
  params: Map<string, string>;
}

/** A header block larger than this is hostile or broken; the rest is skipped to the body. */
const MAX_HEADER_BYTES = 256 * 1024;
const HEADER_LINE = /^([!-9;-~]+)[ \t]*:[ \t]*(.*)$/;

export function splitHead(
  binary: string,
  problems: string[],
): { headers: HeaderField[]; body: string } {
  const headers: HeaderField[] = [];
  let pos = binary.startsWith('From ') ? lineAfter(binary, 0) : 0; // mbox separator line
  while (pos < binary.length) {
    if (pos > MAX_HEADER_BYTES) {
      problems.push(`header block over ${MAX_HEADER_BYTES} bytes: the rest was skipped`);
      const blank = /\r?\n\r?\n/.exec(binary.slice(pos));
      return { headers, body: blank ? binary.slice(pos + blank.index + blank[0].length) : '' };
    }
    const next = lineAfter(binary, pos);
    const line = binary.slice(pos, next).replace(/\r?\n$/, '');
    if (line === '' || line === '\r') return { headers, body: binary.slice(next) };
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += line; // unfolding removes the line break and keeps the whitespace
    } else {
      const match = HEADER_LINE.exec(line);
      if (!match) {
        // Not a header: the block ended without its blank line. Keep the rest as body.
        if (headers.length > 0) problems.push('header block not ended by an empty line');
        return { headers, body: binary.slice(pos) };
      }
      headers.push({ name: (match[1] ?? '').toLowerCase(), value: match[2] ?? '' });
    }
    pos = next;
  }
  return { headers, body: '' };
}

function lineAfter(text: string, pos: number): number {
  const end = text.indexOf('\n', pos);
  return end < 0 ? text.length : end + 1;
}

export function headerValue(headers: HeaderField[], name: string): string | undefined {
  return headers.find((h) => h.name === name)?.value.trim();
}

export function headerValues(headers: HeaderField[], name: string): string[] {
  return headers.filter((h) => h.name === name).map((h) => h.value.trim());
}

/** `text/plain; charset="utf-8"; format=flowed` → value and parameters. Never throws. */
export function parseStructured(raw: string | undefined): StructuredValue {
  const segments = splitOutsideQuotes(raw ?? '', ';');
  const value = stripComments(segments[0] ?? '')
    .trim()
    .toLowerCase();
  const plain = new Map<string, string>();
  const extended = new Map<string, Array<{ index: number; encoded: boolean; text: string }>>();
  for (const segment of segments.slice(1)) {
    const eq = segment.indexOf('=');
    if (eq < 0) continue;
    const name = segment.slice(0, eq).trim().toLowerCase();
    const text = unquote(segment.slice(eq + 1).trim());
    const star = /^([^*]+)\*(?:(\d+)(\*)?|)$/.exec(name);
    if (star?.[1]) {
      // RFC 2231: name*=charset'lang'%xx, or continuations name*0*=, name*1=, …
      const list = extended.get(star[1]) ?? [];
      const encoded = star[2] === undefined || star[3] === '*';
      list.push({ index: Number(star[2] ?? 0), encoded, text });
      extended.set(star[1], list);
    } else if (name !== '') plain.set(name, text);
  }
  const params = new Map<string, string>();
  for (const [name, text] of plain) params.set(name, decodeHeaderText(text));
  for (const [name, pieces] of extended) params.set(name, joinExtended(pieces));
  return { value, params };
}

function joinExtended(pieces: Array<{ index: number; encoded: boolean; text: string }>): string {
  pieces.sort((a, b) => a.index - b.index);
  let charset = 'utf-8';
  const bytes: number[] = [];
  for (const [i, piece] of pieces.entries()) {
    let text = piece.text;
    if (i === 0 && piece.encoded) {
      const parts = /^([^']*)'[^']*'(.*)$/s.exec(text);
      if (parts) {
        charset = parts[1] || charset;
        text = parts[2] ?? '';
      }
    }
    const raw = piece.encoded
      ? text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
          String.fromCharCode(Number.parseInt(hex, 16)),
        )
      : text;
    for (let j = 0; j < raw.length; j++) bytes.push(raw.charCodeAt(j) & 0xff);
  }
  return decodeBytes(Buffer.from(bytes), charset).text;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && quoted) {
      current += char + (text[i + 1] ?? '');
      i++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === separator && !quoted) {
      out.push(current);
      current = '';
    } else current += char;
  }
  out.push(current);
  return out;
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    return text.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return text;
}

function stripComments(text: string): string {
  return text.replace(/\([^()]*\)/g, '');
}
