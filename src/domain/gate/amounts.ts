/**
 * Finds every money amount a draft names, with its span and cents.
 *
 * Longer than our usual file because it is one decision — "is this number money?" — and the rules
 * read best together. A number is money only when something marks it as money:
 * - a currency symbol or code before it ($, US$, USD; €, £, C$, EUR, GBP … for other currencies),
 * - a currency word after it (USD, dollars, bucks, grand; euros, GBP, "pounds sterling" …),
 * - a "k" suffix ("1.8k") unless the words around it make it a count ("50k views", "audience of
 *   50k"): a bare "2k" in a rate email is nearly always a fee, and missing a fee is worse than
 *   asking the model to rewrite a sentence,
 * - a pricing word right before it ("a rate of 1500", "we can pay 1,500"),
 * - being the other end of a range whose first or last end is money ("$1,200–1,500").
 * Everything else — "2 reels", "Dec 5", "24 hours", "10%", phone numbers, "2026", "@jess2000",
 * "per 1,000 views" — is not money. A bare "m" suffix ("2m") is only money with a marker.
 * "pounds" alone is weight, not sterling. Amounts per 1,000 views (or per view) are reported as
 * `unit: 'cpm'`, in cents per 1,000 views, so the gate can treat them as rates, not fees.
 */
import { type Cents, parseMoney } from '../money.js';
import { readWordAmount, WORD_AMOUNT } from './number-words.js';

export interface AmountMention {
  /** As written, e.g. "$1.5k", "1,500 USD" or "fifteen hundred dollars". */
  text: string;
  start: number;
  end: number;
  /** We only negotiate in US dollars: other currencies are reported, never converted. */
  currency: 'USD' | 'other';
  /** Cents (minor units of the currency); null when the text is not an exact amount ("$1.505"). */
  cents: Cents | null;
  /** 'cpm' for a rate per 1,000 views ("$20 CPM"), normalised to cents per 1,000 views. */
  unit: 'fee' | 'cpm';
}

interface Token {
  start: number;
  /** End of the digits and any scale ("1.5k", "2 grand"). */
  scaledEnd: number;
  /** End including a currency word after it. */
  end: number;
  digits: string;
  scale: '' | 'k' | 'm';
  currency: 'USD' | 'other' | null;
  /** A k-suffixed or pricing-cued number that no count noun claims. */
  contextual: boolean;
  /** Nothing around it rules it out as money (not a count, a percentage or a unit). */
  couldBeMoney: boolean;
}

