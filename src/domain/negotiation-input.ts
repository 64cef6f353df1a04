/**
 * Everything a new negotiation needs, from a campaign and an influencer's sheet row: the package
 * for their platform, floor and ceiling from the CPM bounds narrowed by the sheet's pay range and
 * the campaign caps (the tighter bound wins, NEGOTIATION.md), the escalation policy and the
 * follow-up settings. Pure. The result is checked against the machine's own `inputSchema`, so a
 * value that comes out `ok` is one the machine accepts.
 */
import { inputSchema, type NegotiationInput } from '../../machines/negotiation/context.js';
import type { Campaign } from './campaign.js';
import type { Influencer } from './influencer.js';
import { type Cents, formatCents } from './money.js';
import { computeBounds } from './pricing/bounds.js';
import { type Deliverable, platformOf } from './pricing/deliverables.js';
import type { RateCard } from './pricing/rate-card.js';

export interface NegotiationInputArgs {
  negotiationId: string;
  campaign: Campaign;
  influencer: Influencer;
  rateCard: RateCard;
  /** The escalation policy (config/escalation.yaml); fields the machine does not use are ignored. */
  escalation: NegotiationInput['policy'];
  /** Service-wide settings (REVIEW_MODE, FOLLOW_UP_DELAY…); the campaign may override follow-ups. */
  settings: NegotiationInput['settings'];
  /** An offer the team's own outreach already made, if known. */
  initialOfferCents?: Cents | null;
}

export type NegotiationInputResult =
  | { ok: true; input: NegotiationInput; deliverables: Deliverable[]; reasons: string[] }
  | { ok: false; reason: string };

export function buildNegotiationInput(args: NegotiationInputArgs): NegotiationInputResult {
  const { campaign, influencer, rateCard } = args;
  const who = influencer.name ? `${influencer.name} <${influencer.email}>` : influencer.email;
  const deliverables = campaign.deliverables.filter(
    (d) => platformOf(d.type) === influencer.platform,
  );
  if (deliverables.length === 0) {
    const platforms = [...new Set(campaign.deliverables.map((d) => platformOf(d.type)))];
    return fail(
      `campaign ${campaign.id} asks for no ${influencer.platform} deliverables (only ${platforms.join(', ')}), and ${who} is on ${influencer.platform} (${influencer.source})`,
    );
  }
  const base = {
    views: influencer.averageViews,
    deliverables,
    cpmTargetCents: campaign.cpmTargetCents,
    leniencyBps: campaign.leniencyBps,
    multipliersBps: rateCard.multipliersBps,
  };
  const conflict = boundsConflict(args, computeBounds(base));
  if (conflict)
    return fail(`${who}: ${conflict}, so there is no price to negotiate; a person must decide`);

  const bounds = computeBounds({
    ...base,
    payRange: influencer.payRange,
    maxCostCents: campaign.maxCostCents ?? undefined,
  });
  const reasons = [...bounds.reasons];
  let floorCents = bounds.floorCents;
  if (campaign.minCostCents !== null && campaign.minCostCents > floorCents) {
    floorCents = Math.min(campaign.minCostCents, bounds.ceilingCents);
    const capped = floorCents < campaign.minCostCents ? ', capped at the ceiling' : '';
    reasons.push(
      `floor raised to the campaign's minimum cost per influencer ${formatCents(campaign.minCostCents)}${capped}`,
    );
  }
  const { escalation: policy, settings } = args;
  const parsed = inputSchema.safeParse({
    negotiationId: args.negotiationId,
    terms: {
      floorCents,
      ceilingCents: bounds.ceilingCents,
      scheduleBps: rateCard.concessionScheduleBps,
      maxRounds: campaign.maxRounds,
    },
    policy: {
      overCeilingMarginBps: policy.overCeilingMarginBps,
      minConfidence: policy.minConfidence,
      hostileTone: policy.hostileTone,
      legalLanguage: policy.legalLanguage,
      unusualDeliverables: policy.unusualDeliverables,
    },
    settings: {
      reviewMode: settings.reviewMode,
      followUpDelayMs: campaign.followUp.delayMs ?? settings.followUpDelayMs,
      staleDelayMs: campaign.followUp.staleDelayMs ?? settings.staleDelayMs,
      approvalReminderMs: settings.approvalReminderMs,
      holdingReplyMs: settings.holdingReplyMs,
    },
    ...(args.initialOfferCents === undefined ? {} : { initialOfferCents: args.initialOfferCents }),
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    return fail(`the negotiation input is not valid: ${issues.join('; ')}`);
  }
  return { ok: true, input: parsed.data, deliverables, reasons };
}

type Bound = { cents: Cents; what: string };

/** The binding floor and ceiling among CPM, sheet and campaign; a message when they cross. */
function boundsConflict(
  { campaign, influencer }: NegotiationInputArgs,
  cpm: { floorCents: Cents; ceilingCents: Cents },
): string | null {
  const sheet = `the sheet's pay range (${influencer.source})`;
  const views = influencer.averageViews.toLocaleString('en-US');
  const floors: Bound[] = [
    {
      cents: cpm.floorCents,
      what: `the CPM floor ${formatCents(cpm.floorCents)} (${views} views at ${formatCents(campaign.cpmTargetCents)} CPM)`,
    },
  ];
  const ceilings: Bound[] = [
    { cents: cpm.ceilingCents, what: `the CPM ceiling ${formatCents(cpm.ceilingCents)}` },
  ];
  const { minCents, maxCents } = influencer.payRange ?? {};
  if (minCents !== undefined)
    floors.push({ cents: minCents, what: `${sheet} minimum ${formatCents(minCents)}` });
  if (maxCents !== undefined)
    ceilings.push({ cents: maxCents, what: `${sheet} maximum ${formatCents(maxCents)}` });
  if (campaign.maxCostCents !== null) {
    const cap = formatCents(campaign.maxCostCents);
    ceilings.push({
      cents: campaign.maxCostCents,
      what: `campaign ${campaign.id}'s cap without approval ${cap}`,
    });
  }
  const floor = floors.reduce((a, b) => (b.cents > a.cents ? b : a));
  const ceiling = ceilings.reduce((a, b) => (b.cents < a.cents ? b : a));
  return floor.cents > ceiling.cents ? `${ceiling.what} is below ${floor.what}` : null;
}

function fail(reason: string): NegotiationInputResult {
  return { ok: false, reason };
}
