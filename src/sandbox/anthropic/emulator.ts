/**
 * Anthropic Messages API emulator (`POST /v1/messages`) for the real @anthropic-ai/sdk: API key as
 * `Authorization: Bearer` or `x-api-key`; structured output (`output_config.format`) and tool
 * use; usage with prompt-cache fields (a read when the cached prefix repeats byte for byte within
 * five minutes and is long enough for the model); errors in the API's shape with retry-after
 * headers; faults per endpoint; a scripted model (scripted-model.ts) that reads and writes the
 * agent's emails; replies queued or transformed per test, including refusals.
 */
import { createHash } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { createFaults, hang } from '../faults.js';
import { startEmulator } from '../server.js';
import { sampleFromSchema } from './schema-sample.js';
import { type Override, scriptedAnswer } from './scripted-model.js';

export interface ScriptedReply {
  text?: string;
  json?: unknown;
  toolUse?: { name: string; input: unknown };
  stopReason?: 'end_turn' | 'max_tokens' | 'refusal' | 'tool_use';
}

export interface RecordedCall {
  auth: 'bearer' | 'x-api-key';
  body: MessagesRequest;
}

export type MessagesRequest = {
  model: string;
  max_tokens: number;
  system?: string | Array<{ type: 'text'; text: string; cache_control?: unknown }>;
  messages: Array<{ role: 'user' | 'assistant'; content: unknown }>;
  tools?: Array<{ name: string; input_schema: unknown; cache_control?: unknown }>;
  tool_choice?: { type: string; name?: string };
  output_config?: { format?: { type: string; schema?: unknown } | null };
};

const CACHE_TTL_MS = 5 * 60_000;
const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

/** Tokens below which a model caches nothing, silently (PROTOCOLS.md). */
function minimumCachePrefix(model: string): number {
  if (/haiku/i.test(model)) return 4096;
  if (/sonnet/i.test(model)) return 2048;
  return 1024;
}

const tokens = (text: string) => Math.ceil(text.length / 4);

