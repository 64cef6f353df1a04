/**
 * Whether a draft names each deliverable of the deal, in the words people use ("a reel",
 * "two Instagram stories", "one dedicated YouTube video"), and never a different quantity
 * ("3 stories" when the deal is 2). Quantities about the creator's past work ("your last 3 reels")
 * are not offers and are ignored.
 */
import type { Deliverable, DeliverableType } from '../pricing/deliverables.js';
import { SMALL } from './number-words.js';

const NOUNS: Record<DeliverableType, RegExp> = {
  instagram_post: /\b(?:posts?|carousels?)\b/gi,
  instagram_story: /\bstor(?:y|ies)\b/gi,
  instagram_reel: /\breels?\b/gi,
  tiktok_video: /\b(?:videos?|tiktoks|posts?)\b/gi,
  tiktok_story: /\bstor(?:y|ies)\b/gi,
  youtube_dedicated:
    /\b(?:dedicated|standalone|full(?:-length)?)\s+(?:(?:youtube|yt|sponsored)\s+)?(?:videos?|reviews?|episodes?)\b/gi,
  youtube_integration:
    /\b(?:integrations?|integrated\s+(?:segments?|spots?|mentions?)|(?:sponsor(?:ed)?|ad)\s+(?:segments?|reads?|spots?))\b/gi,
  youtube_short:
    /\b(?:youtube\s+)?shorts?\b(?!\s+(?:note|message|call|while|notice|list|answer))/gi,
};

const LABELS: Record<DeliverableType, [one: string, many: string]> = {
  instagram_post: ['Instagram post', 'Instagram posts'],
  instagram_story: ['Instagram story', 'Instagram stories'],
  instagram_reel: ['Instagram reel', 'Instagram reels'],
  tiktok_video: ['TikTok video', 'TikTok videos'],
  tiktok_story: ['TikTok story', 'TikTok stories'],
  youtube_dedicated: ['dedicated YouTube video', 'dedicated YouTube videos'],
  youtube_integration: ['YouTube integration', 'YouTube integrations'],
  youtube_short: ['YouTube Short', 'YouTube Shorts'],
};

/** Counts as drafts write them: digits, or number words ("a reel", "two stories"). */
const QUANTITIES: Readonly<Record<string, number>> = { a: 1, an: 1, single: 1, ...SMALL };
const ADJECTIVE =
  /^(?:instagram|ig|insta|tiktok|youtube|yt|feed|in-feed|grid|static|carousel|dedicated|sponsored|branded|integrated|short|video|story|\d+-?(?:second|sec|s|minute|min))$/i;
const TIMES = /^[x×*]$/i;
const PAST_WORK = /^(?:last|past|recent|previous|latest|earlier|top|best|other)$/i;

/** "2 Instagram stories" for messages. */
export function describeDeliverable(d: Deliverable): string {
  const [one, many] = LABELS[d.type];
  return d.quantity === 1 ? `1 ${one}` : `${d.quantity} ${many}`;
}

export type DeliverableProblem =
  | { kind: 'missing'; deliverable: Deliverable }
  | { kind: 'quantity_missing'; deliverable: Deliverable }
  | { kind: 'wrong_quantity'; deliverable: Deliverable; text: string };

/** What is missing or contradicted for each deliverable; empty when all are named right. */
export function checkDeliverables(
  text: string,
  deliverables: readonly Deliverable[],
): DeliverableProblem[] {
  return deliverables.flatMap((deliverable): DeliverableProblem[] => {
    const mentions = [...text.matchAll(NOUNS[deliverable.type])].map((m) => ({
      text: m[0],
      quantity: quantityBefore(text.slice(Math.max(0, (m.index ?? 0) - 60), m.index ?? 0)),
    }));
    if (mentions.length === 0) return [{ kind: 'missing', deliverable }];
    const wrong = mentions.find(
      (m) => m.quantity !== null && m.quantity.value !== deliverable.quantity,
    );
    if (wrong?.quantity) {
      const said = `${wrong.quantity.text} ${wrong.text}`;
      return [{ kind: 'wrong_quantity', deliverable, text: said }];
    }
    const counted = mentions.some((m) => m.quantity?.value === deliverable.quantity);
    if (deliverable.quantity > 1 && !counted) return [{ kind: 'quantity_missing', deliverable }];
    return [];
  });
}

/** The quantity word before a noun, skipping up to three adjectives ("two IG story frames"). */
function quantityBefore(head: string): { value: number; text: string } | null {
  const words = head.split(/\s+/).filter(Boolean);
  let i = words.length - 1;
  let skipped = 0;
  while (i >= 0 && skipped < 3 && ADJECTIVE.test(words[i] ?? '')) {
    i--;
    skipped++;
  }
  // "2 × stories", "2 x reels": the sign sits between the count and the noun.
  if (TIMES.test(words[i] ?? '') && i > 0) i--;
  const word = (words[i] ?? '').toLowerCase().replace(/^(\d{1,3})[x×]$/, '$1');
  const value = /^\d{1,3}$/.test(word) ? Number(word) : QUANTITIES[word];
  if (value === undefined || PAST_WORK.test(words[i - 1] ?? '')) return null;
  return { value, text: words.slice(i, words.length).join(' ') };
}
