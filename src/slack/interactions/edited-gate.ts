/**
 * The validation gate for text a person edited or wrote in Slack: the same deterministic checks
 * as the agent's own drafts (src/llm/compose.ts), against the same decision — the amounts it may
 * name, the commitments the campaign grants, the internal numbers it must not reveal.
 */
import type { NegotiationFactsResult } from '../../db/negotiation-facts.js';
import { checkDraft, type GateDecision } from '../../domain/gate/index.js';
import { gateDecisionFor } from '../../llm/gate-decision.js';
import type { CheckEdited, EditedText, GateVerdict } from './deps.js';

/** The decision edited text is checked against: the agent's own, from the stored facts. */
export function editedGateDecision(facts: NegotiationFactsResult, text: EditedText): GateDecision {
  const { terms, campaign } = facts;
  // A person's own email may quote back our last offer besides the amount it offers.
  const previous =
    text.purpose === 'human' && terms.lastOfferCents !== null ? [terms.lastOfferCents] : [];
  return gateDecisionFor({
    purpose: text.purpose,
    offerCents: text.offerCents,
    askCents: terms.askCents,
    alsoAllowedCents: previous,
    deliverables: campaign?.deliverables ?? [],
    paymentTerms: campaign?.paymentTerms ?? null,
    usageRights: campaign?.usageRights ?? null,
    floorCents: terms.floorCents,
    ceilingCents: terms.ceilingCents,
  });
}

const NAMES_OFFER = new Set(['opening', 'counter', 'agreement']);

export function createCheckEdited(
  facts: (negotiationId: string) => NegotiationFactsResult | null,
): CheckEdited {
  return (negotiationId, text): GateVerdict => {
    const found = facts(negotiationId);
    if (!found)
      return {
        passed: false,
        failures: [{ rule: 'negotiation', detail: `negotiation ${negotiationId} cannot be read` }],
      };
    const decision = editedGateDecision(found, text);
    if (NAMES_OFFER.has(decision.purpose) && decision.offerCents === undefined)
      return {
        passed: false,
        failures: [{ rule: 'missing_offer', detail: `a ${decision.purpose} email needs an offer` }],
      };
    return checkDraft({ subject: text.subject, body: text.body }, decision);
  };
}
