/**
 * Content-Transfer-Encoding decoders over "binary" strings (one char per byte, as the parser
 * holds the message). Both are lenient: mail in the wild has stray characters in base64 and
 * bare "=" signs in quoted-printable, and a reply must still be readable.
 */

export function decodeTransfer(binary: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return decodeBase64(binary);
    case 'quoted-printable':
      return decodeQuotedPrintable(binary);
    default: // 7bit, 8bit, binary, or anything unknown: the bytes as they are
      return Buffer.from(binary, 'latin1');
  }
}

export function decodeBase64(binary: string): Buffer {
  // Node's decoder skips characters outside the alphabet and stops at padding, which is the
  // leniency we want; base64url characters are accepted too.
  return Buffer.from(binary.replace(/[^A-Za-z0-9+/=_-]/g, ''), 'base64');
}

/** Decoded size of a base64 body without decoding it (for attachment metadata). */
export function base64Size(binary: string): number {
  const clean = binary.replace(/[^A-Za-z0-9+/_-]/g, '');
  return Math.floor((clean.length * 3) / 4);
}

export function decodeQuotedPrintable(binary: string): Buffer {
  const out = Buffer.alloc(binary.length);
  let length = 0;
  // Trailing whitespace on a line was added in transport (RFC 2045 §6.7 rule 3): drop it.
  const text = binary.replace(/[ \t]+(?=\r?\n|$)/g, '');
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char !== 0x3d /* = */) {
      out[length++] = char & 0xff;
      continue;
    }
    const next = text.slice(i + 1, i + 3);
    if (next.startsWith('\r\n')) {
      i += 2; // soft line break
    } else if (next.startsWith('\n')) {
      i += 1;
    } else if (/^[0-9A-Fa-f]{2}$/.test(next)) {
      out[length++] = Number.parseInt(next, 16);
      i += 2;
    } else if (i === text.length - 1) {
      // a final "=" is a soft break with the newline lost
    } else {
      out[length++] = char; // a bare "=" that was never encoded: keep it
    }
  }
  return out.subarray(0, length);
}
