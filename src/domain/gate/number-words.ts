/**
 * Amounts written in words ("fifteen hundred dollars", "one thousand two hundred dollars",
 * "two grand"). Only a number-word sequence followed by a currency word is money: "two reels"
 * and "one story" never match, because the currency word is part of the pattern.
 */

/** Number words up to nineteen (also how drafts count deliverables: "two reels"). */
export const SMALL: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000, million: 1_000_000 };

const WORD = `(?:a|an|${[...Object.keys(SMALL), ...Object.keys(SCALES)].join('|')})`;
const SEPARATOR = String.raw`(?:\s*,\s*|\s+and\s+|[\s-]+)`;
const USD_WORDS = String.raw`US\s+dollars|dollars?|bucks|grand|USD`;
const OTHER_WORDS = String.raw`euros?|pounds\s+sterling|British\s+pounds|EUR|GBP`;

/** A number-word sequence and the currency word after it; `g` flag, so use with matchAll. */
export const WORD_AMOUNT = new RegExp(
  String.raw`\b(${WORD}(?:${SEPARATOR}${WORD})*)\s+(${USD_WORDS}|${OTHER_WORDS})\b`,
  'gi',
);

export interface WordAmount {
  /** Offset of the first number word inside the match (a leading "a" may be dropped). */
  skip: number;
  /** Whole currency units, e.g. 1500 for "fifteen hundred dollars". */
  units: number;
  currency: 'USD' | 'other';
}

/**
 * Reads the numbers and currency captured by {@link WORD_AMOUNT}; null when the words are not an
 * amount ("a dollar more" is a figure of speech, not a price).
 */
export function readWordAmount(numberWords: string, currencyWord: string): WordAmount | null {
  const tokens = [...numberWords.matchAll(/[a-z]+/gi)].map((m) => ({
    word: (m[0] ?? '').toLowerCase(),
    index: m.index ?? 0,
  }));
  const grand = /^grand$/i.test(currencyWord);
  // "a"/"an" stands for one only before a scale ("a thousand dollars", "a grand").
  while (tokens.length > 0 && /^an?$/.test(tokens[0]?.word ?? '')) {
    const next = tokens[1]?.word;
    if ((next !== undefined && next in SCALES) || (next === undefined && grand)) break;
    tokens.shift();
  }
  const first = tokens[0];
  if (first === undefined) return null;
  const value = wordsToNumber(tokens.map((t) => t.word));
  if (value === null) return null;
  const currency = new RegExp(`^(?:${USD_WORDS})$`, 'i').test(currencyWord) ? 'USD' : 'other';
  return { skip: first.index, units: grand ? value * 1000 : value, currency };
}

/** "fifteen hundred" → 1500, "one thousand two hundred" → 1200, "twenty-five" → 25. */
function wordsToNumber(words: string[]): number | null {
  let total = 0;
  let current = 0;
  let seen = false;
  for (const word of words) {
    if (word === 'and') continue;
    if (word === 'a' || word === 'an') current += 1;
    else if (word in SMALL) current += SMALL[word] ?? 0;
    else if (word === 'hundred') current = (current || 1) * 100;
    else if (word in SCALES) {
      total += (current || 1) * (SCALES[word] ?? 1);
      current = 0;
    } else return null;
    seen = true;
  }
  return seen ? total + current : null;
}
