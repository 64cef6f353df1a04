/**
 * Campaigns from configuration: one `config/campaigns/<name>.yaml` per campaign, validated with
 * zod like the other config files. Every problem names its file and field; an invalid file stops
 * the load (never skipped), while a missing or empty folder simply means "no campaigns".
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Campaign } from '../domain/campaign.js';
import { parseDuration } from '../domain/duration.js';
import { DELIVERABLE_TYPES, type DeliverableType } from '../domain/pricing/deliverables.js';
import { type RateCard, toBps } from '../domain/pricing/rate-card.js';
import { ConfigFileError, loadYamlFile } from './load-yaml.js';
import { loadRateCard } from './rate-card.js';

const wholeCents = (v: number) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;
const usd = (max: number) =>
  z.number().min(0).max(max).refine(wholeCents, 'at most 2 decimal places');
const text = z.string().trim().min(1, 'must not be empty').max(2000);
const duration = z.string({ error: 'must be a duration such as 48h or 3d' }).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms !== null && ms > 0) return ms;
  ctx.addIssue({ code: 'custom', message: 'must be a duration such as 48h or 3d' });
  return z.NEVER;
});
const quantity = z.int().min(1).max(100);
const sender = z
  .string()
  .trim()
  .toLowerCase()
  .refine(
    (s) => /^[^\s@]*@[^\s@.]+(?:\.[^\s@.]+)+$/.test(s),
    'must be an address (ada@creators.test) or a whole domain (@talentco.test)',
  );

const schema = z.strictObject({
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
      'use letters, digits, ".", "_" or "-" (at most 100)',
    ),
  client: text,
  name: text.optional(),
  deliverables: z
    .strictObject(
      Object.fromEntries(DELIVERABLE_TYPES.map((t) => [t, quantity.optional()])) as Record<
        DeliverableType,
        z.ZodOptional<typeof quantity>
      >,
    )
    .refine((d) => Object.values(d).some((q) => q !== undefined), 'name at least one deliverable'),
  cpm_target_usd: usd(10_000).positive().optional(),
  leniency_percent: z
    .number()
    .min(0)
    .max(1000)
    .refine((v) => toBps(v, 'percent') !== null, 'at most 2 decimal places')
    .optional(),
  max_rounds: z.int().min(1).max(20).optional(),
  budget: z
    .strictObject({
      min_cost_per_influencer_usd: usd(10_000_000).optional(),
      max_cost_without_approval_usd: usd(10_000_000).positive().optional(),
    })
    .refine(
      (b) => (b.min_cost_per_influencer_usd ?? 0) <= (b.max_cost_without_approval_usd ?? Infinity),
      {
        message: 'must not be above max_cost_without_approval_usd',
        path: ['min_cost_per_influencer_usd'],
      },
    )
    .optional(),
  usage_rights: text.optional(),
  product_offer: text.optional(),
  payment_terms: text.optional(),
  follow_up: z
    .strictObject({ delay: duration.optional(), stale_after: duration.optional() })
    .optional(),
  influencer_sheet: z
    .strictObject({
      spreadsheet_id: z.string().trim().min(1).optional(),
      tab: z.string().min(1).optional(),
    })
    .refine(
      (s) => s.spreadsheet_id !== undefined || s.tab !== undefined,
      'give spreadsheet_id, tab or both',
    )
    .optional(),
  applies_to: z
    .strictObject({
      default: z.boolean().default(false),
      senders: z.array(sender).default([]),
    })
    .optional(),
});

type RawCampaign = z.output<typeof schema>;

/**
 * Loads `<configDir>/campaigns/*.yaml` (and `.yml`), in file-name order. CPM target, leniency and
 * max rounds a file leaves out come from the rate card's defaults.
 */
export function loadCampaigns(
  configDir: string,
  defaults: RateCard['defaults'] = loadRateCard(configDir).defaults,
): Campaign[] {
  const dir = join(configDir, 'campaigns');
  const files = campaignFiles(dir);
  const problems: string[] = [];
  const loaded: Array<{ file: string; campaign: Campaign }> = [];
  for (const file of files) {
    try {
      const raw = loadYamlFile(join(dir, file), schema);
      loaded.push({ file, campaign: toCampaign(raw, defaults) });
    } catch (error) {
      if (!(error instanceof ConfigFileError)) throw error;
      problems.push(...error.problems.map((p) => `${file}: ${p}`));
    }
  }
  problems.push(...conflicts(loaded));
  if (problems.length > 0) throw new ConfigFileError(dir, problems);
  return loaded.map((l) => l.campaign);
}

function campaignFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => /\.ya?ml$/i.test(e.name) && !e.name.startsWith('.'))
      .filter((e) => e.isFile() || (e.isSymbolicLink() && statSync(join(dir, e.name)).isFile()))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new ConfigFileError(dir, [
      code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code ?? 'unknown error'})`,
    ]);
  }
}

function toCampaign(raw: RawCampaign, defaults: RateCard['defaults']): Campaign {
  const cents = (usd: number | undefined) => (usd === undefined ? null : Math.round(usd * 100));
  const sheet = raw.influencer_sheet;
  return {
    id: raw.id,
    client: raw.client,
    name: raw.name ?? null,
    deliverables: DELIVERABLE_TYPES.flatMap((type) => {
      const quantity = raw.deliverables[type];
      return quantity === undefined ? [] : [{ type, quantity }];
    }),
    cpmTargetCents: cents(raw.cpm_target_usd) ?? defaults.cpmTargetCents,
    leniencyBps:
      raw.leniency_percent === undefined
        ? defaults.leniencyBps
        : (toBps(raw.leniency_percent, 'percent') ?? defaults.leniencyBps),
    maxRounds: raw.max_rounds ?? defaults.maxRounds,
    minCostCents: cents(raw.budget?.min_cost_per_influencer_usd),
    maxCostCents: cents(raw.budget?.max_cost_without_approval_usd),
    usageRights: raw.usage_rights ?? null,
    productOffer: raw.product_offer ?? null,
    paymentTerms: raw.payment_terms ?? null,
    followUp: {
      delayMs: raw.follow_up?.delay ?? null,
      staleDelayMs: raw.follow_up?.stale_after ?? null,
    },
    influencerSheet: sheet
      ? {
          ...(sheet.spreadsheet_id === undefined ? {} : { spreadsheetId: sheet.spreadsheet_id }),
          ...(sheet.tab === undefined ? {} : { tab: sheet.tab }),
        }
      : null,
    appliesTo: {
      default: raw.applies_to?.default ?? false,
      senders: [...new Set(raw.applies_to?.senders ?? [])],
    },
  };
}

/** What no single file can see: one id twice, two defaults, one sender claimed twice. */
function conflicts(loaded: Array<{ file: string; campaign: Campaign }>): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  const senders = new Map<string, string>();
  let defaultFile: string | undefined;
  for (const { file, campaign } of loaded) {
    const id = campaign.id.toLowerCase();
    const idOwner = ids.get(id);
    if (idOwner) problems.push(`${file}: id: "${campaign.id}" is already the id of ${idOwner}`);
    else ids.set(id, file);
    if (campaign.appliesTo.default) {
      if (defaultFile)
        problems.push(
          `${file}: applies_to.default: ${defaultFile} is already the default campaign (only one may be)`,
        );
      else defaultFile = file;
    }
    for (const s of campaign.appliesTo.senders) {
      const owner = senders.get(s);
      if (owner) problems.push(`${file}: applies_to.senders: ${s} is already listed by ${owner}`);
      else senders.set(s, file);
    }
  }
  return problems;
}
