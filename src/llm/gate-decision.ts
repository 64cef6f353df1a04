/**
 * What an outgoing email is checked against, built one way for every author: the agent's own
 * drafts (compose.ts) and the text people edit or write in Slack. The gate's purposes are the
 * knowledge base's stages (farewell reads as decline, a person's own email as an answer).
 */
import type { DraftPurpose } from '../../machines/negotiation/index.js';
import type { GateDecision, DraftPurpose as GatePurpose } from '../domain/gate/index.js';
import type { Deliverable } from '../domain/pricing/deliverables.js';
import { STAGE_FOR_PURPOSE } from './knowledge-base.js';

export interface GateFacts {
  purpose: DraftPurpose;
  offerCents: number | null;
  askCents: number | null;
  deliverables: readonly Deliverable[];
  paymentTerms: string | null;
  usageRights: string | null;
  floorCents: number;
  ceilingCents: number;
  /** Other amounts the email may name (a person quoting back our last offer). */
  alsoAllowedCents?: readonly number[];
}

export function gateDecisionFor(f: GateFacts): GateDecision {
  const purpose: GatePurpose = STAGE_FOR_PURPOSE[f.purpose];
  return {
    purpose,
    ...(f.offerCents === null ? {} : { offerCents: f.offerCents }),
    ...(f.askCents === null ? {} : { askCents: f.askCents }),
    ...(f.alsoAllowedCents?.length ? { alsoAllowedCents: f.alsoAllowedCents } : {}),
    deliverables: f.deliverables,
    ...(f.paymentTerms && purpose === 'agreement' ? { paymentTerms: f.paymentTerms } : {}),
    ...(f.usageRights ? { allowedCommitments: ['usage_rights' as const] } : {}),
    internal: { floorCents: f.floorCents, ceilingCents: f.ceilingCents },
  };
}
