/**
 * Money is integer cents everywhere. This module holds the one lenient parser (for sheet cells,
 * CLI arguments and amounts quoted in emails) and the one formatter.
 */

export type Cents = number;

export type MoneyParse = { ok: true; cents: Cents } | { ok: false; reason: string };

const MAX_CENTS = 1_000_000_000_00; // one billion dollars: anything above is a typo, not a fee

const CURRENCY_WORDS = /^(?:usd|us\$|dollars?|bucks)$/i;
const OTHER_CURRENCY = /(?:€|£|¥|\b(?:eur|gbp|cad|aud|jpy|inr|euros?|pounds?)\b)/i;

/**
 * Parses a human-written dollar amount into cents.
 * Accepts "$1,500", "1,500.00", "1.5k", "USD 1500", "$2k", "1500 usd", "$1.2M", "1 500".
 * Rejects ranges, negatives, other currencies, more than two decimals and anything ambiguous,
 * always with a reason a person can act on.
 */
export function parseMoney(input: string): MoneyParse {
  const raw = input.trim();
  if (raw === '') return fail('empty value');
  if (OTHER_CURRENCY.test(raw)) return fail(`"${raw}" is not in US dollars`);
  if (/^-|\(\s*\$?\s*\d/.test(raw)) return fail(`"${raw}" is negative`);

  let text = raw.replace(/^\$\s*/, '').replace(/\s*\$$/, '');
  const words = text.split(/\s+/);
  if (words.length > 1 && CURRENCY_WORDS.test(words[0] ?? '')) text = words.slice(1).join(' ');
  else if (words.length > 1 && CURRENCY_WORDS.test(words.at(-1) ?? '')) {
    text = words.slice(0, -1).join(' ');
  }
  text = text.replace(/^\$\s*/, '').trim();
  if (/\d\s*(?:-|–|to)\s*\$?\d/.test(text)) return fail(`"${raw}" is a range, not one amount`);

  const number = parseScaled(text);
  if (!number.ok)
    return fail(
      number.problem === 'shape'
        ? `"${raw}" is not an amount of money`
        : `"${raw}" has misplaced thousands separators`,
    );
  if (!number.suffixed && number.decimals > 2) return fail(`"${raw}" has more than two decimals`);
  // value × 100 cents must be whole: 1.2345k is fine ($1,234.50), 1.2345678k is not.
  const numerator = number.units * 100n;
  if (numerator % number.scale !== 0n) return fail(`"${raw}" is not a whole number of cents`);
  const cents = numerator / number.scale;
  if (cents > BigInt(MAX_CENTS)) return fail(`"${raw}" is implausibly large`);
  return { ok: true, cents: Number(cents) };
}

/** "$1,500.00"; whole dollars drop the cents only when asked ("$1,500"). */
export function formatCents(cents: Cents, options: { dropZeroCents?: boolean } = {}): string {
  if (!Number.isSafeInteger(cents))
    throw new RangeError(`not an integer number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const rest = (abs % 100).toString().padStart(2, '0');
  if (options.dropZeroCents && rest === '00') return `${sign}$${dollars}`;
  return `${sign}$${dollars}.${rest}`;
}

/** A count people write: "50000", "50,000", "50k", "1.2M", "1.2m views". */
export function parseCount(
  input: string,
): { ok: true; value: number } | { ok: false; reason: string } {
  const raw = input.trim();
  const number = parseScaled(raw.replace(/\s*views?$/i, ''));
  if (!number.ok || number.units % number.scale !== 0n) {
    return { ok: false, reason: `"${raw}" is not a whole number` };
  }
  const value = number.units / number.scale;
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    return { ok: false, reason: `"${raw}" is too large` };
  return { ok: true, value: Number(value) };
}

type Scaled =
  | { ok: true; units: bigint; scale: bigint; decimals: number; suffixed: boolean }
  | { ok: false; problem: 'shape' | 'separators' };

/** "1,234.5k" → units 12345000 / scale 10: an exact decimal with an optional k/M suffix. */
function parseScaled(text: string): Scaled {
  const match = /^(\d[\d,\s]*)(?:\.(\d+))?\s*([kKmM])?$/.exec(text.trim());
  if (!match) return { ok: false, problem: 'shape' };
  const [, wholeRaw = '', fraction = '', suffix = ''] = match;
  const whole = groupedDigits(wholeRaw);
  if (whole === null) return { ok: false, problem: 'separators' };
  const multiplier = suffix === '' ? 1n : suffix.toLowerCase() === 'k' ? 1000n : 1_000_000n;
  const scale = 10n ** BigInt(fraction.length);
  const units = (BigInt(whole) * scale + BigInt(fraction || '0')) * multiplier;
  return { ok: true, units, scale, decimals: fraction.length, suffixed: suffix !== '' };
}

/** Digits with optional "," or " " thousands separators in groups of three. */
function groupedDigits(text: string): string | null {
  const trimmed = text.trim();
  if (!/[,\s]/.test(trimmed)) return trimmed;
  const groups = trimmed.split(/[,\s]/);
  const [first, ...others] = groups;
  if (!first || first.length > 3 || others.some((g) => g.length !== 3)) return null;
  return groups.join('');
}

function fail(reason: string): MoneyParse {
  return { ok: false, reason };
}
