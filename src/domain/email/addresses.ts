/**
 * Address lists (RFC 5322 §3.4) parsed into `{ name, address }`, so that "Name <ADDR>",
 * `"Lovelace, Ada" <ada@x>`, "ada@x (Ada)" and groups all compare by the address alone.
 * Addresses are lower-cased: mailbox providers treat the local part case-insensitively, and a
 * thread must never be matched or missed because of how someone capitalised their address.
 */
import { decodeHeaderText } from './encoded-words.js';

export interface EmailAddress {
  /** Decoded display name; "" when there is none. */
  name: string;
  /** Lower-cased `local@domain`. */
  address: string;
}

interface Token {
  kind: 'word' | 'quoted' | 'comment' | 'angle' | 'separator';
  /** Unquoted, unescaped text; for a separator, one of "," ":" ";". */
  text: string;
}

const MAX_HEADER_CHARS = 64 * 1024;
const MAX_ADDRESSES = 1000;

/** Every mailbox in an address header, groups flattened; entries without an address dropped. */
export function parseAddressList(header: string | undefined | null): EmailAddress[] {
  if (!header) return [];
  const tokens = tokenize(header.slice(0, MAX_HEADER_CHARS));
  const out: EmailAddress[] = [];
  let current: Token[] = [];
  const flush = () => {
    const mailbox = toMailbox(current);
    if (mailbox && out.length < MAX_ADDRESSES) out.push(mailbox);
    current = [];
  };
  for (const token of tokens) {
    if (token.kind !== 'separator') current.push(token);
    else if (token.text !== ':') flush();
    else current = []; // "Team: a@x, b@y;" — a group's name is not a mailbox
  }
  flush();
  return out;
}

/** The first mailbox of a header such as From, or null. */
export function parseAddress(header: string | undefined | null): EmailAddress | null {
  return parseAddressList(header)[0] ?? null;
}

/** True when both name the same mailbox, however each was written; false if either has none. */
export function sameAddress(a: string | EmailAddress, b: string | EmailAddress): boolean {
  const left = typeof a === 'string' ? parseAddress(a) : normalise(a);
  const right = typeof b === 'string' ? parseAddress(b) : normalise(b);
  return left !== null && right !== null && left.address === right.address;
}

/** `Ada <ada@x>`, with the name quoted when it holds characters that need it. */
export function formatAddress(address: EmailAddress): string {
  if (address.name === '') return address.address;
  const name = /^[\p{L}\p{N}!#$%&'*+\-/=?^_`{|}~ ]+$/u.test(address.name)
    ? address.name
    : `"${address.name.replace(/["\\]/g, '\\$&')}"`;
  return `${name} <${address.address}>`;
}

function normalise(address: EmailAddress): EmailAddress | null {
  const cleaned = cleanAddress(address.address);
  return cleaned ? { name: address.name, address: cleaned } : null;
}

function toMailbox(tokens: Token[]): EmailAddress | null {
  const angle = tokens.find((t) => t.kind === 'angle');
  const comments = tokens.filter((t) => t.kind === 'comment');
  let words = tokens.filter((t) => t.kind === 'word' || t.kind === 'quoted');
  let address: string | null;
  if (angle) {
    address = cleanAddress(angle.text);
  } else {
    // No angle brackets: "ada@x" or "ada@x (Ada Lovelace)"; the word with the "@" is the address.
    const bare = words.find((t) => t.text.includes('@'));
    address = bare ? cleanAddress(bare.text) : null;
    words = words.filter((t) => t !== bare);
  }
  if (address === null) return null;
  const chosen = words.length > 0 ? words : comments;
  const name = decodeHeaderText(chosen.map((t) => t.text).join(' '))
    .replace(/\s+/g, ' ')
    .trim();
  return { name, address };
}

function cleanAddress(raw: string): string | null {
  const address = raw
    .replace(/^mailto:/i, '')
    .replace(/\s+/g, '')
    .toLowerCase();
  return /^[^@\s<>(),;:]+@[^@\s<>(),;:]+$/.test(address) ? address : null;
}

function tokenize(header: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  const endWord = () => {
    if (word.trim() !== '') tokens.push({ kind: 'word', text: word.trim() });
    word = '';
  };
  for (let i = 0; i < header.length; i++) {
    const char = header[i] ?? '';
    if (char === '"' || char === '(' || char === '<') {
      endWord();
      const [text, end] = char === '"' ? readQuoted(header, i) : readBracketed(header, i);
      tokens.push({ kind: char === '"' ? 'quoted' : char === '(' ? 'comment' : 'angle', text });
      i = end;
    } else if (char === ',' || char === ':' || char === ';') {
      endWord();
      tokens.push({ kind: 'separator', text: char });
    } else if (/\s/.test(char)) {
      endWord();
    } else word += char;
  }
  endWord();
  return tokens;
}

/** A quoted string from `start` (the opening quote): its unescaped text and last index. */
function readQuoted(text: string, start: number): [string, number] {
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') out += text[++i] ?? '';
    else if (char === '"') return [out, i];
    else out += char;
  }
  return [out, text.length];
}

/** A comment (nesting allowed) or an angle address from `start` to its closing bracket. */
function readBracketed(text: string, start: number): [string, number] {
  const open = text[start];
  const close = open === '(' ? ')' : '>';
  let depth = 0;
  let out = '';
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && open === '(') {
      out += text[++i] ?? '';
      continue;
    }
    if (char === open) depth++;
    else if (char === close) depth--;
    if (depth === 0) return [out, i];
    if (i !== start) out += char;
  }
  return [out, text.length];
}
