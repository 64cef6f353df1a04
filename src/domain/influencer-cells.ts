/**
 * Readers for single influencer-sheet cells: each turns what a person typed into a value or a
 * reason a person can act on, and never throws.
 */
import { type Cents, parseCount, parseMoney } from './money.js';
import { type Platform, parsePlatform } from './pricing/deliverables.js';
import type { Bps } from './pricing/rate-card.js';

export type Reader<T> = (
  text: string,
) => { ok: true; value: T; note?: string } | { ok: false; reason: string };

export const readText: Reader<string> = (text) => ({ ok: true, value: text });

const ADDRESS = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const ADDRESS_LIKE = /[^\s<>()[\],;:"'/]+@[^\s<>()[\],;:"'/]+/g;

/** "Bo <BO@x.test>", " dee@x.test ", "mailto:a@x.test" → the lower-cased address. */
export const readEmail: Reader<string> = (text) => {
  const found = [...text.replace(/mailto:/gi, ' ').matchAll(ADDRESS_LIKE)].map((m) =>
    m[0].replace(/\.+$/, '').toLowerCase(),
  );
  const [first] = found;
  if (first === undefined || !ADDRESS.test(first)) {
    return { ok: false, reason: `"${text}" is not an email address` };
  }
  const distinct = [...new Set(found)];
  const note =
    distinct.length > 1 ? `holds ${distinct.length} addresses: only ${first} is used` : undefined;
  return note ? { ok: true, value: first, note } : { ok: true, value: first };
};

export const readPlatform: Reader<Platform> = (text) => {
  const platform = parsePlatform(text) ?? parsePlatform(text.split(/\s+/)[0] ?? '');
  return platform
    ? { ok: true, value: platform }
    : { ok: false, reason: `"${text}" is not a platform we price (Instagram, TikTok or YouTube)` };
};

export const readViews: Reader<number> = (text) => {
  const parsed = parseCount(text);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  if (parsed.value === 0) return { ok: false, reason: `"${text}" views: must be more than 0` };
  return { ok: true, value: parsed.value };
};

/**
 * "4.2%", "4,2 %", "4.2" → 420 bps; a bare number below 1 is a fraction ("0.042" → 420), the way
 * Sheets stores a percentage. Rounded half-up to the basis point.
 */
export const readPercent: Reader<Bps> = (text) => {
  const match = /^(\d{0,3})(?:[.,](\d{1,6}))?\s*(%)?$/.exec(text.trim());
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) {
    return { ok: false, reason: `"${text}" is not a percentage` };
  }
  const units = Number(`${whole || '0'}${fraction}`);
  const scale = 10 ** fraction.length;
  const isFraction = match[3] === undefined && units < scale;
  const bps = Math.floor(((isFraction ? 10_000 : 100) * units * 2 + scale) / (2 * scale));
  if (bps > 10_000) return { ok: false, reason: `"${text}" is more than 100%` };
  return { ok: true, value: bps };
};

export const readAmount: Reader<Cents> = (text) => {
  const parsed = parseMoney(text);
  return parsed.ok ? { ok: true, value: parsed.cents } : { ok: false, reason: parsed.reason };
};

/** "$1,000 - $1,500", "1k to 1.5k". */
export const readRange: Reader<{ minCents: Cents; maxCents: Cents }> = (text) => {
  const parts = text.split(/\s*(?:–|—|-|\bto\b)\s*/i).filter((p) => p !== '');
  if (parts.length !== 2) {
    return { ok: false, reason: `"${text}" is not a range such as "$1,000 - $1,500"` };
  }
  const [low, high] = parts.map((p) => parseMoney(p));
  if (!low?.ok || !high?.ok)
    return { ok: false, reason: `"${text}" is not a range of dollar amounts` };
  return { ok: true, value: { minCents: low.cents, maxCents: high.cents } };
};

/** Cell text as Sheets' FORMATTED_VALUE gives it; numbers and booleans tolerated. */
export function textOf(cell: unknown): string {
  if (typeof cell === 'string') return cell.trim();
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return '';
}
