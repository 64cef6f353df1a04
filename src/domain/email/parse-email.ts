/**
 * One raw RFC 5322 message (a .eml file, or Gmail's `format: 'raw'` bytes) to what the agent and
 * the team need from it. Influencer mail is untrusted input: this never throws, caps what it
 * reads, and reports what it had to guess or skip in `problems`.
 */
import { type EmailAddress, parseAddress, parseAddressList } from './addresses.js';
import { type AttachmentInfo, readBody } from './body.js';
import { parseMailDate } from './date.js';
import { decodeHeaderText } from './encoded-words.js';
import { type HeaderField, headerValue, headerValues } from './headers.js';
import { latestReply } from './latest-reply.js';
import { parseMessageId, parseMessageIds } from './message-ids.js';
import { parseMime } from './mime-tree.js';

export interface ParsedEmail {
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  replyTo: EmailAddress[];
  /** Decoded (RFC 2047, any charset); "" when absent. */
  subject: string;
  /** `<id@host>`, brackets included, as Gmail's `rfc822msgid:` search takes it. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** ISO 8601 UTC, or null when the Date header is missing or unreadable. */
  date: string | null;
  /** The readable body: text/plain preferred, else the HTML as text (quotes as "> " lines). */
  text: string;
  html?: string;
  attachments: AttachmentInfo[];
  /** The sender's newest words: see {@link latestReply}. */
  latestReply: string;
  /** What was malformed, guessed or capped; empty for well-formed mail. */
  problems: string[];
}

/** Gmail accepts messages up to 25 MB (more once encoded): beyond this, the tail is not read. */
export const MAX_RAW_BYTES = 40 * 1024 * 1024;
const MAX_SUBJECT_CHARS = 2000;

export function parseEmail(raw: Buffer | Uint8Array | string): ParsedEmail {
  const problems: string[] = [];
  try {
    let bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : asBuffer(raw);
    if (bytes.length > MAX_RAW_BYTES) {
      problems.push(`message over ${MAX_RAW_BYTES} bytes: the rest was not read`);
      bytes = bytes.subarray(0, MAX_RAW_BYTES);
    }
    const root = parseMime(bytes.toString('latin1'), problems);
    const body = readBody(root, problems);
    return {
      ...fromHeaders(root.headers, problems),
      text: body.text,
      ...(body.html === undefined ? {} : { html: body.html }),
      attachments: body.attachments,
      latestReply: latestReply(body.text),
      problems,
    };
  } catch (error) {
    // A defect of ours must not crash the pipeline on an influencer's email: report it instead.
    problems.push(
      `could not parse the message: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { ...EMPTY, problems };
  }
}

/** A view over the caller's bytes, not a copy: Gmail messages can be tens of megabytes. */
function asBuffer(raw: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

type HeaderFields = Pick<
  ParsedEmail,
  'from' | 'to' | 'cc' | 'replyTo' | 'subject' | 'messageId' | 'inReplyTo' | 'references' | 'date'
>;

function fromHeaders(headers: HeaderField[], problems: string[]): HeaderFields {
  const list = (name: string) => parseAddressList(headerValues(headers, name).join(', '));
  const from = parseAddress(headerValue(headers, 'from'));
  if (!from) problems.push('no readable From address');
  const subject = decodeHeaderText(headerValue(headers, 'subject') ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return {
    from,
    to: list('to'),
    cc: list('cc'),
    replyTo: list('reply-to'),
    subject: subject.slice(0, MAX_SUBJECT_CHARS),
    messageId: parseMessageId(headerValue(headers, 'message-id')),
    inReplyTo: parseMessageId(headerValue(headers, 'in-reply-to')),
    references: parseMessageIds(headerValues(headers, 'references').join(' ')),
    date: parseMailDate(headerValue(headers, 'date')),
  };
}

const EMPTY: Omit<ParsedEmail, 'problems'> = {
  from: null,
  to: [],
  cc: [],
  replyTo: [],
  subject: '',
  messageId: null,
  inReplyTo: null,
  references: [],
  date: null,
  text: '',
  attachments: [],
  latestReply: '',
};
