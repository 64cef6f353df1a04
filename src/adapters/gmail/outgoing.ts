/**
 * The agent's emails as RFC 2822: a display name in From, the influencer side in To/Cc,
 * "Re: …", In-Reply-To and the full References chain (so Gmail and every other client thread it),
 * our own Message-ID derived from the outbox key (so an uncertain send can be looked up before
 * it is retried), plain text plus an HTML alternative, RFC 2047 for non-ASCII headers, CRLF.
 */
import { createHash } from 'node:crypto';

export interface Mailbox {
  name: string | null;
  address: string;
}

export interface OutgoingEmail {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  subject: string;
  /** RFC 822 ids, with angle brackets. */
  inReplyTo: string | null;
  references: string[];
  messageId: string;
  text: string;
  date: Date;
}

/** `<neg_1.sendEmail.2.3f9a…@negotiator.brand.test>`: stable per outbox key, unique per mailbox. */
export function messageIdForKey(key: string, mailboxAddress: string): string {
  const domain = mailboxAddress.split('@')[1] ?? 'localhost';
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '.').slice(0, 120);
  // A short hash keeps ids unique even if two keys differ only in characters replaced above.
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  return `<${readable}.${hash}@negotiator.${domain}>`;
}

/** Whether a Message-ID is one the agent minted for this mailbox. */
export function isAgentMessageId(messageId: string | null, mailboxAddress: string): boolean {
  const domain = mailboxAddress.split('@')[1] ?? 'localhost';
  return messageId?.toLowerCase().endsWith(`@negotiator.${domain}>`) ?? false;
}

export function replySubject(subject: string): string {
  const trimmed = subject.trim();
  return /^re:/i.test(trimmed) ? trimmed : `Re: ${trimmed || '(no subject)'}`;
}

const ASCII = /^[\x20-\x7e]*$/;

/** RFC 2047 B-encoding in chunks short enough for header lines. */
export function encodeWord(value: string): string {
  if (ASCII.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    // 45 bytes of UTF-8 → 60 base64 characters: each encoded word stays under 75.
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

function formatMailbox(m: Mailbox): string {
  if (!m.name) return m.address;
  const name = ASCII.test(m.name)
    ? /[(),.:;<>@[\]\\"]/.test(m.name)
      ? `"${m.name.replace(/(["\\])/g, '\\$1')}"`
      : m.name
    : encodeWord(m.name);
  return `${name} <${m.address}>`;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Paragraphs and line breaks of the text, as simple HTML every client renders. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html><body>${paragraphs.join('')}</body></html>`;
}

const base64Lines = (text: string) =>
  (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');

/** Folds a References header: one id per continuation line keeps every line short. */
const foldIds = (ids: string[]) => ids.join('\r\n ');

export function buildOutgoing(email: OutgoingEmail): string {
  if (email.to.length === 0) throw new Error('an email needs at least one recipient');
  const boundary = `=_negotiator_${createHash('sha256').update(email.messageId).digest('hex').slice(0, 24)}`;
  const references = [...new Set(email.references)];
  const headers = [
    `From: ${formatMailbox(email.from)}`,
    `To: ${email.to.map(formatMailbox).join(', ')}`,
    ...(email.cc.length > 0 ? [`Cc: ${email.cc.map(formatMailbox).join(', ')}`] : []),
    `Subject: ${encodeWord(email.subject)}`,
    `Date: ${email.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${email.messageId}`,
    ...(email.inReplyTo ? [`In-Reply-To: ${email.inReplyTo}`] : []),
    ...(references.length > 0 ? [`References: ${foldIds(references)}`] : []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const text = email.text.replace(/\r?\n/g, '\r\n');
  return [
    ...headers,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(text),
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(textToHtml(email.text)),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
