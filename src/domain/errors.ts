/**
 * The two ways an effect can fail. Adapters translate their SDK's errors into these, so the
 * outbox worker never inspects SDK error shapes.
 */

/** Worth trying again later (rate limits, timeouts, 5xx); `retryAfterMs` when the peer said. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

/** Will fail the same way every time (bad request, revoked credentials, unknown recipient). */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/**
 * The peer is known to be out of reach (an open circuit): the call was not even tried. Waiting
 * for it is not a failed attempt — the effect stays queued without using up its retries.
 */
export class UnavailableError extends RetryableError {
  constructor(message: string, retryAfterMs: number) {
    super(message, retryAfterMs);
    this.name = 'UnavailableError';
  }
}
