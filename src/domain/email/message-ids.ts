/**
 * Message-ID, In-Reply-To and References (RFC 5322 §3.6.4) as `<id@host>` strings, the form
 * Gmail's `rfc822msgid:` search and our own outgoing headers use, so ids compare as strings.
 */

const MAX_IDS = 500;

/** Every `<…>` id in a header, in order; bare `id@host` tokens are accepted from sloppy senders. */
export function parseMessageIds(header: string | undefined | null): string[] {
  if (!header) return [];
  const text = header.replace(/\([^()]*\)/g, ' ');
  const bracketed = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => `<${m[1]}>`);
  const ids =
    bracketed.length > 0
      ? bracketed
      : text
          .split(/[\s,]+/)
          .filter((token) => /^[^\s<>@]+@[^\s<>@]+$/.test(token))
          .map((token) => `<${token}>`);
  // A long thread's References keeps its first and latest ids; the middle is least useful.
  return ids.length > MAX_IDS ? [...ids.slice(0, 1), ...ids.slice(-(MAX_IDS - 1))] : ids;
}

export function parseMessageId(header: string | undefined | null): string | null {
  return parseMessageIds(header)[0] ?? null;
}
