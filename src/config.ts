/**
 * The service's configuration (CONFIG-01): one zod schema over the environment, with `.env` file
 * support. This is the only module that reads `process.env`. Every problem is reported at once,
 * naming the variable and what is wrong, and never echoing a value (some are secrets).
 *
 * Longer than most files because it is the one schema over every variable: splitting it would
 * split the only place that reads `process.env`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseDuration } from './domain/duration.js';
import { parseLogLabels } from './observability/log-shipping.js';
import { projectRoot, resolveFromRoot } from './paths.js';

const bool = (fallback: boolean) =>
  z
    .string()
    .default(String(fallback))
    .transform((v, ctx) => {
      const text = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(text)) return true;
      if (['0', 'false', 'no', 'off'].includes(text)) return false;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    });

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((v, ctx) => {
      const n = Number(v.trim());
      if (/^\d+$/.test(v.trim()) && n >= min && n <= max) return n;
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    });

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms !== null && ms > 0) return ms;
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 15m, 48h or 7d' });
      return z.NEVER;
    });

/** A duration, or `off` for a feature that can be switched off (null). */
const durationOrOff = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      if (v.trim().toLowerCase() === 'off') return null;
      const ms = parseDuration(v);
      if (ms !== null && ms > 0) return ms;
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30m or 4h, or off' });
      return z.NEVER;
    });

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const found = values.find((x) => x.toLowerCase() === v.trim().toLowerCase());
      if (found) return found as T[number];
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}` });
      return z.NEVER;
    });

/** An optional secret: validated for shape, never printed. */
const secret = (shape?: { prefix: string; what: string }) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = v?.trim();
      if (!text) return undefined;
      if (shape && !text.startsWith(shape.prefix)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be ${shape.what} (starts with ${shape.prefix})`,
        });
        return z.NEVER;
      }
      return text;
    });

const path = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      if (v.trim() === '') {
        ctx.addIssue({ code: 'custom', message: 'must not be empty' });
        return z.NEVER;
      }
      return v.trim() === ':memory:' ? ':memory:' : resolveFromRoot(v.trim());
    });

/** An optional http(s) URL, for pointing an SDK somewhere other than its public endpoint. */
const url = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = v?.trim();
      if (!text) return undefined;
      try {
        const parsed = new URL(text);
        if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return text;
      } catch {}
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
      return z.NEVER;
    });

const optionalText = () =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined);

const optionalPath = () =>
  z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? resolveFromRoot(v.trim()) : undefined));

/** A comma-separated list of Slack ids starting with one of `prefixes` (W… is an Enterprise user). */
const slackIds = (prefixes: string, what: string) =>
  z
    .string()
    .default('')
    .transform((v, ctx) => {
      const ids = v
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      const pattern = new RegExp(`^[${prefixes}${prefixes.includes('U') ? 'W' : ''}][A-Z0-9]{2,}$`);
      const bad = ids.filter((id) => !pattern.test(id));
      if (bad.length === 0) return ids;
      ctx.addIssue({ code: 'custom', message: `must be Slack ${what}; not: ${bad.join(', ')}` });
      return z.NEVER;
    });

