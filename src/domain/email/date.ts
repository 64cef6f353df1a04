/**
 * RFC 5322 dates ("Tue, 24 Nov 2026 10:02:33 +0100 (CET)") to ISO 8601 UTC. Parsed here rather
 * than with `new Date(text)` because that reads a date without a zone in the local time zone of
 * whichever machine runs it; the RFC says such a date is UTC ("-0000": zone unknown).
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  edt: -4,
  est: -5,
  cdt: -5,
  cst: -6,
  mdt: -6,
  mst: -7,
  pdt: -7,
  pst: -8,
};
const RFC5322 =
  /^(?:[a-z]{3,},?\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{4}|[a-z]{1,5}))?/i;

export function parseMailDate(header: string | undefined | null): string | null {
  if (!header) return null;
  const text = header.replace(/\([^()]*\)/g, ' ').trim();
  const match = RFC5322.exec(text);
  if (!match) {
    // ISO 8601 from a few automated senders; only when it names its zone.
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
    return iso.test(text) ? toIso(Date.parse(text)) : null;
  }
  const [, day = '', monthName = '', yearText = '', hour = '', minute = '', second, zone] = match;
  const month = MONTHS.indexOf(monthName.toLowerCase());
  const [d, h, m, s] = [Number(day), Number(hour), Number(minute), Number(second ?? 0)];
  if (month < 0 || d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return null;
  let year = Number(yearText);
  if (yearText.length === 2)
    year += year < 50 ? 2000 : 1900; // RFC 5322 §4.3 obsolete years
  else if (yearText.length === 3) year += 1900;
  const utc = Date.UTC(year, month, d, h, m, s);
  return toIso(utc - zoneOffsetMinutes(zone) * 60_000);
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  const numeric = /^([+-])(\d{2})(\d{2})$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3]);
    return numeric[1] === '-' ? -minutes : minutes;
  }
  return (ZONES[zone.toLowerCase()] ?? 0) * 60;
}

function toIso(ms: number): string | null {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : null;
}