export async function startAnthropicEmulator(
  options: {
    apiKey?: string;
    port?: number;
    now?: () => number;
    responder?: (request: MessagesRequest) => ScriptedReply | null;
  } = {},
) {
  const apiKey = options.apiKey ?? 'sk-ant-sandbox';
  const now = options.now ?? Date.now;
  const faults = createFaults();
  const queue: ScriptedReply[] = [];
  const overrides: Override[] = [];
  const calls: RecordedCall[] = [];
  const cache = new Map<string, number>();
  let ids = 0;
  const app = new Hono();

  const error = (c: Context, status: number, message: string, retryAfterMs?: number) => {
    if (retryAfterMs !== undefined) {
      c.header('retry-after-ms', String(retryAfterMs));
      c.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
    }
    return c.json(
      { type: 'error', error: { type: errorTypes[status] ?? 'api_error', message } },
      status as 400,
    );
  };

  app.post('/v1/messages', async (c) => {
    const bearer = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
    const key = c.req.header('x-api-key') ?? bearer;
    if (key !== apiKey) return error(c, 401, 'invalid x-api-key');
    const fault = await faults.next('messages');
    if (fault?.kind === 'timeout') return hang();
    if (fault?.kind === 'status')
      return error(
        c,
        fault.status,
        `sandbox fault ${fault.status}`,
        [429, 503, 529].includes(fault.status) ? fault.retryAfterMs : undefined,
      );
    let body: MessagesRequest;
    try {
      body = (await c.req.json()) as MessagesRequest;
    } catch {
      return error(c, 400, 'request body is not JSON');
    }
    const problem = validate(body);
    if (problem) return error(c, 400, problem);
    calls.push({ auth: c.req.header('x-api-key') ? 'x-api-key' : 'bearer', body });
    const scripted =
      queue.shift() ?? options.responder?.(body) ?? scriptedAnswer(body) ?? defaultReply(body);
    const override = overrides.shift();
    const reply = override ? override(scripted, body) : scripted;
    // `lost`: the model answered (and billed) but the response never arrives.
    if (fault?.kind === 'lost') return hang();
    return c.json(message(body, reply, ++ids, usage(body)));
  });

  function usage(body: MessagesRequest) {
    const blocks: unknown[] = [
      ...(body.tools ?? []),
      ...(typeof body.system === 'string' ? [{ text: body.system }] : (body.system ?? [])),
      ...body.messages,
    ];
    const whole = JSON.stringify(blocks);
    const last = blocks.map((b) => JSON.stringify(b).includes('"cache_control"')).lastIndexOf(true);
    if (last < 0)
      return {
        input_tokens: tokens(whole),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      };
    const prefix = JSON.stringify(blocks.slice(0, last + 1));
    const prefixTokens = tokens(prefix);
    const rest = Math.max(1, tokens(whole) - prefixTokens);
    if (prefixTokens < minimumCachePrefix(body.model)) {
      return {
        input_tokens: tokens(whole),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      };
    }
    const hash = createHash('sha256').update(`${body.model}\n${prefix}`).digest('hex');
    const seen = cache.get(hash);
    cache.set(hash, now());
    if (seen !== undefined && now() - seen < CACHE_TTL_MS) {
      return {
        input_tokens: rest,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: prefixTokens,
      };
    }
    return {
      input_tokens: rest,
      cache_creation_input_tokens: prefixTokens,
      cache_read_input_tokens: 0,
    };
  }

  const running = await startEmulator(app, options);
  return {
    ...running,
    apiKey,
    faults,
    /** Answer the next request with this, whatever it asks. */
    enqueue: (...replies: ScriptedReply[]): void => void queue.push(...replies),
    /** Transform the next answer the scripted model gives (see `adversarial`). */
    override: (...changes: Override[]): void => void overrides.push(...changes),
    calls: (): RecordedCall[] => [...calls],
    reset(): void {
      queue.length = 0;
      overrides.length = 0;
      calls.length = 0;
      cache.clear();
      faults.clear();
    },
  };
}

function validate(body: MessagesRequest): string | null {
  if (!body || typeof body !== 'object') return 'body must be an object';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1)
    return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return 'messages: at least one message is required';
  if (body.messages.some((m) => m.role !== 'user' && m.role !== 'assistant'))
    return 'messages: roles must be user or assistant';
  const format = body.output_config?.format;
  if (format && (format.type !== 'json_schema' || typeof format.schema !== 'object'))
    return 'output_config.format: expected a json_schema';
  return null;
}

function defaultReply(body: MessagesRequest): ScriptedReply {
  const forced =
    body.tool_choice?.type === 'tool'
      ? body.tools?.find((t) => t.name === body.tool_choice?.name)
      : body.tool_choice?.type === 'any'
        ? body.tools?.[0]
        : undefined;
  if (forced)
    return { toolUse: { name: forced.name, input: sampleFromSchema(forced.input_schema) } };
  const format = body.output_config?.format;
  if (format?.schema) return { json: sampleFromSchema(format.schema) };
  return { text: 'This is the sandbox model.' };
}

function message(
  body: MessagesRequest,
  reply: ScriptedReply,
  n: number,
  usage: Record<string, number>,
) {
  const content: unknown[] = [];
  if (reply.toolUse)
    content.push({
      type: 'tool_use',
      id: `toolu_sandbox_${n}`,
      name: reply.toolUse.name,
      input: reply.toolUse.input,
    });
  else if (reply.json !== undefined)
    content.push({ type: 'text', text: JSON.stringify(reply.json) });
  else
    content.push({
      type: 'text',
      text:
        reply.text ??
        (reply.stopReason === 'refusal'
          ? "I can't help with that request."
          : 'This is the sandbox model.'),
    });
  const text = JSON.stringify(content);
  return {
    id: `msg_sandbox_${n}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: reply.stopReason ?? (reply.toolUse ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: { ...usage, output_tokens: Math.max(1, tokens(text)) },
  };
}
