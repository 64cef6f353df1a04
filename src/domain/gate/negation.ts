/**
 * Whether a phrase is refused rather than offered: "we can't offer exclusivity", "no exclusivity
 * required", "exclusivity isn't something we need". Kept deliberately local — the same clause, a
 * few words either side — because a negation three sentences away says nothing about this phrase.
 */

const CLAUSE_BREAK =
  /[.!?;\n]|\s[-–—]\s|—|\b(?:but|however|although|though|while|whereas|and|so|instead)\b/gi;
const SENTENCE_END = /[.!?;\n]/;
const BEFORE_NEGATOR =
  /\b(?:no|not|never|without|cannot|unable|neither|nor|excluding|excludes?|cant|wont|dont)\b|n't\b/i;
const AFTER_NEGATOR =
  /\b(?:not|never|cannot|unable|cant|wont|dont|isnt)\b|n't\b|\boff\s+the\s+table\b|\bout\s+of\s+scope\b/i;
/** Negative words that do not negate: "no problem, exclusivity is included". */
const FALSE_NEGATIONS =
  /\b(?:no\s+(?:problem|worries|doubt|matter)|not\s+(?:a\s+problem|an\s+issue|only)|(?:is|are|was)n't\s+(?:a\s+problem|an\s+issue)|(?:can't|cannot)\s+wait|don't\s+hesitate)\b/gi;
/** "no exclusivity beyond 30 days" limits a commitment; it does not refuse it. */
const LIMITER =
  /^\W*(?:\w+\W+){0,2}?(?:beyond|except|other\s+than|longer\s+than|more\s+than|outside)\b/i;
const WINDOW_WORDS = 6;

/** True when the phrase at [start, end) is refused in its own clause. */
export function isRefused(text: string, start: number, end: number): boolean {
  const after = clauseAfter(text, end);
  if (LIMITER.test(after)) return false;
  const before = lastWords(clauseBefore(text, start), WINDOW_WORDS);
  return (
    BEFORE_NEGATOR.test(before.replace(FALSE_NEGATIONS, '')) ||
    AFTER_NEGATOR.test(after.replace(FALSE_NEGATIONS, ''))
  );
}

function clauseBefore(text: string, start: number): string {
  const head = text.slice(Math.max(0, start - 200), start);
  let cut = 0;
  for (const m of head.matchAll(CLAUSE_BREAK)) cut = (m.index ?? 0) + m[0].length;
  return head.slice(cut);
}

/** To the end of the sentence, stopping at a new clause joined by "and"/"but". */
function clauseAfter(text: string, end: number): string {
  const tail = text.slice(end, end + 200);
  const sentence = tail.slice(0, indexOrLength(tail, SENTENCE_END));
  return sentence.slice(0, indexOrLength(sentence, /\b(?:and|but|however|although|though)\b/i));
}

function indexOrLength(text: string, pattern: RegExp): number {
  const index = text.search(pattern);
  return index === -1 ? text.length : index;
}

function lastWords(text: string, count: number): string {
  return text.split(/\s+/).filter(Boolean).slice(-count).join(' ');
}
