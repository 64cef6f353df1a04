import { describe, expect, it } from 'vitest';
import { initialContext } from '../../machines/negotiation/context.js';
import { loadCampaigns } from '../../src/config-files/campaigns.js';
import { loadEscalationPolicy } from '../../src/config-files/escalation.js';
import { loadRateCard } from '../../src/config-files/rate-card.js';
import type { Campaign } from '../../src/domain/campaign.js';
import type { Influencer } from '../../src/domain/influencer.js';
import {
  buildNegotiationInput,
  type NegotiationInputArgs,
} from '../../src/domain/negotiation-input.js';
import { resolveFromRoot } from '../../src/paths.js';

const configDir = resolveFromRoot('config');
const rateCard = loadRateCard(configDir);
const escalation = loadEscalationPolicy(configDir);
const [shippedCampaign] = loadCampaigns(configDir, rateCard.defaults);
const settings = {
  reviewMode: true,
  followUpDelayMs: 24 * 3_600_000,
  staleDelayMs: 24 * 3_600_000,
  approvalReminderMs: 4 * 3_600_000,
  holdingReplyMs: null,
};

const campaign: Campaign = {
  id: 'spring',
  client: 'Lumen',
  name: null,
  deliverables: [
    { type: 'instagram_reel', quantity: 1 },
    { type: 'instagram_story', quantity: 2 },
    { type: 'tiktok_video', quantity: 1 },
  ],
  cpmTargetCents: 2000,
  leniencyBps: 5000,
  maxRounds: 4,
  minCostCents: null,
  maxCostCents: null,
  usageRights: null,
  productOffer: null,
  paymentTerms: null,
  followUp: { delayMs: null, staleDelayMs: null },
  influencerSheet: null,
  appliesTo: { default: true, senders: [] },
};
const ada: Influencer = {
  email: 'ada@creators.test',
  name: 'Ada Lovelace',
  handle: '@ada.codes',
  platform: 'instagram',
  averageViews: 50_000,
  source: 'Influencers!2:2',
};

const build = (over: Partial<NegotiationInputArgs> = {}) =>
  buildNegotiationInput({
    negotiationId: 'neg_1',
    campaign,
    influencer: ada,
    rateCard,
    escalation,
    settings,
    ...over,
  });

describe('buildNegotiationInput', () => {
  it('prices the package of the influencer platform and carries policy and settings', () => {
    const result = build();
    expect(result).toMatchObject({
      ok: true,
      deliverables: [
        { type: 'instagram_reel', quantity: 1 },
        { type: 'instagram_story', quantity: 2 },
      ],
      input: {
        negotiationId: 'neg_1',
        // 50 × $20 × (1.2 + 2 × 0.5) = $2,200; × 1.5 = $3,300
        terms: {
          floorCents: 220_000,
          ceilingCents: 330_000,
          scheduleBps: [0, 5000, 7500, 9000, 10_000],
          maxRounds: 4,
        },
        policy: {
          overCeilingMarginBps: 2000,
          minConfidence: 0.7,
          hostileTone: true,
          legalLanguage: true,
          unusualDeliverables: true,
        },
        settings,
      },
    });
    // The machine accepts it as is.
    if (!result.ok) throw new Error(result.reason);
    expect(initialContext(result.input)).toMatchObject({ round: 0, lastOfferCents: null });
    expect(result.input).not.toHaveProperty('initialOfferCents');
  });

  it('lets the tighter of CPM bounds, sheet pay range and campaign cap win', () => {
    const narrowed = build({
      influencer: { ...ada, payRange: { minCents: 250_000, maxCents: 300_000 } },
    });
    expect(narrowed).toMatchObject({
      ok: true,
      input: { terms: { floorCents: 250_000, ceilingCents: 300_000 } },
    });
    const capped = build({ campaign: { ...campaign, maxCostCents: 280_000 } });
    expect(capped).toMatchObject({
      ok: true,
      input: { terms: { floorCents: 220_000, ceilingCents: 280_000 } },
    });
    expect(capped.ok && capped.reasons.join('\n')).toMatch(/cap without approval \$2,800\.00/);
  });

  it('raises the floor to the campaign minimum, never above the ceiling', () => {
    const raised = build({ campaign: { ...campaign, minCostCents: 250_000 } });
    expect(raised).toMatchObject({
      ok: true,
      input: { terms: { floorCents: 250_000, ceilingCents: 330_000 } },
    });
    const capped = build({ campaign: { ...campaign, minCostCents: 900_000 } });
    expect(capped).toMatchObject({
      ok: true,
      input: { terms: { floorCents: 330_000, ceilingCents: 330_000 } },
    });
    expect(capped.ok && capped.reasons.at(-1)).toMatch(
      /minimum cost per influencer \$9,000\.00, capped/,
    );
  });

  it('refuses when the sheet pay range is below the CPM floor, saying so', () => {
    const result = build({ influencer: { ...ada, payRange: { maxCents: 150_000 } } });
    expect(result).toEqual({
      ok: false,
      reason:
        "Ada Lovelace <ada@creators.test>: the sheet's pay range (Influencers!2:2) maximum $1,500.00 is below the CPM floor $2,200.00 (50,000 views at $20.00 CPM), so there is no price to negotiate; a person must decide",
    });
  });

  it('refuses when the sheet minimum is above the ceiling or the cap is below the floor', () => {
    expect(build({ influencer: { ...ada, payRange: { minCents: 400_000 } } })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /the CPM ceiling \$3,300\.00 is below the sheet's pay range \(Influencers!2:2\) minimum \$4,000\.00/,
      ),
    });
    expect(build({ campaign: { ...campaign, maxCostCents: 100_000 } })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /campaign spring's cap without approval \$1,000\.00 is below the CPM floor/,
      ),
    });
  });

  it('refuses an influencer whose platform the campaign does not want', () => {
    const result = build({ influencer: { ...ada, platform: 'youtube' } });
    expect(result).toEqual({
      ok: false,
      reason:
        'campaign spring asks for no youtube deliverables (only instagram, tiktok), and Ada Lovelace <ada@creators.test> is on youtube (Influencers!2:2)',
    });
  });

  it('takes follow-up delays from the campaign and an outreach offer as the first round', () => {
    const result = build({
      campaign: { ...campaign, followUp: { delayMs: 3_600_000, staleDelayMs: null } },
      initialOfferCents: 200_000,
    });
    expect(result).toMatchObject({
      ok: true,
      input: {
        settings: { followUpDelayMs: 3_600_000, staleDelayMs: settings.staleDelayMs },
        initialOfferCents: 200_000,
      },
    });
    if (result.ok)
      expect(initialContext(result.input)).toMatchObject({ round: 1, lastOfferCents: 200_000 });
  });

  it('reports input the machine would refuse instead of returning it', () => {
    expect(build({ negotiationId: '' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^the negotiation input is not valid: negotiationId: /),
    });
  });

  it('works with the shipped example campaign for every platform', () => {
    if (!shippedCampaign) throw new Error('config/campaigns/spring-launch.yaml did not load');
    for (const platform of ['instagram', 'tiktok', 'youtube'] as const) {
      const result = build({ campaign: shippedCampaign, influencer: { ...ada, platform } });
      expect(result.ok, result.ok ? '' : result.reason).toBe(true);
    }
  });
});
