/**
 * @anthropic-ai/sdk failures in domain terms: worth retrying (rate limits, overload, 5xx,
 * timeouts, connection trouble) or not (a request we built wrong, a refused key, a model id that
 * does not exist). Permanent messages name the configuration variable to fix. No message ever
 * carries the API key: the SDK's errors hold only the API's own message.
 */
import Anthropic from '@anthropic-ai/sdk';
import { PermanentError, RetryableError } from '../../domain/errors.js';

export type ModelPurpose = 'reading' | 'writing';

/** The variable that chooses the model for each purpose (src/config.ts). */
export const MODEL_VARIABLE: Readonly<Record<ModelPurpose, string>> = {
  reading: 'ANTHROPIC_READING_MODEL',
  writing: 'ANTHROPIC_WRITING_MODEL',
};

/** The longest wait we pass on: a peer asking for more is treated as asking for an hour. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** `retry-after-ms` (the API's own), else `retry-after` in seconds or as an HTTP date. */
export function retryAfterFrom(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  let ms: number | undefined;
  const precise = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(precise)) ms = precise;
  else {
    const value = headers.get('retry-after')?.trim();
    if (value) {
      const seconds = Number(value);
      const at = Date.parse(value);
      if (Number.isFinite(seconds)) ms = seconds * 1000;
      else if (!Number.isNaN(at)) ms = at - now;
    }
  }
  if (ms === undefined) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

export interface CallContext {
  model: string;
  purpose: ModelPurpose;
  timeoutMs: number;
  now: number;
}

/** Translates a failed `messages.create`; anything that is not the SDK's passes through as is. */
export function translateAnthropicError(error: unknown, call: CallContext): unknown {
  if (error instanceof Anthropic.APIConnectionTimeoutError)
    return new RetryableError(`the model did not answer within ${call.timeoutMs} ms`, undefined, {
      cause: error,
    });
  if (error instanceof Anthropic.APIConnectionError || error instanceof Anthropic.APIUserAbortError)
    return new RetryableError(`could not reach the Anthropic API: ${error.message}`, undefined, {
      cause: error,
    });
  if (!(error instanceof Anthropic.APIError) || error.status === undefined) return error;
  const { status } = error;
  const detail = `Anthropic API ${status}${error.type ? ` ${error.type}` : ''}: ${
    error.apiMessage ?? 'no message'
  }`;
  if (status === 408 || status === 409 || status === 429 || status >= 500)
    return new RetryableError(detail, retryAfterFrom(error.headers, call.now), { cause: error });
  if (status === 401)
    return new PermanentError(`${detail} — the API key was refused: check ANTHROPIC_API_KEY`, {
      cause: error,
    });
  if (status === 403)
    return new PermanentError(
      `${detail} — the key may not use model "${call.model}": check ANTHROPIC_API_KEY and ${MODEL_VARIABLE[call.purpose]}`,
      { cause: error },
    );
  if (status === 404)
    return new PermanentError(
      `${detail} — model "${call.model}" was not found: check ${MODEL_VARIABLE[call.purpose]} (and ANTHROPIC_BASE_URL if set)`,
      { cause: error },
    );
  // 400, 413, 422…: the request itself is wrong and will be wrong the same way next time.
  return new PermanentError(`${detail} — the ${call.purpose} request was rejected`, {
    cause: error,
  });
}
