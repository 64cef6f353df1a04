/**
 * A campaign as the agent negotiates it (DATA-01): what the client wants, how far the money may
 * go, and what may be promised. Loaded from `config/campaigns/*.yaml` or the campaign store; money
 * in integer cents, percentages in basis points, defaults from the rate card already applied.
 */
import type { Cents } from './money.js';
import type { Deliverable } from './pricing/deliverables.js';
import type { Bps } from './pricing/rate-card.js';

export interface Campaign {
  id: string;
  client: string;
  name: string | null;
  /** Wanted deliverables, across platforms: an influencer is offered those of their platform. */
  deliverables: Deliverable[];
  cpmTargetCents: Cents;
  leniencyBps: Bps;
  maxRounds: number;
  /** The opening offer never goes below this (capped at the ceiling). */
  minCostCents: Cents | null;
  /** The most one influencer may cost without a person's approval: caps the ceiling. */
  maxCostCents: Cents | null;
  /** What the brand may do with the content; null = the agent promises no usage rights at all. */
  usageRights: string | null;
  productOffer: string | null;
  paymentTerms: string | null;
  /** Overrides of the service-wide FOLLOW_UP_DELAY / STALE_DELAY; null = the service default. */
  followUp: { delayMs: number | null; staleDelayMs: number | null };
  /** Where this campaign's influencers are, when not in the configured sheet. */
  influencerSheet: { spreadsheetId?: string; tab?: string } | null;
  /** Which senders it applies to when a known influencer writes on a thread the agent never saw. */
  appliesTo: {
    /** The campaign used when no other campaign lists the sender (at most one). */
    default: boolean;
    /** Lower-cased addresses ("ada@creators.test") or whole domains ("@talentco.test"). */
    senders: string[];
  };
}

/**
 * The campaign for a sender on an unknown thread: one that lists the exact address, else one that
 * lists its domain, else the default one, else null (a person decides).
 */
export function campaignForSender(campaigns: readonly Campaign[], email: string): Campaign | null {
  const address = email.trim().toLowerCase();
  const domain = address.slice(address.lastIndexOf('@'));
  return (
    campaigns.find((c) => c.appliesTo.senders.includes(address)) ??
    campaigns.find((c) => domain.length > 1 && c.appliesTo.senders.includes(domain)) ??
    campaigns.find((c) => c.appliesTo.default) ??
    null
  );
}
