/**
 * Prompt caching (issue: the shared prefix): two negotiations' writing requests share a
 * byte-identical prefix — instructions, then the knowledge base with the cache breakpoint — so
 * the second reads the cache; only the per-negotiation text after it differs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelPort } from '../../src/adapters/anthropic/index.js';
import { loadKnowledgeBase, renderKnowledgeBase } from '../../src/llm/knowledge-base.js';
import {
  draftSchema,
  type WritingRequest,
  writingRequest,
  writingSystem,
} from '../../src/llm/writing.js';
import { resolveFromRoot } from '../../src/paths.js';
import { startAnthropicEmulator } from '../../src/sandbox/anthropic/emulator.js';

let emulator: Awaited<ReturnType<typeof startAnthropicEmulator>>;
beforeAll(async () => {
  emulator = await startAnthropicEmulator();
});
afterAll(async () => {
  await emulator.close();
});

const request = (name: string, offer: number, platform: string): WritingRequest => ({
  decision: {
    kind: 'counter',
    offer_cents: offer,
    influencer_name: name,
    deliverables: [{ type: `${platform}_video`, quantity: 1 }],
    payment_terms: 'Net 30',
    usage_rights: null,
    product_offer: null,
    subject: 'Re: collab',
    sender_name: 'Lumen Partnerships',
    guidance: [],
  },
  profile: { name, handle: `@${name.toLowerCase()}`, platform },
  conversation: [{ from: 'influencer', at: '2026-11-24T10:00:00Z', text: 'My rate is $2,000.' }],
});

describe('prompt caching', () => {
  it('gives two negotiations a byte-identical cached prefix', async () => {
    const port = createModelPort({ apiKey: emulator.apiKey, baseURL: emulator.url });
    const kb = renderKnowledgeBase(loadKnowledgeBase(resolveFromRoot('knowledge-base')));
    const results = [];
    for (const [name, offer, platform] of [
      ['Ada', 125_000, 'tiktok'],
      ['Bo', 98_000, 'youtube'],
    ] as const)
      results.push(
        await port.structured({
          model: 'claude-sandbox-sonnet',
          system: writingSystem(kb),
          messages: [{ role: 'user', content: writingRequest(request(name, offer, platform)) }],
          schema: draftSchema,
          maxTokens: 1024,
          purpose: 'writing',
        }),
      );
    const [first, second] = emulator.calls().map((c) => c.body);
    expect(JSON.stringify(first?.system)).toBe(JSON.stringify(second?.system));
    const blocks = first?.system as Array<{ cache_control?: unknown }>;
    expect(blocks.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(blocks.slice(0, -1).every((b) => b.cache_control === undefined)).toBe(true);
    expect(JSON.stringify(first?.messages)).not.toBe(JSON.stringify(second?.messages));
    expect(results[0]?.usage.cacheWriteTokens).toBeGreaterThan(2048);
    expect(results[1]?.usage.cacheReadTokens).toBe(results[0]?.usage.cacheWriteTokens);
    // What the closing note reports: the share of a writing call's input that is cache-eligible.
    const usage = results[1]?.usage;
    const total = (usage?.inputTokens ?? 0) + (usage?.cacheReadTokens ?? 0);
    console.warn(
      `writing call: ${total} input tokens, ${Math.round((100 * (usage?.cacheReadTokens ?? 0)) / total)}% cache-eligible`,
    );
  });
});
