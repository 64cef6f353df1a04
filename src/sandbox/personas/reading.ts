/**
 * How a persona reads the team's email: who it is addressed to, the newest words (quoted history
 * and signature left out), and what the team said: an offer, a follow-up, an agreement, a decline.
 * A careful human reader, independent of the product's email reading (only the lenient money
 * parser is shared: it is the one definition of what an amount is).
 */
import { type Cents, parseMoney } from '../../domain/money.js';
import type { TeamReading } from './types.js';

/** The bare addresses of an address-list header, lowercased ("Ada <ADA@X.test>" → "ada@x.test"). */
export function addressesIn(value: string | undefined): string[] {
  if (!value) return [];
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  // Commas separate entries only outside a quoted display name ("Lovelace, Ada") and <…>.
  for (const char of value) {
    if (char === '"' && !angled) quoted = !quoted;
    else if (char === '<' && !quoted) angled = true;
    else if (char === '>' && !quoted) angled = false;
    if (char === ',' && !quoted && !angled) {
      entries.push(current);
      current = '';
    } else current += char;
  }
  entries.push(current);
  return entries
    .map((entry) => {
      const angle = /<([^<>]*)>/.exec(entry);
      // A bare entry may still carry a group label ("Team: a@b.test;") or an RFC 822 comment.
      const bare = (angle?.[1] ?? entry.replace(/\([^)]*\)/g, '').replace(/^[^@]*:/, ''))
        .replace(/;$/, '')
        .trim();
      return bare.toLowerCase();
    })
    .filter((address) => /^[^\s@]+@[^\s@]+$/.test(address));
}

// The text of a message is read the way the mailbox shows it (shared with the control API).
export { bodyText, htmlToText, partText } from '../google/mime.js';

const ATTRIBUTION_END = /\bwrote:\s*$/i;
const SEPARATOR = /^(?:-{2,}\s*(?:Original Message|Forwarded message)\s*-{2,}|_{10,})\s*$/i;

/**
 * The newest words of an email: everything before the quoted history (Gmail's or Apple's
 * "On … wrote:", even when wrapped over two lines; Outlook's header block or
 * "-----Original Message-----"; a forwarded block) and before a "-- " signature; ">" lines skipped.
 */
export function latestWords(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    const next = lines[i + 1]?.trim() ?? '';
    const attribution =
      /^On\s/.test(line) && (ATTRIBUTION_END.test(line) || ATTRIBUTION_END.test(next));
    const outlookBlock =
      /^From:\s/.test(line) &&
      lines.slice(i + 1, i + 4).some((l) => /^(Sent|Date):\s/.test(l.trim()));
    if (attribution || outlookBlock || SEPARATOR.test(line) || raw === '-- ' || line === '--')
      break;
    if (line.startsWith('>')) continue;
    kept.push(raw);
  }
  return kept.join('\n').trim();
}

// "$1,250", "$1,250.00", "US$ 1250", "USD 1250", "1.25k", "$2k", "1250 USD", "1,250 dollars".
// A separator counts only between digits, so "$1,250, and" stops before the comma.
const MONEY =
  /(?:US\$|\$|\bUSD\s?)\s?\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s?[kK]\b)?|\b\d(?:[\d,]*\d)?(?:\.\d+)?\s?(?:[kK]\b|(?:USD|usd|dollars)\b)/g;
/** An amount that is a rate, not a fee: "$25 CPM", "$20 per thousand views". */
const RATE_AFTER = /^\s*(?:CPM\b|per (?:thousand|1,?000|mille)\b|\/\s*(?:k|1,?000)\b)/i;
/** Their own number quoted back: "you asked for $2,800, we can offer $1,600". */
const THEIRS_BEFORE =
  /(?:you(?:'ve| have)? (?:asked|requested|quoted|proposed|mentioned|suggested|wanted)(?: for)?|your (?:ask|asking price|rate|quote|price|fee|number|proposal|counter(?:offer)?)(?: of)?(?: at)?|you were looking for)\s*$/i;

/** The team's own amounts in order: rates and the influencer's quoted asks left out. */
export function offeredAmounts(text: string): Cents[] {
  const found: Cents[] = [];
  for (const match of text.matchAll(MONEY)) {
    const after = text.slice(match.index + match[0].length);
    const before = text.slice(Math.max(0, match.index - 40), match.index);
    if (RATE_AFTER.test(after) || THEIRS_BEFORE.test(before)) continue;
    const parsed = parseMoney(match[0].replace(/\s+(?=[kK]$)/, ''));
    if (parsed.ok && parsed.cents > 0) found.push(parsed.cents);
  }
  return found;
}

const AGREEMENT =
  /\b(?:we(?:'re| are) agreed|agreed at|(?:it'?s|we have) a deal|deal at|we accept|(?:happy|glad|pleased|delighted|thrilled) to (?:accept|confirm|agree)|confirm(?:ing)? (?:the|our|your) (?:deal|agreement|rate|fee)|welcome aboard)\b/i;
const DECLINE =
  /\b(?:can(?:no|')t make (?:the numbers|it|this) work|(?:will|have to|need to|going to|must) (?:pass|decline)|politely decline|not (?:be )?able to (?:move forward|proceed|go ahead)|won'?t be (?:moving|able to move) forward|(?:have )?decided not to|not the right fit|part ways|stay in touch for future)\b/i;
/** A decline that still carries a number is a counter: "can't make $2,800 work, but we can offer". */
const OFFER_VERB = /\b(?:offer|propose|pay|budget|go (?:up )?to|stretch to|meet you at|do)\b/i;
const FOLLOW_UP =
  /\b(?:follow(?:ing)?[- ]up|checking in|circling back|bump(?:ing)?|just wanted to check|any (?:thoughts|update)|had a chance|still (?:interested|open))\b/i;

/**
 * What the team's newest words say, given the last amount it offered: an agreement; a decline;
 * an offer (a new number); otherwise a follow-up or some other message with no new number. The
 * same offer again ("just following up on our offer of $1,600", "our offer of $1,600 stands") is
 * not a new round: the persona repeats its position rather than conceding to an offer that did
 * not move.
 */
export function readTeamEmail(words: string, lastOfferCents: Cents | null): TeamReading {
  const amount = offeredAmounts(words)[0] ?? null;
  if (AGREEMENT.test(words)) return { intent: 'agreement', offerCents: amount };
  if (DECLINE.test(words) && (amount === null || !OFFER_VERB.test(words)))
    return { intent: 'decline', offerCents: null };
  if (amount !== null && amount !== lastOfferCents) return { intent: 'offer', offerCents: amount };
  return { intent: FOLLOW_UP.test(words) ? 'follow_up' : 'message', offerCents: null };
}
