/**
 * RFC 2047 encoded words ("=?utf-8?B?…?=", "=?iso-8859-1?Q?…?=") in headers. Adjacent words
 * in the same charset are joined as bytes before decoding, because encoders split multi-byte
 * characters across words; the whitespace between adjacent encoded words is not text.
 */
import { decodeBytes, decodeRawHeader } from './charset.js';
import { decodeBase64 } from './transfer-encoding.js';

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?]*)\?=/g;

interface Word {
  charset: string;
  bytes: Buffer[];
}

export function decodeHeaderText(raw: string): string {
  const value = decodeRawHeader(raw);
  if (!value.includes('=?')) return value;
  const out: string[] = [];
  let pending: Word | null = null;
  let last = 0;
  const flush = () => {
    if (pending) out.push(decodeBytes(Buffer.concat(pending.bytes), pending.charset).text);
    pending = null;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    const [, label = '', encoding = '', payload = ''] = match;
    const charset = label.replace(/\*.*$/, ''); // RFC 2231 language suffix: "utf-8*en"
    const bytes = encoding.toUpperCase() === 'B' ? decodeBase64(payload) : decodeQ(payload);
    if (
      pending &&
      /^\s*$/.test(between) &&
      pending.charset.toLowerCase() === charset.toLowerCase()
    ) {
      pending.bytes.push(bytes);
    } else {
      flush();
      // Whitespace between two encoded words is folding, not content.
      if (!(last > 0 && /^\s*$/.test(between))) out.push(between);
      pending = { charset, bytes: [bytes] };
    }
    last = match.index + match[0].length;
  }
  flush();
  out.push(value.slice(last));
  return out.join('');
}

function decodeQ(payload: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    const char = payload[i];
    const hex = payload.slice(i + 1, i + 3);
    if (char === '_') bytes.push(0x20);
    else if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(payload.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}
