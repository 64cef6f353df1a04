/**
 * A known influencer writing on a thread the agent never saw (a reply to outreach sent by hand):
 * find them in the influencer sheet, pick the campaign that applies to them, and start a
 * negotiation for that thread with the campaign's terms (NEG-01). A talent manager writing for a
 * creator is recognised by the creator's address in Cc (or To): the negotiation is the creator's,
 * and the agent answers whoever wrote. Anyone else is "unknown" and left to people. A sheet that
 * cannot be used for the sender (their row, or the whole table) is reported to the team and the
 * reply is read again later, so fixing the sheet is enough for it to start.
 */
import type { NegotiationInput } from '../../machines/negotiation/index.js';
import type { SheetPort } from '../adapters/sheets/sheet-port.js';
import type { CampaignStore } from '../db/campaign-store.js';
import { type Campaign, campaignForSender } from '../domain/campaign.js';
import type { EmailAddress, ParsedEmail } from '../domain/email/index.js';
import { RetryableError } from '../domain/errors.js';
import { buildNegotiationInput } from '../domain/negotiation-input.js';
import type { RateCard } from '../domain/pricing/rate-card.js';
import type { Logger } from '../observability/logger.js';
import type { NewNegotiationParams } from '../runtime/registry.js';
import type { NegotiationStarter } from './router.js';

/** How long a reply waits between readings while its sheet row cannot be used. */
export const SHEET_FIX_RETRY_MS = 15 * 60_000;

export function createNegotiationStarter(deps: {
  sheets: SheetPort;
  campaigns: readonly Campaign[];
  /** The team mailbox, lower-cased: never taken for a creator writing to it. */
  mailboxAddress?: string;
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
  /** Who the email may be about: its sender first, then a creator copied by their manager. */
  function candidatesOf(sender: EmailAddress, email: ParsedEmail): string[] {
    const all = [sender, ...email.cc, ...email.to].map((a) => a.address.toLowerCase());
    return [...new Set(all)].filter((address) => address !== deps.mailboxAddress);
  }

  async function findCreator(sender: EmailAddress, email: ParsedEmail) {
    for (const address of candidatesOf(sender, email)) {
      const campaign = campaignForSender(deps.campaigns, address);
      if (!campaign) continue;
      const lookup = await deps.sheets.findInfluencer(
        address,
        campaign.influencerSheet ?? undefined,
      );
      if (lookup.status === 'invalid') {
        // A person can fix the sheet: the reply waits for that instead of being given up on.
        const problems = lookup.problems.map((p) => p.message).join('; ');
        deps.onProblem?.(
          `${address} replied, but the influencer sheet cannot be used for them: ${problems}. Fix the sheet: the reply is read again every ${SHEET_FIX_RETRY_MS / 60_000} minutes for about two hours.`,
        );
        throw new RetryableError(
          `the influencer sheet cannot be used for ${address}: ${problems}`,
          SHEET_FIX_RETRY_MS,
        );
      }
      if (lookup.status === 'found') return { campaign, lookup };
    }
    return null;
  }

  return async ({ threadId, sender, email, requestId }) => {
    const found = await findCreator(sender, email);
    if (!found)
      return {
        unknown: campaignForSender(deps.campaigns, sender.address)
          ? `${sender.address} is not in the influencer sheet`
          : `no campaign applies to ${sender.address}`,
      };
    const { campaign, lookup } = found;
    if (lookup.influencer.email.toLowerCase() !== sender.address.toLowerCase())
      deps.logger.info(
        { threadId, influencer: lookup.influencer.email },
        'the sender writes for an influencer in the sheet (copied on the email): negotiating for them',
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
