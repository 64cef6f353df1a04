/**
 * The `classifyReply` effect: the stored email read by the reading model. A reading becomes
 * REPLY_CLASSIFIED (and the ask is kept on the email row, DATA-03); a refusal or an answer that
 * does not fit the schema becomes CLASSIFICATION_FAILED, which hands the thread to people.
 * Transport failures are thrown as they come (retryable or permanent) for the outbox to handle.
 */
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import type { ModelPort } from '../adapters/anthropic/index.js';
import type { EffectHandler } from '../runtime/outbox-worker.js';
import { READING_INSTRUCTIONS, readingEvent, readingRequest, readingSchema } from './reading.js';

type ClassifyEffect = Extract<OutboxEffect, { kind: 'classifyReply' }>;

export interface StoredReply {
  from: string;
  subject: string;
  /** The newest words (quoted history and signature removed), else the whole text. */
  text: string;
}

export function createClassifyHandler(deps: {
  port: ModelPort;
  /** ANTHROPIC_READING_MODEL. */
  model: string;
  reply: (gmailMessageId: string) => StoredReply | null;
  /** Keeps the ask the reading found on the stored email. */
  recordAsk?: (gmailMessageId: string, askCents: number | null) => void;
  maxTokens?: number;
}): EffectHandler<ClassifyEffect> {
  return {
    async run(effect) {
      const reply = deps.reply(effect.messageId);
      if (!reply)
        return {
          event: {
            type: 'CLASSIFICATION_FAILED',
            messageId: effect.messageId,
            error: 'the email is not stored, so it cannot be read',
          },
        };
      const result = await deps.port.structured({
        model: deps.model,
        system: [{ text: READING_INSTRUCTIONS, cache: true }],
        messages: [{ role: 'user', content: readingRequest(reply) }],
        schema: readingSchema,
        maxTokens: deps.maxTokens ?? 1024,
        purpose: 'reading',
      });
      if (!result.ok)
        return {
          event: {
            type: 'CLASSIFICATION_FAILED',
            messageId: effect.messageId,
            error:
              `the model ${result.kind === 'refusal' ? 'refused to read it' : `answered unusably (${result.kind})`}: ${result.detail}`.slice(
                0,
                2000,
              ),
          },
          result: { usage: result.usage, costMicros: result.costMicros },
        };
      const event = readingEvent(effect.messageId, result.value);
      deps.recordAsk?.(
        effect.messageId,
        event.type === 'REPLY_CLASSIFIED' ? event.proposedRateCents : null,
      );
      return { event, result: { usage: result.usage, costMicros: result.costMicros } };
    },
  };
}
