/**
 * Just enough RFC 2822 / MIME for the Gmail emulator: build messages, and parse raw ones into
 * Gmail's `payload` tree (headers with the sender's casing, nested parts, base64url bodies).
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

/** The first text/plain body in the tree, decoded. */
export function plainText(part: MimePart): string {
  if (part.mimeType === 'text/plain' && part.body.data)
    return Buffer.from(part.body.data, 'base64url').toString('utf8');
  for (const child of part.parts ?? []) {
    const text = plainText(child);
    if (text) return text;
  }
  return '';
}

export interface OutgoingMail {
  from: string;
  to: string;
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
