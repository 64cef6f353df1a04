/**
 * The Gmail side of the agent, assembled from configuration. Two steps because the runtime needs
 * the send handler before it exists, and the router needs the runtime:
 *
 *   const mail = createMail({ config, sqlite, clock, logger });
 *   const runtime = createRuntime({ …, handlers: { ...mail.handlers } });
 *   const running = await mail.start(runtime);   // profile, sync from the stored cursor, watch
 *   …  running.pushed(change)                     // from POST /webhooks/gmail
 *   await running.stop();
 */
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import {
  createGmailPort,
  type GmailCredentials,
  type MailPort,
} from '../adapters/gmail/mail-port.js';
import { createGoogleSheetPort } from '../adapters/sheets/index.js';
import type { Config } from '../config.js';
import { loadCampaigns } from '../config-files/campaigns.js';
import { loadEscalationPolicy } from '../config-files/escalation.js';
import { loadRateCard } from '../config-files/rate-card.js';
import { createCampaignStore } from '../db/campaign-store.js';
import { createMailStore } from '../db/mail-store.js';
import { RetryableError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/index.js';
import { createMailRouter } from './router.js';
import { createSendEmailHandler } from './send.js';
import { createNegotiationStarter } from './starter.js';
import { createMailSync } from './sync.js';
import { createWatchKeeper } from './watch.js';

/** Free-mail domains are never "the team": a colleague on gmail.com is not a takeover signal. */
const PUBLIC_DOMAINS = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com']);

export class MailConfigError extends Error {
  constructor(missing: string[]) {
    super(`Gmail is not configured: ${missing.join(', ')}`);
    this.name = 'MailConfigError';
  }
}

const CredentialsFile = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  refresh_token: z.string().min(1),
});

