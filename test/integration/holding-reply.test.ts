/**
 * The holding reply while people decide: written by the real writing effect against the sandbox
 * model (purpose `holding`, checked by the gate), then handed to the send effect under the
 * holding effect's own key. The send effect here is a small in-memory mailbox keyed by effect
 * key, standing in for Gmail: Gmail's exactly-once (Message-ID from the key, lookup after an
 * uncertain attempt) has its own tests in gmail-sync.test.ts; what is tested here is that the
 * holding effect writes once, sends under its key, and looks before writing again.
 */
import { describe, expect, it } from 'vitest';
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import { createModelPort } from '../../src/adapters/anthropic/index.js';
import { PermanentError } from '../../src/domain/errors.js';
import { extractAmounts } from '../../src/domain/gate/index.js';
import { createComposeHandler } from '../../src/llm/compose.js';
import { createHoldingReplyHandler } from '../../src/llm/holding.js';
import { loadKnowledgeBase } from '../../src/llm/knowledge-base.js';
import { resolveFromRoot } from '../../src/paths.js';
import type { EffectHandler, EffectOutcome } from '../../src/runtime/outbox-worker.js';
import { adversarial } from '../../src/sandbox/anthropic/scripted-model.js';
import { useAnthropicEmulator } from '../support/anthropic.js';

type SendEffect = Extract<OutboxEffect, { kind: 'sendEmail' }>;

const emulator = useAnthropicEmulator();

function setUp() {
  const mailbox = new Map<string, SendEffect>();
  let loseNextAnswer = false;
  const outcome = (effect: SendEffect): EffectOutcome => ({
    event: {
      type: 'EMAIL_SENT',
      effectKey: effect.key,
      gmailMessageId: `gm-${effect.key}`,
      threadId: 't1',
    },
    result: { gmailMessageId: `gm-${effect.key}` },
  });
  const send: EffectHandler<SendEffect> = {
    async run(effect) {
      mailbox.set(effect.key, effect);
      if (loseNextAnswer) {
        loseNextAnswer = false;
        throw new Error('socket hang up after the message was accepted');
      }
      return outcome(effect);
    },
    async reconcile(effect) {
      return mailbox.has(effect.key) ? outcome(effect) : null;
    },
  };
  const compose = createComposeHandler({
    port: createModelPort({ apiKey: emulator().apiKey, baseURL: emulator().url }),
    model: 'claude-sandbox-sonnet',
    knowledgeBase: () => loadKnowledgeBase(resolveFromRoot('knowledge-base')),
    facts: () => ({
      influencer: { name: 'Ada Lovelace', handle: '@ada', platform: 'instagram' },
      deliverables: [{ type: 'instagram_reel', quantity: 1 }],
      paymentTerms: 'Net 30',
      usageRights: null,
      productOffer: null,
      floorCents: 100_000,
      ceilingCents: 150_000,
      subject: 'Re: collab',
      conversation: [
        { from: 'influencer', at: '2026-11-24T10:00:00Z', text: 'My rate is $4,000, firm.' },
      ],
    }),
    senderName: 'Lumen Partnerships',
  });
  const holding = createHoldingReplyHandler({ compose, send });
  const effect = {
    kind: 'sendHoldingReply' as const,
    key: 'neg_1:sendHoldingReply:1',
    answering: 'm1',
  };
  const ctx = (attempt: number) => ({
    key: effect.key,
    negotiationId: 'neg_1',
    attempt,
    requestId: null,
  });
  return { mailbox, holding, effect, ctx, loseNext: () => (loseNextAnswer = true) };
}

describe('the holding reply', () => {
  it('writes a note with no amount and sends it once, under its own key', async () => {
    const t = setUp();
    const out = await t.holding.run(t.effect, t.ctx(1));
    expect(out.event).toMatchObject({ type: 'EMAIL_SENT', effectKey: t.effect.key });
    const sent = t.mailbox.get(t.effect.key);
    expect(sent).toMatchObject({ purpose: 'holding', offerCents: null, answering: 'm1' });
    expect(sent?.body).toMatch(/^Hi Ada,/);
    expect(extractAmounts(sent?.body ?? '')).toEqual([]);
    expect(emulator().calls()).toHaveLength(1);
    // The request asked for a holding note: no offer to name.
    const request = JSON.stringify(emulator().calls()[0]?.body);
    expect(request).toContain('holding');
    expect(t.mailbox.size).toBe(1);
  });

  it('after an attempt whose answer was lost, adopts the sent note instead of writing again', async () => {
    const t = setUp();
    t.loseNext();
    await expect(t.holding.run(t.effect, t.ctx(1))).rejects.toThrow(/socket hang up/);
    expect(t.mailbox.size).toBe(1);
    const again = await t.holding.run(t.effect, t.ctx(2));
    expect(again.event).toMatchObject({ type: 'EMAIL_SENT', effectKey: t.effect.key });
    expect(emulator().calls()).toHaveLength(1); // not written a second time
    const reconciled = await t.holding.reconcile?.(t.effect, t.ctx(3));
    expect(reconciled?.event).toMatchObject({ type: 'EMAIL_SENT' });
  });

  it('sends nothing when the note cannot be written within the gate', async () => {
    const t = setUp();
    emulator().override(adversarial.wrongAmount(400_000), adversarial.wrongAmount(400_000));
    const failure = await t.holding.run(t.effect, t.ctx(1)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PermanentError);
    expect((failure as Error).message).toMatch(/holding reply failed the checks: .*amount/i);
    expect(emulator().calls()).toHaveLength(2); // written, then once more with the failures
    expect(t.mailbox.size).toBe(0);
  });
});
