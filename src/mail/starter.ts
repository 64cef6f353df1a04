/**
 * A known influencer writing on a thread the agent never saw (a reply to outreach sent by hand):
 * find them in the influencer sheet, pick the campaign that applies to them, and start a
 * negotiation for that thread with the campaign's terms (NEG-01). Anyone else is "unknown" and
 * left to people; a sheet that cannot be read is an error (retried, then reported).
 */
import type { NegotiationInput } from '../../machines/negotiation/index.js';
import type { SheetPort } from '../adapters/sheets/sheet-port.js';
import type { CampaignStore } from '../db/campaign-store.js';
import { type Campaign, campaignForSender } from '../domain/campaign.js';
import { PermanentError } from '../domain/errors.js';
import { buildNegotiationInput } from '../domain/negotiation-input.js';
import type { RateCard } from '../domain/pricing/rate-card.js';
import type { Logger } from '../observability/logger.js';
import type { NewNegotiationParams } from '../runtime/registry.js';
import type { NegotiationStarter } from './router.js';

export function createNegotiationStarter(deps: {
  sheets: SheetPort;
  campaigns: readonly Campaign[];
  campaignStore: CampaignStore;
  rateCard: RateCard;
  escalation: NegotiationInput['policy'];
  settings: NegotiationInput['settings'];
  create: (params: NewNegotiationParams) => void;
  logger: Logger;
  now: () => number;
  /** Told when a known influencer cannot be started (a person must decide). */
  onProblem?: (problem: string) => void;
}): NegotiationStarter {
  return async ({ threadId, sender, requestId }) => {
    const campaign = campaignForSender(deps.campaigns, sender.address);
    if (!campaign) return { unknown: `no campaign applies to ${sender.address}` };
    const lookup = await deps.sheets.findInfluencer(
      sender.address,
      campaign.influencerSheet ?? undefined,
    );
    if (lookup.status === 'not_found')
      return { unknown: `${sender.address} is not in the influencer sheet` };
    if (lookup.status === 'invalid')
      throw new PermanentError(
        `the influencer sheet cannot be read: ${lookup.problems.map((p) => p.message).join('; ')}`,
      );
    const { influencer, warnings } = lookup;
    for (const warning of warnings) deps.logger.warn({ cell: warning.cell }, warning.message);
    // Thread ids are unique per mailbox: one negotiation per thread, and a retry finds it.
    const id = `neg_${threadId}`;
    const built = buildNegotiationInput({
      negotiationId: id,
      campaign,
      influencer,
      rateCard: deps.rateCard,
      escalation: deps.escalation,
      settings: deps.settings,
    });
    if (!built.ok) {
      deps.onProblem?.(`${sender.address} replied but no negotiation can start: ${built.reason}`);
      return { unknown: built.reason };
    }
    deps.campaignStore.save(campaign, 'config', deps.now());
    deps.create({
      id,
      campaignId: campaign.id,
      threadId,
      influencer: {
        email: influencer.email,
        name: influencer.name,
        handle: influencer.handle,
        platform: influencer.platform,
        averageViews: influencer.averageViews,
      },
      input: built.input,
      ...(requestId ? { requestId } : {}),
    });
    return { started: id };
  };
}
