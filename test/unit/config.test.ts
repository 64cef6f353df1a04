import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadEscalationPolicy } from '../../src/config-files/escalation.js';
import { ConfigFileError } from '../../src/config-files/load-yaml.js';
import { loadRateCard } from '../../src/config-files/rate-card.js';
import { projectRoot, resolveFromRoot } from '../../src/paths.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'negotiator-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('environment configuration', () => {
  it('has documented defaults for everything', () => {
    const config = loadConfig({ env: {}, envFile: null });
    expect(config).toMatchObject({
      env: 'development',
      port: 8080,
      database: {
        path: join(projectRoot(), 'data/negotiator.db'),
        synchronous: 'FULL',
        busyTimeoutMs: 5000,
      },
      configDir: join(projectRoot(), 'config'),
      negotiation: {
        reviewMode: true,
        followUpDelayMs: 48 * 3_600_000,
        staleDelayMs: 72 * 3_600_000,
      },
    });
  });

  it('parses booleans, durations, enums and paths as people write them', () => {
    const config = loadConfig({
      env: {
        REVIEW_MODE: 'off',
        FOLLOW_UP_DELAY: '1d12h',
        SQLITE_SYNCHRONOUS: 'normal',
        DATABASE_PATH: '/var/lib/n.db',
        PORT: '9000',
        TEAM_DOMAINS: ' Brand.com, @agency.co.uk ',
        GOOGLE_API_URL: 'http://127.0.0.1:9999/',
      },
      envFile: null,
    });
    expect(config.gmail.teamDomains).toEqual(['brand.com', 'agency.co.uk']);
    expect(config.endpoints.googleApiUrl).toBe('http://127.0.0.1:9999/');
    expect(() =>
      loadConfig({ env: { TEAM_DOMAINS: 'brand', SLACK_API_URL: 'ftp://x' }, envFile: null }),
    ).toThrow(
      /TEAM_DOMAINS: not domain names: brand[\s\S]*SLACK_API_URL: must be an http\(s\) URL/,
    );
    expect(config.negotiation.reviewMode).toBe(false);
    expect(config.negotiation.followUpDelayMs).toBe(36 * 3_600_000);
    expect(config.database).toMatchObject({ synchronous: 'NORMAL', path: '/var/lib/n.db' });
    expect(config.port).toBe(9000);
  });

  it('reads Slack id lists, refusing names where ids belong', () => {
    const config = loadConfig({
      env: { SLACK_ALLOWED_USERS: ' U0ALICE, W0BOB ', SLACK_MENTIONS: 'S0DEALS,U0ALICE' },
      envFile: null,
    });
    expect(config.slack).toMatchObject({
      allowedUsers: ['U0ALICE', 'W0BOB'],
      mentions: ['S0DEALS', 'U0ALICE'],
    });
    expect(loadConfig({ env: {}, envFile: null }).slack.allowedUsers).toEqual([]);
    expect(() =>
      loadConfig({
        env: { SLACK_ALLOWED_USERS: '@alice', SLACK_MENTIONS: 'C0DEALS' },
        envFile: null,
      }),
    ).toThrow(
      /SLACK_ALLOWED_USERS: must be Slack user ids \(U…\); not: @alice[\s\S]*SLACK_MENTIONS: .*not: C0DEALS/,
    );
  });

  it('reports every problem at once, naming each variable', () => {
    const error = configError(() =>
      loadConfig({
        env: {
          PORT: 'eighty',
          REVIEW_MODE: 'maybe',
          FOLLOW_UP_DELAY: 'soon',
          SQLITE_SYNCHRONOUS: 'OFF',
          LOG_LEVEL: 'loud',
        },
        envFile: null,
      }),
    );
    expect(error.problems).toHaveLength(5);
    expect(error.message).toMatch(/PORT: must be a whole number from 1 to 65535/);
    expect(error.message).toMatch(/REVIEW_MODE: must be true or false/);
    expect(error.message).toMatch(/FOLLOW_UP_DELAY: must be a duration/);
    expect(error.message).toMatch(/SQLITE_SYNCHRONOUS: must be one of FULL, NORMAL/);
    expect(error.message).toMatch(/LOG_LEVEL/);
  });

  it('never echoes a secret value', () => {
    const secret = 'xoxp-super-secret-user-token-123';
    const error = configError(() =>
      loadConfig({
        env: {
          SLACK_BOT_TOKEN: secret,
          SLACK_APP_TOKEN: 'not-an-app-token',
          SENTRY_DSN: 'key@host',
        },
        envFile: null,
      }),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.message).toMatch(/SLACK_BOT_TOKEN: must be a Slack bot token/);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('not-an-app-token');
    expect(error.message).not.toContain('key@host');
  });

  it('reads a .env file, with real environment variables winning', () => {
    const dir = tempDir();
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=7000\nLOG_LEVEL=debug\n# a comment\nREVIEW_MODE="false"\n');
    const config = loadConfig({ env: { PORT: '7100' }, envFile: file });
    expect(config).toMatchObject({
      port: 7100,
      logLevel: 'debug',
      negotiation: { reviewMode: false },
    });
  });

  it('names a missing ENV_FILE instead of silently ignoring it', () => {
    const error = configError(() => loadConfig({ env: { ENV_FILE: '/nonexistent/.env' } }));
    expect(error.message).toMatch(/ENV_FILE: \/nonexistent\/\.env does not exist/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ env: { PORT: '', REVIEW_MODE: '  ' }, envFile: null }).port).toBe(8080);
  });
});

