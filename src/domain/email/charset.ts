/**
 * Bytes to text for the charsets mail declares. TextDecoder (WHATWG labels, full ICU in Node)
 * does the work, with two corrections: Node 20 decodes windows-1252 — the label WHATWG also
 * assigns to iso-8859-1, latin1 and us-ascii — as plain ISO-8859-1, losing the curly quotes, dashes
 * and € of every Outlook message; and senders mislabel, so a missing or unknown charset is
 * guessed (UTF-8 when the bytes are valid UTF-8, else windows-1252) instead of failing.
 */

export interface Decoded {
  text: string;
  /** Set when the declared charset could not be used as declared. */
  problem?: string;
}

/** Code points for bytes 0x80–0x9F in windows-1252; the rest of the range equals ISO-8859-1. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

export function decodeBytes(bytes: Uint8Array, declared: string | undefined): Decoded {
  const label = (declared ?? '').trim().replace(/^["']|["']$/g, '');
  if (label === '') return { text: guess(bytes) };
  const encoding = whatwgEncoding(label);
  if (encoding === null) {
    const shown = label.slice(0, 40); // the label comes from the sender: keep reports short
    return { text: guess(bytes), problem: `unknown charset "${shown}", decoded by guessing` };
  }
  if (encoding === 'windows-1252') {
    // "us-ascii" with 8-bit bytes is nearly always UTF-8 from a client that did not say so.
    if (/^(?:us-?)?ascii$/i.test(label) && isUtf8(bytes))
      return { text: utf8Lenient.decode(bytes) };
    return { text: decodeCp1252(bytes) };
  }
  return { text: new TextDecoder(encoding).decode(bytes) };
}

/** The WHATWG encoding name for a label, or null when TextDecoder does not know it. */
function whatwgEncoding(label: string): string | null {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    // Common spellings outside the WHATWG list: "utf8mb4", "cp-1252", "x-unknown".
    const compact = label.toLowerCase().replace(/[\s_-]/g, '');
    if (compact.startsWith('utf8')) return 'utf-8';
    if (compact === 'cp1252' || compact === 'windows1252') return 'windows-1252';
    return null;
  }
}

function guess(bytes: Uint8Array): string {
  return isUtf8(bytes) ? utf8Lenient.decode(bytes) : decodeCp1252(bytes);
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function decodeCp1252(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 8192; // String.fromCharCode(...args) has an argument-count limit
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const codes = Array.from(bytes.subarray(start, start + CHUNK), (b) =>
      b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? b) : b,
    );
    chunks.push(String.fromCharCode(...codes));
  }
  return chunks.join('');
}

/** Header bytes as we hold them (one char per byte) to text: RFC 6532 UTF-8, else cp1252. */
export function decodeRawHeader(binary: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for any non-ASCII byte
  if (!/[^\x00-\x7f]/.test(binary)) return binary;
  return guess(Buffer.from(binary, 'latin1'));
}
