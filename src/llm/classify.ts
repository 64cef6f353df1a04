/**
 * The `classifyReply` effect: the stored email read by the reading model. A reading becomes
 * REPLY_CLASSIFIED (and the ask is kept on the email row, DATA-03); a refusal or an answer that
 * does not fit the schema becomes CLASSIFICATION_FAILED, which hands the thread to people.
 * Transport failures are thrown as they come (retryable or permanent) for the outbox to handle.
 */
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import type { ModelPort, ModelResult } from '../adapters/anthropic/index.js';
import type { ModelCallRow } from '../db/model-call-store.js';
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
  /** Cost metering: every call's tokens and cost, for the negotiation. */
  recordCall?: (row: ModelCallRow) => void;
  now?: () => number;
  maxTokens?: number;
}): EffectHandler<ClassifyEffect> {
  return {
    async run(effect, ctx) {
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
      deps.recordCall?.(callRow(ctx.negotiationId, effect.key, 'reading', result, deps.now));
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

/** One model call as the cost ledger keeps it. */
export function callRow(
  negotiationId: string,
  effectKey: string,
  purpose: 'reading' | 'writing',
  result: ModelResult<unknown>,
  now: () => number = Date.now,
): ModelCallRow {
  return {
    negotiationId,
    effectKey,
    purpose,
    model: result.model,
    outcome: result.ok ? 'ok' : result.kind,
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    cacheReadTokens: result.usage.cacheReadTokens,
    cacheWriteTokens: result.usage.cacheWriteTokens,
    costMicros: result.costMicros,
    durationMs: result.durationMs,
    at: now(),
  };
}