describe('paths', () => {
  it('find the project root from source, from a build and from a container layout', () => {
    const root = projectRoot();
    expect(projectRoot(join(root, 'src', 'cli'))).toBe(root);
    expect(projectRoot(join(root, 'dist', 'src', 'cli'))).toBe(root);
    const container = tempDir();
    writeFileSync(join(container, 'package.json'), JSON.stringify({ name: 'negotiator' }));
    expect(projectRoot(join(container, 'dist', 'src'))).toBe(container);
    expect(resolveFromRoot('config', container)).toBe(join(container, 'config'));
    expect(resolveFromRoot('/abs/config', container)).toBe('/abs/config');
  });
});

describe('YAML configuration files', () => {
  const shipped = resolveFromRoot('config');

  function withFile(name: string, content: string): string {
    const dir = tempDir();
    cpSync(shipped, dir, { recursive: true });
    writeFileSync(join(dir, name), content);
    return dir;
  }

  function fileError(fn: () => unknown): ConfigFileError {
    try {
      fn();
    } catch (error) {
      if (error instanceof ConfigFileError) return error;
      throw error;
    }
    throw new Error('expected a ConfigFileError, nothing was thrown');
  }

  it('loads the shipped files', () => {
    const card = loadRateCard(shipped);
    expect(card.defaults).toEqual({ cpmTargetCents: 2000, leniencyBps: 5000, maxRounds: 5 });
    expect(card.concessionScheduleBps).toEqual([0, 5000, 7500, 9000, 10_000]);
    expect(card.multipliersBps.instagram_reel).toBe(12_000);
    expect(loadEscalationPolicy(shipped)).toMatchObject({
      overCeilingMarginBps: 2000,
      minConfidence: 0.7,
    });
  });

  it('refuses a missing file instead of using defaults', () => {
    const dir = tempDir();
    const error = fileError(() => loadRateCard(dir));
    expect(error.message).toContain(join(dir, 'rate-card.yaml'));
    expect(error.problems).toEqual(['file not found']);
  });

  it('names the file and every wrong field', () => {
    const dir = withFile(
      'rate-card.yaml',
      'defaults: {cpm_target_usd: -1, leniency_percent: 50, max_rounds: 5}\nconcession_schedule_percent: [0, 80, 50]\nmultipliers: {instagram_post: 1, instagram_reel: 1.2, instagram_storey: 0.5}\n',
    );
    const error = fileError(() => loadRateCard(dir));
    const text = error.message;
    expect(text).toContain('rate-card.yaml');
    expect(text).toMatch(/defaults\.cpm_target_usd/);
    expect(text).toMatch(/concession_schedule_percent: must never decrease/);
    expect(text).toMatch(/multipliers\.instagram_story/);
    expect(text).toMatch(/instagram_storey/);
  });

  it('reports YAML syntax errors with the file name', () => {
    const dir = withFile('escalation.yaml', 'over_ceiling: {enabled: true\n');
    expect(fileError(() => loadEscalationPolicy(dir)).message).toMatch(
      /escalation\.yaml is invalid:\n\s+- not valid YAML/,
    );
  });

  it('switches triggers off only when the file says so', () => {
    const dir = withFile(
      'escalation.yaml',
      'over_ceiling: {enabled: false, margin_percent: 20}\nambiguous_intent: {enabled: false, min_confidence: 0.7}\nhostile_tone: {enabled: true}\nlegal_language: {enabled: true}\nunusual_deliverables: {enabled: false}\nvalidation_failure: {recompose_attempts: 1}\nmodel_unavailable: {enabled: false, consecutive_failures: 3, max_wait: 2h}\n',
    );
    expect(loadEscalationPolicy(dir)).toMatchObject({
      overCeilingMarginBps: null,
      minConfidence: null,
      unusualDeliverables: false,
      modelFailuresToOpen: 3,
      modelMaxWaitMs: null,
    });
  });

  it('reads the shipped policy, and refuses a model wait too short to ride out a blip', () => {
    expect(loadEscalationPolicy(join(projectRoot(), 'config'))).toMatchObject({
      overCeilingMarginBps: 2000,
      minConfidence: 0.7,
      recomposeAttempts: 1,
      modelFailuresToOpen: 5,
      modelMaxWaitMs: 2 * 3_600_000,
    });
    const dir = withFile(
      'escalation.yaml',
      readFileSync(join(projectRoot(), 'config', 'escalation.yaml'), 'utf8').replace(
        'max_wait: 2h',
        'max_wait: 5s',
      ),
    );
    expect(fileError(() => loadEscalationPolicy(dir)).message).toMatch(
      /model_unavailable\.max_wait: a duration of at least 1m/,
    );
  });
});
