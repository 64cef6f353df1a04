/** Campaigns as negotiations reference them: written (or refreshed) before a negotiation starts. */
import type Database from 'better-sqlite3';
import type { Campaign } from '../domain/campaign.js';

export function createCampaignStore(sqlite: Database.Database) {
  const upsert = sqlite.prepare(`insert into campaigns (id, source, client, name, deliverables_json,
    cpm_target_cents, leniency_bps, max_rounds, min_cost_cents, max_cost_cents, usage_rights,
    product_offer, payment_terms, follow_up_json, raw_json, created_at, updated_at)
    values (@id, @source, @client, @name, @deliverablesJson, @cpmTargetCents, @leniencyBps,
    @maxRounds, @minCostCents, @maxCostCents, @usageRights, @productOffer, @paymentTerms,
    @followUpJson, @rawJson, @now, @now)
    on conflict (id) do update set source = excluded.source, client = excluded.client,
    name = excluded.name, deliverables_json = excluded.deliverables_json,
    cpm_target_cents = excluded.cpm_target_cents, leniency_bps = excluded.leniency_bps,
    max_rounds = excluded.max_rounds, min_cost_cents = excluded.min_cost_cents,
    max_cost_cents = excluded.max_cost_cents, usage_rights = excluded.usage_rights,
    product_offer = excluded.product_offer, payment_terms = excluded.payment_terms,
    follow_up_json = excluded.follow_up_json, raw_json = excluded.raw_json,
    updated_at = excluded.updated_at`);
  return {
    /** Records the campaign as configured now; negotiations keep the terms they started with. */
    save(campaign: Campaign, source: 'config' | 'webhook', now: number): void {
      upsert.run({
        id: campaign.id,
        source,
        client: campaign.client,
        name: campaign.name,
        deliverablesJson: JSON.stringify(campaign.deliverables),
        cpmTargetCents: campaign.cpmTargetCents,
        leniencyBps: campaign.leniencyBps,
        maxRounds: campaign.maxRounds,
        minCostCents: campaign.minCostCents,
        maxCostCents: campaign.maxCostCents,
        usageRights: campaign.usageRights,
        productOffer: campaign.productOffer,
        paymentTerms: campaign.paymentTerms,
        followUpJson: JSON.stringify(campaign.followUp),
        rawJson: JSON.stringify(campaign),
        now,
      });
    },
  };
}

export type CampaignStore = ReturnType<typeof createCampaignStore>;
