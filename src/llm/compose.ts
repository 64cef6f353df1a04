/**
 * The `composeEmail` effect (NEG-06, HUMAN-02): the writing model drafts the email the decision
 * calls for, the deterministic gate checks it, a failing draft is written again (once by default) with the
 * failures as feedback, and a draft that still fails becomes DRAFT_FAILED — the negotiation then
 * goes to people (validation_failed). Only a draft that passed the gate becomes DRAFT_READY.
 */
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import type { ModelPort } from '../adapters/anthropic/index.js';
import type { ModelCallRow } from '../db/model-call-store.js';
import { checkDraft, type GateDecision } from '../domain/gate/index.js';
import { type Deliverable, parsePlatform } from '../domain/pricing/deliverables.js';
import type { EffectHandler } from '../runtime/outbox-worker.js';
import { callRow } from './classify.js';
import { gateDecisionFor } from './gate-decision.js';
import {
  type KnowledgeBase,
  renderKnowledgeBase,
  STAGE_FOR_PURPOSE,
  selectGuidance,
} from './knowledge-base.js';
import {
  type ConversationEntry,
  type DraftOutput,
  draftSchema,
  writingRequest,
  writingSystem,
} from './writing.js';

type ComposeEffect = Extract<OutboxEffect, { kind: 'composeEmail' }>;

/** What the writer and the gate need to know about one negotiation. */
export interface NegotiationFacts {
  influencer: { name: string | null; handle: string | null; platform: string };
  deliverables: Deliverable[];
  paymentTerms: string | null;
  usageRights: string | null;
  productOffer: string | null;
  floorCents: number;
  ceilingCents: number;
  subject: string;
  conversation: ConversationEntry[];
}

export function createComposeHandler(deps: {
  port: ModelPort;
  /** ANTHROPIC_WRITING_MODEL. */
  model: string;
  knowledgeBase: () => KnowledgeBase;
  facts: (negotiationId: string) => NegotiationFacts | null;
  senderName: string;
  /** Cost metering: every call's tokens and cost, for the negotiation. */
  recordCall?: (row: ModelCallRow) => void;
  now?: () => number;
  maxTokens?: number;
  /** Re-compositions of a draft that failed the gate before it goes to people (escalation.yaml). */
  recomposeAttempts?: number;
}): EffectHandler<ComposeEffect> {
  const attempts = 1 + (deps.recomposeAttempts ?? 1);
  const gateDecision = (effect: ComposeEffect, facts: NegotiationFacts): GateDecision =>
    gateDecisionFor({
      purpose: effect.purpose,
      offerCents: effect.offerCents,
      askCents: effect.askCents,
      deliverables: facts.deliverables,
      paymentTerms: facts.paymentTerms,
      usageRights: facts.usageRights,
      floorCents: facts.floorCents,
      ceilingCents: facts.ceilingCents,
    });

  return {
    async run(effect, ctx) {
      const facts = deps.facts(ctx.negotiationId);
      if (!facts)
        return {
          event: {
            type: 'DRAFT_FAILED',
            draftKey: effect.key,
            failures: ['the negotiation could not be found'],
          },
        };
      const kb = deps.knowledgeBase();
      const platform = facts.influencer.platform;
      const decision = gateDecision(effect, facts);
      const request = (feedback: string[]) =>
        writingRequest({
          decision: {
            kind: effect.purpose,
            offer_cents: effect.offerCents,
            influencer_name: facts.influencer.name,
            deliverables: facts.deliverables.map((d) => ({ type: d.type, quantity: d.quantity })),
            payment_terms: facts.paymentTerms,
            usage_rights: facts.usageRights,
            product_offer: facts.productOffer,
            subject: facts.subject,
            sender_name: deps.senderName,
            guidance: selectGuidance(kb, {
              stage: STAGE_FOR_PURPOSE[effect.purpose],
              platform: parsePlatform(platform) ?? 'instagram',
            }),
          },
          profile: facts.influencer,
          conversation: facts.conversation,
          feedback,
        });
      let feedback: string[] = [];
      let last: DraftOutput | null = null;
      const usages = [];
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const result = await deps.port.structured({
          model: deps.model,
          system: writingSystem(renderKnowledgeBase(kb)),
          messages: [{ role: 'user', content: request(feedback) }],
          schema: draftSchema,
          maxTokens: deps.maxTokens ?? 1500,
          purpose: 'writing',
        });
        usages.push({ usage: result.usage, costMicros: result.costMicros });
        deps.recordCall?.(callRow(ctx.negotiationId, effect.key, 'writing', result, deps.now));
        if (!result.ok) {
          feedback = [`the model did not write a usable draft (${result.kind}): ${result.detail}`];
          continue;
        }
        last = result.value;
        const verdict = checkDraft(result.value, decision);
        if (verdict.passed)
          return {
            event: {
              type: 'DRAFT_READY',
              draftKey: effect.key,
              subject: result.value.subject,
              body: result.value.body,
            },
            result: { attempts: attempt, usages },
          };
        feedback = verdict.failures.map((f) => `${f.rule}: ${f.detail}`);
      }
      return {
        event: {
          type: 'DRAFT_FAILED',
          draftKey: effect.key,
          failures: feedback.slice(0, 50).map((f) => f.slice(0, 1000)),
        },
        // The failing draft goes with the escalation, so a person can fix it rather than start over.
        result: { attempts, usages, draft: last },
      };
    },
  };
}
