/**
 * `--live`: each credential used once, through the same SDK and adapter the service uses, against
 * the configured endpoints (so the sandbox stands in for Google and Slack). A refusal is a
 * problem; a service that cannot be reached is a transient problem — the credential may be fine.
 */
import {
  LogLevel,
  type Logger as SlackLogger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import { createGmailPort, type GmailCredentials } from '../adapters/gmail/mail-port.js';
import { createGoogleSheetPort } from '../adapters/sheets/index.js';
import type { Config } from '../config.js';
import { RetryableError } from '../domain/errors.js';
import type { CredentialPass, CredentialProblem } from './report.js';

export type LiveResult = { passed: CredentialPass } | { problem: CredentialProblem };

const SLACK_REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'not_allowed_token_type',
]);

const silentSlackLogger: SlackLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

function slackClient(token: string, config: Config, timeoutMs: number): WebClient {
  return new WebClient(token, {
    ...(config.endpoints.slackApiUrl ? { slackApiUrl: config.endpoints.slackApiUrl } : {}),
    // The default policy retries for half an hour: a startup check must answer in seconds.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    logger: silentSlackLogger,
  });
}

function slackFailure(what: string, error: unknown, variable: string): CredentialProblem {
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    return SLACK_REFUSED.has(code)
      ? {
          what,
          problem: `Slack refused the token (${code})`,
          fix: `copy the current token from the Slack app's settings into ${variable} (reinstall the app if it was revoked)`,
        }
      : {
          what,
          problem: `Slack answered ${code}`,
          fix: 'check the app’s scopes and installation in Slack',
        };
  }
  const reached =
    error instanceof WebAPIHTTPError
      ? `HTTP ${error.statusCode}`
      : error instanceof WebAPIRateLimitedError
        ? 'rate limited'
        : (error as Error).message;
  return {
    what,
    problem: `Slack could not be reached (${reached})`,
    fix: 'check the network and SLACK_API_URL, then try again',
    transient: true,
  };
}

export async function checkSlackLive(config: Config, timeoutMs: number): Promise<LiveResult[]> {
  const bot = config.secrets.SLACK_BOT_TOKEN ?? '';
  const app = config.secrets.SLACK_APP_TOKEN ?? '';
  const botWhat = 'Slack bot token (SLACK_BOT_TOKEN), auth.test';
  const appWhat = 'Slack app-level token (SLACK_APP_TOKEN), apps.connections.open';
  const botClient = slackClient(bot, config, timeoutMs);
  const [botResult, appResult] = await Promise.all([
    botClient.auth.test().then(
      (r): LiveResult => ({
        passed: {
          what: botWhat,
          detail: `bot ${r.user ?? r.user_id ?? '?'} in ${r.team ?? r.team_id ?? '?'}`,
        },
      }),
      (error: unknown): LiveResult => ({
        problem: slackFailure(botWhat, error, 'SLACK_BOT_TOKEN'),
      }),
    ),
    // Asks for a Socket Mode URL without connecting to it: proves the app token works.
    slackClient(app, config, timeoutMs)
      .apps.connections.open()
      .then(
        (): LiveResult => ({ passed: { what: appWhat, detail: 'Socket Mode can connect' } }),
        (error: unknown): LiveResult => ({
          problem: slackFailure(appWhat, error, 'SLACK_APP_TOKEN'),
        }),
      ),
  ]);
  const channel = config.slack.channel;
  // Only with a token Slack accepted: otherwise this would repeat the same refusal.
  if (!channel || !('passed' in botResult)) return [botResult, appResult];
  return [botResult, appResult, await checkSlackChannel(botClient, channel)];
}

/**
 * Reads one message of the deals channel, as the exactly-once lookup does before it posts
 * again: a bot that is not in the channel can neither post nor look there.
 */
async function checkSlackChannel(client: WebClient, channel: string): Promise<LiveResult> {
  const what = `Slack channel ${channel} (SLACK_CHANNEL), conversations.history`;
  try {
    await client.conversations.history({ channel, limit: 1 });
    return { passed: { what, detail: 'the bot is in the channel and can read it' } };
  } catch (error) {
    const code = error instanceof WebAPIPlatformError ? error.data.error : null;
    if (code === 'not_in_channel')
      return {
        problem: {
          what,
          problem: 'the app is not in the channel',
          fix: 'invite it from the channel: /invite @negotiator',
        },
      };
    if (code === 'channel_not_found')
      return {
        problem: {
          what,
          problem: 'Slack does not know this channel (or, private, the app is not in it)',
          fix: "set SLACK_CHANNEL to the channel's id (C…, under the channel name → About), and invite the app: /invite @negotiator",
        },
      };
    return { problem: slackFailure(what, error, 'SLACK_BOT_TOKEN') };
  }
}

export async function checkGmailLive(
  config: Config,
  credentials: GmailCredentials,
  timeoutMs: number,
): Promise<LiveResult> {
  const what = 'Gmail mailbox, getProfile';
  const mail = createGmailPort({
    credentials,
    timeoutMs,
    ...(config.endpoints.googleApiUrl ? { rootUrl: config.endpoints.googleApiUrl } : {}),
    ...(config.endpoints.googleTokenUrl ? { tokenUrl: config.endpoints.googleTokenUrl } : {}),
  });
  try {
    const profile = await mail.profile();
    return { passed: { what, detail: `signed in as ${profile.address}` } };
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof RetryableError)
      return {
        problem: {
          what,
          problem: message,
          fix: 'check the network and GOOGLE_API_URL / GOOGLE_TOKEN_URL, then try again',
          transient: true,
        },
      };
    const refused = /credentials were refused|refused our credentials/.test(message);
    return {
      problem: {
        what,
        problem: message,
        fix: refused
          ? 'create a new refresh token for the mailbox (the old one was revoked or has expired) and check that the client id and secret belong to the same OAuth client'
          : 'enable the Gmail API in the OAuth client’s Google Cloud project and grant the refresh token the Gmail scope',
      },
    };
  }
}

export async function checkSheetLive(
  config: Config,
  serviceAccountFile: string,
  spreadsheetId: string,
  timeoutMs: number,
): Promise<LiveResult> {
  const what = `Influencer sheet ${spreadsheetId} (INFLUENCER_SHEET_ID), read as the service account`;
  try {
    const sheets = createGoogleSheetPort({
      serviceAccountFile,
      spreadsheetId,
      rootUrl: config.endpoints.googleApiUrl,
      tokenUrl: config.endpoints.googleTokenUrl,
      timeoutMs,
      retries: 0,
    });
    const table = await sheets.listInfluencers();
    const broken = table.problems.filter((p) => p.severity === 'error').map((p) => p.message);
    if (broken.length > 0)
      return {
        problem: {
          what,
          problem: `the sheet was read but cannot be used: ${broken.slice(0, 3).join('; ')}`,
          fix: 'fix the header row of the influencer tab (see the problems named)',
        },
      };
    const rejected = table.rejected.length ? `, ${table.rejected.length} rows unusable` : '';
    return {
      passed: {
        what,
        detail: `tab "${table.tab}": ${table.influencers.length} influencers${rejected}`,
      },
    };
  } catch (error) {
    const transient = error instanceof RetryableError;
    return {
      problem: {
        what,
        problem: (error as Error).message,
        fix: transient
          ? 'check the network and GOOGLE_API_URL / GOOGLE_TOKEN_URL, then try again'
          : 'do what the message says: share the sheet with the service account, fix INFLUENCER_SHEET_ID, or replace the key',
        ...(transient ? { transient: true as const } : {}),
      },
    };
  }
}