const envSchema = z.object({
  NODE_ENV: oneOf(['development', 'production', 'test'], 'development'),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  PORT: int(8080, 1, 65_535),
  SHUTDOWN_TIMEOUT_MS: int(20_000, 1_000, 600_000),
  API_TOKEN: secret(),
  DATABASE_PATH: path('data/negotiator.db'),
  SQLITE_SYNCHRONOUS: oneOf(['FULL', 'NORMAL'], 'FULL'),
  SQLITE_BUSY_TIMEOUT_MS: int(5000, 0, 600_000),
  CONFIG_DIR: path('config'),
  REVIEW_MODE: bool(true),
  FOLLOW_UP_DELAY: duration('48h'),
  STALE_DELAY: duration('72h'),
  APPROVAL_REMINDER_DELAY: duration('4h'),
  HOLDING_REPLY_DELAY: durationOrOff('4h'),
  INSPECT: bool(false),
  INSPECT_PORT: int(9400, 0, 65_535),
  INSPECT_MASK: bool(true),
  ANTHROPIC_API_KEY: secret(),
  SLACK_BOT_TOKEN: secret({ prefix: 'xoxb-', what: 'a Slack bot token' }),
  SLACK_APP_TOKEN: secret({ prefix: 'xapp-', what: 'a Slack app-level token' }),
  GMAIL_CLIENT_ID: z.string().optional(),
  GMAIL_CLIENT_SECRET: secret(),
  GMAIL_REFRESH_TOKEN: secret(),
  GMAIL_CREDENTIALS_FILE: optionalPath(),
  GMAIL_PUBSUB_TOPIC: optionalText(),
  GMAIL_POLL_INTERVAL: duration('5m'),
  GMAIL_FROM_NAME: optionalText(),
  GMAIL_PUSH_AUDIENCE: optionalText(),
  GMAIL_PUSH_SERVICE_ACCOUNT: optionalText(),
  GMAIL_PUSH_TOKEN: secret(),
  TEAM_DOMAINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const domains = (v ?? '')
        .split(',')
        .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
        .filter(Boolean);
      const bad = domains.filter((d) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d));
      if (bad.length === 0) return domains;
      ctx.addIssue({ code: 'custom', message: `not domain names: ${bad.join(', ')}` });
      return z.NEVER;
    }),
  GOOGLE_SERVICE_ACCOUNT_FILE: optionalPath(),
  INFLUENCER_SHEET_ID: optionalText(),
  SLACK_CHANNEL: optionalText(),
  SLACK_ALLOWED_USERS: slackIds('U', 'user ids (U…)'),
  SLACK_MENTIONS: slackIds('US', 'user (U…) or user group (S…) ids'),
  ANTHROPIC_READING_MODEL: optionalText(),
  ANTHROPIC_WRITING_MODEL: optionalText(),
  MODEL_TIMEOUT: duration('45s'),
  KNOWLEDGE_BASE_DIR: path('knowledge-base'),
  SENTRY_DSN: secret({ prefix: 'http', what: 'a Sentry DSN URL' }),
  SENTRY_ENVIRONMENT: optionalText(),
  SENTRY_RELEASE: optionalText(),
  LOG_SHIP_URL: url(),
  LOG_SHIP_USER: optionalText(),
  LOG_SHIP_TOKEN: secret(),
  LOG_SHIP_LABELS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      try {
        return parseLogLabels(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  GOOGLE_API_URL: url(),
  GOOGLE_TOKEN_URL: url(),
  GOOGLE_CERTS_URL: url(),
  SLACK_API_URL: url(),
  ANTHROPIC_BASE_URL: url(),
});

export type Env = z.output<typeof envSchema>;

/** The variables whose values must never appear in a message or a log line. */
export const SECRET_VARIABLES = [
  'ANTHROPIC_API_KEY',
  'API_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'GMAIL_CLIENT_SECRET',
  'GMAIL_REFRESH_TOKEN',
  'GMAIL_PUSH_TOKEN',
  'SENTRY_DSN',
  'LOG_SHIP_TOKEN',
] as const satisfies ReadonlyArray<keyof Env>;

