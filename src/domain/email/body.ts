/**
 * What a person reads in a MIME tree: the text (text/plain preferred, else HTML turned into
 * text), the HTML, and the attachments. Within multipart/alternative one representation is
 * chosen; in every other multipart the inline text parts are read in order (Apple Mail puts
 * text on both sides of an inline image).
 */
import { decodeBytes } from './charset.js';
import { headerValue } from './headers.js';
import { htmlToText } from './html-text.js';
import type { MimePart } from './mime-tree.js';
import { base64Size, decodeTransfer } from './transfer-encoding.js';

export interface AttachmentInfo {
  filename: string | null;
  contentType: string;
  disposition: 'attachment' | 'inline' | null;
  /** Decoded size in bytes (estimated from the encoded length for base64). */
  size: number;
  /** Without the angle brackets; set for inline images referenced from the HTML. */
  contentId: string | null;
}

export interface Body {
  text: string;
  html?: string;
  attachments: AttachmentInfo[];
}

type Segment = { kind: 'plain' | 'html'; content: string };

interface Collected {
  segments: Segment[];
  html: string[];
  attachments: AttachmentInfo[];
}

/** Longer than any reply a person writes; the tail of a bigger body is dropped. */
const MAX_TEXT_CHARS = 1_000_000;

export function readBody(root: MimePart, problems: string[]): Body {
  const collected: Collected = { segments: [], html: [], attachments: [] };
  collect(root, collected, problems);
  let text = collected.segments
    // Converted HTML keeps the &nbsp; of Outlook's empty paragraphs as trailing blanks.
    .map((s) => (s.kind === 'plain' ? s.content : htmlToText(s.content).replace(/[ \t]+$/gm, '')))
    .join('\n\n')
    .replace(/\r\n?/g, '\n');
  if (text.length > MAX_TEXT_CHARS) {
    problems.push(`text over ${MAX_TEXT_CHARS} characters: truncated`);
    text = text.slice(0, MAX_TEXT_CHARS);
  }
  const body: Body = { text, attachments: collected.attachments };
  if (collected.html.length > 0) body.html = collected.html.join('\n');
  return body;
}

function collect(part: MimePart, out: Collected, problems: string[]): void {
  const type = part.contentType.value;
  if (type === 'multipart/alternative') {
    collectAlternative(part, out, problems);
    return;
  }
  if (type.startsWith('multipart/')) {
    for (const child of part.children) collect(child, out, problems);
    return;
  }
  if (!isBodyText(part)) {
    out.attachments.push(attachmentInfo(part));
    return;
  }
  const bytes = decodeTransfer(part.body, part.transferEncoding);
  const decoded = decodeBytes(bytes, part.contentType.params.get('charset'));
  if (decoded.problem) problems.push(decoded.problem);
  if (type === 'text/html') {
    out.html.push(decoded.text);
    out.segments.push({ kind: 'html', content: decoded.text });
  } else {
    out.segments.push({ kind: 'plain', content: plainText(decoded.text, part) });
  }
}

/** The plain alternative when it says something, else the richest (last) HTML one. */
function collectAlternative(part: MimePart, out: Collected, problems: string[]): void {
  const branches = part.children.map((child) => {
    const branch: Collected = { segments: [], html: [], attachments: [] };
    collect(child, branch, problems);
    return branch;
  });
  const plain = branches.find((b) =>
    b.segments.some((s) => s.kind === 'plain' && s.content.trim() !== ''),
  );
  const rich = branches.findLast((b) => b.html.length > 0);
  const chosen = plain ?? rich ?? branches[0];
  if (chosen) out.segments.push(...chosen.segments);
  if (rich) out.html.push(...rich.html);
  for (const branch of branches) out.attachments.push(...branch.attachments);
}

function isBodyText(part: MimePart): boolean {
  const type = part.contentType.value;
  if (type !== 'text/plain' && type !== 'text/html') return false;
  const disposition = part.disposition.value;
  if (disposition === 'attachment') return false;
  // A named text part is an attached file, unless the sender explicitly shows it inline.
  return filenameOf(part) === null || disposition === 'inline';
}

function attachmentInfo(part: MimePart): AttachmentInfo {
  const disposition = part.disposition.value;
  const contentId = headerValue(part.headers, 'content-id');
  return {
    filename: filenameOf(part),
    contentType: part.contentType.value,
    disposition: disposition === 'attachment' || disposition === 'inline' ? disposition : null,
    size:
      part.transferEncoding === 'base64'
        ? base64Size(part.body)
        : decodeTransfer(part.body, part.transferEncoding).length,
    contentId: contentId ? contentId.replace(/^<|>$/g, '') : null,
  };
}

function filenameOf(part: MimePart): string | null {
  return part.disposition.params.get('filename') ?? part.contentType.params.get('name') ?? null;
}

/** RFC 3676 format=flowed (Apple Mail, Thunderbird): soft-broken lines joined back. */
function plainText(text: string, part: MimePart): string {
  if (part.contentType.params.get('format')?.toLowerCase() !== 'flowed') return text;
  const delsp = part.contentType.params.get('delsp')?.toLowerCase() === 'yes';
  const out: string[] = [];
  let open: { depth: number; text: string } | null = null;
  for (const rawLine of text.replace(/\r\n?/g, '\n').split('\n')) {
    const quote = /^>+/.exec(rawLine)?.[0] ?? '';
    let line = rawLine.slice(quote.length);
    if (line.startsWith(' ')) line = line.slice(1); // space-stuffing
    const flowed = line.endsWith(' ') && line !== '-- ';
    if (open && open.depth !== quote.length) {
      out.push(render(open));
      open = null;
    }
    const piece = flowed && delsp ? line.slice(0, -1) : line;
    open = open
      ? { depth: open.depth, text: open.text + piece }
      : { depth: quote.length, text: piece };
    if (!flowed) {
      out.push(render(open));
      open = null;
    }
  }
  if (open) out.push(render(open));
  return out.join('\n');
}

function render(line: { depth: number; text: string }): string {
  return line.depth > 0 ? `${'>'.repeat(line.depth)} ${line.text}` : line.text;
}
