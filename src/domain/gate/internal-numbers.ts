/**
 * Our bounds are never shown to the influencer unless the strategy chose to share them (then the
 * caller leaves them out of {@link InternalNumbers}). Amounts marked as money are judged in
 * check-draft.ts; this module finds the words ("our ceiling", "CPM target") and bare numbers that
 * spell a bound without a currency mark ("our budget is 3,300").
 */
import { type Cents, formatCents, parseMoney } from '../money.js';

export interface InternalNumbers {
  floorCents?: Cents;
  ceilingCents?: Cents;
  /** Cents per 1,000 views. */
  cpmTargetCents?: Cents;
  /** Cents per 1,000 views. */
  cpmCeilingCents?: Cents;
}

const INTERNAL_WORDS = [
  /\b(?:our|my|budget|price|pricing|rate|internal|hard)\s+(?:ceiling|floor)\b/gi,
  /\b(?:ceiling|floor)\s+(?:price|rate|amount|budget|cpm|for\s+this)\b/gi,
  /\bcpm\s+(?:target|ceiling|floor|goal|cap|limit)\b/gi,
  /\b(?:target|max(?:imum)?|ceiling)\s+cpm\b/gi,
];
const BARE_NUMBER = /(?<![\w.,$€£])(?:\d{1,3}(?:,\d{3})+|\d{3,})(?:\.\d{2})?(?![\d%]|,\d|\.\d)/g;

/** Words that reveal how we price: "our ceiling", "floor price", "CPM target". */
export function findInternalWords(text: string): string[] {
  return INTERNAL_WORDS.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[0]));
}

/**
 * Unmarked numbers equal to the floor or ceiling in dollars, outside the money spans and not an
 * allowed amount. A coincidence ("3,300 views" when the ceiling is $3,300) is possible but rare,
 * and a leaked bound costs more than a rewrite.
 */
export function findBareBounds(
  text: string,
  internal: InternalNumbers,
  moneySpans: ReadonlyArray<{ start: number; end: number }>,
  allowed: ReadonlySet<Cents>,
): Array<{ text: string; bound: string }> {
  const bounds = new Map<Cents, string>();
  if (internal.floorCents !== undefined) bounds.set(internal.floorCents, 'floor');
  if (internal.ceilingCents !== undefined) bounds.set(internal.ceilingCents, 'ceiling');
  const found: Array<{ text: string; bound: string }> = [];
  for (const m of text.matchAll(BARE_NUMBER)) {
    const start = m.index ?? 0;
    if (moneySpans.some((s) => s.start <= start && start < s.end)) continue;
    const parsed = parseMoney(m[0]);
    if (!parsed.ok || allowed.has(parsed.cents)) continue;
    const bound = bounds.get(parsed.cents);
    if (bound) found.push({ text: m[0], bound: `${bound} ${formatCents(parsed.cents)}` });
  }
  return found;
}
