/**
 * googleapis/gaxios failures in domain terms: worth retrying (rate limits, 5xx, timeouts, network)
 * or not (bad request, revoked credentials, no such message). The message says what to do and
 * never carries a token.
 */
import { PermanentError, RetryableError } from '../../domain/errors.js';
import { type GaxiosLike, isNetworkFailure, retryAfterMs, statusOf } from '../google-errors.js';

export { statusOf };

/** Google's reason (`rateLimitExceeded`, `notFound`…) or the OAuth error (`invalid_grant`). */
function reasonOf(error: unknown): string | undefined {
  const data = (error as GaxiosLike)?.response?.data as
    | { error?: string | { errors?: Array<{ reason?: string }>; status?: string } }
    | undefined;
  if (typeof data?.error === 'string') return data.error;
  return data?.error?.errors?.[0]?.reason ?? data?.error?.status;
}

/** Translates a failed Google call; `what` names the call for the message ("Gmail history.list"). */
export function translateGoogleError(error: unknown, what: string): Error {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const status = statusOf(error);
  const reason = reasonOf(error);
  const detail = `${what} failed${status ? ` with ${status}` : ''}${reason ? ` (${reason})` : ''}`;
  if (reason === 'invalid_grant' || reason === 'invalid_client' || reason === 'unauthorized_client')
    return new PermanentError(
      `${detail}: the Google credentials were refused — create a new refresh token or key and update the configuration`,
      { cause: error },
    );
  if (status === 429 || (status !== undefined && status >= 500) || status === 408)
    return new RetryableError(detail, retryAfterMs(error), { cause: error });
  if (status === 403 && /rateLimit|userRateLimit|quota/i.test(reason ?? ''))
    return new RetryableError(detail, retryAfterMs(error), { cause: error });
  if (status === undefined && isNetworkFailure(error))
    return new RetryableError(`${what} failed: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  // The client already refreshed and retried once: a second 401 means the grant is not valid.
  if (status === 401)
    return new PermanentError(`${detail}: the mailbox refused our credentials`, { cause: error });
  return new PermanentError(detail, { cause: error });
}
