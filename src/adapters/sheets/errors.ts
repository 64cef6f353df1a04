/**
 * googleapis/gaxios failures of a Sheets read, in domain terms: RetryableError for rate limits,
 * 5xx, timeouts and network trouble (with Retry-After when Google sent one), PermanentError for
 * everything a retry cannot fix. Each message names the spreadsheet and says what an operator
 * should do; none carries a token or the key.
 */
import { PermanentError, RetryableError } from '../../domain/errors.js';
import { type GaxiosLike, isNetworkFailure, retryAfterMs } from '../google-errors.js';

export interface ReadContext {
  spreadsheetId: string;
  /** Undefined when the first tab was being read. */
  tab: string | undefined;
  /** The service account's address: the one the sheet must be shared with. */
  serviceAccount: string;
}

type GoogleBody = {
  error?: string | { message?: string; status?: string; errors?: Array<{ reason?: string }> };
  error_description?: string;
};

export function translateSheetsError(
  error: unknown,
  context: ReadContext,
  now = Date.now(),
): Error {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const e = (error ?? {}) as GaxiosLike;
  const status = e.response?.status ?? e.status;
  const body = (e.response?.data ?? {}) as GoogleBody;
  const cause = { cause: error };
  // The token endpoint answers in OAuth's shape ({"error":"invalid_grant"}), the API in Google's.
  if (typeof body.error === 'string') return signInError(body, status, e, context, now);

  const reason = body.error?.errors?.[0]?.reason ?? body.error?.status;
  const said = body.error?.message ? ` (Google: ${body.error.message})` : '';
  const tab = context.tab === undefined ? '' : ` tab "${context.tab}"`;
  const detail = `Sheets: reading spreadsheet ${context.spreadsheetId}${tab} failed${status ? ` with ${status}` : ''}${reason ? ` ${reason}` : ''}`;

  if (status === undefined) {
    const network = isNetworkFailure(e);
    const message = `${detail}: ${e.message ?? e.code ?? 'unknown error'}`;
    return network
      ? new RetryableError(message, undefined, cause)
      : new PermanentError(message, cause);
  }
  const quota = status === 403 && /rate|quota/i.test(reason ?? '');
  if (status === 429 || status === 408 || status >= 500 || quota)
    return new RetryableError(`${detail}${said}`, retryAfterMs(e, now), cause);
  return new PermanentError(
    `${detail}${said}${advice(status, `${reason} ${said}`, context)}`,
    cause,
  );
}

/** What an operator can do about a permanent failure. */
function advice(status: number, said: string, context: ReadContext): string {
  const who = context.serviceAccount;
  if (
    status === 403 &&
    /SERVICE_DISABLED|accessNotConfigured|has not been used|disabled/i.test(said)
  )
    return `: enable the Google Sheets API in the Google Cloud project of ${who}`;
  if (status === 403)
    return `: the service account cannot open it — share the spreadsheet with ${who} (Viewer is enough)`;
  if (status === 404)
    return ": no such spreadsheet — check INFLUENCER_SHEET_ID or the campaign's influencer_sheet.spreadsheet_id";
  if (status === 400 && context.tab !== undefined)
    return `: check that the tab "${context.tab}" exists (tab names are case-sensitive)`;
  if (status === 401) return `: Google did not accept the access token of ${who}`;
  return '';
}

function signInError(
  body: GoogleBody,
  status: number | undefined,
  error: GaxiosLike,
  context: ReadContext,
  now: number,
): Error {
  const oauth = `${body.error}${body.error_description ? `: ${body.error_description}` : ''}`;
  const who = context.serviceAccount;
  if (status === undefined || status === 429 || status >= 500)
    return new RetryableError(
      `Sheets: Google sign-in for ${who} failed (${oauth}): try again later`,
      retryAfterMs(error, now),
      { cause: error },
    );
  return new PermanentError(
    `Sheets: Google refused the service account ${who} (${oauth}): the key may have been deleted or disabled — create a new key and update GOOGLE_SERVICE_ACCOUNT_FILE`,
    { cause: error },
  );
}
