/**
 * Credential checks at startup (STATE-03) and in `negotiator check-config`: every problem with
 * Gmail, the Sheets service account, Slack and Anthropic found in one pass, each with its fix.
 * `live` also uses each credential once (Slack auth.test and apps.connections.open, Gmail
 * getProfile, one sheet read). Nothing here prints a secret: the report is scrubbed of every
 * secret value the checks saw, including those read from credential files.
 */
import type { Config } from '../config.js';
import { checkGmailCredentials } from './gmail-credentials.js';
import { checkGmailLive, checkSheetLive, checkSlackLive, type LiveResult } from './live-checks.js';
import {
  CONFIG_EXIT_CODE,
  type CredentialProblem,
  type CredentialReport,
  formatReport,
  scrubReport,
} from './report.js';
import { checkServiceAccountFile } from './service-account.js';
import { checkAnthropicSettings, checkSlackSettings } from './slack-anthropic.js';

export interface CheckCredentialsOptions {
  /** Also call Slack, Gmail and Sheets with the credentials (default false). */
  live?: boolean;
  /** Per live call (default 10 s); the calls run in parallel. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export async function checkCredentials(
  config: Config,
  options: CheckCredentialsOptions = {},
): Promise<CredentialReport> {
  const live = options.live ?? false;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const gmail = checkGmailCredentials(config);
  const sheets = checkServiceAccountFile(config.sheets.serviceAccountFile);
  const slack = checkSlackSettings(config);
  const anthropic = checkAnthropicSettings(config);
  const parts = [gmail, sheets, slack, anthropic];
  const report: CredentialReport = {
    ok: false,
    live,
    problems: parts.flatMap((p) => p.problems),
    passed: parts.flatMap((p) => p.passed),
    notes: [],
  };

  if (live) {
    const calls: Array<Promise<LiveResult | LiveResult[]>> = [];
    if (slack.tokensOk) calls.push(checkSlackLive(config, timeoutMs));
    else report.notes.push('Slack not called: fix the tokens first');
    if (gmail.credentials) calls.push(checkGmailLive(config, gmail.credentials, timeoutMs));
    else report.notes.push('Gmail not called: fix the credentials first');
    const sheetId = config.sheets.influencerSheetId;
    const keyFile = config.sheets.serviceAccountFile;
    if (sheets.account && keyFile && sheetId)
      calls.push(checkSheetLive(config, keyFile, sheetId, timeoutMs));
    else if (!sheetId)
      report.notes.push(
        'no sheet read: INFLUENCER_SHEET_ID is not set (campaigns must name their sheet)',
      );
    else report.notes.push('no sheet read: fix the service-account key first');
    for (const result of (await Promise.all(calls)).flat()) {
      if ('passed' in result) report.passed.push(result.passed);
      else report.problems.push(result.problem);
    }
  } else {
    report.notes.push('not called: Slack, Gmail and Sheets (use --live to sign in to each)');
  }

  report.ok = report.problems.length === 0;
  return scrubReport(report, [
    ...Object.values(config.secrets),
    gmail.credentials?.clientSecret,
    gmail.credentials?.refreshToken,
    sheets.account?.privateKey,
  ]);
}

/** Problems that must stop the service; unreachable services are only warned about. */
export function blockingProblems(report: CredentialReport): CredentialProblem[] {
  return report.problems.filter((p) => !p.transient);
}

/**
 * For `negotiator serve`, before anything else starts: checks (live by default), prints the
 * report to stderr when something is wrong, and returns the exit code — 0 to go on (also when a
 * service was only unreachable: the adapters retry), CONFIG_EXIT_CODE (78) to stop.
 */
export async function assertStartupCredentials(
  config: Config,
  io: { stderr: { write(text: string): unknown } },
  options: CheckCredentialsOptions = {},
): Promise<number> {
  const report = await checkCredentials(config, { live: true, ...options });
  if (report.ok) return 0;
  const blocking = blockingProblems(report);
  if (blocking.length === 0) {
    io.stderr.write(
      `negotiator: starting although some services could not be reached\n${formatReport(report)}`,
    );
    return 0;
  }
  io.stderr.write(
    `negotiator: cannot start — fix these credentials first\n${formatReport(report)}`,
  );
  return CONFIG_EXIT_CODE;
}
