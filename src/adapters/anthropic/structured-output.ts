/**
 * The wire side of a structured-output call: the request as the Messages API wants it (one cache
 * breakpoint, the zod schema as the output format) and the answer read back as a value — the
 * stop reason first (a refusal is prose, not JSON), then JSON, then the zod schema.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { z } from 'zod';
import type { ModelUsage } from '../../domain/model-cost.js';
import type { ModelPurpose } from './errors.js';

export interface SystemBlock {
  text: string;
  /** Cache the prompt up to the last block marked so: static, byte-stable text only. */
  cache?: boolean;
}

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface StructuredRequest<T> {
  /** From configuration (ANTHROPIC_READING_MODEL / ANTHROPIC_WRITING_MODEL), never a literal. */
  model: string;
  system: SystemBlock[];
  messages: ModelMessage[];
  /** Must be expressible as JSON Schema (no transforms): it is also sent as the output format. */
  schema: z.ZodType<T>;
  maxTokens: number;
  purpose: ModelPurpose;
}

export type ModelFailureKind = 'refusal' | 'malformed' | 'max_tokens';

const EXCERPT = 300;

const formats = new WeakMap<z.ZodType, ReturnType<typeof zodOutputFormat>>();

/** The JSON Schema output format, built once per schema (the same bytes on every call). */
function formatFor(schema: z.ZodType) {
  let format = formats.get(schema);
  if (!format) {
    format = zodOutputFormat(schema);
    formats.set(schema, format);
  }
  return format;
}

export function toParams<T>(
  request: StructuredRequest<T>,
): Anthropic.MessageCreateParamsNonStreaming {
  // One breakpoint, on the last cached block: everything above it is the shared, static prefix.
  const breakpoint = request.system.findLastIndex((block) => block.cache);
  const system = request.system.map(
    (block, i): Anthropic.TextBlockParam => ({
      type: 'text',
      text: block.text,
      ...(i === breakpoint ? { cache_control: { type: 'ephemeral' as const } } : {}),
    }),
  );
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    ...(system.length > 0 ? { system } : {}),
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    output_config: { format: formatFor(request.schema) },
  };
}

type Interpreted<T> =
  | { ok: true; value: T }
  | { ok: false; kind: ModelFailureKind; detail: string };

export function interpret<T>(message: Anthropic.Message, schema: z.ZodType<T>): Interpreted<T> {
  const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  const stop = message.stop_reason;
  if (stop === 'refusal')
    return { ok: false, kind: 'refusal', detail: excerpt(text) || 'the model declined to answer' };
  if (stop === 'max_tokens' || stop === 'model_context_window_exceeded')
    return {
      ok: false,
      kind: 'max_tokens',
      detail: `the answer was cut off (${stop}) after ${message.usage.output_tokens} output tokens`,
    };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const why = (error as Error).message;
    return { ok: false, kind: 'malformed', detail: `not JSON (${why}): ${excerpt(text)}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
    .join('; ');
  return { ok: false, kind: 'malformed', detail: `does not fit the schema: ${issues}` };
}

export function usageOf(usage: Anthropic.Usage): ModelUsage {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

function excerpt(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat;
}
