/**
 * Just enough RFC 2822 / MIME for the Gmail emulator: build messages, and parse raw ones into
 * Gmail's `payload` tree (headers with the sender's casing, nested parts, base64url bodies).
 *
 * Longer than most files: building and parsing MIME for the emulator live together; each function
 * is short.
 */
import { randomBytes } from 'node:crypto';

export interface Header {
  name: string;
  value: string;
}

export interface MimePart {
  partId: string;
  mimeType: string;
  filename: string;
  headers: Header[];
  body: { size: number; data?: string; attachmentId?: string };
  parts?: MimePart[];
}

export function headerValue(headers: Header[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** Splits the header block from the body and unfolds continuation lines. */
function splitMessage(text: string): { headers: Header[]; body: string } {
  const normalized = text.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end < 0 ? normalized : normalized.slice(0, end);
  const body = end < 0 ? '' : normalized.slice(end + 2);
  const headers: Header[] = [];
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1];
      if (last) last.value += ` ${line.trim()}`;
    } else {
      const colon = line.indexOf(':');
      if (colon > 0)
        headers.push({ name: line.slice(0, colon), value: line.slice(colon + 1).trim() });
    }
  }
  return { headers, body };
}

function param(value: string | undefined, name: string): string | undefined {
  const match = new RegExp(`${name}="?([^";]+)"?`, 'i').exec(value ?? '');
  return match?.[1];
}

function decodeBody(body: string, encoding: string | undefined): Buffer {
  const enc = (encoding ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (enc === 'quoted-printable') {
    const unfolded = body.replace(/=\n/g, '');
    return Buffer.from(
      unfolded.replace(/=([0-9A-F]{2})/gi, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      ),
      'latin1',
    );
  }
  return Buffer.from(body.replace(/\n/g, '\r\n'), 'utf8');
}

/** Parses a raw message into Gmail's payload tree. */
export function parseMime(raw: string, partId = ''): MimePart {
  const { headers, body } = splitMessage(raw);
  const contentType = headerValue(headers, 'Content-Type') ?? 'text/plain; charset=us-ascii';
  const mimeType = contentType.split(';')[0]?.trim().toLowerCase() ?? 'text/plain';
  const filename = param(headerValue(headers, 'Content-Disposition'), 'filename') ?? '';
  if (mimeType.startsWith('multipart/')) {
    const boundary = param(contentType, 'boundary') ?? '';
    const chunks = body.split(`--${boundary}`).slice(1);
    const parts = chunks
      .filter((chunk) => !chunk.startsWith('--'))
      .map((chunk, i) =>
        parseMime(
          chunk.replace(/^\n/, '').replace(/\n$/, ''),
          partId === '' ? String(i) : `${partId}.${i}`,
        ),
      );
    return { partId, mimeType, filename, headers, body: { size: 0 }, parts };
  }
  const bytes = decodeBody(body, headerValue(headers, 'Content-Transfer-Encoding'));
  if (filename) {
    return {
      partId,
      mimeType,
      filename,
      headers,
      body: { size: bytes.length, attachmentId: `att-${randomBytes(6).toString('hex')}` },
    };
  }
  return {
    partId,
    mimeType,
    filename,
    headers,
    body: { size: bytes.length, data: bytes.toString('base64url') },
  };
}

export interface OutgoingMail {
  from: string;
  to: string;
  cc?: string;
  subject: string;
  text: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  date?: Date;
}

/** Builds an RFC 2822 message with CRLF line endings (multipart/alternative when there is HTML). */
export function buildMessage(mail: OutgoingMail): string {
  const lines = [
    `From: ${mail.from}`,
    `To: ${mail.to}`,
    ...(mail.cc ? [`Cc: ${mail.cc}`] : []),
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${(mail.date ?? new Date()).toUTCString()}`,
    `Message-ID: ${mail.messageId ?? `<${randomBytes(8).toString('hex')}@sandbox.mail>`}`,
    ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`] : []),
    ...(mail.references ? [`References: ${mail.references}`] : []),
    'MIME-Version: 1.0',
  ];
  const textPart = [
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(mail.text).toString('base64'),
  ];
  if (!mail.html) return [...lines, ...textPart].join('\r\n');
  const boundary = `b_${randomBytes(6).toString('hex')}`;
  return [
    ...lines,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    ...textPart,
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(mail.html).toString('base64'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** RFC 2047 for non-ASCII subjects. */
export function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

export function decodeHeader(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([^?]+)\?=/gi, (_, b64: string) =>
    Buffer.from(b64, 'base64').toString('utf8'),
  );
}

/** The body charsets the sandbox writes: what mail clients still send in the wild. */
export type Charset = 'UTF-8' | 'ISO-8859-1';

/**
 * The bytes of `text` in `charset`. ISO-8859-1 has no byte for characters above U+00FF (an em
 * dash, curly quotes, emoji): those throw instead of silently becoming "?", so a Latin-1 fixture
 * cannot quietly stop being the text it claims to be.
 */
export function encodeCharset(text: string, charset: Charset): Buffer {
  if (charset === 'UTF-8') return Buffer.from(text, 'utf8');
  const outside = [...text].find((char) => (char.codePointAt(0) ?? 0) > 0xff);
  if (outside !== undefined) throw new RangeError(`"${outside}" has no ISO-8859-1 byte`);
  return Buffer.from(text, 'latin1');
}

/**
 * RFC 2045 quoted-printable of `text` in `charset`, with CRLF line breaks: "=" and bytes outside
 * printable ASCII become =XX, whitespace at the end of a line is escaped (transports strip it),
 * and soft line breaks keep every encoded line within 76 characters.
 */
export function encodeQuotedPrintable(text: string, charset: Charset = 'UTF-8'): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => quotedPrintableLine(encodeCharset(line, charset)))
    .join('\r\n');
}

