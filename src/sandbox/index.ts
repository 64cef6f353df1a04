/**
 * The whole sandbox: every emulator on its own loopback port, Pub/Sub pushes that follow the
 * mailbox while a watch is active, the control API, and the environment that points
 * `negotiator serve` at all of it. Used by `negotiator sandbox`, the demo and the tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnthropicEmulator } from './anthropic/emulator.js';
import { startControlApi } from './control.js';
import { startGoogleEmulator } from './google/emulator.js';
import { watchCovers } from './google/gmail-routes.js';
import { createPubSubPusher, type PushOptions } from './google/pubsub.js';
import { INFLUENCER_SPREADSHEET, UNSHARED_SPREADSHEET } from './google/sheets-fixtures.js';
import { createPersonas, personaSpreadsheet } from './personas/index.js';
import { seededRandom } from './random.js';
import { startSentryCollector } from './sentry/collector.js';
import { startSlackEmulator } from './slack/emulator.js';

export interface SandboxOptions {
  /** The port `negotiator serve` will listen on; the push endpoint points there. */
  servicePort?: number;
  /** Overrides the push endpoint (default `http://127.0.0.1:<servicePort>/webhooks/gmail`). */
  pushEndpoint?: string;
  /** Fixed ports per emulator; 0 or absent picks a free one. */
  ports?: Partial<Record<'google' | 'slack' | 'anthropic' | 'sentry' | 'control', number>>;
  /** Seeds every random choice (push drops and duplicates, personas). */
  seed?: number;
  /** How long personas take to answer the agent's emails (default: at once). */
  personaReplyDelayMs?: number;
  /** Push a notification for every covered mailbox change while a watch is active (default on). */
  autoPush?: boolean;
  /** Where the database and the service-account key go; a new temporary folder by default. */
  dataDir?: string;
  now?: () => number;
}

export const SANDBOX_TOPIC = 'projects/sandbox/topics/gmail-push';
export const SANDBOX_CHANNEL = 'C0DEALS';
/** The influencer sheet the sandbox points the service at: one row per persona. */
const PERSONA_SHEET = personaSpreadsheet();
export const SANDBOX_MODELS = { reading: 'claude-sandbox-haiku', writing: 'claude-sandbox-sonnet' };

export async function startSandbox(options: SandboxOptions = {}) {
  const started = performance.now();
  const now = options.now ?? Date.now;
  const ports = options.ports ?? {};
  const random = seededRandom(options.seed ?? 1);
  const port = (name: keyof NonNullable<SandboxOptions['ports']>) =>
    ports[name] ? { port: ports[name] } : {};
  const [google, slack, anthropic, sentry] = await Promise.all([
    startGoogleEmulator({
      now,
      spreadsheets: [PERSONA_SHEET, INFLUENCER_SPREADSHEET, UNSHARED_SPREADSHEET],
      ...port('google'),
    }),
    startSlackEmulator({ now, channels: [SANDBOX_CHANNEL], ...port('slack') }),
    startAnthropicEmulator({ now, ...port('anthropic') }),
    startSentryCollector(port('sentry')),
  ]);

  const servicePort = options.servicePort ?? 8080;
  const pushEndpoint = options.pushEndpoint ?? `http://127.0.0.1:${servicePort}/webhooks/gmail`;
  // Mutable on purpose: the control API changes drop/duplicate/reorder behaviour at run time.
  const push: PushOptions = {
    endpoint: pushEndpoint,
    // A push subscription's default OIDC audience is its endpoint URL.
    audience: pushEndpoint,
    maxAttempts: 8,
    backoffMs: 100,
    random,
  };
  const pusher = createPubSubPusher(google.identity, google.mailbox.address, push);
  let autoPush = options.autoPush ?? true;
  const unsubscribe = google.mailbox.subscribe((message) => {
    if (autoPush && watchCovers(google.watch, message.labelIds, now()))
      pusher.notify(message.historyId);
  });

  let personas = makePersonas();
  function makePersonas() {
    return createPersonas({
      mailbox: google.mailbox,
      seed: options.seed ?? 1,
      now,
      ...(options.personaReplyDelayMs ? { replyDelayMs: options.personaReplyDelayMs } : {}),
    });
  }

  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'negotiator-sandbox-'));
  const ownsDataDir = options.dataDir === undefined;
  const serviceAccountFile = join(dataDir, 'service-account.json');
  writeFileSync(
    serviceAccountFile,
    `${JSON.stringify(google.identity.serviceAccountKey(google.tokenUrl), null, 2)}\n`,
    { mode: 0o600 },
  );

  const sandbox = {
    google,
    slack,
    anthropic,
    sentry,
    pusher,
    push,
    /** Scripted influencers answering the agent's emails (replaced by `reset`). */
    get personas() {
      return personas;
    },
    dataDir,
    pushEndpoint,
    setAutoPush(on: boolean): void {
      autoPush = on;
    },
    /** The variables that point `negotiator serve` at this sandbox, and nothing else needed. */
    env(): Record<string, string> {
      return {
        PORT: String(servicePort),
        DATABASE_PATH: join(dataDir, 'negotiator.db'),
        GOOGLE_API_URL: google.rootUrl,
        GOOGLE_TOKEN_URL: google.tokenUrl,
        GOOGLE_CERTS_URL: google.certsUrl,
        GMAIL_CLIENT_ID: google.identity.clientId,
        GMAIL_CLIENT_SECRET: google.identity.clientSecret,
        GMAIL_REFRESH_TOKEN: google.identity.refreshToken,
        GMAIL_PUBSUB_TOPIC: SANDBOX_TOPIC,
        GMAIL_PUSH_AUDIENCE: push.audience,
        GMAIL_PUSH_SERVICE_ACCOUNT:
          push.serviceAccountEmail ?? 'gmail-push@sandbox.iam.gserviceaccount.com',
        GOOGLE_SERVICE_ACCOUNT_FILE: serviceAccountFile,
        INFLUENCER_SHEET_ID: PERSONA_SHEET.id,
        SLACK_API_URL: slack.apiUrl,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_APP_TOKEN: slack.appToken,
        SLACK_CHANNEL: SANDBOX_CHANNEL,
        ANTHROPIC_BASE_URL: anthropic.url,
        ANTHROPIC_API_KEY: anthropic.apiKey,
        ANTHROPIC_READING_MODEL: SANDBOX_MODELS.reading,
        ANTHROPIC_WRITING_MODEL: SANDBOX_MODELS.writing,
        SENTRY_DSN: sentry.dsn,
      };
    },
    /** Forget every message, call, event and fault; the emulators keep their ports and keys. */
    reset(): void {
      personas.stop();
      google.faults.clear();
      google.mailbox.reset();
      google.watch.topicName = null;
      google.watch.expiration = null;
      slack.reset();
      anthropic.reset();
      sentry.reset();
      push.dropRate = 0;
      push.duplicateRate = 0;
      push.reorder = false;
      autoPush = options.autoPush ?? true;
      personas = makePersonas();
    },
  };
  const control = await startControlApi(sandbox, port('control'));
  const startupMs = performance.now() - started;

  // Assigned onto the same object (never spread): `personas` is a getter that `reset` renews.
  return Object.assign(sandbox, {
    control,
    /** How long starting every emulator took, in milliseconds. */
    startupMs,
    async close(): Promise<void> {
      unsubscribe();
      personas.stop();
      await Promise.all([
        control.close(),
        google.close(),
        slack.close(),
        anthropic.close(),
        sentry.close(),
      ]);
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
