/** The influencer sheet's header row: which column holds which field, however it is spelt. */
import { textOf } from './influencer-cells.js';

export type InfluencerField =
  | 'email'
  | 'name'
  | 'handle'
  | 'platform'
  | 'averageViews'
  | 'engagementRate'
  | 'payMin'
  | 'payMax'
  | 'payRange';

/** Header spellings, compared after `normalizeHeader` ("Avg. Views (30d)" → "avg views"). */
export const ALIASES: Record<InfluencerField, readonly string[]> = {
  email: ['email', 'email address', 'e mail', 'e mail address', 'mail', 'contact email'],
  name: ['name', 'full name', 'influencer', 'influencer name', 'creator', 'creator name', 'talent'],
  handle: ['handle', 'username', 'user name', 'account', 'social handle', 'channel', 'profile'],
  platform: ['platform', 'network', 'social network', 'social platform', 'social media'],
  averageViews: [
    'avg views',
    'average views',
    'views',
    'avg view count',
    'average view count',
    'avg views per post',
    'average views per post',
    'average views per video',
    'view count',
  ],
  engagementRate: ['engagement', 'engagement rate', 'er', 'eng rate', 'avg engagement'],
  payMin: ['min rate', 'minimum rate', 'rate min', 'min pay', 'pay min', 'min price', 'min fee'],
  payMax: ['max rate', 'maximum rate', 'rate max', 'max pay', 'pay max', 'max price', 'max fee'],
  payRange: ['pay range', 'rate range', 'price range', 'fee range', 'budget range'],
};
export const LABELS: Record<InfluencerField, string> = {
  email: 'Email',
  name: 'Name',
  handle: 'Handle',
  platform: 'Platform',
  averageViews: 'Avg views',
  engagementRate: 'Engagement',
  payMin: 'Min rate',
  payMax: 'Max rate',
  payRange: 'Pay range',
};
const FIELDS = Object.keys(ALIASES) as InfluencerField[];
export function normalizeHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const ALIAS_INDEX = new Map<string, InfluencerField>(
  FIELDS.flatMap((f) => ALIASES[f].map((a) => [normalizeHeader(a), f] as const)),
);

export type ColumnMap = Partial<Record<InfluencerField, number>>;

/** Which column holds which field; a field given twice keeps its first column. */
export function mapHeader(cells: readonly unknown[]): {
  columns: ColumnMap;
  duplicates: Array<{ field: InfluencerField; columns: number[] }>;
} {
  const seen = new Map<InfluencerField, number[]>();
  cells.forEach((cell, index) => {
    const field = ALIAS_INDEX.get(normalizeHeader(textOf(cell)));
    if (field) seen.set(field, [...(seen.get(field) ?? []), index]);
  });
  const columns: ColumnMap = {};
  const duplicates: Array<{ field: InfluencerField; columns: number[] }> = [];
  for (const [field, indexes] of seen) {
    columns[field] = indexes[0];
    if (indexes.length > 1) duplicates.push({ field, columns: indexes });
  }
  return { columns, duplicates };
}