export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  port: number;
  /** How long a stop waits for running effects before leaving them to the next start. */
  shutdownTimeoutMs: number;
  sentry: { environment: string | undefined; release: string | undefined };
  /** Shipping of the log lines to Loki (or anything speaking its push API); off without a URL. */
  logShipping: {
    url: string | undefined;
    user: string | undefined;
    labels: Record<string, string>;
  };
  database: { path: string; synchronous: 'FULL' | 'NORMAL'; busyTimeoutMs: number };
  configDir: string;
  negotiation: {
    reviewMode: boolean;
    followUpDelayMs: number;
    staleDelayMs: number;
    approvalReminderMs: number;
    /** Escalated and unanswered this long → a short holding reply (not in review mode); null = off. */
    holdingReplyMs: number | null;
  };
  /** The Stately inspector relay (development only, loopback). */
  inspect: { enabled: boolean; port: number; mask: boolean };
  secrets: Pick<Env, (typeof SECRET_VARIABLES)[number]>;
  gmail: {
    clientId: string | undefined;
    /** An `authorized_user` JSON file (client_id, client_secret, refresh_token), instead of the variables. */
    credentialsFile: string | undefined;
    /** `projects/<project>/topics/<topic>` that `users.watch` publishes to. */
    pubsubTopic: string | undefined;
    /** Who may push: the OIDC audience and service account (or the shared GMAIL_PUSH_TOKEN). */
    push: { audience: string | undefined; serviceAccount: string | undefined };
    /** Senders at these domains are the team: their mail in a thread is a takeover. */
    teamDomains: string[];
    /** How often the mailbox is read without a push (pushes can be late or lost). */
    pollIntervalMs: number;
    /** The display name on the agent's emails ("Lumen Partnerships"). */
    fromName: string | undefined;
  };
  sheets: { serviceAccountFile: string | undefined; influencerSheetId: string | undefined };
  slack: {
    channel: string | undefined;
    /** Who may decide in Slack; empty = anyone who can act in the channel. */
    allowedUsers: string[];
    /** Mentioned on every agreement alert (users or user groups). */
    mentions: string[];
  };
  anthropic: {
    readingModel: string | undefined;
    writingModel: string | undefined;
    /** Per model call; below the outbox lease so a hung call fails before its effect is reclaimed. */
    timeoutMs: number;
  };
  /** The team's knowledge base, read at run time. */
  knowledgeBaseDir: string;
  /** Where each SDK sends its requests; unset means the public service (set by the sandbox). */
  endpoints: {
    googleApiUrl: string | undefined;
    googleTokenUrl: string | undefined;
    googleCertsUrl: string | undefined;
    slackApiUrl: string | undefined;
    anthropicBaseUrl: string | undefined;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** A `.env` file to read first; real environment variables win. Defaults to ENV_FILE or ./.env. */
  envFile?: string | null;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const fileVars = readEnvFile(
    options.envFile === undefined ? defaultEnvFile(env) : options.envFile,
  );
  const merged: Record<string, string | undefined> = {
    ...definedOnly(fileVars),
    ...definedOnly(env),
  };
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    sentry: { environment: e.SENTRY_ENVIRONMENT, release: e.SENTRY_RELEASE },
    logShipping: { url: e.LOG_SHIP_URL, user: e.LOG_SHIP_USER, labels: e.LOG_SHIP_LABELS },
    database: {
      path: e.DATABASE_PATH,
      synchronous: e.SQLITE_SYNCHRONOUS,
      busyTimeoutMs: e.SQLITE_BUSY_TIMEOUT_MS,
    },
    configDir: e.CONFIG_DIR,
    negotiation: {
      reviewMode: e.REVIEW_MODE,
      followUpDelayMs: e.FOLLOW_UP_DELAY,
      staleDelayMs: e.STALE_DELAY,
      approvalReminderMs: e.APPROVAL_REMINDER_DELAY,
      holdingReplyMs: e.HOLDING_REPLY_DELAY,
    },
    inspect: { enabled: e.INSPECT, port: e.INSPECT_PORT, mask: e.INSPECT_MASK },
    secrets: Object.fromEntries(SECRET_VARIABLES.map((k) => [k, e[k]])) as Config['secrets'],
    gmail: {
      clientId: e.GMAIL_CLIENT_ID?.trim() || undefined,
      credentialsFile: e.GMAIL_CREDENTIALS_FILE,
      pubsubTopic: e.GMAIL_PUBSUB_TOPIC,
      push: { audience: e.GMAIL_PUSH_AUDIENCE, serviceAccount: e.GMAIL_PUSH_SERVICE_ACCOUNT },
      teamDomains: e.TEAM_DOMAINS,
      pollIntervalMs: e.GMAIL_POLL_INTERVAL,
      fromName: e.GMAIL_FROM_NAME,
    },
    sheets: {
      serviceAccountFile: e.GOOGLE_SERVICE_ACCOUNT_FILE,
      influencerSheetId: e.INFLUENCER_SHEET_ID,
    },
    slack: {
      channel: e.SLACK_CHANNEL,
      allowedUsers: e.SLACK_ALLOWED_USERS,
      mentions: e.SLACK_MENTIONS,
    },
    anthropic: {
      readingModel: e.ANTHROPIC_READING_MODEL,
      writingModel: e.ANTHROPIC_WRITING_MODEL,
      timeoutMs: e.MODEL_TIMEOUT,
    },
    knowledgeBaseDir: e.KNOWLEDGE_BASE_DIR,
    endpoints: {
      googleApiUrl: e.GOOGLE_API_URL,
      googleTokenUrl: e.GOOGLE_TOKEN_URL,
      googleCertsUrl: e.GOOGLE_CERTS_URL,
      slackApiUrl: e.SLACK_API_URL,
      anthropicBaseUrl: e.ANTHROPIC_BASE_URL,
    },
  };
}

function defaultEnvFile(env: Record<string, string | undefined>): string | null {
  const explicit = env.ENV_FILE?.trim();
  if (explicit) return resolveFromRoot(explicit);
  const local = resolveFromRoot('.env', projectRoot());
  return existsSync(local) ? local : null;
}

function readEnvFile(file: string | null): Record<string, string> {
  if (file === null) return {};
  if (!existsSync(file)) throw new ConfigError([`ENV_FILE: ${file} does not exist`]);
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** Empty variables count as unset, so `FOO=` in a compose file means "use the default". */
function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1]?.trim())),
  );
}
