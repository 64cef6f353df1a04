/**
 * Slack and Anthropic settings, checked without calling either: tokens present and of the right
 * kind (by their documented prefixes), a channel to post to, an API key and both model ids.
 * Values are never quoted; a wrong token is described by what it starts like, at most.
 */
import type { Config } from '../config.js';
import type { CredentialPass, CredentialProblem } from './report.js';

const SLACK_APP_PAGE = 'the Slack app’s settings (api.slack.com/apps → your app)';

interface Checked {
  problems: CredentialProblem[];
  passed: CredentialPass[];
}

function token(
  value: string | undefined,
  options: { variable: string; label: string; prefix: string; where: string },
): CredentialProblem | null {
  const what = `${options.label} (${options.variable})`;
  if (!value) return { what, problem: 'not set', fix: `set ${options.variable}: ${options.where}` };
  if (!value.startsWith(options.prefix)) {
    const kind = /^xox[bpae]-|^xapp-/.exec(value)?.[0];
    return {
      what,
      problem: `does not start with ${options.prefix}${kind ? ` (it is a ${kind}… token)` : ''}`,
      fix: `use the token that starts with ${options.prefix}: ${options.where}`,
    };
  }
  return null;
}

export function checkSlackSettings(config: Config): Checked & { tokensOk: boolean } {
  const problems: CredentialProblem[] = [];
  const bot = token(config.secrets.SLACK_BOT_TOKEN, {
    variable: 'SLACK_BOT_TOKEN',
    label: 'Slack bot token',
    prefix: 'xoxb-',
    where: `the "Bot User OAuth Token" on OAuth & Permissions in ${SLACK_APP_PAGE}`,
  });
  const app = token(config.secrets.SLACK_APP_TOKEN, {
    variable: 'SLACK_APP_TOKEN',
    label: 'Slack app-level token',
    prefix: 'xapp-',
    where: `Basic Information → App-Level Tokens in ${SLACK_APP_PAGE}, with the connections:write scope (Socket Mode)`,
  });
  for (const p of [bot, app]) if (p) problems.push(p);
  const channel = config.slack.channel;
  if (!channel)
    problems.push({
      what: 'Slack channel (SLACK_CHANNEL)',
      problem: 'not set: deals, escalations and approvals have nowhere to go',
      fix: 'set SLACK_CHANNEL to the channel id (C…: channel details → About, at the bottom) and invite the app to it',
    });
  else if (!/^[CG][A-Z0-9]{2,}$/.test(channel))
    problems.push({
      what: 'Slack channel (SLACK_CHANNEL)',
      problem: `"${channel}" is not a channel id`,
      fix: 'use the channel id (C…: channel details → About, at the bottom), not its name',
    });
  const passed: CredentialPass[] = [];
  if (!bot && !app)
    passed.push({
      what: 'Slack tokens',
      detail: 'a bot token (xoxb-) and an app-level token (xapp-)',
    });
  if (channel && !problems.some((p) => p.what.includes('SLACK_CHANNEL')))
    passed.push({ what: 'Slack channel', detail: channel });
  return { problems, passed, tokensOk: !bot && !app };
}

export function checkAnthropicSettings(config: Config): Checked {
  const problems: CredentialProblem[] = [];
  if (!config.secrets.ANTHROPIC_API_KEY)
    problems.push({
      what: 'Anthropic API key (ANTHROPIC_API_KEY)',
      problem: 'not set: replies cannot be read or written',
      fix: 'create a key in the Anthropic Console (Settings → API keys) and set ANTHROPIC_API_KEY',
    });
  const models = [
    ['ANTHROPIC_READING_MODEL', config.anthropic.readingModel, 'reading replies'],
    ['ANTHROPIC_WRITING_MODEL', config.anthropic.writingModel, 'writing emails'],
  ] as const;
  for (const [variable, value, use] of models)
    if (!value)
      problems.push({
        what: `Anthropic model for ${use} (${variable})`,
        problem: 'not set (model ids are configuration, never built in)',
        fix: `set ${variable} to a model id from Anthropic's models overview`,
      });
  const passed: CredentialPass[] = [];
  if (problems.length === 0)
    passed.push({
      what: 'Anthropic',
      detail: `an API key; models ${config.anthropic.readingModel} (reading), ${config.anthropic.writingModel} (writing)`,
    });
  return { problems, passed };
}
