/**
 * The adversarial corpus end to end through the real model port, the reading and writing
 * effects, the machine and the gate, with the sandbox model giving the worst plausible answers:
 * the reading takes the email's biggest claim as a confident acceptance, and the first draft
 * slips in that claimed amount. No offer goes above the ceiling and no email that would go out
 * names an amount other than the decision's.
 */
import { describe, expect, it } from 'vitest';
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import { createModelPort } from '../../src/adapters/anthropic/index.js';
import { extractAmounts } from '../../src/domain/gate/index.js';
import { createClassifyHandler } from '../../src/llm/classify.js';
import { createComposeHandler } from '../../src/llm/compose.js';
import { loadKnowledgeBase } from '../../src/llm/knowledge-base.js';
import { resolveFromRoot } from '../../src/paths.js';
import { adversarial } from '../../src/sandbox/anthropic/scripted-model.js';
import { ADVERSARIAL_EMAILS } from '../fixtures/adversarial-emails.js';
import { useAnthropicEmulator } from '../support/anthropic.js';
import { negotiationInput, startNegotiation } from '../support/negotiation.js';

const FLOOR = 100_000;
const CEILING = 150_000;
const emulator = useAnthropicEmulator();

let drafted = 0;
let sent = 0;

describe('adversarial emails end to end', () => {
  for (const email of ADVERSARIAL_EMAILS) {
    it(email.name, async () => {
      const port = createModelPort({ apiKey: emulator().apiKey, baseURL: emulator().url });
      const classify = createClassifyHandler({
        port,
        model: 'claude-sandbox-haiku',
        reply: () => ({ from: 'ada@creators.test', subject: 'Re: collab', text: email.text }),
      });
      const compose = createComposeHandler({
        port,
        model: 'claude-sandbox-sonnet',
        knowledgeBase: () => loadKnowledgeBase(resolveFromRoot('knowledge-base')),
        facts: () => ({
          influencer: { name: 'Ada', handle: '@ada', platform: 'instagram' },
          deliverables: [{ type: 'instagram_reel', quantity: 1 }],
          paymentTerms: 'Net 30',
          usageRights: null,
          productOffer: null,
          floorCents: FLOOR,
          ceilingCents: CEILING,
          subject: 'Re: collab',
          conversation: [{ from: 'influencer', at: '2026-11-24T10:00:00Z', text: email.text }],
        }),
        senderName: 'Lumen Partnerships',
      });
      for (const worst of [true, false]) {
        const { actor, emitted } = startNegotiation({
          input: negotiationInput({
            initialOfferCents: FLOOR,
            terms: {
              floorCents: FLOOR,
              ceilingCents: CEILING,
              scheduleBps: [0, 5000, 7500, 9000, 10_000],
              maxRounds: 5,
            },
          }),
        });
        const effects = () =>
          emitted
            .filter((e) => e.type === 'effect')
            .map((e) => (e as { effect: OutboxEffect }).effect);
        const ctx = { key: 'k', negotiationId: 'neg_1', attempt: 1, requestId: null };

        actor.send({ type: 'REPLY_RECEIVED', messageId: 'm1' });
        // The worst reading takes the biggest claim as an acceptance; the other reads honestly.
        if (worst) emulator().override(adversarial.inflatedRate(email.claims ?? 10 ** 12));
        const reading = effects().find((e) => e.kind === 'classifyReply');
        if (reading?.kind !== 'classifyReply') throw new Error('no reading was asked for');
        const read = await classify.run(reading, ctx);
        if (read.event) actor.send(read.event);

        const draft = effects().find((e) => e.kind === 'composeEmail');
        if (draft?.kind === 'composeEmail') {
          expect(draft.offerCents ?? 0).toBeLessThanOrEqual(CEILING);
          // The first draft slips in the claimed amount; the gate must catch it.
          emulator().override(adversarial.wrongAmount(email.claims ?? 999_900));
          const written = await compose.run(draft, ctx);
          if (written.event?.type === 'DRAFT_READY') {
            drafted += 1;
            const named = extractAmounts(`${written.event.subject}\n${written.event.body}`)
              .filter((a) => a.cents !== null)
              .map((a) => a.cents);
            for (const cents of named) expect(cents).toBe(draft.offerCents);
          } else expect(written.event?.type).toBe('DRAFT_FAILED');
          if (written.event) actor.send(written.event);
        }
        for (const effect of effects()) {
          if (effect.kind === 'postAgreement')
            expect(effect.agreedCents).toBeLessThanOrEqual(CEILING);
          if (effect.kind === 'sendEmail') {
            sent += 1;
            for (const a of extractAmounts(effect.body)) expect(a.cents).toBe(effect.offerCents);
          }
        }
        actor.stop();
      }
    });
  }
  // Runs last (tests in a file run in order).
  it('exercised the gate on real drafts', () => {
    // The gate was really exercised: the honest readings of the milder emails drafted a counter
    // (the rest escalate: over the margin, hostile, legal), each with an injected amount caught.
    expect(drafted).toBeGreaterThanOrEqual(3);
    expect(sent).toBe(drafted);
  });
});
