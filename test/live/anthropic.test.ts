/**
 * The real Anthropic API through the service's own model port (createModelPort) and reading prompt
 * (src/llm/reading.ts): one short, unambiguous counter-offer read by ANTHROPIC_READING_MODEL must
 * come back schema-valid, as a counter asking $1,500. One small call (about 1.5k input tokens).
 * Needs ANTHROPIC_API_KEY and ANTHROPIC_READING_MODEL.
 */
import { describe, expect, it } from 'vitest';
import { createModelPort } from '../../src/adapters/anthropic/index.js';
import { READING_INSTRUCTIONS, readingRequest, readingSchema } from '../../src/llm/reading.js';
import { config, liveTitle } from './live-env.js';

const apiKey = config.secrets.ANTHROPIC_API_KEY;
const model = config.anthropic.readingModel;
const missing = [
  ...(apiKey ? [] : ['ANTHROPIC_API_KEY']),
  ...(model ? [] : ['ANTHROPIC_READING_MODEL (the model id that reads replies)']),
];

describe.skipIf(missing.length > 0)(liveTitle('Anthropic', missing), () => {
  it('reads a counter-offer through the reading prompt: intent and ask, schema-valid', async () => {
    const port = createModelPort({
      apiKey: apiKey ?? '',
      ...(config.endpoints.anthropicBaseUrl ? { baseURL: config.endpoints.anthropicBaseUrl } : {}),
      timeoutMs: config.anthropic.timeoutMs,
      maxRetries: 2,
    });
    const result = await port.structured({
      model: model ?? '',
      system: [{ text: READING_INSTRUCTIONS, cache: true }],
      messages: [
        {
          role: 'user',
          content: readingRequest({
            from: 'Maya Chen <maya@example.com>',
            subject: 'Re: Partnership for the spring launch',
            text: 'Hi! Thanks for the offer. $800 is too low for a reel with my reach — I could do it for $1,500. Let me know!\n\nMaya',
          }),
        },
      ],
      schema: readingSchema,
      maxTokens: 1024,
      purpose: 'reading',
    });

    expect(result.ok ? 'a reading' : `${result.kind}: ${result.detail}`).toBe('a reading');
    if (!result.ok) return;
    expect(result.value.intent).toBe('counter');
    expect(result.value.proposed_rate_cents).toBe(150_000);
    expect(result.value.confidence).toBeGreaterThan(0.5);
    const { inputTokens, cacheReadTokens, cacheWriteTokens } = result.usage;
    expect(inputTokens + cacheReadTokens + cacheWriteTokens).toBeGreaterThan(0);
  });
});
