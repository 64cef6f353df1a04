/**
 * Raw RFC 2822 replies the way real mail clients write them: Gmail (text or text + HTML), Outlook
 * (header-block quoting, HTML, quoted-printable, or HTML alone), iPhone Mail and a Latin-1
 * Thunderbird. Every raw message is 7-bit ASCII on the wire, so its bytes are exactly what its
 * Content-Transfer-Encoding and charset say, however the emulator stores the string.
 *
 * Longer than most files: each mail client's format is its own small renderer.
 */
import {
  type Charset,
  encodeCharset,
  encodeHeader,
  encodeHeaderQ,
  encodeQuotedPrintable,
} from '../google/mime.js';
import type { EmailStyle } from './types.js';

/** The team email being answered (or forwarded), as the client shows it under the reply. */
export interface QuotedMessage {
  from: string;
  to: string;
  date: Date;
  subject: string;
  text: string;
}

export interface Draft {
  from: string;
  to: string;
  cc?: string | undefined;
  subject: string;
  date: Date;
  messageId: string;
  inReplyTo?: string | undefined;
  references: string[];
  /** The new words, sign-off included. */
  body: string;
  signature?: string | undefined;
  quoted: QuotedMessage;
  /** A reply quotes the team's email; a forward (a manager taking over) embeds it. */
  quoteAs: 'reply' | 'forward';
  /** Seeded hex for MIME boundaries and client-specific ids, so output is reproducible. */
  token: string;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const pad = (n: number) => String(n).padStart(2, '0');
const short = (name: string | undefined) => (name ?? '').slice(0, 3);
// Dates are shown in UTC: a fixed zone keeps sandbox runs identical on every machine.
const clock = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
const day = (d: Date) =>
  `${d.getUTCDate()} ${short(MONTHS[d.getUTCMonth()])} ${d.getUTCFullYear()}`;

/** "Tue, 24 Nov 2026 at 10:02" (Gmail's attribution and forward header). */
export const gmailDate = (d: Date) => `${short(WEEKDAYS[d.getUTCDay()])}, ${day(d)} at ${clock(d)}`;
/** "24 Nov 2026, at 10:02" (Apple Mail). */
export const appleDate = (d: Date) => `${day(d)}, at ${clock(d)}`;
/** "Tuesday, November 24, 2026 10:02 AM" (Outlook's "Sent:"). */
export function outlookDate(d: Date): string {
  const hours = d.getUTCHours() % 12 || 12;
  const meridiem = d.getUTCHours() < 12 ? 'AM' : 'PM';
  return `${WEEKDAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${hours}:${pad(d.getUTCMinutes())} ${meridiem}`;
}
/** "24/11/2026 10:02" (Thunderbird with a European locale). */
const thunderbirdDate = (d: Date) =>
  `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${clock(d)}`;
/** RFC 5322 Date header with a numeric zone. */
const headerDate = (d: Date) => d.toUTCString().replace(/GMT$/, '+0000');

/** "Name <address>", the name quoted or RFC 2047-encoded when it has to be. */
export function formatAddress(name: string, address: string, charset: Charset = 'UTF-8'): string {
  if (!/^[\x20-\x7e]*$/.test(name)) return `${encodeHeaderQ(name, charset)} <${address}>`;
  return /[,;:"()<>@[\]\\.]/.test(name)
    ? `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`
    : `${name} <${address}>`;
}

/** "Re: Subject" ("RE:" from Outlook), never "Re: Re:". */
export function replySubject(style: EmailStyle, subject: string): string {
  const base = subject.replace(/^\s*((re|aw)\s*:\s*)+/i, '');
  return `${style.startsWith('outlook') ? 'RE' : 'Re'}: ${base}`;
}

/** A Message-ID shaped like the one the client would write. */
export function messageIdFor(style: EmailStyle, token: string, senderAddress: string): string {
  const domain = senderAddress.split('@')[1] ?? 'creators.test';
  const upper = token.toUpperCase();
  switch (style) {
    case 'gmail-text':
    case 'gmail-html':
      return `<CA+${token}@mail.gmail.com>`;
    case 'outlook':
    case 'outlook-html-only':
      return `<PH0PR${upper.slice(0, 6)}${upper}@PH0PR11MB.namprd11.prod.outlook.com>`;
    case 'apple-iphone':
      return `<${uuid(upper)}@${domain}>`;
    case 'thunderbird-latin1':
      return `<${uuid(token)}@${domain}>`;
  }
}

const uuid = (hex: string) => {
  const h = hex.padEnd(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

const isAscii = (text: string) => /^[\x20-\x7e\t\r\n]*$/.test(text);

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text quoted the usual way: "> " before each line, ">" before already-quoted ones. */
const quoteLines = (text: string) =>
  text
    .split('\n')
    .map((line) => (line === '' ? '>' : line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');

/** Long References headers are folded (continuation lines start with a space). */
const fold = (ids: string[]) => ids.join('\r\n ');

function envelope(draft: Draft, extra: string[] = []): string[] {
  return [
    `From: ${draft.from}`,
    `To: ${draft.to}`,
    ...(draft.cc ? [`Cc: ${draft.cc}`] : []),
    `Subject: ${encodeHeader(draft.subject)}`,
    `Date: ${headerDate(draft.date)}`,
    `Message-ID: ${draft.messageId}`,
    ...(draft.inReplyTo ? [`In-Reply-To: ${draft.inReplyTo}`] : []),
    ...(draft.references.length ? [`References: ${fold(draft.references)}`] : []),
    ...extra,
  ];
}

interface Part {
  contentType: string;
  /** Already encoded for the wire. */
  body: string;
  encoding?: 'quoted-printable' | '7bit';
}

/** A text part as Gmail sends it: plain 7-bit when it can, quoted-printable otherwise. */
function textPart(text: string, mimeType: string, charset: Charset = 'UTF-8'): Part {
  const plain = isAscii(text) && text.split('\n').every((line) => line.length <= 76);
  return plain
    ? { contentType: `${mimeType}; charset="${charset}"`, body: text.replace(/\n/g, '\r\n') }
    : {
        contentType: `${mimeType}; charset="${charset}"`,
        body: encodeQuotedPrintable(text, charset),
        encoding: 'quoted-printable',
      };
}

function partLines(part: Part): string[] {
  return [
    `Content-Type: ${part.contentType}`,
    ...(part.encoding ? [`Content-Transfer-Encoding: ${part.encoding}`] : []),
    '',
    part.body,
  ];
}

function single(head: string[], part: Part): string {
  return [...head, ...partLines(part)].join('\r\n');
}

function alternative(head: string[], boundary: string, parts: Part[]): string {
  return [
    ...head,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    ...parts.flatMap((part) => [`--${boundary}`, ...partLines(part)]),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

const htmlLines = (text: string) =>
  text
    .split('\n')
    .map((line) => `<div>${line === '' ? '<br>' : escapeHtml(line)}</div>`)
    .join('');

/** Gmail: text (and HTML) with "On … wrote:" + "> " quoting, or a forwarded-message block. */
function gmail(draft: Draft, withHtml: boolean): string {
  const { quoted } = draft;
  const signatureText = draft.signature ? `\n\n-- \n${draft.signature}` : '';
  const attribution = `On ${gmailDate(quoted.date)}, ${quoted.from} wrote:`;
  const forwardHeader = [
    '---------- Forwarded message ---------',
    `From: ${quoted.from}`,
    `Date: ${gmailDate(quoted.date)}`,
    `Subject: ${quoted.subject}`,
    `To: ${quoted.to}`,
  ].join('\n');
  const history =
    draft.quoteAs === 'forward'
      ? `${forwardHeader}\n\n\n${quoted.text}`
      : `${attribution}\n\n${quoteLines(quoted.text)}`;
  const text = `${draft.body}${signatureText}\n\n${history}\n`;
  const head = ['MIME-Version: 1.0', ...envelope(draft)];
  if (!withHtml) return single(head, textPart(text, 'text/plain'));

  const signatureHtml = draft.signature
    ? `<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature">${htmlLines(draft.signature)}</div>`
    : '';
  const historyHtml =
    draft.quoteAs === 'forward'
      ? `<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">${forwardHeader
          .split('\n')
          .map(escapeHtml)
          .join('<br>')}<br></div><br><br>${htmlLines(quoted.text)}</div>`
      : `<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">${escapeHtml(
          attribution,
        )}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">${htmlLines(
          quoted.text,
        )}</blockquote></div>`;
  const html = `<div dir="ltr">${htmlLines(draft.body)}${signatureHtml}</div><br>${historyHtml}\n`;
  return alternative(head, `000000000000${draft.token.slice(0, 12)}`, [
    textPart(text, 'text/plain'),
    textPart(html, 'text/html'),
  ]);
}

/** Outlook's header block above the quoted (not ">"-prefixed) original. */
const outlookHeader = (quoted: QuotedMessage) => [
  `From: ${quoted.from}`,
  `Sent: ${outlookDate(quoted.date)}`,
  `To: ${quoted.to}`,
  `Subject: ${quoted.subject}`,
];

const mso = (line: string) =>
  `<p class="MsoNormal">${line === '' ? '<o:p>&nbsp;</o:p>' : `${escapeHtml(line)}<o:p></o:p>`}</p>`;

/** Outlook with a text alternative: both parts quoted-printable, Word's HTML. */
function outlook(draft: Draft): string {
  const { quoted } = draft;
  const own = draft.signature ? `${draft.body}\n${draft.signature}` : draft.body;
  const header = outlookHeader(quoted);
  const text = `${own}\n\n${header.join('\n')}\n\n${quoted.text}\n`;
  const html = [
    '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">',
    '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="Generator" content="Microsoft Word 15 (filtered medium)">',
    '<style><!-- p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0in; font-size:11.0pt; font-family:"Calibri",sans-serif;} --></style></head>',
    '<body lang="EN-US" link="#0563C1" vlink="#954F72" style="word-wrap:break-word"><div class="WordSection1">',
    ...own.split('\n').map(mso),
    mso(''),
    '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in">',
    `<p class="MsoNormal">${header
      .map((line) =>
        line.replace(
          /^(\w+):(.*)$/,
          (_, label: string, rest: string) => `<b>${label}:</b>${escapeHtml(rest)}`,
        ),
      )
      .join('<br>')}<o:p></o:p></p></div>`,
    mso(''),
    ...quoted.text.split('\n').map(mso),
    '</div></body></html>',
  ].join('\n');
  const topic = quoted.subject.replace(/^\s*((re|aw)\s*:\s*)+/i, '');
  const head = envelope(draft, [
    `Thread-Topic: ${encodeHeader(topic)}`,
    `Thread-Index: ${Buffer.from(draft.token.padEnd(44, '0').slice(0, 44), 'hex').toString('base64')}`,
    'Accept-Language: en-US',
    'Content-Language: en-US',
    'X-MS-Has-Attach:',
    'MIME-Version: 1.0',
  ]);
  const qp = (body: string, mimeType: string): Part => ({
    contentType: `${mimeType}; charset="utf-8"`,
    body: encodeQuotedPrintable(body),
    encoding: 'quoted-printable',
  });
  return alternative(head, `_000_${draft.token.toUpperCase().slice(0, 16)}_`, [
    qp(text, 'text/plain'),
    qp(html, 'text/html'),
  ]);
}

/** Outlook/Exchange sending HTML alone: the reader must make text of it itself. */
function outlookHtmlOnly(draft: Draft): string {
  const { quoted } = draft;
  const own = draft.signature ? `${draft.body}\n${draft.signature}` : draft.body;
  const paragraphs = (text: string) =>
    text
      .split(/\n{2,}/)
      .map((p) => `<p>${p.split('\n').map(escapeHtml).join('<br>\n')}</p>`)
      .join('\n');
  const charset = isAscii(own + quoted.text) ? 'us-ascii' : 'utf-8';
  const html = [
    `<html><head><meta http-equiv="Content-Type" content="text/html; charset=${charset}"></head>`,
    '<body><div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 11pt; color: rgb(0, 0, 0);">',
    paragraphs(own),
    `<p>-----Original Message-----<br>\n${outlookHeader(quoted).map(escapeHtml).join('<br>\n')}</p>`,
    paragraphs(quoted.text),
    '</div></body></html>',
    '',
  ].join('\n');
  return single(envelope(draft, ['MIME-Version: 1.0', 'X-MS-Exchange-Organization-SCL: -1']), {
    contentType: `text/html; charset="${charset}"`,
    body: encodeQuotedPrintable(html),
    encoding: 'quoted-printable',
  });
}

/** iPhone Mail: its signature line, then the attribution quoted along with the original. */
function appleIphone(draft: Draft): string {
  const { quoted } = draft;
  const own = draft.signature ? `${draft.body}\n\n${draft.signature}` : draft.body;
  const attribution = `On ${appleDate(quoted.date)}, ${quoted.from} wrote:`;
  const text = `${own}\n\nSent from my iPhone\n\n${quoteLines(`${attribution}\n\n${quoted.text}`)}\n`;
  return single(envelope(draft, ['Mime-Version: 1.0 (1.0)', 'X-Mailer: iPhone Mail (22B83)']), {
    contentType: 'text/plain; charset=utf-8',
    body: encodeQuotedPrintable(text),
    encoding: 'quoted-printable',
  });
}

/**
 * Thunderbird in ISO-8859-1, quoted-printable. Like the real client, it falls back to UTF-8 when
 * the text holds a character Latin-1 cannot (an em dash quoted from the team's email).
 */
function thunderbirdLatin1(draft: Draft): string {
  const { quoted } = draft;
  const signature = draft.signature ? `\n\n-- \n${draft.signature}` : '';
  const name = quoted.from.replace(/\s*<[^>]*>\s*$/, '').replace(/^"|"$/g, '') || quoted.from;
  const text = `${draft.body}${signature}\n\nOn ${thunderbirdDate(quoted.date)}, ${name} wrote:\n${quoteLines(quoted.text)}\n`;
  let charset: Charset = 'ISO-8859-1';
  try {
    encodeCharset(text, charset);
  } catch {
    charset = 'UTF-8';
  }
  return single(
    envelope(draft, [
      'User-Agent: Mozilla Thunderbird',
      'Content-Language: fr',
      'MIME-Version: 1.0',
    ]),
    {
      contentType: `text/plain; charset=${charset}`,
      body: encodeQuotedPrintable(text, charset),
      encoding: 'quoted-printable',
    },
  );
}

/** The raw message, CRLF line endings, in the persona's mail client's shape. */
export function renderEmail(style: EmailStyle, draft: Draft): string {
  switch (style) {
    case 'gmail-text':
      return gmail(draft, false);
    case 'gmail-html':
      return gmail(draft, true);
    case 'outlook':
      return outlook(draft);
    case 'outlook-html-only':
      return outlookHtmlOnly(draft);
    case 'apple-iphone':
      return appleIphone(draft);
    case 'thunderbird-latin1':
      return thunderbirdLatin1(draft);
  }
}