function quotedPrintableLine(bytes: Buffer): string {
  const lines: string[] = [];
  let current = '';
  bytes.forEach((byte, i) => {
    const last = i === bytes.length - 1;
    const literal =
      (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
    const token = literal ? String.fromCharCode(byte) : `=${hexByte(byte)}`;
    // 75 + the "=" of the soft break = 76, the RFC's limit; an =XX token is never split.
    if (current.length + token.length > 75) {
      lines.push(`${current}=`);
      current = '';
    }
    current += token;
  });
  lines.push(current);
  return lines.join('\r\n');
}

const hexByte = (byte: number) => byte.toString(16).toUpperCase().padStart(2, '0');

/**
 * RFC 2047 "Q" encoded-words for a header phrase such as a display name
 * ("Zoë Laurent" → "=?ISO-8859-1?Q?Zo=EB_Laurent?="); printable ASCII is returned as it is.
 * Words are split on character boundaries so none exceeds the RFC's 75 characters.
 */
export function encodeHeaderQ(value: string, charset: Charset = 'UTF-8'): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const prefix = `=?${charset}?Q?`;
  const words: string[] = [];
  let current = '';
  for (const char of value) {
    const token = [...encodeCharset(char, charset)]
      .map((byte) =>
        byte === 32
          ? '_'
          : /[A-Za-z0-9!*+\-/]/.test(String.fromCharCode(byte))
            ? String.fromCharCode(byte)
            : `=${hexByte(byte)}`,
      )
      .join('');
    if (prefix.length + current.length + token.length + 2 > 75) {
      words.push(`${prefix}${current}?=`);
      current = '';
    }
    current += token;
  }
  words.push(`${prefix}${current}?=`);
  return words.join(' ');
}

const charsetOf = (part: MimePart) =>
  /charset="?([^";]+)"?/i.exec(headerValue(part.headers, 'Content-Type') ?? '')?.[1] ?? 'utf-8';

/** A text part's body in its declared charset. */
export function partText(part: MimePart): string {
  const bytes = Buffer.from(part.body.data ?? '', 'base64url');
  return /^(iso-8859-1|latin1|windows-1252|us-ascii)$/i.test(charsetOf(part))
    ? bytes.toString('latin1')
    : bytes.toString('utf8');
}

function findPart(part: MimePart, mimeType: string): MimePart | undefined {
  if (part.mimeType === mimeType && part.body.data && !part.filename) return part;
  for (const child of part.parts ?? []) {
    const found = findPart(child, mimeType);
    if (found) return found;
  }
  return undefined;
}

/** Readable text of HTML: blocks and <br> become line breaks, tags go, common entities decode. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(style|head|script)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|blockquote|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The message's text: its text/plain part, else its HTML made readable. */
export function bodyText(payload: MimePart): string {
  const plain = findPart(payload, 'text/plain');
  if (plain) return partText(plain).replace(/\r\n/g, '\n');
  const html = findPart(payload, 'text/html');
  return html ? htmlToText(partText(html)) : '';
}