/** The mailbox's OAuth credentials: from the variables, else from GMAIL_CREDENTIALS_FILE. */
export function gmailCredentials(config: Config): GmailCredentials {
  const { clientId, credentialsFile } = config.gmail;
  const { GMAIL_CLIENT_SECRET: secret, GMAIL_REFRESH_TOKEN: refresh } = config.secrets;
  if (clientId && secret && refresh)
    return { clientId, clientSecret: secret, refreshToken: refresh };
  if (credentialsFile) {
    let parsed: z.infer<typeof CredentialsFile>;
    try {
      parsed = CredentialsFile.parse(JSON.parse(readFileSync(credentialsFile, 'utf8')));
    } catch (error) {
      // Never echo the file: it holds the refresh token.
      const why =
        error instanceof z.ZodError
          ? 'needs client_id, client_secret and refresh_token'
          : (error as Error).message.replace(/\{.*$/s, '');
      throw new MailConfigError([`GMAIL_CREDENTIALS_FILE (${credentialsFile}) ${why}`]);
    }
    return {
      clientId: parsed.client_id,
      clientSecret: parsed.client_secret,
      refreshToken: parsed.refresh_token,
    };
  }
  throw new MailConfigError([
    ...(clientId ? [] : ['GMAIL_CLIENT_ID']),
    ...(secret ? [] : ['GMAIL_CLIENT_SECRET']),
    ...(refresh ? [] : ['GMAIL_REFRESH_TOKEN']),
    '(or GMAIL_CREDENTIALS_FILE)',
  ]);
}

export function createMail(deps: {
  config: Config;
  sqlite: Database.Database;
  clock: Clock;
  logger: Logger;
  /** Alerts (Slack notices once that exists); always logged as well. */
  onProblem?: (problem: string) => void;
  /** Overrides the Gmail port (tests). */
  mail?: MailPort;
}) {
  const { config } = deps;
  const mail =
    deps.mail ??
    createGmailPort({
      credentials: gmailCredentials(config),
      ...(config.endpoints.googleApiUrl ? { rootUrl: config.endpoints.googleApiUrl } : {}),
      ...(config.endpoints.googleTokenUrl ? { tokenUrl: config.endpoints.googleTokenUrl } : {}),
    });
  const log = deps.logger.child({ component: 'mail' });
  const problem = (text: string) => {
    log.error({ problem: text }, 'mail problem');
    deps.onProblem?.(text);
  };
  // The address is known after `start` reads the profile; the handler asks for it lazily.
  let address = '';
  let store: ReturnType<typeof createMailStore> | null = null;
  const storeFor = () => {
    // Only before start (a service that ran effects too early): a wait, not a failure.
    if (!store)
      throw new RetryableError('mail not started: the mailbox address is not known yet', 5_000);
    return store;
  };

  const sendEmail = createSendEmailHandler({
    mail,
    get store() {
      return storeFor();
    },
    get from() {
      return { name: config.gmail.fromName ?? null, address };
    },
    target: (negotiationId) =>
      (deps.sqlite
        .prepare(`select thread_id as threadId, influencer_email as influencerEmail,
          influencer_name as influencerName from negotiations where id = ?`)
        .get(negotiationId) as
        | { threadId: string | null; influencerEmail: string; influencerName: string | null }
        | undefined) ?? null,
    now: deps.clock.now,
  });

  return {
    handlers: { sendEmail },
    async start(runtime: Pick<Runtime, 'create' | 'dispatch'>) {
      const profile = await mail.profile();
      address = profile.address;
      store = createMailStore(deps.sqlite, address);
      const domain = address.split('@')[1] ?? '';
      const teamDomains = config.gmail.teamDomains.length
        ? config.gmail.teamDomains
        : PUBLIC_DOMAINS.has(domain)
          ? []
          : [domain];
      const escalation = loadEscalationPolicy(config.configDir);
      const sheetsFile = config.sheets.serviceAccountFile;
      const starter = sheetsFile
        ? createNegotiationStarter({
            sheets: createGoogleSheetPort({
              serviceAccountFile: sheetsFile,
              spreadsheetId: config.sheets.influencerSheetId,
              rootUrl: config.endpoints.googleApiUrl,
              tokenUrl: config.endpoints.googleTokenUrl,
              now: deps.clock.now,
              // Each read is logged, with the cells of rows that cannot be used.
              logger: deps.logger.child({ component: 'sheets' }),
            }),
            campaigns: loadCampaigns(config.configDir),
            mailboxAddress: address,
            campaignStore: createCampaignStore(deps.sqlite),
            rateCard: loadRateCard(config.configDir),
            escalation,
            settings: config.negotiation,
            create: runtime.create,
            logger: log,
            now: deps.clock.now,
            onProblem: problem,
          })
        : async () => ({ unknown: 'no influencer sheet is configured' });
      const router = createMailRouter({
        store,
        mailboxAddress: address,
        teamDomains,
        dispatch: runtime.dispatch,
        startNegotiation: starter,
        now: deps.clock.now,
      });
      const sync = createMailSync({
        mail,
        store,
        router,
        clock: deps.clock,
        logger: deps.logger,
        options: { pollIntervalMs: config.gmail.pollIntervalMs },
        onProblem: problem,
      });
      const topic = config.gmail.pubsubTopic;
      const watch = topic
        ? createWatchKeeper({
            mail,
            store,
            clock: deps.clock,
            logger: deps.logger,
            topicName: topic,
            onProblem: problem,
          })
        : null;
      if (!watch) log.warn('GMAIL_PUBSUB_TOPIC is not set: no push, polling only');
      const first = await sync.start();
      await watch?.start();
      const mailStore = store;
      return {
        address,
        store: mailStore,
        sync,
        watch,
        firstSync: first,
        /** A verified push: noted durably (once per Pub/Sub message), then the sync wakes. */
        pushed(
          change: { historyId: string; pubsubMessageId: string },
          requestId?: string | null,
        ): void {
          const fresh = mailStore.recordPush(
            change.historyId,
            change.pubsubMessageId,
            deps.clock.now(),
          );
          if (fresh) sync.wake(requestId);
        },
        async stop(): Promise<void> {
          watch?.stop();
          await sync.stop();
        },
      };
    },
  };
}

export type Mail = ReturnType<typeof createMail>;
export type RunningMail = Awaited<ReturnType<Mail['start']>>;
