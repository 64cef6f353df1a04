/**
 * The MIME structure of a message (RFC 2045/2046): a tree of parts, multiparts split on their
 * boundaries to any depth. Bodies stay encoded here; body.ts decides what to decode. Malformed
 * structure degrades to something readable — a multipart without its boundary is read as text —
 * and the depth and number of parts are capped so hostile mail cannot exhaust the process.
 */
import {
  type HeaderField,
  headerValue,
  parseStructured,
  type StructuredValue,
  splitHead,
} from './headers.js';

export interface MimePart {
  headers: HeaderField[];
  /** Defaulted per RFC 2045: text/plain (message/rfc822 inside multipart/digest). */
  contentType: StructuredValue;
  disposition: StructuredValue;
  transferEncoding: string;
  /** The still-encoded body of a leaf part ("binary": one char per byte); "" for multiparts. */
  body: string;
  children: MimePart[];
}

const MAX_DEPTH = 30;
const MAX_PARTS = 500;

export function parseMime(binary: string, problems: string[]): MimePart {
  return parsePart(binary, 'text/plain', { depth: 0, parts: 0, problems });
}

interface Budget {
  depth: number;
  parts: number;
  problems: string[];
}

function parsePart(binary: string, defaultType: string, budget: Budget): MimePart {
  budget.parts++;
  const { headers, body } = splitHead(binary, budget.problems);
  const contentType = parseStructured(headerValue(headers, 'content-type'));
  if (!/^[^/\s]+\/[^/\s]+$/.test(contentType.value)) {
    if (contentType.value !== '')
      budget.problems.push(`unreadable Content-Type "${contentType.value.slice(0, 80)}"`);
    contentType.value = defaultType;
  }
  const part: MimePart = {
    headers,
    contentType,
    disposition: parseStructured(headerValue(headers, 'content-disposition')),
    transferEncoding: (headerValue(headers, 'content-transfer-encoding') ?? '').toLowerCase(),
    body,
    children: [],
  };
  if (!contentType.value.startsWith('multipart/')) return part;

  const boundary = contentType.params.get('boundary');
  const pieces = boundary ? splitOnBoundary(body, boundary) : [];
  if (pieces.length === 0) {
    budget.problems.push(
      `${contentType.value} without ${boundary ? 'its' : 'a'} boundary: read as text`,
    );
    contentType.value = 'text/plain';
    return part;
  }
  if (budget.depth >= MAX_DEPTH) {
    budget.problems.push(`MIME nesting deeper than ${MAX_DEPTH}: inner parts skipped`);
    return { ...part, body: '' };
  }
  const childDefault = contentType.value === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
  budget.depth++;
  for (const piece of pieces) {
    if (budget.parts >= MAX_PARTS) {
      budget.problems.push(`more than ${MAX_PARTS} MIME parts: the rest skipped`);
      break;
    }
    part.children.push(parsePart(piece, childDefault, budget));
  }
  budget.depth--;
  return { ...part, body: '' };
}

/** The parts between "--boundary" lines; an unclosed last part runs to the end. */
function splitOnBoundary(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const pieces: string[] = [];
  let start = -1;
  let pos = 0;
  while (pos < body.length) {
    const end = body.indexOf('\n', pos);
    const next = end < 0 ? body.length : end + 1;
    if (body.startsWith(delimiter, pos)) {
      const rest = body.slice(pos + delimiter.length, next).trimEnd();
      if (rest === '' || rest === '--') {
        // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        if (start >= 0) pieces.push(body.slice(start, pos).replace(/\r?\n$/, ''));
        if (rest === '--') return pieces;
        start = next;
      }
    }
    pos = next;
  }
  if (start >= 0) pieces.push(body.slice(start));
  return pieces;
}
