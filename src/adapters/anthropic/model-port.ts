/**
 * The model port on @anthropic-ai/sdk: one structured-output call, validated with zod, whose
 * expected failures — a refusal, output that is not JSON or does not fit the schema, an answer
 * cut off at max_tokens — come back as values. Transport failures throw RetryableError or
 * PermanentError (errors.ts), through the circuit breaker when one is given.
 *
 * `messages.create`, not `messages.parse`: a refusal is prose, which `parse` would throw on, so
 * the stop reason is read first and parsing is ours. Retries default to 0 because the outbox
 * worker already retries durably with backoff — and the SDK would honour any retry-after in
 * process, holding a worker slot past its lease.
 */
import Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from '../../config.js';
import { RetryableError } from '../../domain/errors.js';
import {
  createCostMeter,
  type Micros,
  type ModelUsage,
  type PriceTable,
} from '../../domain/model-cost.js';
import { type Logger, silentLogger } from '../../observability/logger.js';
import { type CircuitBreaker, CircuitOpenError } from './circuit-breaker.js';
import { type ModelPurpose, translateAnthropicError } from './errors.js';
import {
  interpret,
  type ModelFailureKind,
  type StructuredRequest,
  toParams,
  usageOf,
} from './structured-output.js';

export type {
  ModelFailureKind,
  ModelMessage,
  StructuredRequest,
  SystemBlock,
} from './structured-output.js';
export type { ModelPurpose };

interface CallFacts {
  usage: ModelUsage;
  /** The model that answered (and billed). */
  model: string;
  requestId?: string;
  /** Integer micro-dollars; null when no price is configured for the model. */
  costMicros: Micros | null;
  durationMs: number;
}

export type ModelResult<T> = (
  | { ok: true; value: T }
  | { ok: false; kind: ModelFailureKind; detail: string }
) &
  CallFacts;

/** One call as metrics and the spend ledger see it. */
export interface ModelCallRecord {
  purpose: ModelPurpose;
  model: string;
  outcome: 'ok' | ModelFailureKind | 'retryable_error' | 'permanent_error' | 'circuit_open';
  usage: ModelUsage | null;
  costMicros: Micros | null;
  durationMs: number;
  requestId?: string;
}

export interface ModelPort {
  structured<T>(request: StructuredRequest<T>): Promise<ModelResult<T>>;
}

export interface ModelPortOptions {
  apiKey: string;
  /** Unset means the public API; passed explicitly so the SDK never reads the environment. */
  baseURL?: string;
  /** Per attempt; keep it below the outbox lease (60 s) so a hung call fails before it is reclaimed. */
  timeoutMs?: number;
  maxRetries?: number;
  now?: () => number;
  breaker?: CircuitBreaker;
  /** Prices by model id; without them every cost is null. */
  prices?: PriceTable;
  logger?: Logger;
  onCall?: (call: ModelCallRecord) => void;
}

export const DEFAULT_MODEL_TIMEOUT_MS = 45_000;
const PUBLIC_BASE_URL = 'https://api.anthropic.com';

export function createModelPort(options: ModelPortOptions): ModelPort {
  const apiKey = options.apiKey?.trim();
  if (!apiKey) throw new ConfigError(['ANTHROPIC_API_KEY: required to call the model']);
  const timeoutMs = options.timeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const logger = (options.logger ?? silentLogger).child({ component: 'model' });
  const client = new Anthropic({
    apiKey,
    baseURL: options.baseURL ?? PUBLIC_BASE_URL,
    maxRetries: options.maxRetries ?? 0,
    timeout: timeoutMs,
    logger: sdkLogger(logger),
    logLevel: 'warn',
  });
  const meter =
    options.prices &&
    createCostMeter({
      prices: options.prices,
      onUnknownModel: (model) =>
        logger.warn({ model }, 'no price for this model in model-prices.yaml: its cost is unknown'),
    });

  async function call<T>(request: StructuredRequest<T>): Promise<ModelResult<T>> {
    const started = now();
    let message: Anthropic.Message & { _request_id?: string | null };
    try {
      message = await client.messages.create(toParams(request));
    } catch (error) {
      const context = { model: request.model, purpose: request.purpose, timeoutMs, now: now() };
      throw translateAnthropicError(error, context);
    }
    const usage = usageOf(message.usage);
    const model = message.model || request.model;
    return {
      ...interpret(message, request.schema),
      usage,
      model,
      ...(message._request_id ? { requestId: message._request_id } : {}),
      costMicros: meter ? meter.costOf(model, usage) : null,
      durationMs: now() - started,
    };
  }

  function record(call: ModelCallRecord): void {
    if (call.outcome === 'ok') logger.debug(call, 'model call');
    else logger.warn(call, 'model call failed');
    options.onCall?.(call);
  }

  return {
    async structured<T>(request: StructuredRequest<T>): Promise<ModelResult<T>> {
      const started = now();
      const attempt = () => call(request);
      try {
        const result = await (options.breaker ? options.breaker.run(attempt) : attempt());
        const { usage, model, costMicros, durationMs, requestId } = result;
        record({
          purpose: request.purpose,
          model,
          outcome: result.ok ? 'ok' : result.kind,
          usage,
          costMicros,
          durationMs,
          ...(requestId ? { requestId } : {}),
        });
        return result;
      } catch (error) {
        record({
          purpose: request.purpose,
          model: request.model,
          outcome: errorOutcome(error),
          usage: null,
          costMicros: null,
          durationMs: now() - started,
        });
        throw error;
      }
    },
  };
}

/** Anything neither retryable nor permanent is our bug, which the outbox treats as permanent. */
function errorOutcome(error: unknown): ModelCallRecord['outcome'] {
  if (error instanceof CircuitOpenError && !error.attempted) return 'circuit_open';
  return error instanceof RetryableError ? 'retryable_error' : 'permanent_error';
}

/** The SDK's own warnings (retries, deprecations) through our logger instead of the console. */
function sdkLogger(logger: Logger) {
  const at =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, ...rest: unknown[]) =>
      logger[level](rest.length > 0 ? { sdk: true, detail: rest } : { sdk: true }, message);
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
