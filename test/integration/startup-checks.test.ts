/**
 * Credential checks (STATE-03) against the sandbox: the real googleapis, google-auth-library and
 * @slack/web-api clients over HTTP, and `negotiator check-config` as a real child process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { projectRoot } from '../../src/paths.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  assertStartupCredentials,
  CONFIG_EXIT_CODE,
  type CredentialReport,
  checkCredentials,
  formatReport,
} from '../../src/startup/index.js';

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'negotiator-startup-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => sandbox.reset());

const configWith = (overrides: Record<string, string | undefined> = {}) =>
  loadConfig({ env: { ...sandbox.env(), ...overrides }, envFile: null });

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

const whats = (report: CredentialReport) => report.problems.map((p) => p.what).join('\n');

describe('checkCredentials', () => {
  it('passes every check, live, against the sandbox', async () => {
    const report = await checkCredentials(configWith(), { live: true });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const passed = report.passed.map((p) => `${p.what}: ${p.detail}`).join('\n');
    expect(passed).toMatch(/auth\.test: bot negotiator/);
    expect(passed).toMatch(/apps\.connections\.open: Socket Mode can connect/);
    expect(passed).toMatch(/Slack channel C0DEALS .*: the bot is in the channel and can read it/);
    expect(passed).toContain(`getProfile: signed in as ${sandbox.google.mailbox.address}`);
    expect(passed).toMatch(/Influencer sheet .*: tab "[^"]+": \d+ influencers/);
    expect(report.notes).toEqual([]);
  });

  it('names a deals channel the bot cannot use, with the fix', async () => {
    const report = await checkCredentials(configWith({ SLACK_CHANNEL: 'C0NOWHERE' }), {
      live: true,
    });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        what: 'Slack channel C0NOWHERE (SLACK_CHANNEL), conversations.history',
        fix: expect.stringContaining('/invite @negotiator'),
      }),
    ]);
  });

  it('reports every missing credential at once, each with a fix, without calling anyone', async () => {
    const before = sandbox.slack.calls().length;
    const report = await checkCredentials(loadConfig({ env: {}, envFile: null }), { live: true });
    expect(report.ok).toBe(false);
    for (const variable of [
      'GMAIL_CLIENT_ID',
      'GMAIL_CLIENT_SECRET',
      'GMAIL_REFRESH_TOKEN',
      'GOOGLE_SERVICE_ACCOUNT_FILE',
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'SLACK_CHANNEL',
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_READING_MODEL',
      'ANTHROPIC_WRITING_MODEL',
    ])
      expect(whats(report)).toContain(variable);
    expect(report.problems).toHaveLength(8);
    for (const p of report.problems) expect(p.fix.length).toBeGreaterThan(20);
    expect(report.notes.join('\n')).toMatch(/Slack not called[\s\S]*Gmail not called/);
    expect(sandbox.slack.calls().length).toBe(before);
  });

  it('checks the service-account key field by field and never quotes it', async () => {
    const garbageKey = '-----BEGIN PRIVATE KEY-----\nTk9UQUtFWQ==\n-----END PRIVATE KEY-----\n';
    const broken = file(
      'broken-sa.json',
      JSON.stringify({ type: 'authorized_user', client_email: 'nope', private_key: garbageKey }),
    );
    const notJson = file('not-json.json', '{"private_key": "-----BEGIN PRIVATE KEY-----\nabc');
    const cases = await Promise.all(
      [broken, notJson, join(dir, 'missing.json')].map((path) =>
        checkCredentials(configWith({ GOOGLE_SERVICE_ACCOUNT_FILE: path })),
      ),
    );
    const [fields, parse, missing] = cases.map((r) => r.problems.map((p) => p.problem));
    expect(fields).toEqual([
      '"type" is "authorized_user", not "service_account"',
      '"client_email" is not an email address',
      'has no "token_uri"',
      '"private_key" is not a PEM private key that can be loaded',
    ]);
    expect(parse).toEqual(['is not valid JSON']);
    expect(missing).toEqual(['does not exist']);
    for (const report of cases) {
      expect(report.problems.every((p) => /Add key → JSON/.test(p.fix))).toBe(true);
      expect(JSON.stringify(report)).not.toContain('Tk9UQUtFWQ');
    }
  });

  it('checks a Gmail credentials file instead of the variables', async () => {
    const base = {
      GMAIL_CLIENT_ID: undefined,
      GMAIL_CLIENT_SECRET: undefined,
      GMAIL_REFRESH_TOKEN: undefined,
    };
    const { identity } = sandbox.google;
    const clientFile = file('client.json', JSON.stringify({ installed: { client_id: 'x' } }));
    const partial = file('partial.json', JSON.stringify({ client_id: identity.clientId }));
    const good = file(
      'authorized.json',
      JSON.stringify({
        type: 'authorized_user',
        client_id: identity.clientId,
        client_secret: identity.clientSecret,
        refresh_token: identity.refreshToken,
      }),
    );
    const check = (path: string) =>
      checkCredentials(configWith({ ...base, GMAIL_CREDENTIALS_FILE: path }), { live: true });
    expect((await check(clientFile)).problems.map((p) => p.problem)).toEqual([
      'is an OAuth client file (client_secret.json): it has no refresh token',
    ]);
    expect((await check(partial)).problems.map((p) => p.problem)).toEqual([
      'lacks client_secret, refresh_token',
    ]);
    const ok = await check(good);
    expect(ok.problems).toEqual([]);
    expect(ok.passed.map((p) => p.what)).toContain('Gmail mailbox, getProfile');
    expect(JSON.stringify(ok)).not.toContain(identity.refreshToken);
  });

  it('lists refused credentials and unreachable services together, and prints no secret', async () => {
    const badBot = 'xoxb-0000-1111-not-the-real-token';
    const badRefresh = '1//0g-revoked-refresh-token-value';
    sandbox.slack.faults.set('apps.connections.open', { sequence: [503] });
    const config = configWith({
      SLACK_BOT_TOKEN: badBot,
      GMAIL_REFRESH_TOKEN: badRefresh,
      INFLUENCER_SHEET_ID: 'sheet-not-shared',
    });
    const report = await checkCredentials(config, { live: true });
    const byWhat = (pattern: RegExp) => report.problems.find((p) => pattern.test(p.what));
    expect(byWhat(/auth\.test/)).toMatchObject({
      problem: 'Slack refused the token (invalid_auth)',
    });
    expect(byWhat(/auth\.test/)?.transient).toBeUndefined();
    expect(byWhat(/apps\.connections\.open/)).toMatchObject({
      problem: 'Slack could not be reached (HTTP 503)',
      transient: true,
    });
    expect(byWhat(/getProfile/)?.problem).toMatch(/invalid_grant/);
    expect(byWhat(/getProfile/)?.fix).toMatch(/new refresh token/);
    expect(byWhat(/sheet-not-shared/)?.problem).toMatch(
      /share the spreadsheet with .*@.*iam\.gserviceaccount\.com/,
    );
    expect(report.problems).toHaveLength(4);
    const printed = formatReport(report) + JSON.stringify(report);
    for (const secret of [badBot, badRefresh, sandbox.google.identity.clientSecret])
      expect(printed).not.toContain(secret);

    const stderr: string[] = [];
    sandbox.slack.faults.set('apps.connections.open', { sequence: [503] });
    const code = await assertStartupCredentials(config, {
      stderr: { write: (t) => stderr.push(t) },
    });
    expect(code).toBe(CONFIG_EXIT_CODE);
    expect(stderr.join('')).toMatch(/cannot start[\s\S]*invalid_auth/);
  });

  it('lets the service start when a service is only unreachable, with a warning', async () => {
    sandbox.slack.faults.set('auth.test', { sequence: ['timeout'] });
    const stderr: string[] = [];
    const started = performance.now();
    const code = await assertStartupCredentials(
      configWith(),
      { stderr: { write: (t) => stderr.push(t) } },
      { timeoutMs: 500 },
    );
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(stderr.join('')).toMatch(/starting although[\s\S]*auth\.test \(could not check\)/);
    expect(await assertStartupCredentials(configWith(), { stderr: { write: () => {} } })).toBe(0);
  });
});

const run = promisify(execFile);

/** The CLI as a child process; asynchronous, because the sandbox it calls lives in this process. */
async function negotiator(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join('src', 'cli', 'main.ts'), ...args],
      {
        cwd: projectRoot(),
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Each run starts the whole CLI under tsx, which takes seconds on a loaded machine.
describe('negotiator check-config', { timeout: 60_000 }, () => {
  it('exits 0 with a JSON report when everything works, live', async () => {
    const { code, stdout } = await negotiator(['check-config', '--live', '--json'], sandbox.env());
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as CredentialReport;
    expect(report).toMatchObject({ ok: true, live: true, problems: [] });
    expect(report.passed.map((p) => p.what)).toContain('Gmail mailbox, getProfile');
  });

  it('exits 78 with each problem and its fix, for the environment and the files, and no secret', async () => {
    const env = {
      ...sandbox.env(),
      SLACK_APP_TOKEN: 'xoxb-this-is-a-bot-token-in-the-wrong-place',
    };
    const { code, stderr, stdout } = await negotiator(['check-config'], env);
    expect(code).toBe(CONFIG_EXIT_CODE);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/SLACK_APP_TOKEN[\s\S]*problem: must be a Slack app-level token/);
    expect(stderr).toMatch(/fix: +set SLACK_APP_TOKEN/);
    // An environment error stops there: the files and credentials need a valid environment.
    expect(stderr).toMatch(/YAML files and credentials not checked/);
    expect(stderr).not.toContain('xoxb-this-is-a-bot-token');

    const files = await negotiator(['check-config', '--json'], {
      ...sandbox.env(),
      CONFIG_DIR: dir,
    });
    expect(files.code).toBe(CONFIG_EXIT_CODE);
    const report = JSON.parse(files.stdout) as CredentialReport;
    expect(report.problems.map((p) => p.what)).toEqual([
      `rate card (rate-card.yaml) in ${dir} (CONFIG_DIR)`,
      `escalation rules (escalation.yaml) in ${dir} (CONFIG_DIR)`,
      // The folder has no model-prices.yaml either: serve would refuse to start without it.
      `model prices (model-prices.yaml) in ${dir} (CONFIG_DIR)`,
    ]);
  });

  it('exits 78 when a live check is refused', async () => {
    const env = { ...sandbox.env(), SLACK_BOT_TOKEN: 'xoxb-a-well-formed-but-unknown-token' };
    const { code, stderr } = await negotiator(['check-config', '--live'], env);
    expect(code).toBe(CONFIG_EXIT_CODE);
    expect(stderr).toMatch(/1 problem to fix[\s\S]*Slack refused the token \(invalid_auth\)/);
    expect(stderr).toMatch(/✓ Gmail mailbox, getProfile/);
    expect(stderr).not.toContain('well-formed-but-unknown');
  });
});
