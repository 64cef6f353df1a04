/**
 * What every Google adapter reads out of a failed googleapis/gaxios call: the HTTP status, the
 * peer's Retry-After, and whether it never reached Google (network trouble, a timeout).
 * Each adapter turns these into RetryableError/PermanentError with its own advice.
 */
export interface GaxiosLike {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; headers?: unknown; data?: unknown };
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'TimeoutError',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);
const NETWORK_MESSAGE = /timeout|timed out|aborted|network|socket|fetch failed/i;

export function statusOf(error: unknown): number | undefined {
  const e = (error ?? {}) as GaxiosLike;
  const status = e.response?.status ?? e.status;
  return Number.isInteger(status) ? status : undefined;
}

/** The request failed before Google answered: worth retrying. */
export function isNetworkFailure(error: unknown): boolean {
  const e = (error ?? {}) as GaxiosLike;
  return NETWORK_CODES.has(String(e.code)) || NETWORK_MESSAGE.test(e.message ?? '');
}

/** Retry-After in seconds or as an HTTP date; headers come as a fetch Headers or a plain object. */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  const headers = ((error ?? {}) as GaxiosLike).response?.headers;
  let value: string | null | undefined;
  if (headers instanceof Headers) value = headers.get('retry-after');
  else if (headers && typeof headers === 'object') {
    const record = headers as Record<string, unknown>;
    const raw = record['retry-after'] ?? record['Retry-After'];
    value = typeof raw === 'string' ? raw : undefined;
  }
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
