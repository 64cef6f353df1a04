/** Platforms and the deliverable types priced on each (NEG-03). */

export const PLATFORMS = ['instagram', 'tiktok', 'youtube'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const DELIVERABLE_TYPES = [
  'instagram_post',
  'instagram_story',
  'instagram_reel',
  'tiktok_video',
  'tiktok_story',
  'youtube_dedicated',
  'youtube_integration',
  'youtube_short',
] as const;
export type DeliverableType = (typeof DELIVERABLE_TYPES)[number];

export interface Deliverable {
  type: DeliverableType;
  quantity: number;
}

const PLATFORM_ALIASES: Record<string, Platform> = {
  instagram: 'instagram',
  ig: 'instagram',
  insta: 'instagram',
  tiktok: 'tiktok',
  tt: 'tiktok',
  'tik tok': 'tiktok',
  youtube: 'youtube',
  yt: 'youtube',
  'you tube': 'youtube',
};

/** "YouTube", "youtube ", "IG" → the platform; null when unknown. */
export function parsePlatform(input: string): Platform | null {
  return PLATFORM_ALIASES[input.trim().toLowerCase().replace(/[-_]/g, ' ')] ?? null;
}

export function platformOf(type: DeliverableType): Platform {
  return type.slice(0, type.indexOf('_')) as Platform;
}

/**
 * Parses "reel:1,story:2" (or "instagram_reel:1") for a platform. Quantity defaults to 1.
 * Returns every problem found, not just the first.
 */
export function parseDeliverables(
  input: string,
  platform: Platform,
): { ok: true; deliverables: Deliverable[] } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const byType = new Map<DeliverableType, number>();
  const items = input
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) return { ok: false, errors: ['no deliverables given'] };
  for (const item of items) {
    const [name = '', qty = '1', extra] = item.split(':').map((s) => s.trim().toLowerCase());
    const type = (
      name.startsWith(`${platform}_`) ? name : `${platform}_${name}`
    ) as DeliverableType;
    const quantity = Number(qty);
    if (extra !== undefined) errors.push(`"${item}": expected type:quantity`);
    else if (!DELIVERABLE_TYPES.includes(type)) {
      const allowed = DELIVERABLE_TYPES.filter((t) => platformOf(t) === platform)
        .map((t) => t.slice(platform.length + 1))
        .join(', ');
      errors.push(`"${name}" is not a ${platform} deliverable (expected one of: ${allowed})`);
    } else if (!/^\d+$/.test(qty) || quantity < 1 || quantity > 100) {
      errors.push(`"${item}": quantity must be a whole number from 1 to 100`);
    } else byType.set(type, (byType.get(type) ?? 0) + quantity);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, deliverables: [...byType].map(([type, quantity]) => ({ type, quantity })) };
}