const NUMBER = /(?<![\w.#@/])(?<!\d,)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d|,\d|\.\d)/g;
const PERCENT = /^\s?(?:%|percent\b|per\s?cent\b)/i;
const SCALE = /^(?:\s?([kK])(?![\w])|\s?([mM])(?![\w])|\s(thousand|million|grand)\b)/i;
const USD_BEFORE = /(?:^|[^A-Za-z])(?:(?:US|USD)\s?)?\$\s?$|(?:^|[^A-Za-z])USD\s?$/i;
const OTHER_BEFORE =
  /(?:[A-Za-z]{1,3}\$|[€£¥₹]|(?:^|[^A-Za-z])(?:EUR|GBP|CAD|AUD|CHF|JPY|INR|NZD))\s?$/;
const USD_AFTER = /^\s?(?:US\s+dollars|USD|dollars?|bucks)(?![A-Za-z])/i;
const OTHER_AFTER =
  /^\s?(?:[€£]|(?:EUR|GBP|CAD|AUD|CHF|JPY|INR|euros?|pounds\s+sterling|British\s+pounds|yen|rupees)(?![A-Za-z]))/i;
const CPM_AFTER =
  /^\s?(?:CPM\b|(?:per|\/|a|for\s+every)\s?(?:1,000|1000|1k|one\s+thousand|thousand|mille)\s+(?:views|impressions|plays)\b|per\s+mille\b)/i;
const PER_VIEW_AFTER = /^\s?(?:per|\/|a)\s?(?:view|impression|play)\b/i;
const CPM_BEFORE = /\bCPM\s+(?:(?:target\s+)?(?:of|at|is|around|about)\s+)?$/i;
const COUNT_NOUNS =
  'views?|viewers?|followers?|followings?|subscribers?|subs|impressions?|likes?|plays?|streams?|listeners?|comments?|shares?|saves?|clicks?|reach|members?|people|fans?|downloads?|visitors?|accounts?|creators?|influencers?|reels?|stor(?:y|ies)|posts?|videos?|shorts?|integrations?|tiktoks?|frames?|slides?|deliverables?|pieces?|items?|rounds?|hours?|hrs?|days?|weeks?|months?|years?|minutes?|mins?|seconds?|secs?|times?|words?|characters?|revisions?|links?|steps?|units?|products?|orders?|codes?|resolution|footage';
const COUNT_AFTER = new RegExp(
  String.raw`^\+?\s*(?:(?:average|avg|monthly|weekly|daily|total|organic|unique|active|engaged|new|real|more|other|true)\s+){0,2}(?:${COUNT_NOUNS})\b`,
  'i',
);
const COUNT_BEFORE =
  /\b(?:audience|following|reach|followers|subscribers|views|impressions|community|fanbase|reached|hit|crossed|passed|averag(?:e|ing))\s+(?:of\s+)?(?:about\s+|around\s+|over\s+|nearly\s+|almost\s+|~)?$/i;
const PRICE_BEFORE =
  /\b(?:rate|fee|offer|budget|price|payment|compensation|quote|asking|ask|total|pay|paying|offering)(?:\s+(?:you|us|of|is|at|was|would\s+be|will\s+be|to|around|about|approximately|roughly))*\s*[:~]?\s*$/i;
/** After a pricing word, only a number that ends the phrase is a price ("ask 2 questions" is not). */
const PRICE_AFTER =
  /^(?:\s*(?:[.,;:!?)\n]|$)|\s+(?:for|per|flat|total|all|each|as|to|in|which|if|and|or|is|would|will|plus|including|inclusive|net|upfront|up\s+front)\b)/i;
const RANGE_JOIN = /^\s*(?:-|–|—|to)\s*(?:(?:US)?\$\s?)?$/i;
const BETWEEN_JOIN = /^\s+and\s+(?:(?:US)?\$\s?)?$/i;

/** Every money amount in `text`, in order of appearance. Never throws. */
export function extractAmounts(text: string): AmountMention[] {
  const tokens = [...text.matchAll(NUMBER)].flatMap((m) => readToken(text, m[0], m.index ?? 0));
  joinRanges(text, tokens);
  const numeric = tokens.flatMap((t) => toMention(text, t));
  const words = [...text.matchAll(WORD_AMOUNT)].flatMap((m) => wordMention(m));
  const taken = (m: AmountMention) => numeric.some((n) => n.start < m.end && m.start < n.end);
  return [...numeric, ...words.filter((w) => !taken(w))].sort((a, b) => a.start - b.start);
}

function readToken(text: string, digits: string, start: number): Token[] {
  const afterDigits = text.slice(start + digits.length);
  if (PERCENT.test(afterDigits)) return [];
  const scaleMatch = SCALE.exec(afterDigits);
  const scaleWord = (scaleMatch?.[3] ?? '').toLowerCase();
  const letter = (scaleMatch?.[1] ?? scaleMatch?.[2] ?? '').toLowerCase();
  const scale = letter === 'k' || scaleWord === 'thousand' || scaleWord === 'grand' ? 'k' : '';
  const scaledEnd = start + digits.length + (scaleMatch?.[0].length ?? 0);
  const after = text.slice(scaledEnd);
  const near = text.slice(Math.max(0, start - 16), start);
  const before = text.slice(Math.max(0, start - 48), start);
  const usdAfter = USD_AFTER.exec(after);
  const otherAfter = OTHER_AFTER.exec(after);
  let currency: Token['currency'] = null;
  if (OTHER_BEFORE.test(near) && !USD_BEFORE.test(near)) currency = 'other';
  else if (USD_BEFORE.test(near) || usdAfter || scaleWord === 'grand') currency = 'USD';
  else if (otherAfter) currency = 'other';
  const suffix = (currency === 'USD' ? usdAfter : currency === 'other' ? otherAfter : null)?.[0];
  // "1st", "24h", "3x": a number glued to letters is a unit, not an amount.
  if (!scaleMatch && !suffix && /^[A-Za-z]/.test(after)) return [];
  const isCount = COUNT_AFTER.test(after) || COUNT_BEFORE.test(before);
  const mega = letter === 'm' || scaleWord === 'million';
  const priced = scaleWord === '' && PRICE_BEFORE.test(before) && PRICE_AFTER.test(after);
  const contextual = !isCount && !mega && (scale === 'k' || priced);
  return [
    {
      start,
      scaledEnd,
      end: scaledEnd + (suffix?.length ?? 0),
      digits,
      scale: mega ? 'm' : scale,
      currency,
      contextual,
      couldBeMoney: !isCount,
    },
  ];
}

/**
 * "$1,200–1,500", "1.2-1.5k USD", "between $1,200 and 1,500": the unmarked end of a range takes the
 * currency of the marked end, and a first end without a suffix takes the last end's suffix when that
 * keeps the range ascending ("$1-1.5k" is $1,000 to $1,500; "$500-1.5k" stays $500).
 */
function joinRanges(text: string, tokens: Token[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const [a, b] = [tokens[i], tokens[i + 1]];
    if (!a || !b || !a.couldBeMoney || !b.couldBeMoney) continue;
    const gap = text.slice(a.end, b.start);
    const between = /\bbetween\s+(?:(?:US)?\$\s?)?$/i.test(text.slice(0, a.start));
    if (!RANGE_JOIN.test(gap) && !(between && BETWEEN_JOIN.test(gap))) continue;
    if (a.scale === '' && b.scale !== '') {
      const scaledA = parseMoney(`${a.digits}${b.scale}`);
      const valueB = parseMoney(`${b.digits}${b.scale}`);
      if (scaledA.ok && valueB.ok && scaledA.cents <= valueB.cents) a.scale = b.scale;
    }
    const low = parseMoney(`${a.digits}${a.scale}`);
    const high = parseMoney(`${b.digits}${b.scale}`);
    if (!low.ok || !high.ok || low.cents > high.cents) continue;
    const currency = a.currency ?? b.currency ?? (a.contextual || b.contextual ? 'USD' : null);
    if (currency === null) continue;
    a.currency ??= currency;
    b.currency ??= currency;
  }
}

function toMention(text: string, token: Token): AmountMention[] {
  const currency = token.currency ?? (token.contextual ? 'USD' : null);
  if (currency === null) return [];
  const start = token.start - prefixLength(text, token.start, currency);
  const parsed = parseMoney(`${token.digits}${token.scale}`);
  let cents = parsed.ok ? parsed.cents : null;
  let end = token.end;
  let unit: AmountMention['unit'] = 'fee';
  const after = text.slice(end);
  const cpm = CPM_AFTER.exec(after);
  const perView = PER_VIEW_AFTER.exec(after);
  if (cpm || CPM_BEFORE.test(text.slice(0, start))) {
    unit = 'cpm';
    end += cpm?.[0].length ?? 0;
  } else if (perView) {
    unit = 'cpm';
    end += perView[0].length;
    cents = cents === null ? null : cents * 1000;
  }
  return [{ text: text.slice(start, end), start, end, currency, cents, unit }];
}

/** How many characters before the digits belong to the amount ("US$ ", "€", "USD "). */
function prefixLength(text: string, start: number, currency: 'USD' | 'other'): number {
  const before = text.slice(Math.max(0, start - 16), start);
  const symbol =
    currency === 'USD'
      ? /(?:(?:US|USD)\s?)?\$\s?$|USD\s?$/i.exec(before)
      : /(?:[A-Za-z]{1,3}\$|[€£¥₹]|(?:EUR|GBP|CAD|AUD|CHF|JPY|INR|NZD))\s?$/.exec(before);
  return symbol?.[0].length ?? 0;
}

function wordMention(match: RegExpMatchArray): AmountMention[] {
  const [whole, numberWords = '', currencyWord = ''] = match;
  const read = readWordAmount(numberWords, currencyWord);
  if (read === null) return [];
  const start = (match.index ?? 0) + read.skip;
  const cents = read.units * 100;
  return [
    {
      text: whole.slice(read.skip),
      start,
      end: (match.index ?? 0) + whole.length,
      currency: read.currency,
      cents: Number.isSafeInteger(cents) ? cents : null,
      unit: 'fee',
    },
  ];
}
