/**
 * @slack/web-api failures in domain terms: worth retrying (rate limits, Slack's own trouble,
 * timeouts, connection errors) or not (a refused token, a missing scope, a channel the app cannot
 * post in, a message Slack will never accept). Permanent messages say how to fix it. The SDK's
 * errors never hold the token, and neither do these.
 */
import { ErrorCode } from '@slack/web-api';
import { PermanentError, RetryableError } from '../../domain/errors.js';

/** The longest wait passed on: a peer asking for more is treated as asking for an hour. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Platform errors that say "not now" rather than "never". */
const TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'rate_limited',
  'team_added_to_org',
]);

const TOKEN_REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'org_login_required',
  'enterprise_is_restricted',
]);

const MESSAGE_REFUSED = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'no_text',
  'too_many_attachments',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
  'invalid_arguments',
  'invalid_arg_name',
  'invalid_array_arg',
  'invalid_charset',
  'invalid_form_data',
  'invalid_post_type',
  'missing_post_type',
]);

export interface SlackCall {
  /** The Web API method ("chat.postMessage"). */
  method: string;
  channel?: string;
  /** The client's timeout, for the message when it fires. */
  timeoutMs?: number;
}

interface SdkError {
  code?: unknown;
  message?: string;
  retryAfter?: number;
  statusCode?: number;
  original?: { name?: string; message?: string };
  data?: { error?: string; needed?: string; provided?: string; response_metadata?: unknown };
}

/** Translates a failed Web API call; errors that are not the SDK's pass through unchanged. */
export function translateSlackError(error: unknown, call: SlackCall): unknown {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const e = (error ?? {}) as SdkError;
  const what = `Slack ${call.method}`;
  switch (e.code) {
    case ErrorCode.RateLimitedError: {
      const seconds = typeof e.retryAfter === 'number' && e.retryAfter >= 0 ? e.retryAfter : 1;
      return new RetryableError(
        `${what} was rate limited: retry after ${seconds} s`,
        Math.min(MAX_RETRY_AFTER_MS, Math.round(seconds * 1000)),
        { cause: error },
      );
    }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      const detail = `${what} failed with HTTP ${status}`;
      if (status >= 500 || status === 408 || status === 429)
        return new RetryableError(detail, undefined, { cause: error });
      return new PermanentError(`${detail}: check SLACK_API_URL`, { cause: error });
    }
    case ErrorCode.RequestError: {
      const timedOut = e.original?.name === 'TimeoutError' || e.original?.name === 'AbortError';
      return new RetryableError(
        timedOut
          ? `${what} did not answer within ${call.timeoutMs ?? '?'} ms`
          : `could not reach Slack for ${call.method}: ${e.original?.message ?? e.message ?? 'request failed'}`,
        undefined,
        { cause: error },
      );
    }
    case ErrorCode.PlatformError:
      return platformError(error, e.data ?? {}, call);
  }
  // A 429 without a usable Retry-After comes out of the SDK as a plain Error.
  if (error instanceof Error && /rate limit|retry header/i.test(error.message))
    return new RetryableError(`${what} was rate limited`, undefined, { cause: error });
  return error;
}

function platformError(
  error: unknown,
  data: NonNullable<SdkError['data']>,
  call: SlackCall,
): RetryableError | PermanentError {
  const code = data.error ?? 'unknown_error';
  const what = `Slack ${call.method} failed (${code})`;
  const channel = call.channel ? `channel ${call.channel}` : 'the channel';
  const options = { cause: error };
  if (TRANSIENT.has(code)) return new RetryableError(what, undefined, options);
  if (TOKEN_REFUSED.has(code))
    return new PermanentError(
      `${what}: the bot token was refused — check SLACK_BOT_TOKEN (the xoxb- token of the installed app) and reinstall the app if it was revoked`,
      options,
    );
  if (code === 'missing_scope')
    return new PermanentError(
      `${what}: the app lacks the scope "${data.needed ?? 'unknown'}"${data.provided ? ` (it has ${data.provided})` : ''} — add it under OAuth & Permissions and reinstall the app`,
      options,
    );
  if (code === 'channel_not_found')
    return new PermanentError(
      `${what}: ${channel} was not found — set SLACK_CHANNEL to the channel's id (C…), and for a private channel invite the app first: /invite @negotiator`,
      options,
    );
  if (code === 'not_in_channel')
    return new PermanentError(
      `${what}: the app is not in ${channel} — invite the app to the channel: /invite @negotiator`,
      options,
    );
  if (code === 'is_archived')
    return new PermanentError(
      `${what}: ${channel} is archived — unarchive it or set SLACK_CHANNEL to another channel`,
      options,
    );
  if (code === 'restricted_action' || code === 'ekm_access_denied')
    return new PermanentError(
      `${what}: workspace settings do not let the app post in ${channel} — ask a Slack admin to allow it`,
      options,
    );
  if (
    code === 'message_not_found' ||
    code === 'cant_update_message' ||
    code === 'edit_window_closed'
  )
    return new PermanentError(`${what}: the message can no longer be changed`, options);
  if (MESSAGE_REFUSED.has(code))
    return new PermanentError(
      `${what}: Slack refused the message as built${problems(data.response_metadata)} — this is a defect in the message builder, not in the configuration`,
      options,
    );
  return new PermanentError(what, options);
}

/** Slack's own list of what was wrong (`response_metadata.messages`), shortened. */
function problems(metadata: unknown): string {
  const messages = (metadata as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages) || messages.length === 0) return '';
  return `: ${messages
    .filter((m): m is string => typeof m === 'string')
    .slice(0, 3)
    .join('; ')
    .slice(0, 500)}`;
}
