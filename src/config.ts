/**
 * The service's configuration (CONFIG-01): one zod schema over the environment, with `.env` file
 * support. This is the only module that reads `process.env`. Every problem is reported at once,
 * naming the variable and what is wrong, and never echoing a value (some are secrets).
 *
 * Each variable also carries what operators are told about it: the helpers record how they read
 * it (kind, default, range or values, secret) and each entry its section and description, so the
 * configuration reference in README.md (`npm run docs:config`) is generated from the schema itself.
 *
 * Longer than most files because it is the one schema over every variable, with its description:
 * splitting it would split the only place that reads `process.env` from what documents it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseDuration } from './domain/duration.js';
import { parseLogLabels } from './observability/log-shipping.js';
import { projectRoot, resolveFromRoot } from './paths.js';

/** The sections of the configuration reference, in the order it shows them. */
export const CONFIG_GROUPS = [
  'Service',
  'Database',
  'Negotiation',
  'Gmail and Pub/Sub',
  'Sheets',
  'Slack',
  'Anthropic',
  'Observability',
  'Endpoints for emulators and tests',
] as const;
export type ConfigGroup = (typeof CONFIG_GROUPS)[number];

/** How a variable is read, recorded by the helper that reads it. */
export interface ValueFacts {
  kind: 'boolean' | 'integer' | 'duration' | 'choice' | 'secret' | 'path' | 'url' | 'text' | 'list';
  /** What the value may be, in words (Markdown): a range, the allowed values or a format. */
  accepts: string;
  /** What an unset or empty variable stands for, written as it would be set; none when absent. */
  default?: string;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** Never printed or logged. */
  secret?: boolean;
}

/** What an operator is told about a variable. */
export interface VariableDocs {
  group: ConfigGroup;
  /** One line, no final full stop. */
  description: string;
  /** When the variable must be set, completing "Required …" (e.g. "to start the service"). */
  required?: string;
}

export interface ConfigVariable extends ValueFacts, VariableDocs {
  name: string;
}

// Registries rather than `.meta()`: they hold the facts without cloning a schema or touching
// zod's global registry, so the schema parses exactly as it would without them.
const valueFacts = z.registry<ValueFacts>();
const variableDocs = z.registry<VariableDocs>();

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
    })
    .register(valueFacts, {
      kind: 'boolean',
      accepts: '`true` or `false`',
      default: `${fallback}`,
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
    })
    .register(valueFacts, {
      kind: 'integer',
      accepts: `whole number, ${min} to ${max}`,
      default: String(fallback),
      min,
      max,
    });

const DURATION_FORMAT = 'duration: `30s`, `15m`, `48h`, `7d`, `1d12h`';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms !== null && ms > 0) return ms;
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 15m, 48h or 7d' });
      return z.NEVER;
    })
    .register(valueFacts, { kind: 'duration', accepts: DURATION_FORMAT, default: fallback });

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
    })
    .register(valueFacts, {
      kind: 'duration',
      accepts: `${DURATION_FORMAT}; or \`off\``,
      default: fallback,
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
    })
    .register(valueFacts, {
      kind: 'choice',
      accepts: values.map((x) => `\`${x}\``).join(', '),
      default: fallback,
      values,
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
    })
    .register(valueFacts, {
      kind: 'secret',
      accepts: shape ? `secret: ${shape.what} (\`${shape.prefix}...\`)` : 'secret',
      secret: true,
    });

const PATH_FORMAT = 'path, relative to the project root';

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
    })
    .register(valueFacts, { kind: 'path', accepts: PATH_FORMAT, default: fallback });

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
    })
    .register(valueFacts, { kind: 'url', accepts: 'http(s) URL' });

const optionalText = () =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .register(valueFacts, { kind: 'text', accepts: 'text' });

const optionalPath = () =>
  z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? resolveFromRoot(v.trim()) : undefined))
    .register(valueFacts, { kind: 'path', accepts: PATH_FORMAT });

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
    })
    .register(valueFacts, { kind: 'list', accepts: `comma-separated Slack ${what}` });

/** Files a variable under a section of the reference, with what operators are told about it. */
const section =
  (group: ConfigGroup) =>
  <T extends z.ZodType>(schema: T, description: string, required?: string): T => {
    variableDocs.add(schema, { group, description, ...(required ? { required } : {}) });
    return schema;
  };

const service = section('Service');
const database = section('Database');
const negotiation = section('Negotiation');
const gmail = section('Gmail and Pub/Sub');
const sheets = section('Sheets');
const slack = section('Slack');
const anthropic = section('Anthropic');
const observability = section('Observability');
const endpoints = section('Endpoints for emulators and tests');

const TO_START = 'to start the service';
const GMAIL_PARTS = `${TO_START}, unless \`GMAIL_CREDENTIALS_FILE\` is set`;

/** Read before the others: it names the file they may come from, so it is not in the schema. */
const envFileSchema = service(
  optionalPath(),
  'A file to read instead of `./.env` (an error if it does not exist); real environment variables win over its values',
);

