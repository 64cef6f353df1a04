/**
 * Promises the brand never made: the team's worst outcome after an over-budget offer
 * (NEGOTIATION.md). Patterns are precise on purpose — "an exclusive discount code for your
 * followers" is a promo, not exclusivity; "guaranteed payment" is not a guarantee of results —
 * and a refused mention ("we can't offer exclusivity") passes. A mention attributed to the
 * influencer ("you mentioned exclusivity") is treated like any other: it passes only when refused
 * in the same sentence, because to the reader an unrefused echo sounds like a yes.
 */
import { isRefused } from './negation.js';

export const COMMITMENT_KINDS = [
  'exclusivity',
  'usage_rights',
  'guarantee',
  'future_deals',
  'payment_terms',
] as const;
export type CommitmentKind = (typeof COMMITMENT_KINDS)[number];

export interface CommitmentMention {
  kind: CommitmentKind;
  text: string;
  start: number;
  end: number;
}

const RESULTS =
  'views|sales|results|conversions|clicks|engagement|reach|impressions|performance|roi|revenue|followers|sign-?ups|installs|downloads|numbers|orders|traffic|leads|growth|viral|trending';

const PATTERNS: Record<CommitmentKind, RegExp[]> = {
  exclusivity: [
    /\bexclusivity\b/gi,
    /\bexclusively\b/gi,
    /\bexclusive\s+(?:rights|partner(?:ship)?s?|deal|agreement|period|arrangement|contract|ambassador(?:ship)?|collaboration|basis|window|clause|terms?)\b/gi,
    /\bnon-?compete\b/gi,
    /\b(?:no|not\s+(?:to\s+)?work\s+with\s+(?:any\s+)?)\s*(?:other|competing)\s+brands\b/gi,
  ],
  usage_rights: [
    /\busage\s+(?:rights?|period|term|window|license)\b/gi,
    /\bperpetu(?:al(?:ly)?|ity)\b/gi,
    /\b(?:white|allow)-?list(?:ing|ed)?\b/gi,
    /\bpaid\s+(?:usage|media|ads?|amplification|social|placements?)\b/gi,
    /\b(?:spark|partnership|dark)\s+(?:ads?|posts?|posting)\b/gi,
    /\b(?:content|full)\s+(?:usage\s+)?(?:rights|ownership)\b/gi,
    /\b(?:own(?:ership\s+of)?|licens(?:e|ing))\s+(?:the|your|all)\s+content\b/gi,
    /\bbuy-?out\b/gi,
    /\brights?\s+to\s+(?:use|repurpose|reuse|run|boost|edit|license)\b/gi,
  ],
  guarantee: [
    new RegExp(
      String.raw`\b(?:guarantee[sd]?|guaranteeing|promise[sd]?)\b[^.!?\n]{0,60}?\b(?:${RESULTS})\b`,
      'gi',
    ),
    new RegExp(String.raw`\b(?:${RESULTS})\b[^.!?\n]{0,30}?\b(?:guaranteed|promised)\b`, 'gi'),
  ],
  future_deals: [
    /\bfuture\s+(?:campaigns?|collaborations?|collabs?|deals?|partnerships?|projects?|opportunities|launches|work)\b/gi,
    /\b(?:more|additional|further|repeat|recurring|multiple)\s+(?:campaigns|deals|collaborations|collabs|partnerships|projects|paid\s+opportunities)\b/gi,
    /\b(?:long[-\s]term|ongoing|year-?long)\s+(?:partnership|relationship|collaboration|deal|contract|ambassador(?:ship)?|campaign)s?\b/gi,
    /\bambassador(?:s|ship)?\b/gi,
    /\bretainer\b/gi,
    /\b(?:next|another|a\s+second)\s+campaign\b/gi,
  ],
  payment_terms: [
    /\bnet[\s-]?\d{1,3}\b/gi,
    /\b(?:paid|pay(?:ment)?|payout)\s+(?:(?:will\s+be|is|goes\s+out)\s+)?(?:made\s+|sent\s+)?(?:within|in)\s+\d{1,3}\s+(?:business\s+)?days\b/gi,
    // Not bare "upfront" / "in advance": "to be upfront" and "thanks in advance" are not terms.
    /\b(?:\d{1,3}%|half)\s+(?:up\s?-?front|in\s+advance|on\s+signing|now)\b/gi,
    /\b(?:up\s?-?front|advance)\s+payment\b/gi,
    /\b(?:pay(?:ment)?|paid)\s+(?:\w+\s+){0,2}?(?:up\s?-?front|in\s+advance)\b/gi,
    /\bdeposit\b/gi,
  ],
};

const HOPE =
  /\b(?:hope|hoping|would\s+love|we'd\s+love|love\s+to|stay\s+in\s+touch|keep\s+(?:you|each\s+other)\s+in\s+mind|might|may|perhaps|maybe|down\s+the\s+line|if\s+(?:something|anything|an?\s+\w+)\s+(?:comes\s+up|fits))\b/i;
/** "Future" wording that only promises, never "more campaigns" said as a wish. */
const WISHABLE = /^(?:future|more|additional|further|another|next)\b/i;

/**
 * "We'd love to stay in touch for future opportunities" leaves the door open (the playbook asks
 * for it) and promises nothing; "there will be future campaigns for you" is a promise. Only
 * future-work phrases can be softened this way: an ambassadorship or a retainer never is.
 */
function isMereHope(kind: CommitmentKind, text: string, start: number, end: number): boolean {
  if (kind !== 'future_deals' || !WISHABLE.test(text.slice(start, end))) return false;
  const from =
    Math.max(
      text.lastIndexOf('.', start),
      text.lastIndexOf('!', start),
      text.lastIndexOf('\n', start),
    ) + 1;
  const rest = text.slice(end).search(/[.!?\n]/);
  const sentence = text.slice(from, rest < 0 ? text.length : end + rest);
  return HOPE.test(sentence) && !/\b(?:will|guarantee|promise|commit|lined\s+up)\b/i.test(sentence);
}

/** Every commitment in `text` that is not refused, of a kind not in `allowed`. */
export function findCommitments(
  text: string,
  allowed: ReadonlySet<CommitmentKind> = new Set(),
): CommitmentMention[] {
  const found: CommitmentMention[] = [];
  for (const kind of COMMITMENT_KINDS) {
    if (allowed.has(kind)) continue;
    for (const pattern of PATTERNS[kind]) {
      for (const m of text.matchAll(pattern)) {
        const start = m.index ?? 0;
        const end = start + m[0].length;
        if (found.some((f) => f.start < end && start < f.end)) continue;
        // "views aren't guaranteed" carries its refusal inside the match.
        const innerRefusal = kind === 'guarantee' && /\b(?:not|never|no)\b|n't\b/i.test(m[0]);
        if (!innerRefusal && !isRefused(text, start, end) && !isMereHope(kind, text, start, end)) {
          found.push({ kind, text: m[0], start, end });
        }
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
