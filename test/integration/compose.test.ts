/**
 * The composeEmail effect with the real @anthropic-ai/sdk against the sandbox model: drafts pass
 * the gate or are written once more with the failures as feedback, and a draft that still fails
 * goes to people with the draft attached. The model never gets to send an amount it was not given.
 */
import { describe, expect, it } from 'vitest';
import { createModelPort } from '../../src/adapters/anthropic/index.js';
import { createComposeHandler, type NegotiationFacts } from '../../src/llm/compose.js';
import { loadKnowledgeBase } from '../../src/llm/knowledge-base.js';
import { resolveFromRoot } from '../../src/paths.js';
import { adversarial } from '../../src/sandbox/anthropic/scripted-model.js';
import { useAnthropicEmulator } from '../support/anthropic.js';

const emulator = useAnthropicEmulator();

const facts: NegotiationFacts = {
  influencer: { name: 'Ada Lovelace', handle: '@ada', platform: 'instagram' },
  deliverables: [{ type: 'instagram_reel', quantity: 1 }],
  paymentTerms: 'Net 30 after the reel is live',
  usageRights: null,
  productOffer: null,
  floorCents: 100_000,
  ceilingCents: 150_000,
  subject: 'Re: Spring collab',
  conversation: [
    { from: 'influencer', at: '2026-11-24T10:00:00Z', text: 'My rate for a reel is $1,800.' },
  ],
};
const handler = () =>
  createComposeHandler({
    port: createModelPort({ apiKey: emulator().apiKey, baseURL: emulator().url }),
    model: 'claude-sandbox-sonnet',
    knowledgeBase: () => loadKnowledgeBase(resolveFromRoot('knowledge-base')),
    facts: () => facts,
    senderName: 'Lumen Partnerships',
  });
const effect = (purpose: 'counter' | 'agreement' | 'decline', offerCents: number | null) => ({
  kind: 'composeEmail' as const,
  key: `neg_1:composeEmail:${purpose}`,
  purpose,
  offerCents,
  askCents: 180_000,
  round: 2,
  answering: null,
});
const ctx = { key: 'k', negotiationId: 'neg_1', attempt: 1, requestId: null };

describe('composeEmail', () => {
  it('drafts a counter with exactly the decided amount, first time', async () => {
    const outcome = await handler().run(effect('counter', 125_000), ctx);
    expect(outcome.event).toMatchObject({ type: 'DRAFT_READY', subject: 'Re: Spring collab' });
    const body = (outcome.event as { body: string }).body;
    expect(body.match(/\$\d[\d,]*(?:\.\d\d)?/g)).toEqual(['$1,250']);
    expect(emulator().calls()).toHaveLength(1);
  });

  it('writes again with the failures as feedback when the first draft names another amount', async () => {
    emulator().override(adversarial.wrongAmount(160_000));
    const outcome = await handler().run(effect('counter', 125_000), ctx);
    expect(outcome.event).toMatchObject({ type: 'DRAFT_READY' });
    expect((outcome.event as { body: string }).body).not.toContain('1,600');
    const calls = emulator().calls();
    expect(calls).toHaveLength(2);
    expect(JSON.stringify(calls[1]?.body.messages)).toContain('amount_not_allowed');
  });

  it('gives up after the second failing draft and attaches it for people', async () => {
    emulator().override(adversarial.promisesExclusivity(), adversarial.promisesExclusivity());
    const outcome = await handler().run(effect('agreement', 125_000), ctx);
    expect(outcome.event).toMatchObject({ type: 'DRAFT_FAILED' });
    expect((outcome.event as { failures: string[] }).failures.join()).toMatch(/commitment/);
    expect((outcome.result as { draft: { body: string } }).draft.body).toMatch(/exclusivity/);
  });

  it('treats a refusal like a failed draft: one more try', async () => {
    emulator().override(adversarial.refusal());
    const outcome = await handler().run(effect('decline', null), ctx);
    expect(outcome.event).toMatchObject({ type: 'DRAFT_READY' });
    expect((outcome.event as { body: string }).body).not.toMatch(/\$/);
  });
});
