/**
 * `negotiator sandbox` as a real child process: the export lines it prints are a complete,
 * valid configuration, and the real SDKs work with exactly those values.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { WebClient } from '@slack/web-api';
import { JWT, OAuth2Client } from 'google-auth-library';
import { google } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { projectRoot } from '../../src/paths.js';
import { googleTokenRedirect } from '../../src/sandbox/google/emulator.js';

let child: ChildProcess;
let stdout = '';
let stderr = '';
let env: Record<string, string> = {};

/** Undoes the command's single quoting: 'a'\''b' → a'b. */
function parseExports(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
    const match = /^export ([A-Z][A-Z0-9_]*)='(.*)'$/.exec(line);
    if (!match?.[1]) throw new Error(`not an export line: ${line}`);
    result[match[1]] = (match[2] ?? '').replace(/'\\''/g, "'");
  }
  return result;
}

beforeAll(async () => {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'sandbox', '--seed', '3'],
    {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('# negotiator sandbox is ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited early (${code}): ${stderr}`)));
  });
  env = parseExports(stdout);
}, 30_000);
afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('negotiator sandbox', () => {
  it('prints only variables the configuration knows, forming a valid configuration', () => {
    const source = readFileSync(join(projectRoot(), 'src', 'config.ts'), 'utf8');
    const known = new Set([...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]));
    expect(Object.keys(env).length).toBeGreaterThan(15);
    for (const name of Object.keys(env)) expect(known.has(name), name).toBe(true);
    const config = loadConfig({ env, envFile: null });
    expect(config.database.path).toMatch(/negotiator-sandbox-.+negotiator\.db$/);
    expect(config.endpoints.googleApiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(config.secrets.SLACK_APP_TOKEN).toMatch(/^xapp-/);
    expect(stderr).toContain('control API');
  });

  it('points the real SDKs at working emulators with working credentials', async () => {
    const oauth = new OAuth2Client({
      clientId: env.GMAIL_CLIENT_ID ?? '',
      clientSecret: env.GMAIL_CLIENT_SECRET ?? '',
      endpoints: { oauth2TokenUrl: env.GOOGLE_TOKEN_URL ?? '' },
    });
    oauth.setCredentials({ refresh_token: env.GMAIL_REFRESH_TOKEN ?? '' });
    const gmail = google.gmail({ version: 'v1', auth: oauth, rootUrl: env.GOOGLE_API_URL ?? '' });
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBeTruthy();

    const key = JSON.parse(readFileSync(env.GOOGLE_SERVICE_ACCOUNT_FILE ?? '', 'utf8')) as {
      client_email: string;
      private_key: string;
    };
    const jwt = new JWT({
      email: key.client_email,
      key: key.private_key,
      scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'],
      transporterOptions: {
        fetchImplementation: googleTokenRedirect(new URL(env.GOOGLE_TOKEN_URL ?? '').origin),
      },
    });
    const sheets = google.sheets({ version: 'v4', auth: jwt, rootUrl: env.GOOGLE_API_URL ?? '' });
    const sheet = await sheets.spreadsheets.get({ spreadsheetId: env.INFLUENCER_SHEET_ID ?? '' });
    expect(sheet.data.sheets?.length).toBeGreaterThan(0);

    const slack = new WebClient(env.SLACK_BOT_TOKEN, {
      slackApiUrl: env.SLACK_API_URL ?? '',
      retryConfig: { retries: 0 },
    });
    expect((await slack.auth.test()).ok).toBe(true);

    const anthropic = new Anthropic({
      apiKey: env.ANTHROPIC_API_KEY ?? '',
      baseURL: env.ANTHROPIC_BASE_URL ?? '',
      maxRetries: 0,
    });
    const message = await anthropic.messages.create({
      model: env.ANTHROPIC_READING_MODEL ?? '',
      max_tokens: 32,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message.type).toBe('message');
  });

  it('stops on Ctrl-C with exit code 0 and removes its data folder', async () => {
    const folder = join(env.DATABASE_PATH ?? '', '..');
    expect(existsSync(folder)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(folder)).toBe(false);
    expect(stderr).toContain('stopped');
  });
});