const envSchema = z.object({
  NODE_ENV: service(
    oneOf(['development', 'production', 'test'], 'development'),
    'Runtime environment: outside production, logs on a terminal are pretty-printed; also the default Sentry environment',
  ),
  LOG_LEVEL: service(
    oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    'The least severe level of log line written (`silent` writes none)',
  ),
  PORT: service(
    int(8080, 1, 65_535),
    'HTTP port for health, readiness, metrics, the webhooks and the API',
  ),
  SHUTDOWN_TIMEOUT_MS: service(
    int(20_000, 1_000, 600_000),
    'On SIGTERM, how long running effects may finish before they are left to the next start, in milliseconds',
  ),
  API_TOKEN: service(
    secret(),
    'Bearer token for the read-only API (`/api/v1/...`); unset turns the API off',
  ),
  DATABASE_PATH: database(
    path('data/negotiator.db'),
    'The SQLite file (`:memory:` for throwaway runs); `/data/negotiator.db` in the container',
  ),
  SQLITE_SYNCHRONOUS: database(
    oneOf(['FULL', 'NORMAL'], 'FULL'),
    '`FULL` survives power loss; `NORMAL` survives a process crash but may lose the last commits on power loss, for faster writes',
  ),
  SQLITE_BUSY_TIMEOUT_MS: database(
    int(5000, 0, 600_000),
    'How long a writer waits for a lock before failing, in milliseconds',
  ),
  CONFIG_DIR: negotiation(
    path('config'),
    'Folder holding `rate-card.yaml` and `escalation.yaml` (both required) and `campaigns/*.yaml`',
  ),
  REVIEW_MODE: negotiation(bool(true), 'Post every email to Slack for approval before it is sent'),
  FOLLOW_UP_DELAY: negotiation(
    duration('48h'),
    'No reply this long after our offer: send one polite follow-up',
  ),
  STALE_DELAY: negotiation(
    duration('72h'),
    'No reply this long after the follow-up: mark the negotiation stale and tell the team',
  ),
  APPROVAL_REMINDER_DELAY: negotiation(
    duration('4h'),
    'A draft waiting for approval this long: remind the channel',
  ),
  HOLDING_REPLY_DELAY: negotiation(
    durationOrOff('4h'),
    'Escalated and undecided this long: send the influencer one short holding reply (never in review mode)',
  ),
  INSPECT: observability(
    bool(false),
    'Show every negotiation live in the Stately inspector, through a relay on 127.0.0.1 (development only, never in production)',
  ),
  INSPECT_PORT: observability(int(9400, 0, 65_535), 'Port of the inspector relay on 127.0.0.1'),
  INSPECT_MASK: observability(
    bool(true),
    'Replace email addresses and amounts in what the inspector shows',
  ),
  ANTHROPIC_API_KEY: anthropic(secret(), 'Anthropic API key', TO_START),
  SLACK_BOT_TOKEN: slack(
    secret({ prefix: 'xoxb-', what: 'a Slack bot token' }),
    'The app\'s "Bot User OAuth Token"',
    TO_START,
  ),
  SLACK_APP_TOKEN: slack(
    secret({ prefix: 'xapp-', what: 'a Slack app-level token' }),
    'App-level token for Socket Mode, with the `connections:write` scope',
    TO_START,
  ),
  GMAIL_CLIENT_ID: gmail(
    z.string().optional().register(valueFacts, { kind: 'text', accepts: 'text' }),
    'OAuth client id for the team mailbox (ends with `.apps.googleusercontent.com`)',
    GMAIL_PARTS,
  ),
  GMAIL_CLIENT_SECRET: gmail(secret(), 'OAuth client secret for the team mailbox', GMAIL_PARTS),
  GMAIL_REFRESH_TOKEN: gmail(
    secret(),
    'Refresh token of the team mailbox, with the Gmail scope',
    GMAIL_PARTS,
  ),
  GMAIL_CREDENTIALS_FILE: gmail(
    optionalPath(),
    'Instead of the three variables above: an `authorized_user` JSON file (`client_id`, `client_secret`, `refresh_token`)',
    `${TO_START}, unless the three variables above are set`,
  ),
  GMAIL_PUBSUB_TOPIC: gmail(
    optionalText(),
    'Topic Gmail publishes mailbox changes to (`projects/<project>/topics/<topic>`); unset, the mailbox is only polled',
  ),
  GMAIL_POLL_INTERVAL: gmail(
    duration('5m'),
    'Read the mailbox this often even without a push (Google drops some)',
  ),
  GMAIL_FROM_NAME: gmail(
    optionalText(),
    'Display name on the agent\'s emails (e.g. "Lumen Partnerships"); the address is the mailbox\'s',
  ),
  GMAIL_PUSH_AUDIENCE: gmail(
    optionalText(),
    'OIDC audience of the push subscription; with `GMAIL_PUSH_SERVICE_ACCOUNT`, `POST /webhooks/gmail` verifies its token',
  ),
  GMAIL_PUSH_SERVICE_ACCOUNT: gmail(
    optionalText(),
    'Service account the push subscription signs its OIDC token as (with `GMAIL_PUSH_AUDIENCE`)',
  ),
  GMAIL_PUSH_TOKEN: gmail(
    secret(),
    'Instead of OIDC: a shared secret the push URL carries as `?token=` (compared in constant time)',
  ),
  TEAM_DOMAINS: gmail(
    z
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
      })
      .register(valueFacts, { kind: 'list', accepts: 'comma-separated domain names' }),
    "The team's email domains: a colleague writing in a thread hands it to people (unset: the mailbox's own, unless public)",
  ),
  GOOGLE_SERVICE_ACCOUNT_FILE: sheets(
    optionalPath(),
    'Service-account key file (JSON) that can read the influencer sheet',
    TO_START,
  ),
  INFLUENCER_SHEET_ID: sheets(
    optionalText(),
    'Id of the influencer sheet, for campaigns that do not name their own',
  ),
  SLACK_CHANNEL: slack(
    optionalText(),
    'Channel id (`C...`) where deals, escalations and approvals are posted; invite the app to it',
    TO_START,
  ),
  SLACK_ALLOWED_USERS: slack(
    slackIds('U', 'user ids (U…)'),
    'Who may approve, edit, decline or take over; empty: anyone who can act in the channel',
  ),
  SLACK_MENTIONS: slack(
    slackIds('US', 'user (U…) or user group (S…) ids'),
    'Mentioned on every agreement alert',
  ),
  ANTHROPIC_READING_MODEL: anthropic(
    optionalText(),
    "Model id that reads influencers' replies",
    TO_START,
  ),
  ANTHROPIC_WRITING_MODEL: anthropic(optionalText(), 'Model id that writes the emails', TO_START),
  MODEL_TIMEOUT: anthropic(
    duration('45s'),
    'How long one model call may take; keep it under a minute (the lease of the effect making the call)',
  ),
  KNOWLEDGE_BASE_DIR: anthropic(
    path('knowledge-base'),
    'The knowledge base the writing model follows (markdown with frontmatter, read at run time)',
  ),
  SENTRY_DSN: observability(
    secret({ prefix: 'http', what: 'a Sentry DSN URL' }),
    'Sentry DSN; errors are reported only when it is set',
  ),
  SENTRY_ENVIRONMENT: observability(
    optionalText(),
    'Environment on Sentry events (unset: `NODE_ENV`)',
  ),
  SENTRY_RELEASE: observability(
    optionalText(),
    'Release on Sentry events (unset: `negotiator@<version>`)',
  ),
  LOG_SHIP_URL: observability(
    url(),
    'Loki push API (or anything speaking it) to ship the JSON log lines to; never blocks the service',
  ),
  LOG_SHIP_USER: observability(
    optionalText(),
    'Basic-auth user for `LOG_SHIP_URL` (Grafana Cloud: the numeric Loki user id)',
  ),
  LOG_SHIP_TOKEN: observability(secret(), 'Basic-auth password or API token for `LOG_SHIP_URL`'),
  LOG_SHIP_LABELS: observability(
    z
      .string()
      .default('')
      .transform((v, ctx) => {
        try {
          return parseLogLabels(v);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      })
      .register(valueFacts, { kind: 'list', accepts: '`name=value` pairs, comma-separated' }),
    'Labels on every shipped log line',
  ),
  GOOGLE_API_URL: endpoints(url(), 'Google APIs root (Gmail, Sheets); unset: the public service'),
  GOOGLE_TOKEN_URL: endpoints(url(), 'Google OAuth token endpoint; unset: the public one'),
  GOOGLE_CERTS_URL: endpoints(
    url(),
    "Google's OIDC certificates, for push tokens; unset: the public ones",
  ),
  SLACK_API_URL: endpoints(url(), 'Slack Web API base, e.g. `https://slack.com/api/`'),
  ANTHROPIC_BASE_URL: endpoints(url(), 'Anthropic API base; unset: the public API'),
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

/**
 * Every variable with what the configuration reference says about it: ENV_FILE, then the schema's
 * variables in its order. Throws for a variable without a section and description, so a new one
 * cannot go undocumented.
 */
export function configReference(): ConfigVariable[] {
  const variables: Array<[string, z.ZodType]> = [
    ['ENV_FILE', envFileSchema],
    ...Object.entries(envSchema.shape),
  ];
  return variables.map(([name, schema]) => describeVariable(name, schema));
}

/** The variables the schema reads (ENV_FILE is read before it, to find the `.env` file). */
export function schemaVariables(): string[] {
  return Object.keys(envSchema.shape);
}

function describeVariable(name: string, schema: z.ZodType): ConfigVariable {
  const facts = valueFacts.get(schema);
  const docs = variableDocs.get(schema);
  if (!facts)
    throw new Error(`${name}: read it with a helper here, or register its facts in valueFacts`);
  if (!docs) throw new Error(`${name}: give it a section and a description (e.g. service(...))`);
  return { name, ...docs, ...facts };
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
  const explicit = envFileSchema.parse(env.ENV_FILE);
  if (explicit) return explicit;
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
